"""Helpers shared by the services: atomic changes, lookups within a tenant, value checks."""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Sequence
from typing import Concatenate, ParamSpec, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from rettesnor.governance.errors import InvalidValue, NotFound
from rettesnor.records.base import Base
from rettesnor.records.models import Organisation

P = ParamSpec("P")
R = TypeVar("R")
M = TypeVar("M", bound=Base)

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


def atomic(fn: Callable[Concatenate[Session, P], R]) -> Callable[Concatenate[Session, P], R]:
    """Run a change in a savepoint: if it raises, nothing it did remains."""

    @functools.wraps(fn)
    def wrapper(session: Session, /, *args: P.args, **kwargs: P.kwargs) -> R:
        with session.begin_nested():
            result = fn(session, *args, **kwargs)
            session.flush()
        return result

    return wrapper


def get_in_org(session: Session, model: type[M], org: Organisation, ident: int, what: str) -> M:
    """The record ``ident`` of ``model`` if it belongs to ``org``; otherwise :class:`NotFound`."""
    if not isinstance(ident, int) or isinstance(ident, bool):
        raise InvalidValue(f"{what} id must be a number, not {ident!r}")
    column = model.__table__.c
    row = session.scalars(select(model).where(column.id == ident, column.organisation_id == org.id)).first()
    if row is None:
        raise NotFound(f"no {what} {ident} in {org.slug}")
    return row


def choice(value: str, allowed: Sequence[str], what: str) -> str:
    if value not in allowed:
        raise InvalidValue(f"unknown {what} {value!r}; choose one of: {', '.join(allowed)}")
    return value


def text(value: str | None, what: str, *, min_chars: int = 1, max_chars: int = 5000) -> str:
    """A required free-text field: stripped, not empty, not overlong."""
    stripped = (value or "").strip()
    if len(stripped) < min_chars:
        more = f" (at least {min_chars} characters)" if min_chars > 1 else ""
        raise InvalidValue(f"{what} is required{more}")
    if len(stripped) > max_chars:
        raise InvalidValue(f"{what} is {len(stripped)} characters; the limit is {max_chars}")
    if "\x00" in stripped:
        raise InvalidValue(f"{what} contains a NUL character")
    return stripped


def optional_text(value: str | None, what: str, *, max_chars: int = 5000) -> str | None:
    if value is None or not value.strip():
        return None
    return text(value, what, max_chars=max_chars)


def slug(value: str, what: str) -> str:
    if not SLUG.match(value or ""):
        raise InvalidValue(f"{what} {value!r} must be lower-case letters, digits and '-' (at most 64)")
    return value


def to_date(value: dt.date | str | None, what: str) -> dt.date:
    """A date given as a ``date`` or as ``YYYY-MM-DD``; anything else is an :class:`InvalidValue`."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise InvalidValue(f"invalid date for {what}: {value!r} (use YYYY-MM-DD)")


def not_future(day: dt.date, what: str, today: dt.date | None = None) -> dt.date:
    if day > (today or dt.date.today()):
        raise InvalidValue(f"{what} {day.isoformat()} is in the future")
    return day


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
