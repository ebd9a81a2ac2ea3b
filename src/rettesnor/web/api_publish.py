"""The publishing API (issue 18) under ``/api/v1/publications``: write a post (with photos), see its
check and approval chain, submit it, decide on it; the list is the calendar. A token with the ``publish``
scope acts as the person it was made for: only a designated author's token submits, only an approver's
decides."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from rettesnor.governance.errors import InvalidValue
from rettesnor.publishing import service
from rettesnor.records.models import Organisation
from rettesnor.records.publish_models import PUBLICATION_STATES, Publication
from rettesnor.web.deps import OrgSession, api_area
from rettesnor.web.paging import ERRORS, Limit, Offset, Page, slice_of
from rettesnor.web.views import plain

router = APIRouter(prefix="/api/v1", tags=["publishing"], responses=ERRORS)


class PhotoIn(BaseModel):
    name: str = Field("photo.jpg", max_length=200)
    base64: str = Field(description="the photo's bytes, base64", max_length=41_000_000)
    alt: str | None = Field(None, description="its alt text", max_length=2000)


class PostIn(BaseModel):
    account: int = Field(description="the account (Facebook page or Instagram account) in the registry")
    text: str = Field(max_length=service.MAX_TEXT)
    link: str | None = Field(None, max_length=500, description="Facebook only")
    publish_at: dt.datetime | None = Field(None, description="with a time zone; null: once approved")
    photos: list[PhotoIn] = Field(default_factory=list, max_length=service.MAX_PHOTOS)


class SubmitIn(BaseModel):
    acknowledgements: dict[str, str] = Field(default_factory=dict, description="rule code → your words")
    override_request: str | None = Field(
        None, max_length=2000, description="why a block should be overridden"
    )


class DecisionIn(BaseModel):
    act: Literal["approve", "changes", "reject"]
    comment: str | None = Field(None, max_length=2000)
    override_reason: str | None = Field(None, max_length=2000)


def _photos(photos: list[PhotoIn]) -> tuple[service.NewPhoto, ...]:
    out = []
    for p in photos:
        try:
            data = base64.b64decode(p.base64, validate=True)
        except (binascii.Error, ValueError):
            raise InvalidValue(f"photo {p.name!r} is not valid base64") from None
        out.append(service.NewPhoto(p.name, data, p.alt))
    return tuple(out)


FIELDS = (
    "id",
    "account_id",
    "author_id",
    "status",
    "text",
    "link",
    "publish_at",
    "due_at",
    "verdict",
    "crisis",
    "platform_id",
    "published_at",
    "record_id",
    "error_kind",
    "attempts",
    "revision_of",
)


def row(session: Session, org: Organisation, pub: Publication, full: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {k: plain(getattr(pub, k)) for k in FIELDS}
    if full:
        result = service.run_check(session, org, pub)
        out["check"] = result.to_dict()
        out["acknowledgements"] = json.loads(pub.acknowledgements) if pub.acknowledgements else {}
        out["override_reason"] = pub.override_reason
        out["approval_chain"] = service.chain(session, pub)
        out["approvers"] = service.approvers(session, org, pub) if pub.status == "submitted" else []
        out["photos"] = [{"name": p.name, "alt": p.alt} for p in service.photos_of(session, pub)]
    return out


@router.post("/publications", summary="Write a post (a draft), checked", status_code=201)
async def create(body: PostIn, db: Annotated[OrgSession, api_area("publish")]) -> dict[str, Any]:
    def run() -> dict[str, Any]:
        draft = service.Draft(body.account, body.text, body.link, body.publish_at, _photos(body.photos))
        pub = service.save_draft(db.session, db.org, db.who.person_id, draft)
        return row(db.session, db.org, pub, full=True)

    return await run_in_threadpool(run)


@router.get("/publications", summary="The calendar: posts by their time", response_model=Page)
def calendar(
    request: Request,
    db: Annotated[OrgSession, api_area("publish")],
    limit: Limit = 50,
    offset: Offset = 0,
    account: Annotated[int | None, Query()] = None,
    status: Annotated[str | None, Query(description=", ".join(PUBLICATION_STATES))] = None,
) -> Page:
    if status is not None and status not in PUBLICATION_STATES:
        raise InvalidValue(f"unknown status {status!r}; choose one of: {', '.join(PUBLICATION_STATES)}")
    session, org = db.session, db.org
    rows = [
        row(session, org, p)
        for p in service.calendar(session, org, account)
        if status is None or p.status == status
    ]
    return slice_of(rows, limit, offset)


@router.get("/publications/{pub_id}", summary="A post, its check and its approval chain")
def one(pub_id: int, request: Request, db: Annotated[OrgSession, api_area("publish")]) -> dict[str, Any]:
    session, org = db.session, db.org
    return row(session, org, service.get_publication(session, org, pub_id), full=True)


@router.post("/publications/{pub_id}/submit", summary="Submit a post (designated authors only)")
def submit(
    pub_id: int, body: SubmitIn, request: Request, db: Annotated[OrgSession, api_area("publish")]
) -> dict[str, Any]:
    session, org = db.session, db.org
    pub = service.submit(session, org, pub_id, db.who.person_id, body.acknowledgements, body.override_request)
    return row(session, org, pub, full=True)


class RevisionIn(BaseModel):
    text: str = Field(max_length=service.MAX_TEXT)


@router.post(
    "/publications/{pub_id}/revisions", summary="Change a published post (a new draft)", status_code=201
)
def revise(
    pub_id: int, body: RevisionIn, request: Request, db: Annotated[OrgSession, api_area("publish")]
) -> dict[str, Any]:
    session, org = db.session, db.org
    return row(session, org, service.revise(session, org, pub_id, db.who.person_id, body.text), full=True)


@router.post("/publications/{pub_id}/decision", summary="Approve, ask for changes, or reject")
def decision(
    pub_id: int, body: DecisionIn, request: Request, db: Annotated[OrgSession, api_area("publish")]
) -> dict[str, Any]:
    session, org = db.session, db.org
    pub = service.decide(session, org, pub_id, db.who.person_id, body.act, body.comment, body.override_reason)
    return row(session, org, pub, full=True)
