"""Journal mail: a registration task (complaint, case question) sent to the organisation's records system
as an e-mail to its journal address, the way Danish, Norwegian and Swedish records systems take mail in.

The task goes through the outbox (:mod:`rettesnor.governance.notices`, ``rettesnor mail send``), so
nothing is lost while the relay is down. The e-mail is written when it is sent, in the organisation's
language: the metadata (organisation, account, platform ids, received time, the guideline clause that
makes it registrable, the task) in the body and as an XML attachment, and the thread as a PDF/A-2b
document. Unlike the other messages this one carries a citizen's words: it goes to the records system,
whose job is to keep them. The records system's answer (the case or journal number) is recorded on the
task when it is typed back (``rettesnor tasks close --journal-ref``, or the tasks page).
"""

from __future__ import annotations

import json
import re
from email.message import EmailMessage
from typing import Any

from lxml import etree
from sqlalchemy import select
from sqlalchemy.orm import Session

from rettesnor.archive import recordxml
from rettesnor.archive.errors import Conflict, InvalidValue
from rettesnor.governance import notices
from rettesnor.governance.common import get_in_org
from rettesnor.i18n import COUNTRY_LANGUAGE, N_, translator
from rettesnor.records.archive_models import ArchiveContent, ArchiveEntry, ArchiveRecord, RegistrationTask
from rettesnor.records.models import Account, Notification, Organisation

NS = "urn:x-rettesnor:registration:1"
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
KIND_NAMES = {
    "complaint": N_("complaint"),
    "case_inquiry": N_("case question"),
    "private_inquiry": N_("privately received inquiry"),
}
SUBJECT = N_("For registration: {kind} received on {platform} ({account})")
INTRO = N_(
    "A {kind} was received on the organisation's social-media account and must be registered in the "
    "journal. The thread is attached as a PDF/A document and its metadata as XML."
)
FIELDS = (
    ("organisation", N_("Organisation")),
    ("account", N_("Account")),
    ("platform", N_("Platform")),
    ("platform_id", N_("Message id on the platform")),
    ("thread_platform_id", N_("Thread id on the platform")),
    ("received_at", N_("Received")),
    ("clauses", N_("Registrable under")),
    ("task", N_("Registration task")),
    ("due_on", N_("Due")),
)
ANSWER = N_("When it is registered, type the case number into Rettesnor (the tasks page) to close the task.")


def set_address(session: Session, org: Organisation, address: str | None) -> Organisation:
    """The records system's mail-in address (``None`` or empty: journal mail is off)."""
    value = (address or "").strip()
    if value and (len(value) > 200 or not EMAIL.match(value)):
        raise InvalidValue(f"the journal address must be an e-mail address, not {value[:60]!r}")
    org.journal_address = value or None
    session.flush()
    return org


def _sent(session: Session, org: Organisation, task_id: int) -> Notification | None:
    for note in session.scalars(
        select(Notification)
        .where(Notification.organisation_id == org.id, Notification.kind == "journal")
        .order_by(Notification.id)
    ):
        if note.params and json.loads(note.params).get("task") == task_id:
            return note
    return None


def _clauses(session: Session, record: ArchiveRecord, kind: str) -> list[str]:
    """The guideline clauses of the findings that made the message a complaint or case question."""
    body = session.scalar(
        select(ArchiveContent.body)
        .join(ArchiveEntry, ArchiveEntry.id == ArchiveContent.entry_id)
        .where(ArchiveEntry.record_id == record.id)
        .order_by(ArchiveEntry.seq.desc())
        .limit(1)
    )
    findings = (json.loads(body).get("rettesnor:findings") or []) if body else []
    wanted = {kind, "complaint" if kind == "complaint" else "case_inquiry"}
    return sorted(
        {
            c
            for f in findings  # a finding of several categories lists them all (policy.evaluate.Finding)
            if wanted & {f.get("category"), *(f.get("categories") or ())}
            for c in f.get("clauses") or []
        }
    )


