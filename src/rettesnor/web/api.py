"""The REST API under ``/api/v1``. The OpenAPI document at ``/api/v1/openapi.json`` is the contract.

Authentication: ``Authorization: Bearer rtn_…``, a token of one organisation with scopes. Lists are
paginated (``limit``, ``offset``) and answer ``{"items", "total", "limit", "offset", "next_offset"}``.
Errors are RFC 9457 problem details.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import tempfile
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi import Path as PathParam
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from rettesnor.archive.search import Filters, search
from rettesnor.governance import accounts, publiclist, registry
from rettesnor.governance.errors import InvalidValue
from rettesnor.i18n import COUNTRY_LANGUAGE
from rettesnor.item import KINDS, Photo
from rettesnor.moderation import queue as moderation
from rettesnor.moderation import worklist
from rettesnor.platforms.connector import connected_platform
from rettesnor.policy.coverage import coverage
from rettesnor.policy.loader import load_pack
from rettesnor.records.archive_models import DECISIONS, RECORD_KINDS
from rettesnor.web import queries
from rettesnor.web.auth import Principal
from rettesnor.web.deps import OrgSession, api_area, api_may
from rettesnor.web.inputs import IdField, IdPath, IdQuery, aware, zone_of
from rettesnor.web.paging import ERRORS, Limit, Offset, Page, page_of, slice_of
from rettesnor.web.views import account_row, pack_for, pack_named, plain, run_check, work
from rettesnor.web.webhooks import platform_settings

router = APIRouter(prefix="/api/v1", tags=["api"], responses=ERRORS)
INLINE_CHARS = 4000


class PhotoIn(BaseModel):
    name: str = Field("photo", description="the file name, shown in findings", max_length=200)
    base64: str = Field(description="the photo's bytes (JPEG, PNG, WebP …), base64", max_length=41_000_000)
    alt: str | None = Field(None, description="its alt text (text alternative)", max_length=2000)


class CheckRequest(BaseModel):
    text: str = Field(description="the draft, reply, comment or profile text", max_length=1_000_000)
    kind: str = Field("official_post", description=f"one of: {', '.join(KINDS)}")
    account: IdField | None = Field(
        None, description="an account of the organisation: its unit's pack applies"
    )
    unit: int | str | None = Field(None, description="a unit (id or slug): its pack and approved channels")
    channel: str | None = Field(None, description="where an internal message is sent (teams, messenger …)")
    pack: str | None = Field(None, description="a built-in pack by name (default: the organisation's)")
    lang: str | None = Field(None, description="language of messages: da, nb, nn, sv, en")
    images: list[PhotoIn] = Field([], description="photos attached to the post", max_length=10)


def _check(body: CheckRequest, request: Request, who: Principal) -> dict[str, Any]:
    if body.account is None and body.unit is None and who.pack is not None:  # no database work at all
        pack = load_pack(pack_named(body.pack) or who.pack)
    else:
        with work(request, who) as (session, org):
            pack = pack_for(session, org, body.account, body.unit, body.pack)
    with tempfile.TemporaryDirectory(prefix="rettesnor-photos-") as folder:
        photos = tuple(_photo(folder, i, p) for i, p in enumerate(body.images))
        result = run_check(body.text, body.kind, pack, body.lang, body.channel, photos)
    return result.to_dict(body.lang)


def _photo(folder: str, index: int, photo: PhotoIn) -> Photo:
    """An uploaded photo written to a private temporary file (the image readers take paths)."""
    try:
        data = base64.b64decode(photo.base64, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidValue(f"photo {photo.name!r} is not valid base64") from None
    path = Path(folder) / f"{index}"
    path.write_bytes(data)
    return Photo(str(path), photo.alt, photo.name)


@router.post("/check", summary="Check a text against the guideline")
async def check_text(
    body: CheckRequest, request: Request, who: Annotated[Principal, api_may("check", inline=True)]
) -> dict[str, Any]:
    """The check JSON contract of ``rettesnor check --format json``.

    A short text without an account is checked on the event loop (well under a millisecond: a hop to a
    worker thread would cost more than the check); a long text, or one for an account (a database
    lookup), in the thread pool, so that it never holds up other requests."""
    if (
        len(body.text) <= INLINE_CHARS
        and body.account is None
        and body.unit is None
        and not body.images
        and who.pack is not None
    ):
        return _check(body, request, who)
    return await run_in_threadpool(_check, body, request, who)


class AnalyseRequest(BaseModel):
    text: str = Field(description="any text", max_length=1_000_000)
    kind: str = Field("comment", description=f"one of: {', '.join(KINDS)}")
    language: str | None = Field(None, description="da, nb, nn, sv, en (default: identified)")
    country: str | None = Field(None, description="DK, NO or SE: a prior for very short texts")


@router.post("/analyse", summary="The signals of a text, without any pack")
async def analyse_endpoint(
    body: AnalyseRequest, who: Annotated[Principal, api_may("check", inline=True)]
) -> dict[str, Any]:
    """The detection contract of ``rettesnor analyse --format json``: signals (category, span, score,
    detector, evidence) and the language with its confidence. Packs decide what becomes a finding."""
    from rettesnor.analyse import analyse_text

    def run() -> dict[str, Any]:
        return analyse_text(body.text, body.kind, body.language, body.country).to_dict()

    if len(body.text) <= INLINE_CHARS:
        return run()
    return await run_in_threadpool(run)


@router.get("/accounts", summary="The account registry", response_model=Page)
def list_accounts(
    request: Request, db: Annotated[OrgSession, api_area("accounts")], limit: Limit = 50, offset: Offset = 0
) -> Page:
    session, org = db.session, db.org
    return slice_of([account_row(a) for a in accounts.list_accounts(session, org)], limit, offset)


@router.get("/accounts/problems", summary="Registry checks: what is wrong", response_model=Page)
def registry_problems(
    request: Request,
    db: Annotated[OrgSession, api_area("accounts")],
    limit: Limit = 50,
    offset: Offset = 0,
    inactive_days: Annotated[int, Query(ge=1, le=3650)] = registry.DEFAULT_INACTIVE_DAYS,
) -> Page:
    session, org = db.session, db.org
    problems = registry.check_registry(session, org, inactive_days=inactive_days)
    return slice_of([p.to_dict() for p in problems], limit, offset)


@router.get("/accounts/public", summary="The public list of accounts", response_model=Page)
def public_accounts(
    request: Request, db: Annotated[OrgSession, api_area("accounts")], limit: Limit = 50, offset: Offset = 0
) -> Page:
    session, org = db.session, db.org
    rows = [{k: plain(v) for k, v in r.items()} for r in publiclist.public_list(session, org)]
    return slice_of(rows, limit, offset)


@router.get("/accounts/{account_id}", summary="One account")
def get_account(
    account_id: IdPath, request: Request, db: Annotated[OrgSession, api_area("accounts")]
) -> dict[str, Any]:
    session, org = db.session, db.org
    return account_row(accounts.get_account(session, org, account_id))


def queue_row(row: moderation.QueueRow) -> dict[str, Any]:
    c, r = row.case, row.record
    return {
        "case": c.id,
        "record": r.id,
        "account_id": c.account_id,
        "text": r.text,
        "state": r.state,
        "in_reply_to": row.parent_text,
        "author": r.author_name,
        "received_at": plain(r.received_at),
        "recommended": c.recommended,
        "categories": c.categories.split(",") if c.categories else [],
        "rule": c.rule_code,
        "clauses": c.clauses.split(",") if c.clauses else [],
        "ground": c.ground,
        "status": c.status,
    }


@router.get("/moderation/queue", summary="The moderation queue, newest first", response_model=Page)
def moderation_queue(
    request: Request,
    db: Annotated[OrgSession, api_area("moderation")],
    limit: Limit = 50,
    offset: Offset = 0,
    status: Literal["open", "escalated", "decided", "all"] = "open",
    account: IdQuery = None,
    category: Annotated[str | None, Query(max_length=40)] = None,
) -> Page:
    session, org = db.session, db.org
    if account is not None:
        accounts.get_account(session, org, account)  # 404 for an account of another organisation
    rows, total = moderation.queue_page(
        session, org, status=status, account_id=account, category=category, limit=limit, offset=offset
    )
    return page_of([queue_row(r) for r in rows], limit, offset, total)


class DecisionRequest(BaseModel):
    action: Literal["keep", "hide", "unhide", "delete", "escalate", "reply"] = Field(
        description=f"one of {', '.join(DECISIONS)}"
    )
    reason: str = Field(description="why (recorded)", max_length=2000)
    ground: str | None = Field(None, description="legal ground of a hide or delete (default: the rule's)")
    reply: str | None = Field(None, max_length=8000)
    escalate_to: IdField | None = None


@router.post("/moderation/records/{record_id}/decisions", summary="Decide on a comment", status_code=201)
def decide(
    record_id: IdPath,
    body: DecisionRequest,
    request: Request,
    db: Annotated[OrgSession, api_area("moderation:write")],
) -> dict[str, Any]:
    """Recorded with the token's person; evidence is saved before a hide or a delete."""
    with connected_platform(db.session, db.org, record_id, platform_settings(request)) as platform:
        # the page's connector, or None: the decision is then carried out by hand
        outcome = moderation.decide(
            db.session,
            db.org,
            record_id,
            body.action,
            by=db.who.person_id,
            reason=body.reason,
            ground=body.ground,
            reply=body.reply,
            escalate_to=body.escalate_to,
            platform=platform,
        )
        d = outcome.decision
        return {
            "decision": d.id,
            "record": d.record_id,
            "action": d.action,
            "ground": d.ground,
            "platform_result": d.platform_result,
            "message": outcome.message,
        }


