"""Read queries of the pages and the API that the services do not offer (the queue is moderation.queue_page).

Every query is filtered by the organisation; ``tests/web/test_web_isolation.py`` proves it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from rettesnor import labels
from rettesnor.moderation import worklist
from rettesnor.records.models import Organisation, Person

MAX_LIMIT = 200


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
