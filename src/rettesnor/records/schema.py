"""Every table of the application in one metadata: what the migrations compare and the tests clear.

Importing one table module registers only its own tables (and those it names in foreign keys); this
module imports them all.
"""

from __future__ import annotations

from sqlalchemy import MetaData

from rettesnor.records import (  # noqa: F401  (their tables)
    archive_models,
    models,
    platform_models,
    publish_models,
    web_models,
)
from rettesnor.records.base import Base

metadata: MetaData = Base.metadata
