"""The archive pages: search with filters, one record (versions, tombstone, thread, findings, decisions),
the access-request export with personal data redacted, and the chain's ``verify`` run on demand.

Only the roles of the ``archive`` area (records managers, communications officers, administrators,
auditors) see them. Every lookup is within the organisation of the login.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import tempfile
from pathlib import Path
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from sqlalchemy import or_, select
from sqlalchemy.orm import Session
from starlette.background import BackgroundTask

from rettesnor import labels
from rettesnor.archive import chain, export
from rettesnor.archive.lookup import record_in_org, versions
from rettesnor.archive.search import Filters, access_request, search
from rettesnor.governance import accounts
from rettesnor.i18n import translator
from rettesnor.records.archive_models import (
    DECISIONS,
    RECORD_KINDS,
    ArchiveRecord,
    ModerationDecision,
)
from rettesnor.records.models import Organisation
from rettesnor.web import labels_publish, queries
from rettesnor.web.deps import OrgSession, page_area
from rettesnor.web.inputs import IdPath, day_end, parse_id, zone_of
from rettesnor.web.pages import Csrf, _form_account
from rettesnor.web.pages_publish import publication_of_record
from rettesnor.web.problems import ProblemError
from rettesnor.web.render import language, page
from rettesnor.web.security import csrf_ok

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 25
MAX_EXPORT = 200  # records per access-request export


def parse_day(value: str, what: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ProblemError(422, f"{what} must be a date like 2026-12-31, not {value[:20]!r}") from None


def period(since: str, until: str, zone: dt.tzinfo = dt.UTC) -> tuple[dt.datetime | None, dt.datetime | None]:
    """From the start of ``since`` to the end of ``until`` (both days included), days in ``zone``."""
    start, end = parse_day(since, "from"), parse_day(until, "to")
    try:  # the first and the last day of the calendar exist only in some zones' UTC
        low = dt.datetime.combine(start, dt.time(), tzinfo=zone).astimezone(dt.UTC) if start else None
        high = day_end(end, zone).astimezone(dt.UTC) if end else None
    except OverflowError:
        raise ProblemError(422, "the dates must lie between 0001-01-02 and 9999-12-31") from None
    return low, high


@router.get("/archive")
def archive_page(
    request: Request,
    db: Annotated[OrgSession, page_area("archive")],
    q: Annotated[str, Query(max_length=500)] = "",
    account: Annotated[str, Query(max_length=20)] = "",
    since: Annotated[str, Query(max_length=20)] = "",
    until: Annotated[str, Query(max_length=20)] = "",
    author: Annotated[str, Query(max_length=200)] = "",
    category: Annotated[str, Query(max_length=40)] = "",
    decision: Annotated[str, Query(max_length=12)] = "",
    kind: Annotated[str, Query(max_length=20)] = "",
    page_no: Annotated[int, Query(alias="page", ge=1, le=10_000)] = 1,
) -> HTMLResponse:
    account_id = _form_account(account)
    if decision and decision not in DECISIONS:
        raise ProblemError(422, f"unknown decision {decision!r}; choose one of: {', '.join(DECISIONS)}")
    if kind and kind not in RECORD_KINDS:
        raise ProblemError(422, f"unknown kind {kind!r}; choose one of: {', '.join(RECORD_KINDS)}")
    if category and category not in labels.CATEGORIES:
        choices = ", ".join(labels.CATEGORIES)
        raise ProblemError(422, f"unknown category {category!r}; choose one of: {choices}")
    offset = (page_no - 1) * PAGE_SIZE
    session, org = db.session, db.org
    low, high = period(since, until, zone_of(org))
    filters = Filters(
        account_id=account_id,
        since=low,
        until=high,
        author=author.strip() or None,
        category=category.strip() or None,
        decision=decision or None,
        kind=kind or None,
    )
    if account_id is not None:
        accounts.get_account(session, org, account_id)  # 404 for an account of another organisation
    found = search(session, org, q or None, filters, limit=offset + PAGE_SIZE + 1)[offset:]
    all_accounts = accounts.list_accounts(session, org)
    form = {
        "q": q,
        "account": account,
        "since": since,
        "until": until,
        "author": author,
        "category": category,
        "decision": decision,
        "kind": kind,
    }
    base = {k: v for k, v in form.items() if v}
    pages = {
        "prev": f"?{urlencode({**base, 'page': page_no - 1})}" if page_no > 1 else None,
        "next": f"?{urlencode({**base, 'page': page_no + 1})}" if len(found) > PAGE_SIZE else None,
    }
    return page(
        request,
        "archive.html",
        db.who,
        rows=found[:PAGE_SIZE],
        form=form,
        accounts=all_accounts,
        account_names={a.id: a.name for a in all_accounts},
        pages=pages,
        page_no=page_no,
        decisions=labels.DECISIONS_ALL,
        kinds=labels.RECORD_KINDS,
        states=labels.RECORD_STATES,
        categories=labels.CATEGORIES,
        may_extract=db.who.may("archive:extract"),
    )


def thread(session: Session, org: Organisation, record: ArchiveRecord) -> list[ArchiveRecord]:
    root = record.thread_id or record.id
    return list(
        session.scalars(
            select(ArchiveRecord)
            .where(
                ArchiveRecord.organisation_id == org.id,
                or_(ArchiveRecord.id == root, ArchiveRecord.thread_id == root),
            )
            .order_by(ArchiveRecord.id)
            .limit(500)
        )
    )


@router.get("/archive/records/{record_id}")
def record_page(
    record_id: IdPath, request: Request, db: Annotated[OrgSession, page_area("archive")]
) -> HTMLResponse:
    session, org = db.session, db.org
    record = record_in_org(session, org, record_id)
    history = versions(session, org, record_id)
    talk = thread(session, org, record)
    decided = list(
        session.scalars(
            select(ModerationDecision)
            .where(ModerationDecision.organisation_id == org.id, ModerationDecision.record_id == record_id)
            .order_by(ModerationDecision.id)
        )
    )
    names = queries.person_names(session, org, {d.decided_by_id for d in decided})
    account = accounts.get_account(session, org, record.account_id) if record.account_id else None
    published = publication_of_record(session, org, record.id)  # sent through Rettesnor (issue 18)
    latest = next((v["doc"] for v in reversed(history) if v["doc"] is not None), None)
    findings = (latest or {}).get("rettesnor:findings") or []
    return page(
        request,
        "archive_record.html",
        db.who,
        record=record,
        history=history,
        thread=talk,
        findings=findings,
        decided=decided,
        names=names,
        account=account,
        kinds=labels.RECORD_KINDS,
        states=labels.RECORD_STATES,
        events=labels.ENTRY_EVENTS,
        decisions=labels.DECISIONS_ALL,
        severities=labels.SEVERITIES,
        categories=labels.CATEGORIES,
        grounds=labels.GROUNDS,
        platform_results=labels.PLATFORM_RESULTS,
        published=published,
        publish_acts=labels_publish.ACTS,
    )


def record_ids(values: list[str], most: int, what: str) -> list[int]:
    """Record numbers of checked boxes, each once; at least one, at most ``most``."""
    ids = []
    for v in values:
        ids.append(parse_id(v, "a record"))
    ids = list(dict.fromkeys(ids))
    if not ids:
        raise ProblemError(422, f"choose at least one record to {what}")
    if len(ids) > most:
        raise ProblemError(422, f"{what} at most {most} records at a time")
    return ids


@router.post("/archive/export")
def archive_export(
    request: Request,
    db: Annotated[OrgSession, page_area("archive")],
    csrf: Csrf,
    record: Annotated[list[str] | None, Form(max_length=MAX_EXPORT * 2)] = None,
    format: Annotated[str, Form(pattern="^(html|json)$")] = "html",
) -> Response:
    """An access request (aktindsigt, innsyn, utlämnande): the chosen records, personal data redacted."""
    csrf_ok(request, csrf)
    ids = record_ids(record or [], MAX_EXPORT, "export")
    _ = translator(language(request, db.who))
    session, org = db.session, db.org
    for rid in ids:
        record_in_org(session, org, rid)  # 404 before anything is read
    released = access_request(session, org, ids, lambda c: f"[{labels.category_name(c, _)}]")
    slug = org.slug
    if format == "json":
        body = json.dumps(released, ensure_ascii=False, indent=2)
        name = f"{slug}-access-request-{dt.date.today().isoformat()}.json"
        return Response(
            body,
            media_type="application/json",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
    return page(
        request,
        "archive_export.html",
        db.who,
        export=released,
        ids=ids,
        categories=labels.CATEGORIES,
        detectors=labels.DETECTORS,
    )


@router.post("/archive/noark5")
def archive_noark5(
    request: Request, db: Annotated[OrgSession, page_area("archive:extract")], csrf: Csrf
) -> FileResponse:
    """The organisation's Noark 5 arkivuttrekk (the extract for the national archive) as one ZIP file."""
    csrf_ok(request, csrf)
    scratch = Path(tempfile.mkdtemp(prefix="rettesnor-noark5-"))
    try:
        export.noark5(db.session, db.org, scratch / "uttrekk", actor=db.who.actor)
        name = f"{db.org.slug}-arkivuttrekk-{dt.date.today().isoformat()}"
        archive = shutil.make_archive(str(scratch / name), "zip", scratch / "uttrekk")
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    return FileResponse(
        archive,
        media_type="application/zip",
        filename=f"{name}.zip",
        background=BackgroundTask(shutil.rmtree, scratch, True),
    )


