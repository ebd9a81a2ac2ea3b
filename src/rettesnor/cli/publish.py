"""``rettesnor publish``: write a post, submit it, decide on it, list the calendar, run the publisher."""

from __future__ import annotations

import json
import signal
import sys
import threading
from pathlib import Path
from typing import Annotated, Any

import typer

from rettesnor.cli.common import Format, actor, fail, open_engine, out, tenant

publish_app = typer.Typer(
    no_args_is_help=True, help="Publish through Rettesnor: compose, submit, approve, the queue's worker."
)
SUB_APPS: tuple[tuple[str, typer.Typer], ...] = (("publish", publish_app),)

Org = Annotated[str, typer.Option("--org", "-o", help="the organisation's slug")]
Person = Annotated[int, typer.Option("--person", "-p", help="who does it: a person's id")]
PostId = Annotated[int, typer.Option("--post", help="the post's id")]
Lang = Annotated[str | None, typer.Option("--lang", help="language of the findings: da, nb, sv, en")]


def _show(session: Any, org: Any, pub: Any, lang: str | None, fmt: str) -> None:
    from rettesnor.publishing import service

    result = service.run_check(session, org, pub, lang)
    if fmt == "json":
        data = {
            "id": pub.id,
            "status": pub.status,
            "account": pub.account_id,
            "text": pub.text,
            "check": result.to_dict(lang),
            "approval_chain": service.chain(session, pub),
            "platform_id": pub.platform_id,
            "record_id": pub.record_id,
        }
        out.print_json(json.dumps(data, ensure_ascii=False, default=str))
        return
    out.print(f"post {pub.id} ({pub.status}) for account {pub.account_id}; check: {result.verdict}")
    for f in result.to_dict(lang)["findings"]:
        out.print(f"  {f['severity']:5} {f['code']} {f['message']}")
    if pub.platform_id:
        out.print(f"  on the platform as {pub.platform_id}; archive record {pub.record_id}")


@publish_app.command("compose")
def compose(
    org: Org,
    person: Person,
    account: Annotated[int, typer.Option("--account", "-a", help="the account's id in the registry")],
    text: Annotated[str | None, typer.Option(help="the text (or --text-file)")] = None,
    text_file: Annotated[Path | None, typer.Option(help="read the text from this file (- for stdin)")] = None,
    photo: Annotated[list[Path] | None, typer.Option(help="a photo to attach (repeat for more)")] = None,
    alt: Annotated[list[str] | None, typer.Option(help="the alt text of each photo, in order")] = None,
    link: Annotated[str | None, typer.Option(help="a link (Facebook)")] = None,
    at: Annotated[str | None, typer.Option(help="when to publish, e.g. 2026-12-24T09:00+01:00")] = None,
    lang: Lang = None,
    fmt: Format = "text",
) -> None:
    """Save a draft (anyone may) and show its check."""
    import datetime as dt

    from rettesnor.governance import checking
    from rettesnor.publishing import service

    if text_file is not None:
        body = sys.stdin.read() if str(text_file) == "-" else text_file.read_text(encoding="utf-8")
    else:
        body = text or ""
    photos = []
    alts = list(alt or [])
    try:
        for i, path in enumerate(photo or []):
            checking.readable(path)
            photos.append(service.NewPhoto(path.name, path.read_bytes(), alts[i] if i < len(alts) else None))
        when = dt.datetime.fromisoformat(at) if at else None
    except ValueError as exc:
        raise fail(str(exc)) from None
    if when is not None and when.tzinfo is None:
        raise fail("the time needs a time zone, e.g. 2026-12-24T09:00+01:00")
    with tenant(org) as (session, organisation):
        pub = service.save_draft(
            session, organisation, person, service.Draft(account, body, link, when, tuple(photos))
        )
        _show(session, organisation, pub, lang, fmt)


