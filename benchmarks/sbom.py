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
import sys
import time
from pathlib import Path

import neo4j

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from common import summary, timed  # noqa: E402
from import_catalog import BENCH_SETTINGS  # noqa: E402

from app.graph import Graph  # noqa: E402
from app.graph.local_neo4j import LocalServer  # noqa: E402
from app.sbom import packages  # noqa: E402

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
    server = LocalServer(BENCH_SETTINGS, echo=lambda message: print(message, file=sys.stderr))
    server.start()
    graph = Graph.from_settings(BENCH_SETTINGS)
    driver = neo4j.GraphDatabase.driver(
        BENCH_SETTINGS.neo4j_uri, auth=(BENCH_SETTINGS.neo4j_user, BENCH_SETTINGS.neo4j_password)
    )
    try:
        print(
            json.dumps(measure(graph, driver, args.contains, args.packages_per_version), indent=2)
        )
    finally:
        driver.close()
        graph.close()
        server.stop()


def measure(
    graph: Graph, driver: neo4j.Driver, contains: int, per_version: int, big: int = 10_000
) -> dict:
    """Attach one `big`-package SBOM, then SBOMs until about `contains` CONTAINS edges;
    time the package blast radius by purl and by name and range (a generated package's
    name is the last path segment of its purl)."""
    rng = random.Random(5)
    targets = _sample(
        driver,
        "MATCH (v:ComponentVersion) WHERE v.sbom_digest IS NULL "
        "WITH v ORDER BY v.created_at LIMIT $n RETURN v.component AS c, v.version AS v",
        # Skewed draws repeat packages, so an SBOM holds fewer than `per_version`: take
        # more versions than needed and stop at `contains` edges.
        n=2 * (contains // per_version) + 1,
    )
    started = time.perf_counter()
    packages.attach(
        graph,
        targets[0]["c"],
        targets[0]["v"],
        document(rng.sample(range(POOL), big)),
        "application/vnd.cyclonedx+json",
        replace=True,
    )
    attach_big = time.perf_counter() - started
    weights = [1 / (1 + i) ** 0.8 for i in range(POOL)]
    started = time.perf_counter()
    attached, edges = 0, big
    for target in targets[1:]:
        if edges >= contains:
            break
        chosen = sorted(set(rng.choices(range(POOL), weights, k=per_version)))
        attached, edges = attached + 1, edges + len(chosen)
        packages.attach(
            graph,
            target["c"],
            target["v"],
            document(chosen),
            "application/vnd.cyclonedx+json",
            replace=True,
        )
    bulk = time.perf_counter() - started
    edges = _sample(driver, "MATCH ()-[c:CONTAINS]->() RETURN count(c) AS n")[0]["n"]
    held = _sample(
        driver, "MATCH (p:Package) WITH p ORDER BY p.purl LIMIT 2000 RETURN p.purl AS purl"
    )
    chosen = [h["purl"] for h in rng.sample(held, min(20, len(held)))]
    by_purl = [timed(lambda p=p: packages.blast_radius(graph, purl=p)) for p in chosen]
    by_name = [
        timed(
            lambda p=p: packages.blast_radius(
                graph, name=p.split("/")[-1].split("@")[0], version_range="<5"
            )
        )
        for p in chosen
    ]
    return {
        "attach_big_packages": big,
        "attach_big_seconds": round(attach_big, 2),
        "bulk_attaches": attached,
        "bulk_packages_per_version": per_version,
        "bulk_seconds": round(bulk, 1),
        "contains_edges": edges,
        "contains_edges_per_second": round(edges / max(bulk + attach_big, 1e-9)),
        "package_blast_radius_by_purl": summary(by_purl),
        "package_blast_radius_by_name_range": summary(by_name),
    }


def _sample(driver: neo4j.Driver, query: str, **params) -> list[dict]:
    """Ad-hoc Cypher of the benchmark itself, straight through the driver."""
    return [record.data() for record in driver.execute_query(query, params).records]


if __name__ == "__main__":
    main()
