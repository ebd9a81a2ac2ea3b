"""The pages: usable without JavaScript, every form with a CSRF token, every string translated."""

from __future__ import annotations

import base64
import mimetypes
import tempfile
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool

from rettesnor import labels
from rettesnor.governance import accounts, checking, publiclist, tenants
from rettesnor.i18n import LANGUAGES, translator
from rettesnor.item import Photo
from rettesnor.policy.evaluate import Finding, Result, Span
from rettesnor.records.db import session_factory, unit_of_work
from rettesnor.records.web_models import WebUser
from rettesnor.web import sessions
from rettesnor.web.auth import LoginRequired, Principal, engine_of, page_principal, signed_in
from rettesnor.web.deps import OrgSession, page_area, page_may
from rettesnor.web.inputs import parse_id
from rettesnor.web.problems import ProblemError
from rettesnor.web.render import language, page
from rettesnor.web.security import csrf_ok, safe_next
from rettesnor.web.views import POST_KINDS, normalise_text, pack_for, run_check, work

router = APIRouter(include_in_schema=False)
Csrf = Annotated[str, Form(alias="csrf")]
PAGE_SIZE = 25
MAX_FORM_TEXT = 100_000


def known_decision(action: str) -> str:
    if action not in labels.DECISIONS:
        raise ProblemError(422, f"unknown decision {action!r}; choose one of: {', '.join(labels.DECISIONS)}")
    return action


@router.get("/")
def home(request: Request) -> RedirectResponse:
    """The dashboard for those who may see it, else the check; the login page when not signed in."""
    try:
        who = page_principal(request)
    except LoginRequired:
        return RedirectResponse("/login", status_code=303)
    return RedirectResponse("/dashboard" if who.may("dashboard") else "/check", status_code=303)


@router.get("/favicon.ico")
def favicon() -> FileResponse:
    """Browsers ask for /favicon.ico whatever the page says: the icon, not a 404 in every log."""
    path = Path(str(resources.files("rettesnor.web") / "static" / "favicon.svg"))
    return FileResponse(path, media_type="image/svg+xml", headers={"Cache-Control": "public, max-age=86400"})


@router.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.post("/language")
def set_language(
    request: Request,
    csrf: Csrf,
    lang: Annotated[str, Form()],
    next: Annotated[str, Form(max_length=500)] = "/check",
) -> RedirectResponse:
    csrf_ok(request, csrf)
    if lang not in LANGUAGES:
        raise ProblemError(422, f"unknown language {lang!r}; choose one of: {', '.join(LANGUAGES)}")
    who = signed_in(request)  # an ended session is forgotten here, not carried into the new cookie
    request.session["lang"] = lang
    if who is not None and who.user_id is not None:
        with unit_of_work(engine_of(request), actor=who.actor) as session:
            user = session.get(WebUser, who.user_id)
            if user is not None:
                user.language = lang
    return RedirectResponse(safe_next(next), status_code=303)


# --- Check before you post -------------------------------------------------------------------------


def _segments(text: str, result: Result) -> list[tuple[str, int | None]]:
    """The text cut into plain parts and highlighted spans (finding number), overlaps skipped."""
    spans = sorted((s.start, s.end, i) for i, f in enumerate(result.findings, 1) for s in f.spans)
    out: list[tuple[str, int | None]] = []
    pos = 0
    for start, end, number in spans:
        if start < pos or end > len(text) or start >= end:
            continue
        if start > pos:
            out.append((text[pos:start], None))
        out.append((text[start:end], number))
        pos = end
    if pos < len(text):
        out.append((text[pos:], None))
    return out


# Categories whose finding is fixed by taking the flagged words out. For the others (a missing
# disclaimer, readability, an opinion, a complaint …) removing the words is not the fix: the remedy says it.
REMOVABLE = frozenset(
    {
        "national_id",
        "phone",
        "email",
        "bank_account",
        "address",
        "case_number",
        "person_name",
        "special_category",
        "child",
        "confidential",
        "profanity",
        "insult",
        "hate",
        "threat",
        "sexual",
        "violence",
        "commercial",
        "work_email_private",
    }
)
MAX_PHOTOS = 5


