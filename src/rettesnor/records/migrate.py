"""Alembic, run from the package: no alembic.ini needed. ``rettesnor db upgrade`` calls :func:`upgrade`."""

from __future__ import annotations

from importlib import resources

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from rettesnor.item import InputError
from rettesnor.records.settings import safe_url

__all__ = ["SchemaError", "current", "downgrade", "head", "require_current", "safe_url", "upgrade"]

MIGRATIONS = str(resources.files("rettesnor.records") / "migrations")


class SchemaError(InputError):
    """The database is not at the schema this version of the program needs."""


def _config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", MIGRATIONS)
    cfg.attributes["engine"] = engine
    return cfg


def head() -> str:
    rev = ScriptDirectory(MIGRATIONS).get_current_head()
    assert rev is not None
    return rev


def current(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    command.upgrade(_config(engine), revision)


def downgrade(engine: Engine, revision: str = "base") -> None:
    command.downgrade(_config(engine), revision)


def require_current(engine: Engine) -> None:
    """Refuse to run on a database with pending migrations, and say what to run."""
    at, want = current(engine), head()
    if at != want:
        where = "empty" if at is None else f"at revision {at}"
        raise SchemaError(
            f"the database {safe_url(engine.url)} is {where}, this version needs {want}; "
            "run `rettesnor db upgrade`"
        )
