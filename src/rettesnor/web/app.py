"""The application factory: ``create_app(settings)`` → a FastAPI app with the API and the pages."""

from __future__ import annotations

import logging
import time
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from rettesnor.i18n import translator
from rettesnor.item import InputError
from rettesnor.records import migrate
from rettesnor.records.db import make_engine
from rettesnor.web import labels, render, sessions
from rettesnor.web.auth import LoginRequired, PasswordChangeRequired, Principal, page_principal
from rettesnor.web.messages import localise, validation_detail
from rettesnor.web.problems import ProblemError, problem_response, status_of
from rettesnor.web.security import RateLimit
from rettesnor.web.settings import Settings

log = logging.getLogger("rettesnor.web")

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
HEADERS = (
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
    (b"cross-origin-opener-policy", b"same-origin"),
)
TOO_LARGE = "rettesnor.body_too_large"
HSTS = (b"strict-transport-security", b"max-age=31536000; includeSubDomains")


class Guard:
    """Security headers on every answer, a bound on the request body, and a log line without personal
    data: method, path (never the query string), status and time."""

    def __init__(self, app: ASGIApp, max_body: int, hsts: bool) -> None:
        self.app, self.max_body = app, max_body
        self.headers = (*HEADERS, HSTS) if hsts else HEADERS

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 0
        length = dict(scope["headers"]).get(b"content-length", b"0")
        too_big = not length.isdigit() or int(length) > self.max_body
        received = 0

        async def receive_bounded() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    scope[TOO_LARGE] = True  # the form parser turns any error into a 400: see _http
                    raise ProblemError(413, f"the request body is over the limit of {self.max_body} bytes")
            return message

        async def send_guarded(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = MutableHeaders(scope=message)
                for name, value in self.headers:
                    if name.decode() not in headers:
                        headers.append(name.decode(), value.decode())
            await send(message)

        try:
            if too_big:
                detail = f"the request body is over the limit of {self.max_body} bytes"
                response = problem_response(Request(scope), 413, detail)
                await response(scope, receive, send_guarded)
                return
            await self.app(scope, receive_bounded, send_guarded)
        finally:
            ms = (time.perf_counter() - started) * 1000
            log.info("%s %s %s %.1fms", scope.get("method"), scope.get("path"), status, ms)


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _signed_in(request: Request) -> Principal | None:
    """The person of the session, if any: the error page then has their menu and language."""
    if _wants_json(request) or "session" not in request.scope or sessions.KEY not in request.session:
        return None
    try:
        return page_principal(request)
    except Exception:  # an error page must never fail on the way to show the error
        return None


def _error(
    request: Request, status: int, detail: str, headers: dict[str, str] | None = None, **extra: Any
) -> Response:
    """A problem document (API) or an error page, the detail in the reader's language."""
    who = _signed_in(request)
    lang = render.language(request, who)
    detail = localise(detail, translator(lang))
    if _wants_json(request):
        return problem_response(request, status, detail, headers, lang=lang, **extra)
    return render.error_page(request, status, detail, headers, who)


def _handlers(app: FastAPI) -> None:
    @app.exception_handler(ProblemError)
    async def _problem(request: Request, exc: ProblemError) -> Response:
        return _error(request, exc.status, exc.detail, exc.headers)

    @app.exception_handler(InputError)
    async def _input(request: Request, exc: InputError) -> Response:
        # a refusal with a code is said in the request's language (the session's, else the browser's)
        detail = labels.say(exc, translator(render.language(request))) if exc.code else str(exc)
        return _error(request, status_of(exc), detail)

    @app.exception_handler(LoginRequired)
    async def _login(request: Request, _exc: LoginRequired) -> Response:
        return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)

    @app.exception_handler(PasswordChangeRequired)
    async def _password(request: Request, _exc: PasswordChangeRequired) -> Response:
        if _wants_json(request):
            return problem_response(request, 403, "choose a new password first (/account/password)")
        return RedirectResponse("/account/password", status_code=303)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        errors = [
            {"loc": [str(x) for x in e.get("loc", ())], "msg": str(e.get("msg", ""))} for e in exc.errors()
        ]
        first = exc.errors()[0] if exc.errors() else {}
        detail = validation_detail(dict(first))
        if _wants_json(request):
            return _error(request, 422, detail, errors=errors)
        return _error(request, 422, detail)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if request.scope.get(TOO_LARGE):
            max_body = request.app.state.settings.max_body_bytes
            return _error(request, 413, f"the request body is over the limit of {max_body} bytes")
        detail = exc.detail if isinstance(exc.detail, str) else "error"
        if exc.status_code == 404:
            detail = f"no such page: {request.url.path}"
        return _error(request, exc.status_code, detail, dict(exc.headers or {}))

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> Response:
        log.error("unhandled %s on %s %s", type(exc).__name__, request.method, request.url.path)
        return _error(request, 500, "something went wrong on our side; the error was logged")


