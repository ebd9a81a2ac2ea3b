"""Documents people read, in an archival format: PDF/A-2b written by WeasyPrint from HTML templates.

A comment thread, a record with every version, an access-request export (with its redaction log) and the
yearly documentation of a page (Norsjö 4.8) in the organisation's language, or the language a requester
chose. WeasyPrint embeds a subset of every font it uses (DejaVu, from Debian's ``fonts-dejavu-core``;
``make run`` and ``make test`` install it when missing), writes the sRGB output intent and the PDF/A
identification (``pdfaid:part`` 2, ``pdfaid:conformance`` B) into the XMP metadata, with the title and
the language of the document.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from rettesnor import labels
from rettesnor.archive.errors import InvalidValue, NotFound
from rettesnor.i18n import COUNTRY_LANGUAGE, LANGUAGES, N_, translator
from rettesnor.records.archive_models import ArchiveContent, ArchiveEntry, ArchiveRecord, ModerationDecision
from rettesnor.records.models import Account, Organisation

PDF_VARIANT = "pdf/a-2b"
TITLES = {
    "thread": N_("Comment thread {platform_id}"),
    "record": N_("Record {record} with its versions"),
    "access": N_("Access request of {day}"),
    "snapshot": N_("{account}: the page in {year}"),
}
_ENV = Environment(
    loader=PackageLoader("rettesnor.archive", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
THREAD_LIMIT = 5000  # messages in one thread document


def org_language(org: Organisation) -> str:
    return COUNTRY_LANGUAGE.get(org.country, "en")


def _language(org: Organisation, lang: str | None) -> str:
    if lang is None:
        return org_language(org)
    if lang not in LANGUAGES:
        raise InvalidValue(f"unknown language {lang!r}; choose one of: {', '.join(LANGUAGES)}")
    return lang


def _when(value: dt.datetime | None) -> str:
    if value is None:
        return "–"
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def render(template: str, org: Organisation, lang: str, title_key: str, **values: Any) -> bytes:
    """One document as PDF/A-2b bytes."""
    from weasyprint import HTML  # loaded only when a document is made (it loads Pango)

    _ = translator(lang)
    title = _(TITLES[title_key]).format(**values.pop("title_values", {}))
    html = _ENV.get_template(template).render(
        _=_,
        lang=lang,
        org=org,
        title=title,
        when=_when,
        made=_when(dt.datetime.now(dt.UTC)),
        kinds=labels.RECORD_KINDS,
        states=labels.RECORD_STATES,
        events=labels.ENTRY_EVENTS,
        decisions=labels.DECISIONS_ALL,
        **values,
    )
    # A fixed identifier from the content keeps two renderings of the same document alike.
    ident = hashlib.md5(html.encode("utf-8"), usedforsecurity=False).digest()
    pdf: bytes = HTML(string=html).write_pdf(pdf_variant=PDF_VARIANT, pdf_identifier=ident)
    return pdf


# --- the documents --------------------------------------------------------------------------------


def _record(session: Session, org: Organisation, record_id: int) -> ArchiveRecord:
    record = session.scalars(
        select(ArchiveRecord).where(ArchiveRecord.organisation_id == org.id, ArchiveRecord.id == record_id)
    ).first()
    if record is None:
        raise NotFound(f"no record {record_id} in {org.slug}")
    return record


def _account(session: Session, org: Organisation, account_id: int | None) -> Account | None:
    if account_id is None:
        return None
    return session.scalars(
        select(Account).where(Account.organisation_id == org.id, Account.id == account_id)
    ).first()


def _decisions(session: Session, org: Organisation, ids: list[int]) -> dict[int, list[ModerationDecision]]:
    out: dict[int, list[ModerationDecision]] = {}
    for d in session.scalars(
        select(ModerationDecision)
        .where(ModerationDecision.organisation_id == org.id, ModerationDecision.record_id.in_(ids))
        .order_by(ModerationDecision.id)
    ):
        out.setdefault(d.record_id, []).append(d)
    return out


def thread_records(session: Session, org: Organisation, record: ArchiveRecord) -> list[ArchiveRecord]:
    root = record.thread_id or record.id
    return list(
        session.scalars(
            select(ArchiveRecord)
            .where(
                ArchiveRecord.organisation_id == org.id,
                or_(ArchiveRecord.id == root, ArchiveRecord.thread_id == root),
            )
            .order_by(ArchiveRecord.id)
            .limit(THREAD_LIMIT)
        )
    )


def thread_pdf(session: Session, org: Organisation, record_id: int, lang: str | None = None) -> bytes:
    """The thread a record belongs to: the opening message and every comment and reply, as archived."""
    lang = _language(org, lang)
    records = thread_records(session, org, _record(session, org, record_id))
    root = records[0]
    decided = _decisions(session, org, [r.id for r in records])
    messages = [{"record": r, "decisions": decided.get(r.id, [])} for r in records]
    return render(
        "pdf_thread.html",
        org,
        lang,
        "thread",
        root=root,
        messages=messages,
        account=_account(session, org, root.account_id),
        title_values={"platform_id": root.platform_id},
    )


def record_versions(session: Session, org: Organisation, record_id: int) -> list[dict[str, Any]]:
    rows = session.execute(
        select(ArchiveEntry, ArchiveContent.body)
        .outerjoin(ArchiveContent, ArchiveContent.entry_id == ArchiveEntry.id)
        .where(ArchiveEntry.organisation_id == org.id, ArchiveEntry.record_id == record_id)
        .order_by(ArchiveEntry.seq)
    ).all()
    out = []
    for entry, body in rows:
        doc = json.loads(body) if body is not None else {}
        out.append(
            {
                "version": entry.version,
                "event": entry.event,
                "recorded_at": entry.recorded_at,
                "digest": entry.content_sha256,
                "present": body is not None,
                "text": doc.get("content", ""),
            }
        )
    return out


def record_pdf(session: Session, org: Organisation, record_id: int, lang: str | None = None) -> bytes:
    """One record with every version in chain order (and the SHA-256 the chain holds for each)."""
    lang = _language(org, lang)
    record = _record(session, org, record_id)
    return render(
        "pdf_record.html",
        org,
        lang,
        "record",
        record=record,
        versions=record_versions(session, org, record_id),
        decided=_decisions(session, org, [record_id]).get(record_id, []),
        account=_account(session, org, record.account_id),
        title_values={"record": record_id},
    )


def access_request_pdf(
    session: Session, org: Organisation, record_ids: list[int], lang: str | None = None
) -> bytes:
    """An access request (aktindsigt, innsyn, begäran om allmän handling) with its redaction log, in the
    requester's language."""
    from rettesnor.archive.search import access_request

    lang = _language(org, lang)
    export = access_request(session, org, record_ids)
    day = dt.date.today().isoformat()
    return render("pdf_access.html", org, lang, "access", export=export, title_values={"day": day})


def snapshot_pdf(
    session: Session, org: Organisation, account_id: int, year: int, lang: str | None = None
) -> bytes:
    """The yearly documentation of a page (Norsjö 4.8)."""
    from rettesnor.archive.snapshot import snapshot_data

    lang = _language(org, lang)
    data = snapshot_data(session, org, account_id, year)
    data.pop("org")
    title_values = {"account": data["account"].name, "year": year}
    return render("pdf_snapshot.html", org, lang, "snapshot", title_values=title_values, **data)
