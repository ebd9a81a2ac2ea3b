"""Meta's data exports ("Download your information", JSON format) as archive events.

Facebook: ``comments_v2`` (each ``{"timestamp", "data": [{"comment": {"comment", "author", "timestamp"}}],
"title"}``), and posts (a list of ``{"timestamp", "data": [{"post": ...}]}``). Instagram: comment lists of
``{"string_map_data": {"Comment": {"value"}, "Time": {"timestamp"}, ...}}`` (also under
``comments_media_comments``). The exports carry no platform ids, so each message gets a stable id from
its author, time and text: importing the same export twice adds nothing. Meta writes the text as UTF-8
bytes escaped as Latin-1 characters; that is undone.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from typing import Any

from rettesnor.archive.ingest import Incoming
from rettesnor.item import InputError


def _fix(text: str) -> str:
    """Meta's exports: "Ã¦" for "æ". Undo it when the text is such a double encoding, else keep it."""
    try:
        return text.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


def _when(ts: Any) -> dt.datetime | None:
    if isinstance(ts, int | float) and not isinstance(ts, bool) and ts > 0:
        return dt.datetime.fromtimestamp(ts, dt.UTC)
    return None


def _id(platform: str, author: str, ts: Any, text: str) -> str:
    digest = hashlib.sha256(f"{platform}\x00{author}\x00{ts}\x00{text}".encode()).hexdigest()[:32]
    return f"export-{digest}"


def _event(platform: str, account: int, kind: str, text: str, author: str, ts: Any) -> Incoming | None:
    text = _fix(text)
    if not text.strip():
        return None
    author = _fix(author)
    return Incoming(
        platform=platform,
        platform_id=_id(platform, author, ts, text),
        kind=kind,
        text=text,
        account=account,
        author_name=author or None,
        published_at=_when(ts),
    )


def _facebook(data: Any, account: int) -> Iterator[Incoming]:
    comments = data.get("comments_v2", []) if isinstance(data, dict) else []
    for item in comments if isinstance(comments, list) else []:
        for part in item.get("data", []) if isinstance(item, dict) else []:
            c = part.get("comment") if isinstance(part, dict) else None
            if isinstance(c, dict) and isinstance(c.get("comment"), str):
                author = str(c.get("author") or "")
                event = _event("facebook", account, "comment", c["comment"], author, c.get("timestamp"))
                if event is not None:
                    yield event
    posts = data if isinstance(data, list) else []
    for item in posts:
        for part in item.get("data", []) if isinstance(item, dict) else []:
            if isinstance(part, dict) and isinstance(part.get("post"), str):
                event = _event("facebook", account, "post", part["post"], "", item.get("timestamp"))
                if event is not None:
                    yield event


def _instagram(data: Any, account: int) -> Iterator[Incoming]:
    items = data.get("comments_media_comments", []) if isinstance(data, dict) else data
    for item in items if isinstance(items, list) else []:
        fields = item.get("string_map_data") if isinstance(item, dict) else None
        if not isinstance(fields, dict):
            continue
        text = (fields.get("Comment") or {}).get("value")
        if not isinstance(text, str):
            continue
        ts = (fields.get("Time") or {}).get("timestamp")
        author = str((fields.get("Media Owner") or {}).get("value") or "")
        event = _event("instagram", account, "comment", text, author, ts)
        if event is not None:
            yield event


def read_export(raw: bytes, platform: str, account: int) -> list[Incoming]:
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise InputError("the export is not JSON (choose the JSON format when downloading it)") from None
    found = list(_instagram(data, account) if platform == "instagram" else _facebook(data, account))
    if not found:
        raise InputError(
            f"no {platform} comments or posts found in the export (comments_v2, string_map_data)"
        )
    return found
