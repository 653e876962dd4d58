"""Reading components and their versions (registration is in `registration`)."""

from __future__ import annotations

from typing import Any

from app.catalog import suggest
from app.core import paging, records
from app.core.records import KINDS
from app.errors import Invalid, NotFound
from app.graph import Graph


def list_components(
    graph: Graph,
    prefix: str | None = None,
    kind: str | None = None,
    owner: str | None = None,
    environment: str | None = None,
    offset: int = 0,
    limit: int = paging.DEFAULT_LIMIT,
) -> dict[str, Any]:
    if kind is not None and kind not in KINDS:
        raise Invalid(f"kind must be one of {', '.join(KINDS)}", {"kind": [kind]})
    return paging.page(
        lambda skip, take: graph.read(
            "catalog/component_list",
            prefix=prefix,
            kind=kind,
            owner=owner,
            environment=environment,
            offset=skip,
            limit=take,
        ),
        lambda row: records.component(row["props"], row["owner"]),
        offset,
        limit,
    )


def get(graph: Graph, name: str) -> dict[str, Any]:
    rows = graph.read("catalog/component_get", name=name)
    if not rows:
        raise suggest.not_found(graph, "component", name)
    row = rows[0]
    return {
        **records.component(row["props"], row["owner"]),
        "dependencies": row["dependencies"],
        "running": row["running"],
    }


def list_versions(
    graph: Graph, name: str, offset: int = 0, limit: int = paging.DEFAULT_LIMIT
) -> dict[str, Any]:
    found = paging.page(
        lambda skip, take: graph.read(
            "catalog/component_versions", component=name, offset=skip, limit=take
        ),
        lambda row: records.component_version(row["props"], row["previous"]),
        offset,
        limit,
    )
    # 404 for an unknown component rather than an empty page; asked only when the page is
    # empty, as a version listed proves the component exists (the component's page lists
    # its versions and had looked it up once already).
    if not found["items"]:
        get(graph, name)
    return found


def consumers(
    graph: Graph, name: str, offset: int = 0, limit: int = paging.DEFAULT_LIMIT
) -> dict[str, Any]:
    """A page of the components whose latest version depends on `name`, by name: what
    its page lists as "used by" (a hub's run to hundreds, too many for one page)."""
    return paging.page(
        lambda skip, take: graph.read(
            "catalog/component_consumers", component=name, offset=skip, limit=take
        ),
        lambda row: row["component"],
        offset,
        limit,
    )


def recent_versions(graph: Graph, limit: int = 10) -> list[dict[str, Any]]:
    """The latest registrations across the catalog, newest first: what pipelines just built."""
    paging.check(0, limit)
    return graph.read("catalog/component_recent_versions", limit=limit)


def get_version(graph: Graph, name: str, version: str) -> dict[str, Any]:
    rows = graph.read("catalog/component_version", component=name, version=version)
    if not rows:
        raise NotFound(
            f"no version {version!r} of component {name!r}", {"component": name, "version": version}
        )
    row = rows[0]
    shaped = records.component_version(row["props"], row["previous"], row["dependencies"])
    shaped["running"] = row["running"]
    return shaped


def kinds(graph: Graph, names: list[str]) -> dict[str, str | None]:
    """The kind of each of the named components that exists (one index seek each)."""
    return {row["name"]: row["kind"] for row in graph.read("catalog/component_kinds", names=names)}
