"""``rettesnor tasks``: the tasks the system created (takedowns, registrations), the journal.

Thin: parse, call one service in one transaction, print. The services are imported inside the
commands so that ``rettesnor check`` does not pay for SQLAlchemy.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer

from rettesnor.cli.common import (
    Format,
    Org,
    check_format,
    done,
    out,
    plain,
    print_json,
    table,
    tenant,
)
from rettesnor.item import InputError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from rettesnor.records.models import Organisation


tasks_app = typer.Typer(no_args_is_help=True, help="Tasks the system created (takedowns, registrations).")
SUB_APPS: tuple[tuple[str, typer.Typer], ...] = (("tasks", tasks_app),)


def _person(session: Session, org: Organisation, value: str, what: str) -> int:
    """A person named by their login (``hjorring.leder``, or ``leder`` within the organisation) or by
    their id; the login is what people know, the id is what ``people list`` shows."""
    from sqlalchemy import select

    from rettesnor.records.web_models import WebUser

    value = value.strip()
    if value.isdigit():
        return int(value)
    names = (value, f"{org.slug}.{value}") if "." not in value else (value,)
    person = session.scalars(
        select(WebUser.person_id).where(WebUser.organisation_id == org.id, WebUser.username.in_(names))
    ).first()
    if person is None:
        raise InputError(
            f"no login {value!r} in {org.slug} ({what}); name a login or a person id (rettesnor people list)"
        )
    return person


Who = Annotated[str, typer.Option("--by", help="login (e.g. hjorring.leder) or id of the person who acts")]


def _task_row(item: Any, names: dict[int, str], lang: str, today: dt.date) -> dict[str, Any]:
    from rettesnor import labels

    return {
        "id": item.ref,
        "kind": item.kind,
        "title": labels.task_title(item, lang),
        "owner_id": item.owner_id,
        "owner": names.get(item.owner_id) if item.owner_id is not None else None,
        "due_on": plain(item.due_on),
        "status": item.status,
        "overdue": item.overdue(today),
        "journal_ref": item.journal_ref,
        "done_at": plain(item.closed_at),
        "record_id": item.record_id,
    }


@tasks_app.command("list")
def tasks_list(
    org: Org,
    all_: Annotated[bool, typer.Option("--all", help="also done tasks")] = False,
    overdue: Annotated[bool, typer.Option("--overdue", help="only open tasks past their due date")] = False,
    fmt: Format = "text",
) -> None:
    """Registration tasks of complaints and case questions (R1, R2 …) and takedowns (T1 …), earliest due
    first, with titles in the organisation's language."""
    from rettesnor.i18n import COUNTRY_LANGUAGE
    from rettesnor.moderation import worklist

    today = dt.date.today()
    with tenant(org) as (s, o):
        items = worklist.list_work(s, o, open_only=not all_, overdue_on=today if overdue else None)
        names = worklist.people_named(s, o, {i.owner_id for i in items if i.owner_id is not None})
        lang = COUNTRY_LANGUAGE.get(o.country, "en")
    rows = [_task_row(i, names, lang, today) for i in items]
    table(rows, ["id", "title", "owner", "due_on", "status", "journal_ref"], fmt)


@tasks_app.command("show")
def tasks_show(
    task: Annotated[str, typer.Argument(help="R1, T1 … as listed")], org: Org, fmt: Format = "text"
) -> None:
    """One task with its owner, due date and how it was closed."""
    from rettesnor.i18n import COUNTRY_LANGUAGE
    from rettesnor.moderation import worklist

    with tenant(org) as (s, o):
        item = worklist.get_work(s, o, task)
        ids = {p for p in (item.owner_id, item.closed_by_id) if p is not None}
        names = worklist.people_named(s, o, ids)
        row = _task_row(item, names, COUNTRY_LANGUAGE.get(o.country, "en"), dt.date.today())
    row["closed_by"] = names.get(item.closed_by_id) if item.closed_by_id is not None else None
    row["note"] = item.note
    if check_format(fmt) == "json":
        print_json(row)
    else:
        for key, value in row.items():
            if value is not None:
                out.print(f"{key}: {value}")


@tasks_app.command("close")
def tasks_close(
    task: Annotated[str, typer.Argument(help="R1, T1 … as listed (a bare number is a registration)")],
    org: Org,
    by: Who,
    journal_ref: Annotated[str | None, typer.Option(help="the case number in the journal system")] = None,
    reason: Annotated[
        str | None, typer.Option(help="why it is not registered (documented); for a takedown: what was done")
    ] = None,
    fmt: Format = "text",
) -> None:
    """Close a registration task with a journal reference or a documented reason (a complaint only with a
    journal reference: it cannot be rejected); a takedown with what was done."""
    from rettesnor.moderation import worklist

    with tenant(org) as (s, o):
        item = worklist.close(s, o, task, _person(s, o, by, "--by"), journal_ref, reason)
        info = {"id": item.ref, "status": item.status, "journal_ref": item.journal_ref, "note": item.note}
    if check_format(fmt) == "json":
        print_json(info)
    else:
        out.print(f"task {item.ref} closed" + (f" (journal {item.journal_ref})" if item.journal_ref else ""))


