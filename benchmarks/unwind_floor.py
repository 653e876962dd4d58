"""The floor of what Neo4j takes here: a generated catalog written by hand-batched `UNWIND`
statements straight through the driver, into an empty graph with Mercator's schema.

No checks, no lookups of what exists, no per-deployment inventory moves: `CREATE` of the
same nodes, relationships and properties Mercator's import writes (version keys, range
intervals, `attr.*` attributes, `seq`, `latest_version`), in big batches. Mercator's own
import rate is read against this number.

    .venv/bin/python benchmarks/run.py  # runs it; or import and call `write_floor`
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

import neo4j

from app.catalog import ranges
from app.catalog.registration import Registration, dependency_edges

BATCH = 5_000

TEAMS = """
UNWIND $rows AS row
CREATE (:Team {name: row.name, email: row.email, chat: row.chat, pager: row.pager,
               created_at: datetime(row.created_at)})
"""
ENVIRONMENTS = """
UNWIND $rows AS row
CREATE (:Environment {name: row.name, stage: row.stage, cluster: row.cluster,
                      namespace: row.namespace, engine: row.engine,
                      created_at: datetime(row.created_at)})
"""
COMPONENTS = """
UNWIND $rows AS row
MATCH (t:Team {name: row.owner})
CREATE (c:Component {name: row.name, kind: row.kind, description: row.description,
                    created_at: datetime(row.created_at),
                    latest_version: row.latest_version, version_count: row.version_count})
CREATE (c)-[:OWNED_BY]->(t)
"""
COMPONENT_VERSIONS = """
UNWIND $rows AS row
MATCH (c:Component {name: row.component})
CREATE (v:ComponentVersion)
SET v = row.props, v.created_at = datetime(row.created_at)
CREATE (c)-[:HAS_VERSION]->(v)
"""
DEPENDS_ON = """
UNWIND $rows AS row
MATCH (v:ComponentVersion {component: row.component, version: row.version})
MATCH (d:Component {name: row.dependency})
CREATE (v)-[e:DEPENDS_ON]->(d)
SET e = row.edge
"""
# The Range nodes the blast radius walks (app/catalog/ranges.py): one per (provider, range
# text), NEEDS from each consumer version, ADMITS to each provider version inside it, and
# FEEDS from each Range a version needs to each Range admitting that version.
RANGES = """
UNWIND $rows AS row
CREATE (:Range {component: row.component, range: row.range})
"""
NEEDS = """
UNWIND $rows AS row
MATCH (v:ComponentVersion {component: row.component, version: row.version})
MATCH (r:Range {component: row.dependency, range: row.range})
CREATE (v)-[:NEEDS]->(r)
"""
ADMITS = """
UNWIND $rows AS row
MATCH (r:Range {component: row.component, range: row.range})
MATCH (v:ComponentVersion {component: row.component, version: row.version})
CREATE (r)-[:ADMITS]->(v)
"""
FEEDS = """
UNWIND $rows AS row
MATCH (q:Range {component: row.from_component, range: row.from_range})
MATCH (r:Range {component: row.component, range: row.range})
CREATE (q)-[:FEEDS {via: row.via}]->(r)
"""
COMPONENT_PREVIOUS = """
UNWIND $rows AS row
MATCH (v:ComponentVersion {component: row.parent, version: row.version})
MATCH (p:ComponentVersion {component: row.parent, version: row.previous})
CREATE (v)-[:PREVIOUS]->(p)
"""
APPLICATIONS = """
UNWIND $rows AS row
MATCH (t:Team {name: row.owner})
CREATE (a:Application {name: row.name, created_at: datetime(row.created_at),
                      latest_version: row.latest_version, version_count: row.version_count})
CREATE (a)-[:OWNED_BY]->(t)
"""
APPLICATION_VERSIONS = """
UNWIND $rows AS row
MATCH (a:Application {name: row.application})
CREATE (av:ApplicationVersion {application: row.application, version: row.version,
                               seq: row.seq, reason: row.reason,
                               created_at: datetime(row.created_at)})
