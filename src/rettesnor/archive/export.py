"""Exports of the archive: JSON Lines of canonical records (every version, in chain order), and the
Noark 5 arkivuttrekk and journalpost shape (written by :mod:`rettesnor.archive.noark5`).
"""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

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


def noark5(session: Session, org: Organisation, folder: Path, actor: str = "rettesnor") -> tuple[Path, int]:
    """The Noark 5 arkivuttrekk in ``folder``; returns the folder and the number of dokumentobjekt."""
    from rettesnor.archive import noark5 as n5

    extract = n5.export(session, org, folder, actor=actor)
    return extract.folder, extract.counts.get("dokumentobjekt", 0)


def journalpost_xml(session: Session, org: Organisation, task_id: int, actor: str = "rettesnor") -> str:
    """A registration task as a Noark 5 journalpost (in a minimal arkivstruktur.xml)."""
    from rettesnor.archive import noark5 as n5

    return n5.journalpost_xml(session, org, task_id, actor)
