"""API tokens per organisation with scopes. The token is shown once; only its SHA-256 is stored."""

from __future__ import annotations

from sqlalchemy.orm import Session

from rettesnor.governance import people, tenants
from rettesnor.governance.common import atomic, text
from rettesnor.governance.errors import InvalidValue
from rettesnor.records.web_models import SCOPES, ApiToken
from rettesnor.web.security import TOKEN_PREFIX, new_api_token, token_digest


@atomic
def create(
    session: Session, org_slug: str, person_id: int, name: str, scopes: list[str] | None = None
) -> tuple[str, ApiToken]:
    org = tenants.get_organisation(session, org_slug)
    person = people.require_person(session, org, person_id, "token for")
    chosen = list(dict.fromkeys(scopes or SCOPES))
    bad = [s for s in chosen if s not in SCOPES]
    if bad:
        raise InvalidValue(f"unknown scope {bad[0]!r}; choose from: {', '.join(SCOPES)}")
    secret = new_api_token()
    row = ApiToken(
        organisation_id=org.id,
        person_id=person.id,
        name=text(name, "token name", max_chars=100),
        token_sha256=token_digest(secret),
        prefix=secret[: len(TOKEN_PREFIX) + 4],
        scopes=" ".join(chosen),
    )
    session.add(row)
    return secret, row
