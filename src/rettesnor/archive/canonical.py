"""Canonical JSON of a record version (ActivityStreams 2.0 vocabulary) and the hashes over it.

Canonical means: keys sorted, no insignificant whitespace, UTF-8, so the same version always gives
the same bytes and the same SHA-256 (the idea of RFC 8785 for the values we write: strings, integers,
lists, objects, no floats).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
from typing import Any

AS_CONTEXT = "https://www.w3.org/ns/activitystreams"
GENESIS = "0" * 64
PERSONAL_DATA = frozenset(
    {"national_id", "phone", "email", "bank_account", "address", "person_name", "case_number"}
)


def dumps(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@functools.lru_cache(maxsize=4096)  # a chunk's versions share their received and recorded times
def iso(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def urn(org_slug: str, platform: str, platform_id: str) -> str:
    return f"urn:rettesnor:{org_slug}:{platform}:{platform_id}"


def entry_hash(
    prev_hash: str,
    organisation_id: int,
    seq: int,
    record_id: int,
    version: int,
    event: str,
    recorded_at: dt.datetime,
    content_sha256: str,
) -> str:
    """The link of the chain: everything about the entry, and the link before it."""
    return link_hash(
        prev_hash, organisation_id, seq, record_id, version, event, iso(recorded_at) or "", content_sha256
    )


def link_hash(
    prev_hash: str,
    organisation_id: int,
    seq: int,
    record_id: int,
    version: int,
    event: str,
    recorded_iso: str,
    content_sha256: str,
) -> str:
    """:func:`entry_hash` with the time already in its ISO form (verify reads it so from SQLite)."""
    line = (
        f"{prev_hash}|{organisation_id}|{seq}|{record_id}|{version}|{event}|{recorded_iso}|{content_sha256}"
    )
    return hashlib.sha256(line.encode("utf-8")).hexdigest()


AS_TYPES = {"post": "Note", "comment": "Note", "reply": "Note", "private_message": "Note"}


def document(
    *,
    org_slug: str,
    platform: str,
    platform_id: str,
    kind: str,
    version: int,
    event: str,
    state: str,
    text: str,
    author_id: str | None,
    author_name: str | None,
    account: dict[str, Any] | None,
    parent: str | None,
    thread: str | None,
    published: dt.datetime | None,
    received: dt.datetime,
    recorded: dt.datetime,
    language: str | None,
    findings: list[dict[str, Any]] | None,
    policy: str | None,
    attachments: list[dict[str, Any]],
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One version as an ActivityStreams 2.0 object, with ``rettesnor:`` terms for what AS2 lacks."""
    as_type = AS_TYPES.get(kind, "Note")
    doc: dict[str, Any] = {
        "@context": [AS_CONTEXT, {"rettesnor": "urn:rettesnor:terms#"}],
        "id": urn(org_slug, platform, platform_id),
        "type": "Tombstone" if state == "deleted" else as_type,
        "content": text,
        "mediaType": "text/plain",
        "rettesnor:kind": kind,
        "rettesnor:version": version,
        "rettesnor:event": event,
        "rettesnor:state": state,
        "rettesnor:platform": {"name": platform, "id": platform_id},
        "rettesnor:received": iso(received),
        "rettesnor:recorded": iso(recorded),
    }
    if state == "deleted":
        doc["formerType"] = as_type
        doc["deleted"] = iso(recorded)
    if published is not None:
        doc["published"] = iso(published)
    if version > 1:
        doc["updated"] = iso(recorded)
    if author_id or author_name:
        author: dict[str, Any] = {"type": "Person"}
        if author_id:
            author["id"] = f"{platform}:{author_id}"
        if author_name:
            author["name"] = author_name
        doc["attributedTo"] = author
    if account:
        doc["audience"] = account
    if parent:
        doc["inReplyTo"] = parent
    if thread:
        doc["context"] = thread
    if language:
        doc["contentMap"] = {language: text}
    if findings is not None:
        doc["rettesnor:findings"] = findings
    if policy:
        doc["rettesnor:policy"] = policy
    if attachments:
        doc["attachment"] = attachments
    if extra:
        doc.update(extra)
    return doc


def compact_findings(result_findings: list[Any]) -> list[dict[str, Any]]:
    """The engine's findings as stored with a version: what fired, why, where; no long messages."""
    out = []
    for f in result_findings:
        rule = f.rule
        item: dict[str, Any] = {
            "code": rule.code,
            "rule": rule.name,
            "category": f.category,
            "severity": rule.severity,
            "clauses": [c.id for c in rule.clauses],
            "spans": [[s.start, s.end] for s in f.spans],
        }
        if len(f.categories) > 1:  # a rule that read several signals: each place keeps its category
            item["categories"] = list(f.categories)
            item["spans"] = [[s.start, s.end, s.category] for s in f.spans]
        if f.omitted:  # places past policy.evaluate's MAX_LISTED: the record says how many it leaves out
            item["omitted"] = f.omitted
        if rule.action is not None:
            item["action"] = rule.action
            if rule.ground is not None:
                item["ground"] = rule.ground
        out.append(item)
    return out
