"""The reports: bill of materials, blast radius, differences and inventory.

Each report is one named query under `cypher/reports/` (so the same answer can be had in
Neo4j Browser); this module checks the parameters, turns "no row" into NotFound, and
shapes the rows: attribute pairs into objects, lists into a stable order.
"""

from __future__ import annotations

from typing import Any

from app.catalog import components, suggest
from app.core import naming, paging, semver, times
from app.errors import Invalid, NotFound
from app.graph import Graph

DEFAULT_DEPTH = 5
MAX_DEPTH = 10
DEFAULT_CONSUMER_LIMIT = 1000
MAX_CONSUMER_LIMIT = 10_000
DEFAULT_APPLICATION_LIMIT = 1000
MAX_APPLICATION_LIMIT = 10_000
#: From this many affected versions on (a hub's), the blast radius finds the applications
#: by testing the application versions that can count (each latest, each deployed now)
#: rather than by walking from every affected version. Measured on the large benchmark
#: catalog's hub (98,912 affected versions): 0.64 s of server CPU walking, 0.35 s testing;
#: the test costs about the same whatever the number, the walk about 6.5 µs per version.
MANY_VERSIONS = 50_000


def bom_application_version(graph: Graph, application: str, version: str) -> dict[str, Any]:
    """Everything in an application version: components, external dependencies, packages."""
    row = _one(
        graph,
        "reports/bom_application_version",
        f"no version {version!r} of application {application!r}",
        application=application,
        version=version,
    )
    row["components"] = [_with_attributes(c) for c in row["components"]]
    return row


def bom_component_version(graph: Graph, component: str, version: str) -> dict[str, Any]:
    """A component version's own dependencies and packages."""
    row = _one(
        graph,
        "reports/bom_component_version",
        f"no version {version!r} of component {component!r}",
        component=component,
        version=version,
    )
    return _with_attributes(row)


def blast_radius(
    graph: Graph,
    component: str,
    version: str | None = None,
    depth: int = DEFAULT_DEPTH,
    limit: int = DEFAULT_CONSUMER_LIMIT,
    offset: int = 0,
    application_limit: int = DEFAULT_APPLICATION_LIMIT,
    application_offset: int = 0,
    applications: bool = True,
) -> dict[str, Any]:
    """What breaks or must be re-tested if `component` (at `version`, or any change of it)
    changes: its consumers, transitively up to `depth` hops, each at its shortest distance
    with one path (a page of them: `offset`, `limit`; all of them counted); the application
    versions (a page of them too: `application_offset`, `application_limit`; all counted),
    environments and teams they reach. One statement: `reports/blast_radius`.

    A `version` not registered is evaluated as if it were ("what if we ship 3.0.0?"): the
    consumers' declared ranges are tested against it, and the answer says `hypothetical`.

    With `applications` false (a map, which draws none) the applications are not looked
    for: on a hub that is a fifth of the work. `application_count` is then None and the
    teams are the affected components' owners only."""
    problems = impact_page_problems(limit, offset, application_limit, application_offset)
    if not 1 <= depth <= MAX_DEPTH:
        problems["depth"] = [f"must be between 1 and {MAX_DEPTH}"]
    if version is not None and (problem := naming.version_problem(version)):
        problems["version"] = [problem]  # even a hypothetical one is a version name
    if problems:
        raise Invalid("bad blast radius parameters", problems)
    rows = graph.read(
        "reports/blast_radius",
        component=component,
        version=version,
        version_key=None if version is None else semver.version_key(version),
        depth=depth,
        limit=limit,
        offset=list_offset(offset),
        application_limit=application_limit,
        application_offset=list_offset(application_offset),
        many_versions=MANY_VERSIONS,
        applications=applications,
    )
    if not rows:  # only then ask what is missing, with suggestions
        components.get(graph, component)
    row = rows[0]
    return {"component": component, "version": version, "depth": depth, **impact_sorted(row)}


