"""Journal mail: the address of the organisation's records system (journal), where registration tasks
are sent as e-mail.

Revision ID: 0012_records
Revises: 0011_author_words
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0012_records"
down_revision: str | None = "0011_author_words"
branch_labels: str | None = None
depends_on: str | None = None


# Plain ALTER TABLE on both backends (SQLite ≥ 3.35 drops a column in place): a batch operation would copy
# the organisation table, which every other table references, and fail on its foreign keys.
def upgrade() -> None:
    op.add_column("organisation", sa.Column("journal_address", sa.String(length=200), nullable=True))


def downgrade() -> None:
    op.execute("ALTER TABLE organisation DROP COLUMN journal_address")
