"""Neo4j stopped, or killed with SIGKILL in the middle of an import and of registrations,
then restarted: what the API answers meanwhile, and what the graph holds afterwards.

One Neo4j of this module's own (`MERCATOR_FAULTS_NEO4J_BOLT_PORT` / `_HTTP_PORT`, data in
`.mercator/test-neo4j-faults`), so stopping and killing it disturbs no other test, and one
`mercator serve` (gunicorn) in front of it that is never restarted: recovering is its job.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import signal
import threading
import time
import uuid
from collections import Counter
from dataclasses import replace
from typing import Any

import neo4j
import pytest
import requests

from app import transfer
from app.access import tokens
from app.admin import database
from app.errors import Unavailable
from app.graph import Graph
from app.graph.local_neo4j import LocalServer
from benchmarks import generate
from tests.headers import api_headers
from tests.live_api import served
from tests.neo4j_for_tests import local_test_settings

BOLT_PORT = int(os.environ.get("MERCATOR_FAULTS_NEO4J_BOLT_PORT", "17689"))
HTTP_PORT = int(os.environ.get("MERCATOR_FAULTS_NEO4J_HTTP_PORT", "17476"))

#: Seconds the API (and the import) retry a lost Neo4j before giving up with a 503:
#: short, so a test does not wait the production default for every refused request.
RETRY_TIME = 1.0


@pytest.fixture(scope="module")
def neo4j_server():
    settings = local_test_settings(
        "test-neo4j-faults", BOLT_PORT, HTTP_PORT, heap="1g", pagecache="256m"
    )
    server = LocalServer(replace(settings, retry_time=RETRY_TIME))
    server.stop()  # one left over from an interrupted run
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def api(neo4j_server: LocalServer):
    with served(neo4j_server.settings, workers=1, threads=8, retry_time=RETRY_TIME) as base_url:
        yield base_url


@pytest.fixture(scope="module")
def admin_token(neo4j_server: LocalServer) -> str:
    """A token of this module's own Neo4j (a name of its own: the data folder outlives runs)."""
    graph = Graph.from_settings(neo4j_server.settings)
    database.init_schema(graph)
    try:
        _, token = tokens.create(graph, f"faults-{uuid.uuid4().hex[:8]}", ["admin"])
    finally:
        graph.close()
    return token


@pytest.fixture
def own_graph(neo4j_server: LocalServer):
    """This module's Neo4j, emptied (schema kept), as the services see it."""
    graph = Graph.from_settings(neo4j_server.settings)
    database.init_schema(graph)
    database.reset(graph)
    yield graph
    graph.close()


@pytest.fixture
def http(admin_token: str):
    session = requests.Session()
    session.headers.update(api_headers(admin_token))
    yield session
    session.close()


def kill_neo4j(server: LocalServer) -> None:
    """SIGKILL the server's JVM: no checkpoint, no clean close of its store files."""
    pid = server.status().pid
    assert pid is not None, "Neo4j is not running"
    os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)  # our child: reap it so it does not linger as a zombie
    assert server.status().running is False


def cypher(server: LocalServer, query: str, **params: Any) -> list[dict[str, Any]]:
    """Ad-hoc Cypher behind Mercator's back, as in Neo4j Browser."""
    settings = server.settings
    with neo4j.GraphDatabase.driver(
        settings.neo4j_uri, auth=(settings.neo4j_user, settings.neo4j_password)
    ) as driver:
        records, _, _ = driver.execute_query(query, params)
        return [record.data() for record in records]


