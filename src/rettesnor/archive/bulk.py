"""Batch inserts through the driver's executemany, for the archive's bulk paths.

SQLAlchemy's executemany spends most of its time per row binding parameters through the column types;
at thousands of rows a second that is a third of an ingest. Here each row becomes a tuple once, and the
only conversion is the one :class:`UTCDateTime` does (aware UTC to naive UTC; on SQLite the text form
SQLAlchemy's ``DATETIME`` writes and reads back), so rows read back through the ORM exactly as if the
ORM had written them (tests/archive/test_archive_ingest.py compares the two paths).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Table, delete
from sqlalchemy.orm import Session

from rettesnor.records.types import UTCDateTime


def _naive_utc(value: dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError("naive datetime given; use an aware datetime (UTC)")
    return value.astimezone(dt.UTC).replace(tzinfo=None)


def _sqlite_text(value: dt.datetime | None) -> str | None:
    naive = _naive_utc(value)
    return None if naive is None else naive.isoformat(sep=" ", timespec="microseconds")


def insert_rows(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """INSERT ``rows`` (dicts with the same keys, ids included) into ``table`` with one executemany."""
    if not rows:
        return
    conn = session.connection()
    dialect = conn.dialect
    sqlite = dialect.name == "sqlite"
    names = list(rows[0])
    to_time: Callable[[dt.datetime | None], Any] = _sqlite_text if sqlite else _naive_utc
    times = {k for k, name in enumerate(names) if isinstance(table.c[name].type, UTCDateTime)}
    quote = dialect.identifier_preparer.quote
    mark = "?" if sqlite else "%s"
    sql = (
        f"INSERT INTO {quote(table.name)} ({', '.join(quote(n) for n in names)}) "
        f"VALUES ({', '.join([mark] * len(names))})"
    )
    if times:
        seen: dict[dt.datetime | None, Any] = {}  # rows of a batch share their received/recorded times

        def when(value: dt.datetime | None) -> Any:
            if value not in seen:
                seen[value] = to_time(value)
            return seen[value]

        params = [tuple(when(row[n]) if k in times else row[n] for k, n in enumerate(names)) for row in rows]
    else:
        params = [tuple(row[n] for n in names) for row in rows]
    if sqlite:
        conn.exec_driver_sql(sql, params)
        return
    values_many(session, sql.rsplit(" VALUES ", 1)[0], f"({', '.join(['%s'] * len(names))})", params)


def values_many(
    session: Session, head: str, row: str, params: Sequence[tuple[Any, ...]], tail: str = ""
) -> None:
    """PostgreSQL: ``head VALUES row, row, … tail`` for up to 1,000 rows a statement.

    One statement per row (what executemany sends, even pipelined) costs the server a parse, a plan and
    a round of index updates per row; multi-row VALUES do it once per statement (3 to 5 times faster
    in the benchmark).
    """
    conn = session.connection()
    width = row.count("%s")
    per = max(1, min(1000, 30_000 // max(width, 1)))
    for k in range(0, len(params), per):
        part = params[k : k + per]
        sql = f"{head} VALUES {', '.join([row] * len(part))}{tail}"
        conn.exec_driver_sql(sql, tuple(v for p in part for v in p))


def write_categories(
    session: Session, table: Table, owners: Sequence[tuple[int, str | None]], replace: bool = False
) -> None:
    """One row of ``table`` (record_category, case_category) per category of each (id, comma list);
    ``replace``: the owners had rows before (a new version of a record), which go first."""
    key = next(c for c in table.primary_key.columns if c.name != "category")
    if replace:
        ids = [owner for owner, _ in owners]
        for k in range(0, len(ids), 1000):
            session.execute(delete(table).where(key.in_(ids[k : k + 1000])))
    rows = [
        {key.name: owner, "category": c}
        for owner, cats in owners
        for c in sorted(set((cats or "").split(",")))
        if c
    ]
    insert_rows(session, table, rows)
