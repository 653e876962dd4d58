"""The whole benchmark in one run: `make bench` (SIZE=small|medium|large).

1. generates a seeded catalog (`generate.py`);
2. writes it with hand-batched UNWIND statements into an empty graph (`unwind_floor.py`,
   the floor), empties the graph, and loads it through Mercator's own import;
3. attaches SBOMs until the catalog holds the size's CONTAINS edges (`sbom.py`);
4. loads the same catalog into a private PostgreSQL (`postgres.py`), checks that BOMs and
   blast radii agree on a sample of inputs — and stops with an error if they do not —
   then times both on the same inputs;
5. times every report through the API (gunicorn) and raw (`reports.py`), recording the
   peak memory of the API's processes and of Neo4j meanwhile;
6. times the hubs' consumers (the blast radius statement's traversal) against a
   breadth-first search over the same adjacency in memory, the floor (`traversal.py`);
7. times registrations from 1 and 8 clients (`registration.py`);

and writes `results/<date>-<size>.json` and `.md` with the machine, its load average over
the run (other work may share it), the versions and the sizes.

    .venv/bin/python benchmarks/run.py --size medium
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import random
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import neo4j

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

import growth  # noqa: E402
import memory  # noqa: E402
import postgres  # noqa: E402
import registration  # noqa: E402
import reports as report_bench  # noqa: E402
import sbom  # noqa: E402
import traversal  # noqa: E402
from common import Api, log, summary, timed  # noqa: E402
from generate import SIZES, generate  # noqa: E402
from import_catalog import BENCH_SETTINGS, bench_settings, import_document  # noqa: E402
from tables import render  # noqa: E402
from unwind_floor import write_floor  # noqa: E402

from app import transfer  # noqa: E402
from app.admin import database  # noqa: E402
from app.config import Settings  # noqa: E402
from app.graph import Graph, cypher  # noqa: E402
from app.graph.local_neo4j import LocalServer  # noqa: E402
from app.reports import reports  # noqa: E402

#: SBOM load per size: (CONTAINS edges to reach, packages per SBOM, packages of the one big
#: SBOM).
SBOMS = {"small": (2_000, 50, 500), "medium": (100_000, 200, 10_000),
         "large": (1_000_000, 1_000, 10_000), "xlarge": (3_000_000, 1_000, 10_000)}


#: The phases of a run, in order; each one's result is kept as it finishes.
#: The pages a blast radius compared with PostgreSQL asks for: the first 1,000 consumers
#: and the first 1,000 application versions (both sides count them all).
PAGES = {"limit": 1000, "application_limit": reports.DEFAULT_APPLICATION_LIMIT}

PHASES = ("floor", "import", "sbom", "postgres", "reports", "traversal", "registration")


class AnswersDiffer(RuntimeError):
    """Neo4j and PostgreSQL disagree: comparing their times would be meaningless."""


def main() -> None:
    args = _arguments()
    started = time.time()
    size = SIZES[args.size]
    if args.deployments is not None:
        size = dataclasses.replace(size, deployments=args.deployments)
    contains, per_sbom, big_sbom = SBOMS[args.size]
    if args.contains is not None:
        contains = args.contains
    log(f"generating the {args.size} catalog")
    document = generate(size)

    settings = bench_settings(args.bolt_port, args.http_port, args.neo4j_home)
    server = None
    if args.neo4j_uri:
        settings = Settings(
            neo4j_uri=args.neo4j_uri,
            neo4j_user=args.neo4j_user,
            neo4j_password=args.neo4j_password,
            query_timeout=600.0,
        )
    else:
        server = LocalServer(settings, echo=log)
        server.start()
    graph = Graph.from_settings(settings)
    driver = neo4j.GraphDatabase.driver(
        settings.neo4j_uri,
        auth=(settings.neo4j_user, settings.neo4j_password),
        notifications_min_severity="OFF",
    )
    neo4j_pid = _pid_of(server, settings)
    home = Path(args.postgres_home).resolve() if args.postgres_home else None
    cluster = postgres.Cluster(home, args.postgres_port)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    name = f"{datetime.now(UTC).date().isoformat()}-{args.size}"
    partial = out / f"{name}.partial.json"
    result: dict[str, Any] = {"size_name": args.size, "size": dataclasses.asdict(size)}
    if args.resume and partial.exists():
        result = json.loads(partial.read_text())
        log(f"resuming after {', '.join(k for k in result if k in PHASES)}")

    def phase(key: str, measure) -> None:
        """Run a phase unless an interrupted run already did; keep its result on disk."""
        if key in result:
            return
        result[key] = measure()
        partial.write_text(json.dumps(result, indent=2))

    try:
        with memory.Sampler({"neo4j": [neo4j_pid] if neo4j_pid else []}, interval=2) as whole:
            database.init_schema(graph)
            phase("floor", lambda: _fresh(graph) and write_floor(driver, document))
            log(f"floor: {result['floor']['seconds']} s")
            phase(
                "import",
                lambda: _fresh(graph)
                and import_document(graph, driver, document, args.batch_size),
            )
            log(f"import: {result['import']['seconds']} s")
            phase("sbom", lambda: sbom.measure(graph, driver, contains, per_sbom, big_sbom))
            samples = report_bench.sample(driver)
            phase("postgres", lambda: _postgres(cluster, graph, driver, document, samples, args))
            with Api(settings) as api:
                phase("reports", lambda: _reports(graph, driver, api, neo4j_pid, samples, args))
                phase(
                    "traversal",
                    lambda: traversal.measure(driver, samples["hubs"], calls=args.heavy_calls),
                )
                log("registrations")
                components = sorted({v["component"] for v in document["component_versions"]})
                phase(
                    "registration",
                    lambda: registration.measure(
                        api,
                        random.Random(3).sample(components, min(200, len(components))),
                        args.registrations,
                        args.registrations * 2,
                        args.clients,
                    ),
                )
        result["reports"]["memory"]["neo4j_whole_run_peak_rss_mib"] = memory.mib(
            whole.peak_rss_kb["neo4j"]
        )
        result["run"] = {
            "started": datetime.fromtimestamp(started, UTC).isoformat(timespec="seconds"),
            "seconds": round(time.time() - started),
            "load_average_1m": memory.load_summary(whole.loads),
            "resumed": args.resume,
        }
        result["machine"] = _machine()
        result["versions"] = _versions(graph, result["postgres"]["comparison"]["postgres"])
    finally:
        cluster.remove()
        driver.close()
        graph.close()
        if server:
            server.stop()
    (out / f"{name}.json").write_text(json.dumps(result, indent=2) + "\n")
    runs = growth.newest(out)  # this run's and the newest of the other sizes
    grown = growth.render(growth.exponents(runs), runs)
    (out / f"{name}.md").write_text(render(result) + "\n" + grown)
    partial.unlink(missing_ok=True)
    log(f"wrote {out / name}.json and .md")


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="medium")
    parser.add_argument("--deployments", type=int, help="override the size's deployments")
    parser.add_argument("--contains", type=int, help="CONTAINS edges to reach with SBOMs")
    parser.add_argument("--calls", type=int, default=50, help="calls per report and path")
    parser.add_argument(
        "--heavy-calls", type=int, default=5, help="calls of a hub's blast radius at depth 6"
    )
    parser.add_argument(
        "--check", type=int, default=10, help="inputs per report checked against PostgreSQL"
    )
    parser.add_argument("--registrations", type=int, default=200, help="from one client")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--batch-size", type=int, default=transfer.DEFAULT_BATCH_SIZE)
    parser.add_argument("--out", default=str(REPO / "benchmarks" / "results"))
    parser.add_argument(
        "--neo4j-uri", help="use this (emptied!) Neo4j instead of starting the benchmark's own"
    )
    parser.add_argument("--neo4j-user", default="neo4j")
    parser.add_argument(
        "--neo4j-home",
        default=str(BENCH_SETTINGS.local.home),
        help="home of the benchmark's own Neo4j (another one runs a second size alongside)",
    )
    parser.add_argument("--bolt-port", type=int, default=BENCH_SETTINGS.local.bolt_port)
    parser.add_argument("--http-port", type=int, default=BENCH_SETTINGS.local.http_port)
    parser.add_argument("--neo4j-password", default=BENCH_SETTINGS.neo4j_password)
    parser.add_argument(
        "--postgres-home",
        help="where PostgreSQL keeps its data (default: a temporary folder outside the "
        "checkout, owned by the user PostgreSQL runs as, removed afterwards)",
    )
    parser.add_argument("--postgres-port", type=int, default=17432)
    parser.add_argument(
        "--resume",
        action="store_true",
        help="continue today's interrupted run of this size (its Neo4j still holds the "
        "catalog): phases kept in <out>/<date>-<size>.partial.json are not redone",
    )
    return parser.parse_args()


def _fresh(graph: Graph) -> bool:
    log("emptying the graph")
    database.reset(graph)
    return True


# -- Neo4j against PostgreSQL --------------------------------------------------------------
def _postgres(cluster, graph, driver, document, samples, args) -> dict[str, Any]:
    log("PostgreSQL: load, check the answers, time")
    cluster.start()
    try:
        with cluster.connect() as conn:
            return {
                "load": postgres.load(conn, document, driver),
                "comparison": compare(graph, driver, conn, samples, args),
            }
    finally:
        cluster.stop()


def compare(graph: Graph, driver: neo4j.Driver, conn, samples: dict, args) -> dict[str, Any]:
    """Same answers first (on `args.check` inputs per report), then the times of both on
    the same inputs, calls interleaved so that the machine's load hits both alike."""
    rng = random.Random(17)
    versions, apps, hubs = samples["versions"], samples["app_versions"], samples["hubs"]
    inputs: dict[str, list[dict]] = {
        "bom_application_version": [
            {"application": a["application"], "version": a["version"]}
            for a in (rng.choice(apps) for _ in range(args.calls))
        ],
        "bom_component_version": [
            {"component": v["component"], "version": v["version"]}
            for v in (rng.choice(versions) for _ in range(args.calls))
        ],
    }
    for depth in (1, 3, 6):
        inputs[f"blast_radius_depth_{depth}"] = [
            {"component": v["component"], "version": v["version"], "depth": depth, **PAGES}
            for v in (rng.choice(versions) for _ in range(args.calls))
        ]
    inputs["blast_radius_hub_depth_6"] = [
        {"component": h["component"], "version": h["version"], "depth": 6, **PAGES}
        for h in (rng.choice(hubs) for _ in range(args.heavy_calls))
    ]
    sides = _sides(graph, driver, conn)
    checked = {}
    for name, cases in inputs.items():
        mercator, sql, canonical = sides[_kind(name)]
        sample = cases[: args.check]
        log(f"checking {name} on {len(sample)} inputs")
        for params in sample:
            ours = canonical[0](mercator[0](params))
            theirs = canonical[1](sql(params))
            if ours != theirs:
                raise AnswersDiffer(f"{name} {params}: " + _difference(ours, theirs))
        checked[name] = len(sample)
    timings = {}
    for name, cases in inputs.items():
        mercator, sql, _ = sides[_kind(name)]
        log(f"timing {name}: Neo4j and PostgreSQL, {len(cases)} calls each")
        neo4j_times, sql_times = [], []
        for params in cases:
            neo4j_times.append(timed(lambda p=params, call=mercator[1]: call(p)))
            sql_times.append(timed(lambda p=params, call=sql: call(p)))
        timings[name] = {
            "neo4j": summary(neo4j_times),
            "postgres": summary(sql_times),
            "answers_checked": checked[name],
        }
        timings[name]["neo4j_over_postgres_p50"] = round(
            timings[name]["neo4j"]["p50_ms"] / max(timings[name]["postgres"]["p50_ms"], 0.01), 2
        )
    return {"answers_matched": True, "reports": timings, "postgres": _pg_version(conn)}


