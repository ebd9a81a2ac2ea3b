"""The pages: usable without JavaScript, every form with a CSRF token, every string translated."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from rettesnor.governance import accounts, people, publiclist, registry, tenants
from rettesnor.moderation import queue as moderation
from rettesnor.platforms.connector import connected_platform
from rettesnor.platforms.webhooks import platform_settings
from rettesnor.policy.coverage import coverage
from rettesnor.policy.evaluate import Result
from rettesnor.policy.loader import load_pack
from rettesnor.records.db import session_factory, unit_of_work
from rettesnor.records.web_models import WebUser
from rettesnor.web import labels, queries
from rettesnor.web.auth import LoginRequired, Principal, engine_of, page_principal, require
from rettesnor.web.i18n import LANGUAGES, translator
from rettesnor.web.inputs import IdPath, parse_id
from rettesnor.web.problems import ProblemError
from rettesnor.web.render import flash, language, page
from rettesnor.web.security import same_token
from rettesnor.web.views import POST_KINDS, normalise_text, pack_for, run_check, work

router = APIRouter(include_in_schema=False)
User = Annotated[Principal, Depends(page_principal)]
Csrf = Annotated[str, Form(alias="csrf")]
PAGE_SIZE = 25
MAX_FORM_TEXT = 100_000


def _csrf(request: Request, token: str) -> None:
    if not same_token(token, request.session.get("csrf")):
        raise ProblemError(403, "the form has expired or did not come from this site; reload and try again")


def known_decision(action: str) -> str:
    if action not in labels.DECISIONS:
        raise ProblemError(422, f"unknown decision {action!r}; choose one of: {', '.join(labels.DECISIONS)}")
    return action


def _safe_next(target: str | None) -> str:
    """Only a path on this site (no scheme, no //host): no open redirect after login."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/check"
    return target


@router.get("/")
def home(request: Request) -> RedirectResponse:
    """The dashboard for those who may see it, else the check; the login page when not signed in."""
    try:
        who = page_principal(request)
    except LoginRequired:
        return RedirectResponse("/login", status_code=303)
    return RedirectResponse("/dashboard" if who.may("dashboard") else "/check", status_code=303)


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
    _csrf(request, csrf)
    if lang not in LANGUAGES:
        raise ProblemError(422, f"unknown language {lang!r}; choose one of: {', '.join(LANGUAGES)}")
    request.session["lang"] = lang
    uid = request.session.get("uid")
    if isinstance(uid, int):
        with unit_of_work(engine_of(request), actor="web") as session:
            user = session.get(WebUser, uid)
            if user is not None:
                user.language = lang
    return RedirectResponse(_safe_next(next), status_code=303)


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


def _check_page(
    request: Request, who: Principal, text: str = "", kind: str = "official_post",
    account: int | None = None, status: int = 200,
) -> HTMLResponse:  # fmt: skip
    lang = language(request, who)
    with work(request, who) as (session, org):
        live = [a for a in accounts.list_accounts(session, org) if a.status in ("approved", "active")]
        result = None
        if text.strip():
            pack_name = pack_for(session, org, account, None)
            result = run_check(text, kind, pack_name, lang)
    return page(
        request, "check.html", who, status=status, text=text, kind=kind, account=account, accounts=live,
        kinds=[(k, labels.KINDS[k]) for k in POST_KINDS], result=result,
        report=result.to_dict(lang) if result else None,
        segments=_segments(text, result) if result else [], verdicts=labels.VERDICTS,
        severities=labels.SEVERITIES,
    )  # fmt: skip


@router.get("/check")
def check_form(request: Request, who: User) -> HTMLResponse:
    require(who, "check")
    return _check_page(request, who)


def _form_account(value: str) -> int | None:
    if not value:
        return None
    return parse_id(value, "account")


@router.post("/check")
def check_post(
    request: Request, who: User, csrf: Csrf,
    text: Annotated[str, Form(max_length=MAX_FORM_TEXT)],
    kind: Annotated[str, Form()] = "official_post", account: Annotated[str, Form()] = "",
) -> HTMLResponse:  # fmt: skip
    require(who, "check")
    _csrf(request, csrf)
    return _check_page(request, who, normalise_text(text), kind, _form_account(account))


@router.post("/check/redact")
def check_redact(
    request: Request, who: User, csrf: Csrf,
    text: Annotated[str, Form(max_length=MAX_FORM_TEXT)], finding: Annotated[int, Form(ge=1)],
    kind: Annotated[str, Form()] = "official_post", account: Annotated[str, Form()] = "",
) -> HTMLResponse:  # fmt: skip
    """Replace the spans of one finding by a placeholder and check the text again."""
    require(who, "check")
    _csrf(request, csrf)
    text = normalise_text(text)
    account_id = _form_account(account)
    with work(request, who) as (session, org):
        pack_name = pack_for(session, org, account_id, None)
    result = run_check(text, kind, pack_name, None)
    if finding > len(result.findings):
        raise ProblemError(422, f"there is no finding {finding} in this text")
    _ = translator(language(request, who))
    placeholder = "[" + _("removed") + "]"
    for span in sorted(result.findings[finding - 1].spans, key=lambda s: s.start, reverse=True):
        text = text[: span.start] + placeholder + text[span.end :]
    return _check_page(request, who, text, kind, account_id)


# --- Moderation ------------------------------------------------------------------------------------


@router.get("/moderation")
def moderation_page(
    request: Request, who: User,
    status: Annotated[str, Query(pattern="^(open|escalated|decided|all)$")] = "open",
    account: Annotated[str, Query(max_length=20)] = "", category: Annotated[str, Query(max_length=40)] = "",
    page_no: Annotated[int, Query(alias="page", ge=1, le=100_000)] = 1,
    action: Annotated[str, Query(pattern="^(|keep|review|hide|delete)$")] = "",
) -> HTMLResponse:  # fmt: skip
    require(who, "moderation")
    account_id = _form_account(account)
    with work(request, who) as (session, org):
        if account_id is not None:
            accounts.get_account(session, org, account_id)  # 404 for an account of another organisation
        rows, total = queries.queue(
            session, org, status=status, account_id=account_id, category=category or None,
            limit=PAGE_SIZE, offset=(page_no - 1) * PAGE_SIZE, recommended=action or None,
        )  # fmt: skip
        all_accounts = accounts.list_accounts(session, org)
    names = {a.id: a.name for a in all_accounts}
    filters = {"status": status, "account": account, "category": category, "action": action}
    base = {k: v for k, v in filters.items() if v}
    pages = {
        "prev": f"?{urlencode({**base, 'page': page_no - 1})}" if page_no > 1 else None,
        "next": f"?{urlencode({**base, 'page': page_no + 1})}" if page_no * PAGE_SIZE < total else None,
    }
    return page(
        request, "moderation.html", who, rows=rows, total=total, filters=filters, accounts=all_accounts,
        account_names=names, statuses=labels.STATUSES, decisions=labels.DECISIONS, verdicts=labels.VERDICTS,
        pages=pages, page_no=page_no, may_decide=who.may("moderation:write"),
    )  # fmt: skip


@router.post("/moderation/{record_id}/decide")
def moderation_decide(
    record_id: IdPath, request: Request, who: User, csrf: Csrf,
    action: Annotated[str, Form()], reason: Annotated[str, Form(max_length=2000)] = "",
    ground: Annotated[str, Form(max_length=30)] = "", back: Annotated[str, Form(max_length=500)] = "",
) -> RedirectResponse:  # fmt: skip
    require(who, "moderation:write")
    _csrf(request, csrf)
    known_decision(action)
    _ = translator(language(request, who))
    with (
        work(request, who) as (session, org),
        connected_platform(session, org, record_id, platform_settings(request)) as platform,
    ):  # the page's connector, or None: the decision is then carried out by hand
        outcome = moderation.decide(
            session, org, record_id, action, by=who.person_id, platform=platform,
            reason=reason or _("Decided in the moderation queue"), ground=ground or None,
        )  # fmt: skip
    flash(request, _("Decision recorded: {action} (comment {record}).").format(
        action=_(labels.DECISIONS[action]), record=record_id))  # fmt: skip
    if outcome.decision.platform_result == "failed":  # recorded, but the platform refused to carry it out
        flash(request, _("Not decided: {why}").format(why=outcome.message), "error")
    target = _safe_next(back) if back.startswith("/moderation") else "/moderation"
    return RedirectResponse(target, status_code=303)


# --- Tasks, accounts, guideline ------------------------------------------------------------------


@router.get("/tasks")
def tasks_page(request: Request, who: User) -> HTMLResponse:
    require(who, "tasks")
    with work(request, who) as (session, org):
        rows = queries.all_tasks(session, org)
    return page(request, "tasks.html", who, rows=rows, task_kinds=labels.TASK_KINDS)


@router.get("/accounts")
def accounts_page(request: Request, who: User) -> HTMLResponse:
    require(who, "accounts")
    with work(request, who) as (session, org):
        rows = accounts.list_accounts(session, org)
        units = {u.id: u.name for u in tenants.list_units(session, org)}
        problems = registry.check_registry(session, org)
        public = publiclist.public_list(session, org)
        # Only a leader of the account's own unit may approve it: others see who is waiting, no button.
        approvable = {
            a.id for a in rows
            if a.status == "applied" and who.may("accounts:approve")
            and people.is_unit_leader(session, org, who.person_id, a.unit_id)
        }  # fmt: skip
    return page(
        request, "accounts.html", who, rows=rows, units=units, problems=problems, public=public,
        statuses=labels.STATUSES, severities=labels.PROBLEM_SEVERITIES, approvable=approvable,
    )  # fmt: skip


@router.get("/guideline")
def guideline_page(request: Request, who: User) -> HTMLResponse:
    require(who, "guideline")
    with work(request, who) as (_session, org):
        pack = load_pack(org.pack)
    lang = language(request, who)
    rules: list[dict[str, Any]] = [
        {"code": r.code, "title": pack.text(r.title, lang), "message": pack.text(r.message, lang),
         "remedy": pack.text(r.remedy, lang), "severity": r.severity, "clauses": r.clauses,
         "kinds": r.applies_to} for r in pack.rules
    ]  # fmt: skip
    return page(
        request, "guideline.html", who, pack=pack, title=pack.text(pack.title, lang), rules=rules,
        coverage=coverage(pack), severities=labels.SEVERITIES, statuses=labels.COVERAGE, kinds=labels.KINDS,
    )  # fmt: skip


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
    return page(request, "public_accounts.html", None, org=org, rows=rows)
