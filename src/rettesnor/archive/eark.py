"""An E-ARK SIP (CSIP 2.1 with METS and PREMIS) of an organisation's archive or a period of it, and its
Swedish profile (FGS Paketstruktur) for Swedish archive services.

One folder, named by the package's OBJID::

    METS.xml                          the package: agents, PREMIS, schemas, documentation, the representation
    metadata/preservation/premis.xml  PREMIS 3: the representation, the agents, the events (the export, the
                                      fixity of every file, each disposal under a retention rule)
    documentation/README.txt          what the package holds, in the organisation's language
    schemas/                          mets.xsd, xlink.xsd, DILCISExtensionMETS.xsd, records.xsd
    representations/rep1/METS.xml     the representation's files, each with its size and SHA-256
    representations/rep1/data/records/NNNN/ID.xml          a record with every version (records.xsd)
    representations/rep1/data/documents/thread-ID.pdf      PDF/A-2b of each thread with a registration task
    representations/rep1/data/attachments/SHA.ext          attachments, once each

Written as it is read: records in batches, the representation's METS streamed with ``etree.xmlfile``
(its structMap counts the files instead of remembering them), so memory does not grow with the archive.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree
from sqlalchemy import select
from sqlalchemy.orm import Session

from rettesnor import __version__
from rettesnor.archive import recordxml
from rettesnor.archive.blobs import BlobStore
from rettesnor.archive.errors import ArchiveError, InvalidValue
from rettesnor.i18n import COUNTRY_LANGUAGE, N_, translator
from rettesnor.records.archive_models import ArchiveAttachment, DisposalLog
from rettesnor.records.models import Organisation
from rettesnor.records.types import utcnow

METS = "http://www.loc.gov/METS/"
CSIP = "https://DILCIS.eu/XML/METS/CSIPExtensionMETS"
XLINK = "http://www.w3.org/1999/xlink"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
PREMIS = "http://www.loc.gov/premis/v3"
SIP_PROFILE = "https://earksip.dilcis.eu/profile/E-ARK-SIP.xml"
CONTENT_TYPE = "Rettesnor social-media records 1.0"
FORMATS = ("eark", "fgs")
SCHEMAS = {  # name in the package → file shipped with Rettesnor
    "mets.xsd": ("eark-csip", "v2", "mets.xsd"),
    "xlink.xsd": ("eark-csip", "v2", "xlink.xsd"),
    "DILCISExtensionMETS.xsd": ("eark-csip", "v2", "DILCISExtensionMETS.xsd"),
    "records.xsd": ("rettesnor", "v1", "records.xsd"),
}
# Media types the E-ARK validator knows (IANA); anything else is described as application/octet-stream.
KNOWN_MEDIA = {
    "application/xml",
    "application/pdf",
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "image/tiff",
    "video/mp4",
    "text/plain",
}
LABEL = N_("Social media – {organisation}")
README = N_(
    "This package holds the public records of {organisation} from its social-media accounts, "
    "{start} to {end}: {records} records with every version as XML (records.xsd; <canonical> is the "
    "exact text whose SHA-256 the archive's hash chain holds), {documents} threads with a complaint or "
    "case question as PDF/A documents, and {attachments} attachments. Made by Rettesnor {version} on {made}."
)


def schema_file(name: str) -> Path:
    from rettesnor.archive.noark5 import schema_dir

    return schema_dir().joinpath(*SCHEMAS[name])


def _ns(uri: str, tag: str) -> str:
    return f"{{{uri}}}{tag}"


def _m(tag: str) -> str:
    return _ns(METS, tag)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


@dataclass(slots=True)
class FileEntry:
    href: str  # relative to the METS file that lists it
    media: str
    size: int
    digest: str
    created: dt.datetime


@dataclass
class Package:
    folder: Path
    objid: str
    profile: str  # eark or fgs
    records: int = 0
    documents: int = 0
    attachments: int = 0
    files: int = 0
    counts: dict[str, int] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        return {
            "folder": str(self.folder),
            "objid": self.objid,
            "format": self.profile,
            "records": self.records,
            "documents": self.documents,
            "attachments": self.attachments,
            "files": self.files,
        }


def _file_el(fid: str, entry: FileEntry) -> etree._Element:
    el = etree.Element(
        _m("file"),
        {
            "ID": fid,
            "MIMETYPE": entry.media,
            "SIZE": str(entry.size),
            "CREATED": recordxml.stamp(entry.created),
            "CHECKSUM": entry.digest,
            "CHECKSUMTYPE": "SHA-256",
        },
    )
    etree.SubElement(
        el, _m("FLocat"), {"LOCTYPE": "URL", _ns(XLINK, "type"): "simple", _ns(XLINK, "href"): entry.href}
    )
    return el


def _agents(hdr: etree._Element, org: Organisation, profile: str, actor: str, agreement: str | None) -> None:
    def agent(role: str, type_: str, name: str, note: str, note_type: str, other: str | None = None) -> None:
        attrs = {"ROLE": role, "TYPE": type_}
        if other:
            attrs["OTHERTYPE"] = other
        el = etree.SubElement(hdr, _m("agent"), attrs)
        etree.SubElement(el, _m("name")).text = name
        etree.SubElement(el, _m("note"), {_ns(CSIP, "NOTETYPE"): note_type}).text = note

    agent("CREATOR", "OTHER", "Rettesnor", __version__, "SOFTWARE VERSION", other="SOFTWARE")
    agent("ARCHIVIST", "ORGANIZATION", org.name, org.slug, "IDENTIFICATIONCODE")
    # The validator holds every CREATOR agent to CSIP12-16 (software): the organisation is the ARCHIVIST.
    if profile == "fgs":  # FGS Paketstruktur: who submits the package
        el = etree.SubElement(
            hdr, _m("agent"), {"ROLE": "OTHER", "OTHERROLE": "SUBMITTER", "TYPE": "INDIVIDUAL"}
        )
        etree.SubElement(el, _m("name")).text = recordxml.clean(actor)
    if agreement:
        etree.SubElement(hdr, _m("altRecordID"), {"TYPE": "SUBMISSIONAGREEMENT"}).text = recordxml.clean(
            agreement
        )


def _mets_root(objid: str, label: str) -> etree._Element:
    return etree.Element(
        _m("mets"),
        {
            "OBJID": objid,
            "LABEL": label,
            "TYPE": "Mixed",
            "PROFILE": SIP_PROFILE,
            _ns(CSIP, "CONTENTINFORMATIONTYPE"): "OTHER",
            _ns(CSIP, "OTHERCONTENTINFORMATIONTYPE"): CONTENT_TYPE,
            _ns(XSI, "schemaLocation"): f"{METS} schemas/mets.xsd {XLINK} schemas/xlink.xsd "
            f"{CSIP} schemas/DILCISExtensionMETS.xsd",
        },
        nsmap={"mets": METS, "csip": CSIP, "xlink": XLINK, "xsi": XSI},
    )


def _header(
    org: Organisation, now: dt.datetime, profile: str, actor: str, agreement: str | None
) -> etree._Element:
    hdr = etree.Element(
        _m("metsHdr"),
        {"CREATEDATE": recordxml.stamp(now), "RECORDSTATUS": "NEW", _ns(CSIP, "OAISPACKAGETYPE"): "SIP"},
    )
    _agents(hdr, org, profile, actor, agreement)
    return hdr


class _Writer:
    def __init__(
        self,
        session: Session,
        org: Organisation,
        folder: Path,
        profile: str,
        actor: str,
        agreement: str | None,
        blobs: BlobStore | None,
        since: dt.datetime | None,
        until: dt.datetime | None,
        documents: bool = True,
    ) -> None:
        self.session, self.org, self.profile, self.actor = session, org, profile, actor
        self.agreement, self.since, self.until, self.documents = agreement, since, until, documents
        self.blobs = blobs or BlobStore()
        self.now = utcnow()
        self.lang = "sv" if profile == "fgs" else COUNTRY_LANGUAGE.get(org.country, "en")
        self.tr = translator(self.lang)
        stamp = self.now.strftime("%Y%m%dT%H%M%SZ")
        self.objid = f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'rettesnor:{org.slug}:{stamp}:{profile}')}"
        self.folder = folder / self.objid.rsplit(":", 1)[1]
        self.rep = self.folder / "representations" / "rep1"
        self.package = Package(self.folder, self.objid, profile)
        self.seen_blobs: set[str] = set()
        self.first: dt.datetime | None = None
        self.last: dt.datetime | None = None

    def entry(self, path: Path, base: Path, media: str) -> FileEntry:
        return FileEntry(
            path.relative_to(base).as_posix(), media, path.stat().st_size, _sha256(path), self.now
        )

    # --- the representation: data files and its METS, streamed ---

    def data_files(self) -> Iterator[FileEntry]:
        from rettesnor.archive import pdfa

        data = self.rep / "data"
        folder = ""
        for batch in recordxml.batches(self.session, self.org, self.since, self.until):
            threads: set[int] = set()
            for item in batch:
                rec = item.record
                self.first = rec.received_at if self.first is None else min(self.first, rec.received_at)
                self.last = rec.received_at if self.last is None else max(self.last, rec.received_at)
                if folder != f"records/{rec.id // 1000:04d}":
                    folder = f"records/{rec.id // 1000:04d}"
                    (data / folder).mkdir(parents=True, exist_ok=True)
                href = f"data/{folder}/{rec.id}.xml"
                body = recordxml.to_bytes(recordxml.element(self.org, item))
                with open(self.rep / href, "wb") as fh:  # size and SHA-256 from the bytes: no second read
                    fh.write(body)
                self.package.records += 1
                yield FileEntry(
                    href, "application/xml", len(body), hashlib.sha256(body).hexdigest(), self.now
                )
                if item.tasks and self.documents:
                    threads.add(rec.thread_id or rec.id)
            yield from self._attachments([v.entry_id for item in batch for v in item.versions])
            for root in sorted(threads):
                path = data / "documents" / f"thread-{root}.pdf"
                if path.exists():
                    continue
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(pdfa.thread_pdf(self.session, self.org, root, self.lang))
                self.package.documents += 1
                yield self.entry(path, self.rep, "application/pdf")

    def _attachments(self, entry_ids: list[int]) -> Iterator[FileEntry]:
        a = ArchiveAttachment
        for k in range(0, len(entry_ids), 1000):
            rows = self.session.execute(
                select(a.sha256, a.media_type, a.name)
                .where(a.entry_id.in_(entry_ids[k : k + 1000]), a.disposed_at.is_(None))
                .order_by(a.id)
            ).all()
            for sha, media, name in rows:
                if sha in self.seen_blobs or not self.blobs.has(sha):
                    continue
                self.seen_blobs.add(sha)
                suffix = Path(name).suffix[:10] if Path(name).suffix.isascii() else ""
                path = self.rep / "data" / "attachments" / f"{sha}{suffix}"
                path.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(self.blobs.path(sha), path)
                self.package.attachments += 1
                yield self.entry(
                    path, self.rep, media if media in KNOWN_MEDIA else "application/octet-stream"
                )

    def representation(self) -> int:
        self.rep.mkdir(parents=True)
        mets_path = self.rep / "METS.xml"
        label = self.tr(LABEL).format(organisation=self.org.name)
        n = 0
        with etree.xmlfile(str(mets_path), encoding="utf-8") as xf:
            xf.write_declaration()
            root = _mets_root("rep1", label)
            with xf.element(root.tag, dict(root.attrib), nsmap=root.nsmap):
                xf.write(_header(self.org, self.now, self.profile, self.actor, None))
                with (
                    xf.element(_m("fileSec"), {"ID": "rep1-files"}),
                    xf.element(_m("fileGrp"), {"ID": "rep1-data", "USE": "Data"}),
                ):
                    for entry in self.data_files():
                        n += 1
                        xf.write(_file_el(f"file-{n}", entry))
                        xf.flush()
                # The structMap counts the files rather than remembering them.
                with (
                    xf.element(_m("structMap"), {"ID": "rep1-struct", "TYPE": "PHYSICAL", "LABEL": "CSIP"}),
                    xf.element(_m("div"), {"ID": "rep1-div", "LABEL": "rep1"}),
                    xf.element(_m("div"), {"ID": "rep1-div-data", "LABEL": "Data"}),
                ):
                    for k in range(1, n + 1):
                        xf.write(etree.Element(_m("fptr"), {"FILEID": f"file-{k}"}))
        self.package.files = n
        return n

    # --- package level ---

    def premis(self) -> Path:
        path = self.folder / "metadata" / "preservation" / "premis.xml"
        path.parent.mkdir(parents=True)

        def p(tag: str) -> str:
            return _ns(PREMIS, tag)

        software = f"Rettesnor {__version__}"
        with etree.xmlfile(str(path), encoding="utf-8") as xf:
            xf.write_declaration()
            with xf.element(p("premis"), {"version": "3.0"}, nsmap={"premis": PREMIS, "xsi": XSI}):
                obj = etree.Element(p("object"), {_ns(XSI, "type"): "premis:representation"})
                ident = etree.SubElement(obj, p("objectIdentifier"))
                etree.SubElement(ident, p("objectIdentifierType")).text = "local"
                etree.SubElement(ident, p("objectIdentifierValue")).text = "rep1"
                xf.write(obj)

                def event(eid: str, kind: str, at: dt.datetime, detail: str, agent: str) -> etree._Element:
                    ev = etree.Element(p("event"))
                    ident = etree.SubElement(ev, p("eventIdentifier"))
                    etree.SubElement(ident, p("eventIdentifierType")).text = "local"
                    etree.SubElement(ident, p("eventIdentifierValue")).text = eid
                    etree.SubElement(ev, p("eventType")).text = kind
                    etree.SubElement(ev, p("eventDateTime")).text = recordxml.stamp(at)
                    info = etree.SubElement(ev, p("eventDetailInformation"))
                    etree.SubElement(info, p("eventDetail")).text = recordxml.clean(detail)
                    outcome = etree.SubElement(ev, p("eventOutcomeInformation"))
                    etree.SubElement(outcome, p("eventOutcome")).text = "success"
                    link = etree.SubElement(ev, p("linkingAgentIdentifier"))
                    etree.SubElement(link, p("linkingAgentIdentifierType")).text = "local"
                    etree.SubElement(link, p("linkingAgentIdentifierValue")).text = agent
                    obj_link = etree.SubElement(ev, p("linkingObjectIdentifier"))
                    etree.SubElement(obj_link, p("linkingObjectIdentifierType")).text = "local"
                    etree.SubElement(obj_link, p("linkingObjectIdentifierValue")).text = "rep1"
                    return ev

                xf.write(
                    event(
                        "export",
                        "creation",
                        self.now,
                        f"{self.package.records} records exported from the archive by {software}",
                        "software",
                    )
                )
                xf.write(
                    event(
                        "fixity",
                        "message digest calculation",
                        self.now,
                        f"SHA-256 of {self.package.files} files, in the representation's METS",
                        "software",
                    )
                )
                for d in self.session.scalars(
                    select(DisposalLog)
                    .where(DisposalLog.organisation_id == self.org.id)
                    .order_by(DisposalLog.id)
                ):
                    detail = (
                        f"content of record {d.record_id} ({d.record_kind}) disposed under rule {d.rule_id}"
                    )
                    xf.write(event(f"disposal-{d.id}", "deletion", d.disposed_at, detail, "organisation"))
                for aid, name, kind, version in (
                    ("software", "Rettesnor", "software", __version__),
                    ("organisation", self.org.name, "organization", None),
                ):
                    agent = etree.Element(p("agent"))
                    ident = etree.SubElement(agent, p("agentIdentifier"))
                    etree.SubElement(ident, p("agentIdentifierType")).text = "local"
                    etree.SubElement(ident, p("agentIdentifierValue")).text = aid
                    etree.SubElement(agent, p("agentName")).text = name
                    etree.SubElement(agent, p("agentType")).text = kind
                    if version:
                        etree.SubElement(agent, p("agentVersion")).text = version
                    xf.write(agent)
        return path

    def documentation(self) -> Path:
        path = self.folder / "documentation" / "README.txt"
        path.parent.mkdir(parents=True)

        def day(value: dt.datetime | None) -> str:
            return value.date().isoformat() if value else "–"

        text = self.tr(README).format(
            organisation=self.org.name,
            start=day(self.first),
            end=day(self.last),
            records=self.package.records,
            documents=self.package.documents,
            attachments=self.package.attachments,
            version=__version__,
            made=recordxml.stamp(self.now),
        )
        path.write_text(text + "\n", encoding="utf-8")
        return path

    def schemas(self) -> list[Path]:
        folder = self.folder / "schemas"
        folder.mkdir()
        out = []
        for name in SCHEMAS:
            shutil.copyfile(schema_file(name), folder / name)
            out.append(folder / name)
        return out

    def root_mets(self, premis: Path, readme: Path, schemas: list[Path]) -> None:
        label = self.tr(LABEL).format(organisation=self.org.name)
        root = _mets_root(self.objid, label)
        root.append(_header(self.org, self.now, self.profile, self.actor, self.agreement))
        amd = etree.SubElement(root, _m("amdSec"), {"ID": "amd"})
        digi = etree.SubElement(amd, _m("digiprovMD"), {"ID": "premis", "STATUS": "CURRENT"})
        p = self.entry(premis, self.folder, "application/xml")
        etree.SubElement(
            digi,
            _m("mdRef"),
            {
                "LOCTYPE": "URL",
                _ns(XLINK, "type"): "simple",
                _ns(XLINK, "href"): p.href,
                "MDTYPE": "PREMIS",
                "MIMETYPE": "application/xml",
                "SIZE": str(p.size),
                "CREATED": recordxml.stamp(self.now),
                "CHECKSUM": p.digest,
                "CHECKSUMTYPE": "SHA-256",
            },
        )
        files = etree.SubElement(root, _m("fileSec"), {"ID": "files"})
        groups = [
            ("Documentation", [self.entry(readme, self.folder, "text/plain")]),
            ("Schemas", [self.entry(s, self.folder, "application/xml") for s in schemas]),
            ("Representations/rep1", [self.entry(self.rep / "METS.xml", self.folder, "application/xml")]),
        ]
        n = 0
        ids: dict[str, list[str]] = {}
        for use, entries in groups:
            # CSIP63 as the validator reads it holds every file group to a content information type.
            attrs = {
                "ID": f"grp-{use.split('/')[0].lower()}",
                "USE": use,
                _ns(CSIP, "CONTENTINFORMATIONTYPE"): "OTHER",
                _ns(CSIP, "OTHERCONTENTINFORMATIONTYPE"): CONTENT_TYPE,
            }
            grp = etree.SubElement(files, _m("fileGrp"), attrs)
            for e in entries:
                n += 1
                grp.append(_file_el(f"file-{n}", e))
                ids.setdefault(use, []).append(f"file-{n}")
        struct = etree.SubElement(
            root, _m("structMap"), {"ID": "struct", "TYPE": "PHYSICAL", "LABEL": "CSIP"}
        )
        top = etree.SubElement(struct, _m("div"), {"ID": "div-root", "LABEL": self.objid})
        etree.SubElement(top, _m("div"), {"ID": "div-metadata", "LABEL": "Metadata", "ADMID": "premis"})
        for use in ("Documentation", "Schemas"):
            div = etree.SubElement(top, _m("div"), {"ID": f"div-{use.lower()}", "LABEL": use})
            for fid in ids[use]:
                etree.SubElement(div, _m("fptr"), {"FILEID": fid})
        reps = etree.SubElement(top, _m("div"), {"ID": "div-representations", "LABEL": "Representations"})
        etree.SubElement(reps, _m("fptr"), {"FILEID": "grp-representations"})
        rep = etree.SubElement(reps, _m("div"), {"ID": "div-rep1", "LABEL": "rep1"})
        etree.SubElement(
            rep,
            _m("mptr"),
            {
                _ns(XLINK, "title"): "rep1",
                "LOCTYPE": "URL",
                _ns(XLINK, "type"): "simple",
                _ns(XLINK, "href"): "representations/rep1/METS.xml",
            },
        )
        etree.ElementTree(root).write(
            str(self.folder / "METS.xml"), encoding="utf-8", xml_declaration=True, pretty_print=True
        )


def export(
    session: Session,
    org: Organisation,
    folder: Path,
    *,
    profile: str = "eark",
    actor: str = "Rettesnor",
    agreement: str | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    blobs: BlobStore | None = None,
    documents: bool = True,
) -> Package:
    """Write the package into a new folder under ``folder`` (named by its id); returns what it holds.
    ``documents``: a PDF/A of each thread with a registration task (about 0.1-0.5 s each to render)."""
    if profile not in FORMATS:
        raise InvalidValue(f"unknown package profile {profile!r}; choose one of: {', '.join(FORMATS)}")
    if since is not None and until is not None and until <= since:
        raise InvalidValue("the period ends before it starts")
    writer = _Writer(
        session, org, folder, profile, actor or "Rettesnor", agreement, blobs, since, until, documents
    )
    if writer.folder.exists():
        raise ArchiveError(f"{writer.folder} exists already")
    writer.representation()
    premis = writer.premis()
    readme = writer.documentation()
    schemas = writer.schemas()
    writer.root_mets(premis, readme, schemas)
    return writer.package
