"""Meta's webhook payloads, pure: the ``X-Hub-Signature-256`` signature, and the parsing of a delivery
(``page`` feed changes, ``instagram`` comments) into the archive's ``Incoming`` events.

No HTTP here: the endpoint (:mod:`rettesnor.web.webhooks`) verifies and queues the raw body; the worker
(:mod:`rettesnor.platforms.events`) parses it with :func:`parse` and hands the events to the intake.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from dataclasses import dataclass, field
from typing import Any

from rettesnor.archive.errors import InvalidValue
from rettesnor.archive.ingest import Incoming

SIGNATURE_HEADER = "x-hub-signature-256"
VERBS = {
    "add": "create",
    "edited": "edit",
    "edit": "edit",
    "remove": "delete",
    "delete": "delete",
    "hide": "hide",
    "unhide": "unhide",
}
POST_ITEMS = frozenset({"status", "post", "photo", "video", "link", "share", "note"})


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


def meta_time(value: Any) -> dt.datetime | None:
    """A time as Meta writes it: Unix seconds or milliseconds, or ISO 8601 with or without a zone."""
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
    when = meta_time(value.get("created_time")) or meta_time(entry_time)
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
        platform="facebook",
        platform_id=pid,
        kind=kind,
        text=text,
        event=event,
        parent=parent,
        author_id=author_id,
        author_name=author_name,
        published_at=when,
    )


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
        platform="instagram",
        platform_id=pid,
        kind="reply" if author_id == account_id else "comment",
        text=text,
        event="create",
        parent=parent,
        author_id=author_id,
        author_name=_str(author.get("username")),
        published_at=meta_time(entry_time),
    )


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
