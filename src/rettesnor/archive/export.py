"""Exports of the archive: JSON Lines of canonical records (every version, in chain order).

The Noark 5 arkivuttrekk and the journalpost shape of a registration task are not written yet
(issue 5, step 9): the commands say so in one line rather than write something that does not validate.
"""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from rettesnor.archive.errors import ArchiveError
from rettesnor.records.archive_models import ArchiveContent, ArchiveEntry
from rettesnor.records.models import Organisation


def jsonl(session: Session, org: Organisation, folder: Path, batch: int = 10_000) -> tuple[Path, int]:
    """``records.jsonl``: one line per version, ``{"seq", "entry_hash", "content_sha256", "object"}``;
    a disposed version has ``"object": null`` and keeps its hashes."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{org.slug}-records.jsonl"
    n, last = 0, 0
    with path.open("w", encoding="utf-8") as fh:
        while True:
            rows = session.execute(
                select(
                    ArchiveEntry.seq,
                    ArchiveEntry.entry_hash,
                    ArchiveEntry.content_sha256,
                    ArchiveContent.body,
                )
                .outerjoin(ArchiveContent, ArchiveContent.entry_id == ArchiveEntry.id)
                .where(ArchiveEntry.organisation_id == org.id, ArchiveEntry.seq > last)
                .order_by(ArchiveEntry.seq)
                .limit(batch)
            ).all()
            if not rows:
                break
            for seq, h, digest, body in rows:
                obj = json.loads(body) if body is not None else None
                line = {"seq": seq, "entry_hash": h, "content_sha256": digest, "object": obj}
                fh.write(json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n")
                n += 1
            last = rows[-1][0]
    return path, n


def noark5(session: Session, org: Organisation, folder: Path) -> tuple[Path, int]:
    raise ArchiveError("the Noark 5 extract is not implemented yet (issue 5); use --format jsonl")


def journalpost_xml(session: Session, org: Organisation, task_id: int) -> str:
    raise ArchiveError("the Noark 5 journalpost export is not implemented yet (issue 5); use --format json")
