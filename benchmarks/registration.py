"""Registration latency and throughput through the HTTP API, on loopback.

Starts its own Neo4j (`.mercator/bench-neo4j`, ports 17887/17674) and `mercator serve`
(gunicorn, 2 workers x 4 threads), seeds a catalog of applications sharing components,
then times registrations of new component versions (p50/p95/p99) — each of which derives
new versions of the applications holding the component — from 1 client and from 8
concurrent clients.

    .venv/bin/python benchmarks/registration.py [--single 300] [--concurrent 800]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from common import Api, summary  # noqa: E402

from app.config import LocalServerSettings, Settings  # noqa: E402
from app.graph.local_neo4j import LocalServer  # noqa: E402

APPLICATIONS = 20
COMPONENTS = 200
COMPONENTS_PER_APP = 15


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--single", type=int, default=300, help="registrations, one client")
    parser.add_argument(
        "--concurrent", type=int, default=800, help="registrations spread over 8 clients"
    )
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args()

    settings = Settings(
        neo4j_uri="bolt://127.0.0.1:17887",
        neo4j_password="mercator-bench-password",
        local=LocalServerSettings(
            home=REPO / ".mercator" / "bench-neo4j",
            bolt_port=17887,
            http_port=17674,
            heap="2g",
            pagecache="1g",
        ),
    )
    server = LocalServer(settings, echo=lambda message: print(message, file=sys.stderr))
    server.start()
    env = {
        **os.environ,
        "MERCATOR_NEO4J_URI": settings.neo4j_uri,
        "MERCATOR_NEO4J_PASSWORD": settings.neo4j_password,
    }
    subprocess.run(
        [sys.executable, "-m", "app.cli", "db", "reset", "--yes"],
        env=env,
        check=True,
        cwd=REPO,
        capture_output=True,
    )
    try:
        with Api(settings) as api:
            _seed(api)
            components = [f"svc-{c}" for c in range(COMPONENTS)]
            print(
                json.dumps(
                    measure(api, components, args.single, args.concurrent, args.clients),
                    indent=2,
                )
            )
    finally:
        server.stop()


def measure(
    api: Api, components: list[str], single: int, concurrent: int, clients: int
) -> dict[str, dict]:
    """New versions of `components` (round robin) from one client, then from `clients`
    concurrent clients: latency p50/p95/p99 and registrations per second."""
    return {
        "single_client": _single_client(api, components, single),
        "concurrent": _concurrent(api, components, concurrent, clients),
    }


def _seed(api: Api) -> None:
    base, http = api.base, api.session()
    for c in range(COMPONENTS):
        http.post(
            f"{base}/components/svc-{c}/versions", json={"version": "1.0.0"}
        ).raise_for_status()
    for a in range(APPLICATIONS):
        members = [
            {"component": f"svc-{(a * 7 + i) % COMPONENTS}", "version": "1.0.0"}
            for i in range(COMPONENTS_PER_APP)
        ]
        http.post(
            f"{base}/applications/app-{a}/versions", json={"components": members}
        ).raise_for_status()


def _register(http: requests.Session, base: str, component: str, version: str) -> float:
    started = time.perf_counter()
    response = http.post(
        f"{base}/components/{component}/versions",
        json={
            "version": version,
            "digest": "sha256:" + hashlib.sha256(f"{component}-{version}".encode()).hexdigest(),
            "attributes": {"bench": True},
        },
    )
    elapsed = time.perf_counter() - started
    if response.status_code != 201:
        raise RuntimeError(f"{response.status_code}: {response.text}")
    return elapsed


def _single_client(api: Api, components: list[str], count: int) -> dict[str, float]:
    base, http = api.base, api.session()
    started = time.perf_counter()
    latencies = [
        _register(http, base, components[i % len(components)], f"902.{i}.0")
        for i in range(count)
    ]
    return _summary(latencies, time.perf_counter() - started)


def _concurrent(api: Api, components: list[str], count: int, clients: int) -> dict[str, float]:
    base = api.base

    def worker(client: int) -> list[float]:
        http = api.session()
        return [
            _register(
                http, base, components[(client + clients * i) % len(components)],
                f"903.{client}.{i}",
            )
            for i in range(count // clients)
        ]

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        latencies = [x for chunk in pool.map(worker, range(clients)) for x in chunk]
    return {**_summary(latencies, time.perf_counter() - started), "clients": clients}


def _summary(latencies: list[float], wall: float) -> dict[str, float]:
    return {**summary(latencies), "per_second": round(len(latencies) / wall, 1)}


if __name__ == "__main__":
    main()
