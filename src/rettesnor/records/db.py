"""Engines and sessions. SQLite gets WAL, foreign keys and working savepoints; PostgreSQL uses psycopg 3."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session, sessionmaker

from rettesnor.records.audit import ACTOR_KEY
from rettesnor.records.settings import database_url, normalise_url


def _sqlite_pragmas(engine: Engine, *, wal: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide where transactions begin (savepoints work then).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        if wal:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # A transaction that will write takes the write lock at BEGIN, waiting busy_timeout for it: a
        # deferred one that read first cannot upgrade once another writer committed, and fails at once.
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(IMMEDIATE) else "BEGIN")


IMMEDIATE = "rettesnor_begin_immediate"
TRANSIENT_SQLSTATES = frozenset({"40001", "40P01", "55P03"})  # serialization, deadlock, lock not available


def writer(engine: Engine) -> Engine:
    """``engine`` for transactions that write (same pool): ``BEGIN IMMEDIATE`` on SQLite."""
    if engine.dialect.name != "sqlite":
        return engine
    return engine.execution_options(**{IMMEDIATE: True})


def is_transient(exc: BaseException) -> bool:
    """A database error that says "try again": SQLite busy or locked, a PostgreSQL deadlock or
    serialization failure. Such an error is not the fault of the data being written."""
    orig = getattr(exc, "orig", exc)
    if getattr(orig, "sqlite_errorname", "") in ("SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_BUSY_SNAPSHOT"):
        return True
    if getattr(orig, "sqlstate", None) in TRANSIENT_SQLSTATES:
        return True
    message = str(orig).lower()
    return "database is locked" in message or "database table is locked" in message


def _private_file(path: Path) -> None:
    """Create the database file readable by us only (0600); SQLite gives its -wal and -shm files the
    mode of the database file. A new folder is 0700. An existing file keeps the mode it was given."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if path.exists():
        return
    with contextlib.suppress(FileExistsError):  # another process made it at the same moment
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def make_engine(url: str | URL | None = None, **kwargs: Any) -> Engine:
    """An engine for ``url`` (default: the configured database); the SQLite folder is created."""
    target = database_url() if url is None else normalise_url(url)
    if target.get_backend_name() == "sqlite":
        path = target.database
        in_memory = not path or path == ":memory:"
        if path and not in_memory:
            _private_file(Path(path))
        engine = create_engine(target, **{"hide_parameters": True, **kwargs})
        _sqlite_pragmas(engine, wal=not in_memory)
        return engine
    # hide_parameters: an error's message (and so a log line) never carries the values a user typed
    return create_engine(target, pool_pre_ping=True, **{"hide_parameters": True, **kwargs})


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def unit_of_work(engine: Engine, actor: str = "system") -> Iterator[Session]:
    """One transaction: committed when the block ends, rolled back when it raises."""
    with session_factory(engine)() as session:
        session.info[ACTOR_KEY] = actor
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
