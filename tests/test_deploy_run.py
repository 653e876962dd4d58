"""Deployments run through an environment's engine: real scripts as real processes."""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest

from app.deploy import deployments, engines
from app.deploy.worker import Worker, WorkerPool, WorkerSettings
from tests.catalog import app_versions, counts, deploy, members, put_environment, register
from tests.test_http_basics import assert_error_shape

SCRIPTS = Path(__file__).parent / "engine_scripts"
FAST = WorkerSettings(poll_interval=0.1, heartbeat_interval=0.2, stale_after=30)
SECRET = "s3cr3t-t0ken-value"


@pytest.fixture
def shop(client):
    """shop 1.0.1 = payment 1.0.0 + cart 3.1.0; shop 1.0.2 = payment 1.1.0 + cart 3.1.0."""
    put_environment(client, "staging", stage="staging", cluster="eu-1", namespace="shop")
    register(client, "payment", "1.0.0", applications=["shop"], image="reg/payment", chart="pay")
    register(client, "cart", "3.1.0", applications=["shop"], image="reg/cart")
    register(client, "payment", "1.1.0", image="reg/payment", chart="pay", chart_version="2.0.0")
    return client


def set_engine(client, environment: str, kind: str, expect: int = 200, **config):
    response = client.put(
        f"/api/v1/environments/{environment}/engine", json={"kind": kind, "config": config}
    )
    assert response.status_code == expect, response.get_json()
    return response.get_json()


def script_engine(client, script: str, environment: str = "staging", **config):
    return set_engine(
        client, environment, "command", command=[str(SCRIPTS / script), "{version}"], **config
    )


def execute(client, expect: int = 202, **body):
    body = {"environment": "staging", "application": "shop", "version": "1.0.2", **body}
    response = client.post("/api/v1/deployments", json={**body, "execute": True})
    assert response.status_code == expect, response.get_json()
    return response.get_json()


def running(client, environment: str = "staging") -> dict[str, str]:
    body = client.get(f"/api/v1/environments/{environment}").get_json()
    return {r["component"]: r["version"] for r in body["running"]}


def full_log(client, deployment_id: str) -> str:
    return client.get(f"/api/v1/deployments/{deployment_id}/log").get_json()["text"]


