"""One record of the archive and its versions, looked up within the organisation (pages and API alike)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from rettesnor.archive.errors import NotFound
from rettesnor.records.archive_models import ArchiveContent, ArchiveEntry, ArchiveRecord
from rettesnor.records.models import Organisation


def record_in_org(session: Session, org: Organisation, record_id: int) -> ArchiveRecord:
    """The record, or NotFound (a 404) when it is not in this organisation's archive."""
    record = session.scalars(
        select(ArchiveRecord).where(ArchiveRecord.organisation_id == org.id, ArchiveRecord.id == record_id)
    ).first()
    if record is None:
        raise NotFound(f"no record {record_id} in the archive of this organisation")
    return record


def versions(session: Session, org: Organisation, record_id: int) -> list[dict[str, Any]]:
    """Every version of the record in chain order, with its document (None once disposed)."""
    rows = session.execute(
        select(ArchiveEntry, ArchiveContent.body)
        .outerjoin(ArchiveContent, ArchiveContent.entry_id == ArchiveEntry.id)
        .where(ArchiveEntry.organisation_id == org.id, ArchiveEntry.record_id == record_id)
        .order_by(ArchiveEntry.seq)
    ).all()
    out = []
    for entry, body in rows:
        doc = json.loads(body) if body is not None else None
        out.append(
            {
                "entry": entry,
                "doc": doc,
                "text": doc.get("content") if doc else None,
                "state": doc.get("rettesnor:state") if doc else None,
                "tombstone": bool(doc and doc.get("type") == "Tombstone"),
            }
        )
    return out