def impact_page_problems(
    limit: int, offset: int, application_limit: int, application_offset: int
) -> dict[str, list[str]]:
    """What is wrong with the pages a blast radius is asked for: its affected versions
    (`limit`, `offset`) and its application versions (`application_limit`,
    `application_offset`). Shared with the package blast radius."""
    problems = {}
    for name, value, most in (
        ("limit", limit, MAX_CONSUMER_LIMIT),
        ("application_limit", application_limit, MAX_APPLICATION_LIMIT),
    ):
        if not 1 <= value <= most:
            problems[name] = [f"must be between 1 and {most}"]
    for name, value in (("offset", offset), ("application_offset", application_offset)):
        if not 0 <= value <= paging.MAX_OFFSET:
            problems[name] = [f"must be between 0 and {paging.MAX_OFFSET}"]
    return problems


#: The largest offset a statement is handed: Cypher slices lists with 32-bit integers, and
#: an offset past any list's length gives the same empty page.
LIST_OFFSET_MAX = 2**31 - 1 - MAX_CONSUMER_LIMIT - MAX_APPLICATION_LIMIT


def list_offset(offset: int) -> int:
    """`offset` as a statement slices with it: the same page, within Cypher's integers."""
    return min(offset, LIST_OFFSET_MAX)


def impact_sorted(impact: dict[str, Any]) -> dict[str, Any]:
    """A blast radius's teams in a stable order (the query sorts applications and
    environments; teams are collected from both, in no set order). Shared with the package
    blast radius."""
    impact["teams"].sort(key=lambda t: t["team"])
    for team in impact["teams"]:
        team["owns"].sort()
    return impact


def diff_component_versions(
    graph: Graph, component: str, from_version: str, to_version: str
) -> dict[str, Any]:
    """What changed between two versions of one component: `reports/diff_versions` with
    the component's one pair."""
    rows = graph.read(
        "reports/diff_versions",
        component=component,
        from_application=None,
        to_application=None,
        from_version=from_version,
        to_version=to_version,
    )
    if not rows:
        raise NotFound(
            f"no version {from_version!r} or no version {to_version!r} of component {component!r}",
            {"component": component, "from": from_version, "to": to_version},
        )
    return _sorted_changes(rows[0]["changed"][0]["changes"])


def diff_application_versions(
    graph: Graph,
    application: str,
    from_version: str,
    to_version: str,
    to_application: str | None = None,
) -> dict[str, Any]:
    """Components added, removed and changed (with each one's changes) between two
    application versions, by default of the same application: one statement,
    `reports/diff_versions`."""
    to_application = to_application or application
    row = _one(
        graph,
        "reports/diff_versions",
        f"no version {from_version!r} of {application!r} or no version "
        f"{to_version!r} of {to_application!r}",
        component=None,
        from_application=application,
        from_version=from_version,
        to_application=to_application,
        to_version=to_version,
    )
    for key in ("added", "removed", "changed"):
        row[key].sort(key=lambda item: item["component"])
    for changed in row["changed"]:
        _sorted_changes(changed["changes"])
    return {
        "from": {"application": application, "version": from_version},
        "to": {"application": to_application, "version": to_version},
        **row,
    }


def diff_environments(graph: Graph, left: str, right: str) -> dict[str, Any]:
    """What differs between what two environments run now."""
    rows = graph.read("reports/diff_environments", left=left, right=right)
    if not rows:
        raise suggest.not_found(graph, "environment", left, right)
    row = rows[0]
    for key in ("only_left", "only_right", "different"):
        row[key].sort(key=lambda item: item["component"])
    return {"left": left, "right": right, **row}


