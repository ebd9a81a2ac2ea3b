"""The publishing pages (issue 18): compose a post, see its check and its approval chain, submit it,
decide on it, and the calendar of an organisation's posts; and the signed photo URLs Meta fetches."""

from __future__ import annotations

import base64
import datetime as dt
import json
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from rettesnor import labels
from rettesnor.governance import accounts, checking
from rettesnor.governance.errors import GovernanceError, NotFound
from rettesnor.i18n import translator
from rettesnor.item import Item
from rettesnor.platforms.meta_client import GraphError
from rettesnor.publishing import media, service
from rettesnor.records.db import session_factory
from rettesnor.records.models import Organisation, Person
from rettesnor.records.publish_models import Publication, PublicationPhoto
from rettesnor.web import labels_publish
from rettesnor.web.auth import Principal, engine_of
from rettesnor.web.deps import OrgSession, page_area, page_may
from rettesnor.web.pages import _segments
from rettesnor.web.problems import ProblemError
from rettesnor.web.render import language, page
from rettesnor.web.security import csrf_ok
from rettesnor.web.views import work

router = APIRouter(include_in_schema=False)
Csrf = Annotated[str, Form(alias="csrf")]
ZONES = {"DK": "Europe/Copenhagen", "NO": "Europe/Oslo", "SE": "Europe/Stockholm"}


def zone_of(org: Organisation) -> ZoneInfo:
    return ZoneInfo(ZONES.get(org.country, "UTC"))


def parse_time(value: str, org: Organisation) -> dt.datetime | None:
    """A time from a ``datetime-local`` field, in the organisation's time zone; blank: now."""
    value = value.strip()
    if not value:
        return None
    try:
        local = dt.datetime.fromisoformat(value)
    except ValueError:
        raise GovernanceError("the time is not a valid date and time", code="bad_time") from None
    if local.tzinfo is None:
        local = local.replace(tzinfo=zone_of(org))
    return local.astimezone(dt.UTC)


async def _photos(uploads: list[UploadFile] | None, alts: list[str] | None) -> tuple[service.NewPhoto, ...]:
    files = [u for u in uploads or [] if u.filename]
    if len(files) > service.MAX_PHOTOS:
        raise GovernanceError(
            f"at most {service.MAX_PHOTOS} photos", code="too_many_photos", max=service.MAX_PHOTOS
        )
    texts = list(alts or [])
    out = []
    for i, upload in enumerate(files):
        data = await upload.read(checking.MAX_PHOTO_BYTES + 1)
        name = Path(upload.filename or f"photo-{i + 1}").name[:200]
        out.append(service.NewPhoto(name, data, (texts[i] if i < len(texts) else "") or None))
    return tuple(out)


def _say(exc: Exception, lang: str) -> str:
    _ = translator(lang)
    if isinstance(exc, checking.PhotoError):
        return _(labels.PHOTO_ERRORS[exc.code]).format(name=exc.name)
    return labels.say(exc, _)


# --- compose -----------------------------------------------------------------------------------------


def _compose(
    request: Request, who: Principal, status: int = 200, error: str = "", **form: Any
) -> HTMLResponse:
    with work(request, who) as (session, org):
        live = [
            a
            for a in accounts.list_accounts(session, org)
            if a.status in service.LIVE_ACCOUNT and a.platform in ("facebook", "instagram")
        ]
        mine = session.scalars(
            select(Publication)
            .where(Publication.organisation_id == org.id, Publication.author_id == who.person_id)
            .order_by(Publication.id.desc())
            .limit(20)
        ).all()
        waiting = [
            p
            for p in session.scalars(
                select(Publication).where(
                    Publication.organisation_id == org.id, Publication.status == "submitted"
                )
            )
            if who.person_id in service.approvers(session, org, p)
        ]
        names = {a.id: a.name for a in accounts.list_accounts(session, org)}
    return page(
        request,
        "publish.html",
        who,
        status=status,
        error=error,
        accounts=live,
        mine=mine,
        waiting=waiting,
        names=names,
        states=labels_publish.STATES,
        form=form,
        max_photos=service.MAX_PHOTOS,
    )


@router.get("/publish")
def compose_page(request: Request, who: Annotated[Principal, page_may("publish")]) -> HTMLResponse:
    return _compose(request, who)


