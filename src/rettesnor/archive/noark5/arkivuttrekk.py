"""arkivuttrekk.xml (ADDML 8.3) and the extract as a whole: writing it, checking it."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

from lxml import etree
from sqlalchemy.orm import Session

from rettesnor import __version__
from rettesnor.archive.blobs import BlobStore
from rettesnor.archive.errors import ArchiveError
from rettesnor.archive.noark5 import arkivstruktur, endringslogg, journal
from rettesnor.archive.noark5.common import (
    ADDML_NS,
    NS,
    SYSTEM,
    XSI,
    Context,
    Extract,
    schema_path,
    sha256_file,
    text_or,
    timestamp,
)
from rettesnor.archive.xmlsafe import xml_text
from rettesnor.records.models import Organisation


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
    ctx: Context, folder: Path, files: list[str], period: tuple[dt.datetime, dt.datetime]
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
    _element(context, "extractionDate", timestamp(ctx.now))
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
        _prop(checksum, "value", sha256_file(folder / name))
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
    ctx = Context(session, org, text_or(actor, SYSTEM), blobs)
    period = arkivstruktur.write(ctx, folder)
    ctx.counts["endring"] = endringslogg.write(ctx, folder)
    ctx.counts["one"] = 1
    files = ["arkivstruktur.xml", "endringslogg.xml"]
    schemas = ["arkivstruktur", "endringslogg", "metadatakatalog"]
    if ctx.journal:
        ctx.counts["journal"] = len(ctx.journal)
        for kind in ("loependeJournal", "offentligJournal"):
            journal.write(ctx, folder, kind)
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
        if not (folder / listed).is_file() or sha256_file(folder / listed) != digest:
            problems.append(f"arkivuttrekk.xml: checksum of {listed} does not match")
    ns = {"n": NS["arkivstruktur"]}
    for obj in etree.parse(str(folder / "arkivstruktur.xml")).iterfind(".//n:dokumentobjekt", ns):
        ref, digest = (
            obj.findtext("n:referanseDokumentfil", namespaces=ns),
            obj.findtext("n:sjekksum", namespaces=ns),
        )
        path = folder / (ref or "")
        if not ref or not path.is_file() or sha256_file(path) != digest:
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
