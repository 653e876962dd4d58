"""Limits that keep one request from pinning the service or the database: body size, page
size, report depth and result size, and time limits on every Neo4j transaction."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from dataclasses import replace

import pytest
import requests
from click.testing import CliRunner
from werkzeug.serving import make_server

from app import create_app
from app.access import tokens
from app.admin import database
from app.cli import cli
from app.config import Settings
from app.core import paging
from app.graph import Graph
from app.graph.local_neo4j import LocalServer
from app.http.context import GRAPH_KEY
from app.reports import reports
from tests.catalog import register
from tests.neo4j_for_tests import local_test_settings
from tests.test_http_basics import assert_error_shape
from tests.test_packages import CDX, cyclonedx


@pytest.mark.parametrize(
    ("path", "field", "maximum"),
    [
        ("/api/v1/components/api/blast-radius?depth=50", "depth", reports.MAX_DEPTH),
        ("/api/v1/components/api/blast-radius/map?depth=50", "depth", reports.MAX_DEPTH),
        ("/api/v1/components/api/map?depth=50", "depth", 5),
        ("/api/v1/components/api/blast-radius?limit=50000", "limit", reports.MAX_CONSUMER_LIMIT),
        ("/api/v1/packages/blast-radius?name=x&limit=50000", "limit", reports.MAX_CONSUMER_LIMIT),
        ("/api/v1/components?limit=5000", "limit", paging.MAX_LIMIT),
        ("/api/v1/deployments?limit=5000", "limit", paging.MAX_LIMIT),
    ],
)
def test_asking_for_more_than_a_limit_is_a_400_naming_it(client, path, field, maximum):
    register(client, "api", "1.0.0")
    error = assert_error_shape(client.get(path), 400, "invalid")
    assert str(maximum) in " ".join(error["details"][field])


def test_the_cli_refuses_a_depth_past_the_limit_before_asking(settings, graph):
    env = {"MERCATOR_NEO4J_URI": "bolt://127.0.0.1:9"}  # never reached
    result = CliRunner().invoke(cli, ["report", "blast-radius", "api", "--depth", "50"], env=env)
    assert result.exit_code == 2
    assert "50 is not in the range 1<=x<=10" in result.output


def test_a_package_blast_radius_lists_at_most_limit_versions_and_says_so(client):
    sbom = cyclonedx(("pkg:maven/org.example/shared@1.0.0", []))
    for number in range(3):
        register(client, "svc", f"1.0.{number}")
        response = client.put(
            f"/api/v1/components/svc/versions/1.0.{number}/sbom", data=sbom, content_type=CDX
        )
        assert response.status_code == 201
    url = "/api/v1/packages/blast-radius?purl=pkg:maven/org.example/shared@1.0.0"
    whole = client.get(url).get_json()
    assert (len(whole["component_versions"]), whole["truncated"]) == (3, False)
    cut = client.get(url + "&limit=2").get_json()
    assert [v["version"] for v in cut["component_versions"]] == ["1.0.0", "1.0.1"]
    assert (cut["component_version_count"], cut["truncated"]) == (3, True)


def test_a_package_blast_radius_pages_component_versions_and_applications(client, settings):
    """Both long lists of a package's blast radius come a page at a time, all of them
    counted, as a component's blast radius's do: the component versions (offset, limit)
    and the application versions (application_offset, application_limit); the CLI twin
    pages alike."""
    sbom = cyclonedx(("pkg:maven/org.example/shared@1.0.0", []))
    for number in range(3):
        register(client, "svc", f"1.0.{number}", applications=["shop"])  # shop 1.0.0-1.0.2
        attach_url = f"/api/v1/components/svc/versions/1.0.{number}/sbom"
        assert client.put(attach_url, data=sbom, content_type=CDX).status_code == 201
    url = "/api/v1/packages/blast-radius?purl=pkg:maven/org.example/shared@1.0.0&all_versions=true"

    def page(query: str) -> tuple:
        body = client.get(url + query).get_json()
        return (
            [v["version"] for v in body["component_versions"]],
            body["component_version_count"],
            body["truncated"],
            [a["version"] for a in body["applications"]],
            body["application_count"],
            body["applications_truncated"],
        )

    every = ["1.0.0", "1.0.1", "1.0.2"]
    assert page("") == (every, 3, False, every, 3, False)
    assert page("&offset=1&limit=1&application_offset=2&application_limit=1") == (
        ["1.0.1"],
        3,
        True,
        ["1.0.2"],
        3,
        False,
    )
    assert page("&application_limit=2") == (every, 3, False, ["1.0.0", "1.0.1"], 3, True)
    far = page(f"&offset={paging.MAX_OFFSET}&application_offset=14768229877")  # past 2**31
    assert far == ([], 3, False, [], 3, False)
    radius = client.get("/api/v1/components/svc/blast-radius?application_offset=14768229877")
    assert radius.status_code == 200 and radius.get_json()["applications"] == []
    too_many = client.get(url + f"&application_limit={reports.MAX_APPLICATION_LIMIT + 1}")
    assert "application_limit" in assert_error_shape(too_many, 400, "invalid")["details"]

    env = {
        "MERCATOR_NEO4J_URI": settings.neo4j_uri,
        "MERCATOR_NEO4J_PASSWORD": settings.neo4j_password,
    }
    twin = CliRunner().invoke(
        cli,
        [
            "report",
            "package-blast-radius",
            "--purl",
            "pkg:maven/org.example/shared@1.0.0",
            "--all-versions",
            "--offset",
            "1",
            "--limit",
            "1",
            "--application-offset",
            "2",
            "--application-limit",
            "1",
            "-o",
            "json",
        ],
        env=env,
    )
    assert twin.exit_code == 0, twin.output
    assert (
        json.loads(twin.stdout)
        == client.get(url + "&offset=1&limit=1&application_offset=2&application_limit=1").get_json()
    )


@pytest.fixture
def served():
    """Serve an app built from given settings over real HTTP; yields a starter."""
    started = []

    def serve(settings: Settings) -> str:
        flask_app = create_app(settings)
        server = make_server("127.0.0.1", 0, flask_app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        started.append((server, flask_app))
        return f"http://127.0.0.1:{server.server_port}"

    yield serve
    for server, flask_app in started:
        server.shutdown()
        flask_app.extensions["mercator.graph"].close()


@pytest.fixture
def gunicorn_url(settings, graph, tmp_path):
    """`mercator serve` (gunicorn, as in production) with a 1 KiB body limit."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "MERCATOR_NEO4J_URI": settings.neo4j_uri,
        "MERCATOR_NEO4J_USER": settings.neo4j_user,
        "MERCATOR_NEO4J_PASSWORD": settings.neo4j_password,
        "MERCATOR_MAX_BODY_BYTES": "1024",
    }
    command = [sys.executable, "-m", "app.cli", "serve", "--port", str(port), "--workers", "1"]
    log = (tmp_path / "serve.log").open("wb")
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(f"{url}/healthz", timeout=2).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            assert process.poll() is None and time.monotonic() < deadline, "serve did not start"
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def test_a_chunked_body_over_the_limit_is_413_in_production_serving(gunicorn_url, auth_headers):
    def chunks():
        yield b'{"version": "1.0.0", "description": "'
        for _ in range(64):
            yield b"x" * 1024
        yield b'"}'

    response = requests.post(
        f"{gunicorn_url}/api/v1/components/big/versions",
        data=chunks(),
        headers={**auth_headers, "Content-Type": "application/json"},
        timeout=30,
    )
    assert response.status_code == 413, response.text
    assert response.json()["error"]["code"] == "request_entity_too_large"
    assert requests.get(f"{gunicorn_url}/api/v1/components/big", timeout=30).status_code == 404


