"""``rettesnor archive|moderation|retention``: the public-records archive, the moderation queue, retention.

Thin: parse, call one service in one transaction, print. Errors are one line with exit status 2.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from rettesnor.cli.common import (
    By,
    Format,
    Org,
    actor,
    check_format,
    console,
    db_session,
    done,
    out,
    plain,
    print_json,
    table,
    tenant,
    to_dict,
)
from rettesnor.item import InputError

archive_app = typer.Typer(
    no_args_is_help=True, help="The public-records archive: import, search, verify, export."
)
moderation_app = typer.Typer(no_args_is_help=True, help="The moderation queue and decisions on comments.")
retention_app = typer.Typer(no_args_is_help=True, help="Retention rules, legal holds and disposal runs.")

SUB_APPS: tuple[tuple[str, typer.Typer], ...] = (
    ("archive", archive_app),
    ("moderation", moderation_app),
    ("retention", retention_app),
)


def _time(value: str | None, what: str) -> dt.datetime | None:
    if value is None:
        return None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(f"invalid date for {what}: {value!r} (use YYYY-MM-DD)") from None
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def _row(record: Any) -> dict[str, Any]:
    return {
        "id": record.id,
        "kind": record.kind,
        "platform_id": record.platform_id,
        "account_id": record.account_id,
        "received_at": plain(record.received_at),
        "state": record.state,
        "categories": record.categories,
        "decision": record.decision,
        "text": record.text if record.text is None or len(record.text) < 200 else record.text[:199] + "…",
    }


@archive_app.command("import")
def archive_import(
    source: Annotated[Path, typer.Argument(help="a JSON array or JSON Lines export of messages")],
    org: Org,
    fmt: Format = "text",
) -> None:
    """Store every message of an export (idempotent: importing twice stores once)."""
    from rich.progress import Progress

    from rettesnor.archive.ingest import read_file
    from rettesnor.intake import ingest

    if not source.is_file():
        raise InputError(f"no such file: {source}")
    events = list(read_file(source.read_bytes()))  # every line is checked before anything is stored
    with tenant(org) as (s, o), Progress(console=console(), transient=True, disable=fmt == "json") as bar:
        task = bar.add_task("importing", total=len(events))
        report = ingest(s, o, events, progress=lambda n: bar.advance(task, n))
    if check_format(fmt) == "json":
        print_json(report.to_dict())
        return
    r = report
    out.print(
        f"{r.received} received: {r.records} new records, {r.versions} new versions, "
        f"{r.duplicates} duplicates; {r.queued} queued for moderation, {r.tasks} registration tasks"
    )


@archive_app.command("search")
def archive_search(
    org: Org,
    query: Annotated[str | None, typer.Argument(help="words to find (all of them)")] = None,
    account: Annotated[int | None, typer.Option(help="account id")] = None,
    author: Annotated[str | None, typer.Option(help="author id or name as received")] = None,
    category: Annotated[str | None, typer.Option(help="finding category, e.g. insult")] = None,
    decision: Annotated[str | None, typer.Option(help="moderation decision, e.g. hide")] = None,
    kind: Annotated[str | None, typer.Option(help="post, comment, reply, private_message")] = None,
    since: Annotated[str | None, typer.Option(help="received on or after, YYYY-MM-DD")] = None,
    until: Annotated[str | None, typer.Option(help="received before, YYYY-MM-DD")] = None,
    limit: Annotated[int, typer.Option()] = 50,
    fmt: Format = "text",
) -> None:
    """Full-text search with filters."""
    from rettesnor.archive.search import Filters, search

    filters = Filters(
        account, _time(since, "--since"), _time(until, "--until"), author, category, decision, kind
    )
    with tenant(org) as (s, o):
        rows = [_row(r) for r in search(s, o, query, filters, limit)]
    table(rows, ["id", "kind", "received_at", "state", "categories", "decision", "text"], fmt)


@archive_app.command("verify")
def archive_verify(
    org: Annotated[str | None, typer.Option("--org", "-o", help="one organisation (default: all)")] = None,
    fmt: Format = "text",
) -> None:
    """Recompute the hash chain; name the first altered, removed or reordered record. Exit 1 if any."""
    from rettesnor.archive.chain import verify
    from rettesnor.governance.tenants import get_organisation, list_organisations

    with db_session() as s:
        orgs = [get_organisation(s, org)] if org else list_organisations(s)
        results = [verify(s, o) for o in orgs]
    if check_format(fmt) == "json":
        print_json(
            [
                {
                    "organisation": r.organisation,
                    "entries": r.entries,
                    "head": r.head,
                    "disposed": r.disposed,
                    "decisions_head": r.decisions_head,
                    "ok": r.ok,
                    "problem": str(r.problem) if r.problem else None,
                }
                for r in results
            ]
        )
    else:
        for r in results:
            status = "ok" if r.ok else f"BROKEN at {r.problem}"
            out.print(f"{r.organisation}: {r.entries} entries, head {r.head[:16]}…, {status}")
    raise typer.Exit(0 if all(r.ok for r in results) else 1)


@archive_app.command("export")
def archive_export(
    org: Org,
    out_dir: Annotated[Path, typer.Option("--out", help="folder to write to")],
    export_format: Annotated[
        str, typer.Option("--format", "-f", help="jsonl, noark5, eark (E-ARK SIP) or fgs (Swedish FGS)")
    ] = "jsonl",
    since: Annotated[str | None, typer.Option(help="E-ARK: records received on or after, YYYY-MM-DD")] = None,
    until: Annotated[str | None, typer.Option(help="E-ARK: records received before, YYYY-MM-DD")] = None,
    agreement: Annotated[
        str | None, typer.Option(help="E-ARK/FGS: the submission agreement (leveransöverenskommelse)")
    ] = None,
    documents: Annotated[
        bool, typer.Option("--documents/--no-documents", help="E-ARK/FGS: threads with a task as PDF/A")
    ] = True,
) -> None:
    """Export the organisation's records: JSON Lines of canonical records, a Noark 5 extract, or an
    E-ARK SIP (CSIP with METS and PREMIS; fgs: the Swedish FGS Paketstruktur profile of it)."""
    from rettesnor.archive import export

    if export_format not in ("jsonl", "noark5", "eark", "fgs"):
        raise InputError(f"unknown format {export_format!r}; choose one of: jsonl, noark5, eark, fgs")
    if export_format in ("eark", "fgs"):
        from rettesnor.archive import eark

        with tenant(org) as (s, o):
            package = eark.export(
                s,
                o,
                out_dir,
                profile=export_format,
                actor=actor(),
                agreement=agreement,
                since=_time(since, "--since"),
                until=_time(until, "--until"),
                documents=documents,
            )
        out.print(
            f"E-ARK SIP ({export_format}) with {package.records} records, {package.documents} PDF/A "
            f"documents and {package.attachments} attachments written to {package.folder}"
        )
        return
    with tenant(org) as (s, o):
        if export_format == "jsonl":
            path, n = export.jsonl(s, o, out_dir)
        else:
            path, n = export.noark5(s, o, out_dir, actor())
            out.print(f"Noark 5 arkivuttrekk with {n} document versions written to {path}")
            return
    out.print(f"{n} versions written to {path}")


Lang = Annotated[
    str | None, typer.Option("--lang", help="language of the document: da, nb, sv or en (default: the org's)")
]


def _write_pdf(pdf: bytes, out_file: Path, what: str) -> None:
    out_file.write_bytes(pdf)
    out.print(f"{what} written to {out_file} (PDF/A-2b, {len(pdf):,} bytes)")


@archive_app.command("access-request")
def archive_access_request(
    org: Org,
    records: Annotated[list[int], typer.Argument(help="ids of the records asked for")],
    out_file: Annotated[
        Path | None, typer.Option("--out", help="write a PDF/A document here (default: JSON on stdout)")
    ] = None,
    lang: Lang = None,
) -> None:
    """The records with the personal data the engine found redacted, and the redactions listed: JSON, or
    with --out a PDF/A document in the requester's language (--lang)."""
    from rettesnor.archive.search import access_request

    with tenant(org) as (s, o):
        if out_file is None:
            print_json(access_request(s, o, records))
            return
        from rettesnor.archive.pdfa import access_request_pdf

        pdf = access_request_pdf(s, o, records, lang)
    _write_pdf(pdf, out_file, "access request")


