"""The Noark 5 arkivuttrekk (archival extract, Noark 5 v5.0) of an organisation's archive.

One folder::

    arkivuttrekk.xml       ADDML 8.3: creator, system, period, counts, SHA-256 of every other XML/XSD file
    arkivstruktur.xml      arkiv → arkivdel → mappe per account → mappe per thread → registrering per record
                           (a journalpost where the record has a registration task)
                           → dokumentbeskrivelse → dokumentobjekt per version (sjekksum, SHA-256)
    endringslogg.xml       new versions (edits, hides, deletions, evidence), task changes, disposals
    loependeJournal.xml    } only when there are journal entries (journalposts from registration tasks)
    offentligJournal.xml   }
    *.xsd                  the schemas the files name, copied from the package
    DOKUMENT/              each version as XML (records.xsd), a PDF/A-2b of each journalpost's thread,
                           and the attachments

Documents are in archival formats (XML, PDF/A; JSON is not one). A version's XML keeps, in ``<canonical>``,
exactly the text whose SHA-256 the hash chain holds (``content_sha256``), so the extract can be checked
against ``archive verify``'s head without the database. Titles and descriptions are in the organisation's
language; code values (dokumentstatus, journalposttype …) are Noark's. Disposed versions have no file;
their dokumentbeskrivelse carries ``utfoertKassasjon`` and the disposal is in the change log.

``arkivstruktur.xml`` is written incrementally (one thread at a time), so large archives do not have to fit
in memory.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import uuid
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from lxml import etree
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rettesnor import __version__
from rettesnor.archive.blobs import BlobStore
from rettesnor.archive.errors import ArchiveError
from rettesnor.archive.xmlsafe import safe_suffix, xml_id, xml_text
from rettesnor.governance.common import get_in_org
from rettesnor.i18n import COUNTRY_LANGUAGE, N_, translator
from rettesnor.records.archive_models import (
    ArchiveAttachment,
    ArchiveContent,
    ArchiveEntry,
    ArchiveRecord,
    DisposalLog,
    ModerationDecision,
    RegistrationTask,
)
from rettesnor.records.models import Account, AuditEntry, Organisation, Person
from rettesnor.records.types import utcnow

N5 = "http://www.arkivverket.no/standarder/noark5/"
NS = {
    "arkivstruktur": N5 + "arkivstruktur",
    "endringslogg": N5 + "endringslogg",
    "loependeJournal": N5 + "loependeJournal",
    "offentligJournal": N5 + "offentligJournal",
}
ADDML_NS = "http://www.arkivverket.no/standarder/addml"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
NOARK_XSDS = ("arkivstruktur", "endringslogg", "loependeJournal", "offentligJournal", "metadatakatalog")
SYSTEM = "Rettesnor"
# systemIDs are UUIDs derived from what they identify, so two extracts of the same archive agree.
ID_SPACE = uuid.UUID("6f1c1d2e-5b7a-4c59-9d0e-2b8f0c7a9e41")
DOC_TYPES = {
    "post": "Innlegg på sosiale medier",
    "comment": "Kommentar på sosiale medier",
    "reply": "Svar på sosiale medier",
    "private_message": "Privat melding på sosiale medier",
    "moderator_action": "Moderatorhandling",
}
TASK_TITLES = {
    "complaint": "Klage mottatt på sosiale medier",
    "case_inquiry": "Henvendelse i sak mottatt på sosiale medier",
    "private_inquiry": "Henvendelse mottatt privat på sosiale medier",
}
BATCH = 2000
# Titles and descriptions, written in the organisation's language (the web application's catalogues).
ARKIV_TITLE = N_("Social media – {organisation}")
ARKIV_ABOUT = N_("Messages sent and received on the organisation's social-media accounts")
PART_TITLE = N_("Messages on social media")
ACCOUNT_TITLE = N_("Account: {name} ({platform})")
NO_ACCOUNT = N_("Messages without a known account")
NO_ACCOUNT_ABOUT = N_("Messages that are not tied to a registered account")
THREAD_TITLE = N_("Thread: {title}")
THREAD_DEFAULT = N_("Thread {platform_id}")
THREAD_ABOUT = N_("{n} messages")
TASK_FOLDER_ABOUT = N_("Registration task from social media")
RECORD_ABOUT = N_("State: {state}; versions: {versions}")
THREAD_DOCUMENT = N_("The thread as a document (PDF/A)")
TITLES_OF_TASKS = {
    "complaint": N_("Complaint received on social media"),
    "case_inquiry": N_("Case question received on social media"),
    "private_inquiry": N_("Inquiry received privately on social media"),
}
KIND_TITLES = {
    "post": N_("Post"),
    "comment": N_("Comment"),
    "reply": N_("Reply"),
    "private_message": N_("Private message"),
    "moderator_action": N_("Moderator action"),
}


def schema_dir() -> Path:
    """The XSDs shipped with the package (copies of Arkivverket's, byte for byte)."""
    return Path(str(resources.files("rettesnor.archive") / "schemas"))


def schema_path(name: str) -> Path:
    if name == "addml":
        return schema_dir() / "addml" / "v8.3" / "addml.xsd"
    return schema_dir() / "noark5" / "v5.0" / f"{name}.xsd"


def system_id(*parts: object) -> str:
    return str(uuid.uuid5(ID_SPACE, "|".join(str(p) for p in parts)))


def _dt(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _text(value: str | None, default: str) -> str:
    """A value for an element that must not be empty; XML cannot carry control characters."""
    cleaned = xml_text(value or "").strip()
    return cleaned or default


def _title(text: str | None, default: str, limit: int = 80) -> str:
    one = " ".join(_text(text, "").split())
    if not one:
        return default
    return one if len(one) <= limit else one[: limit - 1] + "…"


def _sub(parent: etree._Element, tag: str, text: object | None = None, **attrs: str) -> etree._Element:
    """The one way text enters an element: cleaned of what XML 1.0 forbids (see xmlsafe)."""
    el = etree.SubElement(parent, tag, {k: xml_text(v) for k, v in attrs.items()})
    if text is not None:
        el.text = xml_text(str(text))
    return el


def _ref(platform: str, platform_id: str) -> str:
    """A record's id in the extract (mappeID, registreringsID)."""
    return xml_id(f"{platform}:{platform_id}")


def _root(kind: str) -> etree._Element:
    ns = NS[kind]
    return etree.Element(
        f"{{{ns}}}{kind}" if kind != "arkivstruktur" else f"{{{ns}}}arkiv",
        nsmap={None: ns, "xsi": XSI},
        attrib={f"{{{XSI}}}schemaLocation": f"{ns} {kind}.xsd"},
    )


def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


@dataclass(slots=True)
class _Version:
    entry_id: int
    version: int
    event: str
    recorded_at: dt.datetime
    digest: str
    body: str | None
    files: list[tuple[str, str, str, int]] = field(default_factory=list)  # sha256, media type, name, size


@dataclass(slots=True)
class _Journal:
    """A registration task seen as a journalpost."""

    task: RegistrationTask
    record: ArchiveRecord
    system_id: str
    year: int
    sequence: int  # journalsekvensnummer: the n-th journalpost of its year in this extract
    number: int  # journalpostnummer: the n-th journalpost in its folder (thread)
    folder: str  # the thread's mappeID
    folder_year: int
    folder_number: int
    folder_title: str


@dataclass(slots=True)
class Extract:
    folder: Path
    files: list[str]  # the XML and XSD files listed in arkivuttrekk.xml
    counts: dict[str, int]
    documents: int  # files under DOKUMENT/


class _Context:
    def __init__(self, session: Session, org: Organisation, actor: str, blobs: BlobStore | None) -> None:
        self.session, self.org, self.actor = session, org, actor
        self.blobs = blobs or BlobStore()
        self.now = utcnow()
        self.people: dict[int, str] = {
            pid: name
            for pid, name in session.execute(
                select(Person.id, Person.name).where(Person.organisation_id == org.id)
            ).all()
        }
        self.tasks: dict[int, RegistrationTask] = {}
        for task in session.scalars(
            select(RegistrationTask)
            .where(RegistrationTask.organisation_id == org.id, RegistrationTask.record_id.is_not(None))
            .order_by(RegistrationTask.id)
        ):
            assert task.record_id is not None
            self.tasks.setdefault(task.record_id, task)
        self.journal: list[_Journal] = []
        self.counts: Counter[str] = Counter()
        self.lang = COUNTRY_LANGUAGE.get(org.country, "en")
        self.tr = translator(self.lang)

    def task_title(self, kind: str) -> str:
        return self.tr(TITLES_OF_TASKS.get(kind, "")) or TASK_TITLES.get(
            kind, "Henvendelse på sosiale medier"
        )

    def person(self, person_id: int | None) -> str:
        if person_id is None:
            return self.actor
        return self.people.get(person_id, f"person {person_id}")


# --- reading the archive --------------------------------------------------------------------------


def _records(ctx: _Context) -> Iterator[list[ArchiveRecord]]:
    """The records of the organisation in batches, ordered by account, thread and id."""
    r = ArchiveRecord
    root = func.coalesce(r.thread_id, r.id)
    last: tuple[int, int, int] | None = None
    while True:
        query = select(r).where(r.organisation_id == ctx.org.id)
        account_key = func.coalesce(r.account_id, 0)
        if last is not None:
            a, t, i = last
            query = query.where(
                (account_key > a)
                | ((account_key == a) & (root > t))
                | ((account_key == a) & (root == t) & (r.id > i))
            )
        rows = list(ctx.session.scalars(query.order_by(account_key, root, r.id).limit(BATCH)))
        if not rows:
            return
        yield rows
        x = rows[-1]
        last = (x.account_id or 0, x.thread_id or x.id, x.id)


def _versions(ctx: _Context, record_ids: Sequence[int]) -> dict[int, list[_Version]]:
    out: dict[int, list[_Version]] = {}
    by_entry: dict[int, _Version] = {}
    rows = ctx.session.execute(
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
        .where(ArchiveEntry.record_id.in_(record_ids))
        .order_by(ArchiveEntry.record_id, ArchiveEntry.seq)
    ).all()
    for entry_id, record_id, version, event, at, digest, body in rows:
        v = _Version(entry_id, version, event, at, digest, body)
        out.setdefault(record_id, []).append(v)
        by_entry[entry_id] = v
    if by_entry:
        a = ArchiveAttachment
        for entry_id, sha, media, name, size in ctx.session.execute(
            select(a.entry_id, a.sha256, a.media_type, a.name, a.size)
            .where(a.entry_id.in_(list(by_entry)), a.disposed_at.is_(None))
            .order_by(a.id)
        ).all():
            by_entry[entry_id].files.append((sha, media, name, size))
    return out


def _decisions(ctx: _Context, record_ids: Sequence[int]) -> dict[int, list[ModerationDecision]]:
    out: dict[int, list[ModerationDecision]] = {}
    for d in ctx.session.scalars(
        select(ModerationDecision)
        .where(ModerationDecision.record_id.in_(record_ids))
        .order_by(ModerationDecision.id)
    ):
        out.setdefault(d.record_id, []).append(d)
    return out


def _disposals(ctx: _Context, record_ids: Sequence[int]) -> dict[int, DisposalLog]:
    return {
        d.record_id: d
        for d in ctx.session.scalars(select(DisposalLog).where(DisposalLog.record_id.in_(record_ids)))
    }


# --- arkivstruktur.xml ----------------------------------------------------------------------------


def _dokumentobjekt(
    parent: etree._Element,
    sid: str,
    version: int,
    fmt: str,
    details: str,
    created: dt.datetime,
    by: str,
    ref: str,
    digest: str,
    size: int,
) -> None:
    obj = _sub(parent, "dokumentobjekt")
    _sub(obj, "systemID", sid)
    _sub(obj, "versjonsnummer", version)
    _sub(obj, "variantformat", "Arkivformat")
    _sub(obj, "format", fmt)
    _sub(obj, "formatDetaljer", details)
    _sub(obj, "opprettetDato", _dt(created))
    _sub(obj, "opprettetAv", by)
    _sub(obj, "referanseDokumentfil", ref)
    _sub(obj, "sjekksum", digest)
    _sub(obj, "sjekksumAlgoritme", "SHA-256")
    _sub(obj, "filstoerrelse", size)


class _Documents:
    """Writes the files under DOKUMENT/ and remembers what it wrote."""

    def __init__(self, ctx: _Context, folder: Path) -> None:
        self.ctx, self.folder = ctx, folder
        self.written = 0

    def version(self, record: ArchiveRecord, v: _Version) -> tuple[str, int, str]:
        """The version as XML (records.xsd): its reference, size and SHA-256."""
        from rettesnor.archive import recordxml

        assert v.body is not None
        one = recordxml.Version(v.entry_id, v.version, v.event, v.recorded_at, v.digest, v.body)
        data = recordxml.to_bytes(recordxml.element(self.ctx.org, recordxml.Item(record), [one]))
        ref = f"DOKUMENT/{record.id // 1000:05d}/{record.id}-v{v.version}.xml"
        self._write(ref, data)
        return ref, len(data), hashlib.sha256(data).hexdigest()

    def thread(self, record: ArchiveRecord) -> tuple[str, int, str] | None:
        """The record's thread as PDF/A-2b, in the organisation's language."""
        from rettesnor.archive.pdfa import thread_pdf

        data = thread_pdf(self.ctx.session, self.ctx.org, record.id, self.ctx.lang)
        ref = f"DOKUMENT/{record.id // 1000:05d}/{record.id}-traad.pdf"
        self._write(ref, data)
        return ref, len(data), hashlib.sha256(data).hexdigest()

    def attachment(self, sha: str, name: str) -> str | None:
        if not self.ctx.blobs.has(sha):
            return None
        ref = f"DOKUMENT/vedlegg/{sha[:2]}/{sha}{safe_suffix(name)}"
        target = self.folder / ref
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(self.ctx.blobs.path(sha), target)
            self.written += 1
        return ref

    def _write(self, ref: str, data: bytes) -> None:
        target = self.folder / ref
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        self.written += 1


def _registrering(
    ctx: _Context,
    docs: _Documents,
    record: ArchiveRecord,
    versions: list[_Version],
    decisions: list[ModerationDecision],
    disposal: DisposalLog | None,
    journal: _Journal | None,
) -> etree._Element:
    org = ctx.org
    first = versions[0] if versions else None
    created = record.published_at or record.received_at
    reg = etree.Element("registrering")
    if journal is not None:
        reg.set(f"{{{XSI}}}type", "journalpost")
    _sub(reg, "systemID", system_id(org.slug, "registrering", record.id))
    _sub(reg, "opprettetDato", _dt(created))
    _sub(reg, "opprettetAv", _text(record.author_name, _text(record.author_id, "ukjent")))
    _sub(reg, "arkivertDato", _dt(first.recorded_at if first else record.received_at))
    _sub(reg, "arkivertAv", SYSTEM)
    # One dokumentbeskrivelse for the message (a dokumentobjekt per version), one per attachment.
    kind = DOC_TYPES.get(record.kind, "Melding på sosiale medier")
    desc = _sub(reg, "dokumentbeskrivelse")
    _sub(desc, "systemID", system_id(org.slug, "dokumentbeskrivelse", record.id))
    _sub(desc, "dokumenttype", kind)
    _sub(desc, "dokumentstatus", "Dokumentet er ferdigstilt")
    _sub(desc, "tittel", _title(record.text, f"{kind} {record.platform_id}"))
    _sub(desc, "opprettetDato", _dt(created))
    _sub(desc, "opprettetAv", _text(record.author_name, _text(record.author_id, "ukjent")))
    _sub(desc, "tilknyttetRegistreringSom", "Hoveddokument")
    _sub(desc, "dokumentnummer", 1)
    _sub(desc, "tilknyttetDato", _dt(first.recorded_at if first else record.received_at))
    _sub(desc, "tilknyttetAv", SYSTEM)
    if disposal is not None:
        done = _sub(desc, "utfoertKassasjon")
        _sub(done, "kassertDato", _dt(disposal.disposed_at))
        _sub(done, "kassertAv", _text(disposal.disposed_by, SYSTEM))
    ctx.counts["dokumentbeskrivelse"] += 1
    attachments: dict[str, tuple[str, str, int, dt.datetime]] = {}
    for v in versions:
        for sha, media, name, size in v.files:
            attachments.setdefault(sha, (media, name, size, v.recorded_at))
        if v.body is None:
            continue
        ref, size, digest = docs.version(record, v)
        _dokumentobjekt(
            desc,
            system_id(org.slug, "dokumentobjekt", v.entry_id),
            v.version,
            "XML",
            f"application/xml; records.xsd (urn:x-rettesnor:record:1); hendelse {v.event}; "
            f"kjedens SHA-256 {v.digest}",
            v.recorded_at,
            SYSTEM,
            ref,
            digest,
            size,
        )
        ctx.counts["dokumentobjekt"] += 1
    for n, (sha, (media, name, size, at)) in enumerate(attachments.items(), start=2):
        file_ref = docs.attachment(sha, name)
        if file_ref is None:  # disposed or missing from the file store: described, not included
            continue
        att = _sub(reg, "dokumentbeskrivelse")
        _sub(att, "systemID", system_id(org.slug, "vedlegg", record.id, sha))
        _sub(att, "dokumenttype", "Vedlegg")
        _sub(att, "dokumentstatus", "Dokumentet er ferdigstilt")
        _sub(att, "tittel", _text(name, "vedlegg"))
        _sub(att, "opprettetDato", _dt(at))
        _sub(att, "opprettetAv", SYSTEM)
        _sub(att, "tilknyttetRegistreringSom", "Vedlegg")
        _sub(att, "dokumentnummer", n)
        _sub(att, "tilknyttetDato", _dt(at))
        _sub(att, "tilknyttetAv", SYSTEM)
        _dokumentobjekt(
            att,
            system_id(org.slug, "vedleggsobjekt", record.id, sha),
            1,
            _text(media, "ukjent"),
            _text(media, "ukjent"),
            at,
            SYSTEM,
            file_ref,
            sha,
            size,
        )
        ctx.counts["dokumentbeskrivelse"] += 1
        ctx.counts["dokumentobjekt"] += 1
    thread_doc = docs.thread(record) if journal is not None else None
    if thread_doc is not None:  # the journalpost's thread, for people to read
        n = len(reg.findall("dokumentbeskrivelse")) + 1
        at = versions[-1].recorded_at if versions else record.received_at
        doc = _sub(reg, "dokumentbeskrivelse")
        _sub(doc, "systemID", system_id(org.slug, "traaddokument", record.id))
        _sub(doc, "dokumenttype", "Vedlegg")
        _sub(doc, "dokumentstatus", "Dokumentet er ferdigstilt")
        _sub(doc, "tittel", ctx.tr(THREAD_DOCUMENT))
        _sub(doc, "opprettetDato", _dt(ctx.now))
        _sub(doc, "opprettetAv", SYSTEM)
        _sub(doc, "tilknyttetRegistreringSom", "Vedlegg")
        _sub(doc, "dokumentnummer", n)
        _sub(doc, "tilknyttetDato", _dt(at))
        _sub(doc, "tilknyttetAv", SYSTEM)
        ref, size, digest = thread_doc
        _dokumentobjekt(
            doc,
            system_id(org.slug, "traadobjekt", record.id),
            1,
            "PDF/A-2b",
            "application/pdf; PDF/A-2b",
            ctx.now,
            SYSTEM,
            ref,
            digest,
            size,
        )
        ctx.counts["dokumentbeskrivelse"] += 1
        ctx.counts["dokumentobjekt"] += 1
    kind_title = ctx.tr(KIND_TITLES.get(record.kind, "")) or kind
    _sub(reg, "registreringsID", _ref(record.platform, record.platform_id))
    _sub(reg, "tittel", f"{kind_title} {record.platform_id}")
    if journal is not None:
        _sub(reg, "offentligTittel", ctx.task_title(journal.task.kind))
    about = ctx.tr(RECORD_ABOUT).format(state=record.state, versions=record.version)
    _sub(
        reg,
        "beskrivelse",
        about
        + (f"; {record.categories}" if record.categories else "")
        + (f"; policy: {record.policy}" if record.policy else ""),
    )
    if record.author_name or record.author_id:
        _sub(reg, "forfatter", _text(record.author_name, _text(record.author_id, "ukjent")))
    for d in decisions:
        note = _sub(reg, "merknad")
        why = f"Moderering: {d.action}" + (f" (grunnlag {d.ground})" if d.ground else "")
        why += f"; begrunnelse: {d.reason}"
        if d.evidence_entry_id is not None:
            evidence = system_id(org.slug, "dokumentobjekt", d.evidence_entry_id)
            why += f"; bevis sikret som dokumentobjekt {evidence}"
        if d.platform_result != "none":
            why += f"; plattform: {d.platform_result}"
        _sub(note, "merknadstekst", _text(why, d.action))
        _sub(note, "merknadstype", "Moderering")
        _sub(note, "merknadsdato", _dt(d.decided_at))
        _sub(note, "merknadRegistrertAv", ctx.person(d.decided_by_id))
    if journal is not None:
        task = journal.task
        note = _sub(reg, "merknad")
        state = f"Registreringsoppgave {task.id} ({task.kind}): {task.status}"
        if task.journal_ref:
            state += f"; journalreferanse {task.journal_ref}"
        if task.close_reason:
            state += f"; begrunnelse: {task.close_reason}"
        _sub(note, "merknadstekst", _text(state, task.kind))
        _sub(note, "merknadstype", "Registreringsoppgave")
        _sub(note, "merknadsdato", _dt(task.closed_at or task.created_at))
        _sub(note, "merknadRegistrertAv", ctx.person(task.closed_by_id or task.owner_id))
        part = _sub(reg, "korrespondansepart")
        _sub(part, "korrespondanseparttype", "Avsender")
        _sub(part, "korrespondansepartNavn", _text(record.author_name, _text(record.author_id, "ukjent")))
        _sub(reg, "journalaar", journal.year)
        _sub(reg, "journalsekvensnummer", journal.sequence)
        _sub(reg, "journalpostnummer", journal.number)
        _sub(reg, "journalposttype", "Inngående dokument")
        _sub(reg, "journalstatus", _journal_status(task))
        _sub(reg, "journaldato", task.created_at.date().isoformat())
        _sub(reg, "dokumentetsDato", created.date().isoformat())
        _sub(reg, "mottattDato", _dt(record.received_at))
        _sub(reg, "forfallsdato", task.due_on.isoformat())
        ctx.counts["journalpost"] += 1
    ctx.counts["registrering"] += 1
    return reg


def _journal_status(task: RegistrationTask) -> str:
    if task.status != "closed":
        return "Midlertidig registrering av innkommet dokument"
    return "Journalført" if task.journal_ref else "Utgår"


def _mappe(
    ctx: _Context, mappe_id: str, sid: str, title: str, start: dt.datetime, end: dt.datetime, about: str
) -> etree._Element:
    el = etree.Element("mappe")
    _sub(el, "systemID", sid)
    _sub(el, "mappeID", mappe_id)
    _sub(el, "tittel", _text(title, mappe_id))
    _sub(el, "beskrivelse", about)
    _sub(el, "opprettetDato", _dt(start))
    _sub(el, "opprettetAv", SYSTEM)
    _sub(el, "avsluttetDato", _dt(end))
    _sub(el, "avsluttetAv", ctx.actor)
    ctx.counts["mappe"] += 1
    return el


def _period(ctx: _Context) -> tuple[dt.datetime, dt.datetime]:
    lo, hi = ctx.session.execute(
        select(func.min(ArchiveEntry.recorded_at), func.max(ArchiveEntry.recorded_at)).where(
            ArchiveEntry.organisation_id == ctx.org.id
        )
    ).one()
    return (lo or ctx.org.created_at or ctx.now), (hi or ctx.now)


def _write_arkivstruktur(ctx: _Context, folder: Path) -> tuple[dt.datetime, dt.datetime]:
    org, now = ctx.org, ctx.now
    start, end = _period(ctx)
    accounts = {
        a.id: a for a in ctx.session.scalars(select(Account).where(Account.organisation_id == org.id))
    }
    spans: dict[int, tuple[dt.datetime, dt.datetime]] = {
        (acc or 0): (lo, hi)
        for acc, lo, hi in ctx.session.execute(
            select(
                ArchiveRecord.account_id,
                func.min(ArchiveRecord.received_at),
                func.max(ArchiveRecord.received_at),
            )
            .where(ArchiveRecord.organisation_id == org.id)
            .group_by(ArchiveRecord.account_id)
        ).all()
    }
    docs = _Documents(ctx, folder)
    ns = NS["arkivstruktur"]
    path = folder / "arkivstruktur.xml"
    with etree.xmlfile(str(path), encoding="utf-8") as xf:
        xf.write_declaration()
        arkiv = xf.element(
            "arkiv",
            {f"{{{XSI}}}schemaLocation": f"{ns} arkivstruktur.xsd"},
            nsmap={None: ns, "xsi": XSI},
        )
        with arkiv:
            head = etree.Element("head")
            _sub(head, "systemID", system_id(org.slug, "arkiv"))
            _sub(head, "tittel", ctx.tr(ARKIV_TITLE).format(organisation=org.name))
            _sub(head, "beskrivelse", ctx.tr(ARKIV_ABOUT))
            _sub(head, "arkivstatus", "Avsluttet")
            _sub(head, "dokumentmedium", "Elektronisk arkiv")
            _sub(head, "opprettetDato", _dt(org.created_at or start))
            _sub(head, "opprettetAv", SYSTEM)
            _sub(head, "avsluttetDato", _dt(now))
            _sub(head, "avsluttetAv", ctx.actor)
            creator = _sub(head, "arkivskaper")
            _sub(creator, "arkivskaperID", org.slug)
            _sub(creator, "arkivskaperNavn", org.name)
            for child in head:
                xf.write(child)
            with xf.element("arkivdel"):
                part = etree.Element("head")
                _sub(part, "systemID", system_id(org.slug, "arkivdel"))
                _sub(part, "tittel", ctx.tr(PART_TITLE))
                _sub(part, "arkivdelstatus", "Avsluttet periode")
                _sub(part, "dokumentmedium", "Elektronisk arkiv")
                _sub(part, "opprettetDato", _dt(start))
                _sub(part, "opprettetAv", SYSTEM)
                _sub(part, "avsluttetDato", _dt(now))
                _sub(part, "avsluttetAv", ctx.actor)
                _sub(part, "arkivperiodeStartDato", start.date().isoformat())
                _sub(part, "arkivperiodeSluttDato", end.date().isoformat())
                for child in part:
                    xf.write(child)
                _write_folders(ctx, xf, docs, accounts, spans)
    ctx.counts["documents"] = docs.written
    return start, end


def _write_folders(
    ctx: _Context,
    xf: Any,
    docs: _Documents,
    accounts: dict[int, Account],
    spans: dict[int, tuple[dt.datetime, dt.datetime]],
) -> None:
    org = ctx.org
    open_account: AbstractContextManager[Any] | None = None
    current_account: int | None = None
    thread: list[ArchiveRecord] = []
    data: dict[str, Any] = {}
    folder_numbers: Counter[int] = Counter()
    year_numbers: Counter[int] = Counter()

    def flush_thread() -> None:
        if not thread:
            return
        root = thread[0]
        root_id = root.thread_id or root.id
        versions, decisions, disposals = data["versions"], data["decisions"], data["disposals"]
        times = [v.recorded_at for r in thread for v in versions.get(r.id, [])] or [root.received_at]
        mappe_id = _ref(root.platform, root.platform_id)
        title = _title(root.text, ctx.tr(THREAD_DEFAULT).format(platform_id=root.platform_id), 60)
        mappe = _mappe(
            ctx,
            mappe_id,
            system_id(org.slug, "tråd", root_id),
            ctx.tr(THREAD_TITLE).format(title=title),
            min(times),
            max(times),
            ctx.tr(THREAD_ABOUT).format(n=len(thread)),
        )
        number = 0
        for record in thread:
            journal = None
            task = ctx.tasks.get(record.id)
            if task is not None:
                number += 1
                year = task.created_at.year
                year_numbers[year] += 1
                if number == 1:
                    folder_numbers[min(times).year] += 1
                journal = _Journal(
                    task,
                    record,
                    system_id(org.slug, "registrering", record.id),
                    year,
                    year_numbers[year],
                    number,
                    mappe_id,
                    min(times).year,
                    folder_numbers[min(times).year],
                    title,
                )
                ctx.journal.append(journal)
            mappe.append(
                _registrering(
                    ctx,
                    docs,
                    record,
                    versions.get(record.id, []),
                    decisions.get(record.id, []),
                    disposals.get(record.id),
                    journal,
                )
            )
        xf.write(mappe)
        thread.clear()

    for batch in _records(ctx):
        ids = [r.id for r in batch]
        # Threads can span two batches: keep the data of the thread being collected.
        carried = {r.id for r in thread}
        fresh: dict[str, dict[int, Any]] = {
            "versions": _versions(ctx, ids),
            "decisions": _decisions(ctx, ids),
            "disposals": _disposals(ctx, ids),
        }
        if data and carried:
            for key in fresh:
                fresh[key].update({k: v for k, v in data[key].items() if k in carried})
        data = fresh
        for record in batch:
            account = record.account_id or 0
            root_id = record.thread_id or record.id
            if thread and (
                (thread[0].account_id or 0) != account or (thread[0].thread_id or thread[0].id) != root_id
            ):
                flush_thread()
            if current_account != account:
                if open_account is not None:
                    open_account.__exit__(None, None, None)
                current_account = account
                acc = accounts.get(account)
                lo, hi = spans.get(account, (ctx.now, ctx.now))
                head = _mappe(
                    ctx,
                    _ref(acc.platform, acc.handle) if acc else "uten-konto",
                    system_id(org.slug, "konto", account),
                    ctx.tr(ACCOUNT_TITLE).format(name=acc.name, platform=acc.platform)
                    if acc
                    else ctx.tr(NO_ACCOUNT),
                    lo,
                    hi,
                    acc.url if acc else ctx.tr(NO_ACCOUNT_ABOUT),
                )
                open_account = xf.element("mappe")
                open_account.__enter__()
                for child in head:
                    xf.write(child)
            thread.append(record)
    flush_thread()
    if open_account is not None:
        open_account.__exit__(None, None, None)


# --- endringslogg.xml -----------------------------------------------------------------------------

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
    el = _sub(parent, "endring")
    _sub(el, "referanseArkivenhet", ref)
    _sub(el, "referanseMetadata", what)
    _sub(el, "endretDato", _dt(at))
    _sub(el, "endretAv", _text(by, SYSTEM))
    _sub(el, "tidligereVerdi", _text(old, "(ingen verdi)"))
    _sub(el, "nyVerdi", _text(new, "(ingen verdi)"))


def _write_endringslogg(ctx: _Context, folder: Path) -> int:
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


# --- loependeJournal.xml and offentligJournal.xml -------------------------------------------------


def _write_journal(ctx: _Context, folder: Path, kind: str) -> None:
    org = ctx.org
    public = kind == "offentligJournal"
    root = _root(kind)
    days = [j.task.created_at.date() for j in ctx.journal]
    head = _sub(root, "journalhode")
    _sub(head, "journalStartDato", min(days).isoformat())
    _sub(head, "journalSluttDato", max(days).isoformat())
    _sub(head, "antallJournalposter", len(ctx.journal))
    creator = _sub(head, "arkivskaper")
    _sub(creator, "arkivskaperID", org.slug)
    _sub(creator, "arkivskaperNavn", org.name)
    for j in ctx.journal:
        reg = _sub(root, "journalregistrering")
        case = _sub(reg, "saksmappe")
        _sub(case, "mappeID", j.folder)
        _sub(case, "saksaar", j.folder_year)
        _sub(case, "sakssekvensnummer", j.folder_number)
        if public:
            _sub(case, "offentligTittel", ctx.tr(THREAD_TITLE).format(title="…"))
        else:
            _sub(case, "tittel", ctx.tr(THREAD_TITLE).format(title=j.folder_title))
        post = _sub(reg, "journalpost")
        _sub(post, "systemID", j.system_id)
        _sub(post, "registreringsID", _ref(j.record.platform, j.record.platform_id))
        _sub(post, "journalaar", j.year)
        _sub(post, "journalsekvensnummer", j.sequence)
        _sub(post, "journalpostnummer", j.number)
        title = ctx.task_title(j.task.kind)
        if public:
            _sub(post, "offentligTittel", title)
        else:
            _sub(post, "tittel", f"{title} ({j.record.platform_id})")
            _sub(post, "offentligTittel", title)
        _sub(post, "journaldato", j.task.created_at.date().isoformat())
        _sub(post, "dokumentetsDato", (j.record.published_at or j.record.received_at).date().isoformat())
        if not public and j.task.owner_id is not None:
            _sub(post, "saksbehandler", ctx.person(j.task.owner_id))
        part = _sub(post, "korrespondansepart")
        _sub(part, "korrespondanseparttype", "Avsender")
        # The public journal names no private citizen: the sender is shown as screened.
        name = _text(j.record.author_name, _text(j.record.author_id, "ukjent"))
        _sub(part, "korrespondansepartNavn", "Privatperson (skjermet)" if public else name)
    etree.ElementTree(root).write(
        str(folder / f"{kind}.xml"), encoding="utf-8", xml_declaration=True, pretty_print=True
    )


# --- arkivuttrekk.xml (ADDML) ---------------------------------------------------------------------


def _a(tag: str) -> str:
    return f"{{{ADDML_NS}}}{tag}"


def _held(parent: etree._Element, holder: str, tag: str, name: str, value: object | None) -> etree._Element:
    """A named ADDML child inside its holder element (created once), with an optional value."""
    box = parent.find(_a(holder))
    if box is None:
        box = etree.SubElement(parent, _a(holder))
    el = etree.SubElement(box, _a(tag), name=name)
    if value is not None:
        etree.SubElement(el, _a("value")).text = xml_text(str(value))
    return el


def _prop(parent: etree._Element, name: str, value: object | None = None) -> etree._Element:
    """An ADDML property; returns it, to hold child properties when value is None."""
    return _held(parent, "properties", "property", name, value)


def _element(parent: etree._Element, name: str, value: object | None = None) -> etree._Element:
    return _held(parent, "additionalElements", "additionalElement", name, value)


def _write_addml(
    ctx: _Context, folder: Path, files: list[str], period: tuple[dt.datetime, dt.datetime]
) -> None:
    org = ctx.org
    root = etree.Element(
        _a("addml"),
        nsmap={None: ADDML_NS, "xsi": XSI},
        attrib={
            f"{{{XSI}}}schemaLocation": f"{ADDML_NS} addml.xsd",
            "name": f"Noark 5 arkivuttrekk {org.slug}",
        },
    )
    dataset = etree.SubElement(root, _a("dataset"), name=f"{org.slug}-{ctx.now:%Y%m%d%H%M%S}")
    etree.SubElement(dataset, _a("description")).text = xml_text(
        f"Arkivuttrekk av {org.name}s meldinger på sosiale medier, laget av {SYSTEM} {__version__}"
    )
    reference = etree.SubElement(dataset, _a("reference"))
    context = etree.SubElement(reference, _a("context"))
    creators = _element(context, "recordCreators")
    creator = _element(creators, "recordCreator")
    _prop(creator, "name", org.name)
    _prop(creator, "identifier", org.slug)
    _prop(creator, "country", org.country)
    _element(context, "archivist", ctx.actor)
    _element(context, "systemType", "Noark 5")
    system = _element(context, "system")
    _prop(system, "name", SYSTEM)
    _prop(system, "version", __version__)
    _prop(system, "noarkVersion", "5.0")
    _element(context, "extractionDate", _dt(ctx.now))
    content = etree.SubElement(reference, _a("content"))
    archival = _element(content, "archivalPeriod")
    _prop(archival, "startDate", period[0].date().isoformat())
    _prop(archival, "endDate", period[1].date().isoformat())
    _element(content, "numberOfDocumentFiles", ctx.counts["documents"])
    objects = etree.SubElement(dataset, _a("dataObjects"))
    extract = etree.SubElement(objects, _a("dataObject"), name="Noark 5 arkivuttrekk")
    info = _prop(extract, "info")
    _prop(info, "type", "Noark 5")
    _prop(info, "version", "v5.0")
    inner = etree.SubElement(extract, _a("dataObjects"))
    occurrences = {
        "arkivstruktur.xml": (
            "arkiv",
            "arkivdel",
            "mappe",
            "registrering",
            "journalpost",
            "dokumentbeskrivelse",
            "dokumentobjekt",
        ),
        "endringslogg.xml": ("endring",),
        "loependeJournal.xml": ("journalpost",),
        "offentligJournal.xml": ("journalpost",),
    }
    for name in files:
        obj = etree.SubElement(inner, _a("dataObject"), name=Path(name).stem)
        file_ = _prop(obj, "file")
        _prop(file_, "name", name)
        _prop(file_, "format", "XML Schema" if name.endswith(".xsd") else "XML")
        if name.endswith(".xml"):
            schema = _prop(file_, "schema")
            _prop(schema, "name", name[:-4] + ".xsd")
            _prop(schema, "type", "XML Schema")
            _prop(schema, "version", "5.0")
        checksum = _prop(file_, "checksum")
        _prop(checksum, "algorithm", "SHA256")
        _prop(checksum, "value", _sha256_file(folder / name))
        counted = occurrences.get(name)
        if counted:
            numbers = _prop(obj, "info")
            for what in counted:
                occ = _prop(numbers, "numberOfOccurrences", ctx.counts[_count_key(name, what)])
                occ.set("format", what)
    etree.ElementTree(root).write(
        str(folder / "arkivuttrekk.xml"), encoding="utf-8", xml_declaration=True, pretty_print=True
    )


def _count_key(file: str, what: str) -> str:
    if file.endswith("Journal.xml"):
        return "journal"
    if what in ("arkiv", "arkivdel"):
        return "one"
    return what


# --- the extract ----------------------------------------------------------------------------------


def export(
    session: Session,
    org: Organisation,
    folder: Path,
    *,
    actor: str = SYSTEM,
    blobs: BlobStore | None = None,
) -> Extract:
    """Write the arkivuttrekk of ``org`` into ``folder`` (which must be empty or not exist)."""
    if folder.exists() and any(folder.iterdir()):
        raise ArchiveError(f"{folder} is not empty; a Noark 5 extract needs a folder of its own")
    folder.mkdir(parents=True, exist_ok=True)
    try:
        return _export(session, org, folder, actor, blobs)
    except BaseException:  # never leave a half-written extract that looks like one
        for child in folder.iterdir():
            shutil.rmtree(child) if child.is_dir() else child.unlink()
        raise


def _export(
    session: Session, org: Organisation, folder: Path, actor: str, blobs: BlobStore | None
) -> Extract:
    ctx = _Context(session, org, _text(actor, SYSTEM), blobs)
    period = _write_arkivstruktur(ctx, folder)
    ctx.counts["endring"] = _write_endringslogg(ctx, folder)
    ctx.counts["one"] = 1
    files = ["arkivstruktur.xml", "endringslogg.xml"]
    schemas = ["arkivstruktur", "endringslogg", "metadatakatalog"]
    if ctx.journal:
        ctx.counts["journal"] = len(ctx.journal)
        for kind in ("loependeJournal", "offentligJournal"):
            _write_journal(ctx, folder, kind)
            files.append(f"{kind}.xml")
            schemas.append(kind)
    for name in schemas:
        shutil.copyfile(schema_path(name), folder / f"{name}.xsd")
        files.append(f"{name}.xsd")
    shutil.copyfile(schema_path("addml"), folder / "addml.xsd")
    files.append("addml.xsd")
    _write_addml(ctx, folder, files, period)
    counts = {k: v for k, v in ctx.counts.items() if k not in ("one", "documents")}
    return Extract(folder, ["arkivuttrekk.xml", *files], counts, ctx.counts["documents"])


def journalpost_xml(session: Session, org: Organisation, task_id: int, actor: str = SYSTEM) -> str:
    """A registration task as a Noark 5 journalpost inside a minimal ``arkivstruktur.xml``
    (arkiv → arkivdel → mappe for the thread → the journalpost), valid against arkivstruktur.xsd.

    The dokumentobjekt of each version carries its SHA-256 and names the file that
    ``archive export --format noark5`` writes for it (the canonical JSON, as in the hash chain).
    """
    task = get_in_org(session, RegistrationTask, org, task_id, "registration task")
    if task.record_id is None:
        raise ArchiveError(f"registration task {task_id} has no archived message to export")
    ctx = _Context(session, org, _text(actor, SYSTEM), None)
    ctx.tasks = {task.record_id: task}
    record = session.get(ArchiveRecord, task.record_id)
    assert record is not None
    root_id = record.thread_id or record.id
    root_record = session.get(ArchiveRecord, root_id) or record
    versions = _versions(ctx, [record.id])
    times = [v.recorded_at for v in versions.get(record.id, [])] or [record.received_at]

    class _NoFiles(_Documents):
        def _write(self, ref: str, data: bytes) -> None:
            return None

        def attachment(self, sha: str, name: str) -> str | None:
            return f"DOKUMENT/vedlegg/{sha[:2]}/{sha}{safe_suffix(name)}"

        def thread(self, record: ArchiveRecord) -> tuple[str, int, str] | None:
            return None  # rendered anew it would not match: only the full extract carries it

    arkiv = _root("arkivstruktur")
    _sub(arkiv, "systemID", system_id(org.slug, "arkiv"))
    _sub(arkiv, "tittel", ctx.tr(ARKIV_TITLE).format(organisation=org.name))
    _sub(arkiv, "opprettetDato", _dt(org.created_at or record.received_at))
    _sub(arkiv, "opprettetAv", SYSTEM)
    _sub(arkiv, "avsluttetDato", _dt(ctx.now))
    _sub(arkiv, "avsluttetAv", ctx.actor)
    creator = _sub(arkiv, "arkivskaper")
    _sub(creator, "arkivskaperID", org.slug)
    _sub(creator, "arkivskaperNavn", org.name)
    part = _sub(arkiv, "arkivdel")
    _sub(part, "systemID", system_id(org.slug, "arkivdel"))
    _sub(part, "tittel", ctx.tr(PART_TITLE))
    _sub(part, "arkivdelstatus", "Aktiv periode")
    _sub(part, "opprettetDato", _dt(min(times)))
    _sub(part, "opprettetAv", SYSTEM)
    _sub(part, "avsluttetDato", _dt(ctx.now))
    _sub(part, "avsluttetAv", ctx.actor)
    title = _title(root_record.text, ctx.tr(THREAD_DEFAULT).format(platform_id=root_record.platform_id), 60)
    mappe_id = _ref(root_record.platform, root_record.platform_id)
    mappe = _mappe(
        ctx,
        mappe_id,
        system_id(org.slug, "tråd", root_id),
        ctx.tr(THREAD_TITLE).format(title=title),
        min(times),
        max(times),
        ctx.tr(TASK_FOLDER_ABOUT),
    )
    part.append(mappe)
    journal = _Journal(
        task,
        record,
        system_id(org.slug, "registrering", record.id),
        task.created_at.year,
        1,
        1,
        mappe_id,
        min(times).year,
        1,
        title,
    )
    decisions = _decisions(ctx, [record.id]).get(record.id, [])
    disposal = _disposals(ctx, [record.id]).get(record.id)
    docs = _NoFiles(ctx, Path("."))
    mappe.append(_registrering(ctx, docs, record, versions.get(record.id, []), decisions, disposal, journal))
    return str(etree.tostring(arkiv, encoding="unicode", pretty_print=True))


# --- checking an extract --------------------------------------------------------------------------


def validate(folder: Path) -> list[str]:
    """Problems of an extract: each XML file against its schema (the copies in the folder), every
    checksum in arkivuttrekk.xml and every dokumentobjekt's sjekksum against the bytes. Empty when valid."""
    problems: list[str] = []
    for xml in sorted(folder.glob("*.xml")):
        name = "addml" if xml.name == "arkivuttrekk.xml" else xml.stem
        xsd = folder / f"{name}.xsd"
        if not xsd.is_file():
            problems.append(f"{xml.name}: schema {xsd.name} is missing")
            continue
        schema = etree.XMLSchema(etree.parse(str(xsd)))
        if not schema.validate(etree.parse(str(xml))):
            problems += [f"{xml.name}:{e.line}: {e.message}" for e in list(schema.error_log)[:5]]
    for listed, digest in listed_checksums(folder / "arkivuttrekk.xml").items():
        if not (folder / listed).is_file() or _sha256_file(folder / listed) != digest:
            problems.append(f"arkivuttrekk.xml: checksum of {listed} does not match")
    ns = {"n": NS["arkivstruktur"]}
    for obj in etree.parse(str(folder / "arkivstruktur.xml")).iterfind(".//n:dokumentobjekt", ns):
        ref, digest = (
            obj.findtext("n:referanseDokumentfil", namespaces=ns),
            obj.findtext("n:sjekksum", namespaces=ns),
        )
        path = folder / (ref or "")
        if not ref or not path.is_file() or _sha256_file(path) != digest:
            problems.append(f"arkivstruktur.xml: sjekksum of {ref} does not match")
    return problems


def listed_checksums(manifest: Path) -> dict[str, str]:
    """The files arkivuttrekk.xml lists, with their SHA-256."""
    ns = {"a": ADDML_NS}
    out: dict[str, str] = {}
    for file_ in etree.parse(str(manifest)).iterfind(".//a:property[@name='file']", ns):
        name = file_.findtext("a:properties/a:property[@name='name']/a:value", namespaces=ns)
        digest = file_.findtext(
            "a:properties/a:property[@name='checksum']/a:properties/a:property[@name='value']/a:value",
            namespaces=ns,
        )
        if name and digest:
            out[name] = digest
    return out


def summary(extract: Extract) -> dict[str, Any]:
    return {
        "folder": str(extract.folder),
        "files": extract.files,
        "documents": extract.documents,
        **extract.counts,
    }


__all__ = [
    "NS",
    "Extract",
    "export",
    "journalpost_xml",
    "listed_checksums",
    "schema_dir",
    "schema_path",
    "summary",
    "validate",
]
