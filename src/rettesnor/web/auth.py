"""Who is asking: a signed-in person (session cookie) or an API token; what their roles let them do.

Roles come from the governance records (``role_grant``). Each area of the application names the roles
that may use it; an API token carries scopes instead. Every lookup is within the principal's
organisation, so a user of one organisation never sees another's records (404) or areas (403).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from fastapi import Request
from sqlalchemy import Connection, Engine, bindparam, select
from sqlalchemy.orm import Session

from rettesnor.governance import people
from rettesnor.records.db import session_factory
from rettesnor.records.models import Organisation, Person, RoleGrant
from rettesnor.records.types import utcnow
from rettesnor.records.web_models import ApiToken, WebUser, scopes_allowed
from rettesnor.web import sessions
from rettesnor.web.problems import ProblemError
from rettesnor.web.security import TOKEN_PREFIX, token_digest

MODERATORS = frozenset({"moderator", "communications_officer", "unit_leader", "administrator"})
# Who may use which part of the application (None: everyone of the organisation).
AREAS: dict[str, frozenset[str] | None] = {
    "check": None,
    "guideline": None,
    "moderation": MODERATORS | {"auditor"},
    "moderation:write": MODERATORS,
    "tasks": MODERATORS | {"records_manager", "auditor"},
    "tasks:write": MODERATORS | {"records_manager"},  # assign, register in the journal, close
    "accounts": frozenset({"communications_officer", "unit_leader", "administrator", "auditor"}),
    "archive": frozenset({"records_manager", "communications_officer", "administrator", "auditor"}),
    "archive:extract": frozenset({"records_manager", "administrator"}),  # the national-archive extract
    "tokens": frozenset({"communications_officer", "administrator"}),
    "people": frozenset({"unit_leader", "hr", "communications_officer", "administrator", "auditor"}),
    "people:write": frozenset({"unit_leader"}),  # the service checks that the leader leads the person
    "consents": frozenset({"communications_officer", "unit_leader", "hr", "administrator", "auditor"}),
    "consents:write": frozenset({"communications_officer", "unit_leader", "administrator"}),
    "people:own": None,  # everyone sees and acknowledges their own reviews of the guideline
    "accounts:apply": None,  # anyone may apply for an account (Hustadvika 2a–f); a leader approves
    "accounts:approve": frozenset({"unit_leader"}),  # the service checks that they lead the account's unit
    # going live: communications, or a leader of the account's unit (the page checks which unit)
    "accounts:activate": frozenset({"communications_officer", "unit_leader", "administrator"}),
    "dashboard": MODERATORS | {"records_manager", "auditor"},
    "logins": frozenset({"administrator"}),  # reset passwords, disable and enable logins
    "publish": None,  # anyone writes a draft; the service lets only designated authors submit (issue 18)
}
# The scope an API token needs for an area.
SCOPE_OF = {
    "check": "check",
    "guideline": "check",
    "moderation": "moderation:read",
    "moderation:write": "moderation:write",
    "tasks": "tasks:read",
    "tasks:write": "tasks:write",
    "accounts": "accounts:read",
    "archive": "archive:read",
    "people": "people:read",
    "consents": "people:read",
    "publish": "publish",
}


class LoginRequired(Exception):
    """A page was asked for without a session: the answer is a redirect to the login page."""


class PasswordChangeRequired(Exception):
    """An administrator reset the password: the login chooses a new one before anything else."""


@dataclass(frozen=True, slots=True)
class Principal:
    org_id: int
    org_slug: str
    org_name: str
    person_id: int
    name: str
    actor: str  # written to the audit log: the user name, or "api-token:<prefix>"
    roles: frozenset[str]
    scopes: frozenset[str] | None = None  # an API token's scopes; None for a signed-in person
    user_id: int | None = None
    language: str | None = None
    pack: str | None = None  # the organisation's pack, where the lookup had it at hand (API tokens)
    session_id: int | None = None  # the server-side session of a signed-in person
    must_change_password: bool = False

    def may(self, area: str) -> bool:
        """A person: their roles allow the area. A token: it has the area's scope *and* the roles its
        person holds now allow the area (a token never does more than its person could)."""
        if self.scopes is not None and SCOPE_OF.get(area, "") not in self.scopes:
            return False
        allowed = AREAS[area]
        return allowed is None or bool(allowed & self.roles)


def _roles(session: Session, org: Organisation, person_id: int) -> frozenset[str]:
    return frozenset(g.role for g in people.roles_of(session, org, person_id))


def user_principal(session: Session, user_id: int, session_id: int | None = None) -> Principal | None:
    user = session.get(WebUser, user_id)
    if user is None or user.disabled_at is not None:
        return None
    org = session.get(Organisation, user.organisation_id)
    person = session.get(Person, user.person_id)
    if org is None or person is None or person.organisation_id != org.id:
        return None
    if person.left_on is not None and person.left_on <= dt.date.today():
        return None
    return Principal(
        org_id=org.id,
        org_slug=org.slug,
        org_name=org.name,
        person_id=person.id,
        name=person.name,
        actor=user.username,
        roles=_roles(session, org, person.id),
        user_id=user.id,
        language=user.language,
        session_id=session_id,
        must_change_password=user.must_change_password,
    )


# The token lookup runs on every API call: two indexed queries, built once (only values are bound).
_TOKEN_QUERY = (
    select(
        ApiToken.prefix,
        ApiToken.scopes,
        ApiToken.expires_at,
        Organisation.id,
        Organisation.slug,
        Organisation.name,
        Organisation.pack,
        Person.id,
        Person.name,
        Person.left_on,
    )
    .join(Organisation, Organisation.id == ApiToken.organisation_id)
    .join(Person, (Person.id == ApiToken.person_id) & (Person.organisation_id == Organisation.id))
    .where(ApiToken.token_sha256 == bindparam("digest"), ApiToken.revoked_at.is_(None))
)
_ROLES_QUERY = select(RoleGrant.role).where(
    RoleGrant.organisation_id == bindparam("org"),
    RoleGrant.person_id == bindparam("person"),
    RoleGrant.revoked_at.is_(None),
)


def token_principal(conn: Connection | Session, token: str) -> Principal | None:
    """The principal of a live token: not revoked, not expired, its person not gone; its scopes those it
    names that the person's roles allow now."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    row = conn.execute(_TOKEN_QUERY, {"digest": token_digest(token)}).first()
    if row is None:
        return None
    prefix, scopes, expires_at, org_id, slug, org_name, pack, person_id, name, left_on = row
    if expires_at is not None and expires_at <= utcnow():
        return None
    if left_on is not None and left_on <= dt.date.today():
        return None
    roles = frozenset(conn.execute(_ROLES_QUERY, {"org": org_id, "person": person_id}).scalars())
    return Principal(
        org_id=org_id,
        org_slug=slug,
        org_name=org_name,
        person_id=person_id,
        name=name,
        actor=f"api-token:{prefix}",
        roles=roles,
        scopes=frozenset(scopes.split()) & scopes_allowed(roles),
        pack=pack,
    )


