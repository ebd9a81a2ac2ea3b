"""The durable webhook queue: the endpoint appends verified bodies, the worker drains them into the
intake (:func:`rettesnor.intake.ingest`: it archives and checks each text and fills the moderation queue).

- :func:`append` is one INSERT in its own transaction; the endpoint answers 200 only after it committed,
  so a crash after the answer loses nothing. A body Meta delivers again is stored once (its SHA-256 is
  unique); a retry with another body is harmless too, because the archive's ingest is idempotent.
- :func:`drain` takes pending rows in arrival order, ingests their changes per organisation and marks the
  rows done in the same transaction: an event is archived and checked exactly once, even when the worker
  is killed half-way (the rows it had not committed are simply still pending).
- Changes for a page that no account is connected to are kept (``unrouted``) and can be replayed after
  the page is connected (:func:`replay`). A row that keeps failing is marked ``failed`` after
  ``MAX_ATTEMPTS`` with a one-line reason, and the rest of the queue goes on.
- A locked database (SQLite's one writer busy, a PostgreSQL deadlock) is nobody's fault: the worker and
  the endpoint's writer back off and try again without counting an attempt, so a burst never gives up an
  acknowledged delivery. The worker's transactions begin with ``BEGIN IMMEDIATE`` on SQLite.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import hashlib
import logging
import queue
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, Insert, Table, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from rettesnor.archive.blobs import BlobStore
from rettesnor.archive.errors import InvalidValue
from rettesnor.archive.ingest import Incoming
from rettesnor.intake import ingest
from rettesnor.platforms.payload import parse
from rettesnor.records.db import is_transient, session_factory, writer
from rettesnor.records.models import Organisation
from rettesnor.records.platform_models import PlatformConnection, PlatformEvent
from rettesnor.records.types import utcnow

log = logging.getLogger("rettesnor.platforms")
EVENT_TABLE: Table = PlatformEvent.__table__  # type: ignore[assignment]
MAX_ATTEMPTS = 5
BATCH = 200
# SQLite has one writer: the worker holds the write lock from its claim to its commit (BEGIN IMMEDIATE), while
# the batch's texts are checked, and the endpoint's commits wait for it. Small batches keep that wait short.
SQLITE_BATCH = 20
LOCK_PATIENCE_S = 60.0  # how long drain() waits out a locked database before leaving rows pending
BACKOFF_FIRST_S, BACKOFF_MAX_S = 0.05, 2.0


def backoff(attempt: int) -> float:
    return float(min(BACKOFF_MAX_S, BACKOFF_FIRST_S * 2**attempt))


class _Turns:
    """Within one process (``serve --platforms-worker`` on SQLite) the endpoint's writer goes first: the
    worker starts its next batch only when no acknowledgement is waiting for the write lock. SQLite's busy
    wait polls at growing intervals, so without this a worker that commits and claims again back to back
    keeps the lock and the endpoint's answers wait for the whole queue."""

    def __init__(self) -> None:
        self._waiting = 0
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def endpoint(self) -> Iterator[None]:
        with self._lock:
            self._waiting += 1
        try:
            yield
        finally:
            with self._lock:
                self._waiting -= 1

    def worker_wait(self, most_s: float = 1.0) -> None:
        deadline = time.monotonic() + most_s
        while self._waiting and time.monotonic() < deadline:
            time.sleep(0.001)


TURNS = _Turns()


class Locked(Exception):
    """The database was locked for one delivery: nobody's fault, the attempt does not count."""


def _rows_of(bodies: list[bytes]) -> list[dict[str, object]]:
    now = utcnow()
    return [
        {
            "body_sha256": hashlib.sha256(b).hexdigest(),
            "body": b,
            "received_at": now,
            "status": "pending",
            "attempts": 0,
        }
        for b in bodies
    ]


def append_many(engine: Engine, bodies: list[bytes]) -> None:
    """Store verified deliveries in one transaction (committed when this returns); a body that is
    stored already is stored once."""
    with engine.begin() as conn:
        conn.execute(_insert(engine), _rows_of(bodies))


