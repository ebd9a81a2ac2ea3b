"""Tasks as work: the list (registration tasks R1 …, takedowns T1 …) and a page per task where it is
given an owner, registered with the journal's case number, or closed with a documented reason.

The rules are the services' (:mod:`rettesnor.moderation.worklist`): a complaint closes only with a journal
reference (Hjørring HJ-10), a reason must say something, a takedown closes with what was done.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from rettesnor import labels
from rettesnor.governance import people
from rettesnor.governance.common import get_in_org
from rettesnor.i18n import translator
from rettesnor.moderation import worklist
from rettesnor.records.archive_models import ArchiveRecord
from rettesnor.web.deps import OrgSession, page_area
from rettesnor.web.pages import Csrf
from rettesnor.web.pages_people import _number
from rettesnor.web.render import flash, language, page
from rettesnor.web.security import csrf_ok

router = APIRouter(include_in_schema=False)
Ref = Annotated[str, Path(max_length=20)]


@router.get("/tasks")
def tasks_page(
    request: Request,
    db: Annotated[OrgSession, page_area("tasks")],
    show: Annotated[str, Query(pattern="^(|all)$")] = "",
) -> HTMLResponse:
    today = dt.date.today()
    lang = language(request, db.who)
    session, org = db.session, db.org
    items = worklist.list_work(session, org, open_only=show != "all")
    names = worklist.people_named(session, org, {i.owner_id for i in items if i.owner_id is not None})
    rows = [
        {
            "ref": i.ref,
            "kind": i.kind,
            "title": labels.task_title(i, lang),
            "due_on": i.due_on,
            "owner": names.get(i.owner_id) if i.owner_id is not None else None,
            "overdue": i.overdue(today),
            "open": i.is_open,
            "journal_ref": i.journal_ref,
        }
        for i in items
    ]
    return page(
        request, "tasks.html", db.who, rows=rows, task_kinds=labels.TASK_KINDS, show_all=show == "all"
    )


@router.get("/tasks/{ref}")
def task_page(ref: Ref, request: Request, db: Annotated[OrgSession, page_area("tasks")]) -> HTMLResponse:
    today = dt.date.today()
    lang = language(request, db.who)
    session, org = db.session, db.org
    item = worklist.get_work(session, org, ref)
    record = (
        get_in_org(session, ArchiveRecord, org, item.record_id, "record")
        if item.record_id is not None
        else None
    )
    staff = sorted(
        (p for p in people.list_people(session, org) if p.left_on is None or p.left_on > today),
        key=lambda p: p.name,
    )
    ids = {p for p in (item.owner_id, item.closed_by_id) if p is not None}
    names = worklist.people_named(session, org, ids)
    record_text = record.text if record is not None else None
    return page(
        request,
        "task.html",
        db.who,
        task=item,
        title=labels.task_title(item, lang),
        overdue=item.overdue(today),
        names=names,
        staff=staff,
        record_text=record_text,
        task_kinds=labels.TASK_KINDS,
        may_act=db.who.may("tasks:write") and item.is_open,
    )


def _back(ref: str) -> RedirectResponse:
    return RedirectResponse(f"/tasks/{ref.upper()}", status_code=303)


@router.post("/tasks/{ref}/assign")
def assign(
    ref: Ref,
    request: Request,
    db: Annotated[OrgSession, page_area("tasks:write")],
    csrf: Csrf,
    owner: Annotated[str, Form(max_length=20)],
) -> RedirectResponse:
    csrf_ok(request, csrf)
    session, org = db.session, db.org
    item = worklist.assign(session, org, ref, _number(owner, "the owner"))
    name = worklist.people_named(session, org, {item.owner_id} if item.owner_id else set())
    _ = translator(language(request, db.who))
    flash(
        request,
        _("Task {task} is now {owner}'s.").format(task=item.ref, owner=name.get(item.owner_id or 0, "")),
    )
    return _back(ref)


@router.post("/tasks/{ref}/register")
def register(
    ref: Ref,
    request: Request,
    db: Annotated[OrgSession, page_area("tasks:write")],
    csrf: Csrf,
    journal_ref: Annotated[str, Form(max_length=100)],
) -> RedirectResponse:
    """Registered in the journal: closed with its case number."""
    csrf_ok(request, csrf)
    session, org = db.session, db.org
    item = worklist.close(session, org, ref, db.who.person_id, journal_ref=journal_ref)
    _ = translator(language(request, db.who))
    flash(
        request,
        _("Task {task} is registered as {journal} and closed.").format(
            task=item.ref, journal=item.journal_ref
        ),
    )
    return _back(ref)


@router.post("/tasks/{ref}/close")
def close(
    ref: Ref,
    request: Request,
    db: Annotated[OrgSession, page_area("tasks:write")],
    csrf: Csrf,
    reason: Annotated[str, Form(max_length=2000)],
) -> RedirectResponse:
    """Closed unregistered with a documented reason (never a complaint); a takedown: what was done."""
    csrf_ok(request, csrf)
    session, org = db.session, db.org
    item = worklist.close(session, org, ref, db.who.person_id, reason=reason)
    _ = translator(language(request, db.who))
    flash(request, _("Task {task} is closed.").format(task=item.ref))
    return _back(ref)
