"""Paging through lists: `limit` items from `offset`, and where the next page starts.

Queries are asked for one row more than the page holds; that row's presence says whether
there is a next page, without counting the whole list on every request.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.errors import Invalid

DEFAULT_LIMIT = 50
MAX_LIMIT = 500
#: Far beyond any catalog, and small enough that `offset + limit + 1` stays the 64-bit
#: integer Neo4j takes for SKIP and LIMIT.
MAX_OFFSET = 10**12


def check(offset: int, limit: int) -> None:
    problems = {}
    if limit < 1 or limit > MAX_LIMIT:
        problems["limit"] = [f"must be between 1 and {MAX_LIMIT}"]
    if offset < 0 or offset > MAX_OFFSET:
        problems["offset"] = [f"must be between 0 and {MAX_OFFSET}"]
    if problems:
        raise Invalid("bad paging parameters", problems)


def page(
    fetch: Callable[[int, int], list[dict[str, Any]]],
    view: Callable[[dict[str, Any]], dict[str, Any]],
    offset: int = 0,
    limit: int = DEFAULT_LIMIT,
) -> dict[str, Any]:
    """`fetch(offset, limit + 1)` rows, shaped by `view`, as one page."""
    check(offset, limit)
    rows = fetch(offset, limit + 1)
    more = len(rows) > limit
    return {
        "items": [view(row) for row in rows[:limit]],
        "offset": offset,
        "limit": limit,
        "next_offset": offset + limit if more else None,
    }
