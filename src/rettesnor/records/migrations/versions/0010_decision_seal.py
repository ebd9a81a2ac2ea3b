"""Moderation decisions are sealed in a chain of their own, so that ``archive verify`` notices a changed
reason, decider or action (existing decisions are sealed in id order).

Revision ID: 0010_decision_seal
Revises: 0009_sessions
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0010_decision_seal"
down_revision: str | None = "0009_sessions"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    with op.batch_alter_table("moderation_decision", schema=None) as batch_op:
        batch_op.add_column(sa.Column("seal_prev", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("seal", sa.String(length=64), nullable=True))
    _seal_existing()


def _seal_existing() -> None:
    from rettesnor.archive.canonical import GENESIS
    from rettesnor.archive.derived import SEALED, decision_seal
    from rettesnor.records.types import UTCDateTime

    columns: list[sa.ColumnClause[object]] = [sa.column(k) for k in SEALED if k != "id"]
    table = sa.table(
        "moderation_decision",
        sa.column("id"),
        *columns,
        sa.column("decided_at", UTCDateTime()),
        sa.column("seal_prev"),
        sa.column("seal"),
    )
    bind = op.get_bind()
    heads: dict[int, str] = {}
    rows = bind.execute(sa.select(table).order_by(table.c.id)).mappings().all()
    for row in rows:
        prev = heads.get(row["organisation_id"], GENESIS)
        sealed = decision_seal(prev, dict(row))
        bind.execute(table.update().where(table.c.id == row["id"]).values(seal_prev=prev, seal=sealed))
        heads[row["organisation_id"]] = sealed


def downgrade() -> None:
    with op.batch_alter_table("moderation_decision", schema=None) as batch_op:
        batch_op.drop_column("seal")
        batch_op.drop_column("seal_prev")
