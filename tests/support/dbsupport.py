"""Database fixtures for the governance tests: every test runs on SQLite and on PostgreSQL.

PostgreSQL: ``RETTESNOR_TEST_POSTGRES`` (default ``postgresql+psycopg://postgres@127.0.0.1:5432/test``,
then the same as user ``root``). Each test session creates its own database and drops it afterwards,
so parallel runs do not collide. When PostgreSQL cannot be reached the PostgreSQL tests are skipped,
except in CI (``CI`` set), where they fail.

Each test gets a session inside a transaction that is rolled back afterwards, so tests see only
their own data; services still commit and roll back savepoints as in production.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from rettesnor.records import migrate
from rettesnor.records.audit import ACTOR_KEY
from rettesnor.records.db import make_engine

BACKENDS = ("sqlite", "postgresql")
PG_CANDIDATES = (
    "postgresql+psycopg://postgres@127.0.0.1:5432/test",
    "postgresql+psycopg://root@127.0.0.1:5432/test",
)


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() not in ("", "0", "false", "no")


def _pg_admin_url() -> str:
    configured = os.environ.get("RETTESNOR_TEST_POSTGRES")
    errors = []
    for url in (configured,) if configured else PG_CANDIDATES:
        probe = create_engine(url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
        try:
            with probe.connect() as conn:
                conn.execute(text("SELECT 1"))
            return url
        except OperationalError as exc:
            errors.append(str(exc.orig).strip().splitlines()[0])
        finally:
            probe.dispose()
    message = f"PostgreSQL is not reachable ({'; '.join(errors)})"
    if _in_ci():
        pytest.fail(message + ": in CI the PostgreSQL tests must run", pytrace=False)
    pytest.skip(message)


class FreshDatabase:
    """A new, empty database on the backend; removed by :meth:`drop`."""

    def __init__(self, backend: str, folder: Path) -> None:
        self.backend = backend
        if backend == "sqlite":
            self.url = f"sqlite:///{folder / f'rettesnor-{uuid.uuid4().hex[:8]}.db'}"
            self.admin_url = ""
        else:
            self.admin_url = _pg_admin_url()
            name = f"rettesnor_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
            admin = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
            admin.dispose()
            self.url = make_url(self.admin_url).set(database=name).render_as_string(hide_password=False)
        self.engine = make_engine(self.url)

    def drop(self) -> None:
        self.engine.dispose()
        if self.backend == "postgresql":
            name = make_url(self.url).database
            admin = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="session")
def engine(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """A database of the backend, migrated to head, shared by the tests of the session."""
    fresh = FreshDatabase(backend, tmp_path_factory.mktemp(f"db-{backend}"))
    try:
        migrate.upgrade(fresh.engine)
        yield fresh.engine
    finally:
        fresh.drop()


@pytest.fixture
def empty_db(backend: str, tmp_path: Path) -> Iterator[FreshDatabase]:
    """An empty database of its own (for migration tests)."""
    fresh = FreshDatabase(backend, tmp_path)
    try:
        yield fresh
    finally:
        fresh.drop()


@pytest.fixture
def fresh_engine(backend: str, tmp_path: Path) -> Iterator[Engine]:
    """A migrated database of its own, for tests whose code commits (a server, a worker, a subprocess)
    where the shared rolled-back session won't do."""
    fresh = FreshDatabase(backend, tmp_path)
    try:
        migrate.upgrade(fresh.engine)
        yield fresh.engine
    finally:
        fresh.drop()


@pytest.fixture
def db(engine: Engine) -> Iterator[Session]:
    """A session whose work is rolled back after the test."""
    connection = engine.connect()
    outer = connection.begin()
    session = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    session.info[ACTOR_KEY] = "test"
    try:
        yield session
    finally:
        session.close()
        outer.rollback()
        connection.close()