@router.post("/publish")
async def compose_post(
    request: Request,
    who: Annotated[Principal, page_may("publish")],
    csrf: Csrf,
    text: Annotated[str, Form(max_length=service.MAX_TEXT + 100)] = "",
    account: Annotated[str, Form()] = "",
    link: Annotated[str, Form(max_length=500)] = "",
    publish_at: Annotated[str, Form(max_length=40)] = "",
    photo: Annotated[list[UploadFile] | None, File()] = None,
    alt: Annotated[list[str] | None, Form(max_length=2000)] = None,
) -> Response:
    csrf_ok(request, csrf)
    lang = language(request, who)
    form = {"text": text, "account": account, "link": link, "publish_at": publish_at}
    try:
        photos = await _photos(photo, alt)
        if not account.isdigit():
            raise GovernanceError("choose the account", code="account_needed")
        pub_id = await run_in_threadpool(
            _save, request, who, int(account), text, link, publish_at, photos, None
        )
    except NotFound:
        raise  # another organisation's account: 404, as everywhere
    except (GovernanceError, checking.PhotoError) as exc:
        return _compose(request, who, 422, _say(exc, lang), **form)
    return RedirectResponse(f"/publish/{pub_id}", status_code=303)


def _save(
    request: Request,
    who: Principal,
    account: int,
    text: str,
    link: str,
    publish_at: str,
    photos: tuple[service.NewPhoto, ...],
    pub_id: int | None,
) -> int:
    with work(request, who) as (session, org):
        when = parse_time(publish_at, org)
        draft = service.Draft(account, text.replace("\r\n", "\n"), link.strip() or None, when, photos)
        return service.save_draft(session, org, who.person_id, draft, pub_id).id


# --- one post ------------------------------------------------------------------------------------------


def _failure(pub: Publication, lang: str) -> str | None:
    if pub.error_kind is None:
        return None
    _ = translator(lang)
    if pub.error_kind in labels_publish.FAILURES:
        return _(labels_publish.FAILURES[pub.error_kind])
    detail = json.loads(pub.error) if pub.error else {}
    code = detail.get("code") if isinstance(detail.get("code"), int) else None
    return GraphError(pub.error_kind, code, None, str(detail.get("detail") or "")).message(lang)


def _post_view(
    session: Session, org: Organisation, who: Principal, pub: Publication, lang: str
) -> dict[str, Any]:
    result = service.run_check(session, org, pub, lang)
    report = result.to_dict(lang)
    names = {p.id: p.name for p in session.scalars(select(Person).where(Person.organisation_id == org.id))}
    account = accounts.get_account(session, org, pub.account_id)
    zone = zone_of(org)
    photos = [
        {
            "name": p.name,
            "alt": p.alt,
            "src": f"data:{p.media_type};base64,{base64.b64encode(p.data).decode('ascii')}",
        }
        for p in service.photos_of(session, pub)
    ]
    editable = pub.status in service.EDITABLE and pub.author_id == who.person_id
    return {
        "pub": pub,
        "report": report,
        "account": account,
        "author": names.get(pub.author_id, ""),
        "steps": [
            (s, names.get(s.person_id, "") if s.person_id else "") for s in service.steps_of(session, pub)
        ],
        "photos": photos,
        "editable": editable,
        "designated": accounts.is_designated(session, org, pub.account_id, who.person_id),
        "may_decide": service.may_decide(session, org, pub, who.person_id),
        "warn_codes": service.codes(result, "warn"),
        "block_codes": service.codes(result, "block"),
        "acks": json.loads(pub.acknowledgements) if pub.acknowledgements else {},
        "local": lambda t: t.astimezone(zone).strftime("%Y-%m-%d %H:%M") if t else "",
        "publish_at_local": pub.publish_at.astimezone(zone).strftime("%Y-%m-%dT%H:%M")
        if pub.publish_at
        else "",
        "failure": _failure(pub, lang),
        "revisable": pub.status == "published"
        and pub.revision_of is None
        and account.platform == "facebook"
        and accounts.is_designated(session, org, pub.account_id, who.person_id),
        "segments": _segments(pub.text, result),  # the text with the findings marked, as on the check page
    }


