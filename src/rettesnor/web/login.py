"""Signing in and out: local logins (argon2 password, then a one-time code where TOTP is on), OpenID
Connect providers (authorization code with PKCE, state and nonce; Authlib), and the page where a person
turns the second factor on or off.

Nobody is created by a login: an OpenID Connect identity is linked to a login that exists already
(found by user name or e-mail within the provider's organisation). A login through a provider does not
ask for the local one-time code: the provider's own second factor applies. Failed attempts, passwords and
codes alike, count against a limit per login and a (higher) limit per client address, so that someone
guessing one login's password does not lock another login out. A successful login starts a server-side
session (rettesnor.web.sessions); logging out ends it for every copy of its cookie.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import warnings
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rettesnor.i18n import translator
from rettesnor.records.db import session_factory, unit_of_work
from rettesnor.records.models import Organisation, Person
from rettesnor.records.web_models import WebIdentity, WebUser
from rettesnor.web import sessions, totp
from rettesnor.web.auth import Principal, engine_of, page_principal
from rettesnor.web.problems import ProblemError
from rettesnor.web.render import flash, language, page
from rettesnor.web.security import csrf_ok, new_csrf_token, safe_next, verify_password
from rettesnor.web.settings import OidcProvider

log = logging.getLogger("rettesnor.web")
logging.getLogger("authlib").setLevel(logging.INFO)  # its debug lines name the PKCE verifier
router = APIRouter(include_in_schema=False)
User = Annotated[Principal, Depends(page_principal)]
Csrf = Annotated[str, Form(alias="csrf")]
PENDING_S = 300  # time to type the one-time code after the password
PENDING = "pending"  # session key: the login that gave the right password and now owes a code
NEXT = "oidc_next"  # session key: where to go after an OpenID Connect login


def _client(request: Request) -> str:
    """The client's address: the peer, or what a trusted proxy says (settings.forwarded_allow_ips)."""
    return "addr:" + (request.client.host if request.client else "unknown")


def _login_key(user: WebUser | None, username: str) -> str:
    return f"user:{user.id}" if user is not None else f"name:{username[:100]}"


def _failed(request: Request, login_key: str) -> None:
    request.app.state.login_limit.hit(login_key)
    request.app.state.address_limit.hit(_client(request))


def _providers(request: Request) -> list[tuple[str, str]]:
    return [(p.name, p.label or p.name) for p in request.app.state.oidc_providers.values()]