def test_a_request_past_the_query_time_limit_is_stopped_with_a_clear_503(
    settings, graph, served, auth_headers, raw_cypher
):
    """Another transaction holds the team's lock (as a stuck writer or a heavy query would);
    the request gives up at MERCATOR_QUERY_TIMEOUT instead of waiting with it."""
    import neo4j

    base_url = served(replace(settings, query_timeout=1.0, retry_time=0.0))
    raw_cypher("CREATE (:Team {name: 'payments', email: 'old@example.com'})")
    driver = neo4j.GraphDatabase.driver(
        settings.neo4j_uri, auth=(settings.neo4j_user, settings.neo4j_password)
    )
    with driver.session(database=settings.neo4j_database) as session:
        blocker = session.begin_transaction()
        blocker.run("MATCH (t:Team {name: 'payments'}) SET t.pager = 'held'").consume()
        started = time.monotonic()
        response = requests.put(
            f"{base_url}/api/v1/teams/payments",
            json={"email": "new@example.com"},
            headers=auth_headers,
            timeout=60,
        )
        waited = time.monotonic() - started
        blocker.rollback()
    driver.close()
    assert response.status_code == 503
    assert response.headers["Retry-After"]
    error = response.json()["error"]
    assert error["code"] == "timeout" and "MERCATOR_QUERY_TIMEOUT" in error["message"]
    assert waited < 30  # stopped at its limit, not at the end of the other transaction
    team = requests.get(f"{base_url}/api/v1/teams/payments", timeout=30).json()
    assert team["email"] == "old@example.com"