def _post_page(
    request: Request, who: Principal, pub_id: int, status: int = 200, error: str = ""
) -> HTMLResponse:
    lang = language(request, who)
    with work(request, who) as (session, org):
        pub = service.get_publication(session, org, pub_id)
        view = _post_view(session, org, who, pub, lang)
    return page(
        request,
        "publish_post.html",
        who,
        status=status,
        error=error,
        states=labels_publish.STATES,
        acts=labels_publish.ACTS,
        decisions=labels_publish.DECISIONS,
        severities=labels.SEVERITIES,
        **view,
    )


@router.post("/publish/live")
def live_check(
    request: Request,
    db: Annotated[OrgSession, page_area("publish")],
    csrf: Csrf,
    text: Annotated[str, Form(max_length=service.MAX_TEXT + 100)] = "",
    account: Annotated[str, Form(max_length=20)] = "",
) -> dict[str, Any]:
    """The check of the text as it is being written (the compose page calls it while the person types):
    the findings in the user's language. Photos are checked when the post is saved."""
    csrf_ok(request, csrf)
    lang = language(request, db.who)
    _ = translator(lang)
    if not text.strip():
        return {"verdict": "", "findings": []}
    session, org = db.session, db.org
    pack = checking.pack_for(session, org, int(account) if account.isdigit() else None)
    result = checking.check(Item(text=text.replace("\r\n", "\n"), kind="official_post"), pack, lang)
    report = result.to_dict(lang)
    return {
        "verdict": _(labels.VERDICTS.get(report["verdict"], report["verdict"])),
        "findings": [
            {
                "code": f["code"],
                "severity": f["severity"],
                "severity_text": _(labels.SEVERITIES.get(f["severity"], f["severity"])),
                "message": f["message"],
                "remedy": f["remedy"],
            }
            for f in report["findings"]
        ],
    }


@router.get("/publish/calendar")
def calendar_page(
    request: Request,
    db: Annotated[OrgSession, page_area("publish")],
    account: Annotated[int | None, Query()] = None,
    week: Annotated[str | None, Query(max_length=10, pattern=r"^\d{4}-\d{2}-\d{2}$")] = None,
) -> HTMLResponse:
    session, org = db.session, db.org
    zone = zone_of(org)
    today = dt.datetime.now(zone).date()
    start_day = dt.date.fromisoformat(week) if week else today
    monday = start_day - dt.timedelta(days=start_day.weekday())
    start = dt.datetime.combine(monday, dt.time(), zone).astimezone(dt.UTC)
    rows = service.calendar(session, org, account)
    all_accounts = accounts.list_accounts(session, org)
    names = {a.id: a.name for a in all_accounts}
    days: list[tuple[dt.date, list[Publication]]] = [(monday + dt.timedelta(days=i), []) for i in range(7)]
    for p in rows:
        local = service.when(p).astimezone(zone).date()
        if monday <= local < monday + dt.timedelta(days=7):
            days[(local - monday).days][1].append(p)
    groups = {s: [p for p in rows if p.status == s] for s in labels_publish.STATES}
    return page(
        request,
        "publish_calendar.html",
        db.who,
        groups=groups,
        days=days,
        names=names,
        accounts=all_accounts,
        account=account,
        states=labels_publish.STATES,
        monday=monday,
        start=start,
        previous=(monday - dt.timedelta(days=7)).isoformat(),
        following=(monday + dt.timedelta(days=7)).isoformat(),
        local=lambda t: t.astimezone(zone).strftime("%Y-%m-%d %H:%M") if t else "",
        when=service.when,
    )


@router.get("/publish/{pub_id}")
def post_page(request: Request, who: Annotated[Principal, page_may("publish")], pub_id: int) -> HTMLResponse:
    return _post_page(request, who, pub_id)


