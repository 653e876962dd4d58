"""Latency of each report through the HTTP API and as raw Cypher through the driver.

Uses the benchmark Neo4j (`.mercator/bench-neo4j`, ports 17887/17674) with whatever
catalog it holds — load one first with `import_catalog.py` — or `--demo` to reset it and
load the demo shop. Starts `mercator serve` (gunicorn, 2 workers x 4 threads) and, for
each report, makes `--calls` calls with inputs sampled from the catalog: median and p95
per path, and their ratio (Mercator's own overhead: HTTP, validation, shaping, JSON).

    .venv/bin/python benchmarks/reports.py [--demo] [--calls 50]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

import neo4j
import requests

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from import_catalog import BENCH_SETTINGS  # noqa: E402
from registration import _free_port, _wait  # noqa: E402

from app import demo  # noqa: E402
from app.client import LocalCatalog  # noqa: E402
from app.graph import Graph, cypher  # noqa: E402
from app.localserver import LocalServer  # noqa: E402
from app.services import database, reports  # noqa: E402

SAMPLE = {
    "versions": "MATCH (c:Component) WHERE c.latest_version IS NOT NULL "
    "WITH c, rand() AS r ORDER BY r LIMIT 200 "
    "MATCH (c)-[:HAS_VERSION]->(v:ComponentVersion) "
    "WITH c, collect(v.version) AS vs "
    "RETURN c.name AS component, vs[0] AS version, vs[-1] AS other",
    "app_versions": "MATCH (a:Application) WITH a, rand() AS r ORDER BY r LIMIT 200 "
    "MATCH (av:ApplicationVersion {application: a.name}) "
    "WITH a, collect(av.version) AS vs "
    "RETURN a.name AS application, vs[0] AS version, vs[-1] AS other",
    "environments": "MATCH (e:Environment) RETURN e.name AS environment",
    "time_span": "MATCH (d:Deployment) RETURN toString(min(d.finished_at)) AS first, "
    "toString(max(d.finished_at)) AS last",
}


def cases(rng: random.Random, samples: dict) -> dict[str, list[tuple[str, dict, dict]]]:
    """Per report: (API path, query string, raw Cypher parameters) for many inputs."""
    versions, apps, envs = samples["versions"], samples["app_versions"], samples["environments"]
    span = samples["time_span"][0]
    out: dict[str, list[tuple[str, dict, dict]]] = {}
    for _ in range(200):
        v, a = rng.choice(versions), rng.choice(apps)
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
                {"pairs": [{"component": v["component"], "from": v["version"], "to": v["other"]}]},
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
            (f"/environments/{e}/inventory", {}, {"environment": e})
        )
        out.setdefault("inventory_at", []).append(
            (f"/environments/{e}/inventory", {"at": at}, {"environment": e, "at": at})
        )
        out.setdefault("where_runs", []).append(
            (
                f"/components/{v['component']}/whereabouts",
                {},
                {"component": v["component"], "version": None},
            )
        )
    return out


QUERY_OF = {
    name: f"reports/{name}"
    for name in (
        "bom_application_version",
        "bom_component_version",
        "diff_application_versions",
        "diff_component_versions",
        "diff_environments",
        "diff_deployment_plan",
        "inventory_now",
        "inventory_at",
        "where_runs",
    )
}
#: The blast radius is several queries (one per hop, then its impact) run by the service:
#: its "raw" side is that service function in-process, straight on the driver.
IN_PROCESS = {f"blast_radius_depth_{d}" for d in (1, 3, 6)}


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
    port = _free_port()
    env = {
        **os.environ,
        "MERCATOR_NEO4J_URI": BENCH_SETTINGS.neo4j_uri,
        "MERCATOR_NEO4J_PASSWORD": BENCH_SETTINGS.neo4j_password,
        "MERCATOR_QUERY_TIMEOUT": "600",
    }
    api = None
    try:
        database.init_schema(graph)
        if args.demo:
            database.reset(graph)
            demo.load(LocalCatalog(graph))
        samples = {
            key: [r.data() for r in driver.execute_query(query).records]
            for key, query in SAMPLE.items()
        }
        size = driver.execute_query("MATCH (v:ComponentVersion) RETURN count(v) AS n").records[0][
            "n"
        ]
        api = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "app.cli",
                "serve",
                "--port",
                str(port),
                "--workers",
                "2",
                "--threads",
                "4",
            ],
            env=env,
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait(f"http://127.0.0.1:{port}/readyz")
        base = f"http://127.0.0.1:{port}/api/v1"
        http = requests.Session()
        results = {}
        for name, inputs in cases(random.Random(11), samples).items():
            inputs = inputs[: args.calls]
            if name in IN_PROCESS:
                raw = [_time(lambda p=p: reports.blast_radius(graph, **p)) for _, _, p in inputs]
            else:
                query = cypher.load(QUERY_OF[name])
                raw = [
                    _time(lambda p=p, q=query: driver.execute_query(q, p, routing_="r"))
                    for _, _, p in inputs
                ]
            via_api = [_time(lambda u=u, q=q: _get(http, base + u, q)) for u, q, _ in inputs]
            results[name] = {
                "api": _summary(via_api),
                "raw": _summary(raw),
                "ratio_median": round(statistics.median(via_api) / statistics.median(raw), 2),
            }
        print(
            json.dumps(
                {"component_versions": size, "calls": args.calls, "reports": results}, indent=2
            )
        )
    finally:
        if api:
            api.terminate()
            api.wait(30)
        driver.close()
        graph.close()
        server.stop()


def _get(http: requests.Session, url: str, params: dict) -> None:
    response = http.get(url, params=params, timeout=600)
    if response.status_code != 200:
        raise RuntimeError(f"{url} {params}: {response.status_code} {response.text[:300]}")


def _time(call) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def _summary(seconds: list[float]) -> dict[str, float]:
    ordered = sorted(seconds)
    return {
        "median_ms": round(statistics.median(ordered) * 1000, 1),
        "p95_ms": round(ordered[max(0, int(len(ordered) * 0.95) - 1)] * 1000, 1),
    }


if __name__ == "__main__":
    main()
