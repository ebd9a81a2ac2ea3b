"""What every command group shares: the organisation session, the actor, output, input files, failure.

The services, SQLAlchemy and the engine are imported inside the functions, so that a command that needs
none of them (``rettesnor --help``, ``rettesnor check``) does not pay for them. So is rich: ``out`` is
made on first use, so a command that prints no table or styled text (``check --jsonl``) never imports it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, BinaryIO, cast

import typer

from rettesnor.item import MAX_TEXT_CHARS, InputError, validate_text

if TYPE_CHECKING:
    from rich.console import Console
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

    from rettesnor.records.base import Base
    from rettesnor.records.models import Organisation


class _Console:
    """The console of the commands' output, made when it is first used (importing rich takes ≈ 25 ms of
    start-up, issue 17); each attribute is the real console's."""

    def __init__(self) -> None:
        self._console: Console | None = None

    def real(self) -> Console:
        """The console itself, for rich objects that use it as a context manager (``Progress``): special
        methods such as ``__enter__`` are not looked up through ``__getattr__``."""
        if self._console is None:
            from rich.console import Console

            self._console = Console(highlight=False, soft_wrap=True)
        return self._console

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real(), name)


_console = _Console()
out = cast("Console", _console)


def console() -> Console:
    """The commands' console itself (see :class:`_Console`)."""
    return _console.real()


MAX_FILE_BYTES = MAX_TEXT_CHARS * 4  # the longest text a check takes, in UTF-8 at most this long

Format = Annotated[str, typer.Option("--format", "-f", help="text or json")]
Org = Annotated[str, typer.Option("--org", "-o", help="the organisation's slug, e.g. norddjurs")]
By = Annotated[int, typer.Option("--by", help="id of the person who decides or acts")]
As = Annotated[int, typer.Option("--as", help="id of the person themself")]
Day = Annotated[str, typer.Option(help="a date, YYYY-MM-DD (default today)")]


def actor() -> str:
    """Who acts, for the audit log: ``RETTESNOR_ACTOR`` or ``cli``."""
    return os.environ.get("RETTESNOR_ACTOR", "cli")


def fail(message: str) -> typer.Exit:
    """The one-line failure (exit status 2), for errors that are not an :class:`InputError`."""
    print(f"rettesnor: error: {message}", file=sys.stderr)
    return typer.Exit(2)


def today() -> str:
    return dt.date.today().isoformat()


def check_format(value: str, allowed: tuple[str, ...] = ("text", "json")) -> str:
    if value not in allowed:
        raise InputError(f"unknown format {value!r}; choose one of: {', '.join(allowed)}")
    return value


def plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def to_dict(obj: Base) -> dict[str, Any]:
    return {c.key: plain(getattr(obj, c.key)) for c in obj.__table__.columns}


def print_json(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")


def table(rows: Sequence[dict[str, Any]], columns: Sequence[str], fmt: str) -> None:
    if check_format(fmt) == "json":
        print_json(list(rows))
        return
    from rettesnor.clitable import print_table

    cells = [["" if row.get(c) is None else str(row.get(c)) for c in columns] for row in rows]
    print_table(out, columns, cells)


def done(obj: Base, message: str, fmt: str) -> None:
    if check_format(fmt) == "json":
        print_json(to_dict(obj))
    else:
        out.print(message)


def open_input(path: str) -> BinaryIO:
    """A file to read, or standard input for ``-``."""
    if path == "-":
        return sys.stdin.buffer
    p = Path(path)
    if p.is_dir():
        raise InputError(f"{path} is a folder; give a file to check, or - for standard input")
    if not p.is_file():
        raise InputError(f"no such file: {path}")
    return p.open("rb")


def read_text(path: str) -> str:
    """A text to check from a file or ``-``: at most :data:`MAX_FILE_BYTES`, UTF-8, validated."""
    with open_input(path) as fh:
        raw = fh.read(MAX_FILE_BYTES + 1)
    if len(raw) > MAX_FILE_BYTES:
        raise InputError(f"input is over the size limit of {MAX_FILE_BYTES} bytes")
    return validate_text(raw)


@contextmanager
def open_engine(check_schema: bool = True) -> Iterator[Engine]:
    """The database engine (``RETTESNOR_DATABASE_URL``); refuses a database with pending migrations."""
    from rettesnor.records import migrate
    from rettesnor.records.db import make_engine

    engine = make_engine()
    try:
        if check_schema:
            migrate.require_current(engine)
        yield engine
    finally:
        engine.dispose()


@contextmanager
def db_session(check_schema: bool = True) -> Iterator[Session]:
    """One transaction, audited as :func:`actor`."""
    from rettesnor.records.db import unit_of_work

    with open_engine(check_schema) as engine, unit_of_work(engine, actor=actor()) as session:
        yield session


@contextmanager
def tenant(slug: str) -> Iterator[tuple[Session, Organisation]]:
    """One transaction in the organisation ``slug`` (an unknown slug is a one-line error)."""
    from rettesnor.governance.tenants import get_organisation

    with db_session() as session:
        yield session, get_organisation(session, slug)