# -- what "consistent" means ------------------------------------------------------------
def assert_version_chains_whole(server: LocalServer, parent: str, version: str) -> None:
    """Every `version` node hangs from exactly one `parent` of its name; each parent's
    `version_count`, `latest_version`, `seq` 1..n and `PREVIOUS` chain agree."""
    key = "component" if parent == "Component" else "application"
    rows = cypher(
        server,
        f"MATCH (v:{version}) "
        f"OPTIONAL MATCH (p:{parent})-[:HAS_VERSION]->(v) "
        "OPTIONAL MATCH (v)-[:PREVIOUS]->(before) "
        f"RETURN v.{key} AS parent, v.version AS version, v.seq AS seq, "
        "collect(DISTINCT p.name) AS owners, collect(DISTINCT before.version) AS previous",
    )
    parents = {
        row["name"]: row
        for row in cypher(
            server,
            f"MATCH (p:{parent}) WHERE p.version_count IS NOT NULL "
            "RETURN p.name AS name, p.version_count AS count, p.latest_version AS latest",
        )
    }
    by_parent: dict[str, dict[int, dict[str, Any]]] = {}
    for row in rows:
        assert row["owners"] == [row["parent"]], f"{version} without its {parent}: {row}"
        assert row["seq"] not in by_parent.setdefault(row["parent"], {}), f"seq twice: {row}"
        by_parent[row["parent"]][row["seq"]] = row
    assert set(by_parent) == set(parents), f"{parent}s and their versions disagree"
    for name, versions in by_parent.items():
        count = parents[name]["count"]
        assert sorted(versions) == list(range(1, count + 1)), f"{name}: seq gap"
        assert versions[count]["version"] == parents[name]["latest"], f"{name}: latest"
        for seq, row in versions.items():
            expected = [versions[seq - 1]["version"]] if seq > 1 else []
            assert row["previous"] == expected, f"{name} {row['version']}: PREVIOUS"


def assert_application_versions_whole(server: LocalServer) -> None:
    """Each application version includes existing component versions, one per component."""
    rows = cypher(
        server,
        "MATCH (av:ApplicationVersion) OPTIONAL MATCH (av)-[:INCLUDES]->(cv:ComponentVersion) "
        "RETURN av.application AS application, av.version AS version, "
        "collect(cv.component) AS components",
    )
    for row in rows:
        assert row["components"], f"application version without components: {row}"
        duplicated = [c for c, n in Counter(row["components"]).items() if n > 1]
        assert not duplicated, f"two versions of {duplicated} in {row}"


def assert_catalog_consistent(server: LocalServer) -> None:
    assert_version_chains_whole(server, "Component", "ComponentVersion")
    assert_version_chains_whole(server, "Application", "ApplicationVersion")
    assert_application_versions_whole(server)


# -- Neo4j stopped ----------------------------------------------------------------------
def test_api_answers_503_with_retry_after_while_neo4j_is_stopped_and_recovers_by_itself(
    neo4j_server, api, own_graph, http
):
    registration = {"version": "1.0.0", "owner": "payments", "applications": ["shop"]}
    assert http.post(f"{api}/api/v1/components/payment/versions", json=registration).ok

    neo4j_server.stop()
    requests_while_down = [
        ("GET", "/readyz", None),
        ("GET", "/api/v1/components", None),
        ("GET", "/api/v1/components/payment", None),
        ("GET", "/api/v1/applications/shop/versions/1.0.0/bom", None),
        ("GET", "/api/v1/components/payment/blast-radius", None),
        ("POST", "/api/v1/components/payment/versions", {"version": "1.0.1"}),
        ("PUT", "/api/v1/teams/payments", {"email": "payments@example.com"}),
        ("PUT", "/api/v1/environments/prod", {"stage": "prod"}),
        (
            "POST",
            "/api/v1/deployments",
            {"environment": "prod", "status": "succeeded", "application": "shop", "version": "1"},
        ),
    ]
    for method, path, body in requests_while_down:
        response = http.request(method, f"{api}{path}", json=body, timeout=30)
        assert response.status_code == 503, (method, path, response.text)
        assert response.headers["Retry-After"].isdigit(), (method, path)
        assert response.json()["error"]["code"] == "unavailable", (method, path)
    assert http.get(f"{api}/healthz").status_code == 200  # alive: no reason to restart it

    neo4j_server.start()
    ready = _wait_until_ready(http, api)
    assert ready.status_code == 200, ready.text
    component = http.get(f"{api}/api/v1/components/payment").json()
    assert component["latest_version"] == "1.0.0"  # a clean stop loses nothing committed
    assert http.post(f"{api}/api/v1/components/payment/versions", json={"version": "1.0.1"}).ok
    assert http.put(f"{api}/api/v1/environments/prod", json={"stage": "prod"}).ok


