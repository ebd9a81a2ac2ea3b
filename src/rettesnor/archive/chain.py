"""The append-only hash chain per organisation: appending versions and verifying the chain.

Each entry links to the one before it (``prev_hash``) and carries the SHA-256 of its version's canonical
JSON, not the JSON itself, so a disposal run can remove content and the chain still verifies; where the
content is still there, ``verify`` also checks that it hashes to what the chain says.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, func, insert, select, text
from sqlalchemy.orm import Session

from rettesnor.archive.bulk import insert_rows
from rettesnor.archive.canonical import GENESIS, dumps, entry_hash, iso, link_hash, sha256_text
from rettesnor.records.archive_models import (
    ATTACHMENT_TABLE,
    CONTENT_TABLE,
    ENTRY_TABLE,
    ArchiveContent,
    ArchiveEntry,
    ArchiveRecord,
)
from rettesnor.records.models import Organisation


@dataclass(slots=True)
class NewVersion:
    """A version to append: the record, its number, the event, and its canonical document."""

    record_id: int
    version: int
    event: str
    doc: dict[str, Any]
    attachments: list[dict[str, Any]] = field(default_factory=list)  # sha256, media_type, name, size


def lock_chain(session: Session, organisation_id: int) -> None:
    """On PostgreSQL lock the organisation row until the transaction ends, so that two writers cannot
    fork the chain (on SQLite one writer at a time, and the unique (organisation, seq) refuses a fork)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            text("SELECT id FROM organisation WHERE id = :id FOR UPDATE"), {"id": organisation_id}
        )


def _lock_head(session: Session, organisation_id: int) -> tuple[int, str]:
    """The last (seq, hash) of the organisation's chain, locked (:func:`lock_chain`)."""
    lock_chain(session, organisation_id)
    row = session.execute(
        select(ArchiveEntry.seq, ArchiveEntry.entry_hash)
        .where(ArchiveEntry.organisation_id == organisation_id)
        .order_by(ArchiveEntry.seq.desc())
        .limit(1)
    ).first()
    return (0, GENESIS) if row is None else (int(row[0]), str(row[1]))


def allocate_ids(session: Session, table: Table, n: int) -> list[int]:
    """``n`` new ids for ``table``, ascending, so that a batch is one executemany without RETURNING.

    PostgreSQL: from the column's sequence (never handed out twice). SQLite: after the highest id; the
    batch paths call this inside their write transaction (the chain's head is read first), and SQLite
    lets one writer at a time commit, so a concurrent writer makes the later insert fail, never reuse.
    """
    if n <= 0:
        return []
    if session.get_bind().dialect.name == "postgresql":
        rows = session.scalars(
            text("SELECT nextval(pg_get_serial_sequence(:t, 'id')) FROM generate_series(1, :n)"),
            {"t": table.name, "n": n},
        )
        return sorted(int(i) for i in rows)
    start = int(session.scalar(select(func.max(table.c.id))) or 0)
    return list(range(start + 1, start + n + 1))


def append(
    session: Session, organisation_id: int, versions: Sequence[NewVersion], now: dt.datetime
) -> list[int]:
    """Append versions to the chain in order; returns their entry ids."""
    if not versions:
        return []
    seq, prev = _lock_head(session, organisation_id)
    entries: list[dict[str, Any]] = []
    bodies: list[str] = []
    recorded = now.isoformat(timespec="microseconds").replace("+00:00", "Z")
    for v in versions:
        seq += 1
        v.doc["rettesnor:recorded"] = recorded
        body = dumps(v.doc)
        digest = sha256_text(body)
        h = entry_hash(prev, organisation_id, seq, v.record_id, v.version, v.event, now, digest)
        entries.append(
            {
                "organisation_id": organisation_id,
                "seq": seq,
                "record_id": v.record_id,
                "version": v.version,
                "event": v.event,
                "recorded_at": now,
                "content_sha256": digest,
                "prev_hash": prev,
                "entry_hash": h,
            }
        )
        bodies.append(body)
        prev = h
    ids = allocate_ids(session, ENTRY_TABLE, len(entries))
    for entry, i in zip(entries, ids, strict=True):
        entry["id"] = i
    insert_rows(session, ENTRY_TABLE, entries)
    insert_rows(
        session, CONTENT_TABLE, [{"entry_id": i, "body": b} for i, b in zip(ids, bodies, strict=True)]
    )
    files = [
        {"organisation_id": organisation_id, "entry_id": i, **a}
        for i, v in zip(ids, versions, strict=True)
        for a in v.attachments
    ]
    if files:
        session.execute(insert(ATTACHMENT_TABLE), files)
    return ids