def _insert(engine: Engine) -> Insert:
    dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
    statement: Insert = dialect.insert(EVENT_TABLE).on_conflict_do_nothing(index_elements=["body_sha256"])
    return statement


def append(engine: Engine, body: bytes) -> None:
    append_many(engine, [body])


class Appender:
    """Group commit for the endpoint: one writer thread takes every delivery waiting, stores them in one
    transaction, then acknowledges each. Concurrent requests share a commit instead of queueing for the
    database's write lock (SQLite has one writer; its busy wait is what makes tail latencies long).

    On SQLite the writer's connection does not checkpoint the WAL itself (a checkpoint syncs the file,
    which can take a long moment on a busy disk); a second thread checkpoints every second without
    blocking the writer (PASSIVE)."""

    MAX_GROUP = 500
    CHECKPOINT_S = 1.0
    LOCK_PATIENCE_S = 30.0  # a locked database is waited out this long before the requests get an error

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sqlite = engine.dialect.name == "sqlite"
        self._conn: Connection | None = None
        self._queue: queue.SimpleQueue[tuple[bytes, asyncio.AbstractEventLoop, asyncio.Future[None]]]
        self._queue = queue.SimpleQueue()
        self._stop = threading.Event()
        threading.Thread(target=self._run, name="rettesnor-webhook-writer", daemon=True).start()
        if self._sqlite:
            threading.Thread(target=self._checkpoint, name="rettesnor-wal-checkpoint", daemon=True).start()

    def close(self) -> None:
        """Stop the threads once the deliveries already waiting are written (the app is gone)."""
        self._stop.set()

    async def submit(self, body: bytes) -> None:
        """Returns once the delivery is committed; raises what the database raised."""
        loop = asyncio.get_running_loop()
        done: asyncio.Future[None] = loop.create_future()
        self._queue.put((body, loop, done))
        await done

    def _write(self, bodies: list[bytes]) -> None:
        """Commit ``bodies``; a locked database is retried with back-off (nothing is acknowledged before)."""
        deadline = time.monotonic() + self.LOCK_PATIENCE_S
        for attempt in range(1_000_000):
            try:
                with TURNS.endpoint():
                    self._write_once(bodies)
                return
            except Exception as exc:
                if not is_transient(exc) or time.monotonic() > deadline:
                    raise
                log.warning("webhook writer: database locked, trying again (%d)", attempt + 1)
                time.sleep(backoff(attempt))

    def _write_once(self, bodies: list[bytes]) -> None:
        if not self._sqlite:
            append_many(self.engine, bodies)
            return
        if self._conn is None:
            self._conn = self.engine.connect()
            self._conn.exec_driver_sql("PRAGMA wal_autocheckpoint=0")
            self._conn.commit()  # end the transaction the PRAGMA began
        try:
            with self._conn.begin():
                self._conn.execute(_insert(self.engine), _rows_of(bodies))
        except Exception:
            self._conn.close()  # a fresh connection next time
            self._conn = None
            raise

    def _run(self) -> None:
        while True:
            try:
                group = [self._queue.get(timeout=0.5)]
            except queue.Empty:
                if self._stop.is_set():
                    break
                continue
            while len(group) < self.MAX_GROUP:
                try:
                    group.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            error: BaseException | None = None
            try:
                self._write([body for body, _, _ in group])
            except Exception as exc:  # every waiting request answers with the error; the writer goes on
                error = exc
            for _, loop, done in group:
                with contextlib.suppress(RuntimeError):  # the request's event loop is gone: nobody waits
                    loop.call_soon_threadsafe(_settle, done, error)
        if self._conn is not None:
            self._conn.close()

    def _checkpoint(self) -> None:
        while not self._stop.wait(self.CHECKPOINT_S):
            try:
                with self.engine.connect() as conn:
                    conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")
            except Exception as exc:  # the next one will do
                log.warning("WAL checkpoint failed (%s)", type(exc).__name__)


def _settle(done: asyncio.Future[None], error: BaseException | None) -> None:
    if done.cancelled():
        return
    if error is None:
        done.set_result(None)
    else:
        done.set_exception(error)