def _page_routers() -> list[Any]:
    """The pages of the archive, people and consents, accounts, moderation and the dashboard; and the API
    of people, reviews, consents and the archive's records."""
    from rettesnor.web import (
        api_records,
        pages_accounts,
        pages_archive,
        pages_dashboard,
        pages_guideline,
        pages_logins,
        pages_moderation,
        pages_people,
        pages_tasks,
    )

    modules = (
        pages_archive,
        pages_people,
        pages_accounts,
        pages_moderation,
        pages_dashboard,
        api_records,
        pages_tasks,
        pages_logins,
        pages_guideline,
    )
    return [m.router for m in modules]


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> FastAPI:
    """The application. ``engine`` overrides ``settings.database_url`` (tests share one)."""
    from rettesnor.web import api, login, pages, webhooks
    from rettesnor.web.totp import SecretBox

    cfg = settings or Settings()
    db = engine or make_engine(cfg.database_url)
    migrate.require_current(db)
    app = FastAPI(
        title="Rettesnor",
        version="1",
        summary="Check drafts, moderate comments, register tasks, govern accounts.",
        openapi_url="/api/v1/openapi.json",
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = cfg
    app.state.engine = db
    app.state.login_limit = RateLimit(cfg.login_attempts, cfg.login_window_s)  # per login
    app.state.address_limit = RateLimit(cfg.login_address_attempts, cfg.login_window_s)  # per address
    app.state.public_limit = RateLimit(cfg.public_requests, cfg.public_window_s)
    secret = cfg.resolved_secret()
    app.state.box = SecretBox(secret)  # seals TOTP secrets at rest
    providers = cfg.oidc_providers()
    app.state.oidc_providers = {p.name: p for p in providers}
    app.state.oauth = login.oauth_registry(providers)
    _handlers(app)
    # First: Meta's deliveries are the hot path, and routes are matched in order. Signed by Meta (HMAC):
    # no session, no CSRF.
    app.include_router(webhooks.router)
    app.include_router(api.router)
    app.include_router(login.router)
    app.include_router(pages.router)
    for extra in _page_routers():
        app.include_router(extra)
    app.mount("/static", StaticFiles(packages=[("rettesnor.web", "static")]), name="static")
    secure = cfg.secure_cookies
    session_kw: dict[str, Any] = {
        "secret_key": secret,
        "session_cookie": "__Host-rettesnor" if secure else "rettesnor",
        "max_age": cfg.session_max_age_s,
        "same_site": "lax",
        "https_only": secure,
    }
    app.add_middleware(SessionMiddleware, **session_kw)
    app.add_middleware(Guard, max_body=cfg.max_body_bytes, hsts=secure)
    if cfg.forwarded_allow_ips:
        # Outermost: the client address and scheme the proxy saw, before anything reads them. Only the
        # listed proxies are believed, and of X-Forwarded-For the last address they did not add.
        from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

        trusted = [h.strip() for h in cfg.forwarded_allow_ips.split(",") if h.strip()]
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=trusted)
    return app
