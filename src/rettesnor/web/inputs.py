"""Range checks of what a request carries, shared by the API and the pages: ids that fit a database
integer, times read in the organisation's zone, days a calendar can hold. Each failure is a 4xx."""

from __future__ import annotations

import datetime as dt
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import Path, Query
from pydantic import Field

from rettesnor.records.models import Organisation
from rettesnor.web.problems import ProblemError

MAX_ID = 2**63 - 1  # BIGINT; no id of ours is larger, and a larger number cannot reach the database
IdPath = Annotated[int, Path(ge=1, le=MAX_ID)]
IdQuery = Annotated[int | None, Query(ge=1, le=MAX_ID)]
IdField = Annotated[int, Field(ge=1, le=MAX_ID)]
ZONES = {
    "DK": "Europe/Copenhagen",
    "NO": "Europe/Oslo",
    "SE": "Europe/Stockholm",
    "FI": "Europe/Helsinki",
    "IS": "Atlantic/Reykjavik",
    "FO": "Atlantic/Faroe",
    "GL": "America/Nuuk",
    "AX": "Europe/Mariehamn",
}


def zone_of(org: Organisation) -> dt.tzinfo:
    """The organisation's time zone (from its country; UTC when unknown)."""
    name = ZONES.get((org.country or "").upper())
    return ZoneInfo(name) if name else dt.UTC


def aware(value: dt.datetime | None, zone: dt.tzinfo) -> dt.datetime | None:
    """A time as given, or, without a zone, read in ``zone`` (``since=2026-01-01`` means local midnight)."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=zone)


def parse_id(value: str, what: str) -> int:
    """A number from a form or a path segment that must be a database id."""
    text = value.strip()
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= MAX_ID:
        raise ProblemError(422, f"{what} must be a number from 1 to {MAX_ID}, not {value[:20]!r}")
    return int(text)


def day_end(day: dt.date, zone: dt.tzinfo) -> dt.datetime:
    """The first moment after ``day`` in ``zone`` (the last day of the calendar ends at its last moment)."""
    if day == dt.date.max:
        return dt.datetime.max.replace(tzinfo=dt.UTC)
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=zone)
