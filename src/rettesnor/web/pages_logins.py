"""One's own login: its sessions (sign out everywhere), its password, its API tokens; and, for an
administrator, the organisation's logins (reset a password, disable, enable, end the sessions)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from rettesnor.governance import tenants
from rettesnor.governance.common import get_in_org
from rettesnor.i18n import translator
from rettesnor.records.db import session_factory, unit_of_work
from rettesnor.records.models import Person
from rettesnor.records.web_models import WebUser
from rettesnor.web import logins, sessions, tokens
from rettesnor.web.auth import Principal, any_principal, engine_of, lifetime, page_principal, require
from rettesnor.web.deps import page_may
from rettesnor.web.inputs import IdPath
from rettesnor.web.problems import ProblemError
from rettesnor.web.render import flash, language, page
from rettesnor.web.security import csrf_ok

router = APIRouter(include_in_schema=False)
User = Annotated[Principal, Depends(page_principal)]
Anyone = Annotated[Principal, Depends(any_principal)]  # also one who must choose a new password first
Csrf = Annotated[str, Form(alias="csrf")]
Secret = Annotated[str, Form(max_length=logins.MAX_LENGTH + 1)]


def _me(session: Session, who: Principal) -> WebUser:
    user = session.get(WebUser, who.user_id) if who.user_id is not None else None
    if user is None:
        raise ProblemError(404, "this login no longer exists")
    return user


# --- Sessions ----------------------------------------------------------------------------------------


@router.get("/account/sessions")
def sessions_page(request: Request, who: User) -> HTMLResponse:
    with session_factory(engine_of(request))() as session:
        rows = sessions.live(session, _me(session, who).id, lifetime(request))
    return page(request, "account_sessions.html", who, rows=rows, current=who.session_id)


@router.post("/account/sessions/{session_id}/end")
def end_one(request: Request, who: User, csrf: Csrf, session_id: IdPath) -> RedirectResponse:
    csrf_ok(request, csrf)
    with session_factory(engine_of(request))() as session:
        live = sessions.live(session, _me(session, who).id, lifetime(request))
        mine = [r for r in live if r.id == session_id]
        if not mine:
            raise ProblemError(404, f"no session {session_id} of yours")
        sessions.end(session, mine[0], "signed_out")
        session.commit()
    if session_id == who.session_id:
        request.session.clear()
        return RedirectResponse("/login", status_code=303)
    _ = translator(language(request, who))
    flash(request, _("That session is ended."))
    return RedirectResponse("/account/sessions", status_code=303)


@router.post("/account/sessions/end-all")
def end_all(request: Request, who: User, csrf: Csrf) -> RedirectResponse:
    """Sign out everywhere, this browser too."""
    csrf_ok(request, csrf)
    with session_factory(engine_of(request))() as session:
        logins.end_sessions(session, _me(session, who))
        session.commit()
    lang = request.session.get("lang")
    request.session.clear()
    if isinstance(lang, str):
        request.session["lang"] = lang
    return RedirectResponse("/login", status_code=303)


# --- Password ----------------------------------------------------------------------------------------


def _password_error(code: str, _: Any) -> str:
    messages = {
        "old": _("The current password is not right."),
        "same": _("The new password must differ from the current one."),
        "short": _("A password needs at least {n} characters.").format(n=logins.MIN_LENGTH),
        "long": _("A password may have at most {n} characters.").format(n=logins.MAX_LENGTH),
        "name": _("A password may not contain your user name."),
        "repeat": _("The two new passwords are not the same."),
    }
    message: str = messages[code]
    return message


@router.get("/account/password")
def password_page(request: Request, who: Anyone) -> HTMLResponse:
    return page(request, "account_password.html", who, minimum=logins.MIN_LENGTH)


@router.post("/account/password")
def password_change(
    request: Request, who: Anyone, csrf: Csrf, current: Secret, new: Secret, repeat: Secret
) -> Response:
    """A new password, with the current one; every other session of the login ends."""
    csrf_ok(request, csrf)
    _ = translator(language(request, who))
    code = "repeat" if new != repeat else None
    if code is None:
        try:
            with unit_of_work(engine_of(request), actor=who.actor) as session:
                logins.change_password(session, _me(session, who), current, new, keep=who.session_id)
        except logins.PasswordRefused as refused:
            code = refused.code
    if code is not None:
        error = _password_error(code, _)
        return page(request, "account_password.html", who, status=422, minimum=logins.MIN_LENGTH, error=error)
    flash(request, _("Your password is changed. Your other sessions are signed out."))
    return RedirectResponse("/account/sessions", status_code=303)


# --- API tokens --------------------------------------------------------------------------------------


@router.get("/account/tokens")
def tokens_page(request: Request, who: User) -> HTMLResponse:
    """One's own tokens; those who govern tokens see every token of the organisation."""
    everyone = who.may("tokens")
    with session_factory(engine_of(request))() as session:
        org = tenants.get_organisation(session, who.org_slug)
        rows = tokens.listed(session, org, None if everyone else who.person_id)
        ids = {t.person_id for t in rows}
        names = dict(session.execute(select(Person.id, Person.name).where(Person.id.in_(ids))).all())
    context: dict[str, Any] = {"rows": rows, "names": names, "live": tokens.live, "everyone": everyone}
    return page(request, "account_tokens.html", who, **context)