@dataclass(frozen=True, slots=True)
class CheckForm:
    """What the check page was given: the text and where it is for, and the photos (saved under a
    temporary folder for the length of the request)."""

    text: str = ""
    kind: str = "official_post"
    account: int | None = None
    unit: int | None = None
    channel: str = ""
    photos: tuple[Photo, ...] = ()


def _check_page(
    request: Request,
    who: Principal,
    form: CheckForm,
    status: int = 200,
    *,
    asked: bool = False,
    redacted: int = 0,
) -> HTMLResponse:
    """The check page; ``asked``: the form was sent (a blank text then gets a message)."""
    lang = language(request, who)
    _ = translator(lang)
    error, result, stripped = "", None, []
    with work(request, who) as (session, org):
        live = [a for a in accounts.list_accounts(session, org) if a.status in ("approved", "active")]
        units = tenants.list_units(session, org)
        if form.text.strip() or form.photos:
            pack = pack_for(session, org, form.account, form.unit, None)
            try:
                result = run_check(
                    form.text, form.kind, pack, lang, form.channel.strip() or None, form.photos
                )
                stripped = [_stripped(p, result) for p in form.photos]
            except checking.PhotoError as exc:
                error, status = _(labels.PHOTO_ERRORS[exc.code]).format(name=exc.name), 422
        elif asked:
            error = _("There is nothing to check: write or paste a text, or add a photo.")
    report = result.to_dict(lang) if result else None
    placeholders = form.text.count(_placeholder(lang)) if result else 0
    if report is not None and placeholders and report["verdict"] == "publish":
        report["verdict"] = "revise"  # the placeholders themselves must be rewritten before publishing
    return page(
        request,
        "check.html",
        who,
        status=status,
        text=form.text,
        kind=form.kind,
        account=form.account,
        unit=form.unit,
        channel=form.channel,
        accounts=live,
        units=units,
        kinds=[(k, labels.KINDS[k]) for k in POST_KINDS],
        result=result,
        report=report,
        error=error,
        segments=_segments(form.text, result) if result else [],
        verdicts=labels.VERDICTS,
        severities=labels.SEVERITIES,
        categories=labels.CATEGORIES,
        removable=[_removable(f) for f in result.findings] if result else [],
        placeholders=placeholders,
        redacted=redacted,
        placeholder=_placeholder(lang),
        stripped=[s for s in stripped if s],
        max_photos=MAX_PHOTOS,
    )


def _removable(finding: Finding) -> list[Span]:
    """The places of a finding that taking out fixes: those of a removable category. A finding can hold
    places of several (policy.evaluate.Finding): NB014's case number goes, the question around it stays."""
    return [s for s in finding.spans if s.category in REMOVABLE]


def _placeholder(lang: str) -> str:
    _ = translator(lang)
    return "[" + _("removed") + "]"


def _stripped(photo: Photo, result: Result) -> dict[str, str] | None:
    """A copy without metadata, as a data URL to download, for a photo the check found metadata in."""
    if not any(e.get("image") == photo.label for f in result.findings for e in f.evidence if "gps" in e):
        return None
    with tempfile.TemporaryDirectory(prefix="rettesnor-strip-") as folder:
        copy = checking.stripped_copy(photo, folder)
        data = copy.read_bytes()
        name = copy.name
    media = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return {"name": name, "href": f"data:{media};base64,{base64.b64encode(data).decode('ascii')}"}


@router.get("/check")
def check_form(request: Request, who: Annotated[Principal, page_may("check")]) -> HTMLResponse:
    return _check_page(request, who, CheckForm())


def _form_account(value: str) -> int | None:
    if not value:
        return None
    return parse_id(value, "account")


