"""Backups of the database and their restore, while the service runs.

- SQLite: the online backup API (``sqlite3.Connection.backup``) copies a consistent snapshot page by page
  while writers go on; the copy is an ordinary database file (mode 0600).
- PostgreSQL: ``pg_dump --format=custom`` (a consistent snapshot, one transaction); restored with
  ``pg_restore`` into an empty database. Both programs must be on PATH (the ``postgresql-client`` package).

A restore is checked like the original: ``rettesnor archive verify`` recomputes every chain on it.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import Engine, inspect
from sqlalchemy.engine import URL

from rettesnor.item import InputError

PAGES_PER_STEP = 1024  # the backup copies this many pages at a time, letting writers in between


def _libpq(url: URL) -> str:
    """The URL as libpq (pg_dump, pg_restore) reads it."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise InputError(f"{name} is not installed (the PostgreSQL client programs are needed)")
    return found


def backup(engine: Engine, target: Path) -> Path:
    """Write a backup of the database behind ``engine`` to ``target`` (which must not exist)."""
    if target.exists():
        raise InputError(f"{target} exists already; a backup is never written over another file")
    target.parent.mkdir(parents=True, exist_ok=True)
    if engine.dialect.name == "sqlite":
        source = engine.url.database
        if not source or source == ":memory:":
            raise InputError("an in-memory database cannot be backed up")
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # only its owner reads it
        os.close(fd)
        with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
            src.backup(dst, pages=PAGES_PER_STEP)
        src.close()
        dst.close()
        return target
    _run(
        [
            _tool("pg_dump"),
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            f"--file={target}",
            _libpq(engine.url),
        ]
    )
    target.chmod(0o600)
    return target


def restore(engine: Engine, source: Path) -> None:
    """Restore the backup ``source`` into the (empty) database behind ``engine``."""
    if not source.is_file():
        raise InputError(f"{source} is not a backup file")
    if inspect(engine).get_table_names():
        raise InputError("the database to restore into is not empty; restore into a new, empty database")
    engine.dispose()
    if engine.dialect.name == "sqlite":
        target = engine.url.database
        if not target or target == ":memory:":
            raise InputError("cannot restore into an in-memory database")
        with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
            src.backup(dst, pages=PAGES_PER_STEP)
        src.close()
        dst.close()
        os.chmod(target, 0o600)
        return
    _run(
        [
            _tool("pg_restore"),
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={_libpq(engine.url)}",
            str(source),
        ]
    )


def _run(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise InputError(f"{Path(command[0]).name} failed: {last[:300]}")
