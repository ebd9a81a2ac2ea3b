"""Meta webhooks: the GET handshake, ``X-Hub-Signature-256`` verification, and the parsing of a
delivery (``page`` feed changes, ``instagram`` comments) into the archive's ``Incoming`` events.

The endpoint does only what must happen before Meta gets its 200: verify the signature over the raw
body (HMAC-SHA256 with the app secret, compared in constant time) and append the body to the durable
queue (:func:`rettesnor.platforms.events.append`). Parsing, checking and archiving happen in the worker.
A body that is unsigned or wrongly signed gets 401 and nothing is stored.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import weakref
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response

from rettesnor.archive.errors import InvalidValue
from rettesnor.archive.ingest import Incoming
from rettesnor.platforms import events
from rettesnor.platforms.settings import PlatformSettings
from rettesnor.web.problems import problem_response

SIGNATURE_HEADER = "x-hub-signature-256"
VERBS = {"add": "create", "edited": "edit", "edit": "edit", "remove": "delete", "delete": "delete",
         "hide": "hide", "unhide": "unhide"}  # fmt: skip
POST_ITEMS = frozenset({"status", "post", "photo", "video", "link", "share", "note"})

router = APIRouter(include_in_schema=False)


def sign(secret: str, body: bytes) -> str:
    """The header value Meta sends: ``sha256=`` and the hex HMAC-SHA256 of the raw body."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def signature_ok(secret: str | None, body: bytes, header: str | None) -> bool:
    if not secret or not header or not header.startswith("sha256="):
        return False
    return hmac.compare_digest(sign(secret, body).encode("ascii"), header.strip().encode("ascii", "replace"))


# --- parsing ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Change:
    """One change of a delivery: the page (or Instagram account) it is on, and the event."""

    platform: str
    page_id: str
    event: Incoming


@dataclass(slots=True)
class Parsed:
    changes: list[Change] = field(default_factory=list)
    skipped: int = 0  # changes that are not messages (reactions, shares, likes …) or carry nothing to keep
    errors: list[str] = field(default_factory=list)  # one-line reasons, never message text


def _time(value: Any) -> dt.datetime | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        seconds = value / 1000 if value > 10**11 else value  # Instagram sends milliseconds in places
        return dt.datetime.fromtimestamp(seconds, dt.UTC)
    if isinstance(value, str) and value:
        try:
            parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00").replace("+0000", "+00:00"))
        except ValueError:
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)
    return None


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _str(value: Any) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value if isinstance(value, str) and value else None


def _feed(page_id: str, value: dict[str, Any], entry_time: Any) -> Incoming | None:
    item, verb = value.get("item"), value.get("verb")
    event = VERBS.get(verb) if isinstance(verb, str) else None
    if event is None or not isinstance(item, str):
        return None
    author = _dict(value.get("from"))
    author_id, author_name = _str(author.get("id")), _str(author.get("name"))
    text = _text(value.get("message"))
    when = _time(value.get("created_time")) or _time(entry_time)
    if item == "comment":
        pid = _str(value.get("comment_id"))
        parent = _str(value.get("parent_id")) or _str(value.get("post_id"))
        kind = "reply" if author_id == page_id else "comment"
    elif item in POST_ITEMS:
        pid, parent = _str(value.get("post_id")), None
        kind = "post" if author_id in (None, page_id) else "comment"  # a visitor's post is moderated
    else:
        return None
    if pid is None:
        raise InvalidValue(f"a feed change ({item} {verb}) has no id")
    if event in ("create", "edit") and not text.strip():
        return None  # a photo or a share without text: nothing to check; backfill fetches attachments
    return Incoming(
        platform="facebook", platform_id=pid, kind=kind, text=text, event=event, parent=parent,
        author_id=author_id, author_name=author_name, published_at=when,
    )  # fmt: skip


def _instagram(account_id: str, value: dict[str, Any], entry_time: Any) -> Incoming | None:
    pid = _str(value.get("id"))
    text = _text(value.get("text"))
    if pid is None:
        raise InvalidValue("an Instagram comment change has no id")
    if not text.strip():
        return None
    author = _dict(value.get("from"))
    author_id = _str(author.get("id"))
    media = _dict(value.get("media"))
    parent = _str(value.get("parent_id")) or _str(media.get("id"))
    return Incoming(
        platform="instagram", platform_id=pid, kind="reply" if author_id == account_id else "comment",
        text=text, event="create", parent=parent, author_id=author_id,
        author_name=_str(author.get("username")), published_at=_time(entry_time),
    )  # fmt: skip


def parse(body: bytes) -> Parsed:
    """The changes of one delivery, in order. A malformed body raises InvalidValue; a malformed change
    is counted in ``errors`` and the others are kept."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise InvalidValue("the webhook body is not JSON") from None
    if not isinstance(data, dict) or not isinstance(data.get("entry"), list):
        raise InvalidValue('the webhook body has no "entry" list')
    obj = data.get("object")
    out = Parsed()
    for entry in data["entry"]:
        if not isinstance(entry, dict) or _str(entry.get("id")) is None:
            out.errors.append("an entry without an id")
            continue
        page_id = str(_str(entry.get("id")))
        for change in entry.get("changes") or []:
            if not isinstance(change, dict) or not isinstance(change.get("value"), dict):
                out.errors.append("a change without a value")
                continue
            fieldname = change.get("field")
            try:
                if obj == "page" and fieldname == "feed":
                    incoming = _feed(page_id, change["value"], entry.get("time"))
                    platform = "facebook"
                elif obj == "instagram" and fieldname == "comments":
                    incoming = _instagram(page_id, change["value"], entry.get("time"))
                    platform = "instagram"
                else:
                    incoming = None
                    platform = ""
            except InvalidValue as exc:
                out.errors.append(str(exc))
                continue
            if incoming is None:
                out.skipped += 1
            else:
                out.changes.append(Change(platform, page_id, incoming))
        out.skipped += len(entry.get("messaging") or [])  # Messenger events: not handled here
    return out


# --- the endpoint -----------------------------------------------------------------------------------


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
