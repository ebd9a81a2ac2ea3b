"""arkivstruktur.xml: arkiv → arkivdel → mappe per account → mappe per thread → registrering per record
(a journalpost where the record has a registration task) → dokumentbeskrivelse → dokumentobjekt per version.

Written incrementally (one thread at a time), so large archives do not have to fit in memory. Also the
journalpost of one registration task in a minimal arkivstruktur.xml."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from lxml import etree
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rettesnor.archive.errors import ArchiveError
from rettesnor.archive.noark5.common import (
    BATCH,
    NS,
    SYSTEM,
    THREAD_TITLE,
    XSI,
    Context,
    Journal,
    Version,
    one_line,
    ref_id,
    root_element,
    sub,
    system_id,
    text_or,
    timestamp,
)
from rettesnor.archive.noark5.dokument import Documents
from rettesnor.archive.xmlsafe import safe_suffix
from rettesnor.governance.common import get_in_org
from rettesnor.i18n import N_
from rettesnor.records.archive_models import (
    ArchiveAttachment,
    ArchiveContent,
    ArchiveEntry,
    ArchiveRecord,
    DisposalLog,
    ModerationDecision,
    RegistrationTask,
)
from rettesnor.records.models import Account, Organisation

DOC_TYPES = {
    "post": "Innlegg på sosiale medier",
    "comment": "Kommentar på sosiale medier",
    "reply": "Svar på sosiale medier",
    "private_message": "Privat melding på sosiale medier",
    "moderator_action": "Moderatorhandling",
}
ARKIV_TITLE = N_("Social media – {organisation}")
ARKIV_ABOUT = N_("Messages sent and received on the organisation's social-media accounts")
PART_TITLE = N_("Messages on social media")
ACCOUNT_TITLE = N_("Account: {name} ({platform})")
NO_ACCOUNT = N_("Messages without a known account")
NO_ACCOUNT_ABOUT = N_("Messages that are not tied to a registered account")
THREAD_DEFAULT = N_("Thread {platform_id}")
THREAD_ABOUT = N_("{n} messages")
TASK_FOLDER_ABOUT = N_("Registration task from social media")
RECORD_ABOUT = N_("State: {state}; versions: {versions}")
THREAD_DOCUMENT = N_("The thread as a document (PDF/A)")
KIND_TITLES = {
    "post": N_("Post"),
    "comment": N_("Comment"),
    "reply": N_("Reply"),
    "private_message": N_("Private message"),
    "moderator_action": N_("Moderator action"),
}


# --- reading the archive --------------------------------------------------------------------------


def _records(ctx: Context) -> Iterator[list[ArchiveRecord]]:
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


def _versions(ctx: Context, record_ids: Sequence[int]) -> dict[int, list[Version]]:
    out: dict[int, list[Version]] = {}
    by_entry: dict[int, Version] = {}
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
        v = Version(entry_id, version, event, at, digest, body)
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


def _decisions(ctx: Context, record_ids: Sequence[int]) -> dict[int, list[ModerationDecision]]:
    out: dict[int, list[ModerationDecision]] = {}
    for d in ctx.session.scalars(
        select(ModerationDecision)
        .where(ModerationDecision.record_id.in_(record_ids))
        .order_by(ModerationDecision.id)
    ):
        out.setdefault(d.record_id, []).append(d)
    return out


def _disposals(ctx: Context, record_ids: Sequence[int]) -> dict[int, DisposalLog]:
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
    obj = sub(parent, "dokumentobjekt")
    sub(obj, "systemID", sid)
    sub(obj, "versjonsnummer", version)
    sub(obj, "variantformat", "Arkivformat")
    sub(obj, "format", fmt)
    sub(obj, "formatDetaljer", details)
    sub(obj, "opprettetDato", timestamp(created))
    sub(obj, "opprettetAv", by)
    sub(obj, "referanseDokumentfil", ref)
    sub(obj, "sjekksum", digest)
    sub(obj, "sjekksumAlgoritme", "SHA-256")
    sub(obj, "filstoerrelse", size)


def _registrering(
    ctx: Context,
    docs: Documents,
    record: ArchiveRecord,
    versions: list[Version],
    decisions: list[ModerationDecision],
    disposal: DisposalLog | None,
    journal: Journal | None,
) -> etree._Element:
    org = ctx.org
    first = versions[0] if versions else None
    created = record.published_at or record.received_at
    reg = etree.Element("registrering")
    if journal is not None:
        reg.set(f"{{{XSI}}}type", "journalpost")
    sub(reg, "systemID", system_id(org.slug, "registrering", record.id))
    sub(reg, "opprettetDato", timestamp(created))
    sub(reg, "opprettetAv", text_or(record.author_name, text_or(record.author_id, "ukjent")))
    sub(reg, "arkivertDato", timestamp(first.recorded_at if first else record.received_at))
    sub(reg, "arkivertAv", SYSTEM)
    # One dokumentbeskrivelse for the message (a dokumentobjekt per version), one per attachment.
    kind = DOC_TYPES.get(record.kind, "Melding på sosiale medier")
    desc = sub(reg, "dokumentbeskrivelse")
    sub(desc, "systemID", system_id(org.slug, "dokumentbeskrivelse", record.id))
    sub(desc, "dokumenttype", kind)
    sub(desc, "dokumentstatus", "Dokumentet er ferdigstilt")
    sub(desc, "tittel", one_line(record.text, f"{kind} {record.platform_id}"))
    sub(desc, "opprettetDato", timestamp(created))
    sub(desc, "opprettetAv", text_or(record.author_name, text_or(record.author_id, "ukjent")))
    sub(desc, "tilknyttetRegistreringSom", "Hoveddokument")
    sub(desc, "dokumentnummer", 1)
    sub(desc, "tilknyttetDato", timestamp(first.recorded_at if first else record.received_at))
    sub(desc, "tilknyttetAv", SYSTEM)
    if disposal is not None:
        done = sub(desc, "utfoertKassasjon")
        sub(done, "kassertDato", timestamp(disposal.disposed_at))
        sub(done, "kassertAv", text_or(disposal.disposed_by, SYSTEM))
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
        att = sub(reg, "dokumentbeskrivelse")
        sub(att, "systemID", system_id(org.slug, "vedlegg", record.id, sha))
        sub(att, "dokumenttype", "Vedlegg")
        sub(att, "dokumentstatus", "Dokumentet er ferdigstilt")
        sub(att, "tittel", text_or(name, "vedlegg"))
        sub(att, "opprettetDato", timestamp(at))
        sub(att, "opprettetAv", SYSTEM)
        sub(att, "tilknyttetRegistreringSom", "Vedlegg")
        sub(att, "dokumentnummer", n)
        sub(att, "tilknyttetDato", timestamp(at))
        sub(att, "tilknyttetAv", SYSTEM)
        _dokumentobjekt(
            att,
            system_id(org.slug, "vedleggsobjekt", record.id, sha),
            1,
            text_or(media, "ukjent"),
            text_or(media, "ukjent"),
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
        doc = sub(reg, "dokumentbeskrivelse")
        sub(doc, "systemID", system_id(org.slug, "traaddokument", record.id))
        sub(doc, "dokumenttype", "Vedlegg")
        sub(doc, "dokumentstatus", "Dokumentet er ferdigstilt")
        sub(doc, "tittel", ctx.tr(THREAD_DOCUMENT))
        sub(doc, "opprettetDato", timestamp(ctx.now))
        sub(doc, "opprettetAv", SYSTEM)
        sub(doc, "tilknyttetRegistreringSom", "Vedlegg")
        sub(doc, "dokumentnummer", n)
        sub(doc, "tilknyttetDato", timestamp(at))
        sub(doc, "tilknyttetAv", SYSTEM)
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
    sub(reg, "registreringsID", ref_id(record.platform, record.platform_id))
    sub(reg, "tittel", f"{kind_title} {record.platform_id}")
    if journal is not None:
        sub(reg, "offentligTittel", ctx.task_title(journal.task.kind))
    about = ctx.tr(RECORD_ABOUT).format(state=record.state, versions=record.version)
    sub(
        reg,
        "beskrivelse",
        about
        + (f"; {record.categories}" if record.categories else "")
        + (f"; policy: {record.policy}" if record.policy else ""),
    )
    if record.author_name or record.author_id:
        sub(reg, "forfatter", text_or(record.author_name, text_or(record.author_id, "ukjent")))
    for d in decisions:
        note = sub(reg, "merknad")
        why = f"Moderering: {d.action}" + (f" (grunnlag {d.ground})" if d.ground else "")
        why += f"; begrunnelse: {d.reason}"
        if d.evidence_entry_id is not None:
            evidence = system_id(org.slug, "dokumentobjekt", d.evidence_entry_id)
            why += f"; bevis sikret som dokumentobjekt {evidence}"
        if d.platform_result != "none":
            why += f"; plattform: {d.platform_result}"
        sub(note, "merknadstekst", text_or(why, d.action))
        sub(note, "merknadstype", "Moderering")
        sub(note, "merknadsdato", timestamp(d.decided_at))
        sub(note, "merknadRegistrertAv", ctx.person(d.decided_by_id))
    if journal is not None:
        task = journal.task
        note = sub(reg, "merknad")
        state = f"Registreringsoppgave {task.id} ({task.kind}): {task.status}"
        if task.journal_ref:
            state += f"; journalreferanse {task.journal_ref}"
        if task.close_reason:
            state += f"; begrunnelse: {task.close_reason}"
        sub(note, "merknadstekst", text_or(state, task.kind))
        sub(note, "merknadstype", "Registreringsoppgave")
        sub(note, "merknadsdato", timestamp(task.closed_at or task.created_at))
        sub(note, "merknadRegistrertAv", ctx.person(task.closed_by_id or task.owner_id))
        part = sub(reg, "korrespondansepart")
        sub(part, "korrespondanseparttype", "Avsender")
        sub(part, "korrespondansepartNavn", text_or(record.author_name, text_or(record.author_id, "ukjent")))
        sub(reg, "journalaar", journal.year)
        sub(reg, "journalsekvensnummer", journal.sequence)
        sub(reg, "journalpostnummer", journal.number)
        sub(reg, "journalposttype", "Inngående dokument")
        sub(reg, "journalstatus", _journal_status(task))
        sub(reg, "journaldato", task.created_at.date().isoformat())
        sub(reg, "dokumentetsDato", created.date().isoformat())
        sub(reg, "mottattDato", timestamp(record.received_at))
        sub(reg, "forfallsdato", task.due_on.isoformat())
        ctx.counts["journalpost"] += 1
    ctx.counts["registrering"] += 1
    return reg


def _journal_status(task: RegistrationTask) -> str:
    if task.status != "closed":
        return "Midlertidig registrering av innkommet dokument"
    return "Journalført" if task.journal_ref else "Utgår"


def _mappe(
    ctx: Context, mappe_id: str, sid: str, title: str, start: dt.datetime, end: dt.datetime, about: str
) -> etree._Element:
    el = etree.Element("mappe")
    sub(el, "systemID", sid)
    sub(el, "mappeID", mappe_id)
    sub(el, "tittel", text_or(title, mappe_id))
    sub(el, "beskrivelse", about)
    sub(el, "opprettetDato", timestamp(start))
    sub(el, "opprettetAv", SYSTEM)
    sub(el, "avsluttetDato", timestamp(end))
    sub(el, "avsluttetAv", ctx.actor)
    ctx.counts["mappe"] += 1
    return el


def _period(ctx: Context) -> tuple[dt.datetime, dt.datetime]:
    lo, hi = ctx.session.execute(
        select(func.min(ArchiveEntry.recorded_at), func.max(ArchiveEntry.recorded_at)).where(
            ArchiveEntry.organisation_id == ctx.org.id
        )
    ).one()
    return (lo or ctx.org.created_at or ctx.now), (hi or ctx.now)


def write(ctx: Context, folder: Path) -> tuple[dt.datetime, dt.datetime]:
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
    docs = Documents(ctx, folder)
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
            sub(head, "systemID", system_id(org.slug, "arkiv"))
            sub(head, "tittel", ctx.tr(ARKIV_TITLE).format(organisation=org.name))
            sub(head, "beskrivelse", ctx.tr(ARKIV_ABOUT))
            sub(head, "arkivstatus", "Avsluttet")
            sub(head, "dokumentmedium", "Elektronisk arkiv")
            sub(head, "opprettetDato", timestamp(org.created_at or start))
            sub(head, "opprettetAv", SYSTEM)
            sub(head, "avsluttetDato", timestamp(now))
            sub(head, "avsluttetAv", ctx.actor)
            creator = sub(head, "arkivskaper")
            sub(creator, "arkivskaperID", org.slug)
            sub(creator, "arkivskaperNavn", org.name)
            for child in head:
                xf.write(child)
            with xf.element("arkivdel"):
                part = etree.Element("head")
                sub(part, "systemID", system_id(org.slug, "arkivdel"))
                sub(part, "tittel", ctx.tr(PART_TITLE))
                sub(part, "arkivdelstatus", "Avsluttet periode")
                sub(part, "dokumentmedium", "Elektronisk arkiv")
                sub(part, "opprettetDato", timestamp(start))
                sub(part, "opprettetAv", SYSTEM)
                sub(part, "avsluttetDato", timestamp(now))
                sub(part, "avsluttetAv", ctx.actor)
                sub(part, "arkivperiodeStartDato", start.date().isoformat())
                sub(part, "arkivperiodeSluttDato", end.date().isoformat())
                for child in part:
                    xf.write(child)
                _write_folders(ctx, xf, docs, accounts, spans)
    ctx.counts["documents"] = docs.written
    return start, end


def _write_folders(
    ctx: Context,
    xf: Any,
    docs: Documents,
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
        mappe_id = ref_id(root.platform, root.platform_id)
        title = one_line(root.text, ctx.tr(THREAD_DEFAULT).format(platform_id=root.platform_id), 60)
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
                journal = Journal(
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
                    ref_id(acc.platform, acc.handle) if acc else "uten-konto",
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


def journalpost_xml(session: Session, org: Organisation, task_id: int, actor: str = SYSTEM) -> str:
    """A registration task as a Noark 5 journalpost inside a minimal ``arkivstruktur.xml``
    (arkiv → arkivdel → mappe for the thread → the journalpost), valid against arkivstruktur.xsd.

    The dokumentobjekt of each version carries its SHA-256 and names the file that
    ``archive export --format noark5`` writes for it (the canonical JSON, as in the hash chain).
    """
    task = get_in_org(session, RegistrationTask, org, task_id, "registration task")
    if task.record_id is None:
        raise ArchiveError(f"registration task {task_id} has no archived message to export")
    ctx = Context(session, org, text_or(actor, SYSTEM), None)
    ctx.tasks = {task.record_id: task}
    record = session.get(ArchiveRecord, task.record_id)
    assert record is not None
    root_id = record.thread_id or record.id
    root_record = session.get(ArchiveRecord, root_id) or record
    versions = _versions(ctx, [record.id])
    times = [v.recorded_at for v in versions.get(record.id, [])] or [record.received_at]

    class _NoFiles(Documents):
        def _write(self, ref: str, data: bytes) -> None:
            return None

        def attachment(self, sha: str, name: str) -> str | None:
            return f"DOKUMENT/vedlegg/{sha[:2]}/{sha}{safe_suffix(name)}"

        def thread(self, record: ArchiveRecord) -> tuple[str, int, str] | None:
            return None  # rendered anew it would not match: only the full extract carries it

    arkiv = root_element("arkivstruktur")
    sub(arkiv, "systemID", system_id(org.slug, "arkiv"))
    sub(arkiv, "tittel", ctx.tr(ARKIV_TITLE).format(organisation=org.name))
    sub(arkiv, "opprettetDato", timestamp(org.created_at or record.received_at))
    sub(arkiv, "opprettetAv", SYSTEM)
    sub(arkiv, "avsluttetDato", timestamp(ctx.now))
    sub(arkiv, "avsluttetAv", ctx.actor)
    creator = sub(arkiv, "arkivskaper")
    sub(creator, "arkivskaperID", org.slug)
    sub(creator, "arkivskaperNavn", org.name)
    part = sub(arkiv, "arkivdel")
    sub(part, "systemID", system_id(org.slug, "arkivdel"))
    sub(part, "tittel", ctx.tr(PART_TITLE))
    sub(part, "arkivdelstatus", "Aktiv periode")
    sub(part, "opprettetDato", timestamp(min(times)))
    sub(part, "opprettetAv", SYSTEM)
    sub(part, "avsluttetDato", timestamp(ctx.now))
    sub(part, "avsluttetAv", ctx.actor)
    title = one_line(root_record.text, ctx.tr(THREAD_DEFAULT).format(platform_id=root_record.platform_id), 60)
    mappe_id = ref_id(root_record.platform, root_record.platform_id)
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
    journal = Journal(
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
