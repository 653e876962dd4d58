"""Import and export rate of a generated catalog, through Mercator's own import.

Starts its own Neo4j (`.mercator/bench-neo4j`, ports 17887/17674), empties it, generates a
catalog (`generate.py`, default 100,000 component versions), imports it and reports the
records per second of each kind, then exports it again.

    .venv/bin/python benchmarks/import_catalog.py [--size large] [--deployments 20000]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from pathlib import Path

import neo4j

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from generate import SIZES, generate  # noqa: E402
from unwind_floor import count_relationships  # noqa: E402

from app import transfer  # noqa: E402
from app.admin import database  # noqa: E402
from app.config import LocalServerSettings, Settings  # noqa: E402
from app.graph import Graph  # noqa: E402
from app.graph.local_neo4j import LocalServer  # noqa: E402

BENCH_SETTINGS = Settings(
    neo4j_uri="bolt://127.0.0.1:17887",
    neo4j_password="mercator-bench-password",
    query_timeout=600.0,
    local=LocalServerSettings(
        home=REPO / ".mercator" / "bench-neo4j",
        bolt_port=17887,
        http_port=17674,
        heap="4g",
        pagecache="4g",
    ),
)


def bench_settings(bolt_port: int, http_port: int, home: str | Path, **local: str) -> Settings:
    """BENCH_SETTINGS for a Neo4j of a benchmark's own: its ports and home, and any other
    local server settings (`heap`, `pagecache`, ...) changed."""
    return dataclasses.replace(
        BENCH_SETTINGS,
        neo4j_uri=f"bolt://127.0.0.1:{bolt_port}",
        local=dataclasses.replace(
            BENCH_SETTINGS.local,
            home=Path(home).resolve(),
            bolt_port=bolt_port,
            http_port=http_port,
            **local,
        ),
    )


def import_document(graph: Graph, driver: neo4j.Driver, document: dict, batch_size: int) -> dict:
    """Mercator's import of `document` into the (empty) graph: seconds and records/s per
    kind, component versions/s and relationships (edges)/s overall, then the export."""
    phases: dict[str, list[float]] = {}

    def progress(kind: str, done: int, total: int) -> None:
        phases.setdefault(kind, [time.perf_counter(), 0.0, total])[1] = time.perf_counter()

    started = time.perf_counter()
    transfer.import_catalog(graph, document, batch_size=batch_size, progress=progress)
    imported = time.perf_counter() - started
    relationships = count_relationships(driver)
    started = time.perf_counter()
    exported = transfer.export_catalog(graph)
    export_seconds = time.perf_counter() - started
    counts_match = all(
        len(exported[kind]) == len(document[kind])
        for kind in document
        if isinstance(document[kind], list)
    )
    return {
        "seconds": round(imported, 1),
        "batch": batch_size,
        "relationships": relationships,
        "component_versions_per_second": round(len(document["component_versions"]) / imported),
        "edges_per_second": round(relationships / imported),
        "per_kind": {
            kind: {
                "records": int(total),
                "seconds": round(end - begin, 2),
                "per_second": round(total / max(end - begin, 1e-9)),
            }
            for kind, (begin, end, total) in phases.items()
            if total
        },
        "export_seconds": round(export_seconds, 1),
        "export_holds_every_record": counts_match,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="large")
    parser.add_argument(
        "--deployments",
        type=int,
        default=20_000,
        help="deployments to generate (the large size has 300,000)",
    )
    parser.add_argument("--batch-size", type=int, default=transfer.DEFAULT_BATCH_SIZE)
    args = parser.parse_args()

    size = SIZES[args.size]
    if args.deployments is not None:
        size = dataclasses.replace(size, deployments=args.deployments)
    started = time.perf_counter()
    document = generate(size)
    generated = time.perf_counter() - started

    server = LocalServer(BENCH_SETTINGS, echo=lambda message: print(message, file=sys.stderr))
    server.start()
    graph = Graph.from_settings(BENCH_SETTINGS)
    driver = neo4j.GraphDatabase.driver(
        BENCH_SETTINGS.neo4j_uri, auth=(BENCH_SETTINGS.neo4j_user, BENCH_SETTINGS.neo4j_password)
    )
    try:
        database.init_schema(graph)
        database.reset(graph)
        result = import_document(graph, driver, document, args.batch_size)
        print(
            json.dumps(
                {"size": dataclasses.asdict(size), "generate_seconds": round(generated, 1),
                 **result},
                indent=2,
            )
        )
    finally:
        driver.close()
        graph.close()
        server.stop()


if __name__ == "__main__":
    main()