@publish_app.command("submit")
def submit(
    org: Org,
    person: Person,
    post: PostId,
    ack: Annotated[list[str] | None, typer.Option(help="CODE=your words, for each warning")] = None,
    override: Annotated[str | None, typer.Option(help="ask a leader to override a block: why")] = None,
) -> None:
    """Submit a post (designated authors only); it waits for approval or is scheduled."""
    from rettesnor.publishing import service

    acks = {}
    for item in ack or []:
        code, sep, words = item.partition("=")
        if not sep:
            raise fail(f"an acknowledgement is CODE=words, not {item!r}")
        acks[code.strip()] = words
    with tenant(org) as (session, organisation):
        pub = service.submit(session, organisation, post, person, acks, override)
        out.print(f"post {pub.id} is {pub.status}")


@publish_app.command("revise")
def revise(
    org: Org,
    person: Person,
    post: PostId,
    text: Annotated[str, typer.Option(help="the new text")],
    lang: Lang = None,
    fmt: Format = "text",
) -> None:
    """Change a published Facebook post: a new draft that is submitted and approved like a new post."""
    from rettesnor.publishing import service

    with tenant(org) as (session, organisation):
        _show(session, organisation, service.revise(session, organisation, post, person, text), lang, fmt)


@publish_app.command("decide")
def decide(
    org: Org,
    person: Person,
    post: PostId,
    act: Annotated[str, typer.Option(help="approve, changes or reject")],
    comment: Annotated[str | None, typer.Option(help="needed for changes and reject")] = None,
    override_reason: Annotated[str | None, typer.Option(help="a leader's reason to override a block")] = None,
) -> None:
    """Decide on a submitted post (an approver; never your own)."""
    from rettesnor.publishing import service

    with tenant(org) as (session, organisation):
        pub = service.decide(session, organisation, post, person, act, comment, override_reason)
        out.print(f"post {pub.id} is {pub.status}")


@publish_app.command("show")
def show(org: Org, post: PostId, lang: Lang = None, fmt: Format = "text") -> None:
    """A post, its check and its approval chain."""
    from rettesnor.publishing import service

    with tenant(org) as (session, organisation):
        _show(session, organisation, service.get_publication(session, organisation, post), lang, fmt)


@publish_app.command("calendar")
def calendar(org: Org, account: Annotated[int | None, typer.Option("--account", "-a")] = None) -> None:
    """Drafts, waiting approvals, scheduled and published posts, by their time."""
    from rettesnor.publishing import service

    with tenant(org) as (session, organisation):
        for p in service.calendar(session, organisation, account):
            out.print(
                f"{service.when(p).isoformat(timespec='minutes')}  {p.status:10}  post {p.id}  "
                f"account {p.account_id}  {p.text[:60]!r}"
            )


@publish_app.command("worker")
def worker(
    once: Annotated[bool, typer.Option(help="send what is due now, then stop")] = False,
    interval: Annotated[float, typer.Option(help="seconds between looks at the queue")] = 5.0,
) -> None:
    """Send the posts that are due through the Graph API (SIGTERM or Ctrl+C stops it between posts)."""
    from rettesnor.platforms.settings import PlatformSettings
    from rettesnor.publishing import media, publisher
    from rettesnor.web.settings import Settings

    cfg = publisher.PublishSettings(
        PlatformSettings.from_env(), Settings().resolved_secret(), media.base_url()
    )
    stop = threading.Event()
    if not once:
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
    total = publisher.PublishReport()
    with open_engine() as engine:
        try:
            while True:
                report = publisher.publish_due(engine, cfg)
                for k in ("published", "recovered", "retried", "failed"):
                    setattr(total, k, getattr(total, k) + getattr(report, k))
                if once or stop.wait(interval):
                    break
        except KeyboardInterrupt:
            pass
    out.print(" ".join(f"{k}={getattr(total, k)}" for k in ("published", "recovered", "retried", "failed")))


__all__ = ["SUB_APPS", "actor", "publish_app"]
