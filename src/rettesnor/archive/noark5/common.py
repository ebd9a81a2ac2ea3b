"""What every document of the extract shares: namespaces, system ids, the element helpers
(text passes :mod:`rettesnor.archive.xmlsafe`), the titles in the organisation's language, the context."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections import Counter
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from lxml import etree
from sqlalchemy import select
from sqlalchemy.orm import Session

from rettesnor.archive.blobs import BlobStore
from rettesnor.archive.xmlsafe import xml_id, xml_text
from rettesnor.i18n import COUNTRY_LANGUAGE, N_, translator
from rettesnor.records.archive_models import ArchiveRecord, RegistrationTask
from rettesnor.records.models import Organisation, Person
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
SYSTEM = "Rettesnor"
# systemIDs are UUIDs derived from what they identify, so two extracts of the same archive agree.
ID_SPACE = uuid.UUID("6f1c1d2e-5b7a-4c59-9d0e-2b8f0c7a9e41")
TASK_TITLES = {
    "complaint": "Klage mottatt på sosiale medier",
    "case_inquiry": "Henvendelse i sak mottatt på sosiale medier",
    "private_inquiry": "Henvendelse mottatt privat på sosiale medier",
}
BATCH = 2000
# Titles and descriptions, written in the organisation's language (the web application's catalogues).
THREAD_TITLE = N_("Thread: {title}")
TITLES_OF_TASKS = {
    "complaint": N_("Complaint received on social media"),
    "case_inquiry": N_("Case question received on social media"),
    "private_inquiry": N_("Inquiry received privately on social media"),
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


def timestamp(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def text_or(value: str | None, default: str) -> str:
    """A value for an element that must not be empty; XML cannot carry control characters."""
    cleaned = xml_text(value or "").strip()
    return cleaned or default


def one_line(text: str | None, default: str, limit: int = 80) -> str:
    one = " ".join(text_or(text, "").split())
    if not one:
        return default
    return one if len(one) <= limit else one[: limit - 1] + "…"


def sub(parent: etree._Element, tag: str, text: object | None = None, **attrs: str) -> etree._Element:
    """The one way text enters an element: cleaned of what XML 1.0 forbids (see xmlsafe)."""
    el = etree.SubElement(parent, tag, {k: xml_text(v) for k, v in attrs.items()})
    if text is not None:
        el.text = xml_text(str(text))
    return el


def ref_id(platform: str, platform_id: str) -> str:
    """A record's id in the extract (mappeID, registreringsID)."""
    return xml_id(f"{platform}:{platform_id}")


def root_element(kind: str) -> etree._Element:
    ns = NS[kind]
    return etree.Element(
        f"{{{ns}}}{kind}" if kind != "arkivstruktur" else f"{{{ns}}}arkiv",
        nsmap={None: ns, "xsi": XSI},
        attrib={f"{{{XSI}}}schemaLocation": f"{ns} {kind}.xsd"},
    )


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


@dataclass(slots=True)
class Version:
    entry_id: int
    version: int
    event: str
    recorded_at: dt.datetime
    digest: str
    body: str | None
    files: list[tuple[str, str, str, int]] = field(default_factory=list)  # sha256, media type, name, size


@dataclass(slots=True)
class Journal:
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


class Context:
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
        self.journal: list[Journal] = []
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
