"""The life cycle of a local login: change the password (with the old one), an administrator's reset (a
temporary password the person must change at the next login), disable and enable. Each ends every
session of the login; disabling also revokes the API tokens of its person. Used by the pages and the CLI.
"""

from __future__ import annotations

import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from rettesnor.governance.errors import InvalidValue, NotFound
from rettesnor.records.models import Organisation
from rettesnor.records.types import utcnow
from rettesnor.records.web_models import ApiToken, WebUser
from rettesnor.web import sessions
from rettesnor.web.security import hash_password, verify_password

MIN_LENGTH = 12
MAX_LENGTH = 1000


class PasswordRefused(InvalidValue):
    """A new password is not accepted; ``code`` names why (the pages translate it)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def find(session: Session, username: str, org: Organisation | None = None) -> WebUser:
    query = select(WebUser).where(WebUser.username == username.strip().lower())
    if org is not None:
        query = query.where(WebUser.organisation_id == org.id)
    user = session.scalars(query).first()
    if user is None:
        raise NotFound(f"no login named {username!r}")
    return user


def acceptable(user: WebUser, new: str) -> None:
    if len(new) < MIN_LENGTH:
        raise PasswordRefused("short", f"a password has at least {MIN_LENGTH} characters")
    if len(new) > MAX_LENGTH:
        raise PasswordRefused("long", f"a password has at most {MAX_LENGTH} characters")
    if user.username.lower() in new.lower():
        raise PasswordRefused("name", "a password may not contain the user name")


def change_password(session: Session, user: WebUser, old: str, new: str, keep: int | None = None) -> int:
    """Set a new password after checking the old one; every other session ends. Sessions ended."""
    if not verify_password(user.password_hash, old):
        raise PasswordRefused("old", "the current password is not right")
    if verify_password(user.password_hash, new):
        raise PasswordRefused("same", "the new password is the same as the old one")
    acceptable(user, new)
    user.password_hash = hash_password(new)
    user.must_change_password = False
    user.password_changed_at = utcnow()
    return sessions.end_all(session, [user.id], "password", keep=keep)


def reset_password(session: Session, user: WebUser) -> str:
    """A temporary password (shown once) that must be changed at the next login; all sessions end."""
    temporary = "-".join(secrets.token_hex(3) for _ in range(4))  # 24 hex digits, easy to read out
    user.password_hash = hash_password(temporary)
    user.must_change_password = True
    user.password_changed_at = utcnow()
    sessions.end_all(session, [user.id], "reset")
    return temporary


def set_disabled(session: Session, user: WebUser, disabled: bool) -> bool:
    """Disable (every session ends, the person's API tokens are revoked) or enable; whether it changed."""
    if disabled == (user.disabled_at is not None):
        return False
    if not disabled:
        user.disabled_at = None
        return True
    user.disabled_at = utcnow()
    sessions.end_all(session, [user.id], "disabled")
    tokens = select(ApiToken).where(
        ApiToken.organisation_id == user.organisation_id,
        ApiToken.person_id == user.person_id,
        ApiToken.revoked_at.is_(None),
    )
    for token in session.scalars(tokens):
        token.revoked_at = user.disabled_at
    return True


def end_sessions(session: Session, user: WebUser, keep: int | None = None) -> int:
    """Sign out everywhere (but ``keep``): how many sessions ended."""
    return sessions.end_all(session, [user.id], "signed_out", keep=keep)
