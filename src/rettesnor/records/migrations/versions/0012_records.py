"""Journal mail: the address of the organisation's records system (journal), where registration tasks
are sent as e-mail.

Revision ID: 0012_records
Revises: 0008_mail
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0012_records"
down_revision: str | None = "0011_author_words"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("journal_address", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.drop_column("journal_address")
