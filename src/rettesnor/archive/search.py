"""Full-text search with filters, and the access-request export (aktindsigt / innsyn / utlämnande).

SQLite: FTS5 (``unicode61``); PostgreSQL: ``websearch_to_tsquery`` with the organisation's language
configuration (danish, norwegian, swedish) over a GIN index. Filters: account, period, author,
category, decision, kind; all but the period are tokens in the same index (:mod:`rettesnor.archive.fts`),
the period a range of record ids, so one index lookup answers a search at any archive size.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, exists, func, select
from sqlalchemy.orm import Session

from rettesnor.archive.canonical import PERSONAL_DATA
from rettesnor.archive.errors import InvalidValue
from rettesnor.archive.fts import is_sqlite, name_words, pg_author, pg_config, sqlite_match, token
from rettesnor.records.archive_models import ArchiveContent, ArchiveEntry, ArchiveRecord, RecordCategory
from rettesnor.records.models import Organisation

_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True, slots=True)
class Filters:
    account_id: int | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None
    author: str | None = None  # the author's platform id, name, or words of the name ("Mette")
    category: str | None = None
    decision: str | None = None
    kind: str | None = None


def _filtered(query: Select[Any], org: Organisation, f: Filters) -> Select[Any]:
    r = ArchiveRecord
    query = query.where(r.organisation_id == org.id)
    if f.account_id is not None:
        query = query.where(r.account_id == f.account_id)
    if f.since is not None:
        query = query.where(r.received_at >= f.since)
    if f.until is not None:
        query = query.where(r.received_at < f.until)
    if f.category:
        query = query.where(
            exists().where(RecordCategory.record_id == r.id, RecordCategory.category == f.category)
        )
    if f.decision:
        query = query.where(r.decision == f.decision)
    if f.kind:
        query = query.where(r.kind == f.kind)
    return query


def _tokens(org: Organisation, f: Filters) -> list[str]:
    """The index tokens a record must carry to pass the filters (all but the period)."""
    out = [token("org", str(org.id))]
    if f.account_id is not None:
        out.append(token("acc", str(f.account_id)))
    if f.category:
        out.append(token("cat", f.category))
    if f.decision:
        out.append(token("dec", f.decision))
    if f.kind:
        out.append(token("kind", f.kind))
    return out


def _id_range(session: Session, org: Organisation, f: Filters) -> tuple[int, int] | None:
    """The period as a range of record ids (None: nothing in it). Exact, because ingest gives an
    organisation's records rising ids and non-decreasing received times together (ingest._chunk)."""
    r = ArchiveRecord
    lo, hi = 0, 2**62
    if f.since is not None:
        first = session.scalar(
            select(r.id)
            .where(r.organisation_id == org.id, r.received_at >= f.since)
            .order_by(r.received_at, r.id)
            .limit(1)
        )
        if first is None:
            return None
        lo = first
    if f.until is not None:
        last = session.scalar(
            select(r.id)
            .where(r.organisation_id == org.id, r.received_at < f.until)
            .order_by(r.received_at.desc(), r.id.desc())
            .limit(1)
        )
        if last is None:
            return None
        hi = last
    return (lo, hi) if lo <= hi else None


def _ids(
    session: Session, org: Organisation, words: list[str], query: str, f: Filters, limit: int
) -> list[int]:
    """Ids of the newest matching records: one full-text index lookup, newest first, cut at ``limit``."""
    bounds = _id_range(session, org, f)
    if bounds is None:
        return []
    tokens = _tokens(org, f)
    conn = session.connection()
    if is_sqlite(session):
        rows = conn.exec_driver_sql(
            "SELECT rowid FROM archive_fts WHERE archive_fts MATCH ? AND rowid BETWEEN ? AND ? "
            "ORDER BY rowid DESC LIMIT ?",
            (sqlite_match(words, tokens, f.author), bounds[0], bounds[1], limit),
        )
        return [int(i) for (i,) in rows]
    match = "CAST(%s AS tsquery)"
    wanted = " & ".join([*tokens, *([pg_author(f.author)] if f.author else [])])
    params: list[Any] = [org.id, wanted]
    if words:
        match = "websearch_to_tsquery(CAST(%s AS regconfig), %s) && " + match
        params = [org.id, pg_config(org.country), query, wanted]
    # Never a prepared statement: after five runs psycopg prepares it and PostgreSQL may switch to a
    # generic plan that does not know how rare the words are (a backward scan of every record for a
    # rare word: 4 ms became 120 ms in the benchmark). Each search is planned for its own words.
    driver = conn.connection.driver_connection
    assert driver is not None
    cursor = driver.execute(
        f"SELECT record_id FROM archive_fts WHERE organisation_id = %s AND vector @@ ({match}) "
        "AND record_id BETWEEN %s AND %s ORDER BY record_id DESC LIMIT %s",
        (*params, bounds[0], bounds[1], limit),
        prepare=False,
    )
    return [int(i) for (i,) in cursor.fetchall()]