def _kind(name: str) -> str:
    return "blast_radius" if name.startswith("blast_radius") else name


def _sides(graph: Graph, driver: neo4j.Driver, conn) -> dict[str, tuple]:
    """Per report: (Mercator's (answer, raw timed call)), the SQL call, (canonical forms))."""

    def raw(query: str):
        text = cypher.load(query)
        return lambda p: driver.execute_query(text, p, routing_="r")

    return {
        "bom_application_version": (
            (lambda p: reports.bom_application_version(graph, **p),
             raw("reports/bom_application_version")),
            lambda p: postgres.bom_application_version(conn, **p),
            (postgres.canonical_bom_application, postgres.canonical_bom_application),
        ),
        "bom_component_version": (
            (lambda p: reports.bom_component_version(graph, **p),
             raw("reports/bom_component_version")),
            lambda p: postgres.bom_component_version(conn, **p),
            (postgres.canonical_bom_component, postgres.canonical_bom_component),
        ),
        "blast_radius": (
            (lambda p: reports.blast_radius(graph, **p),
             lambda p: reports.blast_radius(graph, **p)),
            lambda p: postgres.blast_radius(conn, **p),
            (postgres.canonical_blast_radius, postgres.canonical_blast_radius),
        ),
    }


def _difference(ours: dict, theirs: dict) -> str:
    parts = []
    for key in ours:
        if ours[key] != theirs[key]:
            a, b = ours[key], theirs[key]
            if isinstance(a, set):
                parts.append(f"{key}: only Neo4j {sorted(a - b, key=str)[:3]}, "
                             f"only PostgreSQL {sorted(b - a, key=str)[:3]}")
            else:
                parts.append(f"{key}: Neo4j {str(a)[:300]} PostgreSQL {str(b)[:300]}")
    return "; ".join(parts)


