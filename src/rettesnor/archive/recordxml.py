"""A record with its versions as XML (``schemas/rettesnor/v1/records.xsd``): the machine-readable form of
the archive in the E-ARK and Noark 5 exports. XML is an archival format in all three countries; JSON is not.

Each ``<version>`` keeps the exact canonical JSON whose SHA-256 the hash chain holds in ``<canonical>``, so
an export can still be checked against ``archive verify``'s head without the database; ``<text>`` is the
content for readers. Read in batches (:func:`batches`), so an export streams.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from lxml import etree
from sqlalchemy import select
from sqlalchemy.orm import Session

from rettesnor.records.archive_models import (
    ArchiveContent,
    ArchiveEntry,
    ArchiveRecord,
    ModerationDecision,
    RegistrationTask,
)
from rettesnor.records.models import Organisation

NS = "urn:x-rettesnor:record:1"
BATCH = 2000
# XML 1.0 cannot carry these characters at all; they are replaced, the canonical JSON keeps the original.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def schema_path() -> Path:
    return Path(str(resources.files("rettesnor.archive") / "schemas" / "rettesnor" / "v1" / "records.xsd"))


def clean(value: str) -> str:
    return _NOT_XML.sub("\ufffd", value)


def stamp(value: dt.datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


@dataclass(slots=True)
class Version:
    entry_id: int
    number: int
    event: str
    recorded_at: dt.datetime
    digest: str
    body: str | None


@dataclass(slots=True)
class Item:
    """A record with what the export needs of it."""

    record: ArchiveRecord
    versions: list[Version] = field(default_factory=list)
    decisions: list[ModerationDecision] = field(default_factory=list)
    tasks: list[RegistrationTask] = field(default_factory=list)


def batches(
    session: Session,
    org: Organisation,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    size: int = BATCH,
) -> Iterator[list[Item]]:
    """The organisation's records received in [since, until), in id order, ``size`` at a time."""
    r = ArchiveRecord
    last = 0
    while True:
        query = select(r).where(r.organisation_id == org.id, r.id > last)
        if since is not None:
            query = query.where(r.received_at >= since)
        if until is not None:
            query = query.where(r.received_at < until)
        records = list(session.scalars(query.order_by(r.id).limit(size)))
        if not records:
            return
        items = {x.id: Item(x) for x in records}
        ids = list(items)
        rows = session.execute(
            select(
                ArchiveEntry.id,
                ArchiveEntry.record_id,
                ArchiveEntry.version,
                ArchiveEntry.event,
                ArchiveEntry.recorded_at,
                ArchiveEntry.content_sha256,
                ArchiveContent.body,
            )
            .outerjoin(ArchiveContent, ArchiveContent.entry_id == ArchiveEntry.id)
            .where(ArchiveEntry.record_id.in_(ids))
            .order_by(ArchiveEntry.record_id, ArchiveEntry.seq)
        ).all()
        for entry_id, record_id, number, event, at, digest, body in rows:
            items[record_id].versions.append(Version(entry_id, number, event, at, digest, body))
        for d in session.scalars(
            select(ModerationDecision)
            .where(ModerationDecision.organisation_id == org.id, ModerationDecision.record_id.in_(ids))
            .order_by(ModerationDecision.id)
        ):
            items[d.record_id].decisions.append(d)
        for t in session.scalars(
            select(RegistrationTask)
            .where(RegistrationTask.organisation_id == org.id, RegistrationTask.record_id.in_(ids))
            .order_by(RegistrationTask.id)
        ):
            assert t.record_id is not None
            items[t.record_id].tasks.append(t)
        yield list(items.values())
        last = records[-1].id
        for item in items.values():  # constant memory: nothing of a written batch stays in the session
            for obj in (item.record, *item.decisions, *item.tasks):
                if obj in session:
                    session.expunge(obj)


def element(org: Organisation, item: Item, versions: Sequence[Version] | None = None) -> etree._Element:
    """``<record>`` with the given versions (all by default)."""
    rec = item.record
    attrs = {
        "id": str(rec.id),
        "organisation": org.slug,
        "platform": rec.platform,
        "platformId": clean(rec.platform_id),
        "kind": rec.kind,
        "state": rec.state,
    }
    if rec.account_id is not None:
        attrs["account"] = str(rec.account_id)
    if rec.thread_id is not None:
        attrs["thread"] = str(rec.thread_id)
    if rec.parent_id is not None:
        attrs["parent"] = str(rec.parent_id)
    root = etree.Element(f"{{{NS}}}record", attrs, nsmap={None: NS})
    if rec.author_id or rec.author_name:
        author = etree.SubElement(root, f"{{{NS}}}author")
        if rec.author_id:
            author.set("id", clean(rec.author_id))
        if rec.author_name:
            author.set("name", clean(rec.author_name))
    if rec.published_at is not None:
        etree.SubElement(root, f"{{{NS}}}published").text = stamp(rec.published_at)
    etree.SubElement(root, f"{{{NS}}}received").text = stamp(rec.received_at)
    for v in item.versions if versions is None else versions:
        el = etree.SubElement(
            root,
            f"{{{NS}}}version",
            number=str(v.number),
            event=v.event,
            recorded=stamp(v.recorded_at),
            sha256=v.digest,
        )
        if v.body is None:
            el.set("disposed", "true")
            continue
        doc = json.loads(v.body)
        etree.SubElement(el, f"{{{NS}}}text").text = clean(str(doc.get("content") or ""))
        etree.SubElement(el, f"{{{NS}}}canonical").text = clean(v.body)
    for d in item.decisions:
        el = etree.SubElement(root, f"{{{NS}}}decision", action=d.action, decided=stamp(d.decided_at))
        if d.ground:
            el.set("ground", d.ground)
        el.text = clean(d.reason or "")
    for t in item.tasks:
        el = etree.SubElement(root, f"{{{NS}}}task", kind=t.kind, status=t.status)
        if t.journal_ref:
            el.set("journalRef", clean(t.journal_ref))
    return root


def to_bytes(el: etree._Element) -> bytes:
    data: bytes = etree.tostring(el, encoding="utf-8", xml_declaration=True)
    return data