@dataclass(slots=True)
class DrainReport:
    rows: int = 0  # deliveries handled
    changes: int = 0  # changes found in them
    ingested: int = 0  # new records or versions in the archive
    duplicates: int = 0  # changes the archive already had (Meta's retries)
    queued: int = 0  # comments put in the moderation queue
    unrouted: int = 0  # deliveries with a change for a page no account is connected to
    failed: int = 0  # deliveries given up after MAX_ATTEMPTS or unreadable

    def add(self, other: DrainReport) -> None:
        for f in dataclasses.fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))


class _Routes:
    """Page id → (organisation, account id), read once per drain."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.pages: dict[tuple[str, str], tuple[int, int]] = {
            (c.platform, c.page_id): (c.organisation_id, c.account_id)
            for c in session.scalars(select(PlatformConnection))
        }
        self.orgs: dict[int, Organisation] = {}

    def org(self, org_id: int) -> Organisation:
        if org_id not in self.orgs:
            org = self.session.get(Organisation, org_id)
            assert org is not None
            self.orgs[org_id] = org
        return self.orgs[org_id]


def _claim(session: Session, batch: int) -> list[tuple[int, bytes, int]]:
    query = (
        select(EVENT_TABLE.c.id, EVENT_TABLE.c.body, EVENT_TABLE.c.attempts)
        .where(EVENT_TABLE.c.status == "pending")
        .order_by(EVENT_TABLE.c.id)
        .limit(batch)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)  # several workers may drain one queue
    return [(r.id, bytes(r.body), r.attempts) for r in session.execute(query)]


def _ingest_rows(
    session: Session, routes: _Routes, rows: list[tuple[int, bytes, int]], blobs: BlobStore | None
) -> DrainReport:
    """Ingest the rows' changes and mark the rows; the caller commits (or rolls back on an error)."""
    report = DrainReport(rows=len(rows))
    by_org: dict[int, list[Incoming]] = {}
    outcome: dict[int, dict[str, object]] = {}
    for row_id, body, _attempts in rows:
        try:
            parsed = parse(body)
        except InvalidValue as exc:
            outcome[row_id] = {"status": "failed", "error": str(exc), "events": 0, "ingested": 0}
            report.failed += 1
            continue
        unrouted = 0
        for change in parsed.changes:
            route = routes.pages.get((change.platform, change.page_id))
            if route is None:
                unrouted += 1
                continue
            org_id, account_id = route
            by_org.setdefault(org_id, []).append(dataclasses.replace(change.event, account=account_id))
        report.changes += len(parsed.changes)
        errors = list(parsed.errors)
        if unrouted:
            errors.append(f"{unrouted} change(s) for a page that no account is connected to")
            report.unrouted += 1
        outcome[row_id] = {
            "status": "unrouted" if unrouted else "done",
            "error": "; ".join(errors)[:1000] or None,
            "events": len(parsed.changes),
        }
    for org_id, incoming in by_org.items():
        done = ingest(session, routes.org(org_id), incoming, blobs=blobs)
        report.ingested += done.records + done.versions
        report.duplicates += done.duplicates
        report.queued += done.queued
    now = utcnow()
    for row_id, values in outcome.items():
        session.execute(
            update(EVENT_TABLE)
            .where(EVENT_TABLE.c.id == row_id)
            .values(processed_at=now, attempts=EVENT_TABLE.c.attempts + 1, **values)
        )
    return report