def latest_doc(session: Session, record_id: int) -> tuple[int, dict[str, Any] | None]:
    """The latest entry id of a record and its document (None once disposed)."""
    row = session.execute(
        select(ArchiveEntry.id, ArchiveContent.body)
        .outerjoin(ArchiveContent, ArchiveContent.entry_id == ArchiveEntry.id)
        .where(ArchiveEntry.record_id == record_id)
        .order_by(ArchiveEntry.version.desc(), ArchiveEntry.seq.desc())
        .limit(1)
    ).first()
    if row is None:
        return 0, None
    return int(row[0]), (json.loads(row[1]) if row[1] is not None else None)


# What can be wrong with an entry, as a code (pages translate it) and in English (the CLI, the API).
PROBLEMS = {
    "altered": "altered",
    "altered_content": "altered (content)",
    "altered_or_reordered": "altered or reordered",
    "reordered": "reordered",
    "removed": "removed",
    "removed_before": "removed (the entry before record {record})",  # the chain cannot say whose it was
    # what people read, against the chain (rettesnor.archive.derived)
    "projection": "shown differently from the chain (the record's {detail})",
    "content_removed": "removed (its content is gone without a disposal in the log)",
    "decision_altered": "altered (moderation decision {detail} no longer matches its seal)",
    "decision_removed": "removed (a moderation decision before decision {detail})",
}


@dataclass(frozen=True, slots=True)
class Problem:
    seq: int
    record_id: int | None
    platform_id: str | None
    code: str  # a key of PROBLEMS
    detail: str = ""  # the field or decision a derived-table problem names

    @property
    def what(self) -> str:
        return PROBLEMS[self.code].format(record=self.record_id, detail=self.detail)

    def __str__(self) -> str:
        where = f"record {self.record_id}" + (f" ({self.platform_id})" if self.platform_id else "")
        return f"entry {self.seq}, {where}: {self.what}"


@dataclass(frozen=True, slots=True)
class Verification:
    organisation: str
    entries: int
    head: str  # the last entry hash: write it down elsewhere to anchor the chain
    disposed: int  # entries whose content was disposed (checked by their hash in the chain only)
    problem: Problem | None
    decisions_head: str = ""  # the last seal of the moderation decisions' chain: anchor it with the head

    @property
    def ok(self) -> bool:
        return self.problem is None


