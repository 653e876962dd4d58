"""Vulnerability import, matching and exposure on a generated catalog.

Builds `--versions` component versions of one service, each with an SBOM of
`--packages-per-version` Maven packages drawn with a skew from a pool of `--pool`, deploys
them all to one environment, then imports `--records` generated OSV records (one to three
introduced/fixed pairs, some `last_affected`, some explicit versions, as real Maven and
PyPI records are shaped) about packages of the pool, and reports: the import rate
(matching included), the median and p95 of exposure-now for the environment, and what
matching adds to attaching a 10,000-package SBOM (with the records present, against the
same attach before any record existed). It empties the graph it is given.

    .venv/bin/python benchmarks/vulns.py --uri bolt://127.0.0.1:7687 --password ...
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from app.admin import database  # noqa: E402
from app.cli.catalogs import LocalCatalog  # noqa: E402
from app.config import Settings  # noqa: E402
from app.graph import Graph  # noqa: E402
from app.vulns import vulnerabilities  # noqa: E402


def package(n: int) -> tuple[str, str]:
    """(OSV name, version) of pool package n."""
    return f"org.example.lib{n % 500}:artifact-{n}", f"{1 + n % 4}.{n % 13}.{n % 5}"


def purl(n: int) -> str:
    name, version = package(n)
    group, artifact = name.split(":")
    return f"pkg:maven/{group}/{artifact}@{version}"


def sbom(chosen: list[int]) -> bytes:
    return json.dumps(
        {
            "bomFormat": "CycloneDX",
            "specVersion": "1.6",
            "components": [
                {"type": "library", "name": f"artifact-{n}", "purl": purl(n)} for n in chosen
            ],
        }
    ).encode()


def record(i: int, pool: int, rng: random.Random) -> dict:
    name, _ = package(int(rng.paretovariate(1.2) * 7) % pool)
    events = []
    for major in sorted(rng.sample(range(1, 6), rng.randint(1, 3))):
        events.append({"introduced": f"{major}.0.0" if events or rng.random() < 0.5 else "0"})
        if rng.random() < 0.15:
            events.append({"last_affected": f"{major}.{rng.randint(0, 12)}.4"})
        else:
            events.append({"fixed": f"{major}.{rng.randint(1, 12)}.{rng.randint(0, 4)}"})
    affected = {
        "package": {"ecosystem": "Maven", "name": name},
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
        "severity": [
            {
                "type": "CVSS_V3",
                "score": rng.choice(
                    [
                        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
                        "CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:L/A:N",
                        "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N",
                    ]
                ),
            }
        ],
        "affected": [affected],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uri", required=True)
    parser.add_argument("--user", default="neo4j")
    parser.add_argument("--password", required=True)
    parser.add_argument("--versions", type=int, default=50)
    parser.add_argument("--packages-per-version", type=int, default=2_000)
    parser.add_argument("--pool", type=int, default=20_000)
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    graph = Graph.from_settings(
        Settings(neo4j_uri=args.uri, neo4j_user=args.user, neo4j_password=args.password)
    )
    database.init_schema(graph)
    database.reset(graph)
    catalog = LocalCatalog(graph)
    rng = random.Random(7)
    catalog.put_team("bench", {"pager": "bench-oncall"})
    catalog.put_environment("prod", {"stage": "prod"})
    weights = [1 / (1 + n) ** 0.6 for n in range(args.pool)]
    for v in range(args.versions):
        component = f"svc-{v}"
        catalog.register(component, {"version": "1.0.0", "kind": "service", "owner": "bench"})
        chosen = sorted(set(rng.choices(range(args.pool), weights, k=args.packages_per_version)))
        catalog.attach_sbom(component, "1.0.0", sbom(chosen), None, False)
        catalog.record_deployment(
            {
                "environment": "prod",
                "status": "succeeded",
                "components": [{"component": component, "version": "1.0.0"}],
                "started_at": "2026-10-01T00:00:00Z",
                "finished_at": "2026-10-01T00:01:00Z",
            }
        )
    big = list(range(args.pool // 2, args.pool // 2 + 10_000))
    catalog.register("big", {"version": "1.0.0", "kind": "service", "owner": "bench"})
    started = time.perf_counter()
    catalog.attach_sbom("big", "1.0.0", sbom(big), None, False)
    attach_before = time.perf_counter() - started

    records = [record(i, args.pool, rng) for i in range(args.records)]
    started = time.perf_counter()
    edges = 0
    for start in range(0, len(records), 1_000):
        edges += vulnerabilities.import_records(graph, records[start : start + 1_000])["affects"]
    imported = time.perf_counter() - started
    print(f"imported {args.records} records in {imported:.1f} s, {edges} AFFECTS", file=sys.stderr)

    catalog.register("big", {"version": "1.0.1", "kind": "service", "owner": "bench"})
    fresh = list(range(args.pool, args.pool + 10_000))  # packages the graph has not seen
    fresh_names = [n % args.pool for n in fresh]  # ...with names the records know
    document = json.loads(sbom(fresh))
    for component, n in zip(document["components"], fresh_names, strict=True):
        name, version = package(n)
        group, artifact = name.split(":")
        component["purl"] = f"pkg:maven/{group}/{artifact}@{version}-x{component['purl'][-3:]}"
    started = time.perf_counter()
    catalog.attach_sbom("big", "1.0.1", json.dumps(document).encode(), None, False)
    attach_after = time.perf_counter() - started

    times = []
    for _ in range(args.runs):
        started = time.perf_counter()
        rows = vulnerabilities.exposure(graph, "prod")["exposures"]
        times.append(time.perf_counter() - started)
    times.sort()
    print(
        json.dumps(
            {
                "records": args.records,
                "contains_edges": args.versions * args.packages_per_version,
                "affects_edges": edges,
                "import_records_per_s": round(args.records / imported),
                "import_seconds": round(imported, 2),
                "exposure_rows": len(rows),
                "exposure_median_ms": round(statistics.median(times) * 1000, 1),
                "exposure_p95_ms": round(times[int(len(times) * 0.95) - 1] * 1000, 1),
                "attach_10k_without_records_s": round(attach_before, 2),
                "attach_10k_with_records_s": round(attach_after, 2),
            },
            indent=2,
        )
    )
    graph.close()


if __name__ == "__main__":
    main()