def deployment_plan(
    graph: Graph, application: str, version: str, environment: str
) -> dict[str, Any]:
    """What deploying an application version to an environment would change there."""
    row = _one(
        graph,
        "reports/diff_deployment_plan",
        f"no version {version!r} of application {application!r} or no environment "
        f"named {environment!r}",
        application=application,
        version=version,
        environment=environment,
    )
    for key in ("add", "change", "unchanged", "untouched"):
        row[key].sort(key=lambda item: item["component"])
    return {"application": application, "version": version, "environment": environment, **row}


def inventory(
    graph: Graph,
    environment: str,
    at: str | None = None,
    offset: int = 0,
    limit: int | None = None,
) -> dict[str, Any]:
    """What an environment runs now, or ran at time `at` (from its deployment history).
    With a `limit`, only that many from `offset` (by component), and how many there are
    in all (`running_count`): a page lists a large environment's thousands a page at a
    time, and reading only those is most of its cost."""
    page = {"offset": list_offset(max(0, offset)), "limit": limit}
    if at is None:
        rows = graph.read("reports/inventory_now", environment=environment, **page)
    elif times.parse(at) is None:
        raise Invalid(f"at {times.PROBLEM}", {"at": [times.PROBLEM]})
    else:
        rows = graph.read(
            "reports/inventory_at", environment=environment, at=times.canonical(at), **page
        )
    if not rows:
        raise suggest.not_found(graph, "environment", environment)
    row = rows[0]
    running_count = row.pop("running_count")
    if limit is not None:
        row["running_count"] = running_count
    return row


def where_runs(
    graph: Graph,
    component: str,
    version: str | None = None,
    offset: int = 0,
    limit: int | None = None,
) -> dict[str, Any]:
    """Where a component (or one version of it) runs now, and where it ran before.

    With a `limit`, each environment's history is one page of periods from `offset`, newest
    first, and `next_offset` says where the older ones go on (None when no environment has
    more): a component deployed thousands of times made a page of hundreds of kilobytes.
    Without one (the API's and the CLI's answer), the whole history."""
    if version is not None:
        _require_component(graph, component, version)
    if limit is not None:
        paging.check(offset, limit)
    rows = graph.read(
        "reports/where_runs",
        component=component,
        version=version,
        offset=offset,
        limit=None if limit is None else limit + 1,
    )
    if not rows:  # the statement has a row for every component that exists
        raise suggest.not_found(graph, "component", component)
    found = rows[0]
    if limit is None:
        return found
    more = any(len(place["history"]) > limit for place in found["environments"])
    for place in found["environments"]:
        del place["history"][limit:]
    return {
        **found,
        "offset": offset,
        "limit": limit,
        "next_offset": offset + limit if more else None,
    }


def _sorted_changes(changes: dict[str, Any]) -> dict[str, Any]:
    """One component's changes in a stable order, its attribute changes as objects."""
    changes["fields"].sort(key=lambda f: f["field"])
    attributes = changes["attributes"]
    changes["attributes"] = {
        "added": dict(sorted(attributes["added"])),
        "removed": dict(sorted(attributes["removed"])),
        "changed": {
            key: {"from": old, "to": new} for key, old, new in sorted(attributes["changed"])
        },
    }
    for part in ("dependencies", "packages"):
        for items in (changes[part] or {}).values():
            items.sort(
                key=lambda item: (
                    item if isinstance(item, str) else item.get("component") or item.get("name")
                )
            )
    return changes


def _one(graph: Graph, query: str, missing: str, **params: Any) -> dict[str, Any]:
    rows = graph.read(query, **params)
    if not rows:
        raise NotFound(missing, params)
    return rows[0]


def _require_component(graph: Graph, component: str, version: str | None) -> None:
    """NotFound unless the component (and the version, when one is named) exists."""
    if version is None:
        components.get(graph, component)
    else:
        components.get_version(graph, component, version)


def _with_attributes(item: dict[str, Any]) -> dict[str, Any]:
    """Attribute pairs from Cypher (`[[key, value]]`) as an object."""
    return {**item, "attributes": dict(sorted(item["attributes"]))}
