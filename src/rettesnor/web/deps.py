"""Who may call a route, and the organisation session it works in, as FastAPI dependencies.

A route declares in one parameter what it needs; the dependency checks the login (or the token) and
the area before the route runs, and holds one transaction for the request:

    db: Annotated[OrgSession, page_area("archive")]   # a page: signed in, allowed, one transaction
    db: Annotated[OrgSession, api_area("archive")]    # the API: a token with the area's scope
    who: Annotated[Principal, page_may("check")]       # allowed, and no database work

The transaction commits when the route returns, before the response is sent (``scope="function"``),
and rolls back when the route raises, as ``views.work`` did inside the route.
"""

# No ``from __future__ import annotations``: FastAPI reads the closures' annotations at run time.

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from rettesnor.records.models import Organisation
from rettesnor.web.auth import Principal, api_principal, api_principal_inline, page_principal, require
from rettesnor.web.views import work


@dataclass(frozen=True, slots=True)
class OrgSession:
    """The request's transaction, the login's organisation and the login (person or token)."""

    session: Session
    org: Organisation
    who: Principal


def _org_session(source: Callable[..., Any], area: str | None) -> Callable[..., Iterator[OrgSession]]:
    def dependency(request: Request, who: Annotated[Principal, Depends(source)]) -> Iterator[OrgSession]:
        if area is not None:
            require(who, area)
        with work(request, who) as (session, org):
            yield OrgSession(session, org, who)

    return dependency


def _allowed(source: Callable[..., Any], area: str) -> Callable[..., Any]:
    async def dependency(who: Annotated[Principal, Depends(source)]) -> Principal:
        return require(who, area)  # no I/O: on the event loop

    return dependency


def page_area(area: str | None) -> Any:
    """A page's organisation session for a signed-in person whose roles allow ``area`` (None: any)."""
    return Depends(_org_session(page_principal, area), scope="function")


def api_area(area: str) -> Any:
    """The API's organisation session for a token whose scopes (and person) allow ``area``."""
    return Depends(_org_session(api_principal, area), scope="function")


def page_may(area: str) -> Any:
    """The signed-in person, when their roles allow ``area``."""
    return Depends(_allowed(page_principal, area))


def api_may(area: str, inline: bool = False) -> Any:
    """The token's principal, when it allows ``area`` (``inline``: looked up on the event loop)."""
    return Depends(_allowed(api_principal_inline if inline else api_principal, area))
