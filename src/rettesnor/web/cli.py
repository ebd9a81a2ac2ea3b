"""``rettesnor serve``, ``rettesnor demo load`` (with the web's demo logins) and ``rettesnor web token``."""

from __future__ import annotations

import functools
import ipaddress
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, Any

import typer
from rich.console import Console

out = Console(highlight=False, soft_wrap=True)
web_app = typer.Typer(no_args_is_help=True, help="The web application: API tokens.")
mail_app = typer.Typer(
    no_args_is_help=True, help="E-mail the outbox: leaders, task owners, the service office."
)
SUB_APPS: tuple[tuple[str, typer.Typer], ...] = (("web", web_app), ("mail", mail_app))
OrgOption = Annotated[str | None, typer.Option("--org", "-o", help="only this organisation (its slug)")]


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to listen on")] = 8000,
    insecure_cookies: Annotated[
        bool, typer.Option(help="send the session cookie over plain HTTP (only for loopback)")
    ] = False,
    platforms_worker: Annotated[
        bool, typer.Option(help="also drain the platform webhook queue in this process (every second)")
    ] = False,
) -> None:
    """Serve the web application and the REST API (uvicorn, one worker)."""
    import uvicorn

    from rettesnor.records import migrate
    from rettesnor.records.db import make_engine
    from rettesnor.web.app import create_app
    from rettesnor.web.settings import Settings

    plain_http = insecure_cookies or _loopback(host)  # browsers treat loopback as a secure context
    engine = make_engine()
    migrate.require_current(engine)
    app = create_app(Settings(secure_cookies=not plain_http), engine=engine)
    out.print(f"Rettesnor is running at http://{host}:{port}/  (Ctrl+C stops it)")
    import gc

    gc.collect()
    gc.freeze()  # long-lived objects (packs, word lists, models) leave the collector: no long pauses
    worker = None
    if platforms_worker:
        from rettesnor.platforms.events import BackgroundWorker

        worker = BackgroundWorker(engine)
        worker.start()
    try:
        uvicorn.run(app, host=host, port=port, access_log=False, log_level="info", server_header=False)
    finally:
        if worker is not None:
            worker.stop()


def _with_logins(load: Callable[..., None]) -> Callable[..., None]:
    """``demo load`` as :mod:`rettesnor.demo` has it, then the demo logins (printed in text format)."""

    @functools.wraps(load)
    def demo_load(*args: Any, **kwargs: Any) -> None:
        from rettesnor.records.db import make_engine, unit_of_work
        from rettesnor.web import demo

        load(*args, **kwargs)
        engine = make_engine()
        try:
            with unit_of_work(engine, actor=os.environ.get("RETTESNOR_ACTOR", "cli")) as session:
                logins = demo.load(session)
        finally:
            engine.dispose()
        if kwargs.get("fmt", "text") == "json":
            return
        out.print(f"\nDemo logins (password: {demo.DEMO_PASSWORD}):")
        for login in logins:
            out.print(f"  {login.username:<20} {login.role:<24} {login.name}")

    return demo_load


def register(app: typer.Typer, demo_app: typer.Typer) -> None:
    """``rettesnor serve``; ``rettesnor demo load`` (registered before) also creates the demo logins."""
    app.command("serve")(serve)
    for info in demo_app.registered_commands:
        if info.name == "load" and info.callback is not None:
            info.callback = _with_logins(info.callback)


@web_app.command("token")
def token(
    org: Annotated[str, typer.Option("--org", "-o", help="the organisation's slug")],
    person: Annotated[int, typer.Option("--as", help="id of the person the token acts as")],
    name: Annotated[str, typer.Option(help="what the token is for")] = "api",
    scope: Annotated[list[str] | None, typer.Option(help="a scope; repeat for more (default: all)")] = None,
) -> None:
    """Create an API token for an organisation. It is shown once; only its SHA-256 is stored."""
    from rettesnor.records import migrate
    from rettesnor.records.db import make_engine, unit_of_work
    from rettesnor.web import tokens

    engine = make_engine()
    try:
        migrate.require_current(engine)
        with unit_of_work(engine, actor="cli") as session:
            secret, row = tokens.create(session, org, person, name, scope or None)
    finally:
        engine.dispose()
    out.print(f"token {row.prefix}… for {org} with scopes {row.scopes}: (shown only now)")
    sys.stdout.write(secret + "\n")


def _user(session: Any, username: str) -> Any:
    from sqlalchemy import select

    from rettesnor.governance.errors import NotFound
    from rettesnor.records.web_models import WebUser

    user = session.scalars(select(WebUser).where(WebUser.username == username.strip().lower())).first()
    if user is None:
        raise NotFound(f"no login named {username!r}")
    return user


@web_app.command("reset-totp")
def reset_totp(username: Annotated[str, typer.Argument(help="the login's user name")]) -> None:
    """Turn a login's two-step login off (the person lost the phone); they may set it up again."""
    from rettesnor.records import migrate
    from rettesnor.records.db import make_engine, unit_of_work
    from rettesnor.web import totp

    engine = make_engine()
    try:
        migrate.require_current(engine)
        with unit_of_work(engine, actor=os.environ.get("RETTESNOR_ACTOR", "cli")) as session:
            user = _user(session, username)
            was_on = totp.enabled(user)
            totp.reset(user)
    finally:
        engine.dispose()
    out.print(f"two-step login of {username}: {'turned off' if was_on else 'was not on; nothing to do'}")