def verify(
    session: Session, org: Organisation, progress: Callable[[int], None] | None = None, batch: int = 20_000
) -> Verification:
    """Recompute the chain of ``org``; name the first entry that was altered, removed or reordered; then
    check what people read against it (:mod:`rettesnor.archive.derived`) and name the first mismatch."""
    prev, expected, count, disposed = GENESIS, 1, 0, 0
    seen: dict[str, int] = {}
    last_seq = 0
    while True:
        rows = _entries(session, org.id, last_seq, batch)
        if not rows:
            break
        for seq, record_id, version, event, at, digest, prev_hash, stored, body in rows:
            problem = None
            if seq != expected:
                # a gap: the chain alone cannot say whose entry it was, so the next one is named
                problem = "removed_before" if seq > expected else "reordered"
                seq_reported = expected if seq > expected else seq
            elif prev_hash != prev:
                later = prev_hash not in seen
                problem = (
                    "reordered" if later and _exists(session, org, prev_hash) else "altered_or_reordered"
                )
                seq_reported = seq
            elif link_hash(prev, org.id, seq, record_id, version, event, at, digest) != stored:
                problem, seq_reported = "altered", seq
            elif body is not None and sha256_text(body) != digest:
                problem, seq_reported = "altered_content", seq
            if problem is not None:
                return Verification(
                    org.slug,
                    count,
                    prev,
                    disposed,
                    Problem(seq_reported, record_id, _platform_id(session, record_id), problem),
                )
            if body is None:
                disposed += 1
            seen[stored] = seq
            prev, expected = stored, expected + 1
            count += 1
        last_seq = rows[-1][0]
        if len(seen) > 100_000:
            seen.clear()
        if progress is not None:
            progress(len(rows))
    tail = _missing_tail(session, org)
    if tail is not None:
        return Verification(
            org.slug, count, prev, disposed, Problem(count + 1, tail, _platform_id(session, tail), "removed")
        )
    from rettesnor.archive import derived

    mismatch, decisions_head = derived.check_decisions(session, org.id)
    mismatch = derived.check_records(session, org.id) or mismatch
    found = None
    if mismatch is not None:
        m = mismatch
        found = Problem(m.seq, m.record_id, m.platform_id, m.code, m.detail)
    return Verification(org.slug, count, prev, disposed, found, decisions_head)


def _entries(session: Session, organisation_id: int, after: int, limit: int) -> list[tuple[Any, ...]]:
    """The next ``limit`` entries after seq ``after``, with their content, straight from the driver.

    Read past SQLAlchemy's result processing (a third of the time at a million entries): the time comes
    back as text on SQLite, written there by SQLAlchemy's DATETIME as ``YYYY-MM-DD HH:MM:SS.ffffff``
    (naive UTC), which is the chain's ISO form with ``T`` and ``Z``; on PostgreSQL as a naive datetime.
    """
    conn = session.connection()
    sqlite = conn.dialect.name == "sqlite"
    mark = "?" if sqlite else "%s"
    rows = conn.exec_driver_sql(
        "SELECT e.seq, e.record_id, e.version, e.event, e.recorded_at, e.content_sha256, e.prev_hash, "
        "e.entry_hash, c.body FROM archive_entry e LEFT OUTER JOIN archive_content c ON c.entry_id = e.id "
        f"WHERE e.organisation_id = {mark} AND e.seq > {mark} ORDER BY e.seq LIMIT {mark}",
        (organisation_id, after, limit),
    ).all()
    out: list[tuple[Any, ...]] = []
    for row in rows:
        at = row[4]
        if isinstance(at, str):
            at_iso = (
                f"{at[:10]}T{at[11:]}Z"
                if len(at) == 26
                else iso(dt.datetime.fromisoformat(at).replace(tzinfo=dt.UTC))
            )
        else:
            at_iso = iso(at.replace(tzinfo=dt.UTC))
        out.append((row[0], row[1], row[2], row[3], at_iso, row[5], row[6], row[7], row[8]))
    return out


def _exists(session: Session, org: Organisation, digest: str) -> bool:
    return (
        session.scalar(
            select(func.count()).where(
                ArchiveEntry.organisation_id == org.id, ArchiveEntry.entry_hash == digest
            )
        )
        or 0
    ) > 0


def _platform_id(session: Session, record_id: int | None) -> str | None:
    if record_id is None:
        return None
    return session.scalar(select(ArchiveRecord.platform_id).where(ArchiveRecord.id == record_id))


def _missing_tail(session: Session, org: Organisation) -> int | None:
    """A record whose latest versions are not in the chain (the end of the chain was cut off)."""
    counts = (
        select(ArchiveEntry.record_id, func.max(ArchiveEntry.version).label("v"))
        .where(ArchiveEntry.organisation_id == org.id)
        .group_by(ArchiveEntry.record_id)
        .subquery()
    )
    return session.scalar(
        select(ArchiveRecord.id)
        .outerjoin(counts, counts.c.record_id == ArchiveRecord.id)
        .where(ArchiveRecord.organisation_id == org.id, func.coalesce(counts.c.v, 0) < ArchiveRecord.version)
        .order_by(ArchiveRecord.id)
        .limit(1)
    )
