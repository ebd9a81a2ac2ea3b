"""Posts written, checked, approved and published through Rettesnor (issue 18).

- ``publication``: one post for one account, from draft to published. It is also the durable queue of the
  publisher: a post due to go out is a row in ``scheduled`` with its time; ``publishing`` means an attempt
  was committed before the platform was called, so a publisher that finds such a row (after a crash) first
  looks the post up on the platform by its text and time before it posts again (no post twice).
- ``publication_photo``: the photos with their alt text, kept with the post (Meta fetches them from a
  short-lived signed URL; the archive keeps its own copy as the record's attachments).
- ``publication_step``: the approval chain, one row per act: saved, submitted, acknowledged, approved,
  changes asked for, rejected, block overridden, published, failed; who, when, and the comment.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from rettesnor.records.base import Base
from rettesnor.records.types import utcnow

PUBLICATION_STATES = (
    "draft",  # being written; anyone may save one
    "submitted",  # waiting for an approver
    "changes",  # the approver asked for changes: back with the author
    "rejected",  # the approver said no: closed
    "scheduled",  # approved (or needing no approval): waiting for its time in the queue
    "publishing",  # an attempt is under way (or was, when the publisher died)
    "published",
    "failed",  # the platform refused it for good (permission, token, invalid) or retries ran out
)
STEP_ACTS = (
    "saved",
    "submitted",
    "approved",
    "changes",
    "rejected",
    "override",
    "published",
    "failed",
    "retry",
)


def _org_fk() -> Mapped[int]:
    return mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)


class Publication(Base):
    """A post for one account: its text, link and time, the check at submission, the gates it passed."""

    __tablename__ = "publication"
    __table_args__ = (
        Index(None, "status", "due_at"),  # the publisher's queue
        Index(None, "organisation_id", "account_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = _org_fk()
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    text: Mapped[str] = mapped_column(Text)
    link: Mapped[str | None] = mapped_column(String(500))
    publish_at: Mapped[dt.datetime | None]  # None: as soon as it is approved
    status: Mapped[str] = mapped_column(String(12), default="draft")
    # The check when it was last submitted: verdict, the findings as JSON, whether it is about a crisis.
    verdict: Mapped[str | None] = mapped_column(String(12))
    findings: Mapped[str | None] = mapped_column(Text)
    crisis: Mapped[bool] = mapped_column(default=False)
    acknowledgements: Mapped[str | None] = mapped_column(Text)  # JSON: rule code -> the author's words
    override_reason: Mapped[str | None] = mapped_column(Text)
    # The queue: when it is due, how many attempts, the last error (a kind and a one-line message).
    due_at: Mapped[dt.datetime | None]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    attempt_started_at: Mapped[dt.datetime | None]
    idempotency_key: Mapped[str] = mapped_column(String(40), unique=True)
    error_kind: Mapped[str | None] = mapped_column(String(20))
    error: Mapped[str | None] = mapped_column(String(300))
    platform_id: Mapped[str | None] = mapped_column(String(200))
    published_at: Mapped[dt.datetime | None]
    record_id: Mapped[int | None] = mapped_column(ForeignKey("archive_record.id"))
    # A change of a published post: the post it changes. It passes the same gates; published, it edits the
    # post on the platform and becomes a new version of its archive record.
    revision_of: Mapped[int | None] = mapped_column(ForeignKey("publication.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class PublicationPhoto(Base):
    __tablename__ = "publication_photo"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = _org_fk()
    publication_id: Mapped[int] = mapped_column(ForeignKey("publication.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(200))
    alt: Mapped[str | None] = mapped_column(Text)
    media_type: Mapped[str] = mapped_column(String(60))
    data: Mapped[bytes] = mapped_column(LargeBinary)


class PublicationStep(Base):
    """One act in a post's approval chain; rows are only added."""

    __tablename__ = "publication_step"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = _org_fk()
    publication_id: Mapped[int] = mapped_column(ForeignKey("publication.id", ondelete="CASCADE"), index=True)
    act: Mapped[str] = mapped_column(String(12))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    comment: Mapped[str | None] = mapped_column(Text)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
