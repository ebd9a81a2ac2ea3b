"""What every list of the API shares: ``limit`` and ``offset``, the page it answers, the problem responses.

Lists answer ``{"items", "total", "limit", "offset", "next_offset"}``; the API modules of every area
import this module rather than each other.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query
from pydantic import BaseModel, Field

from rettesnor.web.problems import Problem
from rettesnor.web.queries import MAX_LIMIT

ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": Problem, "content": {"application/problem+json": {}}} for code in (401, 403, 404, 422)
}
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="items per page")]
Offset = Annotated[int, Query(ge=0, le=10_000_000, description="items to skip")]


class Page(BaseModel):
    items: list[dict[str, Any]]
    total: int | None = Field(description="all matching items; null where counting is not offered")
    limit: int
    offset: int
    next_offset: int | None


def page_of(items: list[dict[str, Any]], limit: int, offset: int, total: int | None = None) -> Page:
    """A page of ``items`` (which hold everything from ``offset`` on, or exactly the page when ``total``)."""
    if total is None:
        more = len(items) > limit
        return Page(
            items=items[:limit],
            total=None,
            limit=limit,
            offset=offset,
            next_offset=offset + limit if more else None,
        )
    return Page(
        items=items,
        total=total,
        limit=limit,
        offset=offset,
        next_offset=offset + limit if offset + limit < total else None,
    )


def slice_of(items: list[dict[str, Any]], limit: int, offset: int) -> Page:
    """The page of a list held whole in memory."""
    return page_of(items[offset : offset + limit], limit, offset, len(items))