@tasks_app.command("done")
def tasks_done(
    task: Annotated[str, typer.Argument(help="T1 … as listed (a bare number is a takedown)")],
    org: Org,
    by: Who,
    note: Annotated[str, typer.Option(help="what was done")],
    fmt: Format = "text",
) -> None:
    """A takedown is done (the picture is taken down): say what was done."""
    from rettesnor.moderation import worklist

    kind, number = worklist.parse_ref(task, worklist.TAKEDOWN)
    with tenant(org) as (s, o):
        item = worklist.close(s, o, f"{kind}{number}", _person(s, o, by, "--by"), reason=note)
        info = {"id": item.ref, "status": item.status, "note": item.note}
    if check_format(fmt) == "json":
        print_json(info)
    else:
        out.print(f"task {item.ref} done")


@tasks_app.command("assign")
def tasks_assign(
    task: Annotated[str, typer.Argument(help="R1 … as listed")],
    owner: Annotated[str, typer.Argument(help="login or id of the new owner")],
    org: Org,
    fmt: Format = "text",
) -> None:
    """Give a registration task to someone (by login or id)."""
    from rettesnor.moderation import worklist

    with tenant(org) as (s, o):
        item = worklist.assign(s, o, task, _person(s, o, owner, "owner"))
        names = worklist.people_named(s, o, {item.owner_id} if item.owner_id else set())
    if check_format(fmt) == "json":
        print_json({"id": item.ref, "owner_id": item.owner_id})
    else:
        out.print(f"task {item.ref}: owner {names.get(item.owner_id or 0, item.owner_id)}")


@tasks_app.command("mark")
def tasks_mark(
    record: int,
    kind: Annotated[str, typer.Argument(help="complaint, case_inquiry or private_inquiry")],
    org: Org,
    by: Who,
    owner: Annotated[
        str | None, typer.Option(help="login or id of who registers it (default: the account's responsible)")
    ] = None,
    fmt: Format = "text",
) -> None:
    """Mark a message as a complaint or case question: a registration task is created."""
    from rettesnor.moderation import registration

    with tenant(org) as (s, o):
        owner_id = _person(s, o, owner, "--owner") if owner is not None else None
        t = registration.mark(s, o, record, kind, _person(s, o, by, "--by"), owner_id)
        done(t, f"registration task R{t.id} created, due {t.due_on}", fmt)


@tasks_app.command("export")
def tasks_export(
    task: Annotated[str, typer.Argument(help="R1 … as listed")],
    org: Org,
    export_format: Annotated[str, typer.Option("--format", "-f", help="json or noark5")] = "json",
) -> None:
    """A registration task for the journal: JSON with the record and thread, or a Noark 5 journalpost."""
    from rettesnor.moderation import registration, worklist

    if export_format not in ("json", "noark5"):
        raise InputError(f"unknown format {export_format!r}; choose one of: json, noark5")
    kind, number = worklist.parse_ref(task)
    if kind != worklist.REGISTRATION:
        raise InputError(f"task {task} is a takedown; only registration tasks (R1 …) go to the journal")
    with tenant(org) as (s, o):
        if export_format == "json":
            print_json(registration.task_document(s, o, number))
        else:
            from rettesnor.archive.export import journalpost_xml

            sys.stdout.write(journalpost_xml(s, o, number, os.environ.get("RETTESNOR_ACTOR", "cli")))


@tasks_app.command("journal-address")
def tasks_journal_address(
    address: Annotated[str, typer.Argument(help="the records system's mail-in address ('' turns it off)")],
    org: Org,
) -> None:
    """Where registration tasks are sent as e-mail: the journal address of the records system."""
    from rettesnor.archive import journalmail

    with tenant(org) as (s, o):
        journalmail.set_address(s, o, address)
        slug, now = o.slug, o.journal_address
    out.print(f"journal address of {slug}: {now or 'none (journal mail is off)'}")


@tasks_app.command("send")
def tasks_send(task: Annotated[str, typer.Argument(help="R1 … as listed")], org: Org) -> None:
    """Send a registration task to the records system's journal address: the thread as PDF/A and its
    metadata in the body and as XML, through the outbox (rettesnor mail send)."""
    from rettesnor.archive import journalmail
    from rettesnor.moderation import worklist

    kind, number = worklist.parse_ref(task)
    if kind != worklist.REGISTRATION:
        raise InputError(f"task {task} is a takedown; only registration tasks (R1 …) go to the journal")
    with tenant(org) as (s, o):
        note = journalmail.send_task(s, o, number)
        info = (note.id, note.recipient)
    out.print(f"registration task R{number} is in the outbox as message {info[0]} to {info[1]}")
