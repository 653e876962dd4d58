"""`mercator serve` as production runs it: gunicorn and one `mercator worker` process beside
it, both stopped by a SIGTERM to serve without leaving an engine process behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from tests.live_api import REPO, _wait_until_live, free_port
from tests.test_deploy_run import _engine_pids, _gone, execute, full_log, script_engine, shop

__all__ = ["shop"]  # a fixture, used by name


def _env(settings, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "MERCATOR_NEO4J_URI": settings.neo4j_uri,
        "MERCATOR_NEO4J_USER": settings.neo4j_user,
        "MERCATOR_NEO4J_PASSWORD": settings.neo4j_password,
        "MERCATOR_NEO4J_DATABASE": settings.neo4j_database,
        **extra,
    }


def _cmdline(pid: int) -> list[str]:
    with open(f"/proc/{pid}/cmdline", "rb") as file:
        return file.read().decode().rstrip("\0").split("\0")


def test_sigterm_to_serve_abandons_a_running_command_deployment_and_kills_its_engine(
    shop, settings, tmp_path
):
    pid_file = tmp_path / "engine.pid"
    script_engine(shop, "deploy-sleep.sh", env={"PID_FILE": str(pid_file)})
    port = free_port()
    env = _env(
        settings,
        MERCATOR_WORKER_POLL_INTERVAL="0.2",
        MERCATOR_WORKER_HEARTBEAT_INTERVAL="0.2",
        MERCATOR_WORKER_STOP_GRACE="1",
    )
    command = [sys.executable, "-m", "app.cli", "serve", "--port", str(port)]
    command += ["--workers", "1", "--threads", "2"]
    engine: list[int] = []
    with (tmp_path / "serve.log").open("w+b") as log:
        serve = subprocess.Popen(command, env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=log)
        try:
            _wait_until_live(serve, f"http://127.0.0.1:{port}", log)
            queued = execute(shop)
            engine = _engine_pids(pid_file)
            deployment = shop.get(queued["status_url"]).get_json()
            assert deployment["status"] == "running"
            # It runs in the `mercator worker` process serve started, not in a web process.
            worker_pid = int(deployment["worker"].rsplit("-", 2)[1])
            assert worker_pid != serve.pid
            assert _cmdline(worker_pid)[-4:] == ["app.cli", "worker", "--threads", "1"]

            started = time.monotonic()
            serve.send_signal(signal.SIGTERM)
            assert serve.wait(timeout=25) == 0
            assert time.monotonic() - started < 20
        finally:
            if serve.poll() is None:
                serve.kill()
                serve.wait()
            for pid in engine:  # whatever the outcome, no sleep 300 outlives the test
                if not _gone(pid):
                    os.kill(pid, signal.SIGKILL)
        log.seek(0)
        said = log.read().decode(errors="replace")
    assert engine and all(_gone(pid) for pid in engine), said
    assert _gone(worker_pid), said
    body = shop.get(queued["status_url"]).get_json()
    assert (body["status"], body["reason"]) == ("failed", "abandoned"), said
    text = full_log(shop, queued["id"])
    assert "rolling out 1.0.2" in text and "the worker is stopping" in text


def test_serve_does_not_start_without_the_schema(settings):
    env = _env(settings, MERCATOR_NEO4J_URI="bolt://127.0.0.1:9", MERCATOR_CONNECT_TIMEOUT="1")
    done = subprocess.run(
        [sys.executable, "-m", "app.cli", "serve", "--port", str(free_port())]
        + ["--schema-wait", "0"],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 5, done.stderr
    assert "the schema could not be applied, so serve did not start" in done.stderr
