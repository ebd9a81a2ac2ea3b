"""Platform connectors: the durable webhook event queue and encrypted page tokens.

Revision ID: 0004_platforms
Revises: 0003_web
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0004_platforms"
down_revision: str | None = "0003_web"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "platform_connection",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=20), nullable=False),
        sa.Column("page_id", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("messaging", sa.String(length=10), nullable=False),
        sa.Column("settings_read_at", sa.DateTime(), nullable=True),
        sa.Column("connected_at", sa.DateTime(), nullable=False),
        sa.Column("connected_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["account.id"], name=op.f("fk_platform_connection_account_id_account")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_platform_connection_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_platform_connection")),
        sa.UniqueConstraint("account_id", name=op.f("uq_platform_connection_account_id")),
        sa.UniqueConstraint("platform", "page_id", name=op.f("uq_platform_connection_platform_page_id")),
    )
    with op.batch_alter_table("platform_connection", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_platform_connection_organisation_id"), ["organisation_id"], unique=False
        )
    op.create_table(
        "platform_token",
        sa.Column("connection_id", sa.Integer(), nullable=False),
        sa.Column("ciphertext", sa.LargeBinary(), nullable=False),
        sa.Column("fingerprint", sa.String(length=16), nullable=False),
        sa.Column("stored_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["connection_id"],
            ["platform_connection.id"],
            name=op.f("fk_platform_token_connection_id_platform_connection"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("connection_id", name=op.f("pk_platform_token")),
    )
    op.create_table(
        "platform_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("body_sha256", sa.String(length=64), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("events", sa.Integer(), nullable=True),
        sa.Column("ingested", sa.Integer(), nullable=True),
        sa.Column("processed_at", sa.DateTime(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_platform_event")),
        sa.UniqueConstraint("body_sha256", name=op.f("uq_platform_event_body_sha256")),
    )
    with op.batch_alter_table("platform_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_platform_event_status_id"), ["status", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("platform_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_platform_event_status_id"))
    op.drop_table("platform_event")
    op.drop_table("platform_token")
    with op.batch_alter_table("platform_connection", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_platform_connection_organisation_id"))
    op.drop_table("platform_connection")
