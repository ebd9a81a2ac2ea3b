"""Keeping the full-text index in step with ``archive_record.text`` (SQLite FTS5 or PostgreSQL tsvector)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import text
from sqlalchemy.orm import Session

# PostgreSQL text-search configuration per country of the organisation: one per organisation, so that
# the index and the queries stem the same way.
PG_CONFIG = {"DK": "danish", "NO": "norwegian", "SE": "swedish"}


def pg_config(country: str) -> str:
    return PG_CONFIG.get(country, "simple")


def is_sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def add(session: Session, organisation_id: int, country: str, rows: Sequence[tuple[int, str]]) -> None:
    """Index new texts: (record id, text)."""
    if not rows:
        return
    if is_sqlite(session):
        session.execute(
            text("INSERT INTO archive_fts(rowid, text) VALUES (:id, :t)"),
            [{"id": i, "t": t} for i, t in rows],
        )
        return
    session.execute(
        text(
            "INSERT INTO archive_fts(record_id, organisation_id, vector) "
            "VALUES (:id, :org, to_tsvector(CAST(:cfg AS regconfig), :t)) "
            "ON CONFLICT (record_id) DO UPDATE SET vector = excluded.vector"
        ),
        [{"id": i, "org": organisation_id, "cfg": pg_config(country), "t": t} for i, t in rows],
    )


def remove(session: Session, rows: Sequence[tuple[int, str]]) -> None:
    """Take texts out of the index: (record id, the text as indexed)."""
    if not rows:
        return
    if is_sqlite(session):
        session.execute(
            text("INSERT INTO archive_fts(archive_fts, rowid, text) VALUES ('delete', :id, :t)"),
            [{"id": i, "t": t} for i, t in rows],
        )
        return
    session.execute(text("DELETE FROM archive_fts WHERE record_id = :id"), [{"id": i} for i, _ in rows])


def replace(
    session: Session, organisation_id: int, country: str, rows: Sequence[tuple[int, str, str]]
) -> None:
    """(record id, old text, new text)."""
    remove(session, [(i, old) for i, old, _ in rows])
    add(session, organisation_id, country, [(i, new) for i, _, new in rows])
