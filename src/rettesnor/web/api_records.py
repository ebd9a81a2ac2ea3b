"""The REST API for people, reviews, consents and the archive's records, access requests and ``verify``.

Same contract as :mod:`rettesnor.web.api`: a Bearer token of one organisation with scopes (``people:read``
for people, reviews and consents; ``archive:read`` for the archive), lists paginated with ``limit`` and
``offset``, errors as RFC 9457 problem details.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session
from starlette.background import BackgroundTask

from rettesnor import labels
from rettesnor.archive import chain, export
from rettesnor.archive.lookup import record_in_org, versions
from rettesnor.archive.search import access_request
from rettesnor.governance import consents, people, reviews
from rettesnor.i18n import negotiate, translator
from rettesnor.records.models import Organisation
from rettesnor.web.deps import OrgSession, api_area
from rettesnor.web.inputs import MAX_ID, IdField, IdPath, IdQuery
from rettesnor.web.paging import ERRORS, Limit, Offset, Page, slice_of
from rettesnor.web.problems import ProblemError
from rettesnor.web.views import plain

router = APIRouter(prefix="/api/v1", tags=["api"], responses=ERRORS)
MAX_ACCESS_REQUEST = 200


def _row(obj: Any, keys: tuple[str, ...]) -> dict[str, Any]:
    return {k: plain(getattr(obj, k)) for k in keys}


PERSON_KEYS = ("id", "name", "unit_id", "kind", "manager_id", "started_on", "left_on")
REVIEW_KEYS = ("id", "person_id", "leader_id", "kind", "policy_version_id", "held_on", "acknowledged_at")
CONSENT_KEYS = (
    "id",
    "media_ref",
    "subject",
    "subject_is_child",
    "basis",
    "given_by",
    "given_by_role",
    "given_on",
    "withdrawn_on",
    "unit_id",
    "account_id",
)


@router.get("/people", summary="People of the organisation", response_model=Page)
def list_people(
    request: Request, db: Annotated[OrgSession, api_area("people")], limit: Limit = 50, offset: Offset = 0
) -> Page:
    session, org = db.session, db.org
    return slice_of([_row(p, PERSON_KEYS) for p in people.list_people(session, org)], limit, offset)


@router.get("/reviews", summary="Reviews of the guideline held with employees", response_model=Page)
def list_reviews(
    request: Request,
    db: Annotated[OrgSession, api_area("people")],
    limit: Limit = 50,
    offset: Offset = 0,
    person: IdQuery = None,
) -> Page:
    session, org = db.session, db.org
    rows = [_row(r, REVIEW_KEYS) for r in reviews.list_reviews(session, org, person)]
    return slice_of(rows, limit, offset)


@router.get(
    "/reviews/overdue",
    summary="Who is overdue for a review, with the leader who must hold it",
    response_model=Page,
)
def overdue_reviews(
    request: Request,
    db: Annotated[OrgSession, api_area("people")],
    limit: Limit = 50,
    offset: Offset = 0,
    leader: IdQuery = None,
) -> Page:
    session, org = db.session, db.org
    late = reviews.overdue(session, org, dt.date.today(), leader_id=leader)
    keys = ("person_id", "person_name", "leader_id", "kind", "due_on", "last_on", "reason")
    rows = [_row(o, keys) for o in late]
    return slice_of(rows, limit, offset)


@router.get("/consents", summary="The consent register for photos and video", response_model=Page)
def list_consents(
    request: Request,
    db: Annotated[OrgSession, api_area("consents")],
    limit: Limit = 50,
    offset: Offset = 0,
    media_ref: Annotated[str | None, Query(max_length=500)] = None,
) -> Page:
    session, org = db.session, db.org
    rows = [_row(c, CONSENT_KEYS) for c in consents.list_consents(session, org, media_ref)]
    return slice_of(rows, limit, offset)


def _record(session: Session, org: Organisation, record_id: int) -> dict[str, Any]:
    record = record_in_org(session, org, record_id)
    keys = (
        "id",
        "platform",
        "platform_id",
        "kind",
        "account_id",
        "parent_id",
        "thread_id",
        "author_id",
        "author_name",
        "published_at",
        "received_at",
        "state",
        "text",
        "categories",
        "decision",
        "version",
    )
    out = _row(record, keys)
    out["versions"] = [
        {
            "seq": v["entry"].seq,
            "version": v["entry"].version,
            "event": v["entry"].event,
            "recorded_at": plain(v["entry"].recorded_at),
            "entry_hash": v["entry"].entry_hash,
            "tombstone": v["tombstone"],
            "object": v["doc"],
        }
        for v in versions(session, org, record_id)
    ]
    return out


@router.get("/archive/records/{record_id}", summary="One record with every version in chain order")
def get_record(
    record_id: IdPath, request: Request, db: Annotated[OrgSession, api_area("archive")]
) -> dict[str, Any]:
    session, org = db.session, db.org
    return _record(session, org, record_id)


class AccessRequest(BaseModel):
    records: list[IdField] = Field(
        description="the records to release", min_length=1, max_length=MAX_ACCESS_REQUEST
    )


@router.post(
    "/archive/access-requests", summary="Export records for an access request, personal data redacted"
)
def export_access_request(
    body: AccessRequest, request: Request, db: Annotated[OrgSession, api_area("archive")]
) -> dict[str, Any]:
    """The chosen records with the personal data the check found replaced by its category, and the list of
    what was redacted per record (``redactions``). The placeholders name the category in the language of
    ``Accept-Language`` (``[Personnavn]``); without one, or in English, they are the category codes
    (``[person_name]``) a program can rely on."""
    ids = list(dict.fromkeys(body.records))
    lang = negotiate(request.headers.get("accept-language"))
    _ = translator(lang)
    session, org = db.session, db.org
    for rid in ids:
        record_in_org(session, org, rid)
    if lang == "en":
        return access_request(session, org, ids)
    return access_request(session, org, ids, lambda c: f"[{labels.category_name(c, _)}]")


@router.post("/archive/verify", summary="Recompute the organisation's hash chain now")
def verify(request: Request, db: Annotated[OrgSession, api_area("archive")]) -> dict[str, Any]:
    session, org = db.session, db.org
    result = chain.verify(session, org)
    problem = None
    if result.problem is not None:
        p = result.problem
        problem = {
            "seq": p.seq,
            "record": p.record_id,
            "platform_id": p.platform_id,
            "what": p.what,
            "code": p.code,
            "detail": p.detail,
        }
    return {
        "organisation": result.organisation,
        "ok": result.ok,
        "entries": result.entries,
        "disposed": result.disposed,
        "head": result.head,
        "decisions_head": result.decisions_head,
        "problem": problem,
    }


def _in_folder(write: Callable[[Session, Organisation, Path], Any], db: OrgSession) -> Path:
    """Run an export into a fresh temporary folder; the caller removes it after the answer is sent."""
    folder = Path(tempfile.mkdtemp(prefix="rettesnor-export-"))
    try:
        write(db.session, db.org, folder)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return folder


@router.get(
    "/archive/export.jsonl",
    summary="Every version of every record as canonical JSON Lines, in chain order",
    response_class=FileResponse,
)
def export_jsonl(db: Annotated[OrgSession, api_area("archive")]) -> FileResponse:
    folder = _in_folder(lambda s, o, f: export.jsonl(s, o, f), db)
    (path,) = folder.glob("*.jsonl")
    return FileResponse(
        path,
        media_type="application/jsonl",
        filename=path.name,
        background=BackgroundTask(shutil.rmtree, folder, True),
    )


@router.get(
    "/archive/export.noark5.zip",
    summary="The Noark 5 arkivuttrekk (arkivuttrekk.xml, arkivstruktur.xml, endringslogg.xml, DOKUMENT/)",
    response_class=FileResponse,
)
def export_noark5(db: Annotated[OrgSession, api_area("archive")]) -> FileResponse:
    folder = _in_folder(lambda s, o, f: export.noark5(s, o, f / "uttrekk", actor=db.who.actor), db)
    archive = shutil.make_archive(str(folder / "arkivuttrekk"), "zip", folder / "uttrekk")
    return FileResponse(
        archive,
        media_type="application/zip",
        filename="arkivuttrekk.zip",
        background=BackgroundTask(shutil.rmtree, folder, True),
    )


@router.get(
    "/tasks/{task_id}/journalpost",
    summary="A registration task as a Noark 5 journalpost, for the journal system",
    response_class=Response,
    responses={200: {"content": {"application/xml": {}}}},
)
def task_journalpost(
    task_id: str, request: Request, db: Annotated[OrgSession, api_area("tasks")]
) -> Response:
    """``task_id`` as ``/tasks`` lists it: ``R12`` is registration task 12 (takedowns, ``T…``, are not
    journal matters)."""
    number = task_id.removeprefix("R")
    if not (number.isascii() and number.isdigit()) or not 1 <= int(number) <= MAX_ID:
        raise ProblemError(422, f"{task_id[:30]!r} is not a registration task id such as R12")
    session, org = db.session, db.org
    xml = export.journalpost_xml(session, org, int(number), actor=db.who.actor)
    return Response(xml, media_type="application/xml")