@archive_app.command("document")
def archive_document(
    org: Org,
    record: Annotated[int, typer.Argument(help="record id")],
    out_file: Annotated[Path, typer.Option("--out", help="the PDF/A file to write")],
    what: Annotated[str, typer.Option("--of", help="thread (the whole thread) or record (every version)")] = (
        "thread"
    ),
    lang: Lang = None,
) -> None:
    """A comment thread or a record with its versions as a PDF/A-2b document."""
    from rettesnor.archive import pdfa

    if what not in ("thread", "record"):
        raise InputError(f"unknown document {what!r}; choose thread or record")
    with tenant(org) as (s, o):
        make = pdfa.thread_pdf if what == "thread" else pdfa.record_pdf
        pdf = make(s, o, record, lang)
    _write_pdf(pdf, out_file, what)


@archive_app.command("snapshot")
def archive_snapshot(
    org: Org,
    account: Annotated[int, typer.Option(help="account id")],
    year: Annotated[int, typer.Option(help="the year to document")] = dt.date.today().year,
    out_file: Annotated[
        Path | None, typer.Option("--out", help="HTML or PDF file (default: HTML on standard output)")
    ] = None,
    lang: Lang = None,
) -> None:
    """A self-contained HTML page of an account's posts and comments in a year (Norsjö 4.8); a PDF/A-2b
    document when --out ends in .pdf."""
    from rettesnor.archive.snapshot import snapshot_html

    if out_file is not None and out_file.suffix.lower() == ".pdf":
        from rettesnor.archive.pdfa import snapshot_pdf

        with tenant(org) as (s, o):
            pdf = snapshot_pdf(s, o, account, year, lang)
        _write_pdf(pdf, out_file, "snapshot")
        return
    with tenant(org) as (s, o):
        html = snapshot_html(s, o, account, year)
    if out_file is None:
        sys.stdout.write(html)
    else:
        out_file.write_text(html, encoding="utf-8")
        out.print(f"snapshot written to {out_file}")