def _wait_until_ready(http: requests.Session, api: str, timeout: float = 60) -> requests.Response:
    """The API's own recovery, given time for Neo4j to finish starting (not for the API:
    it is never restarted)."""
    deadline = time.monotonic() + timeout
    while True:
        response = http.get(f"{api}/readyz", timeout=30)
        if response.status_code != 503 or time.monotonic() > deadline:
            return response
        time.sleep(0.5)


# -- SIGKILL mid-import -----------------------------------------------------------------
IMPORT_BATCH = 50


def _catalog_document() -> dict[str, Any]:
    """A generated catalog large enough that its import takes dozens of transactions."""
    size = replace(
        generate.SIZES["small"],
        components=60,
        component_versions=1500,
        applications=6,
        versions_per_application=10,
        components_per_application=8,
        environments=3,
        deployments=150,
    )
    return generate.generate(size)


def test_sigkill_mid_import_leaves_whole_batches_and_importing_again_completes_it(
    neo4j_server, own_graph
):
    document = _catalog_document()
    # What the import writes when nothing goes wrong, to compare the recovered graph with.
    transfer.import_catalog(own_graph, document, batch_size=IMPORT_BATCH)
    expected = transfer.dump(transfer.export_catalog(own_graph))
    database.reset(own_graph)

    versions = document["component_versions"]
    reported: dict[str, int] = {}
    third_written = threading.Event()
    outcome: dict[str, BaseException] = {}

    def progress(kind: str, done: int, total: int) -> None:
        reported[kind] = done
        if kind == "component_versions" and done >= total // 3:
            third_written.set()

    def run_import() -> None:
        graph = Graph.from_settings(neo4j_server.settings)
        try:
            transfer.import_catalog(graph, document, batch_size=IMPORT_BATCH, progress=progress)
        except BaseException as exc:  # noqa: BLE001 - handed to the test thread
            outcome["error"] = exc
        finally:
            graph.close()

    importer = threading.Thread(target=run_import)
    importer.start()
    assert third_written.wait(120), f"the import never got a third through: {reported}"
    kill_neo4j(neo4j_server)  # the next batch's transaction is open or about to be
    importer.join(120)
    assert isinstance(outcome.get("error"), Unavailable), outcome

    neo4j_server.start()
    # What the killed import left: whole batches of component versions, in document order
    # (the batch in flight at the kill is there whole, or not at all), and nothing of the
    # kinds written after them.
    present = {
        (row["component"], row["version"])
        for row in cypher(
            neo4j_server,
            "MATCH (v:ComponentVersion) RETURN v.component AS component, v.version AS version",
        )
    }
    done = reported["component_versions"]
    assert len(present) in (done, done + IMPORT_BATCH), (len(present), done)
    assert present == {(v["component"], v["version"]) for v in versions[: len(present)]}
    dependencies = cypher(
        neo4j_server, "MATCH (:ComponentVersion)-[d:DEPENDS_ON]->() RETURN count(d) AS n"
    )[0]["n"]
    assert dependencies == sum(len(v["dependencies"]) for v in versions[: len(present)])
    assert (
        cypher(neo4j_server, "MATCH (n:ApplicationVersion|Deployment) RETURN count(n) AS n")[0]["n"]
        == 0
    )
    assert_catalog_consistent(neo4j_server)

    # Importing the same document again writes what is missing and nothing twice.
    summary = transfer.import_catalog(own_graph, document, batch_size=IMPORT_BATCH)
    assert summary["component_versions"] == {
        "created": len(versions) - len(present),
        "existing": len(present),
    }
    assert transfer.dump(transfer.export_catalog(own_graph)) == expected
    assert_catalog_consistent(neo4j_server)


# -- SIGKILL mid-registration -----------------------------------------------------------
PIPELINES = 6
#: Successful registrations before the kill, so some are surely in flight when it lands.
REGISTERED_BEFORE_KILL = 30


