"""The archive pages: search with filters, one record (versions, tombstone, thread, findings, decisions),
the access-request export with personal data redacted, and the chain's ``verify`` run on demand.

Only the roles of the ``archive`` area (records managers, communications officers, administrators,
auditors) see them. Every lookup is within the organisation of the login.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from rettesnor.archive import chain
from rettesnor.archive.search import Filters, access_request, search
from rettesnor.governance import accounts
from rettesnor.records.archive_models import (
    DECISIONS,
    RECORD_KINDS,
    ArchiveContent,
    ArchiveEntry,
    ArchiveRecord,
    ModerationDecision,
)
from rettesnor.records.models import Organisation
from rettesnor.web import labels, labels_publish, queries
from rettesnor.web.auth import require
from rettesnor.web.pages import Csrf, User, _csrf, _form_account
from rettesnor.web.pages_publish import publication_of_record
from rettesnor.web.problems import ProblemError
from rettesnor.web.render import page
from rettesnor.web.views import work

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


def period(since: str, until: str) -> tuple[dt.datetime | None, dt.datetime | None]:
    """From the start of ``since`` to the end of ``until`` (both days included), in UTC."""
    start, end = parse_day(since, "from"), parse_day(until, "to")
    low = dt.datetime.combine(start, dt.time(), tzinfo=dt.UTC) if start else None
    high = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC) if end else None
    return low, high


@router.get("/archive")
def archive_page(
    request: Request, who: User,
    q: Annotated[str, Query(max_length=500)] = "", account: Annotated[str, Query(max_length=20)] = "",
    since: Annotated[str, Query(max_length=20)] = "", until: Annotated[str, Query(max_length=20)] = "",
    author: Annotated[str, Query(max_length=200)] = "", category: Annotated[str, Query(max_length=40)] = "",
    decision: Annotated[str, Query(max_length=12)] = "", kind: Annotated[str, Query(max_length=20)] = "",
    page_no: Annotated[int, Query(alias="page", ge=1, le=10_000)] = 1,
) -> HTMLResponse:  # fmt: skip
    require(who, "archive")
    account_id = _form_account(account)
    if decision and decision not in DECISIONS:
        raise ProblemError(422, f"unknown decision {decision!r}; choose one of: {', '.join(DECISIONS)}")
    if kind and kind not in RECORD_KINDS:
        raise ProblemError(422, f"unknown kind {kind!r}; choose one of: {', '.join(RECORD_KINDS)}")
    low, high = period(since, until)
    filters = Filters(
        account_id=account_id, since=low, until=high, author=author.strip() or None,
        category=category.strip() or None, decision=decision or None, kind=kind or None,
    )  # fmt: skip
    offset = (page_no - 1) * PAGE_SIZE
    with work(request, who) as (session, org):
        if account_id is not None:
            accounts.get_account(session, org, account_id)  # 404 for an account of another organisation
        found = search(session, org, q or None, filters, limit=offset + PAGE_SIZE + 1)[offset:]
        all_accounts = accounts.list_accounts(session, org)
    form = {"q": q, "account": account, "since": since, "until": until, "author": author,
            "category": category, "decision": decision, "kind": kind}  # fmt: skip
    base = {k: v for k, v in form.items() if v}
    pages = {
        "prev": f"?{urlencode({**base, 'page': page_no - 1})}" if page_no > 1 else None,
        "next": f"?{urlencode({**base, 'page': page_no + 1})}" if len(found) > PAGE_SIZE else None,
    }
    return page(
        request, "archive.html", who, rows=found[:PAGE_SIZE], form=form, accounts=all_accounts,
        account_names={a.id: a.name for a in all_accounts}, pages=pages, page_no=page_no,
        decisions=labels.DECISIONS_ALL, kinds=labels.RECORD_KINDS, states=labels.RECORD_STATES,
    )  # fmt: skip


def record_in_org(session: Session, org: Organisation, record_id: int) -> ArchiveRecord:
    record = session.scalars(
        select(ArchiveRecord).where(ArchiveRecord.organisation_id == org.id, ArchiveRecord.id == record_id)
    ).first()
    if record is None:
        raise ProblemError(404, f"no record {record_id} in the archive of this organisation")
    return record


def versions(session: Session, org: Organisation, record_id: int) -> list[dict[str, Any]]:
    """Every version of the record in chain order, with its document (None once disposed)."""
    rows = session.execute(
        select(ArchiveEntry, ArchiveContent.body)
        .outerjoin(ArchiveContent, ArchiveContent.entry_id == ArchiveEntry.id)
        .where(ArchiveEntry.organisation_id == org.id, ArchiveEntry.record_id == record_id)
        .order_by(ArchiveEntry.seq)
    ).all()
    out = []
    for entry, body in rows:
        doc = json.loads(body) if body is not None else None
        out.append({"entry": entry, "doc": doc, "text": doc.get("content") if doc else None,
                    "state": doc.get("rettesnor:state") if doc else None,
                    "tombstone": bool(doc and doc.get("type") == "Tombstone")})  # fmt: skip
    return out


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
def record_page(record_id: int, request: Request, who: User) -> HTMLResponse:
    require(who, "archive")
    with work(request, who) as (session, org):
        record = record_in_org(session, org, record_id)
        history = versions(session, org, record_id)
        talk = thread(session, org, record)
        decided = list(
            session.scalars(
                select(ModerationDecision)
                .where(
                    ModerationDecision.organisation_id == org.id, ModerationDecision.record_id == record_id
                )
                .order_by(ModerationDecision.id)
            )
        )
        names = queries.person_names(session, org, {d.decided_by_id for d in decided})
        account = accounts.get_account(session, org, record.account_id) if record.account_id else None
        published = publication_of_record(session, org, record.id)  # sent through Rettesnor (issue 18)
    latest = next((v["doc"] for v in reversed(history) if v["doc"] is not None), None)
    findings = (latest or {}).get("rettesnor:findings") or []
    return page(
        request, "archive_record.html", who, record=record, history=history, thread=talk,
        findings=findings, decided=decided, names=names, account=account, kinds=labels.RECORD_KINDS,
        states=labels.RECORD_STATES, events=labels.ENTRY_EVENTS, decisions=labels.DECISIONS_ALL,
        severities=labels.SEVERITIES, grounds=labels.GROUNDS, platform_results=labels.PLATFORM_RESULTS,
        published=published, publish_acts=labels_publish.ACTS,
    )  # fmt: skip


def record_ids(values: list[str], most: int, what: str) -> list[int]:
    """Record numbers of checked boxes, each once; at least one, at most ``most``."""
    ids = []
    for v in values:
        if not v.isdigit():
            raise ProblemError(422, f"a record is a number, not {v[:20]!r}")
        ids.append(int(v))
    ids = list(dict.fromkeys(ids))
    if not ids:
        raise ProblemError(422, f"choose at least one record to {what}")
    if len(ids) > most:
        raise ProblemError(422, f"{what} at most {most} records at a time")
    return ids


@router.post("/archive/export")
def archive_export(
    request: Request, who: User, csrf: Csrf,
    record: Annotated[list[str] | None, Form(max_length=MAX_EXPORT * 2)] = None,
    format: Annotated[str, Form(pattern="^(html|json)$")] = "html",
) -> Response:  # fmt: skip
    """An access request (aktindsigt, innsyn, utlämnande): the chosen records, personal data redacted."""
    require(who, "archive")
    _csrf(request, csrf)
    ids = record_ids(record or [], MAX_EXPORT, "export")
    with work(request, who) as (session, org):
        for rid in ids:
            record_in_org(session, org, rid)  # 404 before anything is read
        export = access_request(session, org, ids)
        slug = org.slug
    if format == "json":
        body = json.dumps(export, ensure_ascii=False, indent=2)
        name = f"{slug}-access-request-{dt.date.today().isoformat()}.json"
        return Response(body, media_type="application/json",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})  # fmt: skip
    return page(request, "archive_export.html", who, export=export, ids=ids)


@router.post("/archive/verify")
def archive_verify(request: Request, who: User, csrf: Csrf) -> HTMLResponse:
    """Recompute the organisation's hash chain now and show the result."""
    require(who, "archive")
    _csrf(request, csrf)
    with work(request, who) as (session, org):
        result = chain.verify(session, org)
    return page(request, "archive_verify.html", who, result=result, checked_at=dt.datetime.now(dt.UTC),
                problems=labels.CHAIN_PROBLEMS)  # fmt: skip
