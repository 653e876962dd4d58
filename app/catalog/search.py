"""One search box over the catalog: anything whose name contains the text typed.

Components, applications, environments, teams and packages are searched together by
`cypher/catalog/search_by_name` (a seek in each label's text index), so a person need not know
what kind of thing a name belongs to.
"""

from __future__ import annotations

from typing import Any

from app.errors import Invalid
from app.graph import Graph

KINDS = ("component", "application", "environment", "team", "package")
DEFAULT_LIMIT = 20
MAX_LIMIT = 200
MAX_TEXT = 200


def by_name(graph: Graph, text: str, limit: int = DEFAULT_LIMIT) -> dict[str, Any]:
    """Matches grouped by kind (each kind at most `limit`, shortest names first), and the
    total found."""
    text = text.strip()
    problems = {}
    if not text:
        problems["q"] = ["type part of a name"]
    elif len(text) > MAX_TEXT:
        problems["q"] = [f"must be at most {MAX_TEXT} characters"]
    if not 1 <= limit <= MAX_LIMIT:
        problems["limit"] = [f"must be between 1 and {MAX_LIMIT}"]
    if problems:
        raise Invalid("bad search", problems)
    found: dict[str, list[dict[str, Any]]] = {kind: [] for kind in KINDS}
    for row in graph.read("catalog/search_by_name", text=text, limit=limit):
        found[row["kind"]].append({"name": row["name"], "key": row["key"], "detail": row["detail"]})
    return {"text": text, "results": found, "total": sum(len(v) for v in found.values())}
