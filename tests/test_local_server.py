"""`mercator neo4j start|stop|status` on a server of its own, and the API riding it out.

This starts a second local Neo4j (own ports and folder) so stopping it cannot disturb the
other tests.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import replace

import pytest

from app import create_app
from app.admin import database
from app.errors import LocalServerError
from app.graph import Graph
from app.graph.local_neo4j import LocalServer
from tests.neo4j_for_tests import local_test_settings


@pytest.fixture(scope="module")
def own_server():
    settings = local_test_settings(
        "test-neo4j-lifecycle", bolt_port=17688, http_port=17475, heap="512m", pagecache="128m"
    )
    server = LocalServer(settings)
    server.stop()  # a server left over from an interrupted run
    server.start()
    yield server
    server.stop()


def _cypher(settings, query: str, **params):
    """Ad-hoc Cypher straight through the driver, as in Neo4j Browser."""
    import neo4j

    with neo4j.GraphDatabase.driver(
        settings.neo4j_uri, auth=(settings.neo4j_user, settings.neo4j_password)
    ) as driver:
        records, _, _ = driver.execute_query(query, params)
        return [record.data() for record in records]


def test_start_is_a_no_op_when_running_and_status_says_where(own_server):
    assert own_server.start() is False
    status = own_server.status()
    assert status.running and status.pid
    assert status.bolt_uri == "bolt://127.0.0.1:17688"


def test_written_conf_listens_on_loopback_with_auth_and_sizes(own_server):
    conf = (own_server.conf_dir / "neo4j.conf").read_text()
    assert "server.default_listen_address=127.0.0.1" in conf
    assert "dbms.security.auth_enabled=true" in conf
    assert "server.memory.heap.max_size=512m" in conf
    assert "server.memory.pagecache.size=128m" in conf
    assert "dbms.usage_report.enabled=false" in conf


def test_browser_is_served_on_the_http_port(own_server):
    import urllib.request

    with urllib.request.urlopen("http://127.0.0.1:17475/browser/", timeout=10) as response:
        assert response.status == 200
        assert b"<title>Neo4j Browser</title>" in response.read()


def test_wrong_password_is_refused(own_server):
    wrong = replace(own_server.settings, neo4j_password="not-the-password", retry_time=0)
    client = create_app(wrong).test_client()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert "credentials" in response.get_json()["error"]["message"]


def test_stale_pid_file_is_cleared(own_server, tmp_path):
    settings = replace(
        own_server.settings, local=replace(own_server.settings.local, home=tmp_path / "neo4j")
    )
    ghost = LocalServer(settings)
    ghost.pid_file.parent.mkdir(parents=True)
    ghost.pid_file.write_text(f"{os.getpid()}\n")  # a live process, but not a Neo4j
    assert ghost.status().running is False
    assert not ghost.pid_file.exists()


def test_taken_port_is_reported_clearly(own_server, tmp_path):
    settings = replace(
        own_server.settings, local=replace(own_server.settings.local, home=tmp_path / "other")
    )
    with pytest.raises(LocalServerError, match="port 17688"):
        LocalServer(settings).start()


def test_api_answers_503_while_neo4j_is_down_and_recovers_without_restart(own_server):
    settings = replace(own_server.settings, retry_time=0.0)
    graph = Graph.from_settings(settings)
    database.init_schema(graph)  # what `mercator serve` does before it serves
    graph.close()
    flask_app = create_app(settings)
    client = flask_app.test_client()
    assert client.get("/readyz").status_code == 200
    marker = f"survives-restart-{uuid.uuid4()}"
    _cypher(settings, "CREATE (:Team {name: $name})", name=marker)

    assert own_server.stop() is True
    assert own_server.status().running is False
    down = client.get("/readyz")
    assert down.status_code == 503
    assert down.get_json()["error"]["code"] == "unavailable"
    assert down.headers["Retry-After"]

    assert own_server.start() is True
    up = client.get("/readyz")
    assert up.status_code == 200, up.get_json()
    # A clean stop loses nothing committed.
    found = _cypher(settings, "MATCH (t:Team {name: $name}) RETURN count(t) AS n", name=marker)
    assert found == [{"n": 1}]
    flask_app.extensions["mercator.graph"].close()
