"""The public-records archive, moderation, registration tasks and retention as tables.

Columns only; the rules live in :mod:`rettesnor.archive`, :mod:`rettesnor.moderation` and
:mod:`rettesnor.registration`.

- ``archive_record``: one row per post, comment, reply, private message or moderator action: who, where,
  the thread, and the current state (a projection; the truth is the chain of entries below).
- ``archive_entry``: the append-only hash chain per organisation. One entry per version of a record (an
  edit is a new version, a deletion a tombstone that keeps the last content, a hide or unhide a new
  version too). The entry holds the SHA-256 of the version's canonical JSON, never the content, so that
  disposal (gallring) can remove the content while the chain still verifies. The database refuses
  UPDATE and DELETE on it.
- ``archive_content``: the canonical JSON of each version; removed only by a disposal run, which is logged.
- ``archive_attachment``: files of a version, stored content-addressed by SHA-256 outside the database.
- ``archive_fts``: the full-text index (SQLite FTS5; on PostgreSQL a table with a ``tsvector`` and a GIN
  index). It is derived data, created by the migration and kept out of the model comparison
  (:func:`include_name`).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from rettesnor.records import models  # noqa: F401  (the tables its foreign keys name)
from rettesnor.records.base import Base
from rettesnor.records.types import utcnow

RECORD_KINDS = ("post", "comment", "reply", "private_message", "moderator_action")
RECORD_STATES = ("published", "hidden", "deleted")
ENTRY_EVENTS = ("create", "edit", "delete", "hide", "unhide", "evidence", "action")
DECISIONS = ("keep", "hide", "unhide", "delete", "escalate", "reply")
CASE_STATUSES = ("open", "escalated", "decided")
TASK_KINDS = ("complaint", "case_inquiry", "private_inquiry")
TASK_STATUSES = ("open", "closed")
FTS_TABLE = "archive_fts"


def include_name(name: str | None, type_: str, _parent: object) -> bool:
    """For Alembic's comparison: the full-text index is derived data with its own (virtual) tables."""
    return not (type_ == "table" and name is not None and name.startswith(FTS_TABLE))


def _org_fk() -> Mapped[int]:
    return mapped_column(ForeignKey("organisation.id"), index=True)


class ArchiveRecord(Base):
    """A message as a public record: its identity, thread, author as received, and current state."""

    __tablename__ = "archive_record"
    __table_args__ = (
        UniqueConstraint("organisation_id", "platform", "platform_id"),
        Index(None, "organisation_id", "account_id", "published_at"),
        Index(None, "organisation_id", "kind", "received_at"),
        Index(None, "organisation_id", "received_at"),  # a period as a range of ids (search)
        Index(None, "thread_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = _org_fk()
    account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    platform: Mapped[str] = mapped_column(String(20))
    platform_id: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("archive_record.id"))
    thread_id: Mapped[int | None] = mapped_column(Integer)  # the record that opened the thread
    author_id: Mapped[str | None] = mapped_column(String(200))  # the author's id on the platform
    author_name: Mapped[str | None] = mapped_column(String(200))  # as received
    published_at: Mapped[dt.datetime | None]  # on the platform
    received_at: Mapped[dt.datetime] = mapped_column(default=utcnow)  # by us
    language: Mapped[str | None] = mapped_column(String(5))
    version: Mapped[int] = mapped_column(Integer, default=1)
    state: Mapped[str] = mapped_column(String(12), default="published")
    text: Mapped[str | None] = mapped_column(Text)  # the current text; None once disposed
    categories: Mapped[str | None] = mapped_column(String(300))  # finding categories, comma-separated
    decision: Mapped[str | None] = mapped_column(String(12))  # the last moderation decision
    policy: Mapped[str | None] = mapped_column(String(120))  # pack@digest used for the findings
    disposed_at: Mapped[dt.datetime | None]
    # Filter tokens indexed with the text (rettesnor.archive.fts.terms): account, author, categories …
    search_terms: Mapped[str | None] = mapped_column(Text)


class ArchiveEntry(Base):
    """One link of the organisation's hash chain: a version of a record. Append-only."""

    __tablename__ = "archive_entry"
    __table_args__ = (UniqueConstraint("organisation_id", "seq"), Index(None, "record_id", "version"))

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    seq: Mapped[int] = mapped_column(Integer)
    record_id: Mapped[int] = mapped_column(ForeignKey("archive_record.id"))
    version: Mapped[int] = mapped_column(Integer)
    event: Mapped[str] = mapped_column(String(12))
    recorded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    content_sha256: Mapped[str] = mapped_column(String(64))
    prev_hash: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64))


class ArchiveContent(Base):
    """The canonical JSON of one version (ActivityStreams 2.0); removed only by disposal."""

    __tablename__ = "archive_content"

    entry_id: Mapped[int] = mapped_column(ForeignKey("archive_entry.id"), primary_key=True)
    body: Mapped[str] = mapped_column(Text)