# --- moderation ---------------------------------------------------------------------------------


@moderation_app.command("queue")
def moderation_queue(
    org: Org,
    status: Annotated[str, typer.Option(help="open, escalated, decided or all")] = "open",
    account: Annotated[int | None, typer.Option(help="account id")] = None,
    limit: Annotated[int, typer.Option()] = 100,
    fmt: Format = "text",
) -> None:
    """Comments waiting for a decision, newest first, with the engine's recommendation and its ground."""
    from rettesnor.moderation.queue import list_queue

    with tenant(org) as (s, o):
        rows = [
            {
                "record": r.id,
                "case": c.id,
                "recommended": c.recommended,
                "categories": c.categories,
                "rule": c.rule_code,
                "clauses": c.clauses,
                "ground": c.ground,
                "status": c.status,
                "text": _row(r)["text"],
            }
            for c, r in list_queue(s, o, status, account, limit)
        ]
    table(rows, ["record", "recommended", "categories", "rule", "clauses", "ground", "status", "text"], fmt)


@moderation_app.command("decide")
def moderation_decide(
    record: Annotated[int, typer.Argument(help="record id")],
    action: Annotated[str, typer.Argument(help="keep, hide, unhide, delete, escalate or reply")],
    org: Org,
    by: By,
    reason: Annotated[str, typer.Option(help="why (kept with the decision)")],
    ground: Annotated[str | None, typer.Option(help="legal ground of a hide or delete")] = None,
    template: Annotated[
        str | None, typer.Option(help="reply template: personal_data, case_inquiry, complaint")
    ] = None,
    reply: Annotated[str | None, typer.Option("--text", help="reply text")] = None,
    lang: Annotated[str | None, typer.Option(help="language of the template: da, nb, sv, en")] = None,
    to: Annotated[
        int | None, typer.Option("--to", help="escalate to this person (default: closest leader)")
    ] = None,
    fmt: Format = "text",
) -> None:
    """Decide on a comment. Without a platform connector, hide/delete are recorded (evidence first) and
    must be carried out on the platform by hand."""
    from rettesnor.moderation.queue import decide
    from rettesnor.platforms.connector import connected_platform

    with tenant(org) as (s, o), connected_platform(s, o, record) as platform:  # None: not connected
        outcome = decide(
            s,
            o,
            record,
            action,
            by=by,
            reason=reason,
            ground=ground,
            template=template,
            reply=reply,
            lang=lang,
            escalate_to=to,
            platform=platform,
        )
        info = to_dict(outcome.decision)
    if check_format(fmt) == "json":
        print_json(info)
    else:
        out.print(outcome.message)
    raise typer.Exit(1 if outcome.decision.platform_result == "failed" else 0)