CREATE (a)-[:HAS_VERSION]->(av)
"""
INCLUDES = """
UNWIND $rows AS row
MATCH (av:ApplicationVersion {application: row.application, version: row.version})
MATCH (cv:ComponentVersion {component: row.component, version: row.component_version})
CREATE (av)-[:INCLUDES]->(cv)
"""
APPLICATION_PREVIOUS = """
UNWIND $rows AS row
MATCH (v:ApplicationVersion {application: row.parent, version: row.version})
MATCH (p:ApplicationVersion {application: row.parent, version: row.previous})
CREATE (v)-[:PREVIOUS]->(p)
"""
DEPLOYMENTS = """
UNWIND $rows AS row
MATCH (e:Environment {name: row.environment})
MATCH (av:ApplicationVersion {application: row.application, version: row.version})
CREATE (d:Deployment {id: row.id, status: row.status, started_at: datetime(row.started_at),
                      finished_at: datetime(row.finished_at), by: row.by, engine: row.engine,
                      recorded_at: datetime(row.recorded_at)})
CREATE (d)-[:TO]->(e)
CREATE (d)-[:OF]->(av)
"""
RUNS = """
UNWIND $rows AS row
MATCH (e:Environment {name: row.environment})
MATCH (cv:ComponentVersion {component: row.component, version: row.version})
CREATE (e)-[:RUNS {since: datetime(row.since), deployment: row.deployment,
                   last_deployed_at: datetime(row.since), last_deployment: row.deployment}]->(cv)
