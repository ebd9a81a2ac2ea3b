"""Breaches of the guideline by an employee (Norddjurs 6–7, Norsjö 5.2).

An incident is a work-environment matter (Norddjurs) or misuse (Norsjö: a conversation with the closest
manager). Its consequence climbs a ladder: a conversation, a formal interview (tjenstlig samtale), a
written warning, further steps. It is visible only to the employee, their leaders and people with
the HR role: to anybody else it does not exist (the lookup says "not found", never "forbidden").
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from rettesnor.governance.common import (
    atomic,
    choice,
    get_in_org,
    not_future,
    now,
    optional_text,
    text,
    to_date,
)
from rettesnor.governance.errors import Conflict, InvalidValue, NotAllowed, NotFound
from rettesnor.governance.people import get_person, has_role, leaders_of, require_person
from rettesnor.records.models import CONSEQUENCES, INCIDENT_CATEGORIES, Incident, Organisation, Person


def _may_see(session: Session, org: Organisation, viewer_id: int, employee: Person) -> bool:
    return (
        viewer_id == employee.id
        or viewer_id in leaders_of(session, org, employee)
        or has_role(session, org, viewer_id, "hr")
    )


def _may_decide(session: Session, org: Organisation, actor_id: int, employee: Person) -> bool:
    return actor_id != employee.id and (
        actor_id in leaders_of(session, org, employee) or has_role(session, org, actor_id, "hr")
    )


def get_incident(session: Session, org: Organisation, incident_id: int, viewer_id: int) -> Incident:
    """The incident, if ``viewer_id`` may see it; otherwise it is not found."""
    incident = get_in_org(session, Incident, org, incident_id, "incident")
    viewer = get_person(session, org, viewer_id)
    if not _may_see(session, org, viewer.id, get_person(session, org, incident.person_id)):
        raise NotFound(f"no incident {incident_id} in {org.slug}")
    return incident


def list_incidents(session: Session, org: Organisation, viewer_id: int) -> list[Incident]:
    """The incidents ``viewer_id`` may see."""
    get_person(session, org, viewer_id)
    rows = session.scalars(select(Incident).where(Incident.organisation_id == org.id).order_by(Incident.id))
    people: dict[int, Person] = {}
    visible = []
    for row in rows:
        if row.person_id not in people:
            people[row.person_id] = get_person(session, org, row.person_id)
        if _may_see(session, org, viewer_id, people[row.person_id]):
            visible.append(row)
    return visible


@atomic
def open_incident(
    session: Session,
    org: Organisation,
    *,
    person_id: int,
    opened_by: int,
    category: str,
    description: str,
    clause: str | None = None,
    finding_code: str | None = None,
) -> Incident:
    choice(category, INCIDENT_CATEGORIES, "category")
    employee = require_person(session, org, person_id, "employee")
    opener = require_person(session, org, opened_by, "opened by")
    if not _may_decide(session, org, opener.id, employee):
        raise NotAllowed(f"person {opener.id} is neither a leader of person {employee.id} nor in HR")
    incident = Incident(
        organisation_id=org.id,
        person_id=employee.id,
        opened_by_id=opener.id,
        category=category,
        clause=optional_text(clause, "clause", max_chars=20),
        finding_code=optional_text(finding_code, "finding code", max_chars=10),
        description=text(description, "description", min_chars=5, max_chars=5000),
    )
    session.add(incident)
    return incident


@atomic
def set_consequence(
    session: Session,
    org: Organisation,
    incident_id: int,
    decided_by: int,
    consequence: str,
    decided_on: dt.date | str,
) -> Incident:
    """Record the consequence. It only climbs the ladder; a closed incident cannot change."""
    choice(consequence, CONSEQUENCES, "consequence")
    incident = get_incident(session, org, incident_id, decided_by)
    day = not_future(to_date(decided_on, "decided on"), "decided on")
    if not _may_decide(session, org, decided_by, get_person(session, org, incident.person_id)):
        raise NotAllowed(f"person {decided_by} cannot decide consequences for this incident")
    if incident.closed_at is not None:
        raise Conflict(f"incident {incident_id} is closed")
    if CONSEQUENCES.index(consequence) <= CONSEQUENCES.index(incident.consequence):
        raise InvalidValue(f"incident {incident_id} is at {incident.consequence}; a consequence only climbs")
    if day < incident.opened_at.date():
        raise InvalidValue(f"decided on {day.isoformat()} is before the incident was opened")
    incident.consequence = consequence
    incident.consequence_on = day
    return incident


@atomic
def close_incident(session: Session, org: Organisation, incident_id: int, closed_by: int) -> Incident:
    incident = get_incident(session, org, incident_id, closed_by)
    if not _may_decide(session, org, closed_by, get_person(session, org, incident.person_id)):
        raise NotAllowed(f"person {closed_by} cannot close this incident")
    if incident.closed_at is not None:
        raise Conflict(f"incident {incident_id} is closed already")
    incident.closed_at = now()
    return incident