@router.get("/tasks", summary="Open tasks: registrations and takedowns", response_model=Page)
def list_tasks(
    request: Request,
    db: Annotated[OrgSession, api_area("tasks")],
    limit: Limit = 50,
    offset: Offset = 0,
    overdue: bool = False,
) -> Page:
    session, org = db.session, db.org
    lang = COUNTRY_LANGUAGE.get(org.country, "en")  # titles in the organisation's language
    rows = [{k: plain(v) for k, v in r.items()} for r in queries.all_tasks(session, org, lang=lang)]
    return slice_of([r for r in rows if r["overdue"] or not overdue], limit, offset)


class CloseTaskRequest(BaseModel):
    journal_ref: str | None = Field(None, max_length=100, description="the case number in the journal")
    reason: str | None = Field(
        None, max_length=2000, description="why it is not registered; for a takedown: what was done"
    )


@router.post("/tasks/{ref}/close", summary="Close a task: registered (journal reference) or with a reason")
def close_task(
    ref: Annotated[str, PathParam(max_length=20, description="R1, T1 … as listed")],
    body: CloseTaskRequest,
    request: Request,
    db: Annotated[OrgSession, api_area("tasks:write")],
) -> dict[str, Any]:
    """A complaint closes only with a journal reference: it cannot be rejected (Hjørring HJ-10)."""
    session, org = db.session, db.org
    item = worklist.close(session, org, ref, db.who.person_id, body.journal_ref, body.reason)
    return {"id": item.ref, "status": item.status, "journal_ref": item.journal_ref, "note": item.note}


