"""Registration tasks: complaints and case questions that must reach the journal (Hjørring 10, Hustadvika
1d/2m, Norsjö 5.4). A task has an owner and a due date; it closes only with a journal reference or a
documented reason, never silently; overdue tasks are listed.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from rettesnor.archive.bulk import insert_rows
from rettesnor.archive.chain import allocate_ids
from rettesnor.archive.errors import Conflict, InvalidValue
from rettesnor.governance import accounts, people
from rettesnor.governance.common import atomic, choice, get_in_org, now, optional_text
from rettesnor.records.archive_models import (
    TASK_KINDS,
    ArchiveContent,
    ArchiveEntry,
    ArchiveRecord,
    RegistrationTask,
)
from rettesnor.records.audit import ACTOR_KEY
from rettesnor.records.models import AuditEntry, Organisation
from rettesnor.records.types import utcnow

DUE_DAYS = {"complaint": 5, "case_inquiry": 5, "private_inquiry": 5}
MIN_REASON = 10


def get_registration_task(session: Session, org: Organisation, task_id: int) -> RegistrationTask:
    return get_in_org(session, RegistrationTask, org, task_id, "registration task")


def list_registration_tasks(
    session: Session, org: Organisation, open_only: bool = True, overdue_on: dt.date | None = None
) -> list[RegistrationTask]:
    query = select(RegistrationTask).where(RegistrationTask.organisation_id == org.id)
    if open_only or overdue_on is not None:
        query = query.where(RegistrationTask.status == "open")
    if overdue_on is not None:
        query = query.where(RegistrationTask.due_on < overdue_on)
    return list(session.scalars(query.order_by(RegistrationTask.due_on, RegistrationTask.id)))


def _owner(session: Session, org: Organisation, record: ArchiveRecord | None) -> int | None:
    """Inquiries are answered by the account's administrators (Hustadvika 3g): its responsible person."""
    if record is None or record.account_id is None:
        return None
    return accounts.responsible_person(session, org, record.account_id)


def create_for_record(
    session: Session, org: Organisation, record: ArchiveRecord | None, kind: str, today: dt.date | None = None
) -> RegistrationTask | None:
    """A task for the record unless it has one of that kind already (ingest is idempotent)."""
    choice(kind, TASK_KINDS, "task kind")
    if record is not None:
        existing = session.scalars(
            select(RegistrationTask).where(
                RegistrationTask.organisation_id == org.id,
                RegistrationTask.record_id == record.id,
                RegistrationTask.kind == kind,
            )
        ).first()
        if existing is not None:
            return None
    day = today or dt.date.today()
    where = (
        f"record {record.id} ({record.platform})" if record is not None else "a privately received inquiry"
    )
    task = RegistrationTask(
        organisation_id=org.id,
        record_id=record.id if record is not None else None,
        kind=kind,
        title=f"Register {kind.replace('_', ' ')}: {where}",
        owner_id=_owner(session, org, record),
        due_on=day + dt.timedelta(days=DUE_DAYS[kind]),
        status="open",
    )
    session.add(task)
    session.flush()
    return task


TASK_TABLE: Table = RegistrationTask.__table__  # type: ignore[assignment]
AUDIT_TABLE: Table = AuditEntry.__table__  # type: ignore[assignment]
AUDITED = ("record_id", "kind", "title", "owner_id", "due_on", "status")


def create_many(
    session: Session, org: Organisation, wanted: list[tuple[int, str]], today: dt.date | None = None
) -> int:
    """Tasks for many records at once (ingest): (record id, kind); skips records that have a task of that
    kind. One insert for the tasks and one for their audit rows; returns how many were created."""
    if not wanted:
        return 0
    for _, kind in wanted:
        choice(kind, TASK_KINDS, "task kind")
    ids = sorted({rid for rid, _ in wanted})
    known: set[tuple[int, str]] = set()
    records: dict[int, tuple[str, int | None]] = {}
    for k in range(0, len(ids), 500):
        part = ids[k : k + 500]
        known.update(
            (rid or 0, kind)
            for rid, kind in session.execute(
                select(RegistrationTask.record_id, RegistrationTask.kind).where(
                    RegistrationTask.organisation_id == org.id, RegistrationTask.record_id.in_(part)
                )
            ).all()
        )
        for rid, platform, account in session.execute(
            select(ArchiveRecord.id, ArchiveRecord.platform, ArchiveRecord.account_id).where(
                ArchiveRecord.organisation_id == org.id, ArchiveRecord.id.in_(part)
            )
        ).all():
            records[rid] = (platform, account)
    owners: dict[int, int | None] = {}
    day = today or dt.date.today()
    now_ = utcnow()
    rows: list[dict[str, object]] = []
    for rid, kind in wanted:
        if (rid, kind) in known or rid not in records:
            continue
        known.add((rid, kind))
        platform, account = records[rid]
        if account is not None and account not in owners:
            owners[account] = accounts.responsible_person(session, org, account)
        rows.append(
            {
                "organisation_id": org.id,
                "record_id": rid,
                "kind": kind,
                "title": f"Register {kind.replace('_', ' ')}: record {rid} ({platform})",
                "owner_id": owners.get(account) if account is not None else None,
                "due_on": day + dt.timedelta(days=DUE_DAYS[kind]),
                "status": "open",
                "created_at": now_,
            }
        )
    if not rows:
        return 0
    new_ids = allocate_ids(session, TASK_TABLE, len(rows))  # no RETURNING round trip per row
    for row, tid in zip(rows, new_ids, strict=True):
        row["id"] = tid
    session.execute(insert(TASK_TABLE), rows)
    actor = str(session.info.get(ACTOR_KEY, "system"))
    audit = [
        {
            "organisation_id": org.id,
            "object_type": "registration_task",
            "object_id": tid,
            "action": "create",
            "field": name,
            "old_value": None,
            "new_value": str(row[name]),
            "changed_by": actor,
            "changed_at": now_,
        }
        for tid, row in zip(new_ids, rows, strict=True)
        for name in AUDITED
        if row[name] is not None
    ]
    insert_rows(session, AUDIT_TABLE, audit)
    return len(rows)