def search(
    session: Session, org: Organisation, query: str | None, filters: Filters | None = None, limit: int = 50
) -> list[ArchiveRecord]:
    """Records of ``org`` matching ``query`` (all words) and the filters, newest first.

    SQLite: the words are FTS5 phrases (the last one a prefix); PostgreSQL: ``websearch_to_tsquery``
    with the organisation's language. Either way the filters are tokens in the same index.
    """
    f = filters or Filters()
    words: list[str] = []
    if query is not None and query.strip():
        words = _WORD.findall(query)
        if not words:
            raise InvalidValue("the search needs at least one word")
    ids = _ids(session, org, words, query or "", f, limit)
    if not ids:
        return []
    r = ArchiveRecord
    found = _filtered(select(r).where(r.id.in_(ids)), org, f)  # the filters again, on the rows themselves
    return [x for x in session.scalars(found.order_by(r.id.desc())) if _by_author(x, f.author)]


def _by_author(record: ArchiveRecord, author: str | None) -> bool:
    """The sender asked for: the platform id, the whole name, or every word of it in the name."""
    if not author or author in (record.author_id, record.author_name):
        return True
    wanted = name_words(author)
    return bool(wanted) and set(wanted) <= set(name_words(record.author_name))


def count(session: Session, org: Organisation) -> int:
    return session.scalar(select(func.count()).where(ArchiveRecord.organisation_id == org.id)) or 0


# What an access-request export redacts about the persons in a record: personal data and the special
# categories (health, religion, ethnic origin …, GDPR art. 9), detected now, whatever the pack flags.
REDACTED = PERSONAL_DATA | {"special_category"}
# Redaction errs on the side of the citizen: a weaker signal than a check finding needs is enough.
REDACT_SCORE = 0.5

Placeholder = Callable[[str], str]


def _bracketed(category: str) -> str:
    return f"[{category}]"


def redact(
    text_: str, findings: list[dict[str, Any]], placeholder: Placeholder = _bracketed
) -> tuple[str, list[dict[str, Any]]]:
    """Replace the spans of personal-data findings by ``placeholder(category)``; the redaction log: where
    (in the original text), what category, and which detector found it (never the redacted words).

    Overlapping spans are merged, so no part of a longer span is left in clear."""
    # A stored place is [start, end], or [start, end, category] in a finding of several categories
    # (policy.evaluate.Finding): there the place's own category decides (NB014's case number is redacted,
    # its question words are not).
    spans = sorted(  # at the same start the longest span first: its category names the merged one
        {
            (s[0], s[1], s[2] if len(s) > 2 else f.get("category"), f.get("detector") or f.get("code") or "")
            for f in findings
            for s in f["spans"]
            if (s[2] if len(s) > 2 else f.get("category")) in REDACTED and 0 <= s[0] < s[1] <= len(text_)
        },
        key=lambda span: (span[0], -span[1], span[2], span[3]),
    )
    merged: list[list[Any]] = []
    for start, end, category, detector in spans:
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end, category, detector])
    out: list[str] = []
    listed: list[dict[str, Any]] = []
    pos = 0
    for start, end, category, detector in merged:
        out.append(text_[pos:start])
        out.append(placeholder(category))
        listed.append({"start": start, "end": end, "category": category, "detector": detector})
        pos = end
    out.append(text_[pos:])
    return "".join(out), listed


def personal_data(text_: str, org: Organisation, by_citizen: bool = True) -> list[dict[str, Any]]:
    """Personal data in ``text_`` as the detectors see it now, whatever the pack's rules flag for the
    kind of record: a citizen's phone number in a comment is no finding, but must not leave in clear;
    nor does a street and house number ("Solvej 4") or a health word ("kræft") about a neighbour."""
    from rettesnor.analysis import analyse  # the detectors are loaded only when an export needs them
    from rettesnor.analysis.contact import street_numbers
    from rettesnor.analysis.context import AnalysisContext
    from rettesnor.analysis.language import detect_language

    ctx = AnalysisContext(kind="comment", language=detect_language(text_, org.country), country=org.country)
    # A street and number alone is someone's address in what a citizen writes ("my neighbour on Solvej
    # 4"); in the organisation's own posts it is where the library or the road works are.
    signals = [*analyse(text_, ctx), *(street_numbers(text_) if by_citizen else ())]
    return [
        {"category": s.name, "spans": [[s.start, s.end]], "detector": s.detector}
        for s in signals
        if s.name in REDACTED and s.end > s.start and s.score >= REDACT_SCORE
    ]


def access_request(
    session: Session, org: Organisation, record_ids: list[int], placeholder: Placeholder = _bracketed
) -> dict[str, Any]:
    """The selected records with personal data found by the engine redacted, each with its redaction
    log; ``placeholder`` names a category in the reader's language (``[personnavn]``)."""
    records: list[dict[str, Any]] = []
    counts: dict[str, int] = {}
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
        text_ = doc.get("content", "")
        by_citizen = record.kind in ("comment", "private_message")
        found = [*(doc.get("rettesnor:findings") or []), *personal_data(text_, org, by_citizen)]
        content, redactions = redact(text_, found, placeholder)
        doc["content"] = content
        doc.pop("contentMap", None)
        if record.kind in ("comment", "private_message") and "attributedTo" in doc:
            doc["attributedTo"] = {"type": "Person", "name": placeholder("person_name")}
            redactions.append({"field": "attributedTo", "category": "person_name"})
        for x in redactions:
            counts[x["category"]] = counts.get(x["category"], 0) + 1
        records.append({"record": rid, "object": doc, "redactions": redactions})
    return {"organisation": org.slug, "records": records, "redacted": counts}
