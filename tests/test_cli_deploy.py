"""`mercator deploy APP VERSION --to ENV --wait` end to end, as real processes, on the demo."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from app import create_app
from app.cli import cli
from app.deploy import engines
from app.deploy.worker import WorkerPool, WorkerSettings

SCRIPTS = Path(__file__).parent / "engine_scripts"


@pytest.fixture
def mercator(settings, graph):
    """Run `mercator ...` as its own process against the test Neo4j."""
    env = {
        **os.environ,
        "MERCATOR_NEO4J_URI": settings.neo4j_uri,
        "MERCATOR_NEO4J_USER": settings.neo4j_user,
        "MERCATOR_NEO4J_PASSWORD": settings.neo4j_password,
        "MERCATOR_WORKER_POLL_INTERVAL": "0.2",
        "MERCATOR_WORKER_HEARTBEAT_INTERVAL": "0.2",
        "USER": "release-manager",
    }

    def run(*args: str, expect: int = 0) -> subprocess.CompletedProcess:
        done = subprocess.run(
            [sys.executable, "-m", "app.cli", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == expect, done.stdout + done.stderr
        return done

    return run


def _running(mercator, environment: str) -> dict[str, str]:
    shown = json.loads(mercator("env", "show", environment, "-o", "json").stdout)
    return {r["component"]: r["version"] for r in shown["running"]}


def test_deploy_the_demo_shop_to_staging_and_wait(mercator):
    mercator("demo", "load")
    before = _running(mercator, "staging")
    assert before["payment"] == "1.5.0"  # staging runs shop 1.0.6

    # The demo's own engine in staging: a command that says what it rolls out.
    done = mercator("deploy", "shop", "1.0.7", "--to", "staging", "--wait")
    assert "deploying shop 1.0.7 to staging" in done.stdout
    assert "  rolled out shop-db=42" in done.stdout and done.stdout.endswith("done\n")
    assert _running(mercator, "staging")["shop-db"] == "42"

    mercator(
        "env",
        "set-engine",
        "staging",
        "command",
        "--secret-env",
        "DEPLOY_TOKEN=hunter22",
        "--",
        str(SCRIPTS / "deploy-ok.sh"),
        "{version}",
    )

    done = mercator("deploy", "shop", "1.0.8", "--to", "staging", "--wait")

    assert "deploying shop 1.0.8 to staging" in done.stdout
    assert "argument: 1.0.8" in done.stdout and "token: ***" in done.stdout
    assert "hunter22" not in done.stdout + done.stderr
    assert ": queued" in done.stderr  # (running is seen too unless it ends between two looks)
    assert ": succeeded (exit code 0)" in done.stderr
    after = _running(mercator, "staging")
    assert after["payment"] == "1.5.1" and after["shop-db"] == "42"
    history = json.loads(
        mercator("deploy", "list", "--environment", "staging", "-o", "json").stdout
    )["items"]
    latest = history[0]
    assert (latest["status"], latest["application"]) == (
        "succeeded",
        {"application": "shop", "version": "1.0.8"},
    )
    assert latest["by"] == "release-manager" and latest["engine"] == "command"
    log = mercator("deploy", "log", latest["id"]).stdout
    assert "done" in log

    # A failing engine: exit 1, the failure shown, the inventory as it was.
    mercator("env", "set-engine", "staging", "command", "--", str(SCRIPTS / "deploy-fail.sh"))
    failed = mercator("deploy", "shop", "1.0.7", "--to", "staging", "--wait", expect=1)
    assert "did not become ready" in failed.stdout
    assert ": failed (exit code 3; " in failed.stderr
    assert _running(mercator, "staging") == after
    # The recording command still works beside it.
    mercator("deploy", "record", "--to", "dev", "--app", "shop", "--version", "1.0.7")
    assert _running(mercator, "dev")["payment"] == "1.5.0"  # shop 1.0.7 has payment 1.5.0


def test_dry_run_prints_the_helm_commands_of_the_demo(mercator, raw_cypher):
    mercator("demo", "load")
    before = raw_cypher("MATCH (d:Deployment) RETURN count(d) AS n")
    plan = mercator("deploy", "shop", "1.0.8", "--to", "prod", "--dry-run").stdout
    lines = [line for line in plan.splitlines() if not line.startswith("#")]
    # The demo's services and infrastructure have charts: one helm command each.
    assert len(lines) == 11
    payment = next(line for line in lines if line.endswith(" -- payment payment"))
    digest = payment.split("digest=sha256:")[1].split()[0]
    assert payment == (
        "helm upgrade --install --version 0.5.0 --kube-context prod-eu-1 "
        "--namespace shop --set image.repository=registry.shop.example/shop/payment "
        f"--set image.tag=1.5.1 --set image.digest=sha256:{digest} "
        "--wait --timeout 600s -- payment payment"
    )
    assert "# MERCATOR_VERSION=1.0.8" in plan
    # The two without a chart are named, not silently left out.
    skipped = [line for line in plan.splitlines() if line.startswith("# skipped ")]
    assert skipped == [
        f"# skipped shop-config 2026.10: {engines.NO_CHART}",
        f"# skipped shop-db 42: {engines.NO_CHART}",
    ]
    # A set of component versions: only those are deployed.
    one = mercator("deploy", "components", "payment@1.5.0", "--to", "prod", "--dry-run").stdout
    (command,) = [line for line in one.splitlines() if not line.startswith("#")]
    assert command.startswith("helm upgrade --install --version 0.5.0 ")
    assert command.endswith(" -- payment payment")
    assert "--set image.tag=1.5.0 " in command
    assert raw_cypher("MATCH (d:Deployment) RETURN count(d) AS n") == before


@pytest.fixture
def served(settings, graph):
    """The API over real HTTP, and a deployment worker beside it (as `mercator serve` runs
    one in a process of its own)."""
    from werkzeug.serving import make_server

    flask_app = create_app(settings)
    server = make_server("127.0.0.1", 0, flask_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    pool = WorkerPool(graph, 1, WorkerSettings(poll_interval=0.2, heartbeat_interval=0.2))
    pool.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    pool.stop(grace=10)
    flask_app.extensions["mercator.graph"].close()


def test_deploy_through_the_api_with_url(served, settings, admin_token):
    env = {
        "MERCATOR_NEO4J_URI": "bolt://127.0.0.1:9",
        "USER": "pipeline",
        "DEPLOY_TOKEN": "t0p",
        "MERCATOR_TOKEN": admin_token,
    }

    def run(*args: str, expect: int = 0):
        result = CliRunner().invoke(cli, ["--url", served, *args], env=env)
        assert result.exit_code == expect, result.output
        return result

    run("env", "set", "qa", "--stage", "test")
    run("component", "register", "payment", "1.0.0", "--app", "shop", "--image", "reg/payment")
    # --secret-env NAME takes the value from the shell, not the command line.
    run(
        "env",
        "set-engine",
        "qa",
        "command",
        "--secret-env",
        "DEPLOY_TOKEN",
        "--",
        str(SCRIPTS / "deploy-ok.sh"),
        "{version}",
    )
    done = run("deploy", "shop", "1.0.0", "--to", "qa", "--wait")
    assert "argument: 1.0.0" in done.stdout and "succeeded (exit code 0)" in done.stderr
    assert "token: ***" in done.stdout and "t0p" not in done.stdout
    shown = json.loads(run("env", "show", "qa", "-o", "json").stdout)
    assert shown["running"][0]["version"] == "1.0.0"

    run(
        "env",
        "set-engine",
        "qa",
        "command",
        "--timeout",
        "60",
        "--",
        str(SCRIPTS / "deploy-hang.sh"),
    )
    queued = json.loads(run("deploy", "run", "shop", "1.0.0", "--to", "qa", "-o", "json").stdout)
    # Another process follows its log while this one cancels it.
    follower = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "--url", served, "deploy", "log", queued["id"], "-f"],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "MERCATOR_TOKEN": admin_token},
    )
    import time

    # Cancelled once the engine has said something (running alone does not mean its
    # first line is out yet, on a busy machine).
    deadline = time.monotonic() + 30
    while "waiting for rollout" not in run("deploy", "log", queued["id"]).stdout:
        assert time.monotonic() < deadline
        time.sleep(0.2)
    run("deploy", "cancel", queued["id"])
    followed, _ = follower.communicate(timeout=60)
    assert follower.returncode == 0
    assert "waiting for rollout" in followed and "cancelled on request" in followed
    assert json.loads(run("deploy", "show", queued["id"], "-o", "json").stdout)["status"] == (
        "cancelled"
    )


def _worker_process(settings, **env: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "app.cli", "worker"],
        env={
            **os.environ,
            "MERCATOR_NEO4J_URI": settings.neo4j_uri,
            "MERCATOR_NEO4J_USER": settings.neo4j_user,
            "MERCATOR_NEO4J_PASSWORD": settings.neo4j_password,
            "MERCATOR_WORKER_POLL_INTERVAL": "0.2",
            "MERCATOR_WORKER_HEARTBEAT_INTERVAL": "0.2",
            **env,
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_a_killed_worker_process_leaves_its_deployment_to_be_marked_abandoned(
    client, settings, graph
):
    import signal
    import time

    from app.deploy.worker import Worker, WorkerSettings
    from tests.catalog import put_environment, register

    put_environment(client, "qa", stage="test")
    register(client, "payment", "1.0.0", applications=["shop"])
    client.put(
        "/api/v1/environments/qa/engine",
        json={"kind": "command", "config": {"command": [str(SCRIPTS / "deploy-hang.sh")]}},
    )
    queued = client.post(
        "/api/v1/deployments",
        json={"environment": "qa", "application": "shop", "version": "1.0.0", "execute": True},
    ).get_json()
    worker = _worker_process(settings)
    try:
        deadline = time.monotonic() + 30
        while "child " not in (
            log := client.get(f"/api/v1/deployments/{queued['id']}/log").get_json()["text"]
        ):
            assert time.monotonic() < deadline, worker.stderr
            time.sleep(0.2)
        worker.kill()  # SIGKILL: no chance to finish or to say anything
        worker.wait()
    finally:
        worker.kill()
        # The engine's processes outlive a SIGKILLed worker (they run in their own session);
        # stop them here.
        if "child " in log:
            child = int(log.split("child ")[1].split()[0])
            os.killpg(os.getpgid(child), signal.SIGKILL)
    body = client.get(f"/api/v1/deployments/{queued['id']}").get_json()
    assert body["status"] == "running"  # nobody knows yet

    time.sleep(1.5)
    sweeper = Worker(graph, WorkerSettings(stale_after=1))
    assert sweeper.sweep() == [queued["id"]]
    body = client.get(f"/api/v1/deployments/{queued['id']}").get_json()
    assert (body["status"], body["reason"]) == ("failed", "abandoned")
    assert client.get("/api/v1/environments/qa").get_json()["running"] == []


def test_a_worker_process_stops_on_sigterm(settings, graph):
    worker = _worker_process(settings)
    assert "worker: 1 thread(s)" in worker.stderr.readline()  # it is up
    worker.terminate()
    assert worker.wait(timeout=20) == 0
