"""The declarative base of every table, with the naming convention of constraints and indexes.

The tables are in :mod:`~rettesnor.records.models` (governance), :mod:`~rettesnor.records.archive_models`,
:mod:`~rettesnor.records.platform_models` and :mod:`~rettesnor.records.web_models`; all of them together,
as the migrations see them, in :mod:`~rettesnor.records.schema`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from rettesnor.records.types import UTCDateTime

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {dt.datetime: UTCDateTime}
