"""Approved channels for work communication per unit (Norddjurs ND-3, ND-7).

Revision ID: 0007_channels
Revises: 0006_archive_scale
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0007_channels"
down_revision: str | None = "0006_archive_scale"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "approved_channel",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("open_to", sa.Text(), nullable=False),
        sa.Column("approved_by_id", sa.Integer(), nullable=False),
        sa.Column("approved_on", sa.Date(), nullable=False),
        sa.Column("withdrawn_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_approved_channel_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_approved_channel_unit_id_unit")),
        sa.ForeignKeyConstraint(
            ["approved_by_id"], ["person.id"], name=op.f("fk_approved_channel_approved_by_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_approved_channel")),
    )
    with op.batch_alter_table("approved_channel", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_approved_channel_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(
            "ix_approved_channel_organisation_id_unit_id_key",
            ["organisation_id", "unit_id", "key"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("approved_channel", schema=None) as batch_op:
        batch_op.drop_index("ix_approved_channel_organisation_id_unit_id_key")
        batch_op.drop_index(batch_op.f("ix_approved_channel_organisation_id"))
    op.drop_table("approved_channel")