class ArchiveAttachment(Base):
    """A file attached to a version; the bytes are in the blob store under their SHA-256."""

    __tablename__ = "archive_attachment"
    __table_args__ = (Index(None, "organisation_id", "sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    entry_id: Mapped[int] = mapped_column(ForeignKey("archive_entry.id"), index=True)
    sha256: Mapped[str] = mapped_column(String(64))
    media_type: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(300))
    size: Mapped[int] = mapped_column(Integer)
    disposed_at: Mapped[dt.datetime | None]


class ModerationCase(Base):
    """A comment in the moderation queue with what the engine recommends."""

    __tablename__ = "moderation_case"
    __table_args__ = (Index(None, "organisation_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = _org_fk()
    record_id: Mapped[int] = mapped_column(ForeignKey("archive_record.id"), unique=True)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    recommended: Mapped[str] = mapped_column(String(12))
    categories: Mapped[str] = mapped_column(String(300))
    rule_code: Mapped[str | None] = mapped_column(String(10))
    clauses: Mapped[str | None] = mapped_column(String(200))
    ground: Mapped[str | None] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(12), default="open")
    escalated_to_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class RecordCategory(Base):
    """A finding category of a record's current version, one row each: what the category filter reads.

    ``ArchiveRecord.categories`` (comma-separated) stays, for now: it is in the hash chain's projection."""

    __tablename__ = "record_category"
    __table_args__ = (Index(None, "category", "record_id"),)

    record_id: Mapped[int] = mapped_column(ForeignKey("archive_record.id"), primary_key=True)
    category: Mapped[str] = mapped_column(String(100), primary_key=True)


class CaseCategory(Base):
    """A finding category of a moderation case, one row each (``ModerationCase.categories`` stays too)."""

    __tablename__ = "case_category"
    __table_args__ = (Index(None, "category", "case_id"),)

    case_id: Mapped[int] = mapped_column(ForeignKey("moderation_case.id"), primary_key=True)
    category: Mapped[str] = mapped_column(String(100), primary_key=True)


class ModerationDecision(Base):
    """Who decided what about a comment, when and why; the evidence saved before any platform action."""

    __tablename__ = "moderation_decision"
    __table_args__ = (Index(None, "organisation_id", "record_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = _org_fk()
    case_id: Mapped[int | None] = mapped_column(ForeignKey("moderation_case.id"))
    record_id: Mapped[int] = mapped_column(ForeignKey("archive_record.id"))
    action: Mapped[str] = mapped_column(String(12))
    ground: Mapped[str | None] = mapped_column(String(30))
    reason: Mapped[str] = mapped_column(Text)
    decided_by_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    decided_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    evidence_entry_id: Mapped[int | None] = mapped_column(ForeignKey("archive_entry.id"))
    platform_result: Mapped[str] = mapped_column(String(12), default="none")  # none, sent, failed
    reply_text: Mapped[str | None] = mapped_column(Text)
    escalated_to_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    # The decisions' own chain (rettesnor.archive.derived): the seal of the decision before, and this one's.
    seal_prev: Mapped[str | None] = mapped_column(String(64))
    seal: Mapped[str | None] = mapped_column(String(64))


class RegistrationTask(Base):
    """A complaint or case question that must be registered (journalised); closed only with a reference."""

    __tablename__ = "registration_task"
    __table_args__ = (Index(None, "organisation_id", "status", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = _org_fk()
    record_id: Mapped[int | None] = mapped_column(ForeignKey("archive_record.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(300))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    due_on: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default="open")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[dt.datetime | None]
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    journal_ref: Mapped[str | None] = mapped_column(String(100))
    close_reason: Mapped[str | None] = mapped_column(Text)


class RetentionRule(Base):
    """How long records of a kind are kept (gallringsbeslut): keep, or dispose after N days."""

    __tablename__ = "retention_rule"
    __table_args__ = (UniqueConstraint("organisation_id", "record_kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = _org_fk()
    record_kind: Mapped[str] = mapped_column(String(20))
    keep: Mapped[bool] = mapped_column(Boolean, default=True)
    dispose_after_days: Mapped[int | None] = mapped_column(Integer)
    decision_ref: Mapped[str | None] = mapped_column(String(200))  # the disposal decision it follows
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class LegalHold(Base):
    """Blocks disposal of an account's records (or one thread) until lifted."""

    __tablename__ = "legal_hold"
    __table_args__ = (Index(None, "organisation_id", "lifted_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = _org_fk()
    account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    thread_id: Mapped[int | None] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    placed_by: Mapped[str] = mapped_column(String(200))
    placed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    lifted_at: Mapped[dt.datetime | None]
    lifted_by: Mapped[str | None] = mapped_column(String(200))


class DisposalLog(Base):
    """One disposed record: who, when, under which rule. Append-only."""

    __tablename__ = "disposal_log"
    __table_args__ = (Index(None, "organisation_id", "disposed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    record_id: Mapped[int] = mapped_column(ForeignKey("archive_record.id"))
    rule_id: Mapped[int] = mapped_column(ForeignKey("retention_rule.id"))
    record_kind: Mapped[str] = mapped_column(String(20))
    versions: Mapped[int] = mapped_column(Integer)
    disposed_by: Mapped[str] = mapped_column(String(200))
    disposed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


# The tables themselves, for set-based statements that bypass the ORM's unit of work (and its audit).
RECORD_TABLE: Table = ArchiveRecord.__table__  # type: ignore[assignment]
ENTRY_TABLE: Table = ArchiveEntry.__table__  # type: ignore[assignment]
CONTENT_TABLE: Table = ArchiveContent.__table__  # type: ignore[assignment]
ATTACHMENT_TABLE: Table = ArchiveAttachment.__table__  # type: ignore[assignment]
CASE_TABLE: Table = ModerationCase.__table__  # type: ignore[assignment]
RECORD_CATEGORY_TABLE: Table = RecordCategory.__table__  # type: ignore[assignment]
CASE_CATEGORY_TABLE: Table = CaseCategory.__table__  # type: ignore[assignment]
DISPOSAL_TABLE: Table = DisposalLog.__table__  # type: ignore[assignment]
