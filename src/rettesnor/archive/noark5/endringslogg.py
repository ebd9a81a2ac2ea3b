"""endringslogg.xml: new versions (edits, hides, deletions, evidence), task changes, disposals, and the
closing of the arkiv."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from lxml import etree
from sqlalchemy import select

from rettesnor.archive.noark5.common import (
    BATCH,
    NS,
    SYSTEM,
    XSI,
    Context,
    sub,
    system_id,
    text_or,
    timestamp,
)
from rettesnor.records.archive_models import ArchiveEntry, DisposalLog
from rettesnor.records.models import AuditEntry

CHANGE_FIELDS = {
    "edit": "tekst",
    "hide": "tilstand",
    "unhide": "tilstand",
    "delete": "tilstand",
    "evidence": "bevis",
    "action": "handling",
    "create": "tekst",
}
STATE_AFTER = {"hide": "skjult", "unhide": "publisert", "delete": "slettet"}


def _endring(
    parent: etree._Element, ref: str, what: str, at: dt.datetime, by: str, old: str | None, new: str | None
) -> None:
    el = sub(parent, "endring")
    sub(el, "referanseArkivenhet", ref)
    sub(el, "referanseMetadata", what)
    sub(el, "endretDato", timestamp(at))
    sub(el, "endretAv", text_or(by, SYSTEM))
    sub(el, "tidligereVerdi", text_or(old, "(ingen verdi)"))
    sub(el, "nyVerdi", text_or(new, "(ingen verdi)"))


def write(ctx: Context, folder: Path) -> int:
    """New versions of records, changes to registration tasks, disposals; and the closing of the arkiv."""
    org = ctx.org
    ns = NS["endringslogg"]
    path = folder / "endringslogg.xml"
    n = 0
    with etree.xmlfile(str(path), encoding="utf-8") as xf:
        xf.write_declaration()
        with xf.element(
            "endringslogg",
            {f"{{{XSI}}}schemaLocation": f"{ns} endringslogg.xsd"},
            nsmap={None: ns, "xsi": XSI},
        ):
            last = 0
            while True:
                rows = ctx.session.execute(
                    select(
                        ArchiveEntry.seq,
                        ArchiveEntry.id,
                        ArchiveEntry.record_id,
                        ArchiveEntry.version,
                        ArchiveEntry.event,
                        ArchiveEntry.recorded_at,
                    )
                    .where(
                        ArchiveEntry.organisation_id == org.id,
                        ArchiveEntry.seq > last,
                        ArchiveEntry.version > 1,
                    )
                    .order_by(ArchiveEntry.seq)
                    .limit(BATCH * 5)
                ).all()
                if not rows:
                    break
                holder = etree.Element("x")
                for _seq, entry_id, record_id, version, event, at in rows:
                    new = f"versjon {version} ({event})"
                    if event in STATE_AFTER:
                        new += f": {STATE_AFTER[event]}"
                    new += f"; dokumentobjekt {system_id(org.slug, 'dokumentobjekt', entry_id)}"
                    _endring(
                        holder,
                        system_id(org.slug, "registrering", record_id),
                        CHANGE_FIELDS.get(event, event),
                        at,
                        SYSTEM,
                        f"versjon {version - 1}",
                        new,
                    )
                    n += 1
                for child in holder:
                    xf.write(child)
                last = rows[-1][0]
            holder = etree.Element("x")
            task_records = {t.id: t.record_id for t in ctx.tasks.values()}
            if task_records:
                for entry in ctx.session.scalars(
                    select(AuditEntry)
                    .where(
                        AuditEntry.organisation_id == org.id,
                        AuditEntry.object_type == "registration_task",
                        AuditEntry.object_id.in_(list(task_records)),
                        AuditEntry.action == "update",
                    )
                    .order_by(AuditEntry.id)
                ):
                    _endring(
                        holder,
                        system_id(org.slug, "registrering", task_records[entry.object_id]),
                        f"registreringsoppgave.{entry.field}",
                        entry.changed_at,
                        entry.changed_by,
                        entry.old_value,
                        entry.new_value,
                    )
                    n += 1
            for d in ctx.session.scalars(
                select(DisposalLog).where(DisposalLog.organisation_id == org.id).order_by(DisposalLog.id)
            ):
                _endring(
                    holder,
                    system_id(org.slug, "dokumentbeskrivelse", d.record_id),
                    "utfoertKassasjon",
                    d.disposed_at,
                    d.disposed_by,
                    f"{d.versions} versjoner bevart",
                    f"innhold kassert etter regel {d.rule_id} ({d.record_kind})",
                )
                n += 1
            # The extract closes the arkiv: always one change, so the log is never empty.
            _endring(
                holder,
                system_id(org.slug, "arkiv"),
                "arkivstatus",
                ctx.now,
                ctx.actor,
                "Opprettet",
                "Avsluttet",
            )
            n += 1
            for child in holder:
                xf.write(child)
    return n
