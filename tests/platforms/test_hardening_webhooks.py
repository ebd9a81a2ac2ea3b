"""Issue 15, finding 4: a locked SQLite database never makes the worker give up an acknowledged delivery,
and the endpoint's writer waits it out instead of failing the request.

The write lock is held by another connection (as a burst of the endpoint's commits or another worker does)
for longer than SQLite's busy timeout, which the test shortens to 50 ms so that it runs in seconds.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event, func, select

from rettesnor.platforms import events
from rettesnor.platforms.standin import GraphStandin
from rettesnor.records import migrate
from rettesnor.records.archive_models import ArchiveRecord
from rettesnor.records.db import is_transient, make_engine, session_factory, unit_of_work
from support.platformdata import APP_SECRET, connected_town, settings


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'locked.db'}")

    @event.listens_for(engine, "connect")
    def _short_busy(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute("PRAGMA busy_timeout=50")

    migrate.upgrade(engine)
    yield engine
    engine.dispose()


class WriteLock:
    """Holds SQLite's write lock from a connection of its own until released."""

    def __init__(self, path: str) -> None:
        self.conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self.conn.execute("BEGIN IMMEDIATE")

    def release(self) -> None:
        self.conn.execute("ROLLBACK")
        self.conn.close()


def _deliveries(engine: Engine, n: int) -> tuple[list[bytes], list[str]]:
    with GraphStandin(app_secret=APP_SECRET) as standin, unit_of_work(engine) as s:
        town = connected_town(s, standin, settings())
        post = standin.add_post(town.page, "Ny busplan fra 1. april.")
        comments = [
            standin.add_comment(post, f"Hvornår kører bus {i}?", f"u{i}", "Jonna Brask") for i in range(n)
        ]
        bodies = [standin.delivery(town.page, [standin.feed_change(c)]) for c in comments]
    return bodies, [c.id for c in comments]


def _status(engine: Engine) -> list[tuple[str, int]]:
    with engine.connect() as conn:
        rows = conn.execute(select(events.EVENT_TABLE.c.status, events.EVENT_TABLE.c.attempts)).all()
    return [(str(s), int(a)) for s, a in rows]


def test_a_locked_database_is_waited_out_and_never_counts_as_a_failed_attempt(sqlite_engine: Engine) -> None:
    bodies, ids = _deliveries(sqlite_engine, 12)
    for body in bodies:
        events.append(sqlite_engine, body)
    lock = WriteLock(str(sqlite_engine.url.database))
    try:
        for _ in range(events.MAX_ATTEMPTS + 2):  # more drains than attempts allowed, all while locked
            report = events.drain(sqlite_engine, batch=5, lock_patience_s=0.2)
            assert report.failed == 0
    finally:
        lock.release()
    assert _status(sqlite_engine) == [("pending", 0)] * 12  # given up on none, attempts untouched
    report = events.drain(sqlite_engine, batch=5)
    assert (report.rows, report.failed) == (12, 0)
    assert {s for s, _ in _status(sqlite_engine)} == {"done"}
    with session_factory(sqlite_engine)() as s:
        archived = s.execute(
            select(ArchiveRecord.platform_id, func.count()).group_by(ArchiveRecord.platform_id)
        )
        counts = dict(archived.all())
    assert all(counts.get(i) == 1 for i in ids)  # every comment exactly once


def test_the_worker_rides_out_a_lock_released_while_it_waits(sqlite_engine: Engine) -> None:
    bodies, _ = _deliveries(sqlite_engine, 6)
    for body in bodies:
        events.append(sqlite_engine, body)
    lock = WriteLock(str(sqlite_engine.url.database))
    threading.Timer(0.6, lock.release).start()
    report = events.drain(sqlite_engine, batch=2)  # default patience: waits, then drains everything
    assert (report.rows, report.failed) == (6, 0)
    assert [s for s, _ in _status(sqlite_engine)] == ["done"] * 6


def test_the_endpoint_writer_waits_out_a_lock_instead_of_failing(sqlite_engine: Engine) -> None:
    appender = events.Appender(sqlite_engine)
    lock = WriteLock(str(sqlite_engine.url.database))
    threading.Timer(0.8, lock.release).start()
    started = time.monotonic()
    try:
        asyncio.run(appender.submit(b'{"object":"page","entry":[]}'))  # acknowledged only once committed
    finally:
        appender.close()
    assert time.monotonic() - started >= 0.5
    assert _status(sqlite_engine) == [("pending", 0)]


def test_what_counts_as_transient() -> None:
    from sqlalchemy.exc import IntegrityError, OperationalError

    locked = OperationalError("INSERT", {}, sqlite3.OperationalError("database is locked"))
    assert is_transient(locked)
    assert not is_transient(IntegrityError("INSERT", {}, sqlite3.IntegrityError("UNIQUE constraint failed")))
    assert not is_transient(ValueError("a bad delivery"))