def test_sigkill_mid_registration_keeps_each_registration_whole_and_retries_converge(
    neo4j_server, api, own_graph, http, admin_token
):
    components = [f"svc-{i}" for i in range(PIPELINES)]
    applications = {"shop": components, "tools": components[:3]}
    for name in components:
        assert http.post(f"{api}/api/v1/components/{name}/versions", json={"version": "1.0.0"}).ok
    for app, members in applications.items():
        body = {"components": [{"component": c, "version": "1.0.0"} for c in members]}
        assert http.post(f"{api}/api/v1/applications/{app}/versions", json=body).ok

    acknowledged: list[tuple[str, str]] = []  # answered 201
    unanswered: list[tuple[str, dict[str, Any]]] = []  # refused or cut off: outcome unknown
    unexpected: list[str] = []  # answers other than 201 and 503
    lock = threading.Lock()
    enough = threading.Event()

    def pipeline(component: str) -> None:
        session = requests.Session()
        session.headers.update(api_headers(admin_token))
        for n in range(1, 10_000):
            digest = "sha256:" + hashlib.sha256(f"{component}-{n}".encode()).hexdigest()
            body = {"version": f"1.{n}.0", "digest": digest, "git_commit": "c0ffee0"}
            try:
                response = session.post(
                    f"{api}/api/v1/components/{component}/versions", json=body, timeout=60
                )
            except requests.RequestException:
                response = None
            with lock:
                if response is None or response.status_code != 201:
                    if response is not None and response.status_code != 503:
                        unexpected.append(response.text)
                    unanswered.append((component, body))
                    return
                acknowledged.append((component, body["version"]))
                if len(acknowledged) >= REGISTERED_BEFORE_KILL:
                    enough.set()

    threads = [threading.Thread(target=pipeline, args=(c,)) for c in components]
    for thread in threads:
        thread.start()
    assert enough.wait(120), "the pipelines never registered enough to kill mid-way"
    kill_neo4j(neo4j_server)
    for thread in threads:
        thread.join(120)
    assert not unexpected
    assert len(unanswered) == PIPELINES  # each pipeline stopped at its first failure

    neo4j_server.start()
    assert _wait_until_ready(http, api).status_code == 200
    # Every acknowledged registration survived the kill, and everything is whole.
    held = _registered(neo4j_server)
    assert set(acknowledged) <= set(held)
    assert_catalog_consistent(neo4j_server)

    # Pipelines retry what got no answer with the same body: registered now (201), or it
    # had committed before the kill and only the answer was lost (200).
    for component, body in unanswered:
        response = http.post(f"{api}/api/v1/components/{component}/versions", json=body)
        assert response.status_code in (200, 201), response.text
    held = _registered(neo4j_server)
    expected = set(acknowledged) | {(c, body["version"]) for c, body in unanswered}
    assert Counter(held) == Counter({pair: 1 for pair in expected} | _seeds(components))
    assert_catalog_consistent(neo4j_server)

    # Each registration derived exactly one version of each application holding the
    # component, and every application's latest version holds the latest of each.
    for app, members in applications.items():
        registered = sum(1 for component, _ in expected if component in members)
        chain = http.get(f"{api}/api/v1/applications/{app}/versions?limit=500").json()
        assert len(chain["items"]) == 1 + registered
        latest = http.get(f"{api}/api/v1/applications/{app}").json()["latest_version"]
        detail = http.get(f"{api}/api/v1/applications/{app}/versions/{latest}").json()
        latest_of = {
            c: http.get(f"{api}/api/v1/components/{c}").json()["latest_version"] for c in members
        }
        assert {m["component"]: m["version"] for m in detail["components"]} == latest_of


def _registered(server: LocalServer) -> list[tuple[str, str]]:
    rows = cypher(
        server, "MATCH (v:ComponentVersion) RETURN v.component AS component, v.version AS version"
    )
    return [(row["component"], row["version"]) for row in rows]


def _seeds(components: list[str]) -> dict[tuple[str, str], int]:
    return {(c, "1.0.0"): 1 for c in components}
