"""SBOM attach time, and the package blast radius on a catalog with many CONTAINS edges.

Uses the benchmark Neo4j (`.mercator/bench-neo4j`) and the catalog it holds (load one
with `import_catalog.py`). Attaches one 10,000-package CycloneDX SBOM, then SBOMs of
`--packages-per-version` packages (drawn with a skew from a pool of 50,000) to
`--versions` component versions until the catalog holds about `--contains` CONTAINS
edges, and times `package blast radius` by purl and by name and range.

    .venv/bin/python benchmarks/sbom.py [--contains 1000000]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path

import neo4j

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from import_catalog import BENCH_SETTINGS  # noqa: E402

from app.graph import Graph  # noqa: E402
from app.localserver import LocalServer  # noqa: E402
from app.services import packages  # noqa: E402

POOL = 50_000


def purl(n: int) -> str:
    return f"pkg:maven/org.example.lib{n % 500}/artifact-{n}@{1 + n % 7}.{n % 13}.{n % 5}"


def document(chosen: list[int]) -> bytes:
    components = [
        {
            "type": "library",
            "bom-ref": purl(n),
            "purl": purl(n),
            "name": f"artifact-{n}",
            "version": purl(n).rsplit("@", 1)[1],
            "scope": "required",
        }
        for n in chosen
    ]
    dependencies = [
        {"ref": purl(a), "dependsOn": [purl(b)]}
        for a, b in zip(chosen, chosen[1:], strict=False)
        if a % 3 == 0
    ]
    return json.dumps(
        {
            "bomFormat": "CycloneDX",
            "specVersion": "1.6",
            "version": 1,
            "components": components,
            "dependencies": dependencies,
        }
    ).encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contains", type=int, default=1_000_000)
    parser.add_argument("--packages-per-version", type=int, default=200)
    args = parser.parse_args()
    rng = random.Random(5)
    server = LocalServer(BENCH_SETTINGS, echo=lambda message: print(message, file=sys.stderr))
    server.start()
    graph = Graph.from_settings(BENCH_SETTINGS)
    try:
        targets = _sample(
            "MATCH (v:ComponentVersion) WHERE v.sbom_digest IS NULL "
            "RETURN v.component AS c, v.version AS v LIMIT $n",
            n=args.contains // args.packages_per_version + 1,
        )
        big = document(rng.sample(range(POOL), 10_000))
        started = time.perf_counter()
        packages.attach(
            graph,
            targets[0]["c"],
            targets[0]["v"],
            big,
            "application/vnd.cyclonedx+json",
            replace=True,
        )
        attach_10k = time.perf_counter() - started
        weights = [1 / (1 + i) ** 0.8 for i in range(POOL)]
        started = time.perf_counter()
        for target in targets[1:]:
            chosen = sorted(set(rng.choices(range(POOL), weights, k=args.packages_per_version)))
            packages.attach(
                graph,
                target["c"],
                target["v"],
                document(chosen),
                "application/vnd.cyclonedx+json",
                replace=True,
            )
        bulk = time.perf_counter() - started
        contains = _sample("MATCH ()-[c:CONTAINS]->() RETURN count(c) AS n")[0]["n"]
        by_purl = [
            _time(lambda n=n: packages.blast_radius(graph, purl=purl(n)))
            for n in rng.sample(range(200), 20)
        ]
        by_name = [
            _time(
                lambda n=n: packages.blast_radius(graph, name=f"artifact-{n}", version_range="<5")
            )
            for n in rng.sample(range(200), 20)
        ]
        print(
            json.dumps(
                {
                    "attach_10k_packages_seconds": round(attach_10k, 2),
                    "bulk_attaches": len(targets) - 1,
                    "bulk_seconds": round(bulk, 1),
                    "contains_edges": contains,
                    "package_blast_radius_by_purl_ms": _summary(by_purl),
                    "package_blast_radius_by_name_range_ms": _summary(by_name),
                },
                indent=2,
            )
        )
    finally:
        graph.close()
        server.stop()


def _sample(query: str, **params) -> list[dict]:
    """Ad-hoc Cypher of the benchmark itself, straight through the driver."""
    with neo4j.GraphDatabase.driver(
        BENCH_SETTINGS.neo4j_uri,
        auth=(BENCH_SETTINGS.neo4j_user, BENCH_SETTINGS.neo4j_password),
    ) as driver:
        return [record.data() for record in driver.execute_query(query, params).records]


def _time(call) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def _summary(seconds: list[float]) -> dict[str, float]:
    ordered = sorted(seconds)
    return {
        "median": round(statistics.median(ordered) * 1000, 1),
        "p95": round(ordered[max(0, int(len(ordered) * 0.95) - 1)] * 1000, 1),
    }


if __name__ == "__main__":
    main()
