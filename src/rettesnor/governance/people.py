"""People (employees and elected officials), their managers and their roles."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from rettesnor.governance import notices
from rettesnor.governance.common import (
    atomic,
    choice,
    get_in_org,
    now,
    optional_text,
    text,
    to_date,
)
from rettesnor.governance.errors import Conflict, InvalidValue, NotFound
from rettesnor.governance.tenants import get_unit, unit_chain
from rettesnor.records.models import PERSON_KINDS, ROLES, Organisation, Person, RoleGrant, Unit
from rettesnor.records.web_models import ApiToken, WebSession, WebUser, scopes_allowed


def get_person(session: Session, org: Organisation, person_id: int) -> Person:
    return get_in_org(session, Person, org, person_id, "person")


def active_person(session: Session, org: Organisation, person_id: int, on: dt.date | None = None) -> Person:
    """A person who has not left (on ``on``, default today)."""
    person = get_person(session, org, person_id)
    if person.left_on is not None and person.left_on <= (on or dt.date.today()):
        raise Conflict(f"person {person_id} left on {person.left_on.isoformat()}")
    return person


def list_people(session: Session, org: Organisation, unit: int | str | None = None) -> list[Person]:
    query = select(Person).where(Person.organisation_id == org.id)
    if unit is not None:
        query = query.where(Person.unit_id == get_unit(session, org, unit).id)
    return list(session.scalars(query.order_by(Person.id)))


@atomic
def add_person(
    session: Session,
    org: Organisation,
    *,
    name: str,
    unit: int | str,
    started_on: dt.date | str,
    email: str | None = None,
    kind: str = "employee",
    manager_id: int | None = None,
) -> Person:
    home = get_unit(session, org, unit)
    choice(kind, PERSON_KINDS, "kind of person")
    start = to_date(started_on, "started on")
    manager = active_person(session, org, manager_id) if manager_id is not None else None
    person = Person(
        organisation_id=org.id,
        unit_id=home.id,
        name=text(name, "name", max_chars=200),
        email=email_address(email),
        kind=kind,
        manager_id=manager.id if manager else None,
        started_on=start,
    )
    session.add(person)
    return person


_EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(?:\.[^@\s.]+)+")


def email_address(value: str | None) -> str | None:
    """A work e-mail address (for the messages the system owes the person), or None."""
    address = optional_text(value, "e-mail", max_chars=200)
    if address is not None and not _EMAIL.fullmatch(address):
        raise InvalidValue(f"invalid e-mail address {address!r}: write it as name@domain.tld")
    return address


@atomic
def set_email(session: Session, org: Organisation, person_id: int, email: str | None) -> Person:
    """Set or clear the person's e-mail address. Messages waiting for them without an address
    (an escalation to a leader who had none) are addressed now and sent on the next run."""
    person = get_person(session, org, person_id)
    person.email = email_address(email)
    if person.email is not None:
        notices.readdress(session, org, person.id, person.email)
    return person


@atomic
def set_manager(session: Session, org: Organisation, person_id: int, manager_id: int | None) -> Person:
    person = get_person(session, org, person_id)
    if manager_id is not None:
        manager = active_person(session, org, manager_id)
        seen = {person.id}
        cursor: Person | None = manager
        while cursor is not None:  # no circles of managers
            if cursor.id in seen:
                raise Conflict(f"person {manager_id} cannot manage person {person_id}: that makes a circle")
            seen.add(cursor.id)
            cursor = get_person(session, org, cursor.manager_id) if cursor.manager_id else None
    person.manager_id = manager_id
    return person


@atomic
def leave(session: Session, org: Organisation, person_id: int, left_on: dt.date | str) -> Person:
    person = get_person(session, org, person_id)
    day = to_date(left_on, "left on")
    if day < person.started_on:
        raise InvalidValue(f"left on {day.isoformat()} is before started on {person.started_on.isoformat()}")
    person.left_on = day
    if day <= dt.date.today():  # a later day: the logins and tokens stop working on that day
        end_access(session, org, person_id, "left")
    return person


def end_access(session: Session, org: Organisation, person_id: int, reason: str) -> None:
    """End every session of the person's logins and revoke their API tokens (they left)."""
    logins = select(WebUser.id).where(WebUser.organisation_id == org.id, WebUser.person_id == person_id)
    session.execute(
        update(WebSession)
        .where(WebSession.user_id.in_(logins), WebSession.ended_at.is_(None))
        .values(ended_at=now(), end_reason=reason)
    )
    for token in _live_tokens(session, org, person_id):
        token.revoked_at = now()


def _live_tokens(session: Session, org: Organisation, person_id: int) -> list[ApiToken]:
    query = select(ApiToken).where(
        ApiToken.organisation_id == org.id, ApiToken.person_id == person_id, ApiToken.revoked_at.is_(None)
    )
    return list(session.scalars(query))


def _revoke_tokens_beyond_roles(session: Session, org: Organisation, person_id: int) -> None:
    """Revoke the person's tokens that name a scope their roles no longer allow."""
    allowed = scopes_allowed({g.role for g in roles_of(session, org, person_id)})
    for token in _live_tokens(session, org, person_id):
        if not set(token.scopes.split()) <= allowed:
            token.revoked_at = now()


