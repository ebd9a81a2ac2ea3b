"""Categories as relations (issue 14): record_category and case_category, filled from the comma lists.

The comma-separated ``archive_record.categories`` and ``moderation_case.categories`` stay for now: the
first is in the hash chain's projection of a record, and both are still shown as they are.

Revision ID: 0014_categories
Revises: 0013_publishing
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0014_categories"
down_revision: str | None = "0013_publishing"
branch_labels: str | None = None
depends_on: str | None = None

# (new table, its key column, the table it refers to)
TABLES = (("record_category", "record_id", "archive_record"), ("case_category", "case_id", "moderation_case"))
BATCH = 5000


def upgrade() -> None:
    for table, key, parent in TABLES:
        op.create_table(
            table,
            sa.Column(key, sa.Integer(), nullable=False),
            sa.Column("category", sa.String(length=100), nullable=False),
            sa.ForeignKeyConstraint([key], [f"{parent}.id"], name=f"fk_{table}_{key}_{parent}"),
            sa.PrimaryKeyConstraint(key, "category", name=f"pk_{table}"),
        )
        op.create_index(f"ix_{table}_category_{key}", table, ["category", key], unique=False)
        _fill(table, key, parent)


def _fill(table: str, key: str, parent: str) -> None:
    """One row per category of each existing list, in batches (an archive holds millions of records)."""
    conn = op.get_bind()
    target = sa.table(table, sa.column(key, sa.Integer()), sa.column("category", sa.String()))
    last = 0
    while True:
        rows = conn.execute(
            sa.text(
                f"SELECT id, categories FROM {parent} WHERE id > :last AND categories IS NOT NULL "
                "AND categories != '' ORDER BY id LIMIT :n"
            ),
            {"last": last, "n": BATCH},
        ).all()
        if not rows:
            return
        values = [
            {key: row_id, "category": c} for row_id, cats in rows for c in sorted(set(cats.split(","))) if c
        ]
        if values:
            conn.execute(sa.insert(target), values)
        last = rows[-1][0]


def downgrade() -> None:
    for table, key, _ in reversed(TABLES):
        op.drop_index(f"ix_{table}_category_{key}", table_name=table)
        op.drop_table(table)
