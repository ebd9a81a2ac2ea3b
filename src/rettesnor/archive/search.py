"""Full-text search with filters, and the access-request export (aktindsigt / innsyn / utlämnande).

SQLite: FTS5 (``unicode61``); PostgreSQL: ``websearch_to_tsquery`` with the organisation's language
configuration (danish, norwegian, swedish) over a GIN index. Filters: account, period, author,
category, decision, kind.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Integer, Select, column, func, select, text
from sqlalchemy.orm import Session

from rettesnor.archive.canonical import PERSONAL_DATA
from rettesnor.archive.errors import InvalidValue
from rettesnor.archive.fts import is_sqlite, pg_config
from rettesnor.records.archive_models import ArchiveContent, ArchiveEntry, ArchiveRecord
from rettesnor.records.models import Organisation

_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True, slots=True)
class Filters:
    account_id: int | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None
    author: str | None = None  # the author's platform id or name as received
    category: str | None = None
    decision: str | None = None
    kind: str | None = None


def _fts5_query(query: str) -> str:
    """Words of the user's query as FTS5 phrases (prefix match on the last one); no FTS5 syntax."""
    words = _WORD.findall(query)
    if not words:
        raise InvalidValue("the search needs at least one word")
    return " ".join(f'"{w}"' for w in words[:-1]) + (" " if len(words) > 1 else "") + f'"{words[-1]}"*'


def _filtered(query: Select[Any], org: Organisation, f: Filters) -> Select[Any]:
    r = ArchiveRecord
    query = query.where(r.organisation_id == org.id)
    if f.account_id is not None:
        query = query.where(r.account_id == f.account_id)
    if f.since is not None:
        query = query.where(r.received_at >= f.since)
    if f.until is not None:
        query = query.where(r.received_at < f.until)
    if f.author:
        query = query.where((r.author_id == f.author) | (r.author_name == f.author))
    if f.category:
        query = query.where(
            (r.categories == f.category)
            | r.categories.like(f"{f.category},%")
            | r.categories.like(f"%,{f.category}")
            | r.categories.like(f"%,{f.category},%")
        )
    if f.decision:
        query = query.where(r.decision == f.decision)
    if f.kind:
        query = query.where(r.kind == f.kind)
    return query


def search(
    session: Session, org: Organisation, query: str | None, filters: Filters | None = None, limit: int = 50
) -> list[ArchiveRecord]:
    """Records of ``org`` matching ``query`` (all words) and the filters, newest first."""
    f = filters or Filters()
    base = _filtered(select(ArchiveRecord), org, f)
    if query is not None and query.strip():
        if is_sqlite(session):
            ids = text("SELECT rowid FROM archive_fts WHERE archive_fts MATCH :q")
            base = base.where(
                ArchiveRecord.id.in_(ids.bindparams(q=_fts5_query(query)).columns(column("rowid", Integer)))
            )
        else:
            if not _WORD.search(query):
                raise InvalidValue("the search needs at least one word")
            ids = text(
                "SELECT record_id FROM archive_fts WHERE organisation_id = :org "
                "AND vector @@ websearch_to_tsquery(CAST(:cfg AS regconfig), :q)"
            ).bindparams(org=org.id, cfg=pg_config(org.country), q=query)
            base = base.where(ArchiveRecord.id.in_(ids.columns(column("record_id", Integer))))
    return list(session.scalars(base.order_by(ArchiveRecord.id.desc()).limit(limit)))


def count(session: Session, org: Organisation) -> int:
    return session.scalar(select(func.count()).where(ArchiveRecord.organisation_id == org.id)) or 0


def redact(text_: str, findings: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """Replace the spans of personal-data findings by ``[category]``; the list of what was redacted."""
    spans = sorted(
        {
            (s[0], s[1], f["category"])
            for f in findings
            if f.get("category") in PERSONAL_DATA
            for s in f["spans"]
        }
    )
    out: list[str] = []
    listed: list[dict[str, Any]] = []
    pos = 0
    for start, end, category in spans:
        if start < pos or end > len(text_):
            continue
        out.append(text_[pos:start])
        out.append(f"[{category}]")
        listed.append({"start": start, "end": end, "category": category})
        pos = end
    out.append(text_[pos:])
    return "".join(out), listed


def access_request(session: Session, org: Organisation, record_ids: list[int]) -> dict[str, Any]:
    """The selected records with personal data found by the engine redacted, and the redactions listed."""
    records: list[dict[str, Any]] = []
    for rid in record_ids:
        record = session.scalars(
            select(ArchiveRecord).where(ArchiveRecord.organisation_id == org.id, ArchiveRecord.id == rid)
        ).first()
        if record is None:
            raise InvalidValue(f"no record {rid} in {org.slug}")
        body = session.scalar(
            select(ArchiveContent.body)
            .join(ArchiveEntry, ArchiveEntry.id == ArchiveContent.entry_id)
            .where(ArchiveEntry.record_id == rid)
            .order_by(ArchiveEntry.version.desc(), ArchiveEntry.seq.desc())
            .limit(1)
        )
        if body is None:
            records.append({"record": rid, "disposed": True})
            continue
        doc = json.loads(body)
        content, redactions = redact(doc.get("content", ""), doc.get("rettesnor:findings") or [])
        doc["content"] = content
        doc.pop("contentMap", None)
        if record.kind in ("comment", "private_message") and "attributedTo" in doc:
            doc["attributedTo"] = {"type": "Person", "name": "[person_name]"}
            redactions.append({"field": "attributedTo", "category": "person_name"})
        entry: dict[str, Any] = {"record": rid, "object": doc, "redactions": redactions}
        records.append(entry)
    return {"organisation": org.slug, "records": records}
