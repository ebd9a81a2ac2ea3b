"""The Noark 5 arkivuttrekk: every XML file validates against Arkivverket's schemas (the official copies in
../shared/standards when present, and the copies shipped in the package, which must be identical), every
checksum matches the bytes, and a registration task's journalpost validates too. Both backends."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy import select
from sqlalchemy.orm import Session

from rettesnor.archive import noark5, retention
from rettesnor.archive.blobs import BlobStore
from rettesnor.archive.chain import verify
from rettesnor.archive.errors import ArchiveError
from rettesnor.archive.ingest import Attachment, Incoming
from rettesnor.intake import ingest
from rettesnor.moderation import queue, registration
from rettesnor.moderation.platform import FakePlatform
from rettesnor.records.archive_models import ArchiveEntry, ArchiveRecord, RegistrationTask
from support.archivedata import COMPLAINT_DA, CPR_DA, FRIENDLY_DA, INSULT_DA, comment, post, town_with_account
from support.pdfasupport import assert_pdfa

SHARED = Path(__file__).resolve().parents[3] / "shared" / "standards"
N5 = "http://www.arkivverket.no/standarder/noark5/"
OFFICIAL = {
    "arkivstruktur": "noark5/v5.0/arkivstruktur.xsd",
    "endringslogg": "noark5/v5.0/endringslogg.xsd",
    "loependeJournal": "noark5/v5.0/loependeJournal.xsd",
    "offentligJournal": "noark5/v5.0/offentligJournal.xsd",
    "metadatakatalog": "noark5/v5.0/metadatakatalog.xsd",
    "addml": "addml/v8.3/addml.xsd",
}


def _official(name: str) -> etree.XMLSchema:
    if not SHARED.is_dir():
        pytest.skip("../shared/standards is not here: the official schemas cannot be read")
    return etree.XMLSchema(etree.parse(str(SHARED / OFFICIAL[name])))


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _archive(db: Session, blobs: BlobStore) -> tuple[object, int]:
    """Two threads, an edit, a hidden insult with its evidence, a complaint registered in the journal,
    an attachment, a reply, and a disposed comment."""
    town = town_with_account(db, "alpha", "dk-hjorring")
    assert town.account is not None
    acc = town.account.id
    picture = Attachment("plakat.png", "image/png", b"\x89PNG\r\n\x1a\n" + b"demo" * 50)
    events = [
        post("p1", "Sommerfest på Skovbo Skole fredag <kl. 15> & alle er velkomne.", acc),
        post("p2", "Ny plakat for vinterferien.", acc, minutes=60),
        comment("c1", FRIENDLY_DA, acc, parent="p2", minutes=65),
        comment("c2", INSULT_DA, acc, author="Bent Holm"),
        comment("c3", COMPLAINT_DA, acc, author="Lise Dam"),
        comment("c4", CPR_DA, acc, author="Ole Krag"),
        Incoming(
            "facebook",
            "r1",
            "reply",
            "Tak, vi ses!",
            account=acc,
            parent="c1",
            author_id="page",
            author_name="Skovbo Skole",
        ),
        Incoming(
            "facebook",
            "p2",
            "post",
            "Ny plakat for vinterferien (rettet).",
            event="edit",
            account=acc,
            attachments=(picture,),
        ),
    ]
    ingest(db, town.org, events, blobs=blobs)
    c2 = db.scalars(select(ArchiveRecord).where(ArchiveRecord.platform_id == "c2")).one()
    fb = FakePlatform()
    fb.add("c2", INSULT_DA, "u2", "Bent Holm")
    queue.decide(
        db,
        town.org,
        c2.id,
        "hide",
        by=town.comms.id,
        reason="Personangreb på medarbejdere",
        platform=fb,
        blobs=blobs,
    )
    [task] = db.scalars(select(RegistrationTask).where(RegistrationTask.kind == "complaint")).all()
    registration.close(db, town.org, task.id, town.comms.id, journal_ref="24/00123-2")
    retention.set_rule(db, town.org, "comment", dispose_after_days=30, decision_ref="Bevaringsplan 2024")
    c1 = db.scalars(select(ArchiveRecord).where(ArchiveRecord.platform_id == "c1")).one()
    retention.place_hold(db, town.org, reason="Klagesag", by="arkiv", thread_id=c2.thread_id)
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=60)
    retention.run(db, town.org, by="arkivarie", dry_run=False, now=later)
    db.refresh(c1)
    assert c1.disposed_at is not None
    return town, task.id


def test_extract_validates_against_the_official_schemas_and_every_checksum_matches(
    db: Session, tmp_path: Path
) -> None:
    blobs = BlobStore(tmp_path / "blobs")
    town, _ = _archive(db, blobs)
    out = tmp_path / "uttrekk"
    extract = noark5.export(db, town.org, out, actor="Arkivarie Test", blobs=blobs)  # type: ignore[attr-defined]
    names = {p.name for p in out.iterdir()}
    assert names == {
        "arkivuttrekk.xml",
        "arkivstruktur.xml",
        "endringslogg.xml",
        "loependeJournal.xml",
        "offentligJournal.xml",
        "arkivstruktur.xsd",
        "endringslogg.xsd",
        "loependeJournal.xsd",
        "offentligJournal.xsd",
        "metadatakatalog.xsd",
        "addml.xsd",
        "DOKUMENT",
    }
    # Every XML file against the official schema.
    for xml in sorted(out.glob("*.xml")):
        name = "addml" if xml.name == "arkivuttrekk.xml" else xml.stem
        schema = _official(name)
        assert schema.validate(etree.parse(str(xml))), (xml.name, schema.error_log)
    assert noark5.validate(out) == []
    # arkivuttrekk.xml lists the SHA-256 of every other XML and XSD file.
    listed = noark5.listed_checksums(out / "arkivuttrekk.xml")
    assert set(listed) == {p.name for p in out.iterdir() if p.suffix in (".xml", ".xsd")} - {
        "arkivuttrekk.xml"
    }
    assert all(_sha(out / name) == digest for name, digest in listed.items())
    # Every dokumentobjekt: sjekksum and size match the file, and a version's file is the chain's content.
    ns = {"n": N5 + "arkivstruktur"}
    tree = etree.parse(str(out / "arkivstruktur.xml"))
    objects = tree.findall(".//n:dokumentobjekt", ns)
    chain = set(db.scalars(select(ArchiveEntry.content_sha256)))
    for obj in objects:
        path = out / obj.findtext("n:referanseDokumentfil", namespaces=ns)
        assert obj.findtext("n:sjekksumAlgoritme", namespaces=ns) == "SHA-256"
        assert _sha(path) == obj.findtext("n:sjekksum", namespaces=ns)
        assert path.stat().st_size == int(obj.findtext("n:filstoerrelse", namespaces=ns))
        if path.suffix == ".xml":  # a version as XML: its <canonical> is the chain's content
            canonical = etree.parse(str(path)).findtext(".//{urn:x-rettesnor:record:1}canonical")
            assert hashlib.sha256(canonical.encode("utf-8")).hexdigest() in chain
    # The complaint's thread as PDF/A, the only PDF; no JSON documents (not an archival format).
    pdfs = sorted((out / "DOKUMENT").rglob("*.pdf"))
    assert len(pdfs) == 1 and assert_pdfa(pdfs[0].read_bytes(), "da")
    assert not list((out / "DOKUMENT").rglob("*.json"))
    files = [p for p in (out / "DOKUMENT").rglob("*") if p.is_file()]
    assert len(files) == len(objects) == extract.counts["dokumentobjekt"]
    # The structure: one account folder with two threads; the complaint is a journalpost.
    folders = tree.findall(".//n:arkivdel/n:mappe", ns)
    assert len(folders) == 1 and len(folders[0].findall("n:mappe", ns)) == 2
    xsi_type = "{http://www.w3.org/2001/XMLSchema-instance}type"
    journal = [r for r in tree.iter(f"{{{ns['n']}}}registrering") if r.get(xsi_type) == "journalpost"]
    assert len(journal) == 1 and journal[0].findtext("n:journalstatus", namespaces=ns) == "Journalført"
    assert "24/00123-2" in etree.tostring(journal[0], encoding="unicode")
    # The hidden insult: a merknad for the decision, the evidence as its own version.
    text = (out / "arkivstruktur.xml").read_text(encoding="utf-8")
    assert "Moderering: hide" in text and "utfoertKassasjon" in text and "plakat.png" in text
    assert "&lt;kl. 15&gt; &amp; alle" in text
    # The change log: the edit, the hide, the evidence, the task's closing, the disposal, the closing.
    log = (out / "endringslogg.xml").read_text(encoding="utf-8")
    for what in ("versjon 2 (edit)", "skjult", "bevis", "registreringsoppgave.journal_ref", "kassert"):
        assert what in log, what
    # The public journal names no private citizen; the running journal does.
    assert "Lise Dam" in (out / "loependeJournal.xml").read_text(encoding="utf-8")
    assert "Lise Dam" not in (out / "offentligJournal.xml").read_text(encoding="utf-8")
    assert verify(db, town.org).ok  # type: ignore[attr-defined]
    # A damaged file is found.
    objects_files = sorted((out / "DOKUMENT").rglob("*.xml"))
    objects_files[0].write_bytes(objects_files[0].read_bytes() + b" ")
    assert any("sjekksum" in p for p in noark5.validate(out))
    with pytest.raises(ArchiveError, match="not empty"):
        noark5.export(db, town.org, out)  # type: ignore[attr-defined]


def test_no_journal_files_without_journal_entries(db: Session, tmp_path: Path) -> None:
    town = town_with_account(db, "beta", "dk-hjorring")
    assert town.account is not None
    ingest(
        db, town.org, [post("p1", "Velkommen.", town.account.id), comment("c1", FRIENDLY_DA, town.account.id)]
    )
    out = tmp_path / "x"
    noark5.export(db, town.org, out)
    assert not (out / "loependeJournal.xml").exists() and not (out / "offentligJournal.xml").exists()
    for xml in out.glob("*.xml"):
        schema = _official("addml" if xml.name == "arkivuttrekk.xml" else xml.stem)
        assert schema.validate(etree.parse(str(xml))), (xml.name, schema.error_log)


def test_task_journalpost_validates_as_a_minimal_arkivstruktur(db: Session, tmp_path: Path) -> None:
    town, task_id = _archive(db, BlobStore(tmp_path / "blobs"))
    xml = noark5.journalpost_xml(db, town.org, task_id)  # type: ignore[attr-defined]
    doc = etree.fromstring(xml.encode("utf-8"))
    schema = _official("arkivstruktur")
    assert schema.validate(doc), schema.error_log
    ns = {"n": N5 + "arkivstruktur"}
    [post_] = doc.findall(".//n:registrering", ns)
    assert post_.findtext("n:journalposttype", namespaces=ns) == "Inngående dokument"
    assert post_.findtext("n:forfallsdato", namespaces=ns) is not None


def test_shipped_schemas_are_the_official_ones() -> None:
    if not SHARED.is_dir():
        pytest.skip("../shared/standards is not here")
    for rel in OFFICIAL.values():
        shipped = noark5.schema_dir() / rel
        assert shipped.read_bytes() == (SHARED / rel).read_bytes(), rel
