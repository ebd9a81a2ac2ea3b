"""Errors of the API as RFC 9457 problem details (``application/problem+json``) with a clear message."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from rettesnor.governance.errors import Conflict, NotAllowed, NotFound
from rettesnor.i18n import N_
from rettesnor.item import InputError

PROBLEM_TYPE = "https://rettesnor.example/problems/"
TITLES = {
    400: N_("Bad request"),
    401: N_("Not signed in"),
    403: N_("Forbidden"),
    404: N_("Not found"),
    405: N_("Method not allowed"),
    409: N_("Conflict"),
    413: N_("Request too large"),
    415: N_("Unsupported media type"),
    422: N_("Invalid input"),
    429: N_("Too many requests"),
    500: N_("Internal error"),
}


class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None


class ProblemError(Exception):
    """Raised by routes to answer with a problem document (and, on pages, an error page)."""

    def __init__(self, status: int, detail: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.status, self.detail, self.headers = status, detail, headers or {}


def status_of(exc: InputError) -> int:
    if isinstance(exc, NotFound):
        return 404
    if isinstance(exc, NotAllowed):
        return 403
    if isinstance(exc, Conflict):
        return 409
    return 422


def slug(status: int) -> str:
    return TITLES.get(status, "Error").lower().replace(" ", "-")


def problem_response(
    request: Request,
    status: int,
    detail: str,
    headers: dict[str, str] | None = None,
    lang: str = "en",
    **extra: Any,
) -> JSONResponse:
    """The problem document; ``detail`` is in ``lang`` already, the title is translated here."""
    from rettesnor.i18n import translator

    headers = {**(headers or {}), "Content-Language": lang}
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE + slug(status),
        "title": translator(lang)(TITLES.get(status, "Error")),
        "status": status,
        "detail": detail,
        "instance": request.url.path,
        **extra,
    }
    return JSONResponse(body, status_code=status, media_type="application/problem+json", headers=headers)
