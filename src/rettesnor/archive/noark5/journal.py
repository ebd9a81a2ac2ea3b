"""loependeJournal.xml and offentligJournal.xml: the journalposts of registration tasks; the public journal
names no private citizen."""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from rettesnor.archive.noark5.common import THREAD_TITLE, Context, ref_id, root_element, sub, text_or


def write(ctx: Context, folder: Path, kind: str) -> None:
    org = ctx.org
    public = kind == "offentligJournal"
    root = root_element(kind)
    days = [j.task.created_at.date() for j in ctx.journal]
    head = sub(root, "journalhode")
    sub(head, "journalStartDato", min(days).isoformat())
    sub(head, "journalSluttDato", max(days).isoformat())
    sub(head, "antallJournalposter", len(ctx.journal))
    creator = sub(head, "arkivskaper")
    sub(creator, "arkivskaperID", org.slug)
    sub(creator, "arkivskaperNavn", org.name)
    for j in ctx.journal:
        reg = sub(root, "journalregistrering")
        case = sub(reg, "saksmappe")
        sub(case, "mappeID", j.folder)
        sub(case, "saksaar", j.folder_year)
        sub(case, "sakssekvensnummer", j.folder_number)
        if public:
            sub(case, "offentligTittel", ctx.tr(THREAD_TITLE).format(title="…"))
        else:
            sub(case, "tittel", ctx.tr(THREAD_TITLE).format(title=j.folder_title))
        post = sub(reg, "journalpost")
        sub(post, "systemID", j.system_id)
        sub(post, "registreringsID", ref_id(j.record.platform, j.record.platform_id))
        sub(post, "journalaar", j.year)
        sub(post, "journalsekvensnummer", j.sequence)
        sub(post, "journalpostnummer", j.number)
        title = ctx.task_title(j.task.kind)
        if public:
            sub(post, "offentligTittel", title)
        else:
            sub(post, "tittel", f"{title} ({j.record.platform_id})")
            sub(post, "offentligTittel", title)
        sub(post, "journaldato", j.task.created_at.date().isoformat())
        sub(post, "dokumentetsDato", (j.record.published_at or j.record.received_at).date().isoformat())
        if not public and j.task.owner_id is not None:
            sub(post, "saksbehandler", ctx.person(j.task.owner_id))
        part = sub(post, "korrespondansepart")
        sub(part, "korrespondanseparttype", "Avsender")
        # The public journal names no private citizen: the sender is shown as screened.
        name = text_or(j.record.author_name, text_or(j.record.author_id, "ukjent"))
        sub(part, "korrespondansepartNavn", "Privatperson (skjermet)" if public else name)
    etree.ElementTree(root).write(
        str(folder / f"{kind}.xml"), encoding="utf-8", xml_declaration=True, pretty_print=True
    )
