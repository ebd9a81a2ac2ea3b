"""Tasks the system creates (a takedown after a withdrawn consent). They end only by being done."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from rettesnor.governance.common import atomic, get_in_org, now, text
from rettesnor.governance.errors import Conflict
from rettesnor.governance.people import require_person
from rettesnor.records.models import Organisation, Task


def get_task(session: Session, org: Organisation, task_id: int) -> Task:
    return get_in_org(session, Task, org, task_id, "task")


def list_tasks(session: Session, org: Organisation, open_only: bool = True) -> list[Task]:
    query = select(Task).where(Task.organisation_id == org.id)
    if open_only:
        query = query.where(Task.done_at.is_(None))
    return list(session.scalars(query.order_by(Task.due_on, Task.id)))


@atomic
def complete_task(session: Session, org: Organisation, task_id: int, done_by: int, note: str) -> Task:
    """Mark a task done, saying what was done (there is no way to dismiss it)."""
    task = get_task(session, org, task_id)
    person = require_person(session, org, done_by, "done by")
    if task.done_at is not None:
        raise Conflict(f"task {task_id} is done already")
    task.note = text(note, "note (what was done)", min_chars=3, max_chars=2000)
    task.done_at = now()
    task.done_by_id = person.id
    return task
