"""Latency of each report through the HTTP API and as raw Cypher through the driver.

Uses the benchmark Neo4j (`.mercator/bench-neo4j`, ports 17887/17674) with whatever
catalog it holds — load one first with `import_catalog.py` — or `--demo` to reset it and
load the demo shop. Starts `mercator serve` (gunicorn, 2 workers x 4 threads) and, for
each report, makes `--calls` calls with inputs sampled from the catalog: median and p95
per path (p50/p95/p99), and their ratio (Mercator's own overhead: HTTP, validation,
shaping, JSON). `run.py` calls `measure` as one phase of the whole benchmark.

    .venv/bin/python benchmarks/reports.py [--demo] [--calls 50]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
from pathlib import Path

import neo4j
import requests

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from common import Api, log, summary, timed  # noqa: E402
from import_catalog import BENCH_SETTINGS  # noqa: E402

from app.admin import (  # noqa: E402
    database,  # noqa: E402
    demo,  # noqa: E402
)
from app.cli.catalogs import LocalCatalog  # noqa: E402
from app.graph import Graph, cypher  # noqa: E402
from app.graph.local_neo4j import LocalServer  # noqa: E402
from app.reports import reports  # noqa: E402
from app.sbom import packages  # noqa: E402

SAMPLE = {
    "versions": "MATCH (c:Component) WHERE c.latest_version IS NOT NULL "
    "MATCH (c)-[:HAS_VERSION]->(v:ComponentVersion) "
    "WITH c, v ORDER BY v.seq "
    "WITH c, collect(v.version) AS vs "
    "RETURN c.name AS component, vs[0] AS version, vs[-1] AS other ORDER BY component",
    "app_versions": "MATCH (a:Application) "
    "MATCH (av:ApplicationVersion {application: a.name}) "
    "WITH a, av ORDER BY av.seq "
    "WITH a, collect(av.version) AS vs "
    "RETURN a.name AS application, vs[0] AS version, vs[-1] AS other ORDER BY application",
    "environments": "MATCH (e:Environment) RETURN e.name AS environment ORDER BY environment",
    "time_span": "MATCH (d:Deployment) RETURN toString(min(d.finished_at)) AS first, "
    "toString(max(d.finished_at)) AS last",
    # The most depended-on components, each at its oldest version (ranges admit it).
    "hubs": "MATCH (c:Component)<-[d:DEPENDS_ON]-() WITH c, count(d) AS n "
    "ORDER BY n DESC, c.name LIMIT 5 "
    "MATCH (c)-[:HAS_VERSION]->(v:ComponentVersion {seq: 1}) "
    "RETURN c.name AS component, v.version AS version",
    "packages": "MATCH (p:Package) RETURN p.purl AS purl, p.name AS name ORDER BY purl LIMIT 500",
}


def cases(rng: random.Random, samples: dict) -> dict[str, list[tuple[str, dict, dict]]]:
    """Per report: (API path, query string, raw Cypher parameters) for many inputs."""
    versions, apps, envs = samples["versions"], samples["app_versions"], samples["environments"]
    span = samples["time_span"][0]
    out: dict[str, list[tuple[str, dict, dict]]] = {}
    for _ in range(200):
        v, a = rng.choice(versions), rng.choice(apps)
        if samples["hubs"]:
            h = rng.choice(samples["hubs"])
            out.setdefault("blast_radius_hub_depth_6", []).append(
                (
                    f"/components/{h['component']}/blast-radius",
                    {"version": h["version"], "depth": 6},
                    {"component": h["component"], "version": h["version"], "depth": 6,
                     "limit": 1000},
                )
            )
        if samples["packages"]:
            p = rng.choice(samples["packages"])
            out.setdefault("package_blast_radius", []).append(
                ("/packages/blast-radius", {"purl": p["purl"]}, {"purl": p["purl"]})
            )
            out.setdefault("package_blast_radius_by_name", []).append(
                (
                    "/packages/blast-radius",
                    {"name": p["name"], "range": "<5"},
                    {"name": p["name"], "version_range": "<5"},
                )
            )
        e, f = rng.choice(envs)["environment"], rng.choice(envs)["environment"]
        at = span["first"] if rng.random() < 0.2 else span["last"]
        out.setdefault("bom_application_version", []).append(
            (
                f"/applications/{a['application']}/versions/{a['version']}/bom",
                {},
                {"application": a["application"], "version": a["version"]},
            )
        )
        out.setdefault("bom_component_version", []).append(
            (
                f"/components/{v['component']}/versions/{v['version']}/bom",
                {},
                {"component": v["component"], "version": v["version"]},
            )
        )
        for depth in (1, 3, 6):
            out.setdefault(f"blast_radius_depth_{depth}", []).append(
                (
                    f"/components/{v['component']}/blast-radius",
                    {"version": v["version"], "depth": depth},
                    {
                        "component": v["component"],
                        "version": v["version"],
                        "depth": depth,
                        "limit": 1000,
                    },
                )
            )
        out.setdefault("diff_application_versions", []).append(
            (
                f"/applications/{a['application']}/versions/{a['version']}/diff",
                {"to": a["other"]},
                {
                    "component": None,
                    "from_application": a["application"],
                    "from_version": a["version"],
                    "to_application": a["application"],
                    "to_version": a["other"],
                },
            )
        )
        out.setdefault("diff_component_versions", []).append(
            (
                f"/components/{v['component']}/versions/{v['version']}/diff",
                {"to": v["other"]},
                {
                    "component": v["component"],
                    "from_application": None,
                    "from_version": v["version"],
                    "to_application": None,
                    "to_version": v["other"],
                },
            )
        )
        out.setdefault("diff_environments", []).append(
            (f"/environments/{e}/diff", {"with": f}, {"left": e, "right": f})
        )
        out.setdefault("diff_deployment_plan", []).append(
            (
                f"/applications/{a['application']}/versions/{a['version']}/plan",
                {"environment": e},
                {"application": a["application"], "version": a["version"], "environment": e},
            )
        )
        out.setdefault("inventory_now", []).append(
            (f"/environments/{e}/inventory", {}, {"environment": e, "offset": 0, "limit": None})
        )
        out.setdefault("inventory_at", []).append(
            (
                f"/environments/{e}/inventory",
                {"at": at},
                {"environment": e, "at": at, "offset": 0, "limit": None},
            )
        )
        out.setdefault("where_runs", []).append(
            (
                f"/components/{v['component']}/whereabouts",
                {},
                {"component": v["component"], "version": None, "offset": 0, "limit": None},
            )
        )
    return out


QUERY_OF = {
    name: f"reports/{name}"
    for name in (
        "bom_application_version",
        "bom_component_version",
        "diff_environments",
        "diff_deployment_plan",
        "inventory_now",
        "inventory_at",
        "where_runs",
    )
} | {  # both differences are one statement
    "diff_application_versions": "reports/diff_versions",
    "diff_component_versions": "reports/diff_versions",
}
#: The blast radii are run by their service (one statement, plus shaping; the package one
#: looks packages up by name first):
#: their "raw" side is that service function in-process, straight on the driver.
IN_PROCESS = {
    **{f"blast_radius_depth_{d}": reports.blast_radius for d in (1, 3, 6)},
    "blast_radius_hub_depth_6": reports.blast_radius,
    "package_blast_radius": packages.blast_radius,
    "package_blast_radius_by_name": packages.blast_radius,
}


def sample(driver: neo4j.Driver) -> dict[str, list[dict]]:
    """Inputs drawn from the catalog: versions, application versions, environments, the
    span of the deployment history, the hubs (most depended-on components), packages."""
    return {
        key: [r.data() for r in driver.execute_query(query, routing_="r").records]
        for key, query in SAMPLE.items()
    }


#: Reports that take seconds each on a large catalog get fewer calls.
HEAVY = {"blast_radius_hub_depth_6"}


def measure(
    graph: Graph,
    driver: neo4j.Driver,
    base: str,
    calls: int,
    samples: dict,
    heavy_calls: int = 5,
    seed: int = 11,
) -> dict[str, dict]:
    """Each report `calls` times (`heavy_calls` for the heaviest) through the API and raw,
    p50/p95/p99 and the API/raw ratio of the medians."""
    http = requests.Session()
    results = {}
    for name, inputs in cases(random.Random(seed), samples).items():
        inputs = inputs[: heavy_calls if name in HEAVY else calls]
        if not inputs:
            continue
        log(f"report {name}: {len(inputs)} calls each way")
        if name in IN_PROCESS:
            service = IN_PROCESS[name]
            raw = [timed(lambda p=p, s=service: s(graph, **p)) for _, _, p in inputs]
        else:
            query = cypher.load(QUERY_OF[name])
            raw = [
                timed(lambda p=p, q=query: driver.execute_query(q, p, routing_="r"))
                for _, _, p in inputs
            ]
        via_api = [timed(lambda u=u, q=q: _get(http, base + u, q)) for u, q, _ in inputs]
        results[name] = {
            "api": summary(via_api),
            "raw": summary(raw),
            "ratio_p50": round(statistics.median(via_api) / statistics.median(raw), 2),
        }
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--demo", action="store_true", help="reset and load the demo shop")
    parser.add_argument("--calls", type=int, default=50, help="calls per report and path")
    args = parser.parse_args()

    server = LocalServer(BENCH_SETTINGS, echo=lambda message: print(message, file=sys.stderr))
    server.start()
    graph = Graph.from_settings(BENCH_SETTINGS)
    driver = neo4j.GraphDatabase.driver(
        BENCH_SETTINGS.neo4j_uri, auth=(BENCH_SETTINGS.neo4j_user, BENCH_SETTINGS.neo4j_password)
    )
    try:
        database.init_schema(graph)
        if args.demo:
            database.reset(graph)
            demo.load(LocalCatalog(graph))
        samples = sample(driver)
        size = driver.execute_query("MATCH (v:ComponentVersion) RETURN count(v) AS n").records[0][
            "n"
        ]
        with Api(BENCH_SETTINGS) as api:
            results = measure(graph, driver, api.base, args.calls, samples)
        print(
            json.dumps(
                {"component_versions": size, "calls": args.calls, "reports": results}, indent=2
            )
        )
    finally:
        driver.close()
        graph.close()
        server.stop()


def _get(http: requests.Session, url: str, params: dict) -> None:
    response = http.get(url, params=params, timeout=600)
    if response.status_code != 200:
        raise RuntimeError(f"{url} {params}: {response.status_code} {response.text[:300]}")


if __name__ == "__main__":
    main()
