"""Server-rendered pages: one Jinja2 environment (autoescape on), the language of the request, CSRF."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, select_autoescape

from rettesnor import labels
from rettesnor.i18n import LANGUAGE_NAMES, LANGUAGES, negotiate, translator
from rettesnor.web.auth import Principal
from rettesnor.web.messages import localise
from rettesnor.web.problems import TITLES
from rettesnor.web.security import new_csrf_token

ENV = Environment(
    loader=PackageLoader("rettesnor.web", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


def language(request: Request, principal: Principal | None = None) -> str:
    """The user's setting, else the one chosen in this session, else the browser's."""
    if principal is not None and principal.language in LANGUAGES:
        return principal.language
    chosen = request.session.get("lang")
    if isinstance(chosen, str) and chosen in LANGUAGES:
        return chosen
    return negotiate(request.headers.get("accept-language"))


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not isinstance(token, str):
        token = new_csrf_token()
        request.session["csrf"] = token
    return token


def flash(request: Request, message: str, kind: str = "info") -> None:
    request.session.setdefault("flash", []).append([kind, message])


def page(
    request: Request,
    template: str,
    principal: Principal | None,
    *,
    status: int = 200,
    headers: dict[str, str] | None = None,
    lang: str | None = None,
    **context: Any,
) -> HTMLResponse:
    """``template`` rendered in ``lang``, else the language of ``principal`` or of the request."""
    lang = lang or language(request, principal)
    messages = request.session.pop("flash", []) if "session" in request.scope else []
    gettext = translator(lang)
    html = ENV.get_template(template).render(
        _=gettext,
        localised=lambda message: localise(str(message), gettext),  # a service's message, translated
        labels=labels,
        lang=lang,
        languages=[(code, LANGUAGE_NAMES[code]) for code in LANGUAGES],
        user=principal,
        csrf=csrf_token(request) if "session" in request.scope else "",
        path=request.url.path,
        messages=messages,
        **context,
    )
    return HTMLResponse(html, status_code=status, headers=headers)


def error_page(
    request: Request,
    status: int,
    detail: str,
    headers: dict[str, str] | None = None,
    principal: Principal | None = None,
) -> HTMLResponse:
    return page(
        request,
        "error.html",
        principal,
        status=status,
        headers=headers,
        status_code=status,
        title=TITLES.get(status, "Error"),
        detail=detail,
    )