@web_app.command("link-identity")
def link_identity(
    username: Annotated[str, typer.Argument(help="the login's user name")],
    issuer: Annotated[str, typer.Option(help="the OpenID Connect provider's issuer URL")],
    subject: Annotated[str, typer.Option(help="the person's subject (sub claim) at that provider")],
) -> None:
    """Link an OpenID Connect identity to an existing login (where user name and e-mail do not match)."""
    from rettesnor.records import migrate
    from rettesnor.records.db import make_engine, unit_of_work
    from rettesnor.records.web_models import WebIdentity

    engine = make_engine()
    try:
        migrate.require_current(engine)
        with unit_of_work(engine, actor=os.environ.get("RETTESNOR_ACTOR", "cli")) as session:
            user = _user(session, username)
            session.add(WebIdentity(user_id=user.id, issuer=issuer.strip(), subject=subject.strip()))
    finally:
        engine.dispose()
    out.print(f"{username} now signs in as {subject} at {issuer}")


@contextmanager
def _organisation(slug: str) -> Iterator[tuple[Any, Any]]:
    """One transaction on the organisation ``slug`` of the configured, migrated database."""
    from rettesnor.governance import tenants
    from rettesnor.records import migrate
    from rettesnor.records.db import make_engine, unit_of_work

    engine = make_engine()
    try:
        migrate.require_current(engine)
        with unit_of_work(engine, actor=os.environ.get("RETTESNOR_ACTOR", "cli")) as session:
            yield session, tenants.get_organisation(session, slug)
    finally:
        engine.dispose()


@mail_app.command("send")
def mail_send(
    org: OrgOption = None,
    limit: Annotated[int | None, typer.Option(min=1, help="send at most this many")] = None,
) -> None:
    """Send what waits in the outbox over SMTP (RETTESNOR_SMTP_HOST, RETTESNOR_MAIL_FROM …; see
    docs/mail.md). Run it every few minutes from cron or a systemd timer."""
    from rettesnor.notify import mail
    from rettesnor.records import migrate
    from rettesnor.records.db import make_engine

    settings = mail.MailSettings.from_env()
    engine = make_engine()
    try:
        migrate.require_current(engine)
        report = mail.send_pending(engine, settings, org_slug=org, limit=limit)
    finally:
        engine.dispose()
    out.print(
        f"sent {report.sent}, refused {report.failed} (tried again later), {report.given_up} need a person"
    )
    if report.error is not None:
        print(f"rettesnor: error: {report.error}", file=sys.stderr)
        raise typer.Exit(1)


@mail_app.command("outbox")
def mail_outbox(
    org: Annotated[str, typer.Option("--org", "-o", help="the organisation's slug")],
    sent: Annotated[bool, typer.Option("--sent", help="list the sent messages too")] = False,
    fmt: Annotated[str, typer.Option("--format", "-f", help="text or json")] = "text",
) -> None:
    """What waits to be sent, what was refused and why, and what needs a person (no address)."""
    import json

    from rettesnor.notify import mail

    with _organisation(org) as (session, organisation):
        rows = mail.outbox(session, organisation, include_sent=sent)
    if fmt == "json":
        items = [
            {
                "id": r.id,
                "kind": r.kind,
                "recipient": r.recipient,
                "state": r.state,
                "created_at": r.created_at.isoformat(),
                "attempts": r.attempts,
                "last_error": r.last_error,
            }
            for r in rows
        ]
        sys.stdout.write(json.dumps(items, ensure_ascii=False, indent=2) + "\n")
        return
    if not rows:
        out.print("the outbox is empty")
    for r in rows:
        error = f"  ({r.last_error})" if r.last_error else ""
        out.print(f"{r.id:>6}  {r.state:<8} {r.kind:<14} {r.recipient or '-'}{error}")


@mail_app.command("digest")
def mail_digest(
    org: Annotated[str, typer.Option("--org", "-o", help="the organisation's slug")],
    day: Annotated[
        str | None, typer.Option("--date", help="the day of the digest (YYYY-MM-DD); today")
    ] = None,
) -> None:
    """Put a message for each owner of open registration tasks in the outbox (once a day; unowned
    tasks go to the records managers). `mail send` sends them."""
    import datetime as dt

    from rettesnor.governance.common import to_date
    from rettesnor.notify import mail

    today = to_date(day, "date") if day else dt.date.today()
    with _organisation(org) as (session, organisation):
        made = mail.task_digests(session, organisation, today)
    out.print(f"{made} task digest(s) for {today.isoformat()} in the outbox")


@mail_app.command("retry")
def mail_retry(
    ids: Annotated[list[int], typer.Argument(help="ids of stuck messages (from `mail outbox`)")],
    org: Annotated[str, typer.Option("--org", "-o", help="the organisation's slug")],
) -> None:
    """Try stuck messages again after the relay or the address was fixed."""
    from rettesnor.notify import mail

    with _organisation(org) as (session, organisation):
        count = mail.retry(session, organisation, ids)
    out.print(f"{count} of {len(ids)} message(s) will be tried again on the next `mail send`")