def drain(
    engine: Engine,
    *,
    batch: int | None = None,
    max_rows: int | None = None,
    blobs: BlobStore | None = None,
    progress: Callable[[DrainReport], None] | None = None,
    lock_patience_s: float = LOCK_PATIENCE_S,
) -> DrainReport:
    """Drain pending deliveries until none is left (or ``max_rows``). A locked database is waited out
    with back-off for up to ``lock_patience_s`` in all; the rows it kept from us stay pending, their
    attempts not counted."""
    if batch is None:
        batch = SQLITE_BATCH if engine.dialect.name == "sqlite" else BATCH
    total = DrainReport()
    make = session_factory(writer(engine))  # BEGIN IMMEDIATE on SQLite: the claim takes the write lock
    locked = 0  # consecutive locked tries; their back-off is bounded by lock_patience_s in all
    waited = 0.0
    while max_rows is None or total.rows < max_rows:
        size = batch if max_rows is None else min(batch, max_rows - total.rows)
        TURNS.worker_wait()  # an acknowledgement waiting in this process goes first
        try:
            with make() as session:
                session.info["actor"] = "platforms-worker"
                rows = _claim(session, size)
                if not rows:
                    break
                try:
                    report = _ingest_rows(session, _Routes(session), rows, blobs)
                    session.commit()
                except Exception as exc:
                    session.rollback()
                    if is_transient(exc):
                        raise Locked from exc
                    log.warning(  # find the delivery at fault, one at a time
                        "a batch of %d deliveries failed (%s); retrying one by one",
                        len(rows),
                        type(exc).__name__,
                    )
                    report = _one_by_one(make, rows, blobs)
        except Exception as exc:
            if not (isinstance(exc, Locked) or is_transient(exc)):
                raise
            pause = backoff(locked)
            if waited + pause > lock_patience_s:
                log.warning("the database stayed locked; %d deliveries wait for the next drain", size)
                break
            locked, waited = locked + 1, waited + pause
            time.sleep(pause)  # the rows are still pending, their attempts untouched
            continue
        locked = 0
        total.add(report)
        if progress is not None:
            progress(total)
    return total


def _one_by_one(
    make: Callable[[], Session], rows: list[tuple[int, bytes, int]], blobs: BlobStore | None
) -> DrainReport:
    total = DrainReport()
    for row in rows:
        with make() as session:
            session.info["actor"] = "platforms-worker"
            try:
                total.add(_ingest_rows(session, _Routes(session), [row], blobs))
                session.commit()
                continue
            except Exception as exc:  # one bad delivery must not stop the queue
                session.rollback()
                if is_transient(exc):  # not this delivery's fault: back off in drain()
                    raise Locked from exc
                reason = f"{type(exc).__name__}: {str(exc).splitlines()[0][:300]}"
            attempts = row[2] + 1
            status = "failed" if attempts >= MAX_ATTEMPTS else "pending"
            session.execute(
                update(EVENT_TABLE)
                .where(EVENT_TABLE.c.id == row[0])
                .values(attempts=attempts, status=status, error=reason, processed_at=utcnow())
            )
            session.commit()
            total.rows += 1
            total.failed += status == "failed"
            log.warning("delivery %d not ingested (attempt %d): %s", row[0], attempts, reason.split(":")[0])
    return total


def replay(engine: Engine, status: str = "unrouted") -> int:
    """Put ``unrouted`` (or ``failed``) deliveries back in the queue; their number."""
    if status not in ("unrouted", "failed"):
        raise InvalidValue("only unrouted or failed deliveries can be replayed")
    with engine.begin() as conn:
        result = conn.execute(
            update(EVENT_TABLE).where(EVENT_TABLE.c.status == status).values(status="pending", attempts=0)
        )
    return int(result.rowcount)


def counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        rows = conn.execute(select(EVENT_TABLE.c.status, func.count()).group_by(EVENT_TABLE.c.status)).all()
    return {str(s): int(n) for s, n in rows}


class BackgroundWorker:
    """The worker inside ``serve``: drains every ``interval_s`` seconds in a thread until stopped."""

    def __init__(self, engine: Engine, interval_s: float = 1.0, blobs: BlobStore | None = None) -> None:
        self.engine, self.interval_s, self.blobs = engine, interval_s, blobs
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rettesnor-platforms-worker", daemon=True)
        self.report = DrainReport()

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        self._stop.set()
        self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.report.add(drain(self.engine, blobs=self.blobs))
            except Exception as exc:  # keep serving; the rows stay pending and are tried again
                log.error("the platforms worker failed (%s); trying again", type(exc).__name__)
            self._stop.wait(self.interval_s)
