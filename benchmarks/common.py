"""What every benchmark shares: latency summaries, the API server under test, its readiness."""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from app.config import Settings  # noqa: E402


def timed(call: Callable[[], object]) -> float:
    """Seconds one call takes."""
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def percentile(ordered: list[float], fraction: float) -> float:
    """The nearest-rank percentile of sorted values."""
    return ordered[max(0, min(len(ordered) - 1, round(fraction * len(ordered) + 0.5) - 1))]


def summary(seconds: list[float]) -> dict[str, float]:
    """p50/p95/p99 (and the count) of latencies, in milliseconds."""
    ordered = sorted(seconds)
    return {
        "calls": len(ordered),
        "p50_ms": round(statistics.median(ordered) * 1000, 1),
        "p95_ms": round(percentile(ordered, 0.95) * 1000, 1),
        "p99_ms": round(percentile(ordered, 0.99) * 1000, 1),
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_ready(url: str, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{url} never became ready")


class Api:
    """`mercator serve` (gunicorn, production settings) on a free loopback port, against the
    benchmark's Neo4j; stopped on exit."""

    def __init__(self, settings: Settings, workers: int = 2, threads: int = 4):
        self.settings = settings
        self.headers: dict[str, str] = {}
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}/api/v1"
        env = {
            **os.environ,
            "MERCATOR_NEO4J_URI": settings.neo4j_uri,
            "MERCATOR_NEO4J_USER": settings.neo4j_user,
            "MERCATOR_NEO4J_PASSWORD": settings.neo4j_password,
            "MERCATOR_QUERY_TIMEOUT": "600",
        }
        self.process = subprocess.Popen(
            [sys.executable, "-m", "app.cli", "serve", "--port", str(self.port),
             "--workers", str(workers), "--threads", str(threads)],
            env=env,
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def __enter__(self) -> Api:
        try:
            wait_ready(f"http://127.0.0.1:{self.port}/readyz")
            self.headers = {"Authorization": f"Bearer {admin_token(self.settings)}"}
        except BaseException:
            self.stop()
            raise
        return self

    def session(self) -> requests.Session:
        """An HTTP session that sends the benchmark's admin token (writes need one)."""
        http = requests.Session()
        http.headers.update(self.headers)
        return http

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(30)


def admin_token(settings: Settings) -> str:
    """A new admin token in the benchmark's Neo4j, made as `mercator token create` does."""
    from app.access import tokens
    from app.graph import Graph

    graph = Graph.from_settings(settings)
    try:
        _, token = tokens.create(
            graph, f"bench-{uuid.uuid4().hex[:8]}", ["admin"], created_by="benchmark"
        )
    finally:
        graph.close()
    return token


def log(message: str) -> None:
    """Progress on stderr: stdout is for results."""
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)