def test_the_local_server_bounds_every_transaction(tmp_path):
    settings = Settings.from_env(
        {
            "MERCATOR_NEO4J_HOME": str(tmp_path / "neo4j"),
            "MERCATOR_NEO4J_TRANSACTION_TIMEOUT": "45s",
        }
    )
    conf = LocalServer(settings).write_config().read_text(encoding="utf-8")
    assert "db.transaction.timeout=45s" in conf.splitlines()


def test_a_query_past_neo4js_memory_limit_is_a_clear_503_at_once():
    """A local server whose transactions may hold 16 MiB each (MERCATOR_NEO4J_TRANSACTION_MEMORY),
    and an SBOM whose write needs more. Before, Neo4j's memory error (a transient one) was
    retried for MERCATOR_RETRY_TIME and then answered "Neo4j is not reachable", which is
    not what happened; now it says what did, at once, and nothing is written."""
    settings = local_test_settings(
        "test-neo4j-memory",
        int(os.environ.get("MERCATOR_MEMORY_NEO4J_BOLT_PORT", "17690")),
        int(os.environ.get("MERCATOR_MEMORY_NEO4J_HTTP_PORT", "17477")),
        heap="512m",
        pagecache="64m",
    )
    settings = replace(settings, local=replace(settings.local, transaction_memory="16m"))
    server = LocalServer(settings)
    server.stop()  # one left over from an interrupted run
    shutil.rmtree(server.data_dir, ignore_errors=True)  # and its data
    server.start()
    graph = Graph.from_settings(settings)
    try:
        database.init_schema(graph)
        _, token = tokens.create(graph, "memory", ["admin"])
        app = create_app(settings)
        attempts = []
        app.extensions[GRAPH_KEY].observers.append(attempts.append)
        client = app.test_client()
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        register(client, "svc", "1.0.0")
        sbom = cyclonedx(*((f"pkg:pypi/package-{n}@1.0.{n}", []) for n in range(20_000)))
        del attempts[:]
        response = client.put(
            "/api/v1/components/svc/versions/1.0.0/sbom", data=sbom, content_type=CDX
        )
        stored = client.get("/api/v1/components/svc/versions/1.0.0/sbom")
    finally:
        graph.close()
        server.stop()
    assert_error_shape(response, 503, "out_of_memory")
    assert "more memory than Neo4j allows" in response.get_json()["error"]["message"]
    # one failed attempt, of its own kind: not retried
    assert [event.error for event in attempts if event.error] == ["out_of_memory"]
    assert (stored.get_json()["digest"], stored.get_json()["packages"]) == (None, 0)
