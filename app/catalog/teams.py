"""Teams: the owners people call when something they own is affected."""

from __future__ import annotations

from typing import Any

from app.access.scopes import Actor
from app.core import naming, paging, records
from app.errors import Invalid, NotFound
from app.graph import Graph


def upsert(
    graph: Graph,
    name: str,
    email: str | None = None,
    chat: str | None = None,
    pager: str | None = None,
    *,
    actor: Actor | None = None,
) -> tuple[dict[str, Any], bool]:
    """Create the team or update its contacts; returns (team, created). `actor` is
    recorded as `updated_by`."""
    problem = naming.name_problem(name)
    if problem:
        raise Invalid(f"team name {problem}", {"name": [problem]})
    row = graph.write(
        "catalog/team_upsert",
        name=name,
        email=email,
        chat=chat,
        pager=pager,
        updated_by=None if actor is None else actor.name,
    )[0]
    return get(graph, name), row["created"]


def get(graph: Graph, name: str) -> dict[str, Any]:
    rows = graph.read("catalog/team_get", name=name)
    if not rows:
        raise NotFound(f"no team named {name!r}", {"team": name})
    row = rows[0]
    return {
        **records.team(row["props"]),
        "components": row["components"],
        "applications": row["applications"],
    }


def list_teams(
    graph: Graph, prefix: str | None = None, offset: int = 0, limit: int = paging.DEFAULT_LIMIT
) -> dict[str, Any]:
    return paging.page(
        lambda skip, take: graph.read("catalog/team_list", prefix=prefix, offset=skip, limit=take),
        lambda row: {
            **records.team(row["props"]),
            "component_count": row["components"],
            "application_count": row["applications"],
        },
        offset,
        limit,
    )