def wait_for(condition, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("condition not met in time")


def test_a_succeeding_command_engine_moves_the_inventory(shop, graph):
    script_engine(shop, "deploy-ok.sh", env={"REGION": "eu"}, secret_env={"DEPLOY_TOKEN": SECRET})
    queued = execute(shop, by="alice")
    assert queued["status"] == "queued" and queued["ahead"] == []
    assert queued["status_url"] == f"/api/v1/deployments/{queued['id']}"
    assert running(shop) == {}

    assert Worker(graph, FAST).run_next() == queued["id"]

    done = shop.get(queued["status_url"]).get_json()
    assert done["status"] == "succeeded" and done["exit_code"] == 0
    assert done["started_at"] and done["finished_at"] >= done["started_at"]
    assert done["engine"] == "command" and done["worker"]
    assert running(shop) == {"payment": "1.1.0", "cart": "3.1.0"}
    text = full_log(shop, queued["id"])
    assert f"deploying shop 1.0.2 to staging ({queued['id']})" in text
    assert "components: cart=3.1.0 payment=1.1.0" in text
    assert "argument: 1.0.2" in text and "region: eu" in text
    assert "file: " + queued["id"] in text and "('payment', '1.1.0', 'reg/payment')" in text
    # The secret reached the script but is scrubbed from the log; the worker's own
    # environment (the Neo4j password) did not reach it at all.
    assert "token: ***" in text and SECRET not in text
    assert "neo4j password: unset" in text
    assert done["log_size"] == len(text)
    history = shop.get("/api/v1/deployments?environment=staging").get_json()["items"]
    assert [(d["id"], d["status"]) for d in history] == [(queued["id"], "succeeded")]


def test_a_failing_engine_leaves_the_inventory_untouched(shop, graph, raw_cypher):
    script_engine(shop, "deploy-ok.sh")
    execute(shop, version="1.0.1")
    Worker(graph, FAST).run_next()
    assert running(shop) == {"payment": "1.0.0", "cart": "3.1.0"}
    runs_before = raw_cypher("MATCH ()-[r:RUNS]->(v) RETURN v.version AS v, r.since AS since")

    script_engine(shop, "deploy-fail.sh")
    failed = execute(shop)
    assert Worker(graph, FAST).run_next() == failed["id"]

    body = shop.get(failed["status_url"]).get_json()
    assert (body["status"], body["exit_code"]) == ("failed", 3)
    assert "exited with 3" in body["reason"]
    assert "did not become ready" in full_log(shop, failed["id"])
    assert running(shop) == {"payment": "1.0.0", "cart": "3.1.0"}
    assert raw_cypher("MATCH ()-[r:RUNS]->(v) RETURN v.version AS v, r.since AS since") == (
        runs_before
    )


def test_an_engine_past_its_timeout_is_killed_with_its_children(shop, graph, raw_cypher):
    script_engine(shop, "deploy-hang.sh", timeout=1.5)
    queued = execute(shop)
    started = time.monotonic()
    Worker(graph, FAST).run_next()
    assert time.monotonic() - started < 15
    body = shop.get(queued["status_url"]).get_json()
    assert body["status"] == "timed_out"
    assert "still running after 1.5 s" in body["reason"]
    text = full_log(shop, queued["id"])
    assert "waiting for rollout" in text
    child = int(text.split("child ")[1].split()[0])
    assert not Path(f"/proc/{child}").exists() or "zombie" in _state(child)
    assert running(shop) == {}


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/status").read_text().lower()
    except OSError:
        return "zombie"


def test_cancelling_a_running_deployment_kills_its_process_group(shop, graph):
    script_engine(shop, "deploy-hang.sh", timeout=120)
    queued = execute(shop)
    worker = threading.Thread(target=Worker(graph, FAST).run_next)
    worker.start()
    wait_for(lambda: "waiting for rollout" in full_log(shop, queued["id"]))

    response = shop.post(f"/api/v1/deployments/{queued['id']}/cancel")
    assert response.status_code == 202
    assert response.get_json()["cancel_requested"] is True
    worker.join(timeout=20)
    assert not worker.is_alive()
    body = shop.get(queued["status_url"]).get_json()
    assert body["status"] == "cancelled" and body["reason"] == "cancelled on request"
    assert running(shop) == {}
    assert_error_shape(shop.post(f"/api/v1/deployments/{queued['id']}/cancel"), 409, "conflict")


def test_a_queued_deployment_is_cancelled_at_once(shop, graph):
    script_engine(shop, "deploy-ok.sh")
    queued = execute(shop)
    response = shop.post(f"/api/v1/deployments/{queued['id']}/cancel")
    assert response.status_code == 200
    assert response.get_json()["status"] == "cancelled"
    assert Worker(graph, FAST).run_next() is None
    assert running(shop) == {}


def test_a_deployment_cancelled_before_it_started_is_listed_by_when_it_was_queued(shop):
    """Only deployments still waiting head the list; one cancelled while it waited is
    history, listed by when it was queued among those that started, not above them all
    for ever."""
    script_engine(shop, "deploy-ok.sh")
    cancelled = execute(shop)
    shop.post(f"/api/v1/deployments/{cancelled['id']}/cancel")
    later = deploy(shop, environment="staging", status="succeeded", application="shop",
                   version="1.0.1")
    waiting = execute(shop)
    listed = [d["id"] for d in shop.get("/api/v1/deployments").get_json()["items"]]
    assert listed == [waiting["id"], later["id"], cancelled["id"]]
    second = shop.get("/api/v1/deployments?offset=1&limit=1").get_json()["items"]
    assert [d["id"] for d in second] == [later["id"]]


def test_megabytes_of_output_keep_the_last_mebibyte_and_stream_by_offset(shop, graph):
    script_engine(shop, "deploy-loud.sh")
    queued = execute(shop)
    Worker(graph, FAST).run_next()
    body = shop.get(queued["status_url"]).get_json()
    assert body["status"] == "succeeded"
    command_line = f"$ {SCRIPTS / 'deploy-loud.sh'} 1.0.2\n"
    assert body["log_size"] == len(command_line) + 60_000 * 100 + len("loud end\n")

    whole = shop.get(f"/api/v1/deployments/{queued['id']}/log").get_json()
    assert whole["done"] is True and whole["next_offset"] == body["log_size"]
    assert len(whole["text"]) == 1024 * 1024
    assert whole["start"] == body["log_size"] - 1024 * 1024
    assert whole["text"].endswith("loud end\n")
    assert "00059999 " in whole["text"] and "00000000 " not in whole["text"]
    tail = shop.get(f"/api/v1/deployments/{queued['id']}/log?offset={whole['next_offset'] - 9}")
    assert tail.get_json()["text"] == "loud end\n"
    beyond = shop.get(f"/api/v1/deployments/{queued['id']}/log?offset={2**64}")
    assert beyond.status_code == 400 and "offset" in beyond.get_json()["error"]["details"]


def test_a_second_deployment_to_a_busy_environment_waits_its_turn(shop, graph):
    script_engine(shop, "deploy-hang.sh", timeout=120)
    first = execute(shop, version="1.0.1")
    second = execute(shop)
    third = execute(shop, version="1.0.1")
    assert second["ahead"] == [first["id"]]
    assert third["ahead"] == [first["id"], second["id"]]

    runner = Worker(graph, FAST)
    thread = threading.Thread(target=runner.run_next)
    thread.start()
    wait_for(lambda: shop.get(first["status_url"]).get_json()["status"] == "running")
    # Another worker finds nothing it may start: the environment is busy.
    assert Worker(graph, FAST).claim() is None
    waiting = shop.get(second["status_url"]).get_json()
    assert (waiting["status"], waiting["ahead"]) == ("queued", [first["id"]])

    shop.post(f"/api/v1/deployments/{first['id']}/cancel")
    thread.join(timeout=20)
    script_engine(shop, "deploy-ok.sh")
    assert Worker(graph, FAST).run_next() == second["id"]
    assert Worker(graph, FAST).run_next() == third["id"]
    assert running(shop) == {"payment": "1.0.0", "cart": "3.1.0"}


def test_two_workers_racing_never_run_a_deployment_twice(shop, settings, graph):
    from app.graph import Graph

    script_engine(shop, "deploy-ok.sh")
    for environment in ("qa-1", "qa-2", "qa-3"):
        put_environment(shop, environment, stage="test")
        script_engine(shop, "deploy-ok.sh", environment=environment)
    ids = [execute(shop, environment=env)["id"] for env in ("staging", "qa-1", "qa-2", "qa-3")]
    ids += [execute(shop, environment="staging", version="1.0.1")["id"]]
    claimed: dict[str, list[str]] = {"a": [], "b": []}
    graphs = {name: Graph.from_settings(settings) for name in claimed}
    start = threading.Barrier(2)

    def race(name: str) -> None:
        worker = Worker(graphs[name], FAST, worker_id=f"racer-{name}")
        start.wait()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            done = worker.run_next()
            if done is not None:
                claimed[name].append(done)
            elif not _unfinished(graph):
                return

    threads = [threading.Thread(target=race, args=(name,)) for name in claimed]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    for g in graphs.values():
        g.close()
    runs = claimed["a"] + claimed["b"]
    assert sorted(runs) == sorted(ids)  # each exactly once
    assert claimed["a"] and claimed["b"]  # both workers took part
    for deployment_id in ids:
        body = shop.get(f"/api/v1/deployments/{deployment_id}").get_json()
        assert body["status"] == "succeeded"
        assert full_log(shop, deployment_id).count("done\n") == 1


def _unfinished(graph) -> bool:
    return any(
        deployments.list_deployments(graph, status=status, limit=1)["items"]
        for status in ("queued", "running")
    )


def test_two_workers_claiming_the_same_deployments_at_once_get_each_once(shop, settings):
    from app.graph import Graph

    ids = []
    for number in range(12):
        put_environment(shop, f"race-{number}", stage="test")
        set_engine(shop, f"race-{number}", "none")
        ids.append(execute(shop, environment=f"race-{number}")["id"])
    graphs = [Graph.from_settings(settings) for _ in range(2)]
    workers = [Worker(g, FAST, worker_id=f"claimer-{n}") for n, g in enumerate(graphs)]
    won: dict[str, list[str]] = {w.id: [] for w in workers}
    barrier = threading.Barrier(2)

    def claim_all(worker: Worker) -> None:
        for deployment_id in ids:
            barrier.wait()  # both ask for the same deployment at the same moment
            if worker.claim(only=deployment_id) == deployment_id:
                won[worker.id].append(deployment_id)

    threads = [threading.Thread(target=claim_all, args=(w,)) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    for g in graphs:
        g.close()
    assert sorted(won["claimer-0"] + won["claimer-1"]) == sorted(ids)
    for deployment_id in ids:
        body = shop.get(f"/api/v1/deployments/{deployment_id}").get_json()
        winner = "claimer-0" if deployment_id in won["claimer-0"] else "claimer-1"
        assert (body["status"], body["worker"]) == ("running", winner)


def test_a_deployment_of_a_dead_worker_is_marked_abandoned(shop, graph, raw_cypher):
    script_engine(shop, "deploy-ok.sh")
    queued = execute(shop)
    # A worker claimed it, then died: its heartbeat stopped ten minutes ago.
    raw_cypher(
        "MATCH (d:Deployment {id: $id}) SET d.status = 'running', d.worker = 'dead-1', "
        "d.started_at = datetime() - duration('PT11M'), "
        "d.heartbeat_at = datetime() - duration('PT10M')",
        id=queued["id"],
    )
    blocked = execute(shop, version="1.0.1")
    assert blocked["ahead"] == [queued["id"]]
    worker = Worker(graph, replace(FAST, stale_after=60))
    assert worker.run_next() is None  # the environment looks busy until the sweep

    assert worker.sweep() == [queued["id"]]
    body = shop.get(queued["status_url"]).get_json()
    assert (body["status"], body["reason"], body["worker"]) == ("failed", "abandoned", "dead-1")
    assert running(shop) == {}
    # A fresh heartbeat is not abandoned, and the queue moves on.
    assert worker.sweep() == []
    assert worker.run_next() == blocked["id"]
    assert running(shop) == {"payment": "1.0.0", "cart": "3.1.0"}


def test_a_worker_pool_runs_deployments_queued_through_the_api(shop, graph):
    script_engine(shop, "deploy-ok.sh")
    pool = WorkerPool(graph, 2, FAST).start()
    try:
        queued = execute(shop)
        done = wait_for(
            lambda: (
                (body := shop.get(queued["status_url"]).get_json())["status"] == "succeeded"
                and body
            )
        )
        assert done["worker"] in {w.id for w in pool.workers}
        assert running(shop) == {"payment": "1.1.0", "cart": "3.1.0"}
    finally:
        assert pool.stop(grace=10)


def _engine_pids(pid_file: Path) -> list[int]:
    text = wait_for(lambda: pid_file.exists() and pid_file.read_text().strip())
    return [int(pid) for pid in text.split()]


def _gone(pid: int) -> bool:
    """The process ended (a zombie not yet reaped by its parent counts as ended)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


def test_a_stopping_pool_lets_a_deployment_end_within_its_grace(shop, graph, tmp_path):
    pid_file = tmp_path / "engine.pid"
    script_engine(shop, "deploy-sleep.sh", env={"PID_FILE": str(pid_file), "SLEEP_SECONDS": "2"})
    pool = WorkerPool(graph, 1, FAST).start()
    queued = execute(shop)
    _engine_pids(pid_file)
    assert pool.stop(grace=30)
    body = shop.get(queued["status_url"]).get_json()
    assert (body["status"], body["reason"]) == ("succeeded", None)
    assert "rolled out 1.0.2" in full_log(shop, queued["id"])
    assert running(shop) == {"payment": "1.1.0", "cart": "3.1.0"}


def test_a_stopping_pool_abandons_a_deployment_past_its_grace_and_kills_the_engine(
    shop, graph, tmp_path
):
    pid_file = tmp_path / "engine.pid"
    script_engine(shop, "deploy-sleep.sh", env={"PID_FILE": str(pid_file)})
    pool = WorkerPool(graph, 1, FAST).start()
    queued = execute(shop)
    waiting = execute(shop, version="1.0.1")
    pids = _engine_pids(pid_file)
    started = time.monotonic()
    assert pool.stop(grace=0.5)
    assert time.monotonic() - started < 10
    assert all(_gone(pid) for pid in pids)
    body = shop.get(queued["status_url"]).get_json()
    assert (body["status"], body["reason"]) == ("failed", "abandoned")
    log = full_log(shop, queued["id"])
    assert "rolling out 1.0.2" in log and "the worker is stopping" in log
    assert running(shop) == {}
    # Nothing more was claimed: the next one waits for another worker.
    assert shop.get(waiting["status_url"]).get_json()["status"] == "queued"


def test_dry_run_answers_the_commands_and_writes_nothing(shop, raw_cypher):
    set_engine(
        shop,
        "staging",
        "helm",
        kube_context="staging-ctx",
        chart_prefix="oci://charts.example/",
        secret_env={"HELM_REGISTRY_PASSWORD": SECRET},
        timeout=300,
    )
    before = counts(raw_cypher)
    response = shop.post(
        "/api/v1/deployments",
        json={
            "environment": "staging",
            "application": "shop",
            "version": "1.0.2",
            "execute": True,
            "dry_run": True,
        },
    )
    assert response.status_code == 200, response.get_json()
    plan = response.get_json()
    assert counts(raw_cypher) == before
    assert plan["engine"] == "helm"
    # cart has no chart: only payment is deployed by helm.
    assert plan["commands"] == [
        [
            "helm",
            "upgrade",
            "--install",
            "--version",
            "2.0.0",
            "--kube-context",
            "staging-ctx",
            "--namespace",
            "shop",
            "--set",
            "image.repository=reg/payment",
            "--set",
            "image.tag=1.1.0",
            "--wait",
            "--timeout",
            "300s",
            "--",
            "payment",
            "oci://charts.example/pay",
        ]
    ]
    assert plan["env"]["HELM_REGISTRY_PASSWORD"] == "***"
    assert SECRET not in response.get_data(as_text=True)
    assert [c["component"] for c in plan["deployment"]["components"]] == ["cart", "payment"]
    assert plan["skipped"] == [
        {"component": "cart", "version": "3.1.0", "reason": engines.NO_CHART}
    ]


def test_engine_configuration_is_checked_and_its_secrets_never_shown(shop, raw_cypher):
    shown = script_engine(shop, "deploy-ok.sh", secret_env={"DEPLOY_TOKEN": SECRET})
    assert shown["engine"] == "command"
    assert shown["engine_config"]["secret_env"] == {"DEPLOY_TOKEN": "***"}
    assert SECRET not in shop.get("/api/v1/environments/staging").get_data(as_text=True)
    assert SECRET not in shop.get("/api/v1/environments").get_data(as_text=True)

    bad = shop.put(
        "/api/v1/environments/staging/engine",
        json={"kind": "command", "config": {"command": "rm -rf /", "timout": 5}},
    )
    error = assert_error_shape(bad, 400, "invalid")
    assert {"command", "timout"} <= set(error["details"])
    placeholder = shop.put(
        "/api/v1/environments/staging/engine",
        json={"kind": "command", "config": {"command": ["deploy", "{password}"]}},
    )
    assert "unknown placeholder {password}" in str(assert_error_shape(placeholder, 400, "invalid"))
    assert_error_shape(
        shop.put("/api/v1/environments/moon/engine", json={"kind": "none"}), 404, "not_found"
    )


def test_execute_needs_an_engine_and_no_status(shop, raw_cypher):
    put_environment(shop, "prod", stage="prod")
    before = counts(raw_cypher)
    error = assert_error_shape(
        shop.post(
            "/api/v1/deployments",
            json={
                "environment": "prod",
                "application": "shop",
                "version": "1.0.2",
                "execute": True,
            },
        ),
        400,
        "invalid",
    )
    assert "no engine" in error["message"]
    script_engine(shop, "deploy-ok.sh")
    error = assert_error_shape(
        shop.post(
            "/api/v1/deployments",
            json={
                "environment": "staging",
                "application": "shop",
                "version": "1.0.2",
                "execute": True,
                "status": "succeeded",
            },
        ),
        400,
        "invalid",
    )
    assert "status" in error["details"]
    assert counts(raw_cypher) == before


def test_engine_none_records_through_the_queue(shop, graph):
    set_engine(shop, "staging", "none")
    queued = execute(shop, id="pipeline-9")
    again = execute(shop, expect=200, id="pipeline-9")
    assert again["id"] == "pipeline-9" and again["status"] == "queued"
    assert Worker(graph, FAST).run_next() == "pipeline-9"
    assert shop.get(queued["status_url"]).get_json()["status"] == "succeeded"
    assert "engine none: nothing to run" in full_log(shop, "pipeline-9")
    assert running(shop) == {"payment": "1.1.0", "cart": "3.1.0"}


def test_an_export_holds_finished_deployments_and_no_engine_secrets(shop, graph):
    from app import transfer

    script_engine(shop, "deploy-ok.sh", secret_env={"DEPLOY_TOKEN": SECRET})
    finished = execute(shop)
    Worker(graph, FAST).run_next()
    queued = execute(shop, version="1.0.1")
    document = transfer.export_catalog(graph)
    assert [d["id"] for d in document["deployments"]] == [finished["id"]]
    assert SECRET not in transfer.dump(document)
    staging = next(e for e in document["environments"] if e["name"] == "staging")
    assert staging["engine"] == "command"
    assert shop.get(f"/api/v1/deployments/{queued['id']}").get_json()["status"] == "queued"


def test_a_worker_backs_off_while_neo4j_keeps_failing(graph):
    """Neo4j locks an account out after a few refused logins: a worker facing a down Neo4j
    or a wrong password must not retry at its polling pace."""
    worker = Worker(graph, WorkerSettings(poll_interval=1.0))
    waits = [worker._backoff(failures) for failures in range(1, 10)]
    assert waits[:4] == [1.0, 2.0, 4.0, 8.0]
    assert waits[-1] == 60.0 and max(waits) == 60.0


# --- a set of component versions queued for an application -------------------------------------

#: A set no version of shop holds: payment 1.2.0 (registered without deriving) + cart 3.1.0.
NEW_SET = {"payment": "1.2.0", "cart": "3.1.0"}


def register_new_payment(client) -> None:
    """payment 1.2.0, in no version of shop (again: a no-op)."""
    register(client, "payment", "1.2.0", None, image="reg/payment", chart="pay", derive=False)


def queue_new_set(client, **body) -> dict:
    """Queue NEW_SET for shop; shop's latest version is 1.0.2 and stays so meanwhile."""
    register_new_payment(client)
    components = [{"component": c, "version": v} for c, v in sorted(NEW_SET.items())]
    response = client.post(
        "/api/v1/deployments",
        json={"environment": "staging", "application": "shop", "components": components,
              "execute": True, **body},
    )  # fmt: skip
    assert response.status_code in (200, 202), response.get_json()
    return response.get_json()


def shop_state(client) -> tuple[str, list[tuple[str, str | None]]]:
    """shop's latest version and its version list: what a deployment must not move unless
    it succeeded."""
    return client.get("/api/v1/applications/shop").get_json()["latest_version"], app_versions(
        client, "shop"
    )


SHOP_BEFORE = ("1.0.2", [("1.0.0", None), ("1.0.1", "1.0.0"), ("1.0.2", "1.0.1")])


@pytest.mark.parametrize(
    "script, config, status",
    [
        ("deploy-fail.sh", {}, "failed"),
        ("deploy-hang.sh", {"timeout": 1.5}, "timed_out"),
    ],
)
def test_a_queued_set_that_fails_or_times_out_never_moves_the_applications_latest_version(
    shop, graph, script, config, status
):
    script_engine(shop, script, **config)
    queued = queue_new_set(shop)
    assert shop_state(shop) == SHOP_BEFORE  # queued: nothing derived yet
    assert queued["application"] is None and queued["pending_application"] == "shop"

    Worker(graph, FAST).run_next()
    body = shop.get(queued["status_url"]).get_json()
    assert body["status"] == status
    assert body["application"] is None and body["pending_application"] == "shop"
    assert shop_state(shop) == SHOP_BEFORE
    assert running(shop) == {}
    # The next registration derives from what ran, not from the set that failed.
    register(shop, "cart", "3.2.0", image="reg/cart")
    assert members(shop, "shop", "1.0.3") == {"payment": "1.1.0", "cart": "3.2.0"}


def test_a_cancelled_queued_set_never_moves_the_applications_latest_version(shop, graph):
    script_engine(shop, "deploy-hang.sh", timeout=120)
    queued = queue_new_set(shop)
    worker = threading.Thread(target=Worker(graph, FAST).run_next)
    worker.start()
    wait_for(lambda: "waiting for rollout" in full_log(shop, queued["id"]))
    assert shop.post(f"/api/v1/deployments/{queued['id']}/cancel").status_code == 202
    worker.join(timeout=20)
    assert shop.get(queued["status_url"]).get_json()["status"] == "cancelled"
    assert shop_state(shop) == SHOP_BEFORE

    before_start = queue_new_set(shop, id="cancelled-while-queued")
    assert shop.post(f"/api/v1/deployments/{before_start['id']}/cancel").status_code == 200
    assert shop_state(shop) == SHOP_BEFORE


def test_a_queued_set_derives_the_applications_version_when_its_engine_succeeds(shop, graph):
    script_engine(shop, "deploy-ok.sh")
    queued = queue_new_set(shop)
    assert shop_state(shop) == SHOP_BEFORE

    assert Worker(graph, FAST).run_next() == queued["id"]
    body = shop.get(queued["status_url"]).get_json()
    assert body["status"] == "succeeded"
    assert body["application"] == {"application": "shop", "version": "1.0.3"}
    assert body["pending_application"] is None
    assert shop_state(shop) == ("1.0.3", [*SHOP_BEFORE[1], ("1.0.3", "1.0.2")])
    assert members(shop, "shop", "1.0.3") == NEW_SET
    assert running(shop) == NEW_SET
    # It is that version's deployment now: staging runs shop 1.0.3, promotable from there.
    put_environment(shop, "prod", stage="prod")
    script_engine(shop, "deploy-ok.sh", environment="prod")
    promoted = shop.post("/api/v1/promotions", json={"application": "shop", "from": "staging",
                                                     "to": "prod"})  # fmt: skip
    assert promoted.status_code == 202, promoted.get_json()
    assert promoted.get_json()["application"] == {"application": "shop", "version": "1.0.3"}


def test_two_queued_runs_of_one_new_set_derive_one_version(shop, graph):
    script_engine(shop, "deploy-ok.sh")
    first = queue_new_set(shop, id="first-run")
    second = queue_new_set(shop, id="second-run")
    worker = Worker(graph, FAST)
    assert worker.run_next() == first["id"] and worker.run_next() == second["id"]
    for queued in (first, second):
        body = shop.get(queued["status_url"]).get_json()
        assert body["application"] == {"application": "shop", "version": "1.0.3"}
    assert shop_state(shop) == ("1.0.3", [*SHOP_BEFORE[1], ("1.0.3", "1.0.2")])


def test_a_queued_set_some_version_holds_is_that_versions_deployment_at_once(shop, graph):
    script_engine(shop, "deploy-fail.sh")
    response = shop.post(
        "/api/v1/deployments",
        json={"environment": "staging", "application": "shop", "execute": True,
              "components": [{"component": "payment", "version": "1.0.0"},
                             {"component": "cart", "version": "3.1.0"}]},
    )  # fmt: skip
    assert response.status_code == 202, response.get_json()
    queued = response.get_json()
    assert queued["application"] == {"application": "shop", "version": "1.0.1"}
    assert queued["pending_application"] is None
    Worker(graph, FAST).run_next()
    assert shop_state(shop) == SHOP_BEFORE


def test_a_dry_run_of_a_new_set_derives_nothing_and_names_the_application(shop, raw_cypher):
    script_engine(shop, "deploy-ok.sh")
    register_new_payment(shop)
    before = counts(raw_cypher)
    plan = queue_new_set(shop, dry_run=True)
    assert counts(raw_cypher) == before
    assert plan["deployment"]["application"] == "shop"
    assert plan["deployment"]["version"] is None
    assert shop_state(shop) == SHOP_BEFORE
