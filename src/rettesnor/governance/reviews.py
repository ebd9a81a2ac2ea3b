"""Going through the guideline with each employee, and the overdue lists per leader.

Which reviews are due follows the guideline (``parameters.guideline_review``):

- ``yearly_by_leader`` (Hustadvika): each employee every year with their leader; the first one within a
  year of starting;
- ``with_all_and_onboarding`` (Norddjurs): every new employee acknowledges the guideline at onboarding
  (within ``ONBOARDING_DAYS``), and every employee goes through each newly published version (within
  ``NEW_VERSION_DAYS``);
- ``not_stated``: nothing is due.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from rettesnor.governance.common import atomic, choice, get_in_org, not_future, now, to_date
from rettesnor.governance.errors import Conflict, InvalidValue, NotAllowed
from rettesnor.governance.lifecycle import current_policy, get_policy_version
from rettesnor.governance.people import leaders_of, require_person
from rettesnor.governance.tenants import list_units, unit_pack
from rettesnor.policy.loader import load_pack
from rettesnor.records.models import (
    REVIEW_KINDS,
    Organisation,
    Person,
    PolicyVersion,
    Review,
    RoleGrant,
    Unit,
)

YEAR = dt.timedelta(days=365)
ONBOARDING_DAYS = 30
NEW_VERSION_DAYS = 90


@dataclass(frozen=True, slots=True)
class Overdue:
    person_id: int
    person_name: str
    leader_id: int | None
    kind: str  # yearly, onboarding, policy
    due_on: dt.date
    last_on: dt.date | None
    reason: str


def get_review(session: Session, org: Organisation, review_id: int) -> Review:
    return get_in_org(session, Review, org, review_id, "review")


def list_reviews(session: Session, org: Organisation, person_id: int | None = None) -> list[Review]:
    query = select(Review).where(Review.organisation_id == org.id)
    if person_id is not None:
        query = query.where(Review.person_id == require_person(session, org, person_id, "person").id)
    return list(session.scalars(query.order_by(Review.held_on, Review.id)))


@atomic
def record_review(
    session: Session,
    org: Organisation,
    *,
    person_id: int,
    leader_id: int,
    kind: str,
    held_on: dt.date | str,
    policy_version_id: int | None = None,
) -> Review:
    """A leader went through the guideline with an employee (Hustadvika: the leader with personnel
    responsibility). The employee acknowledges it afterwards."""
    choice(kind, REVIEW_KINDS, "kind of review")
    person = require_person(session, org, person_id, "employee")
    leader = require_person(session, org, leader_id, "leader")
    day = not_future(to_date(held_on, "held on"), "held on")
    if day < person.started_on:
        raise InvalidValue(f"held on {day.isoformat()} is before person {person.id} started")
    if leader.id not in leaders_of(session, org, person):
        raise NotAllowed(f"person {leader.id} is not a leader of person {person.id}")
    version = get_policy_version(session, org, policy_version_id) if policy_version_id is not None else None
    if kind == "policy" and (version is None or version.status != "published"):
        raise InvalidValue("a review of a guideline version names a published version (--version-id)")
    review = Review(
        organisation_id=org.id,
        person_id=person.id,
        leader_id=leader.id,
        kind=kind,
        policy_version_id=version.id if version else None,
        held_on=day,
    )
    session.add(review)
    return review


@atomic
def acknowledge(session: Session, org: Organisation, review_id: int, person_id: int) -> Review:
    """The employee confirms they have read and understood the guideline (Norddjurs: onboarding)."""
    review = get_review(session, org, review_id)
    if review.person_id != person_id:
        raise NotAllowed(f"only person {review.person_id} can acknowledge review {review_id}")
    if review.acknowledged_at is not None:
        raise Conflict(f"review {review_id} is acknowledged already")
    review.acknowledged_at = now()
    return review


def _policies(session: Session, org: Organisation) -> dict[int, str]:
    """unit id -> its guideline_review parameter."""
    return {
        u.id: load_pack(unit_pack(session, org, u)).parameters.guideline_review
        for u in list_units(session, org)
    }


def overdue(
    session: Session, org: Organisation, today: dt.date | None = None, leader_id: int | None = None
) -> list[Overdue]:
    """Everything due and not done, per employee, with the leader who must do it."""
    day = today or dt.date.today()
    rules = _policies(session, org)
    people = list(
        session.scalars(
            select(Person).where(
                Person.organisation_id == org.id,
                Person.kind == "employee",
                (Person.left_on.is_(None)) | (Person.left_on > day),
                Person.started_on <= day,
            )
        )
    )
    reviews: dict[tuple[int, str], list[Review]] = {}
    for r in session.scalars(select(Review).where(Review.organisation_id == org.id)):
        reviews.setdefault((r.person_id, r.kind), []).append(r)
    units = {u.id: u for u in list_units(session, org)}
    leader_of = leader_index(session, org, units)
    current: dict[int, PolicyVersion | None] = {}
    out: list[Overdue] = []
    latest: dict[int, dt.date] = {}  # the last review of any kind: what "last review" shows
    for (pid, _kind), held in reviews.items():
        for r in held:
            latest[pid] = max(latest.get(pid, r.held_on), r.held_on)
    for person in people:
        rule = rules.get(person.unit_id, "not_stated")
        items: list[tuple[str, dt.date, dt.date | None, str]] = []
        last = latest.get(person.id)
        if rule == "yearly_by_leader":  # any review goes through the guideline, whatever its kind
            due = (last or person.started_on) + YEAR
            if due < day:
                items.append(("yearly", due, last, "yearly review of the guideline is overdue"))
        elif rule == "with_all_and_onboarding":
            acked = [r for r in reviews.get((person.id, "onboarding"), []) if r.acknowledged_at is not None]
            if not acked:
                due = person.started_on + dt.timedelta(days=ONBOARDING_DAYS)
                if due < day:
                    items.append(
                        ("onboarding", due, last, "the guideline was not acknowledged at onboarding")
                    )
            if person.unit_id not in current:
                current[person.unit_id] = current_policy(session, org, units[person.unit_id])
            version = current[person.unit_id]
            if version is not None and version.published_on is not None:
                published = version.published_on
                done = [
                    r for r in reviews.get((person.id, "policy"), []) if r.policy_version_id == version.id
                ]
                if person.started_on < published and not done:
                    due = published + dt.timedelta(days=NEW_VERSION_DAYS)
                    if due < day:
                        items.append(("policy", due, last, "the published guideline was not gone through"))
        if not items:
            continue
        leader = leader_of(person)
        if leader_id is not None and leader != leader_id:
            continue
        out += [Overdue(person.id, person.name, leader, k, due, held, why) for k, due, held, why in items]
    return sorted(out, key=lambda o: (o.leader_id or 0, o.due_on, o.person_id))


def leader_index(
    session: Session, org: Organisation, units: dict[int, Unit]
) -> Callable[[Person], int | None]:
    """The closest leader of a person (as :func:`closest_leader`), from two queries for the whole org."""
    grants = session.execute(
        select(RoleGrant.unit_id, RoleGrant.person_id).where(
            RoleGrant.organisation_id == org.id,
            RoleGrant.role == "unit_leader",
            RoleGrant.revoked_at.is_(None),
        )
    )
    leads: dict[int, list[int]] = {}
    for unit_id, pid in grants:
        if unit_id is not None:
            leads.setdefault(unit_id, []).append(pid)

    def leader(person: Person) -> int | None:
        if person.manager_id:
            return person.manager_id
        unit: Unit | None = units.get(person.unit_id)
        while unit is not None:
            for pid in sorted(leads.get(unit.id, [])):
                if pid != person.id:
                    return pid
            unit = units.get(unit.parent_id) if unit.parent_id else None
        return None

    return leader
