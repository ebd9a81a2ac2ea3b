"""``rettesnor db``: create, migrate, back up and restore the database.

Thin: parse, call one service in one transaction, print. The services are imported inside the
commands so that ``rettesnor check`` does not pay for SQLAlchemy.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from rettesnor.cli.common import (
    Format,
    check_format,
    out,
    print_json,
)

db_app = typer.Typer(no_args_is_help=True, help="Create and migrate the governance database.")
SUB_APPS: tuple[tuple[str, typer.Typer], ...] = (("db", db_app),)


# --- db ------------------------------------------------------------------------------------------


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument()] = "head") -> None:
    """Apply the migrations (creates the SQLite database under ./data if needed)."""
    from rettesnor.records import migrate
    from rettesnor.records.db import make_engine
    from rettesnor.records.settings import safe_url

    engine = make_engine()
    try:
        migrate.upgrade(engine, revision)
        out.print(f"{safe_url(engine.url)} is at revision {migrate.current(engine)}")
    finally:
        engine.dispose()


@db_app.command("downgrade")
def db_downgrade(revision: Annotated[str, typer.Argument(help="target, e.g. base")]) -> None:
    """Undo migrations down to REVISION (``base`` removes every table)."""
    from rettesnor.records import migrate
    from rettesnor.records.db import make_engine

    engine = make_engine()
    try:
        migrate.downgrade(engine, revision)
        out.print(f"at revision {migrate.current(engine) or 'base'}")
    finally:
        engine.dispose()


@db_app.command("current")
def db_current(fmt: Format = "text") -> None:
    """The database's revision and the one this version needs; exit 1 when migrations are pending."""
    from rettesnor.records import migrate
    from rettesnor.records.db import make_engine
    from rettesnor.records.settings import safe_url

    engine = make_engine()
    try:
        at, head = migrate.current(engine), migrate.head()
        info = {"database": safe_url(engine.url), "current": at, "head": head, "pending": at != head}
    finally:
        engine.dispose()
    if check_format(fmt) == "json":
        print_json(info)
    else:
        out.print(
            f"{info['database']}: at {at or 'nothing'}, head {head}" + (" (pending)" if at != head else "")
        )
    raise typer.Exit(1 if at != head else 0)


@db_app.command("backup")
def db_backup(
    target: Annotated[Path, typer.Argument(help="the backup file to write (must not exist)")],
) -> None:
    """Back up the database while it is in use (SQLite's online backup API; pg_dump on PostgreSQL)."""
    from rettesnor.records import backup
    from rettesnor.records.db import make_engine
    from rettesnor.records.settings import safe_url

    engine = make_engine()
    try:
        backup.backup(engine, target)
        out.print(f"{safe_url(engine.url)} backed up to {target} ({target.stat().st_size} bytes)")
    finally:
        engine.dispose()


@db_app.command("restore")
def db_restore(source: Annotated[Path, typer.Argument(help="a file written by `db backup`")]) -> None:
    """Restore a backup into the configured, empty database; then run `rettesnor archive verify`."""
    from rettesnor.records import backup
    from rettesnor.records.db import make_engine
    from rettesnor.records.settings import safe_url

    engine = make_engine()
    try:
        backup.restore(engine, source)
        out.print(f"{source} restored into {safe_url(engine.url)}; check it with `rettesnor archive verify`")
    finally:
        engine.dispose()
