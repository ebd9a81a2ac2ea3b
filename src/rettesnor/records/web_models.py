"""Logins and API tokens of the web application, each bound to one organisation (the tenant).

A login belongs to a person of the organisation, whose roles (``role_grant``) decide what the login may
do. Only an argon2 hash of the password is stored, and only a SHA-256 of an API token.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from rettesnor.item import PAGE_LANGUAGES
from rettesnor.records.models import Base
from rettesnor.records.types import utcnow

LANGUAGES = PAGE_LANGUAGES
SCOPES = (
    "check",
    "accounts:read",
    "moderation:read",
    "moderation:write",
    "tasks:read",
    "archive:read",
    "people:read",
    "publish",
)


class WebUser(Base):
    """A local login: user name, argon2 password hash, preferred language."""

    __tablename__ = "web_user"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    language: Mapped[str | None] = mapped_column(String(5))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    disabled_at: Mapped[dt.datetime | None]
    last_login_at: Mapped[dt.datetime | None]
    # The optional second factor (TOTP): the secret encrypted with the application's key (never in clear,
    # never logged); enabled once a code confirmed it; the last time step used, so a code works only once.
    totp_secret: Mapped[str | None] = mapped_column(String(300))
    totp_enabled_at: Mapped[dt.datetime | None]
    totp_last_step: Mapped[int | None] = mapped_column(Integer)


class WebIdentity(Base):
    """An OpenID Connect identity (issuer and subject) linked to a login that existed before it."""

    __tablename__ = "web_identity"
    __table_args__ = (UniqueConstraint("issuer", "subject"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("web_user.id", ondelete="CASCADE"), index=True)
    issuer: Mapped[str] = mapped_column(String(300))
    subject: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[dt.datetime | None]


class ApiToken(Base):
    """A token for the REST API of one organisation, with scopes; the token itself is never stored."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))  # who acts through it
    name: Mapped[str] = mapped_column(String(100))
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))  # the first characters, to recognise it in lists
    scopes: Mapped[str] = mapped_column(String(300))  # space-separated
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[dt.datetime | None]
    revoked_at: Mapped[dt.datetime | None]