@router.post("/publish/{pub_id}/edit")
async def edit_post(
    request: Request,
    who: Annotated[Principal, page_may("publish")],
    csrf: Csrf,
    pub_id: int,
    text: Annotated[str, Form(max_length=service.MAX_TEXT + 100)] = "",
    account: Annotated[int, Form()] = 0,
    link: Annotated[str, Form(max_length=500)] = "",
    publish_at: Annotated[str, Form(max_length=40)] = "",
    photo: Annotated[list[UploadFile] | None, File()] = None,
    alt: Annotated[list[str] | None, Form(max_length=2000)] = None,
) -> Response:
    csrf_ok(request, csrf)
    try:
        photos = await _photos(photo, alt)
        await run_in_threadpool(_save, request, who, account, text, link, publish_at, photos, pub_id)
    except NotFound:
        raise
    except (GovernanceError, checking.PhotoError) as exc:
        return await run_in_threadpool(
            _post_page, request, who, pub_id, 422, _say(exc, language(request, who))
        )
    return RedirectResponse(f"/publish/{pub_id}", status_code=303)


@router.post("/publish/{pub_id}/submit")
async def submit_post(
    request: Request, who: Annotated[Principal, page_may("publish")], pub_id: int
) -> Response:
    form = await request.form()
    csrf_ok(request, str(form.get("csrf", "")))
    acks = {k[4:]: str(v)[:2000] for k, v in form.items() if k.startswith("ack-")}
    override = str(form.get("override_request", ""))[:2000] or None

    def run() -> None:
        with work(request, who) as (session, org):
            service.submit(session, org, pub_id, who.person_id, acks, override)

    try:
        await run_in_threadpool(run)
    except NotFound:
        raise
    except GovernanceError as exc:
        return await run_in_threadpool(
            _post_page, request, who, pub_id, 422, _say(exc, language(request, who))
        )
    return RedirectResponse(f"/publish/{pub_id}", status_code=303)


@router.post("/publish/{pub_id}/revise")
def revise_post(
    request: Request,
    who: Annotated[Principal, page_may("publish")],
    csrf: Csrf,
    pub_id: int,
    text: Annotated[str, Form(max_length=service.MAX_TEXT + 100)] = "",
) -> Response:
    """A change of a published post: a new draft that goes through the same gates."""
    csrf_ok(request, csrf)
    try:
        with work(request, who) as (session, org):
            revision = service.revise(session, org, pub_id, who.person_id, text.replace("\r\n", "\n")).id
    except NotFound:
        raise
    except GovernanceError as exc:
        return _post_page(request, who, pub_id, 422, _say(exc, language(request, who)))
    return RedirectResponse(f"/publish/{revision}", status_code=303)


@router.post("/publish/{pub_id}/decide")
def decide_post(
    request: Request,
    who: Annotated[Principal, page_may("publish")],
    csrf: Csrf,
    pub_id: int,
    act: Annotated[str, Form(max_length=20)],
    comment: Annotated[str, Form(max_length=2000)] = "",
    override_reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    csrf_ok(request, csrf)
    try:
        with work(request, who) as (session, org):
            service.decide(session, org, pub_id, who.person_id, act, comment, override_reason or None)
    except NotFound:
        raise
    except GovernanceError as exc:
        return _post_page(request, who, pub_id, 422, _say(exc, language(request, who)))
    return RedirectResponse(f"/publish/{pub_id}", status_code=303)


# --- the photos Meta fetches ------------------------------------------------------------------------


@router.get("/media/publish/{photo_id}")
def signed_photo(
    request: Request, photo_id: int, exp: Annotated[int, Query()], sig: Annotated[str, Query(max_length=64)]
) -> Response:
    """A photo of a post, for Meta to fetch: no login, a signature and an expiry instead."""
    secret = request.app.state.settings.resolved_secret()
    if not media.valid(secret, photo_id, exp, sig):
        raise ProblemError(403, "the link has expired or is not valid")
    with session_factory(engine_of(request))() as session:
        photo = session.get(PublicationPhoto, photo_id)
        if photo is None:
            raise ProblemError(404, "no such photo")
        return Response(
            photo.data, media_type=photo.media_type, headers={"Cache-Control": "private, max-age=60"}
        )


def publication_of_record(session: Session, org: Organisation, record_id: int) -> dict[str, Any] | None:
    """The post an archive record was published from, with its acknowledgements and approval chain."""
    pub = session.scalars(
        select(Publication).where(Publication.organisation_id == org.id, Publication.record_id == record_id)
    ).first()
    if pub is None:
        return None
    acks = json.loads(pub.acknowledgements) if pub.acknowledgements else {}
    return {"pub": pub, "acks": acks, "chain": service.chain(session, pub)}
