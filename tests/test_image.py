"""The container image, as far as it can be checked without a Docker engine: the
Dockerfile's shape, and its entrypoint script running the real `mercator` the image would."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests

from tests.live_api import REPO, free_port
from tests.test_observability import REQUESTS, samples, value

DOCKERFILE = (REPO / "Dockerfile").read_text()
ENTRYPOINT = REPO / "deploy" / "docker" / "entrypoint.sh"


def _instructions() -> list[tuple[str, str]]:
    joined = re.sub(r"\\\n", " ", DOCKERFILE)
    lines = [line.strip() for line in joined.splitlines()]
    return [tuple(line.split(None, 1)) for line in lines if line and not line.startswith("#")]


def test_the_dockerfile_builds_in_stages_and_runs_slim_as_non_root_with_a_healthcheck():
    steps = _instructions()
    stages = [arg for op, arg in steps if op == "FROM"]
    assert len(stages) == 4
    assert stages[-1].startswith("python:3.11-slim")
    assert all(":" in s and ":latest" not in s for s in stages), stages
    final = steps[max(i for i, (op, _) in enumerate(steps) if op == "FROM") :]
    (user,) = [arg for op, arg in final if op == "USER"]
    assert user.split(":")[0] not in ("0", "root")
    assert any(op == "HEALTHCHECK" and "/healthz" in arg for op, arg in final)
    assert ("ENTRYPOINT", '["mercator-entrypoint"]') in final
    # The web catalog's files are built in the image (npm), not taken from the work tree.
    assert any(op == "RUN" and "npm ci" in arg and "npm run" in arg for op, arg in steps)
    for op, arg in steps:  # every file copied from the build context exists
        if op == "COPY" and not arg.startswith("--from"):
            for source in arg.split()[:-1]:
                assert (REPO / source).exists(), source


def _env(settings, **extra: str) -> dict[str, str]:
    return {
        "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
        "HOME": os.environ.get("HOME", "/tmp"),
        "MERCATOR_NEO4J_URI": settings.neo4j_uri,
        "MERCATOR_NEO4J_USER": settings.neo4j_user,
        "MERCATOR_NEO4J_PASSWORD": settings.neo4j_password,
        "MERCATOR_NEO4J_DATABASE": settings.neo4j_database,
        **extra,
    }


def test_the_entrypoint_runs_other_commands_as_mercator_commands(settings):
    done = subprocess.run(
        ["sh", str(ENTRYPOINT), "token", "--help"],
        env=_env(settings),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "Usage: mercator token" in done.stdout


def _children(pid: int) -> list[int]:
    found = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [int(child) for child in found]


def test_the_entrypoint_serves_with_the_workers_the_environment_asks_for(settings, graph):
    port = free_port()
    env = _env(
        settings, MERCATOR_PORT=str(port), MERCATOR_WEB_WORKERS="3", MERCATOR_LOG_FORMAT="json"
    )
    process = subprocess.Popen(
        ["sh", str(ENTRYPOINT), "serve", "--deploy-workers", "0"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            assert process.poll() is None, process.stderr.read()
            try:
                if requests.get(f"{base}/healthz", timeout=2).ok:
                    break
            except requests.RequestException:
                time.sleep(0.3)
        # exec: the shell became mercator, so a SIGTERM to it reaches gunicorn.
        cmdline = Path(f"/proc/{process.pid}/cmdline").read_bytes().split(b"\0")
        assert b"serve" in cmdline and not cmdline[0].endswith(b"sh")
        # Its three web workers (the first may answer before the last has forked).
        forked = time.monotonic() + 30
        while len(_children(process.pid)) < 3 and time.monotonic() < forked:
            time.sleep(0.2)
        assert len(_children(process.pid)) == 3
        labels = {"method": "GET", "route": "/healthz", "status": "200"}
        before = value(
            samples(requests.get(f"{base}/metrics", timeout=10).text), REQUESTS, **labels
        )
        for _ in range(20):
            requests.get(f"{base}/healthz", timeout=30, headers={"Connection": "close"})
        after = value(samples(requests.get(f"{base}/metrics", timeout=10).text), REQUESTS, **labels)
        assert before >= 1  # the probe that answered above
        assert after - before == 20  # whichever of the 3 workers took them
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(60)
    assert process.returncode == 0
