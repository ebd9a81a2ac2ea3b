"""Read queries of the pages and the API that the services do not offer: pages of lists, newest first.

Every query is filtered by the organisation; ``tests/test_web_isolation.py`` proves it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from rettesnor.governance import tasks as takedowns
from rettesnor.moderation import registration
from rettesnor.records.archive_models import ArchiveRecord, ModerationCase
from rettesnor.records.models import Organisation, Person

MAX_LIMIT = 200


@dataclass(frozen=True, slots=True)
class QueueRow:
    case: ModerationCase
    record: ArchiveRecord
    parent_text: str | None
    thread_text: str | None = None  # the post that opened the thread, when it is not the parent


def queue(
    session: Session,
    org: Organisation,
    *,
    status: str = "open",
    account_id: int | None = None,
    category: str | None = None,
    limit: int = 50,
    offset: int = 0,
    recommended: str | None = None,
) -> tuple[list[QueueRow], int]:
    """The moderation queue newest first, with the comment each answers and the post that opened its
    thread; and how many there are."""
    parent = aliased(ArchiveRecord)
    root = aliased(ArchiveRecord)
    where = [ModerationCase.organisation_id == org.id]
    if status != "all":
        where.append(ModerationCase.status == status)
    if account_id is not None:
        where.append(ModerationCase.account_id == account_id)
    if recommended:
        where.append(ModerationCase.recommended == recommended)
    if category:
        c = ModerationCase.categories
        where.append(
            (c == category) | c.like(f"{category},%") | c.like(f"%,{category}") | c.like(f"%,{category},%")
        )
    total = session.scalar(select(func.count()).select_from(ModerationCase).where(*where)) or 0
    rows = session.execute(
        select(ModerationCase, ArchiveRecord, parent.text, root.text)
        .join(ArchiveRecord, ArchiveRecord.id == ModerationCase.record_id)
        .outerjoin(parent, (parent.id == ArchiveRecord.parent_id) & (parent.organisation_id == org.id))
        .outerjoin(
            root,
            (root.id == ArchiveRecord.thread_id)
            & (root.id != ArchiveRecord.parent_id)
            & (root.organisation_id == org.id),
        )
        .where(*where)
        .order_by(ModerationCase.id.desc())
        .limit(limit)
        .offset(offset)
    ).all()
    return [QueueRow(r[0], r[1], r[2], r[3]) for r in rows], total


def person_names(session: Session, org: Organisation, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = session.execute(
        select(Person.id, Person.name).where(Person.organisation_id == org.id, Person.id.in_(ids))
    )
    return {r[0]: r[1] for r in rows}


def all_tasks(session: Session, org: Organisation, today: dt.date | None = None) -> list[dict[str, Any]]:
    """Open registration tasks and takedowns, earliest due first, with the owner's name and overdue."""
    day = today or dt.date.today()
    rows: list[dict[str, Any]] = []
    for t in registration.list_registration_tasks(session, org):
        rows.append(
            {
                "id": f"R{t.id}",
                "kind": t.kind,
                "title": t.title,
                "owner_id": t.owner_id,
                "due_on": t.due_on,
                "record_id": t.record_id,
            }
        )
    for k in takedowns.list_tasks(session, org):
        rows.append(
            {
                "id": f"T{k.id}",
                "kind": k.kind,
                "title": k.title,
                "owner_id": None,
                "due_on": k.due_on,
                "record_id": None,
            }
        )
    names = person_names(session, org, {r["owner_id"] for r in rows if r["owner_id"] is not None})
    for r in rows:
        r["owner"] = names.get(r["owner_id"]) if r["owner_id"] is not None else None
        r["overdue"] = r["due_on"] < day
    rows.sort(key=lambda r: (r["due_on"], r["id"][0], int(r["id"][1:])))
    return rows
