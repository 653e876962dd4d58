"""Vulnerability import, matching and exposure on the large catalog.

Starts its own Neo4j (`--neo4j-home`, `--bolt-port`/`--http-port`), empties it, imports a
generated catalog (`generate.py`, `--size large`: 100,000 component versions) through
Mercator's import, and attaches SBOMs through Mercator's attach until about `--contains`
CONTAINS edges (default 1M): `--packages-per-version` packages each, drawn with a skew
from a pool of 10,000 Maven names with 5 versions each, to the component versions that
run somewhere first (CI attaches SBOMs to what it ships), then to others. Then it measures:

1. attaching a 10,000-package SBOM of packages the graph has not seen, before any record;
2. importing `--records` generated OSV records (one to three introduced/fixed pairs, some
   `last_affected`, some explicit versions, as Maven and PyPI records are shaped; three
   in ten about names the SBOMs use, the others about names nothing here contains) in
   batches of 1,000 through `vulnerabilities.import_records`, matching included;
3. matching all those records again against every package (`matching.match_records`,
   10,000 records per transaction; the edges exist, so this is the matching alone);
4. the same 10,000-package attach with every package's name known to the records: what
   matching adds to it;
5. exposure now (`vulnerabilities.exposure`, the 1,000 worst rows) for the environment
   whose running versions contain the most packages, `--runs` times; with `--profile`,
   once more under Cypher's PROFILE: database hits and memory, overall and for the
   operators that read or hold the most (where the time and memory go).

Each figure is written to `--out` as soon as it is measured (a run cut short keeps what
it has), with the 1-minute load average over the run.

    .venv/bin/python benchmarks/vulns.py --out benchmarks/results/2026-12-01-vulns-large.json
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import random
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import neo4j

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from common import percentile  # noqa: E402
from generate import SIZES, generate  # noqa: E402
from import_catalog import bench_settings  # noqa: E402
from memory import Sampler, load_summary  # noqa: E402

from app import transfer  # noqa: E402
from app.admin import database  # noqa: E402
from app.cli.catalogs import LocalCatalog  # noqa: E402
from app.graph import Graph, cypher  # noqa: E402
from app.graph.local_neo4j import LocalServer  # noqa: E402
from app.sbom import packages  # noqa: E402
from app.vulns import matching, vulnerabilities  # noqa: E402

NAMES = 10_000
VERSIONS = 5
POOL = NAMES * VERSIONS
#: Records about names no SBOM here contains go to names NAMES .. NAMES * UNUSED.
UNUSED = 4
IMPORT_BATCH = 1_000
MATCH_BATCH = 10_000
BIG = 10_000


def name(i: int) -> str:
    """OSV name of package name i."""
    return f"org.example.lib{i % 500}:artifact-{i}"


def version(i: int, j: int) -> str:
    return f"{j + 1}.{(i * 7 + j) % 13}.{(i + j) % 5}"


def purl(n: int, suffix: str = "") -> str:
    """Pool package n: name n % NAMES at its version n // NAMES (`suffix`: a version the
    graph has not seen)."""
    i, j = n % NAMES, n // NAMES
    group, artifact = name(i).split(":")
    return f"pkg:maven/{group}/{artifact}@{version(i, j)}{suffix}"


def sbom(purls: list[str]) -> bytes:
    return json.dumps(
        {
            "bomFormat": "CycloneDX",
            "specVersion": "1.6",
            "components": [
                {"type": "library", "name": p.split("/")[-1].split("@")[0], "purl": p}
                for p in purls
            ],
        }
    ).encode()


VECTORS = (
    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
    "CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:L/A:N",
    "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N",
)


def record(i: int, rng: random.Random) -> dict:
    if rng.random() < 0.3:
        target = int(rng.paretovariate(1.2) * 7) % NAMES  # popular names get many records
    else:
        target = rng.randrange(NAMES, NAMES * UNUSED)
    events = []
    for major in sorted(rng.sample(range(1, 7), rng.randint(1, 3))):
        events.append({"introduced": f"{major}.0.0" if events or rng.random() < 0.5 else "0"})
        if rng.random() < 0.15:
            events.append({"last_affected": f"{major}.{rng.randint(0, 12)}.4"})
        else:
            events.append({"fixed": f"{major}.{rng.randint(1, 12)}.{rng.randint(0, 4)}"})
    affected = {
        "package": {"ecosystem": "Maven", "name": name(target)},
        "ranges": [{"type": "ECOSYSTEM", "events": events}],
    }
    if rng.random() < 0.3:
        affected["versions"] = [f"1.{m}.{p}" for m in range(3) for p in range(5)]
    return {
        "id": f"GHSA-bench-{i:06d}",
        "modified": "2026-01-01T00:00:00Z",
        "published": "2025-06-01T00:00:00Z",
        "aliases": [f"CVE-2025-{i:06d}"],
        "summary": f"generated record {i}",
        "severity": [{"type": "CVSS_V3", "score": rng.choice(VECTORS)}],
        "affected": [affected],
    }


def rows(driver: neo4j.Driver, query: str, **params) -> list[dict]:
    """Ad-hoc Cypher of the benchmark itself (setup and counts), through the driver."""
    return [r.data() for r in driver.execute_query(query, params).records]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="large")
    parser.add_argument("--deployments", type=int, default=20_000)
    parser.add_argument("--contains", type=int, default=1_000_000)
    parser.add_argument("--packages-per-version", type=int, default=200)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--bolt-port", type=int, default=17791)
    parser.add_argument("--http-port", type=int, default=17792)
    parser.add_argument("--neo4j-home", default=str(REPO / ".mercator" / "bench-vulns-large"))
    parser.add_argument("--heap", default="4g")
    parser.add_argument("--pagecache", default="2g")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep the catalog (and any SBOMs) the Neo4j home holds from a run cut short",
    )
    parser.add_argument(
        "--exposure-only",
        action="store_true",
        help="only time exposure now on the graph the Neo4j home holds",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="after timing exposure now, run it once under PROFILE and keep its figures",
    )
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    settings = bench_settings(
        args.bolt_port,
        args.http_port,
        args.neo4j_home,
        heap=args.heap,
        pagecache=args.pagecache,
        transaction_timeout="900s",
    )
    out = Path(args.out)
    size = dataclasses.replace(SIZES[args.size], deployments=args.deployments)
    result: dict = {
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "size": args.size,
        "catalog": dataclasses.asdict(size),
        "cores": os.cpu_count(),
        "neo4j": {"heap": args.heap, "pagecache": args.pagecache},
    }

    def log(message: str) -> None:
        print(f"{datetime.now(UTC):%H:%M:%S} {message}", file=sys.stderr, flush=True)

    server = LocalServer(settings, echo=log)
    server.start()
    graph = Graph.from_settings(settings)
    driver = neo4j.GraphDatabase.driver(
        settings.neo4j_uri,
        auth=(settings.neo4j_user, settings.neo4j_password),
        notifications_min_severity="OFF",
    )
    sampler = Sampler({}, interval=1)

    def keep(key: str, value) -> None:
        result[key] = value
        result["load_average_1m"] = load_summary(sampler.loads)
        result["seconds"] = round(time.time() - begun)
        out.write_text(json.dumps(result, indent=2) + "\n")
        log(f"{key}: {json.dumps(value)}")

    begun = time.time()
    try:
        with sampler:
            if args.exposure_only:
                exposure_now(graph, driver, args.runs, args.profile, keep, log)
            else:
                measure(graph, driver, args, size, keep, log)
    finally:
        driver.close()
        graph.close()
        server.stop()


def measure(graph: Graph, driver: neo4j.Driver, args, size, keep, log) -> None:
    rng = random.Random(7)
    if not args.reuse:
        database.init_schema(graph)
        database.reset(graph)
        log("generating and importing the catalog")
        document = generate(size)
        started = time.perf_counter()
        transfer.import_catalog(graph, document)
        keep("catalog_import_seconds", round(time.perf_counter() - started, 1))
        del document

    versions = rows(
        driver,
        "MATCH (v:ComponentVersion) WHERE v.sbom_digest IS NULL "
        "RETURN v.component AS c, v.version AS v, "
        "EXISTS { (:Environment)-[:RUNS]->(v) } AS running",
    )
    rng.shuffle(versions)
    versions.sort(key=lambda v: not v["running"])  # stable: running ones first, shuffled
    weights = [1 / (1 + n) ** 0.8 for n in range(POOL)]
    log("attaching SBOMs")
    started, attached = time.perf_counter(), 0
    edges = rows(driver, "MATCH ()-[c:CONTAINS]->() RETURN count(c) AS n")[0]["n"]
    for target in versions:
        if edges >= args.contains:
            break
        chosen = sorted(set(rng.choices(range(POOL), weights, k=args.packages_per_version)))
        packages.attach(graph, target["c"], target["v"], sbom([purl(n) for n in chosen]))
        edges, attached = edges + len(chosen), attached + 1
    counts = rows(
        driver,
        "MATCH (v:ComponentVersion) WITH count(v) AS versions "
        "MATCH ()-[c:CONTAINS]->() WITH versions, count(c) AS contains "
        "MATCH (p:Package) RETURN versions, contains, count(p) AS packages",
    )[0]
    keep(
        "sboms",
        {
            "attached": attached,
            "packages_per_sbom": args.packages_per_version,
            "seconds": round(time.perf_counter() - started, 1),
            "component_versions": counts["versions"],
            "contains_edges": counts["contains"],
            "packages": counts["packages"],
        },
    )

    catalog = LocalCatalog(graph)
    catalog.register("bench-big", {"version": "1.0.0", "kind": "service", "owner": "team-0"})
    catalog.register("bench-big", {"version": "1.0.1", "kind": "service", "owner": "team-0"})
    big = rng.sample(range(POOL), BIG)
    started = time.perf_counter()
    packages.attach(graph, "bench-big", "1.0.0", sbom([purl(n, "-a") for n in big]))
    attach_before = time.perf_counter() - started
    keep("attach_10k_before_records_s", round(attach_before, 2))

    records = [record(i, rng) for i in range(args.records)]
    log(f"importing {len(records)} records")
    started, affects = time.perf_counter(), 0
    for start in range(0, len(records), IMPORT_BATCH):
        affects += vulnerabilities.import_records(graph, records[start : start + IMPORT_BATCH])[
            "affects"
        ]
    imported = time.perf_counter() - started
    keep(
        "import",
        {
            "records": len(records),
            "seconds": round(imported, 1),
            "records_per_s": round(len(records) / imported),
            "affects_edges": affects,
        },
    )

    log("matching every record again against every package")
    checked = [
        r
        for start in range(0, len(records), IMPORT_BATCH)
        for r in vulnerabilities.check(records[start : start + IMPORT_BATCH])
    ]
    started, matched = time.perf_counter(), 0
    for start in range(0, len(checked), MATCH_BATCH):
        part = checked[start : start + MATCH_BATCH]
        matched += graph.write_tx(lambda tx, part=part: matching.match_records(tx, part))
    keep(
        "match_all",
        {
            "records": len(checked),
            "packages": counts["packages"] + BIG,
            "seconds": round(time.perf_counter() - started, 1),
            "affects_edges": matched,
        },
    )

    started = time.perf_counter()
    packages.attach(graph, "bench-big", "1.0.1", sbom([purl(n, "-b") for n in big]))
    attach_after = time.perf_counter() - started
    matched_big = rows(
        driver,
        "MATCH (:ComponentVersion {component: 'bench-big', version: '1.0.1'})-[:CONTAINS]->(p) "
        "RETURN count { (p)<-[:AFFECTS]-() } AS n",
    )
    keep(
        "attach_10k",
        {
            "before_records_s": round(attach_before, 2),
            "with_records_s": round(attach_after, 2),
            "matching_adds_s": round(attach_after - attach_before, 2),
            "affects_edges_of_new_packages": sum(r["n"] for r in matched_big),
        },
    )

    exposure_now(graph, driver, args.runs, args.profile, keep, log)


def exposure_now(graph: Graph, driver: neo4j.Driver, runs: int, profile: bool, keep, log) -> None:
    """Exposure now in the environment whose running versions contain the most packages."""
    busiest = rows(
        driver,
        "MATCH (e:Environment)-[:RUNS]->(v:ComponentVersion) "
        "WITH e, count(v) AS running, sum(COUNT { (v)-[:CONTAINS]->() }) AS contains "
        "RETURN e.name AS environment, running, contains ORDER BY contains DESC LIMIT 1",
    )[0]
    log(f"exposure now in {busiest['environment']}, {runs} runs")
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        report = vulnerabilities.exposure(graph, busiest["environment"])
        seconds.append(time.perf_counter() - started)
    seconds.sort()
    keep(
        "exposure_now",
        {
            **busiest,
            "rows": report["exposure_count"],
            "listed": len(report["exposures"]),
            "runs": len(seconds),
            "median_ms": round(statistics.median(seconds) * 1000, 1),
            "p95_ms": round(percentile(seconds, 0.95) * 1000, 1),
            "max_ms": round(seconds[-1] * 1000, 1),
        },
    )
    if profile:
        keep("exposure_now_profile", profiled(driver, busiest["environment"]))


def profiled(driver: neo4j.Driver, environment: str, top: int = 8) -> dict:
    """Exposure now under PROFILE: its database hits and memory (the plan's own sums),
    and the `top` operators by database hits and by memory, each with what it does."""
    summary = driver.execute_query(
        "PROFILE " + cypher.load("vulns/exposure_now"),
        {"environment": environment, "team": None, "all": False, "limit": 1000},
        routing_="r",
    ).summary
    operators = []

    def walk(plan: dict) -> None:
        arguments = plan.get("args", {})
        operators.append(
            {
                "operator": plan["operatorType"],
                "details": str(arguments.get("Details", ""))[:160],
                "db_hits": plan.get("dbHits", 0),
                "rows": plan.get("rows", 0),
                "memory_bytes": arguments.get("Memory", 0),
            }
        )
        for child in plan.get("children", []):
            walk(child)

    walk(summary.profile)
    root = summary.profile.get("args", {})
    return {
        "environment": environment,
        "db_hits": sum(o["db_hits"] for o in operators),
        "page_cache_hits": summary.profile.get("pageCacheHits"),
        "page_cache_misses": summary.profile.get("pageCacheMisses"),
        "memory_bytes": root.get("GlobalMemory"),
        "by_db_hits": sorted(operators, key=lambda o: -o["db_hits"])[:top],
        "by_memory": sorted(operators, key=lambda o: -o["memory_bytes"])[:top],
    }


if __name__ == "__main__":
    main()