@router.get("/archive/search", summary="Search the archive", response_model=Page)
def archive_search(
    request: Request,
    db: Annotated[OrgSession, api_area("archive")],
    limit: Limit = 50,
    offset: Offset = 0,
    q: Annotated[str | None, Query(max_length=500)] = None,
    kind: Literal["post", "comment", "reply", "private_message", "moderator_action"] | None = None,
    account: IdQuery = None,
    category: Annotated[str | None, Query(max_length=40)] = None,
    since: Annotated[
        dt.datetime | None,
        Query(
            description="from this time on; without a zone: the organisation's (2026-01-01 is local midnight)"
        ),
    ] = None,
    until: Annotated[dt.datetime | None, Query(description="before this time; zone as for since")] = None,
) -> Page:
    assert kind is None or kind in RECORD_KINDS
    session, org = db.session, db.org
    zone = zone_of(org)
    filters = Filters(
        account_id=account,
        kind=kind,
        category=category,
        since=aware(since, zone),
        until=aware(until, zone),
    )
    if account is not None:
        accounts.get_account(session, org, account)
    found = search(session, org, q, filters, limit=offset + limit + 1)[offset:]
    items = [
        {
            "id": r.id,
            "platform": r.platform,
            "platform_id": r.platform_id,
            "kind": r.kind,
            "account_id": r.account_id,
            "text": r.text,
            "state": r.state,
            "categories": r.categories,
            "decision": r.decision,
            "received_at": plain(r.received_at),
        }
        for r in found
    ]
    return page_of(items, limit, offset)


@router.get("/guideline", summary="The organisation's guideline: rules with clause quotes, coverage")
def guideline(request: Request, db: Annotated[OrgSession, api_area("guideline")]) -> dict[str, Any]:
    _session, org = db.session, db.org
    pack = load_pack(org.pack)
    return {
        "pack": pack.name,
        "title": pack.text(pack.title, pack.language),
        "language": pack.language,
        "rules": [
            {
                "code": r.code,
                "name": r.name,
                "title": pack.text(r.title, pack.language),
                "severity": r.severity,
                "applies_to": r.applies_to,
                "clauses": [{"id": c.id, "quote": c.quote} for c in r.clauses],
            }
            for r in pack.rules
        ],
        "coverage": [
            {"clause": c.clause, "implementation": c.implementation, "status": c.status, "detail": c.detail}
            for c in coverage(pack)
        ],
    }