def roles_of(session: Session, org: Organisation, person_id: int) -> list[RoleGrant]:
    get_person(session, org, person_id)
    query = select(RoleGrant).where(
        RoleGrant.organisation_id == org.id, RoleGrant.person_id == person_id, RoleGrant.revoked_at.is_(None)
    )
    return list(session.scalars(query.order_by(RoleGrant.id)))


@atomic
def grant_role(
    session: Session, org: Organisation, person_id: int, role: str, unit: int | str | None = None
) -> RoleGrant:
    """Give a role. A unit leader leads one unit; other roles may be limited to a unit or not."""
    active_person(session, org, person_id)
    choice(role, ROLES, "role")
    scope = get_unit(session, org, unit) if unit is not None else None
    if role == "unit_leader" and scope is None:
        raise InvalidValue("a unit leader needs the unit they lead (--unit)")
    for grant in roles_of(session, org, person_id):
        if grant.role == role and grant.unit_id == (scope.id if scope else None):
            raise Conflict(f"person {person_id} has role {role} already")
    grant = RoleGrant(
        organisation_id=org.id, person_id=person_id, role=role, unit_id=scope.id if scope else None
    )
    session.add(grant)
    return grant


@atomic
def revoke_role(session: Session, org: Organisation, grant_id: int) -> RoleGrant:
    grant = get_in_org(session, RoleGrant, org, grant_id, "role grant")
    if grant.revoked_at is not None:
        raise Conflict(f"role grant {grant_id} is revoked already")
    grant.revoked_at = now()
    session.flush()
    _revoke_tokens_beyond_roles(session, org, grant.person_id)
    return grant


def has_role(session: Session, org: Organisation, person_id: int, role: str) -> bool:
    query = select(RoleGrant.id).where(
        RoleGrant.organisation_id == org.id,
        RoleGrant.person_id == person_id,
        RoleGrant.role == role,
        RoleGrant.revoked_at.is_(None),
    )
    return session.scalars(query).first() is not None


def holders(session: Session, org: Organisation, role: str) -> list[int]:
    """Ids of the people who hold ``role`` now (in one query)."""
    query = select(RoleGrant.person_id).where(
        RoleGrant.organisation_id == org.id, RoleGrant.role == role, RoleGrant.revoked_at.is_(None)
    )
    return sorted(set(session.scalars(query)))


def unit_leaders(session: Session, org: Organisation, unit_id: int) -> list[int]:
    """Ids of the people who lead this very unit."""
    query = select(RoleGrant.person_id).where(
        RoleGrant.organisation_id == org.id,
        RoleGrant.role == "unit_leader",
        RoleGrant.unit_id == unit_id,
        RoleGrant.revoked_at.is_(None),
    )
    return sorted(set(session.scalars(query)))


def is_unit_leader(session: Session, org: Organisation, person_id: int, unit_id: int) -> bool:
    return person_id in unit_leaders(session, org, unit_id)


def leaders_of(session: Session, org: Organisation, person: Person) -> list[int]:
    """Who leads this person: their manager, and the leaders of their unit and the units above it."""
    leaders: list[int] = [person.manager_id] if person.manager_id else []
    home: Unit = get_in_org(session, Unit, org, person.unit_id, "unit")
    for unit in unit_chain(session, org, home):
        leaders += [p for p in unit_leaders(session, org, unit.id) if p != person.id and p not in leaders]
    return leaders


def led_by(session: Session, org: Organisation, leader_id: int, on: dt.date | None = None) -> list[Person]:
    """The people this person leads (as :func:`leaders_of` sees it): those they manage and everyone in
    the units they lead and the units below them; only people who have not left, by name."""
    day = on or dt.date.today()
    led = set(
        session.scalars(
            select(RoleGrant.unit_id).where(
                RoleGrant.organisation_id == org.id,
                RoleGrant.person_id == leader_id,
                RoleGrant.role == "unit_leader",
                RoleGrant.revoked_at.is_(None),
            )
        )
    )
    children: dict[int, list[int]] = {}
    for unit_id, parent_id in session.execute(
        select(Unit.id, Unit.parent_id).where(Unit.organisation_id == org.id)
    ).all():
        if parent_id is not None:
            children.setdefault(parent_id, []).append(unit_id)
    todo = [u for u in led if u is not None]
    units: set[int] = set()
    while todo:
        unit = todo.pop()
        if unit not in units:
            units.add(unit)
            todo += children.get(unit, [])
    found = session.scalars(
        select(Person).where(
            Person.organisation_id == org.id,
            Person.id != leader_id,
            Person.unit_id.in_(units) | (Person.manager_id == leader_id),
            Person.left_on.is_(None) | (Person.left_on > day),
        )
    )
    return sorted(found, key=lambda p: (p.name, p.id))


def closest_leader(session: Session, org: Organisation, person: Person) -> int | None:
    leaders = leaders_of(session, org, person)
    return leaders[0] if leaders else None


def require_person(session: Session, org: Organisation, person_id: int | None, what: str) -> Person:
    if person_id is None:
        raise InvalidValue(f"{what} is required")
    try:
        return active_person(session, org, person_id)
    except NotFound:
        raise NotFound(f"no person {person_id} in {org.slug} ({what})") from None