@router.post("/archive/verify")
def archive_verify(
    request: Request, db: Annotated[OrgSession, page_area("archive")], csrf: Csrf
) -> HTMLResponse:
    """Recompute the organisation's hash chain now and show the result."""
    csrf_ok(request, csrf)
    session, org = db.session, db.org
    result = chain.verify(session, org)
    return page(
        request,
        "archive_verify.html",
        db.who,
        result=result,
        checked_at=dt.datetime.now(dt.UTC),
        problems=labels.CHAIN_PROBLEMS,
    )


# --- Records in archival formats (issue 19): PDF/A documents, E-ARK/FGS packages, journal mail ----------

PDF_LANG = "^(|da|nb|sv|en)$"


def _download(data: bytes, media: str, name: str) -> Response:
    return Response(data, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/archive/records/{record_id}/document.pdf")
def record_document(
    record_id: IdPath,
    request: Request,
    db: Annotated[OrgSession, page_area("archive")],
    of: Annotated[str, Query(pattern="^(thread|record)$")] = "thread",
    lang: Annotated[str, Query(pattern=PDF_LANG)] = "",
) -> Response:
    """The record's thread, or the record with every version, as PDF/A-2b."""
    from rettesnor.archive import pdfa

    session, org = db.session, db.org
    record_in_org(session, org, record_id)
    make = pdfa.thread_pdf if of == "thread" else pdfa.record_pdf
    pdf = make(session, org, record_id, lang or None)
    slug = org.slug
    return _download(pdf, "application/pdf", f"{slug}-{of}-{record_id}.pdf")


@router.post("/archive/export.pdf")
def archive_export_pdf(
    request: Request,
    db: Annotated[OrgSession, page_area("archive")],
    csrf: Csrf,
    record: Annotated[list[str] | None, Form(max_length=MAX_EXPORT * 2)] = None,
    lang: Annotated[str, Form(pattern=PDF_LANG)] = "",
) -> Response:
    """An access request as PDF/A with the redaction log, in the language the requester chose."""
    from rettesnor.archive.pdfa import access_request_pdf

    csrf_ok(request, csrf)
    ids = record_ids(record or [], MAX_EXPORT, "export")
    session, org = db.session, db.org
    for rid in ids:
        record_in_org(session, org, rid)
    pdf = access_request_pdf(session, org, ids, lang or None)
    slug = org.slug
    return _download(pdf, "application/pdf", f"{slug}-access-request-{dt.date.today().isoformat()}.pdf")


@router.post("/archive/package")
def archive_package(
    request: Request,
    db: Annotated[OrgSession, page_area("archive")],
    csrf: Csrf,
    format: Annotated[str, Form(pattern="^(eark|fgs)$")] = "eark",
    since: Annotated[str, Form(max_length=20)] = "",
    until: Annotated[str, Form(max_length=20)] = "",
    agreement: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """An E-ARK SIP (or its Swedish FGS profile) of the archive or a period of it, as a ZIP file."""
    import shutil
    import tempfile
    from pathlib import Path

    from starlette.background import BackgroundTask
    from starlette.responses import FileResponse

    from rettesnor.archive import eark

    csrf_ok(request, csrf)
    low, high = period(since, until)
    work_dir = Path(tempfile.mkdtemp(prefix="rettesnor-sip-"))
    try:
        package = eark.export(
            db.session,
            db.org,
            work_dir / "out",
            profile=format,
            actor=db.who.actor,
            agreement=agreement.strip() or None,
            since=low,
            until=high,
        )
        slug = db.org.slug
        archive = shutil.make_archive(
            str(work_dir / package.folder.name), "zip", package.folder.parent, package.folder.name
        )
    except BaseException:
        shutil.rmtree(work_dir, ignore_errors=True)
        raise
    name = f"{slug}-{format}-{dt.date.today().isoformat()}.zip"
    return FileResponse(
        archive,
        media_type="application/zip",
        filename=name,
        background=BackgroundTask(shutil.rmtree, work_dir, ignore_errors=True),
    )


@router.post("/tasks/{task_id}/journal")
def task_to_journal(
    task_id: IdPath, request: Request, db: Annotated[OrgSession, page_area("archive")], csrf: Csrf
) -> Response:
    """Send a registration task to the records system's journal address (through the outbox)."""
    from fastapi.responses import RedirectResponse

    from rettesnor.archive import journalmail
    from rettesnor.i18n import translator
    from rettesnor.web.render import flash, language

    csrf_ok(request, csrf)
    _ = translator(language(request, db.who))
    session, org = db.session, db.org
    note = journalmail.send_task(session, org, task_id)
    to = note.recipient
    flash(
        request,
        _("Registration task {task} is on its way to the journal ({address}).").format(
            task=f"R{task_id}", address=to
        ),
    )
    return RedirectResponse(f"/tasks/R{task_id}", status_code=303)


@router.post("/tasks/{task_id}/journal-ref")
def task_journal_ref(
    task_id: IdPath,
    request: Request,
    db: Annotated[OrgSession, page_area("archive")],
    csrf: Csrf,
    journal_ref: Annotated[str, Form(min_length=1, max_length=100)],
) -> Response:
    """The records system's answer typed back: the case number closes the task."""
    from fastapi.responses import RedirectResponse

    from rettesnor.i18n import translator
    from rettesnor.moderation import registration
    from rettesnor.web.render import flash, language

    csrf_ok(request, csrf)
    _ = translator(language(request, db.who))
    session, org = db.session, db.org
    registration.close(session, org, task_id, db.who.person_id, journal_ref=journal_ref)
    done = _("Registration task {task} is registered as {ref}.")
    flash(request, done.format(task=f"R{task_id}", ref=journal_ref.strip()))
    return RedirectResponse(f"/tasks/R{task_id}", status_code=303)
