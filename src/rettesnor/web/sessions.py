"""Server-side sessions: a signed-in browser is a row of ``web_session``; its cookie carries a random id.

The signed cookie (Starlette's session middleware) still holds what a visitor needs before signing in
(the CSRF token, the chosen language, a message to show once); who is signed in is only ever the row the
id names, so ending the row ends the session wherever its cookie was copied to. A session ends at
logout, when the password changes or is reset, when the login is disabled or the person leaves, after
``idle_s`` without a request and ``absolute_s`` after it began.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from rettesnor.records.types import utcnow
from rettesnor.records.web_models import WebSession
from rettesnor.web.security import token_digest

KEY = "sid"  # the key of the id in the signed cookie
TOUCH_S = 60  # last_seen_at is written at most once a minute per session, not on every request
KEEP_ENDED = dt.timedelta(days=30)  # ended sessions stay listed this long, then they are deleted


@dataclass(frozen=True, slots=True)
class Lifetime:
    idle_s: int
    absolute_s: int


def start(session: Session, user_id: int, user_agent: str | None) -> str:
    """A new session of ``user_id``; the id for the cookie (shown only here)."""
    sid = secrets.token_urlsafe(32)
    session.execute(
        delete(WebSession).where(WebSession.user_id == user_id, WebSession.ended_at < utcnow() - KEEP_ENDED)
    )
    agent = (user_agent or "")[:200]
    session.add(WebSession(user_id=user_id, sid_sha256=token_digest(sid), user_agent=agent))
    return sid


def _expired(row: WebSession, life: Lifetime, now: dt.datetime) -> str | None:
    if now - row.created_at >= dt.timedelta(seconds=life.absolute_s):
        return "expired"
    if now - row.last_seen_at >= dt.timedelta(seconds=life.idle_s):
        return "idle"
    return None


def find(session: Session, sid: object) -> WebSession | None:
    """The session row of the cookie's id, live or not."""
    if not isinstance(sid, str) or not 20 <= len(sid) <= 100:
        return None
    return session.scalars(select(WebSession).where(WebSession.sid_sha256 == token_digest(sid))).first()


def resolve(session: Session, sid: object, life: Lifetime) -> WebSession | None:
    """The live session of the cookie's id (its last use recorded), or None; one past its time ends."""
    row = find(session, sid)
    if row is None or row.ended_at is not None:
        return None
    now = utcnow()
    reason = _expired(row, life, now)
    if reason is not None:
        row.ended_at, row.end_reason = now, reason
        return None
    if now - row.last_seen_at >= dt.timedelta(seconds=TOUCH_S):
        row.last_seen_at = now
    return row


def end(session: Session, row: WebSession, reason: str) -> None:
    if row.ended_at is None:
        row.ended_at, row.end_reason = utcnow(), reason


def end_all(session: Session, user_ids: list[int], reason: str, keep: int | None = None) -> int:
    """End every live session of these logins (but ``keep``); how many ended."""
    if not user_ids:
        return 0
    query = update(WebSession).where(WebSession.user_id.in_(user_ids), WebSession.ended_at.is_(None))
    if keep is not None:
        query = query.where(WebSession.id != keep)
    result = session.execute(query.values(ended_at=utcnow(), end_reason=reason))
    return int(getattr(result, "rowcount", 0) or 0)


def live(session: Session, user_id: int, life: Lifetime) -> list[WebSession]:
    """The login's sessions that still open pages, newest use first."""
    now = utcnow()
    rows = session.scalars(
        select(WebSession)
        .where(WebSession.user_id == user_id, WebSession.ended_at.is_(None))
        .order_by(WebSession.last_seen_at.desc(), WebSession.id.desc())
    )
    return [r for r in rows if _expired(r, life, now) is None]
