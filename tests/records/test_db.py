"""The database layer: migrations both ways on both backends, SQLite settings, start-up refusal."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import DBAPIError

from rettesnor.records import migrate
from rettesnor.records.archive_models import include_name
from rettesnor.records.db import make_engine, unit_of_work
from rettesnor.records.models import Organisation
from rettesnor.records.schema import metadata
from rettesnor.records.settings import database_url
from support.dbsupport import FreshDatabase

TABLES = set(metadata.tables)


def test_migrations_go_from_empty_to_head_and_back(empty_db: FreshDatabase) -> None:
    engine = empty_db.engine
    assert migrate.current(engine) is None
    with pytest.raises(migrate.SchemaError, match="run `rettesnor db upgrade`"):
        migrate.require_current(engine)

    migrate.upgrade(engine)
    assert migrate.current(engine) == migrate.head()
    migrate.require_current(engine)
    assert set(inspect(engine).get_table_names()) >= TABLES
    with engine.connect() as conn:  # the migrated schema is exactly what the models describe
        context = MigrationContext.configure(conn, opts={"include_name": include_name})  # FTS: derived
        diffs = compare_metadata(context, metadata)
    assert diffs == []

    migrate.downgrade(engine, "base")
    assert migrate.current(engine) is None
    assert not TABLES & set(inspect(engine).get_table_names())
    migrate.upgrade(engine)  # and up again: the downgrade left nothing behind that gets in the way
    assert migrate.current(engine) == migrate.head()


def test_audit_log_is_append_only_in_the_database(engine: Engine) -> None:
    with engine.connect() as conn, conn.begin() as trans:
        conn.execute(
            text(
                "INSERT INTO audit_entry (object_type, object_id, action, changed_by, changed_at) "
                "VALUES ('organisation', 1, 'create', 'test', CURRENT_TIMESTAMP)"
            )
        )
        with pytest.raises(DBAPIError, match="append-only"), conn.begin_nested():
            conn.execute(text("UPDATE audit_entry SET changed_by = 'someone else'"))
        with pytest.raises(DBAPIError, match="append-only"), conn.begin_nested():
            conn.execute(text("DELETE FROM audit_entry"))
        trans.rollback()


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'sub' / 'r.db'}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    assert (tmp_path / "sub").is_dir()
    engine.dispose()


def test_foreign_keys_are_enforced(engine: Engine) -> None:
    with engine.connect() as conn, conn.begin() as trans:
        with pytest.raises(DBAPIError), conn.begin_nested():
            conn.execute(
                text(
                    "INSERT INTO unit (organisation_id, slug, name, created_at) "
                    "VALUES (987654, 'x', 'X', CURRENT_TIMESTAMP)"
                )
            )
        trans.rollback()


def test_unit_of_work_commits_or_rolls_back(engine: Engine) -> None:
    with pytest.raises(RuntimeError), unit_of_work(engine) as s:
        s.add(Organisation(slug="rollback-test", name="X", country="DK", pack="dk-hjorring"))
        s.flush()
        raise RuntimeError("boom")
    with unit_of_work(engine) as s:
        assert s.query(Organisation).filter_by(slug="rollback-test").count() == 0


def test_database_url_from_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("RETTESNOR_DATABASE_URL", raising=False)
    monkeypatch.setenv("RETTESNOR_DATA_DIR", str(tmp_path))
    assert database_url().database == str(tmp_path / "rettesnor.db")
    monkeypatch.setenv("RETTESNOR_DATABASE_URL", "postgresql://u:secret@db.example:5432/r")
    url = database_url()
    assert url.drivername == "postgresql+psycopg" and url.database == "r"
    assert "secret" not in migrate.safe_url(url)
