"""One list of the work the system makes people do, with the references people see: registration tasks
of complaints and case questions (``R1`` …, :mod:`rettesnor.moderation.registration`) and takedowns after
a withdrawn consent (``T1`` …, :mod:`rettesnor.governance.tasks`).

The CLI, the pages, the API and the dashboard all read this list and act through :func:`close` and
:func:`assign`, so a reference printed anywhere is accepted everywhere.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from rettesnor.governance import tasks as takedowns
from rettesnor.governance.errors import InvalidValue
from rettesnor.moderation import registration
from rettesnor.records.archive_models import ArchiveRecord, RegistrationTask
from rettesnor.records.models import Consent, Organisation, Person, Task

REGISTRATION, TAKEDOWN = "R", "T"
_REF = re.compile(r"([RT]?)([0-9]{1,12})")


@dataclass(frozen=True, slots=True)
class WorkItem:
    ref: str  # "R7" (registration) or "T3" (takedown)
    id: int
    kind: str  # complaint, case_inquiry, private_inquiry, takedown
    title: str  # the stored English title (exports, logs); pages and the CLI show a translated one
    owner_id: int | None
    due_on: dt.date
    status: str  # open or closed
    closed_at: dt.datetime | None
    closed_by_id: int | None
    journal_ref: str | None
    note: str | None  # the documented reason, or what was done (takedown)
    record_id: int | None
    platform: str | None  # of the record
    media_ref: str | None  # of the consent (takedown)

    @property
    def is_open(self) -> bool:
        return self.status == "open"

    def overdue(self, today: dt.date) -> bool:
        return self.is_open and self.due_on < today


def parse_ref(value: str, default: str = REGISTRATION) -> tuple[str, int]:
    """``R7`` → (R, 7); a bare number is of the ``default`` kind (the CLI took numbers before)."""
    found = _REF.fullmatch(value.strip().upper())
    if found is None:
        raise InvalidValue(
            f"unknown task {value[:30]!r}: write it as listed, R1 for a registration or T1 for a takedown"
        )
    return found.group(1) or default, int(found.group(2))


def _registrations(session: Session, org: Organisation, tasks: list[RegistrationTask]) -> list[WorkItem]:
    ids = {t.record_id for t in tasks if t.record_id is not None}
    platforms: dict[int, str] = {}
    for part in (sorted(ids)[k : k + 500] for k in range(0, len(ids), 500)):
        query = select(ArchiveRecord.id, ArchiveRecord.platform).where(
            ArchiveRecord.organisation_id == org.id, ArchiveRecord.id.in_(part)
        )
        platforms.update({rid: platform for rid, platform in session.execute(query).all()})
    return [
        WorkItem(
            ref=f"R{t.id}",
            id=t.id,
            kind=t.kind,
            title=t.title,
            owner_id=t.owner_id,
            due_on=t.due_on,
            status=t.status,
            closed_at=t.closed_at,
            closed_by_id=t.closed_by_id,
            journal_ref=t.journal_ref,
            note=t.close_reason,
            record_id=t.record_id,
            platform=platforms.get(t.record_id) if t.record_id is not None else None,
            media_ref=None,
        )
        for t in tasks
    ]


def _takedowns(session: Session, org: Organisation, tasks: list[Task]) -> list[WorkItem]:
    ids = {t.consent_id for t in tasks if t.consent_id is not None}
    query = select(Consent.id, Consent.media_ref).where(
        Consent.organisation_id == org.id, Consent.id.in_(ids)
    )
    media = {cid: ref for cid, ref in session.execute(query).all()} if ids else {}
    return [
        WorkItem(
            ref=f"T{t.id}",
            id=t.id,
            kind=t.kind,
            title=t.title,
            owner_id=None,
            due_on=t.due_on,
            status="open" if t.done_at is None else "closed",
            closed_at=t.done_at,
            closed_by_id=t.done_by_id,
            journal_ref=None,
            note=t.note,
            record_id=None,
            platform=None,
            media_ref=media.get(t.consent_id) if t.consent_id is not None else None,
        )
        for t in tasks
    ]


def list_work(
    session: Session, org: Organisation, *, open_only: bool = True, overdue_on: dt.date | None = None
) -> list[WorkItem]:
    """Registration tasks and takedowns, earliest due first (open ones only unless ``open_only`` is
    false); with ``overdue_on`` only the open ones due before that day."""
    everything = not open_only and overdue_on is None
    items = _registrations(
        session, org, registration.list_registration_tasks(session, org, open_only=not everything)
    ) + _takedowns(session, org, takedowns.list_tasks(session, org, open_only=not everything))
    if overdue_on is not None:
        items = [i for i in items if i.overdue(overdue_on)]
    return sorted(items, key=lambda i: (i.due_on, i.ref[0], i.id))


def get_work(session: Session, org: Organisation, ref: str) -> WorkItem:
    kind, number = parse_ref(ref)
    if kind == REGISTRATION:
        return _registrations(session, org, [registration.get_registration_task(session, org, number)])[0]
    return _takedowns(session, org, [takedowns.get_task(session, org, number)])[0]


def close(
    session: Session,
    org: Organisation,
    ref: str,
    by: int,
    journal_ref: str | None = None,
    reason: str | None = None,
) -> WorkItem:
    """Close a task: a registration with its journal reference (a complaint only so) or a documented
    reason; a takedown with what was done (``reason``)."""
    kind, number = parse_ref(ref)
    if kind == REGISTRATION:
        registration.close(session, org, number, by, journal_ref, reason)
    else:
        if journal_ref:
            raise InvalidValue(f"takedown T{number} is not registered; say what was done (--reason)")
        takedowns.complete_task(session, org, number, by, reason or "")
    return get_work(session, org, f"{kind}{number}")


def assign(session: Session, org: Organisation, ref: str, owner: int) -> WorkItem:
    """Give a registration task an owner (takedowns are done by whoever acts on them)."""
    kind, number = parse_ref(ref)
    if kind != REGISTRATION:
        raise InvalidValue(f"takedown T{number} has no owner: whoever takes the picture down closes it")
    registration.assign(session, org, number, owner)
    return get_work(session, org, ref)


def people_named(session: Session, org: Organisation, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = session.execute(
        select(Person.id, Person.name).where(Person.organisation_id == org.id, Person.id.in_(ids))
    )
    return {pid: name for pid, name in rows.all()}
