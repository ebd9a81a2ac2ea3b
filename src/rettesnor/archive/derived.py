"""What people read, checked against the chain (``archive verify``, after the chain itself).

- Record projections: ``archive_record`` holds the current text, author, state and version that the queue,
  the archive pages and the API show. They must be those of the record's versions in the chain: text and
  author of its latest version from intake (a moderation version may carry the platform's evidence copy),
  state and version of its latest version.
- Content and disposal: a version's content may be missing only when the disposal log says the record
  was disposed.
- Moderation decisions are sealed in a chain of their own (``seal_prev``, ``seal``): who decided what,
  when, why, on which evidence. An altered decision no longer matches its seal; a removed one breaks the
  link of the next.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from rettesnor.archive.canonical import GENESIS, iso
from rettesnor.records.archive_models import ArchiveContent, ArchiveEntry, ArchiveRecord, DisposalLog
from rettesnor.records.archive_models import ModerationDecision as Decision

BATCH = 2000
SEALED = (
    "id",
    "organisation_id",
    "case_id",
    "record_id",
    "action",
    "ground",
    "reason",
    "decided_by_id",
    "evidence_entry_id",
    "reply_text",
    "escalated_to_id",
)  # fmt: skip  (and decided_at, as ISO)


@dataclass(frozen=True, slots=True)
class Mismatch:
    seq: int  # the record's chain entry it concerns (its latest, or the one whose content is gone)
    record_id: int
    platform_id: str | None
    code: str  # "projection", "content_removed", "decision_altered", "decision_removed"
    detail: str  # the field, or the decision's id


# --- decisions ------------------------------------------------------------------------------------


def decision_seal(prev: str, values: dict[str, Any]) -> str:
    fields = [values[k] for k in SEALED] + [iso(values["decided_at"])]
    line = prev + "|" + json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(line.encode("utf-8")).hexdigest()


def _values(d: Decision) -> dict[str, Any]:
    return {k: getattr(d, k) for k in (*SEALED, "decided_at")}


def seal(session: Session, decision: Decision) -> None:
    """Seal ``decision`` after the organisation's last sealed one (the caller holds the chain's lock)."""
    session.flush()
    prev = session.scalar(
        select(Decision.seal)
        .where(
            Decision.organisation_id == decision.organisation_id,
            Decision.id < decision.id,
            Decision.seal.is_not(None),
        )
        .order_by(Decision.id.desc())
        .limit(1)
    )
    decision.seal_prev = prev or GENESIS
    decision.seal = decision_seal(decision.seal_prev, _values(decision))
    session.flush()


def check_decisions(session: Session, organisation_id: int) -> tuple[Mismatch | None, str]:
    """The first decision altered or removed, and the head of the decisions' chain. Read as rows, never
    as objects a session may hold already."""
    columns = [getattr(Decision, k) for k in (*SEALED, "decided_at", "seal_prev", "seal")]
    prev, last = GENESIS, 0
    while True:
        rows = (
            session.execute(
                select(*columns)
                .where(Decision.organisation_id == organisation_id, Decision.id > last)
                .order_by(Decision.id)
                .limit(BATCH)
            )
            .mappings()
            .all()
        )
        if not rows:
            return None, prev
        for d in rows:
            code = None
            if d["seal_prev"] != prev:
                code = (
                    "decision_removed"
                    if d["seal_prev"] is not None and d["seal"] is not None
                    else "decision_altered"
                )
            elif d["seal"] != decision_seal(prev, dict(d)):
                code = "decision_altered"
            if code is not None:
                return _about(session, d["record_id"], code, str(d["id"])), prev
            prev = str(d["seal"])
        last = rows[-1]["id"]


def _about(session: Session, record_id: int, code: str, detail: str, seq: int | None = None) -> Mismatch:
    platform_id = session.scalar(select(ArchiveRecord.platform_id).where(ArchiveRecord.id == record_id))
    if seq is None:
        seq = (
            session.scalar(
                select(ArchiveEntry.seq)
                .where(ArchiveEntry.record_id == record_id)
                .order_by(ArchiveEntry.seq.desc())
                .limit(1)
            )
            or 0
        )
    return Mismatch(int(seq), record_id, platform_id, code, detail)


# --- records --------------------------------------------------------------------------------------


def check_records(session: Session, organisation_id: int) -> Mismatch | None:
    """The first record whose projection differs from the chain, or whose content went missing without
    a disposal."""
    r = ArchiveRecord
    last = 0
    while True:
        recs = session.execute(
            select(
                r.id,
                r.platform,
                r.platform_id,
                r.kind,
                r.version,
                r.state,
                r.text,
                r.author_id,
                r.author_name,
                r.disposed_at,
            )
            .where(r.organisation_id == organisation_id, r.id > last)
            .order_by(r.id)
            .limit(BATCH)
        ).all()
        if not recs:
            return None
        ids = [x.id for x in recs]
        entries: dict[int, list[tuple[int, int, str, str | None]]] = {}
        for record_id, seq, version, event, body in session.execute(
            select(
                ArchiveEntry.record_id,
                ArchiveEntry.seq,
                ArchiveEntry.version,
                ArchiveEntry.event,
                ArchiveContent.body,
            )
            .outerjoin(ArchiveContent, ArchiveContent.entry_id == ArchiveEntry.id)
            .where(ArchiveEntry.record_id.in_(ids))
            .order_by(ArchiveEntry.record_id, ArchiveEntry.seq)
        ):
            entries.setdefault(record_id, []).append((seq, version, event, body))
        disposed = set(session.scalars(select(DisposalLog.record_id).where(DisposalLog.record_id.in_(ids))))
        for rec in recs:
            found = _record(rec, entries.get(rec.id, []), rec.id in disposed)
            if found is not None:
                code, detail, seq = found
                return Mismatch(seq, rec.id, rec.platform_id, code, detail)
        last = ids[-1]


def _record(
    rec: Any, entries: Sequence[tuple[int, int, str, str | None]], logged: bool
) -> tuple[str, str, int] | None:
    if not entries:
        return None  # a record without versions: the chain's check names it (removed)
    gone = [e for e in entries if e[3] is None]
    if gone and not logged:
        return "content_removed", "", gone[0][0]
    seq, version, _event, body = entries[-1]
    if rec.version != version:
        return "projection", "version", seq
    if logged or rec.disposed_at is not None:
        if not logged:
            return "projection", "disposed_at", seq
        return ("projection", "text", seq) if rec.text is not None else None
    latest = json.loads(str(body))
    platform = latest.get("rettesnor:platform") or {}
    expected = {
        "state": latest.get("rettesnor:state"),
        "kind": latest.get("rettesnor:kind"),
        "platform": platform.get("name"),
        "platform_id": platform.get("id"),
    }
    intake = _intake(entries)
    author = intake.get("attributedTo") or {}
    expected.update(text=intake.get("content"), author_name=author.get("name"), author_id=author.get("id"))
    actual = {
        "state": rec.state,
        "kind": rec.kind,
        "platform": rec.platform,
        "platform_id": rec.platform_id,
        "text": rec.text,
        "author_name": rec.author_name or None,
        "author_id": f"{rec.platform}:{rec.author_id}" if rec.author_id else None,
    }
    for name, value in actual.items():
        if value != expected[name]:
            return "projection", name, seq
    return None


def _intake(entries: Sequence[tuple[int, int, str, str | None]]) -> dict[str, Any]:
    """The document of the latest version that came in from the source (not made by moderation)."""
    for _seq, _version, event, body in reversed(entries):
        doc: dict[str, Any] = json.loads(str(body))
        if event != "evidence" and "rettesnor:decision" not in doc:
            return doc
    first: dict[str, Any] = json.loads(str(entries[0][3]))
    return first
