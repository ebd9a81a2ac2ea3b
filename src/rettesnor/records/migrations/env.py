"""Alembic environment: the engine comes from :mod:`rettesnor.records.migrate`, not from a file."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

from rettesnor.records.archive_models import include_name
from rettesnor.records.schema import metadata

config = context.config
engine = config.attributes.get("engine")
if not isinstance(engine, Engine):
    raise RuntimeError("run migrations through rettesnor.records.migrate (`rettesnor db upgrade`)")

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_name=include_name,  # the full-text index is derived data with virtual tables
    )
    with context.begin_transaction():
        context.run_migrations()
