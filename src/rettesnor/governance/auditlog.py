"""Reading the audit log, and writing it out in the shape of the Noark 5 change log (endringslogg)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from rettesnor.records.models import AuditEntry, Organisation


def history(
    session: Session,
    org: Organisation,
    object_type: str | None = None,
    object_id: int | None = None,
    limit: int = 1000,
) -> list[AuditEntry]:
    query = select(AuditEntry).where(AuditEntry.organisation_id == org.id)
    if object_type is not None:
        query = query.where(AuditEntry.object_type == object_type)
    if object_id is not None:
        query = query.where(AuditEntry.object_id == object_id)
    return list(session.scalars(query.order_by(AuditEntry.id).limit(limit)))


def as_noark(entry: AuditEntry) -> dict[str, Any]:
    """One entry with the element names of the Noark 5 change log."""
    return {
        "systemID": entry.id,
        "referanseArkivenhet": f"{entry.object_type}/{entry.object_id}",
        "referanseMetadata": entry.field,
        "endringstype": entry.action,
        "endretDato": entry.changed_at.isoformat(),
        "endretAv": entry.changed_by,
        "tidligereVerdi": entry.old_value,
        "nyVerdi": entry.new_value,
    }