@moderation_app.command("unanswered")
def moderation_unanswered(
    org: Org,
    account: Annotated[int | None, typer.Option(help="account id")] = None,
    hours: Annotated[int, typer.Option(help="only those older than this many hours")] = 0,
    fmt: Format = "text",
) -> None:
    """Citizens' comments and messages nobody has answered (Hustadvika 2p)."""
    from rettesnor.moderation.queue import unanswered

    with tenant(org) as (s, o):
        rows = [_row(r) for r in unanswered(s, o, account, dt.timedelta(hours=hours) if hours else None)]
    table(rows, ["id", "kind", "account_id", "received_at", "categories", "text"], fmt)


# --- retention ----------------------------------------------------------------------------------


@retention_app.command("rule")
def retention_rule(
    record_kind: Annotated[
        str, typer.Argument(help="post, comment, reply, private_message, moderator_action")
    ],
    org: Org,
    keep: Annotated[bool, typer.Option("--keep", help="keep these records")] = False,
    dispose_after: Annotated[int | None, typer.Option(help="dispose after this many days")] = None,
    decision: Annotated[str | None, typer.Option(help="the disposal decision it follows")] = None,
    fmt: Format = "text",
) -> None:
    """Set the retention rule of a record kind."""
    from rettesnor.archive import retention

    with tenant(org) as (s, o):
        rule = retention.set_rule(
            s, o, record_kind, keep=keep, dispose_after_days=dispose_after, decision_ref=decision
        )
        done(rule, f"{record_kind}: " + ("keep" if keep else f"dispose after {dispose_after} days"), fmt)


@retention_app.command("hold")
def retention_hold(
    org: Org,
    reason: Annotated[str, typer.Option()],
    account: Annotated[int | None, typer.Option(help="account id")] = None,
    thread: Annotated[int | None, typer.Option(help="record id of the thread's first message")] = None,
    fmt: Format = "text",
) -> None:
    """Place a legal hold: nothing under it is disposed until it is lifted."""
    from rettesnor.archive import retention

    with tenant(org) as (s, o):
        hold = retention.place_hold(s, o, reason=reason, by=actor(), account_id=account, thread_id=thread)
        done(hold, f"legal hold {hold.id} placed", fmt)


@retention_app.command("lift")
def retention_lift(hold: int, org: Org, fmt: Format = "text") -> None:
    """Lift a legal hold."""
    from rettesnor.archive import retention

    with tenant(org) as (s, o):
        done(retention.lift_hold(s, o, hold, actor()), f"legal hold {hold} lifted", fmt)


@retention_app.command("run")
def retention_run(
    org: Org,
    dry_run: Annotated[
        bool, typer.Option("--dry-run/--execute", help="only count (default) or dispose")
    ] = True,
    fmt: Format = "text",
) -> None:
    """Dispose of the content of records past their retention period (dry run unless --execute)."""
    from rettesnor.archive import retention

    with tenant(org) as (s, o):
        plan = retention.run(s, o, by=actor(), dry_run=dry_run)
    info = {"dry_run": plan.dry_run, "due": plan.due, "held": plan.held, "disposed": plan.disposed}
    if check_format(fmt) == "json":
        print_json(info)
        return
    due = ", ".join(f"{n} {k}" for k, n in plan.due.items()) or "nothing"
    verb = "would dispose of" if plan.dry_run else "disposed of"
    out.print(f"{verb} {due}; {plan.held} held by a legal hold")
