"""Logins and API tokens of the web application, each bound to one organisation (the tenant).

A login belongs to a person of the organisation, whose roles (``role_grant``) decide what the login may
do. Only an argon2 hash of the password is stored, and only a SHA-256 of an API token.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from rettesnor.item import PAGE_LANGUAGES
from rettesnor.records import models  # noqa: F401  (the tables its foreign keys name)
from rettesnor.records.base import Base
from rettesnor.records.types import utcnow

LANGUAGES = PAGE_LANGUAGES
SCOPES = (
    "check",
    "accounts:read",
    "moderation:read",
    "moderation:write",
    "tasks:read",
    "tasks:write",
    "archive:read",
    "people:read",
    "publish",
)
# The roles whose holders may use a scope (None: everyone of the organisation). A token acts for its
# person with the scopes it names *and* their roles allow at the moment of use (rettesnor.web.auth keeps
# the areas these come from; a test keeps the two in step).
_MODERATORS = frozenset({"moderator", "communications_officer", "unit_leader", "administrator"})
SCOPE_ROLES: dict[str, frozenset[str] | None] = {
    "check": None,
    "publish": None,  # anyone drafts; the publishing service lets only designated authors submit
    "accounts:read": frozenset({"communications_officer", "unit_leader", "administrator", "auditor"}),
    "moderation:read": _MODERATORS | {"auditor"},
    "moderation:write": _MODERATORS,
    "tasks:read": _MODERATORS | {"records_manager", "auditor"},
    "tasks:write": _MODERATORS | {"records_manager"},
    "archive:read": frozenset({"records_manager", "communications_officer", "administrator", "auditor"}),
    "people:read": frozenset({"unit_leader", "hr", "communications_officer", "administrator", "auditor"}),
}


def scopes_allowed(roles: frozenset[str] | set[str]) -> frozenset[str]:
    """The scopes that holders of ``roles`` may use."""
    return frozenset(s for s, allowed in SCOPE_ROLES.items() if allowed is None or allowed & roles)


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
    # Set by an administrator's reset (a temporary password): the login must choose a new one first.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    password_changed_at: Mapped[dt.datetime | None]


class WebSession(Base):
    """A signed-in browser. The cookie carries a random id; only its SHA-256 is stored. A session ends
    at logout, when the password changes, the login is disabled or the person leaves, after an idle time
    and after an absolute lifetime; an ended session never opens a page again."""

    __tablename__ = "web_session"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("web_user.id", ondelete="CASCADE"), index=True)
    sid_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[dt.datetime | None]
    end_reason: Mapped[str | None] = mapped_column(String(30))
    user_agent: Mapped[str | None] = mapped_column(String(200))  # shown to its owner: which browser


class WebTotpUse(Base):
    """A time step whose one-time code a login has used: the unique key lets only one request spend it,
    even when several arrive at the same moment."""

    __tablename__ = "web_totp_use"
    __table_args__ = (UniqueConstraint("user_id", "step"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("web_user.id", ondelete="CASCADE"))
    step: Mapped[int] = mapped_column(Integer)
    used_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


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
    expires_at: Mapped[dt.datetime | None]  # None only for tokens made before tokens expired
