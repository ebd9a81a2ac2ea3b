"""``rettesnor platforms``: connect pages, drain the webhook queue, read page settings, backfill, keys."""

from __future__ import annotations

import signal
import sys
import threading
from pathlib import Path
from typing import Annotated, Any

import typer

from rettesnor.cli.common import actor, fail, open_engine, out, tenant

platforms_app = typer.Typer(
    no_args_is_help=True, help="Facebook Pages and Instagram: connect pages, webhook worker, backfill, keys."
)
SUB_APPS: tuple[tuple[str, typer.Typer], ...] = (("platforms", platforms_app),)

Org = Annotated[str, typer.Option("--org", "-o", help="the organisation's slug")]
AccountId = Annotated[int, typer.Option("--account", "-a", help="the account's id in the registry")]


def _settings() -> Any:
    from rettesnor.platforms.settings import PlatformSettings

    return PlatformSettings.from_env()


@platforms_app.command("connect")
def connect(
    org: Org, account: AccountId, page_id: Annotated[str, typer.Option(help="the page's id at Meta")]
) -> None:
    """Connect an account to its page. The page access token is read from standard input (never an
    argument, so it is not in the shell history), stored encrypted, and never shown again."""
    from rettesnor.platforms import connector

    if sys.stdin.isatty():
        import getpass

        token = getpass.getpass("page access token (not shown): ")
    else:
        token = sys.stdin.readline()
    with tenant(org) as (session, organisation):
        connection, fingerprint = connector.connect(
            session, organisation, account, page_id, token, _settings(), by=actor()
        )
        out.print(
            f"account {account} is connected to {connection.platform} page {page_id} "
            f"(token fingerprint {fingerprint}; the token is stored encrypted)"
        )


@platforms_app.command("settings")
def settings(org: Org, account: AccountId) -> None:
    """Read the page's settings from the platform; messaging on/off goes into the registry."""
    from rettesnor.platforms import connector
    from rettesnor.platforms.meta_client import GraphError

    with tenant(org) as (session, organisation):
        connection = connector.connection_of(session, organisation, account)
        conn = connector.connector(session, connection, _settings())
        try:
            found = connector.sync_settings(session, organisation, connection, conn)
        except GraphError as exc:
            raise fail(exc.message(organisation_language(organisation))) from None
        finally:
            conn.close()
        out.print(f"{found.name or connection.page_id}: direct messages {found.messaging}")


def organisation_language(org: Any) -> str:
    return {"DK": "da", "NO": "nb", "SE": "sv"}.get(getattr(org, "country", ""), "en")


@platforms_app.command("backfill")
def backfill(
    org: Org,
    account: AccountId,
    max_pages: Annotated[int | None, typer.Option(help="at most this many pages of each list")] = None,
) -> None:
    """Fetch the page's posts and comments into the archive (idempotent: known ones are not added again)."""
    from rettesnor.platforms import connector
    from rettesnor.platforms.meta_client import GraphError

    with tenant(org) as (session, organisation):
        connection = connector.connection_of(session, organisation, account)
        conn = connector.connector(session, connection, _settings())
        try:
            report = connector.backfill(session, organisation, connection, conn, max_pages=max_pages)
        except GraphError as exc:
            raise fail(exc.message(organisation_language(organisation))) from None
        finally:
            conn.close()
        out.print(" ".join(f"{k}={v}" for k, v in report.to_dict().items()))


@platforms_app.command("worker")
def worker(
    once: Annotated[bool, typer.Option(help="drain what is queued now, then stop")] = False,
    interval: Annotated[float, typer.Option(help="seconds between looks at the queue")] = 1.0,
    batch: Annotated[int, typer.Option(help="deliveries per transaction")] = 200,
) -> None:
    """Drain the webhook queue into the archive and the moderation queue (SIGTERM or Ctrl+C stops it
    between batches; what was not committed stays queued)."""
    from rettesnor.platforms import events

    stop = threading.Event()
    if not once:
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with open_engine() as engine:
        total = events.DrainReport()
        try:
            while True:
                total.add(events.drain(engine, batch=batch))
                if once or stop.wait(interval):
                    break
        except KeyboardInterrupt:
            pass
    out.print(" ".join(f"{k}={v}" for k, v in vars_of(total).items()))


def vars_of(report: Any) -> dict[str, int]:
    import dataclasses

    return {f.name: getattr(report, f.name) for f in dataclasses.fields(report)}


@platforms_app.command("status")
def status() -> None:
    """Deliveries in the webhook queue by state (pending, done, unrouted, failed)."""
    from rettesnor.platforms import events

    with open_engine() as engine:
        found = events.counts(engine)
    out.print(" ".join(f"{k}={found.get(k, 0)}" for k in ("pending", "done", "unrouted", "failed")))


@platforms_app.command("replay")
def replay(failed: Annotated[bool, typer.Option(help="replay failed deliveries instead")] = False) -> None:
    """Queue unrouted deliveries again (after connecting their page), or failed ones with --failed."""
    from rettesnor.platforms import events

    with open_engine() as engine:
        n = events.replay(engine, "failed" if failed else "unrouted")
    out.print(f"{n} deliveries queued again")


@platforms_app.command("new-key")
def new_key() -> None:
    """Print a new token key (Fernet). Put it first in RETTESNOR_TOKEN_KEYS, then run rotate-keys."""
    from rettesnor.platforms import tokens

    sys.stdout.write(tokens.new_key() + "\n")


@platforms_app.command("rotate-keys")
def rotate_keys() -> None:
    """Re-encrypt every stored page token with the first key of the key ring."""
    from rettesnor.item import InputError
    from rettesnor.platforms import tokens
    from rettesnor.records.db import unit_of_work

    try:
        with open_engine() as engine, unit_of_work(engine, actor=actor()) as session:
            n = tokens.rotate(session, _settings())
    except InputError as exc:
        raise fail(str(exc)) from None
    out.print(f"{n} page tokens re-encrypted with the first key")


@platforms_app.command("import")
def import_export(
    org: Org,
    account: AccountId,
    path: Annotated[Path, typer.Argument(help="a JSON file of a Meta data export (comments, posts)")],
) -> None:
    """Import a Meta data export ('Download your information', JSON) into the archive."""
    from rettesnor.intake import ingest
    from rettesnor.platforms import importer

    with tenant(org) as (session, organisation):
        from rettesnor.governance import accounts

        acc = accounts.get_account(session, organisation, account)
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise fail(f"cannot read {path}: {exc.strerror}") from None
        report = ingest(session, organisation, importer.read_export(raw, acc.platform, acc.id))
        out.print(" ".join(f"{k}={v}" for k, v in report.to_dict().items()))
