"""A leader's decisions about one person:

- ``service_assignment``: the manager's assignment to use social media in service (Norsjö 4.2); it
  needs the person's own acceptance (Sønderborg: nobody is forced);
- ``work_time_use``: whether the person may use social media in working hours (Sønderborg);
- ``workplace_content``: management's approval to share pictures or content from the workplace (Norddjurs);
- ``blog_link``: a link from the municipality's website to a politician's blog or party site, decided
  by the person responsible for the website, with a disclaimer that the views are not the municipality's
  (Norsjö 4.5); the disclaimer is checked with the engine.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from rettesnor.analysis import analyse
from rettesnor.check import context_for
from rettesnor.governance import checking
from rettesnor.governance.common import (
    atomic,
    choice,
    get_in_org,
    now,
    optional_text,
    text,
    to_date,
)
from rettesnor.governance.errors import Conflict, InvalidValue, NotAllowed
from rettesnor.governance.people import has_role, leaders_of, require_person
from rettesnor.item import Item
from rettesnor.records.models import PERMISSION_KINDS, Organisation, Permission, Person

NEEDS_ACCEPTANCE = frozenset({"service_assignment"})


def get_permission(session: Session, org: Organisation, permission_id: int) -> Permission:
    return get_in_org(session, Permission, org, permission_id, "permission")


def list_permissions(
    session: Session, org: Organisation, person_id: int | None = None, kind: str | None = None
) -> list[Permission]:
    query = select(Permission).where(Permission.organisation_id == org.id)
    if person_id is not None:
        query = query.where(Permission.person_id == require_person(session, org, person_id, "person").id)
    if kind is not None:
        query = query.where(Permission.kind == choice(kind, PERMISSION_KINDS, "kind of permission"))
    return list(session.scalars(query.order_by(Permission.id)))


def disclaimer_is_clear(session: Session, org: Organisation, person: Person, disclaimer: str) -> bool:
    """The engine finds a disclaimer ("the views are my own / not the municipality's") in the text."""
    pack = checking.pack_for(session, org, unit=person.unit_id)
    item = Item(text=disclaimer, kind="private_post")
    signals = analyse(disclaimer, context_for(pack, item, pack.language))
    return any(s.name == "marker.disclaimer" for s in signals)


@atomic
def grant_permission(
    session: Session,
    org: Organisation,
    *,
    person_id: int,
    kind: str,
    granted_by: int,
    valid_from: dt.date | str,
    valid_until: dt.date | str | None = None,
    granted: bool = True,
    scope: str | None = None,
    url: str | None = None,
    disclaimer: str | None = None,
) -> Permission:
    choice(kind, PERMISSION_KINDS, "kind of permission")
    person = require_person(session, org, person_id, "person")
    by = require_person(session, org, granted_by, "granted by")
    start = to_date(valid_from, "valid from")
    end = to_date(valid_until, "valid until") if valid_until is not None else None
    if end is not None and end < start:
        raise InvalidValue(f"valid until {end.isoformat()} is before valid from {start.isoformat()}")
    if kind == "blog_link":
        if person.kind != "elected_official":
            raise InvalidValue(
                f"person {person.id} is not an elected official; blog links are for politicians"
            )
        if not has_role(session, org, by.id, "communications_officer"):
            raise NotAllowed(
                f"person {by.id} is not responsible for the website (role communications_officer) "
                "and cannot decide on links from it"
            )
        url = text(url, "url of the blog", max_chars=500)
        disclaimer = text(disclaimer, "disclaimer", max_chars=1000)
        if granted and not disclaimer_is_clear(session, org, person, disclaimer):
            raise InvalidValue(
                "the disclaimer does not say clearly that the views are not the municipality's"
            )
    elif by.id not in leaders_of(session, org, person):
        raise NotAllowed(f"person {by.id} is not a leader of person {person.id} and cannot decide this")
    permission = Permission(
        organisation_id=org.id,
        person_id=person.id,
        kind=kind,
        granted_by_id=by.id,
        granted=granted,
        valid_from=start,
        valid_until=end,
        scope=optional_text(scope, "scope", max_chars=2000),
        url=optional_text(url, "url", max_chars=500),
        disclaimer=optional_text(disclaimer, "disclaimer", max_chars=1000),
    )
    session.add(permission)
    return permission


@atomic
def accept_permission(session: Session, org: Organisation, permission_id: int, person_id: int) -> Permission:
    permission = get_permission(session, org, permission_id)
    if permission.person_id != person_id:
        raise NotAllowed(f"only person {permission.person_id} can accept permission {permission_id}")
    if permission.kind not in NEEDS_ACCEPTANCE:
        raise Conflict(f"a {permission.kind} permission needs no acceptance")
    if permission.accepted_at or permission.declined_at or permission.revoked_at:
        raise Conflict(f"permission {permission_id} is not waiting for an answer")
    permission.accepted_at = now()
    return permission


@atomic
def decline_permission(session: Session, org: Organisation, permission_id: int, person_id: int) -> Permission:
    permission = get_permission(session, org, permission_id)
    if permission.person_id != person_id:
        raise NotAllowed(f"only person {permission.person_id} can decline permission {permission_id}")
    if permission.kind not in NEEDS_ACCEPTANCE or permission.accepted_at or permission.declined_at:
        raise Conflict(f"permission {permission_id} is not waiting for an answer")
    permission.declined_at = now()
    return permission


@atomic
def revoke_permission(session: Session, org: Organisation, permission_id: int) -> Permission:
    permission = get_permission(session, org, permission_id)
    if permission.revoked_at is not None:
        raise Conflict(f"permission {permission_id} is revoked already")
    permission.revoked_at = now()
    return permission


def in_force_query(org: Organisation, kind: str, on: dt.date) -> Select[int]:
    """SELECT of the person ids with a permission of this kind in force on ``on``."""
    query = select(Permission.person_id).where(
        Permission.organisation_id == org.id,
        Permission.kind == kind,
        Permission.granted.is_(True),
        Permission.revoked_at.is_(None),
        Permission.valid_from <= on,
        or_(Permission.valid_until.is_(None), Permission.valid_until >= on),
    )
    if kind in NEEDS_ACCEPTANCE:
        query = query.where(Permission.accepted_at.is_not(None))
    return query


def in_force(
    session: Session, org: Organisation, person_id: int, kind: str, on: dt.date | None = None
) -> bool:
    """Whether the person holds a permission of this kind on ``on`` (accepted, where that is needed)."""
    choice(kind, PERMISSION_KINDS, "kind of permission")
    query = in_force_query(org, kind, on or dt.date.today()).where(Permission.person_id == person_id)
    return session.scalars(query).first() is not None
