"""The API as production runs it: `mercator serve` (gunicorn) in its own process, on
loopback, for tests that need a real server between the client and Neo4j (faults, load)."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import requests

from app.config import Settings
from tests.headers import api_headers

REPO = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def served(
    settings: Settings,
    *,
    workers: int = 2,
    threads: int = 4,
    retry_time: float = 10.0,
    max_body_bytes: int | None = None,
) -> Iterator[str]:
    """Run `mercator serve` against `settings`' Neo4j; yields the base URL (no /api/v1).
    `retry_time` is how long the server retries a transient Neo4j failure before a 503;
    `max_body_bytes`, when given, is its MERCATOR_MAX_BODY_BYTES."""
    port = free_port()
    env = {
        **os.environ,
        "MERCATOR_NEO4J_URI": settings.neo4j_uri,
        "MERCATOR_NEO4J_USER": settings.neo4j_user,
        "MERCATOR_NEO4J_PASSWORD": settings.neo4j_password,
        "MERCATOR_NEO4J_DATABASE": settings.neo4j_database,
        "MERCATOR_RETRY_TIME": str(retry_time),
        "MERCATOR_CONNECT_TIMEOUT": "2",
    }
    if max_body_bytes is not None:
        env["MERCATOR_MAX_BODY_BYTES"] = str(max_body_bytes)
    command = [sys.executable, "-m", "app.cli", "serve", "--port", str(port)]
    command += ["--workers", str(workers), "--threads", str(threads)]
    # The server's log goes to a file: a pipe nobody reads would fill and stall it.
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            command, env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=log
        )
        base_url = f"http://127.0.0.1:{port}"
        try:
            _wait_until_live(process, base_url, log)
            yield base_url
        finally:
            process.terminate()
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(10)


def _wait_until_live(
    process: subprocess.Popen, base_url: str, log: IO[bytes], timeout: float = 60
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            tail = log.read()[-2000:].decode(errors="replace")
            raise RuntimeError(f"mercator serve exited with {process.returncode}: {tail}")
        with contextlib.suppress(requests.RequestException):
            if requests.get(f"{base_url}/healthz", headers=api_headers(), timeout=2).ok:
                return
        time.sleep(0.3)
    raise RuntimeError(f"mercator serve did not answer on {base_url} within {timeout}s")