@router.post("/account/tokens/{token_id}/revoke")
def token_revoke(request: Request, who: User, csrf: Csrf, token_id: IdPath) -> RedirectResponse:
    csrf_ok(request, csrf)
    with unit_of_work(engine_of(request), actor=who.actor) as session:
        org = tenants.get_organisation(session, who.org_slug)
        tokens.revoke(session, org, token_id, None if who.may("tokens") else who.person_id)
    _ = translator(language(request, who))
    flash(request, _("The token is revoked; it no longer opens the API."))
    return RedirectResponse("/account/tokens", status_code=303)


# --- The organisation's logins (administrators) ---------------------------------------------------------


@router.get("/logins")
def logins_page(request: Request, who: Annotated[Principal, page_may("logins")]) -> HTMLResponse:
    with session_factory(engine_of(request))() as session:
        rows = session.execute(
            select(WebUser, Person.name)
            .join(Person, Person.id == WebUser.person_id)
            .where(WebUser.organisation_id == who.org_id)
            .order_by(WebUser.username)
        ).all()
    return page(request, "logins.html", who, rows=rows)


def _admin(request: Request, who: Principal, csrf: str) -> None:
    csrf_ok(request, csrf)
    require(who, "logins")


@router.post("/logins/{user_id}/reset")
def login_reset(request: Request, who: User, csrf: Csrf, user_id: IdPath) -> HTMLResponse:
    """A temporary password, shown once on this page, that the person must change at the next login."""
    _admin(request, who, csrf)
    with unit_of_work(engine_of(request), actor=who.actor) as session:
        org = tenants.get_organisation(session, who.org_slug)
        user = get_in_org(session, WebUser, org, user_id, "login")
        temporary = logins.reset_password(session, user)
        username = user.username
    return page(request, "login_reset.html", who, username=username, temporary=temporary)


@router.post("/logins/{user_id}/{action}")
def login_action(request: Request, who: User, csrf: Csrf, user_id: IdPath, action: str) -> RedirectResponse:
    """Disable or enable a login, or end its sessions."""
    _admin(request, who, csrf)
    if action not in ("disable", "enable", "end-sessions"):
        raise ProblemError(404, f"no such page: {request.url.path}")
    if action == "disable" and user_id == who.user_id:
        raise ProblemError(409, "you cannot disable your own login")
    _ = translator(language(request, who))
    with unit_of_work(engine_of(request), actor=who.actor) as session:
        org = tenants.get_organisation(session, who.org_slug)
        user = get_in_org(session, WebUser, org, user_id, "login")
        if action == "end-sessions":
            logins.end_sessions(session, user)
            message = _("The sessions of {name} are ended.")
        else:
            logins.set_disabled(session, user, action == "disable")
            message = _("{name} is disabled.") if action == "disable" else _("{name} is enabled.")
        name = user.username
    flash(request, message.format(name=name))
    return RedirectResponse("/logins", status_code=303)