"""
DEPLOYED_NOW = """
UNWIND $rows AS row
MATCH (e:Environment {name: row.environment})
MATCH (av:ApplicationVersion {application: row.application, version: row.version})
CREATE (e)-[:DEPLOYED_NOW {deployment: row.id, finished_at: datetime(row.finished_at)}]->(av)
"""


def write_floor(
    driver: neo4j.Driver, document: dict[str, Any], batch: int = BATCH
) -> dict[str, Any]:
    """Write `document` (generate.py's format) into an empty graph; seconds per step and
    overall, component versions/s and relationships/s."""
    steps: dict[str, dict[str, float]] = {}

    def step(name: str, query: str, rows: list[dict[str, Any]]) -> None:
        started = time.perf_counter()
        for start in range(0, len(rows), batch):
            driver.execute_query(query, {"rows": rows[start : start + batch]})
        seconds = time.perf_counter() - started
        steps[name] = {
            "records": len(rows),
            "seconds": round(seconds, 2),
            "per_second": round(len(rows) / max(seconds, 1e-9)),
        }

    started = time.perf_counter()
    versions = document["component_versions"]
    app_versions = document["application_versions"]
    step("teams", TEAMS, document["teams"])
    step("environments", ENVIRONMENTS, document["environments"])
    step("components", COMPONENTS, _with_latest(document["components"], versions, "component"))
    step("component_versions", COMPONENT_VERSIONS, _version_rows(versions))
    dependencies = list(_dependencies(versions))
    step("depends_on", DEPENDS_ON, dependencies)
    declared, needs, admits = _ranges(versions, dependencies)
    step("ranges", RANGES, declared)
    step("needs", NEEDS, needs)
    step("admits", ADMITS, admits)
    step("feeds", FEEDS, _feeds(needs, admits))
    step("component_previous", COMPONENT_PREVIOUS, _previous(versions, "component"))
    step(
        "applications",
        APPLICATIONS,
        _with_latest(document["applications"], app_versions, "application"),
    )
    step("application_versions", APPLICATION_VERSIONS, _sequenced(app_versions, "application"))
    step("includes", INCLUDES, list(_includes(app_versions)))
    step("application_previous", APPLICATION_PREVIOUS, _previous(app_versions, "application"))
    step("deployments", DEPLOYMENTS, [_deployment_row(d) for d in document["deployments"]])
    step("runs", RUNS, document["runs"])
    step("deployed_now", DEPLOYED_NOW, _deployed_now(document["deployments"]))
    seconds = time.perf_counter() - started
    relationships = count_relationships(driver)
    return {
        "seconds": round(seconds, 1),
        "batch": batch,
        "relationships": relationships,
        "component_versions_per_second": round(len(versions) / seconds),
        "edges_per_second": round(relationships / seconds),
        "steps": steps,
    }


def count_relationships(driver: neo4j.Driver) -> int:
    """Every relationship in the graph (Neo4j answers from its count store)."""
    return driver.execute_query("MATCH ()-[r]->() RETURN count(r) AS n").records[0]["n"]


def _with_latest(
    parents: list[dict[str, Any]], versions: list[dict[str, Any]], field: str
) -> list[dict[str, Any]]:
    """Each parent with its latest version (the last in document order) and version count."""
    latest: dict[str, str] = {}
    counts: dict[str, int] = {}
    for version in versions:
        latest[version[field]] = version["version"]
        counts[version[field]] = counts.get(version[field], 0) + 1
    return [
        {**parent, "latest_version": latest.get(parent["name"]),
         "version_count": counts.get(parent["name"])}
        for parent in parents
    ]


def _sequenced(versions: list[dict[str, Any]], field: str) -> list[dict[str, Any]]:
    seq: dict[str, int] = {}
    rows = []
    for version in versions:
        seq[version[field]] = seq.get(version[field], 0) + 1
        rows.append({**version, "seq": seq[version[field]]})
    return rows


def _version_row(record: dict[str, Any]) -> dict[str, Any]:
    """The node's properties exactly as registration and import store them."""
    fields = {
        name: record[name]
        for name in (
            "component", "version", "image", "digest", "git_repository", "git_commit",
            "git_branch", "build_url", "chart", "chart_version",
        )
    }
    props = Registration(**fields, attributes=record["attributes"] or {}).properties()
    return {"component": record["component"], "props": props, "created_at": record["created_at"]}


def _version_rows(versions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    seq: dict[str, int] = {}
    for row in map(_version_row, versions):
        seq[row["component"]] = seq.get(row["component"], 0) + 1
        row["props"] = {**row["props"], "component": row["component"], "seq": seq[row["component"]]}
        rows.append(row)
    return rows


def _dependencies(versions: list[dict[str, Any]]) -> Iterable[dict[str, Any]]:
    for record in versions:
        ranges = {d["component"]: d.get("range") for d in record["dependencies"]}
        for edge in dependency_edges(ranges):
            yield {
                "component": record["component"],
                "version": record["version"],
                "dependency": edge["component"],
                "edge": edge["edge"],
            }


def _ranges(versions: list[dict[str, Any]], dependencies: list[dict[str, Any]]) -> tuple:
    """Range rows, NEEDS rows and ADMITS rows (the range rule evaluated here, as Mercator
    does in Python)."""
    needs = [
        {**row, "range": ranges.range_text(row["edge"].get("range"))} for row in dependencies
    ]
    declared = sorted({(row["dependency"], row["range"]) for row in needs})
    versions_of: dict[str, list[str]] = {}
    for record in versions:
        versions_of.setdefault(record["component"], []).append(record["version"])
    admits = [
        {"component": component, "range": text, "version": version}
        for component, text in declared
        for version in versions_of.get(component, [])
        if ranges.admits(text, version)
    ]
    rows = [{"component": component, "range": text} for component, text in declared]
    return rows, needs, admits


def _feeds(needs: list[dict[str, Any]], admits: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """FEEDS rows: one per pair of Ranges a version joins, `via` the first such version."""
    needed_by: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for row in needs:
        needed_by.setdefault((row["component"], row["version"]), []).append(
            (row["dependency"], row["range"])
        )
    feeds: dict[tuple[str, str, str, str], str] = {}
    for row in admits:
        for dependency, text in needed_by.get((row["component"], row["version"]), ()):
            feeds.setdefault((dependency, text, row["component"], row["range"]), row["version"])
    return [
        {"from_component": q, "from_range": qr, "component": c, "range": r, "via": via}
        for (q, qr, c, r), via in feeds.items()
    ]


def _previous(versions: list[dict[str, Any]], field: str) -> list[dict[str, Any]]:
    last: dict[str, str] = {}
    rows = []
    for record in versions:
        if record[field] in last:
            rows.append(
                {"parent": record[field], "version": record["version"],
                 "previous": last[record[field]]}
            )
        last[record[field]] = record["version"]
    return rows


def _includes(app_versions: list[dict[str, Any]]) -> Iterable[dict[str, Any]]:
    for record in app_versions:
        for member in record["components"]:
            yield {
                "application": record["application"],
                "version": record["version"],
                "component": member["component"],
                "component_version": member["version"],
            }


def _deployed_now(deployments: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per environment and application, its latest succeeded deployment (by finish time,
    then id): what each environment has deployed now."""
    latest: dict[tuple[str, str], dict[str, Any]] = {}
    for d in deployments:
        if d["status"] != "succeeded":
            continue
        key = (d["environment"], d["application"]["application"])
        held = latest.get(key)
        if held is None or (held["finished_at"], held["id"]) <= (d["finished_at"], d["id"]):
            latest[key] = d
    return [_deployment_row(d) for d in latest.values()]


def _deployment_row(record: dict[str, Any]) -> dict[str, Any]:
    return {
        **{k: v for k, v in record.items() if k not in {"application", "components"}},
        "application": record["application"]["application"],
        "version": record["application"]["version"],
    }