def engine_of(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


def api_principal(request: Request) -> Principal:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ProblemError(
            401, "send an API token as 'Authorization: Bearer rtn_…'", {"WWW-Authenticate": "Bearer"}
        )
    with engine_of(request).connect() as conn:
        principal = token_principal(conn, token.strip())
    if principal is None:
        raise ProblemError(
            401, "the API token is unknown, expired or revoked", {"WWW-Authenticate": "Bearer"}
        )
    return principal


async def api_principal_inline(request: Request) -> Principal:
    """:func:`api_principal` on the event loop (one indexed query): for the hot path of ``/check``."""
    return api_principal(request)


def lifetime(request: Request) -> sessions.Lifetime:
    cfg = request.app.state.settings
    return sessions.Lifetime(idle_s=cfg.session_idle_s, absolute_s=cfg.session_max_age_s)


def signed_in(request: Request) -> Principal | None:
    """The person of the request's live server-side session, or None (an ended one is forgotten)."""
    sid = request.session.get(sessions.KEY)
    if sid is None:
        return None
    with session_factory(engine_of(request))() as session:
        row = sessions.resolve(session, sid, lifetime(request))
        principal = user_principal(session, row.user_id, row.id) if row is not None else None
        if row is not None and principal is None:
            sessions.end(session, row, "disabled")  # the login was disabled or the person left
        session.commit()
    if principal is None:
        request.session.clear()
    return principal


def any_principal(request: Request) -> Principal:
    """The signed-in person, also one who still owes a new password (for the password page)."""
    principal = signed_in(request)
    if principal is None:
        raise LoginRequired()
    return principal


def page_principal(request: Request) -> Principal:
    principal = any_principal(request)
    if principal.must_change_password:
        raise PasswordChangeRequired()
    return principal


def require(principal: Principal, area: str) -> Principal:
    if not principal.may(area):
        what = "the token's scopes do not" if principal.scopes is not None else "your roles do not"
        raise ProblemError(403, f"{what} allow this ({area})")
    return principal
