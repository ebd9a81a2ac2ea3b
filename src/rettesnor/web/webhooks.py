"""Meta's webhook endpoint: the GET handshake, and the POST that verifies ``X-Hub-Signature-256`` and
appends the raw body to the durable queue (:mod:`rettesnor.platforms.events`).

It does only what must happen before Meta gets its 200: verify the signature over the raw body (HMAC-SHA256
with the app secret, compared in constant time) and append the body. Parsing
(:mod:`rettesnor.platforms.payload`), checking and archiving happen in the worker. A body that is unsigned
or wrongly signed gets 401 and nothing is stored.
"""

from __future__ import annotations

import hmac
import weakref

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response

from rettesnor.platforms import events
from rettesnor.platforms.payload import SIGNATURE_HEADER, signature_ok
from rettesnor.platforms.settings import PlatformSettings
from rettesnor.web.problems import problem_response

router = APIRouter(include_in_schema=False)


def platform_settings(request: Request) -> PlatformSettings:
    """The app's platform settings (given to ``create_app`` or read once from the environment)."""
    state = request.app.state
    cached = getattr(state, "platform_settings", None)
    if cached is None:
        cached = getattr(state.settings, "platforms", None) or PlatformSettings.from_env()
        state.platform_settings = cached
    assert isinstance(cached, PlatformSettings)
    return cached


@router.get("/webhooks/meta")
async def handshake(request: Request) -> Response:
    """Meta's subscription check: echo ``hub.challenge`` when ``hub.verify_token`` is ours."""
    cfg = platform_settings(request)
    q = request.query_params
    token, challenge = q.get("hub.verify_token", ""), q.get("hub.challenge", "")
    if (
        q.get("hub.mode") == "subscribe"
        and cfg.verify_token
        and hmac.compare_digest(token.encode(), cfg.verify_token.encode())
        and challenge
        and len(challenge) <= 200
    ):
        return PlainTextResponse(challenge)
    return problem_response(request, 403, "the verify token does not match")


@router.post("/webhooks/meta")
async def receive(request: Request) -> Response:
    """Verify, append to the durable queue, answer. Nothing else happens on the request path."""
    cfg = platform_settings(request)
    if not cfg.app_secret:
        return problem_response(request, 503, "webhooks are not configured (no Meta app secret)")
    body = await request.body()
    if not signature_ok(cfg.app_secret, body, request.headers.get(SIGNATURE_HEADER)):
        return problem_response(request, 401, "missing or wrong X-Hub-Signature-256; nothing was stored")
    appender = getattr(request.app.state, "webhook_appender", None)
    if appender is None:
        appender = request.app.state.webhook_appender = events.Appender(request.app.state.engine)
        weakref.finalize(request.app, appender.close)  # its threads end with the application
    await appender.submit(body)
    return PlainTextResponse("EVENT_RECEIVED")