def _login_page(
    request: Request,
    next: str,
    status: int = 200,
    error: str | None = None,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    return page(
        request,
        "login.html",
        None,
        status=status,
        headers=headers,
        next=safe_next(next),
        error=error,
        providers=_providers(request),
    )


def _signed_in(request: Request, session: Session, user: WebUser, next: str) -> RedirectResponse:
    """Start a server-side session (committed here); a fresh cookie with its id: no fixation."""
    user.last_login_at = dt.datetime.now(dt.UTC)
    sid = sessions.start(session, user.id, request.headers.get("user-agent"))
    must_change = user.must_change_password
    session.commit()
    lang = request.session.get("lang")
    request.session.clear()
    request.session.update({sessions.KEY: sid, "csrf": new_csrf_token()})
    if isinstance(lang, str):
        request.session["lang"] = lang
    return RedirectResponse("/account/password" if must_change else safe_next(next), status_code=303)


def _too_many(
    request: Request, template: str, next: str, login_key: str | None = None, **context: Any
) -> HTMLResponse | None:
    wait: int = request.app.state.address_limit.retry_after(_client(request))
    if login_key is not None:
        wait = max(wait, request.app.state.login_limit.retry_after(login_key))
    if not wait:
        return None
    _ = translator(language(request))
    return page(
        request,
        template,
        None,
        status=429,
        headers={"Retry-After": str(wait)},
        next=safe_next(next),
        error=_("Too many attempts. Wait a few minutes and try again."),
        providers=_providers(request),
        **context,
    )


@router.get("/login")
def login_form(request: Request, next: str | None = None) -> HTMLResponse:
    return _login_page(request, next or "/check")


@router.post("/login")
def login(
    request: Request,
    csrf: Csrf,
    username: Annotated[str, Form(max_length=100)],
    password: Annotated[str, Form(max_length=1000)],
    next: Annotated[str, Form(max_length=500)] = "/check",
) -> Response:
    csrf_ok(request, csrf)
    name = username.strip().lower()
    with session_factory(engine_of(request))() as session:
        user = session.scalars(select(WebUser).where(WebUser.username == name)).first()
        key = _login_key(user, name)
        blocked = _too_many(request, "login.html", next, key)
        if blocked is not None:
            return blocked
        ok = verify_password(user.password_hash if user else None, password)
        if ok and user is not None and user.disabled_at is None:
            if totp.enabled(user):
                lang = request.session.get("lang")
                request.session.clear()
                request.session.update(
                    {PENDING: [user.id, time.time(), safe_next(next)], "csrf": new_csrf_token()}
                )
                if isinstance(lang, str):
                    request.session["lang"] = lang
                return RedirectResponse("/login/code", status_code=303)
            request.app.state.login_limit.reset(key)
            return _signed_in(request, session, user, next)
    _failed(request, key)
    _ = translator(language(request))
    return _login_page(request, next, 401, _("Wrong user name or password."))


def _pending(request: Request) -> tuple[int, str] | None:
    value = request.session.get(PENDING)
    if not isinstance(value, list) or len(value) != 3:
        return None
    user_id, since, next = value
    if not isinstance(user_id, int) or not isinstance(since, int | float) or time.time() - since > PENDING_S:
        request.session.pop(PENDING, None)
        return None
    return user_id, str(next)


@router.get("/login/code")
def code_form(request: Request) -> Response:
    pending = _pending(request)
    if pending is None:
        return RedirectResponse("/login", status_code=303)
    return page(request, "login_code.html", None, next=pending[1])


@router.post("/login/code")
def code_check(request: Request, csrf: Csrf, code: Annotated[str, Form(max_length=20)]) -> Response:
    csrf_ok(request, csrf)
    pending = _pending(request)
    if pending is None:
        return RedirectResponse("/login", status_code=303)
    user_id, next = pending
    key = f"user:{user_id}"
    blocked = _too_many(request, "login_code.html", next, key)
    if blocked is not None:
        return blocked
    with session_factory(engine_of(request))() as session:
        user = session.get(WebUser, user_id)
        box = request.app.state.box
        if user is not None and user.disabled_at is None and totp.verify(session, user, box, code):
            request.app.state.login_limit.reset(key)
            return _signed_in(request, session, user, next)
    _failed(request, key)
    _ = translator(language(request))
    error = _("That code is not right. Type the newest code from your authenticator app.")
    return page(request, "login_code.html", None, status=401, next=next, error=error)


@router.post("/logout")
def logout(request: Request, csrf: Csrf) -> RedirectResponse:
    """End the server-side session: a copy of the cookie no longer opens anything."""
    csrf_ok(request, csrf)
    sid = request.session.get(sessions.KEY)
    if sid is not None:
        with session_factory(engine_of(request))() as session:
            row = sessions.find(session, sid)
            if row is not None:
                sessions.end(session, row, "logout")
            session.commit()
    lang = request.session.get("lang")
    request.session.clear()
    if isinstance(lang, str):
        request.session["lang"] = lang
    return RedirectResponse("/login", status_code=303)


# --- The second factor: turn it on (enrol and confirm) or off ------------------------------------------


def _security_page(
    request: Request, who: Principal, status: int = 200, error: str | None = None
) -> HTMLResponse:
    box: totp.SecretBox = request.app.state.box
    with session_factory(engine_of(request))() as session:
        user = session.get(WebUser, who.user_id)
        if user is None:
            raise ProblemError(404, "this login no longer exists")
        context: dict[str, Any] = {"enabled_at": user.totp_enabled_at, "pending": False, "error": error}
        if not totp.enabled(user) and user.totp_secret is not None:
            secret = box.open(user.totp_secret)
            if secret is not None:
                uri = totp.uri(secret, user.username)
                context.update(pending=True, uri=uri, secret=totp.grouped(secret), qr=totp.qr_svg(uri))
    return page(request, "security.html", who, status=status, **context)


@router.get("/account/security")
def security_page(request: Request, who: User) -> HTMLResponse:
    return _security_page(request, who)


@router.post("/account/security/totp/start")
def totp_start(request: Request, who: User, csrf: Csrf) -> RedirectResponse:
    """A new secret, shown until a code confirms it (starting again replaces an unconfirmed one)."""
    csrf_ok(request, csrf)
    box: totp.SecretBox = request.app.state.box
    with unit_of_work(engine_of(request), actor=who.actor) as session:
        user = session.get(WebUser, who.user_id)
        if user is None or totp.enabled(user):
            raise ProblemError(409, "two-step login is already on; turn it off first")
        totp.reset(user)
        user.totp_secret = box.seal(totp.new_secret())
    return RedirectResponse("/account/security", status_code=303)


@router.post("/account/security/totp/confirm")
def totp_confirm(
    request: Request, who: User, csrf: Csrf, code: Annotated[str, Form(max_length=20)]
) -> Response:
    csrf_ok(request, csrf)
    _ = translator(language(request, who))
    with unit_of_work(engine_of(request), actor=who.actor) as session:
        user = session.get(WebUser, who.user_id)
        if user is None or totp.enabled(user) or user.totp_secret is None:
            return RedirectResponse("/account/security", status_code=303)
        ok = totp.verify(session, user, request.app.state.box, code)
        if ok:
            user.totp_enabled_at = dt.datetime.now(dt.UTC)
    if not ok:
        error = _("That code is not right. Type the newest code from your authenticator app.")
        return _security_page(request, who, 422, error)
    flash(request, _("Two-step login is on. From now on you type a code from your app after the password."))
    return RedirectResponse("/account/security", status_code=303)


@router.post("/account/security/totp/disable")
def totp_disable(
    request: Request, who: User, csrf: Csrf, code: Annotated[str, Form(max_length=20)]
) -> Response:
    """Turning it off needs a current code, so that a borrowed session cannot do it."""
    csrf_ok(request, csrf)
    _ = translator(language(request, who))
    with unit_of_work(engine_of(request), actor=who.actor) as session:
        user = session.get(WebUser, who.user_id)
        if user is None or not totp.enabled(user):
            return RedirectResponse("/account/security", status_code=303)
        ok = totp.verify(session, user, request.app.state.box, code)
        if ok:
            totp.reset(user)
    if not ok:
        error = _("That code is not right. Type the newest code from your authenticator app.")
        return _security_page(request, who, 422, error)
    flash(request, _("Two-step login is off."))
    return RedirectResponse("/account/security", status_code=303)


# --- OpenID Connect ------------------------------------------------------------------------------------


def oauth_registry(providers: tuple[OidcProvider, ...]) -> Any:
    """An Authlib registry of the providers (discovery is fetched on first use, then kept)."""
    if not providers:
        return None
    import authlib.deprecate  # noqa: F401  (it turns its warnings on for good; the filter below comes after)

    with warnings.catch_warnings():  # Authlib would like httpx2 one day; httpx is what it uses today
        warnings.filterwarnings("ignore", message="The httpx module is deprecated")
        from authlib.integrations.starlette_client import OAuth

    oauth = OAuth()
    for p in providers:
        kwargs: dict[str, Any] = {"scope": p.scopes, "code_challenge_method": "S256"}
        if p.client_secret:
            kwargs["token_endpoint_auth_method"] = p.token_endpoint_auth_method
        else:
            kwargs["token_endpoint_auth_method"] = "none"
        oauth.register(
            name=p.name,
            client_id=p.client_id,
            client_secret=p.client_secret,
            server_metadata_url=p.metadata_url(),
            client_kwargs=kwargs,
        )
    return oauth


def _provider(request: Request, name: str) -> tuple[OidcProvider, Any]:
    provider = request.app.state.oidc_providers.get(name)
    if provider is None:
        raise ProblemError(404, f"no such sign-in provider: {name}")
    return provider, request.app.state.oauth.create_client(name)


def _claim(claims: dict[str, Any], name: str | None) -> str | None:
    value = claims.get(name) if name else None
    return value.strip() if isinstance(value, str) and value.strip() else None


def _organisations(session: Session, p: OidcProvider, claims: dict[str, Any]) -> list[int] | None:
    """Ids of the organisations the login may be in; None for any."""
    slug = p.organisation
    if slug is None and p.organisation_claim:
        value = _claim(claims, p.organisation_claim)
        if value is None:
            return []
        slug = p.organisation_values.get(value, value if not p.organisation_values else None)
        if slug is None:
            return []
    if slug is None:
        return None
    org = session.scalars(select(Organisation.id).where(Organisation.slug == slug)).first()
    return [org] if org is not None else []


def find_user(session: Session, p: OidcProvider, issuer: str, claims: dict[str, Any]) -> WebUser | None:
    """The existing login of these claims: a linked subject, else one user name, else one e-mail."""
    subject = _claim(claims, "sub")
    if subject is None:
        return None
    linked = session.scalars(
        select(WebUser)
        .join(WebIdentity, WebIdentity.user_id == WebUser.id)
        .where(WebIdentity.issuer == issuer, WebIdentity.subject == subject)
    ).first()
    if linked is not None:
        return linked
    orgs = _organisations(session, p, claims)
    if orgs == []:
        return None
    candidates: list[WebUser] = []
    username = _claim(claims, p.username_claim)
    if username is not None:
        q = select(WebUser).where(WebUser.username == username.lower())
        candidates = list(session.scalars(q if orgs is None else q.where(WebUser.organisation_id.in_(orgs))))
    email = _claim(claims, p.email_claim)
    if not candidates and email is not None and claims.get("email_verified") is not False:
        q = (
            select(WebUser)
            .join(Person, Person.id == WebUser.person_id)
            .where(func.lower(Person.email) == email.lower())
        )
        candidates = list(session.scalars(q if orgs is None else q.where(WebUser.organisation_id.in_(orgs))))
    if len(candidates) != 1:
        return None  # nobody, or more than one: never guess
    user = candidates[0]
    session.add(WebIdentity(user_id=user.id, issuer=issuer, subject=subject))
    return user


@router.get("/login/oidc/{name}")
async def oidc_start(name: str, request: Request, next: str | None = None) -> Response:
    provider, client = _provider(request, name)
    request.session[NEXT] = safe_next(next)
    redirect_uri = provider.redirect_uri or str(request.url_for("oidc_callback", name=name))
    try:
        response: Response = await client.authorize_redirect(request, redirect_uri)
    except Exception as exc:  # the provider cannot be reached or its discovery document is wrong
        log.warning("OIDC %s: discovery failed (%s)", name, type(exc).__name__)
        _ = translator(language(request))
        error = _("The sign-in service does not answer. Try again later or sign in with a password.")
        return _login_page(request, next or "/check", 502, error)
    return response


@router.get("/login/oidc/{name}/callback", name="oidc_callback")
async def oidc_callback(name: str, request: Request) -> Response:
    provider, client = _provider(request, name)
    _ = translator(language(request))
    next = request.session.pop(NEXT, "/check")
    blocked = _too_many(request, "login.html", next)
    if blocked is not None:
        return blocked
    try:
        token = await client.authorize_access_token(request)
        claims = dict(token.get("userinfo") or {})
        metadata = await client.load_server_metadata()
    except Exception as exc:  # a wrong state, nonce, signature, audience, an error from the provider…
        log.warning("OIDC %s: sign-in refused (%s)", name, type(exc).__name__)
        request.app.state.address_limit.hit(_client(request))
        return _login_page(request, next, 401, _("The sign-in did not succeed. Try again."))
    if not claims.get("sub") or claims.get("nonce") is None:
        return _login_page(request, next, 401, _("The sign-in did not succeed. Try again."))
    issuer = str(metadata.get("issuer") or provider.issuer or provider.metadata_url())
    with session_factory(engine_of(request))() as session:
        user = find_user(session, provider, issuer, claims)
        if user is None or user.disabled_at is not None:
            log.info("OIDC %s: no login for this identity", name)
            return _login_page(
                request,
                next,
                403,
                _("You signed in, but there is no login for you here. Ask your administrator to create one."),
            )
        identity = session.scalars(
            select(WebIdentity).where(WebIdentity.issuer == issuer, WebIdentity.subject == str(claims["sub"]))
        ).first()
        if identity is not None:
            identity.last_login_at = dt.datetime.now(dt.UTC)
        return _signed_in(request, session, user, next)
