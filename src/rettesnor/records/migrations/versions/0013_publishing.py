"""Publishing through Rettesnor (issue 18): posts, their photos and their approval chain; the queue.

Revision ID: 0013_publishing
Revises: 0012_records
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0013_publishing"
down_revision: str | None = "0012_records"
branch_labels: str | None = None
depends_on: str | None = None


def _org(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["organisation_id"],
        ["organisation.id"],
        name=f"fk_{table}_organisation_id_organisation",
        ondelete="CASCADE",
    )


def _parent(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["publication_id"],
        ["publication.id"],
        name=f"fk_{table}_publication_id_publication",
        ondelete="CASCADE",
    )


def upgrade() -> None:
    op.create_table(
        "publication",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("link", sa.String(length=500), nullable=True),
        sa.Column("publish_at", sa.DateTime(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("verdict", sa.String(length=12), nullable=True),
        sa.Column("findings", sa.Text(), nullable=True),
        sa.Column("crisis", sa.Boolean(), nullable=False),
        sa.Column("acknowledgements", sa.Text(), nullable=True),
        sa.Column("override_reason", sa.Text(), nullable=True),
        sa.Column("due_at", sa.DateTime(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("attempt_started_at", sa.DateTime(), nullable=True),
        sa.Column("idempotency_key", sa.String(length=40), nullable=False),
        sa.Column("error_kind", sa.String(length=20), nullable=True),
        sa.Column("error", sa.String(length=300), nullable=True),
        sa.Column("platform_id", sa.String(length=200), nullable=True),
        sa.Column("published_at", sa.DateTime(), nullable=True),
        sa.Column("record_id", sa.Integer(), nullable=True),
        sa.Column("revision_of", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        _org("publication"),
        sa.ForeignKeyConstraint(["account_id"], ["account.id"], name="fk_publication_account_id_account"),
        sa.ForeignKeyConstraint(["author_id"], ["person.id"], name="fk_publication_author_id_person"),
        sa.ForeignKeyConstraint(
            ["record_id"], ["archive_record.id"], name="fk_publication_record_id_archive_record"
        ),
        sa.ForeignKeyConstraint(
            ["revision_of"], ["publication.id"], name="fk_publication_revision_of_publication"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_publication"),
        sa.UniqueConstraint("idempotency_key", name="uq_publication_idempotency_key"),
    )
    with op.batch_alter_table("publication", schema=None) as batch_op:
        batch_op.create_index("ix_publication_organisation_id", ["organisation_id"], unique=False)
        batch_op.create_index("ix_publication_status_due_at", ["status", "due_at"], unique=False)
        batch_op.create_index(
            "ix_publication_organisation_id_account_id_status",
            ["organisation_id", "account_id", "status"],
            unique=False,
        )
    op.create_table(
        "publication_photo",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("publication_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("alt", sa.Text(), nullable=True),
        sa.Column("media_type", sa.String(length=60), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        _org("publication_photo"),
        _parent("publication_photo"),
        sa.PrimaryKeyConstraint("id", name="pk_publication_photo"),
    )
    op.create_table(
        "publication_step",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("publication_id", sa.Integer(), nullable=False),
        sa.Column("act", sa.String(length=12), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        _org("publication_step"),
        _parent("publication_step"),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name="fk_publication_step_person_id_person"),
        sa.PrimaryKeyConstraint("id", name="pk_publication_step"),
    )
    for table in ("publication_photo", "publication_step"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(f"ix_{table}_organisation_id", ["organisation_id"], unique=False)
            batch_op.create_index(f"ix_{table}_publication_id", ["publication_id"], unique=False)


def downgrade() -> None:
    op.drop_table("publication_step")
    op.drop_table("publication_photo")
    op.drop_table("publication")