@atomic
def mark(
    session: Session, org: Organisation, record_id: int, kind: str, by: int, owner: int | None = None
) -> RegistrationTask:
    """A moderator marks a message as a complaint, a case question or a privately received inquiry."""
    people.require_person(session, org, by, "marked by")
    record = get_in_org(session, ArchiveRecord, org, record_id, "record")
    task = create_for_record(session, org, record, kind)
    if task is None:
        raise Conflict(f"record {record_id} has a {kind} task already")
    if owner is not None:
        task.owner_id = people.require_person(session, org, owner, "owner").id
    return task


@atomic
def assign(session: Session, org: Organisation, task_id: int, owner: int) -> RegistrationTask:
    task = get_registration_task(session, org, task_id)
    if task.status != "open":
        raise Conflict(f"task R{task_id} is closed already")
    task.owner_id = people.require_person(session, org, owner, "owner").id
    return task


@atomic
def close(
    session: Session,
    org: Organisation,
    task_id: int,
    by: int,
    journal_ref: str | None = None,
    reason: str | None = None,
) -> RegistrationTask:
    """Close with the journal reference (sagsnummer / saksnummer / diarienummer) or a documented reason;
    a complaint only with the journal reference (Hjørring HJ-10: it cannot be rejected, only registered)."""
    task = get_registration_task(session, org, task_id)
    person = people.require_person(session, org, by, "closed by")
    if task.status != "open":
        raise Conflict(f"task R{task_id} is closed already")
    ref = optional_text(journal_ref, "journal reference", max_chars=100)
    why = optional_text(reason, "reason", max_chars=2000)
    if ref is None and why is None:
        raise InvalidValue(
            f"task R{task_id} closes only with --journal-ref (the case number in the journal) "
            "or a documented --reason"
        )
    if ref is None and task.kind == "complaint":  # Hjørring HJ-10: a complaint cannot be rejected
        raise InvalidValue(
            f"task R{task_id} is a complaint: a complaint cannot be rejected, only registered (--journal-ref)"
        )
    if ref is None and why is not None and len(why) < MIN_REASON:
        raise InvalidValue(f"the reason must say why it is not registered (at least {MIN_REASON} characters)")
    task.journal_ref, task.close_reason = ref, why
    task.status, task.closed_at, task.closed_by_id = "closed", now(), person.id
    return task


def task_document(session: Session, org: Organisation, task_id: int) -> dict[str, Any]:
    """The task for the journal system: its metadata, the record and its thread as canonical JSON."""
    task = get_registration_task(session, org, task_id)
    thread: list[dict[str, Any]] = []
    if task.record_id is not None:
        record = get_in_org(session, ArchiveRecord, org, task.record_id, "record")
        root = record.thread_id or record.id
        ids = list(
            session.scalars(
                select(ArchiveRecord.id)
                .where(
                    ArchiveRecord.organisation_id == org.id,
                    (ArchiveRecord.id == root) | (ArchiveRecord.thread_id == root),
                )
                .order_by(ArchiveRecord.id)
            )
        )
        for rid in ids:
            body = session.scalar(
                select(ArchiveContent.body)
                .join(ArchiveEntry, ArchiveEntry.id == ArchiveContent.entry_id)
                .where(ArchiveEntry.record_id == rid)
                .order_by(ArchiveEntry.version.desc(), ArchiveEntry.seq.desc())
                .limit(1)
            )
            if body is not None:
                thread.append(json.loads(body))
    return {
        "task": {
            "id": task.id,
            "kind": task.kind,
            "title": task.title,
            "status": task.status,
            "owner_id": task.owner_id,
            "due_on": task.due_on.isoformat(),
            "created_at": task.created_at.isoformat(),
            "journal_ref": task.journal_ref,
            "close_reason": task.close_reason,
        },
        "organisation": {"slug": org.slug, "name": org.name},
        "record_id": task.record_id,
        "thread": thread,
    }