def _pg_version(conn) -> str:
    return conn.execute("SHOW server_version").fetchone()[0]


# -- reports and memory ---------------------------------------------------------------------
def _reports(graph, driver, api: Api, neo4j_pid, samples, args) -> dict[str, dict]:
    """The reports through the API and raw, with the peak memory of the API's processes
    (gunicorn master and workers) and of Neo4j while they run."""
    workers = memory.children(api.process.pid)
    pids = [api.process.pid, *workers, *([neo4j_pid] if neo4j_pid else [])]
    reset = memory.reset_peak(pids)
    groups = {"api": [api.process.pid, *workers], "neo4j": [neo4j_pid] if neo4j_pid else []}
    with memory.Sampler(groups) as sampler:
        results = report_bench.measure(
            graph, driver, api.base, args.calls, samples, heavy_calls=args.heavy_calls
        )
    peaks = {
        "high_water_mark_reset_before_reports": reset,
        "api_master_peak_mib": memory.mib(memory.status_kb(api.process.pid, "VmHWM")),
        "api_workers_peak_mib": [memory.mib(memory.status_kb(w, "VmHWM")) for w in workers],
        "api_sampled_peak_rss_total_mib": memory.mib(sampler.peak_rss_kb["api"]),
        "neo4j_peak_mib": memory.mib(memory.status_kb(neo4j_pid, "VmHWM")) if neo4j_pid else None,
        "neo4j_sampled_peak_rss_mib": memory.mib(sampler.peak_rss_kb["neo4j"]),
        "load_average_1m_during_reports": memory.load_summary(sampler.loads),
    }
    return {"latency": results, "memory": peaks}


def _pid_of(server: LocalServer | None, settings: Settings) -> int | None:
    if server is None:
        return None
    pid_file = settings.local.home / "run" / "neo4j.pid"
    return int(pid_file.read_text().strip()) if pid_file.exists() else None


# -- where it ran ---------------------------------------------------------------------------
def _machine() -> dict[str, Any]:
    meminfo = Path("/proc/meminfo").read_text().split()
    cpu = next(
        (line.split(":", 1)[1].strip()
         for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")),
        platform.processor(),
    )
    return {
        "cores": os.cpu_count(),
        "cpu": cpu,
        "memory_gib": round(int(meminfo[meminfo.index("MemTotal:") + 1]) / 1024 / 1024, 1),
        "system": platform.platform(),
    }


def _versions(graph: Graph, cluster_version: str) -> dict[str, str]:
    from importlib.metadata import version

    server = database.server_version(graph)
    return {
        "mercator": version("mercator"),
        "neo4j": f"{server.get('version')} {server.get('edition', '')}".strip(),
        "neo4j_driver": neo4j.__version__,
        "postgresql": cluster_version,
        "psycopg": version("psycopg"),
        "python": platform.python_version(),
    }


if __name__ == "__main__":
    main()
