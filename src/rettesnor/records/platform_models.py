"""Platform connectors: connected pages, their encrypted access tokens and the durable webhook queue.

- ``platform_connection``: which page (Facebook Page id, Instagram account id) belongs to which account of
  which organisation; what the platform last said about the page's settings (messaging on or off).
- ``platform_token``: the page access token, encrypted (Fernet) with a key from the settings. Written and
  read only with Core statements, never through the ORM, so the audit log never sees even the ciphertext.
- ``platform_event``: each signed webhook body as it arrived, appended by the endpoint and drained by the
  worker (``rettesnor platforms worker``) into the archive's ingest. The body's SHA-256 is unique, so a
  delivery Meta repeats is stored once.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from rettesnor.records import models  # noqa: F401  (the tables its foreign keys name)
from rettesnor.records.base import Base
from rettesnor.records.types import utcnow

CONNECTION_PLATFORMS = ("facebook", "instagram")
EVENT_STATES = ("pending", "done", "unrouted", "failed")


class PlatformConnection(Base):
    """An account of the registry connected to its page on a platform through the Graph API."""

    __tablename__ = "platform_connection"
    __table_args__ = (UniqueConstraint("platform", "page_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"), unique=True)
    platform: Mapped[str] = mapped_column(String(20))
    page_id: Mapped[str] = mapped_column(String(100))  # the Page id or the Instagram professional account id
    name: Mapped[str | None] = mapped_column(String(200))  # as the platform names the page
    messaging: Mapped[str] = mapped_column(String(10), default="unknown")  # as last read: on, off, unknown
    settings_read_at: Mapped[dt.datetime | None]
    connected_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    connected_by: Mapped[str] = mapped_column(String(100))


class PlatformToken(Base):
    """The encrypted page access token of a connection (Core statements only; see the module docstring)."""

    __tablename__ = "platform_token"

    connection_id: Mapped[int] = mapped_column(
        ForeignKey("platform_connection.id", ondelete="CASCADE"), primary_key=True
    )
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary)
    fingerprint: Mapped[str] = mapped_column(String(16))  # SHA-256 of the plaintext, 16 hex: to recognise it
    stored_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class PlatformEvent(Base):
    """One verified webhook delivery: the raw body, waiting for the worker, or its outcome."""

    __tablename__ = "platform_event"
    __table_args__ = (Index(None, "status", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    body_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    body: Mapped[bytes] = mapped_column(LargeBinary)
    received_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    events: Mapped[int | None] = mapped_column(Integer)  # changes found in the body
    ingested: Mapped[int | None] = mapped_column(Integer)  # of which new records or versions
    processed_at: Mapped[dt.datetime | None]
    error: Mapped[str | None] = mapped_column(Text)  # a one-line reason; never message text