@router.post("/check")
async def check_post(
    request: Request,
    who: Annotated[Principal, page_may("check")],
    csrf: Csrf,
    text: Annotated[str, Form(max_length=MAX_FORM_TEXT)] = "",
    kind: Annotated[str, Form()] = "official_post",
    account: Annotated[str, Form()] = "",
    unit: Annotated[str, Form()] = "",
    channel: Annotated[str, Form(max_length=40)] = "",
    photo: Annotated[list[UploadFile] | None, File()] = None,
    alt: Annotated[list[str] | None, Form(max_length=2000)] = None,
) -> HTMLResponse:
    csrf_ok(request, csrf)
    uploads = [u for u in photo or [] if u.filename]
    if len(uploads) > MAX_PHOTOS:
        raise ProblemError(422, f"at most {MAX_PHOTOS} photos at a time")
    alts = list(alt or [])
    with tempfile.TemporaryDirectory(prefix="rettesnor-photos-") as folder:
        photos = []
        for i, upload in enumerate(uploads):
            path = Path(folder) / str(i)
            path.write_bytes(await upload.read(checking.MAX_PHOTO_BYTES + 1))
            name = Path(upload.filename or f"photo-{i + 1}").name[:200]
            photos.append(Photo(str(path), (alts[i] if i < len(alts) else "") or None, name))
        form = CheckForm(
            normalise_text(text), kind, _form_account(account), _form_account(unit), channel, tuple(photos)
        )
        return await run_in_threadpool(_check_page, request, who, form, asked=True)


@router.post("/check/redact")
def check_redact(
    request: Request,
    db: Annotated[OrgSession, page_area("check")],
    csrf: Csrf,
    text: Annotated[str, Form(max_length=MAX_FORM_TEXT)],
    finding: Annotated[int, Form(ge=1)],
    kind: Annotated[str, Form()] = "official_post",
    account: Annotated[str, Form()] = "",
    unit: Annotated[str, Form()] = "",
    channel: Annotated[str, Form(max_length=40)] = "",
) -> HTMLResponse:
    """Replace the spans of one finding by a placeholder and check the text again."""
    csrf_ok(request, csrf)
    form = CheckForm(normalise_text(text), kind, _form_account(account), _form_account(unit), channel)
    lang = language(request, db.who)
    session, org = db.session, db.org
    pack = pack_for(session, org, form.account, form.unit, None)
    result = run_check(form.text, kind, pack, lang, channel.strip() or None)
    cut = _removable(result.findings[finding - 1]) if finding <= len(result.findings) else []
    if not cut:
        raise ProblemError(422, f"there is no finding {finding} in this text that can be removed")
    spans = sorted(cut, key=lambda s: s.start, reverse=True)
    redacted = form.text
    for span in spans:
        redacted = redacted[: span.start] + _placeholder(lang) + redacted[span.end :]
    return _check_page(request, db.who, replace(form, text=redacted), redacted=len(spans))


# The moderation queue and its decisions: pages_moderation.py.


# --- Accounts, guideline (the tasks: pages_tasks) ---------------------------------------------------


@router.get("/public/{org_slug}/accounts")
def public_accounts(org_slug: str, request: Request) -> HTMLResponse:
    """The public list of accounts (Hjørring 2, Hustadvika 2i): no login needed, so rate-limited."""
    limit = request.app.state.public_limit
    client = request.client.host if request.client else "unknown"
    wait = limit.retry_after(client)
    if wait:
        raise ProblemError(429, "too many requests; wait a minute and try again", {"Retry-After": str(wait)})
    limit.hit(client)
    with session_factory(engine_of(request))() as session:
        org = tenants.get_organisation(session, org_slug)
        rows = publiclist.public_list(session, org)
    signed_in = None
    if sessions.KEY in request.session:  # signed in: their language; no menu: it is public
        try:
            signed_in = page_principal(request)
        except LoginRequired:
            signed_in = None
    return page(request, "public_accounts.html", None, org=org, rows=rows, lang=language(request, signed_in))
