"""The public-records archive: records, the hash chain per organisation, content, attachments,
moderation cases and decisions, registration tasks, retention rules, legal holds and the disposal log;
the full-text index (SQLite FTS5, PostgreSQL tsvector with a GIN index).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None

APPEND_ONLY = ("archive_entry", "disposal_log")


def _create_derived() -> None:
    """Append-only triggers on the chain and the disposal log, and the full-text index."""
    if op.get_bind().dialect.name == "sqlite":
        for table in APPEND_ONLY:
            for what in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{what.lower()} BEFORE {what} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
                )
        # External-content FTS5 over archive_record.text, kept in step by the archive code.
        op.execute(
            "CREATE VIRTUAL TABLE archive_fts USING fts5(text, content='archive_record', "
            "content_rowid='id', tokenize='unicode61 remove_diacritics 0')"
        )
        return
    op.execute(
        "CREATE FUNCTION archive_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$"
    )
    for table in APPEND_ONLY:
        op.execute(
            f"CREATE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION archive_append_only()"
        )
        op.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION archive_append_only()"
        )
    op.execute(
        "CREATE TABLE archive_fts (record_id integer PRIMARY KEY REFERENCES archive_record(id), "
        "organisation_id integer NOT NULL, vector tsvector NOT NULL)"
    )
    op.execute("CREATE INDEX archive_fts_vector ON archive_fts USING gin (vector)")


def _drop_derived() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS archive_fts")
        for table in APPEND_ONLY:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
        return
    op.execute("DROP TABLE IF EXISTS archive_fts")
    for table in APPEND_ONLY:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_change ON {table}")
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
    op.execute("DROP FUNCTION IF EXISTS archive_append_only()")


def upgrade() -> None:
    op.create_table(
        "retention_rule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("record_kind", sa.String(length=20), nullable=False),
        sa.Column("keep", sa.Boolean(), nullable=False),
        sa.Column("dispose_after_days", sa.Integer(), nullable=True),
        sa.Column("decision_ref", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_retention_rule_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retention_rule")),
        sa.UniqueConstraint(
            "organisation_id", "record_kind", name=op.f("uq_retention_rule_organisation_id_record_kind")
        ),
    )
    with op.batch_alter_table("retention_rule", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_retention_rule_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "archive_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("platform", sa.String(length=20), nullable=False),
        sa.Column("platform_id", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("thread_id", sa.Integer(), nullable=True),
        sa.Column("author_id", sa.String(length=200), nullable=True),
        sa.Column("author_name", sa.String(length=200), nullable=True),
        sa.Column("published_at", sa.DateTime(), nullable=True),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("language", sa.String(length=5), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("categories", sa.String(length=300), nullable=True),
        sa.Column("decision", sa.String(length=12), nullable=True),
        sa.Column("policy", sa.String(length=120), nullable=True),
        sa.Column("disposed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"], ["account.id"], name=op.f("fk_archive_record_account_id_account")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_archive_record_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["archive_record.id"], name=op.f("fk_archive_record_parent_id_archive_record")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_archive_record")),
        sa.UniqueConstraint(
            "organisation_id",
            "platform",
            "platform_id",
            name=op.f("uq_archive_record_organisation_id_platform_platform_id"),
        ),
    )
    with op.batch_alter_table("archive_record", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_archive_record_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_archive_record_organisation_id_account_id_published_at"),
            ["organisation_id", "account_id", "published_at"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_archive_record_organisation_id_kind_received_at"),
            ["organisation_id", "kind", "received_at"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_archive_record_thread_id"), ["thread_id"], unique=False)

    op.create_table(
        "legal_hold",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("thread_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("placed_by", sa.String(length=200), nullable=False),
        sa.Column("placed_at", sa.DateTime(), nullable=False),
        sa.Column("lifted_at", sa.DateTime(), nullable=True),
        sa.Column("lifted_by", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"], ["account.id"], name=op.f("fk_legal_hold_account_id_account")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_legal_hold_organisation_id_organisation")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_hold")),
    )
    with op.batch_alter_table("legal_hold", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_legal_hold_organisation_id"), ["organisation_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_legal_hold_organisation_id_lifted_at"),
            ["organisation_id", "lifted_at"],
            unique=False,
        )

    op.create_table(
        "archive_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("event", sa.String(length=12), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("content_sha256", sa.String(length=64), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("entry_hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_archive_entry_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["record_id"], ["archive_record.id"], name=op.f("fk_archive_entry_record_id_archive_record")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_archive_entry")),
        sa.UniqueConstraint("organisation_id", "seq", name=op.f("uq_archive_entry_organisation_id_seq")),
    )
    with op.batch_alter_table("archive_entry", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_archive_entry_record_id_version"), ["record_id", "version"], unique=False
        )

    op.create_table(
        "disposal_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("rule_id", sa.Integer(), nullable=False),
        sa.Column("record_kind", sa.String(length=20), nullable=False),
        sa.Column("versions", sa.Integer(), nullable=False),
        sa.Column("disposed_by", sa.String(length=200), nullable=False),
        sa.Column("disposed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_disposal_log_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["record_id"], ["archive_record.id"], name=op.f("fk_disposal_log_record_id_archive_record")
        ),
        sa.ForeignKeyConstraint(
            ["rule_id"], ["retention_rule.id"], name=op.f("fk_disposal_log_rule_id_retention_rule")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disposal_log")),
    )
    with op.batch_alter_table("disposal_log", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_disposal_log_organisation_id_disposed_at"),
            ["organisation_id", "disposed_at"],
            unique=False,
        )

    op.create_table(
        "moderation_case",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("recommended", sa.String(length=12), nullable=False),
        sa.Column("categories", sa.String(length=300), nullable=False),
        sa.Column("rule_code", sa.String(length=10), nullable=True),
        sa.Column("clauses", sa.String(length=200), nullable=True),
        sa.Column("ground", sa.String(length=30), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("escalated_to_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["account.id"], name=op.f("fk_moderation_case_account_id_account")
        ),
        sa.ForeignKeyConstraint(
            ["escalated_to_id"], ["person.id"], name=op.f("fk_moderation_case_escalated_to_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_moderation_case_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["record_id"], ["archive_record.id"], name=op.f("fk_moderation_case_record_id_archive_record")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_moderation_case")),
        sa.UniqueConstraint("record_id", name=op.f("uq_moderation_case_record_id")),
    )
    with op.batch_alter_table("moderation_case", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_moderation_case_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_moderation_case_organisation_id_status"),
            ["organisation_id", "status"],
            unique=False,
        )

    op.create_table(
        "registration_task",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("closed_by_id", sa.Integer(), nullable=True),
        sa.Column("journal_ref", sa.String(length=100), nullable=True),
        sa.Column("close_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["closed_by_id"], ["person.id"], name=op.f("fk_registration_task_closed_by_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_registration_task_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["person.id"], name=op.f("fk_registration_task_owner_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["record_id"], ["archive_record.id"], name=op.f("fk_registration_task_record_id_archive_record")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registration_task")),
    )
    with op.batch_alter_table("registration_task", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_registration_task_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_registration_task_organisation_id_status_due_on"),
            ["organisation_id", "status", "due_on"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_registration_task_record_id"), ["record_id"], unique=False)

    op.create_table(
        "archive_attachment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("disposed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["entry_id"], ["archive_entry.id"], name=op.f("fk_archive_attachment_entry_id_archive_entry")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_archive_attachment_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_archive_attachment")),
    )
    with op.batch_alter_table("archive_attachment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_archive_attachment_entry_id"), ["entry_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_archive_attachment_organisation_id_sha256"),
            ["organisation_id", "sha256"],
            unique=False,
        )

    op.create_table(
        "archive_content",
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"], ["archive_entry.id"], name=op.f("fk_archive_content_entry_id_archive_entry")
        ),
        sa.PrimaryKeyConstraint("entry_id", name=op.f("pk_archive_content")),
    )
    op.create_table(
        "moderation_decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=12), nullable=False),
        sa.Column("ground", sa.String(length=30), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=False),
        sa.Column("evidence_entry_id", sa.Integer(), nullable=True),
        sa.Column("platform_result", sa.String(length=12), nullable=False),
        sa.Column("reply_text", sa.Text(), nullable=True),
        sa.Column("escalated_to_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["moderation_case.id"], name=op.f("fk_moderation_decision_case_id_moderation_case")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["person.id"], name=op.f("fk_moderation_decision_decided_by_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["escalated_to_id"], ["person.id"], name=op.f("fk_moderation_decision_escalated_to_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["evidence_entry_id"],
            ["archive_entry.id"],
            name=op.f("fk_moderation_decision_evidence_entry_id_archive_entry"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_moderation_decision_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["record_id"], ["archive_record.id"], name=op.f("fk_moderation_decision_record_id_archive_record")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_moderation_decision")),
    )
    with op.batch_alter_table("moderation_decision", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_moderation_decision_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_moderation_decision_organisation_id_record_id"),
            ["organisation_id", "record_id"],
            unique=False,
        )
    _create_derived()


def downgrade() -> None:
    _drop_derived()
    with op.batch_alter_table("moderation_decision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_moderation_decision_organisation_id_record_id"))
        batch_op.drop_index(batch_op.f("ix_moderation_decision_organisation_id"))

    op.drop_table("moderation_decision")
    op.drop_table("archive_content")
    with op.batch_alter_table("archive_attachment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_archive_attachment_organisation_id_sha256"))
        batch_op.drop_index(batch_op.f("ix_archive_attachment_entry_id"))

    op.drop_table("archive_attachment")
    with op.batch_alter_table("registration_task", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_registration_task_record_id"))
        batch_op.drop_index(batch_op.f("ix_registration_task_organisation_id_status_due_on"))
        batch_op.drop_index(batch_op.f("ix_registration_task_organisation_id"))

    op.drop_table("registration_task")
    with op.batch_alter_table("moderation_case", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_moderation_case_organisation_id_status"))
        batch_op.drop_index(batch_op.f("ix_moderation_case_organisation_id"))

    op.drop_table("moderation_case")
    with op.batch_alter_table("disposal_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_disposal_log_organisation_id_disposed_at"))

    op.drop_table("disposal_log")
    with op.batch_alter_table("archive_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_archive_entry_record_id_version"))

    op.drop_table("archive_entry")
    with op.batch_alter_table("legal_hold", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_legal_hold_organisation_id_lifted_at"))
        batch_op.drop_index(batch_op.f("ix_legal_hold_organisation_id"))

    op.drop_table("legal_hold")
    with op.batch_alter_table("archive_record", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_archive_record_thread_id"))
        batch_op.drop_index(batch_op.f("ix_archive_record_organisation_id_kind_received_at"))
        batch_op.drop_index(batch_op.f("ix_archive_record_organisation_id_account_id_published_at"))
        batch_op.drop_index(batch_op.f("ix_archive_record_organisation_id"))

    op.drop_table("archive_record")
    with op.batch_alter_table("retention_rule", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_retention_rule_organisation_id"))

    op.drop_table("retention_rule")
