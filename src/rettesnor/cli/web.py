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

from rettesnor.cli.common import out

web_app = typer.Typer(no_args_is_help=True, help="The web application: logins and API tokens.")
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


SECURE_HELP = "Secure and __Host- cookies and HSTS also on loopback (behind an HTTPS proxy)"
PUBLIC_URL_HELP = "the address people use; https://… turns on secure cookies and HSTS (RETTESNOR_PUBLIC_URL)"
FORWARDED_HELP = (
    "reverse proxies whose X-Forwarded-For/-Proto are believed: comma-separated addresses or networks; "
    "none by default (RETTESNOR_FORWARDED_ALLOW_IPS)"
)


def serve_settings(
    host: str,
    insecure_cookies: bool = False,
    secure_cookies: bool = False,
    public_url: str | None = None,
    forwarded_allow_ips: str | None = None,
) -> Any:
    """The settings ``serve`` runs with. Cookies are ``Secure``/``__Host-`` with HSTS unless serving plain
    HTTP on loopback; behind an HTTPS proxy on loopback ``--secure-cookies`` or an ``https://`` public URL
    turns them on. Proxy headers are believed only from ``--forwarded-allow-ips``."""
    from rettesnor.web.settings import Settings

    public_url = public_url or os.environ.get("RETTESNOR_PUBLIC_URL") or None
    forwarded_allow_ips = forwarded_allow_ips or os.environ.get("RETTESNOR_FORWARDED_ALLOW_IPS") or None
    if insecure_cookies and (secure_cookies or (public_url or "").startswith("https://")):
        raise typer.BadParameter("--insecure-cookies contradicts --secure-cookies / an https public URL")
    https = secure_cookies or (public_url or "").lower().startswith("https://")
    plain_http = insecure_cookies or (_loopback(host) and not https)  # loopback is a secure context
    return Settings(secure_cookies=not plain_http, forwarded_allow_ips=forwarded_allow_ips)


def serve(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to listen on")] = 8000,
    insecure_cookies: Annotated[
        bool, typer.Option(help="send the session cookie over plain HTTP (only for loopback)")
    ] = False,
    secure_cookies: Annotated[bool, typer.Option(help=SECURE_HELP)] = False,
    public_url: Annotated[str | None, typer.Option(help=PUBLIC_URL_HELP)] = None,
    forwarded_allow_ips: Annotated[str | None, typer.Option(help=FORWARDED_HELP)] = None,
    platforms_worker: Annotated[
        bool, typer.Option(help="also drain the platform webhook queue in this process (every second)")
    ] = False,
) -> None:
    """Serve the web application and the REST API (uvicorn, one worker)."""
    import uvicorn

    from rettesnor.records import migrate
    from rettesnor.records.db import make_engine
    from rettesnor.web.app import create_app

    settings = serve_settings(host, insecure_cookies, secure_cookies, public_url, forwarded_allow_ips)
    engine = make_engine()
    migrate.require_current(engine)
    app = create_app(settings, engine=engine)
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
        # The application reads proxy headers itself (settings.forwarded_allow_ips): uvicorn's own reading
        # would believe X-Forwarded-For from any local peer.
        uvicorn.run(
            app,
            host=host,
            port=port,
            access_log=False,
            log_level="info",
            server_header=False,
            proxy_headers=False,
        )
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
    scope: Annotated[
        list[str] | None, typer.Option(help="a scope; repeat for more (default: all their roles allow)")
    ] = None,
    days: Annotated[int, typer.Option(help="days until it expires (1-366)")] = 90,
) -> None:
    """Create an API token for an organisation. It is shown once; only its SHA-256 is stored."""
    from rettesnor.web import tokens

    with _organisation(org) as (session, _org):
        secret, row = tokens.create(session, org, person, name, scope or None, days=days)
        expires = row.expires_at.date().isoformat() if row.expires_at else "-"
    out.print(f"token {row.prefix}… (id {row.id}) for {org} with scopes {row.scopes}, expires {expires}:")
    out.print("(shown only now)")
    sys.stdout.write(secret + "\n")


@web_app.command("tokens")
def tokens_list(org: Annotated[str, typer.Option("--org", "-o", help="the organisation's slug")]) -> None:
    """The organisation's API tokens: id, prefix, person, scopes, expiry, state."""
    from rettesnor.web import tokens

    with _organisation(org) as (session, organisation):
        rows = tokens.listed(session, organisation)
        lines = [
            f"{t.id:>5}  {t.prefix}…  person {t.person_id:<5} {t.scopes:<40} "
            f"{t.expires_at.date().isoformat() if t.expires_at else '-':<10}  "
            f"{'live' if tokens.live(t) else 'revoked' if t.revoked_at else 'expired'}"
            for t in rows
        ]
    out.print("\n".join(lines) if lines else "no API tokens")


@web_app.command("revoke-token")
def revoke_token(
    token_id: Annotated[int, typer.Argument(help="the token's id (from `web tokens`)")],
    org: Annotated[str, typer.Option("--org", "-o", help="the organisation's slug")],
) -> None:
    """Revoke an API token: it no longer opens the API."""
    from rettesnor.web import tokens

    with _organisation(org) as (session, organisation):
        row = tokens.revoke(session, organisation, token_id)
        prefix = row.prefix
    out.print(f"token {token_id} ({prefix}…) of {org} is revoked")


@web_app.command("reset-password")
def reset_password(username: Annotated[str, typer.Argument(help="the login's user name")]) -> None:
    """A temporary password (printed once) that must be changed at the next login; sessions end."""
    from rettesnor.web import logins

    with _login(username) as (session, user):
        temporary = logins.reset_password(session, user)
    out.print(f"temporary password of {username} (shown only now; it must be changed at the next login):")
    sys.stdout.write(temporary + "\n")


@web_app.command("disable")
def disable(username: Annotated[str, typer.Argument(help="the login's user name")]) -> None:
    """Disable a login: it cannot sign in, its sessions end and its person's API tokens are revoked."""
    from rettesnor.web import logins

    with _login(username) as (session, user):
        changed = logins.set_disabled(session, user, True)
    out.print(f"{username} is disabled" if changed else f"{username} was disabled already")


@web_app.command("enable")
def enable(username: Annotated[str, typer.Argument(help="the login's user name")]) -> None:
    """Enable a disabled login again."""
    from rettesnor.web import logins

    with _login(username) as (session, user):
        changed = logins.set_disabled(session, user, False)
    out.print(f"{username} is enabled" if changed else f"{username} was not disabled")


@web_app.command("end-sessions")
def end_sessions(username: Annotated[str, typer.Argument(help="the login's user name")]) -> None:
    """Sign a login out everywhere (every session of it ends)."""
    from rettesnor.web import logins

    with _login(username) as (session, user):
        count = logins.end_sessions(session, user)
    out.print(f"{count} session(s) of {username} ended")


@contextmanager
def _login(username: str) -> Iterator[tuple[Any, Any]]:
    """One transaction on the login ``username`` of the configured, migrated database."""
    from rettesnor.records import migrate
    from rettesnor.records.db import make_engine, unit_of_work

    engine = make_engine()
    try:
        migrate.require_current(engine)
        with unit_of_work(engine, actor=os.environ.get("RETTESNOR_ACTOR", "cli")) as session:
            yield session, _user(session, username)
    finally:
        engine.dispose()


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
