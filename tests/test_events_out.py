"""CDEvents out: what Mercator records and deploys goes into an outbox in Neo4j, in the
transaction of the fact, and from there to real HTTP sinks on 127.0.0.1 — at least once,
in order, through a sink being killed and started again. Every event emitted is checked
against the official CDEvents 0.5.1 JSON schema of its type (with `jsonschema`)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from functools import cache
from pathlib import Path

import jsonschema
import pytest
from referencing import Registry, Resource

from app.config import DeliverySettings, SettingError, Settings
from app.deploy.worker import Worker
from app.outbox import sinks
from tests.catalog import counts, deploy, put_environment, register
from tests.cdevents_fixtures import CDEVENTS, STRUCTURED, deployed, post, published
from tests.event_sink import Sink
from tests.test_deploy_run import FAST, execute, running, script_engine, wait_for

OFFICIAL = CDEVENTS / "schemas"
APP_SCHEMAS = Path(__file__).resolve().parent.parent / "app" / "events" / "schemas"
QUICK = DeliverySettings(timeout=2.0, poll_interval=0.05, backoff_max=0.2)
DIGEST = "sha256:" + "ab" * 32


@cache
def official(cdevent_type: str) -> jsonschema.Draft202012Validator:
    """The official 0.5.1 schema of `dev.cdevents.<subject>.<predicate>.<version>`, its
    links resolved from the files beside it."""
    documents = [json.loads(p.read_text()) for p in OFFICIAL.rglob("*.json")]
    registry = Registry().with_resources((d["$id"], Resource.from_contents(d)) for d in documents)
    _, _, subject, predicate, _ = cdevent_type.split(".", 4)
    schema = json.loads((OFFICIAL / f"{subject}{predicate}.json").read_text())
    return jsonschema.Draft202012Validator(
        schema, registry=registry, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def check_official(envelope: dict) -> dict:
    """The CloudEvent's CDEvent, after checking it against its official schema and the
    envelope against the CDEvents binding (the CloudEvent's id, source and type are the
    CDEvent context's)."""
    event = envelope["data"]
    official(event["context"]["type"]).validate(event)
    assert envelope["specversion"] == "1.0"
    assert envelope["datacontenttype"] == "application/json"
    for key in ("id", "source", "type"):
        assert envelope[key] == event["context"][key]
    return event


@pytest.fixture
def sink():
    found = Sink().start()
    yield found
    found.stop()


@pytest.fixture
def shop(client):
    """staging runs a command engine; payment 1.0.0 and 1.1.0, cart 3.1.0 are registered
    with images and digests (before any sink is known: they emit nothing)."""
    put_environment(client, "staging", stage="staging")
    register(client, "payment", "1.0.0", image="reg/payment", digest="sha256:" + "10" * 32)
    register(client, "payment", "1.1.0", image="reg/payment", digest="sha256:" + "11" * 32)
    register(client, "cart", "3.1.0")
    script_engine(client, "deploy-ok.sh")
    return client


def deliver_all(dispatcher: sinks.Dispatcher) -> int:
    total = 0
    while delivered := dispatcher.deliver_due():
        total += delivered
    return total


def outbox_types(graph) -> list[tuple[str, str]]:
    """(type, subject) of every event in the outbox, oldest first."""
    rows = reversed(sinks.outbox(graph, limit=500))
    return [
        (row["type"].split(".")[2] + "." + row["type"].split(".")[3], row["subject"])
        for row in rows
    ]


def run_engine(client, graph, components: dict[str, str]) -> str:
    queued = execute(
        client,
        application=None,
        version=None,
        components=[{"component": c, "version": v} for c, v in components.items()],
    )
    assert Worker(graph, FAST).run_next() == queued["id"]
    return queued["id"]


def test_engine_deployments_emit_deployed_upgraded_and_rolledback(shop, graph, sink):
    dispatcher = sinks.Dispatcher(graph, [sink.url()], QUICK)
    dispatcher.sync()
    first = run_engine(shop, graph, {"payment": "1.0.0", "cart": "3.1.0"})
    run_engine(shop, graph, {"payment": "1.1.0", "cart": "3.1.0"})
    run_engine(shop, graph, {"payment": "1.0.0"})
    assert running(shop) == {"payment": "1.0.0", "cart": "3.1.0"}

    assert deliver_all(dispatcher) == 5
    events = [check_official(r["body"]) for r in sink.received]
    assert {r["content_type"] for r in sink.received} == {STRUCTURED}
    seen = [
        (e["context"]["type"], e["subject"]["id"], e["subject"]["content"]["artifactId"])
        for e in events
    ]
    assert seen == [
        ("dev.cdevents.service.deployed.0.3.0", "cart", "pkg:generic/cart@3.1.0"),
        (
            "dev.cdevents.service.deployed.0.3.0",
            "payment",
            f"pkg:oci/payment@sha256%3A{'10' * 32}?repository_url=reg/payment&tag=1.0.0",
        ),
        # the same cart again is deployed again; payment 1.1.0 replaced 1.0.0
        ("dev.cdevents.service.deployed.0.3.0", "cart", "pkg:generic/cart@3.1.0"),
        (
            "dev.cdevents.service.upgraded.0.3.0",
            "payment",
            f"pkg:oci/payment@sha256%3A{'11' * 32}?repository_url=reg/payment&tag=1.1.0",
        ),
        (
            "dev.cdevents.service.rolledback.0.3.0",
            "payment",
            f"pkg:oci/payment@sha256%3A{'10' * 32}?repository_url=reg/payment&tag=1.0.0",
        ),
    ]
    assert {e["subject"]["content"]["environment"]["id"] for e in events} == {"staging"}
    assert events[0]["context"]["source"] == f"/mercator/deployments/{first}"
    finished = shop.get(f"/api/v1/deployments/{first}").get_json()["finished_at"]
    assert events[0]["context"]["timestamp"] == finished
    # Delivered is written down: nothing goes twice.
    assert deliver_all(dispatcher) == 0 and len(sink.received) == 5
    assert all(
        [(d["status"], d["attempts"]) for d in row["deliveries"]] == [("delivered", 1)]
        for row in sinks.outbox(graph)
    )


def test_a_failed_engine_run_emits_nothing(shop, graph, sink):
    sinks.Dispatcher(graph, [sink.url()], QUICK).sync()
    script_engine(shop, "deploy-fail.sh")
    run_engine(shop, graph, {"payment": "1.0.0"})
    assert sinks.outbox(graph) == []


def test_registrations_and_recorded_deployments_emit_too(client, graph, sink):
    dispatcher = sinks.Dispatcher(graph, [sink.url()], QUICK)
    dispatcher.sync()
    put_environment(client, "prod", stage="prod")
    register(client, "payment", "2.0.0", image="reg/payment", digest=DIGEST)
    register(client, "payment", "2.0.0", expect=200, image="reg/payment", digest=DIGEST)  # a retry
    register(client, "payment", "1.9.0", image="reg/payment", digest="sha256:" + "19" * 32)
    deploy(
        client,
        environment="prod",
        status="succeeded",
        components=[{"component": "payment", "version": "2.0.0"}],
    )
    deploy(
        client,
        environment="prod",
        status="succeeded",
        components=[{"component": "payment", "version": "1.9.0"}],
    )
    deploy(
        client,
        environment="prod",
        status="failed",
        components=[{"component": "payment", "version": "2.0.0"}],
    )
    assert outbox_types(graph) == [
        (
            "artifact.published",
            f"pkg:oci/payment@sha256%3A{'ab' * 32}?repository_url=reg/payment&tag=2.0.0",
        ),
        (
            "artifact.published",
            f"pkg:oci/payment@sha256%3A{'19' * 32}?repository_url=reg/payment&tag=1.9.0",
        ),
        ("service.deployed", "payment"),
        # 1.9.0 is numerically below 2.0.0, although registered after it
        ("service.rolledback", "payment"),
    ]
    assert deliver_all(dispatcher) == 4
    for received in sink.received:
        check_official(received["body"])
    published_event = sink.received[0]["body"]["data"]
    assert published_event["subject"]["content"] == {"user": "test-admin"}


def test_what_mercator_emits_its_own_intake_reads_back(client, graph, sink):
    """An artifact.published and a service.deployed as Mercator emits them, sent to a
    Mercator that has neither: the version is registered, the deployment recorded."""
    dispatcher = sinks.Dispatcher(graph, [sink.url()], QUICK)
    dispatcher.sync()
    put_environment(client, "prod", stage="prod")
    register(client, "payment", "2.0.0", image="reg/payment", digest=DIGEST)
    deploy(
        client,
        environment="prod",
        status="succeeded",
        components=[{"component": "payment", "version": "2.0.0"}],
    )
    deliver_all(dispatcher)
    envelopes = [r["body"] for r in sink.received]

    graph.write("admin/delete_catalog_batch", limit=100000)
    put_environment(client, "prod", stage="prod")
    for envelope in envelopes:
        response = client.post(
            "/api/v1/events", data=json.dumps(envelope), headers={"Content-Type": STRUCTURED}
        )
        assert response.status_code == 200, response.get_json()
    version = client.get("/api/v1/components/payment/versions/2.0.0").get_json()
    assert (version["digest"], version["image"]) == (DIGEST, "reg/payment")
    assert running(client, "prod") == {"payment": "2.0.0"}


def test_without_sinks_nothing_is_stored(shop, graph, raw_cypher):
    run_engine(shop, graph, {"payment": "1.0.0"})
    register(shop, "payment", "1.2.0")
    assert "OutboxEvent" not in counts(raw_cypher)


def test_cdevents_applied_are_not_emitted_again(client, graph, sink):
    """What a pipeline's CDEvent told Mercator is on the bus already, from its source."""
    sinks.Dispatcher(graph, [sink.url()], QUICK).sync()
    put_environment(client, "prod", stage="prod")
    for event in (
        published("payment", "1.4.2", DIGEST),
        deployed("deployed", "payment", "prod", "payment", DIGEST),
    ):
        assert post(client, event).status_code == 200
    assert running(client, "prod") == {"payment": "1.4.2"}
    assert sinks.outbox(graph) == []


def test_a_sink_killed_during_50_engine_deployments_gets_all_50_once_back(client, graph, sink):
    put_environment(client, "staging", stage="staging")
    for patch in range(50):
        register(client, "payment", f"1.0.{patch}", derive=False)
    script_engine(client, "deploy-ok.sh")
    dispatcher = sinks.Dispatcher(graph, [sink.url()], QUICK)
    dispatcher.sync()
    stop = threading.Event()
    thread = dispatcher.start(stop)
    try:
        for patch in range(50):
            if patch == 10:
                wait_for(lambda: len(sink.received) >= 5)
                sink.stop()  # killed: connections are refused from now on
            run_engine(client, graph, {"payment": f"1.0.{patch}"})
        # The sink being down held up no deployment.
        assert running(client, "staging") == {"payment": "1.0.49"}
        waiting = sinks.outbox(graph, "pending", limit=500)
        assert len(waiting) >= 40
        assert max(d["attempts"] for row in waiting for d in row["deliveries"]) >= 1
        assert any("ConnectionError" in (row["deliveries"][0]["error"] or "") for row in waiting)

        sink.start()  # back, on the same port
        wait_for(lambda: sinks.outbox(graph, "pending") == [], timeout=60)
    finally:
        stop.set()
        thread.join(10)
    emitted = sinks.outbox(graph, limit=500)
    assert len(emitted) == 50
    assert all(row["deliveries"][0]["status"] == "delivered" for row in emitted)
    # At least once, and here exactly once: each event's round was written before the next.
    assert sorted(sink.ids()) == sorted(row["id"] for row in emitted)
    # In the order the deployments happened.
    versions = [
        r["body"]["data"]["subject"]["content"]["artifactId"].rpartition("@")[2]
        for r in sink.received
    ]
    assert versions == [f"1.0.{patch}" for patch in range(50)]
    types = [r["body"]["type"] for r in sink.received]
    assert (
        types
        == ["dev.cdevents.service.deployed.0.3.0"] + ["dev.cdevents.service.upgraded.0.3.0"] * 49
    )


def test_the_outbox_outlives_its_dispatcher(client, graph, sink):
    """Events written while no dispatcher runs (or one that stopped: a restart) are
    delivered by the next one, from Neo4j."""
    sinks.Dispatcher(graph, [sink.url()], QUICK).sync()
    put_environment(client, "prod", stage="prod")
    register(client, "payment", "2.0.0")
    register(client, "cart", "1.0.0")
    assert sink.received == []
    fresh = sinks.Dispatcher(graph, [sink.url()], QUICK)
    assert deliver_all(fresh) == 2
    assert [r["body"]["data"]["subject"]["id"] for r in sink.received] == [
        "pkg:generic/payment@2.0.0",
        "pkg:generic/cart@1.0.0",
    ]


def test_a_refusing_sink_and_a_failing_one(client, graph, sink):
    """A 4xx is final (refused, kept with the answer) and the next event goes; a 5xx
    keeps the event pending with its error and backs the sink off; each sink on its own."""
    sink.status_of = {"/refuses": 400, "/fails": 503}
    urls = [sink.url(), sink.url("/refuses"), sink.url("/fails")]
    dispatcher = sinks.Dispatcher(graph, urls, DeliverySettings(timeout=2, poll_interval=30))
    dispatcher.sync()
    register(client, "payment", "2.0.0")
    register(client, "cart", "1.0.0")

    assert dispatcher.deliver_due() == 2
    assert len(sink.ids()) == 2
    by_sink = {}
    for row in reversed(sinks.outbox(graph)):
        for d in row["deliveries"]:
            by_sink.setdefault(d["sink"], []).append((d["status"], d["attempts"], d["error"]))
    assert by_sink[sink.url()] == [("delivered", 1, None)] * 2
    assert by_sink[sink.url("/refuses")] == [("refused", 1, "HTTP 400: no")] * 2
    # The first failure stops that sink's round: the second event was not tried.
    assert by_sink[sink.url("/fails")] == [("pending", 1, "HTTP 503: no"), ("pending", 0, None)]
    # Backed off: the next round leaves the failing sink alone.
    dispatcher.deliver_due()
    attempts = [
        d["attempts"]
        for row in sinks.outbox(graph, "pending")
        for d in row["deliveries"]
        if d["sink"] == sink.url("/fails")
    ]
    assert sorted(attempts) == [0, 1]


def test_two_dispatchers_send_each_event_once(client, graph, sink):
    """Dispatchers of several processes share the outbox: a sink is one's at a time."""
    for patch in range(30):
        if patch == 0:
            sinks.Dispatcher(graph, [sink.url()], QUICK).sync()
        register(client, "payment", f"1.0.{patch}", derive=False)
    stop = threading.Event()
    threads = [sinks.Dispatcher(graph, [sink.url()], QUICK).start(stop) for _ in range(2)]
    try:
        wait_for(lambda: sinks.outbox(graph, "pending") == [], timeout=30)
    finally:
        stop.set()
        for thread in threads:
            thread.join(10)
    assert len(sink.ids()) == 30 == len(set(sink.ids()))


def test_a_sink_no_longer_configured_gets_nothing_new(client, graph, sink):
    old = sinks.Dispatcher(graph, [sink.url("/old")], QUICK)
    old.sync()
    register(client, "payment", "1.0.0")
    new = sinks.Dispatcher(graph, [sink.url()], QUICK)
    known = {row["url"]: (row["active"], row["pending"]) for row in new.sync()}
    assert known == {sink.url("/old"): (False, 1), sink.url(): (True, 0)}
    register(client, "payment", "1.1.0")
    assert deliver_all(new) == 1
    assert sink.ids("/old") == []


def test_the_sink_setting():
    settings = Settings.from_env(
        {
            "MERCATOR_EVENT_SINKS": "http://a.example/events, https://b.example/x http://a.example/events",
            "MERCATOR_EVENT_BACKOFF_MAX": "2.5",
        }
    )
    assert settings.event_sinks == ("http://a.example/events", "https://b.example/x")
    assert settings.delivery_settings().backoff_max == 2.5
    assert [settings.delivery_settings().backoff(n) for n in (1, 2, 3, 9)] == [1, 2, 2.5, 2.5]
    assert Settings.from_env({}).event_sinks == ()
    with pytest.raises(SettingError, match="MERCATOR_EVENT_SINKS"):
        Settings.from_env({"MERCATOR_EVENT_SINKS": "ftp://a.example/"})


def test_the_schemas_mercator_ships_are_the_official_ones():
    for shipped in APP_SCHEMAS.rglob("*.json"):
        assert shipped.read_bytes() == (OFFICIAL / shipped.relative_to(APP_SCHEMAS)).read_bytes()


def test_the_cli_delivers_and_lists_the_outbox(client, graph, sink, settings):
    env = {
        **os.environ,
        "MERCATOR_NEO4J_URI": settings.neo4j_uri,
        "MERCATOR_NEO4J_USER": settings.neo4j_user,
        "MERCATOR_NEO4J_PASSWORD": settings.neo4j_password,
    }

    def mercator(*args: str, expect: int = 0, **extra: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "app.cli", *args],
            env={**env, **extra},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == expect, done.stdout + done.stderr
        return done.stdout + done.stderr

    assert "MERCATOR_EVENT_SINKS" in mercator("events", "deliver", "--once", expect=2)
    sinks.Dispatcher(graph, [sink.url()], QUICK).sync()
    register(client, "payment", "2.0.0")
    listed = json.loads(mercator("events", "outbox", "--status", "pending", "-o", "json"))
    assert [row["subject"] for row in listed["items"]] == ["pkg:generic/payment@2.0.0"]

    shown = mercator("events", "deliver", "--once", MERCATOR_EVENT_SINKS=sink.url())
    assert "delivered 1 event(s)" in shown and sink.url() in shown
    assert len(sink.ids()) == 1
    table = mercator("events", "outbox")
    assert "service" not in table and f"{sink.url()} delivered" in table


def test_a_worker_process_delivers_what_its_deployments_emit(shop, graph, sink, settings):
    """`mercator worker` (also what `mercator serve` runs beside the web server) knows the
    sinks before it claims a deployment, and delivers what the deployment emits."""
    worker = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "worker"],
        env={
            **os.environ,
            "MERCATOR_NEO4J_URI": settings.neo4j_uri,
            "MERCATOR_NEO4J_USER": settings.neo4j_user,
            "MERCATOR_NEO4J_PASSWORD": settings.neo4j_password,
            "MERCATOR_WORKER_POLL_INTERVAL": "0.2",
            "MERCATOR_EVENT_SINKS": sink.url(),
            "MERCATOR_EVENT_POLL_INTERVAL": "0.1",
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        queued = execute(
            shop,
            application=None,
            version=None,
            components=[{"component": "payment", "version": "1.1.0"}],
        )
        wait_for(lambda: sink.ids(), timeout=60)
    finally:
        worker.terminate()
        _, stderr = worker.communicate(timeout=60)
    assert f"delivering events to {sink.url()}" in stderr
    (received,) = sink.received
    event = check_official(received["body"])
    assert event["context"]["source"] == f"/mercator/deployments/{queued['id']}"
    assert event["subject"]["id"] == "payment"


def test_a_dispatcher_makes_its_sinks_known_again_after_the_graph_was_emptied(
    client, graph, sink, monkeypatch
):
    from app.admin import database

    dispatcher = sinks.Dispatcher(graph, [sink.url()], QUICK)
    dispatcher.sync()
    database.reset(graph)
    register(client, "payment", "1.0.0")
    assert sinks.outbox(graph) == []  # no sink known: nothing written
    monkeypatch.setattr(sinks, "SYNC_EVERY", 0.0)
    dispatcher.deliver_due()
    register(client, "payment", "1.1.0")
    assert deliver_all(dispatcher) == 1
    assert [r["body"]["data"]["subject"]["id"] for r in sink.received] == [
        "pkg:generic/payment@1.1.0"
    ]