def send_task(session: Session, org: Organisation, task_id: int) -> Notification:
    """Put the task's journal mail in the outbox (sent by ``rettesnor mail send``)."""
    task = get_in_org(session, RegistrationTask, org, task_id, "registration task")
    if not org.journal_address:
        raise InvalidValue(
            f"{org.slug} has no journal address: set it with rettesnor tasks journal-address ADDRESS"
        )
    if task.record_id is None:
        raise InvalidValue(f"registration task {task_id} has no archived message to send")
    if task.status != "open":
        raise Conflict(f"registration task {task_id} is closed already")
    earlier = _sent(session, org, task_id)
    if earlier is not None:
        raise Conflict(f"registration task {task_id} was sent to the journal already (message {earlier.id})")
    record = session.get(ArchiveRecord, task.record_id)
    assert record is not None
    account = session.get(Account, record.account_id) if record.account_id else None
    root = session.get(ArchiveRecord, record.thread_id) if record.thread_id else record
    params: notices.Params = {
        "task": task.id,
        "record": record.id,
        "kind": task.kind,
        "account": account.name if account else "–",
        "platform": record.platform,
        "platform_id": record.platform_id,
        "thread_platform_id": (root or record).platform_id,
        "received_at": recordxml.stamp(record.received_at),
        "due_on": task.due_on.isoformat(),
        "clauses": ", ".join(_clauses(session, record, task.kind)) or "–",
    }
    return notices.owe(
        session,
        org,
        "journal",
        org.journal_address,
        params,
        account_id=record.account_id,
        subject=f"For registration: {task.kind} received on {record.platform}",
        body=f"Registration task {task.id} (record {record.id}) sent to the records system.",
    )


def text(params: dict[str, Any], org: Organisation, lang: str) -> tuple[str, str]:
    """Subject and body in ``lang``."""
    _ = translator(lang)
    kind = _(KIND_NAMES.get(str(params.get("kind")), "")) or str(params.get("kind"))
    values = {**params, "organisation": org.name, "task": f"R{params.get('task')}"}
    subject = _(SUBJECT).format(kind=kind, platform=params.get("platform"), account=params.get("account"))
    lines = [_(INTRO).format(kind=kind), ""]
    lines += [f"{_(label)}: {values.get(key, '–')}" for key, label in FIELDS]
    lines += ["", _(ANSWER)]
    return subject, "\n".join(lines)


def metadata_xml(params: dict[str, Any], org: Organisation) -> bytes:
    root = etree.Element(f"{{{NS}}}registration", nsmap={None: NS})
    etree.SubElement(root, f"{{{NS}}}organisation", id=org.slug).text = org.name
    for key, _label in FIELDS[1:]:
        value = str(params.get(key, ""))
        etree.SubElement(root, f"{{{NS}}}{key.replace('_', '-')}").text = recordxml.clean(value)
    etree.SubElement(root, f"{{{NS}}}kind").text = str(params.get("kind", ""))
    data: bytes = etree.tostring(root, encoding="utf-8", xml_declaration=True, pretty_print=True)
    return data


def attach(session: Session, org: Organisation, note: Notification, message: EmailMessage) -> None:
    """Add the thread as PDF/A and the metadata as XML to a journal message."""
    from rettesnor.archive.pdfa import thread_pdf

    params = json.loads(note.params or "{}")
    lang = COUNTRY_LANGUAGE.get(org.country, "en")
    task = session.get(RegistrationTask, params.get("task"))
    name = f"{org.slug}-R{params.get('task')}"
    if task is not None and task.record_id is not None:
        pdf = thread_pdf(session, org, task.record_id, lang)
        message.add_attachment(pdf, maintype="application", subtype="pdf", filename=f"{name}.pdf")
    message.add_attachment(
        metadata_xml(params, org), maintype="application", subtype="xml", filename=f"{name}.xml"
    )
    if "Content-Language" not in message:  # becoming multipart moved the Content-* headers to the text
        message["Content-Language"] = lang
