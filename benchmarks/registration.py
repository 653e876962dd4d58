"""Registration latency and throughput through the HTTP API, on loopback.

Starts its own Neo4j (`.mercator/bench-neo4j`, ports 17887/17674) and `mercator serve`
(gunicorn, 2 workers x 4 threads), seeds a catalog of applications sharing components,
then times registrations of new component versions — each of which derives new versions
of the applications holding the component — from 1 client and from 8 concurrent clients.

    .venv/bin/python benchmarks/registration.py [--single 300] [--concurrent 800]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from app.config import LocalServerSettings, Settings  # noqa: E402
from app.localserver import LocalServer  # noqa: E402

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
    port = _free_port()
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
    token = subprocess.run(
        [
            sys.executable,
            "-m",
            "app.cli",
            "token",
            "create",
            "--scope",
            "admin",
            "--expires",
            "1d",
            "--name",
            f"bench-{int(time.time())}",
        ],
        env=env,
        check=True,
        cwd=REPO,
        capture_output=True,
        text=True,
    ).stdout.strip()
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
    base = f"http://127.0.0.1:{port}/api/v1"
    try:
        _wait(f"http://127.0.0.1:{port}/readyz")
        _seed(base, token)
        single = _single_client(base, token, args.single)
        concurrent = _concurrent(base, token, args.concurrent, args.clients)
        print(json.dumps({"single_client": single, "concurrent": concurrent}, indent=2))
    finally:
        api.terminate()
        api.wait(30)
        server.stop()


def _session(token: str) -> requests.Session:
    """An HTTP session that sends the benchmark's API token (writes need one)."""
    http = requests.Session()
    http.headers["Authorization"] = f"Bearer {token}"
    return http


def _seed(base: str, token: str) -> None:
    http = _session(token)
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
            "digest": f"sha256:{component}-{version}",
            "attributes": {"bench": True},
        },
    )
    elapsed = time.perf_counter() - started
    if response.status_code != 201:
        raise RuntimeError(f"{response.status_code}: {response.text}")
    return elapsed


def _single_client(base: str, token: str, count: int) -> dict[str, float]:
    http = _session(token)
    latencies = [_register(http, base, f"svc-{i % COMPONENTS}", f"2.{i}.0") for i in range(count)]
    return _summary(latencies, sum(latencies))


def _concurrent(base: str, token: str, count: int, clients: int) -> dict[str, float]:
    def worker(client: int) -> list[float]:
        http = _session(token)
        return [
            _register(http, base, f"svc-{(client + clients * i) % COMPONENTS}", f"3.{client}.{i}")
            for i in range(count // clients)
        ]

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        latencies = [x for chunk in pool.map(worker, range(clients)) for x in chunk]
    return {**_summary(latencies, time.perf_counter() - started), "clients": clients}


def _summary(latencies: list[float], wall: float) -> dict[str, float]:
    ordered = sorted(latencies)
    return {
        "registrations": len(ordered),
        "median_ms": round(statistics.median(ordered) * 1000, 1),
        "p95_ms": round(ordered[int(len(ordered) * 0.95) - 1] * 1000, 1),
        "per_second": round(len(ordered) / wall, 1),
    }


def _wait(url: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{url} never became ready")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


if __name__ == "__main__":
    main()
