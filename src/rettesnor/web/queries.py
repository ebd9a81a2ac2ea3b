"""Read queries of the pages and the API that the services do not offer: pages of lists, newest first.

Every query is filtered by the organisation; ``tests/test_web_isolation.py`` proves it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from rettesnor import labels
from rettesnor.moderation import worklist
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


def all_tasks(
    session: Session, org: Organisation, today: dt.date | None = None, lang: str = "en"
) -> list[dict[str, Any]]:
    """Open registration tasks and takedowns (:func:`worklist.list_work`), earliest due first, with the
    title in ``lang``, the owner's name and whether it is overdue."""
    day = today or dt.date.today()
    items = worklist.list_work(session, org)
    names = person_names(session, org, {i.owner_id for i in items if i.owner_id is not None})
    return [
        {
            "id": i.ref,
            "kind": i.kind,
            "title": labels.task_title(i, lang),
            "owner_id": i.owner_id,
            "owner": names.get(i.owner_id) if i.owner_id is not None else None,
            "due_on": i.due_on,
            "record_id": i.record_id,
            "overdue": i.overdue(day),
        }
        for i in items
    ]
