"""API tokens per organisation with scopes. The token is shown once; only its SHA-256 is stored.

A token acts for one person: it may name only scopes that the person's roles allow, it expires, and it is
revoked by hand (``rettesnor web revoke-token``, the page *API tokens*), when the person leaves, and when
they lose the role a scope needs. At each use its scopes are again cut to what the roles allow then.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from rettesnor.governance import people, tenants
from rettesnor.governance.common import atomic, get_in_org, text
from rettesnor.governance.errors import InvalidValue, NotFound
from rettesnor.records.models import Organisation
from rettesnor.records.types import utcnow
from rettesnor.records.web_models import SCOPES, ApiToken, scopes_allowed
from rettesnor.web.security import TOKEN_PREFIX, new_api_token, token_digest

DEFAULT_DAYS = 90
MAX_DAYS = 366


@atomic
def create(
    session: Session,
    org_slug: str,
    person_id: int,
    name: str,
    scopes: list[str] | None = None,
    days: int = DEFAULT_DAYS,
) -> tuple[str, ApiToken]:
    """A token for ``days`` days (1–366). Without ``scopes``: every scope the person's roles allow."""
    org = tenants.get_organisation(session, org_slug)
    person = people.active_person(session, org, person_id)
    if not 1 <= days <= MAX_DAYS:
        raise InvalidValue(f"a token lives 1 to {MAX_DAYS} days, not {days}")
    allowed = scopes_allowed({g.role for g in people.roles_of(session, org, person.id)})
    chosen = list(dict.fromkeys(scopes or [s for s in SCOPES if s in allowed]))
    bad = [s for s in chosen if s not in SCOPES]
    if bad:
        raise InvalidValue(f"unknown scope {bad[0]!r}; choose from: {', '.join(SCOPES)}")
    beyond = [s for s in chosen if s not in allowed]
    if beyond:
        raise InvalidValue(f"person {person_id}'s roles do not allow the scope {beyond[0]!r}")
    secret = new_api_token()
    row = ApiToken(
        organisation_id=org.id,
        person_id=person.id,
        name=text(name, "token name", max_chars=100),
        token_sha256=token_digest(secret),
        prefix=secret[: len(TOKEN_PREFIX) + 4],
        scopes=" ".join(chosen),
        expires_at=utcnow() + dt.timedelta(days=days),
    )
    session.add(row)
    return secret, row


def listed(session: Session, org: Organisation, person_id: int | None = None) -> list[ApiToken]:
    """The organisation's tokens (or one person's), live ones first, newest first."""
    query = select(ApiToken).where(ApiToken.organisation_id == org.id)
    if person_id is not None:
        query = query.where(ApiToken.person_id == person_id)
    rows = list(session.scalars(query.order_by(ApiToken.id.desc())))
    return sorted(rows, key=lambda t: not live(t))


def live(token: ApiToken) -> bool:
    return token.revoked_at is None and (token.expires_at is None or token.expires_at > utcnow())


@atomic
def revoke(session: Session, org: Organisation, token_id: int, person_id: int | None = None) -> ApiToken:
    """Revoke a token of ``org`` (of ``person_id`` only, when given: one's own)."""
    token = get_in_org(session, ApiToken, org, token_id, "API token")
    if person_id is not None and token.person_id != person_id:
        raise NotFound(f"no API token {token_id} of yours")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
    return token
