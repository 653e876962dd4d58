"""The HTTP surface every later endpoint builds on: probes, one error shape, OpenAPI."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from openapi_spec_validator import validate

from app import create_app
from app.admin import database
from app.graph.schema import SCHEMA_VERSION


def assert_error_shape(response, status: int, code: str):
    assert response.status_code == status
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details", "request_id"}
    assert body["error"]["request_id"] == response.headers["X-Request-ID"]
    assert body["error"]["code"] == code
    assert body["error"]["message"]
    return body["error"]


def test_healthz_answers_without_touching_neo4j(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_readyz_reports_neo4j_reachable_and_schema_version(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {
        "status": "ready",
        "neo4j": "reachable",
        "schema_version": SCHEMA_VERSION,
    }


@pytest.fixture
def schema_record_restored(graph):
    """For tests that change the schema record: it is applied again afterwards."""
    yield
    database.init_schema(graph)


def test_readyz_reports_a_missing_schema_and_writes_nothing(
    client, raw_cypher, schema_record_restored
):
    raw_cypher("MATCH (m:MercatorSchema) DELETE m")
    error = assert_error_shape(client.get("/readyz"), 503, "unavailable")
    assert "no Mercator schema" in error["message"] and "mercator db init" in error["message"]
    assert error["details"] == {"missing": "schema", "recorded": None, "expected": SCHEMA_VERSION}
    assert raw_cypher("MATCH (m:MercatorSchema) RETURN m.version AS v") == []


def test_readyz_reports_an_older_schema_and_writes_nothing(
    client, raw_cypher, schema_record_restored
):
    raw_cypher("MATCH (m:MercatorSchema) SET m.version = $v", v=SCHEMA_VERSION - 1)
    error = assert_error_shape(client.get("/readyz"), 503, "unavailable")
    assert f"needs {SCHEMA_VERSION}" in error["message"]
    assert error["details"]["recorded"] == SCHEMA_VERSION - 1
    assert raw_cypher("MATCH (m:MercatorSchema) RETURN m.version AS v") == [
        {"v": SCHEMA_VERSION - 1}
    ]


def test_readyz_refuses_a_graph_written_by_a_newer_mercator(
    client, raw_cypher, schema_record_restored
):
    raw_cypher("MATCH (m:MercatorSchema) SET m.version = 999")
    error = assert_error_shape(client.get("/readyz"), 503, "unavailable")
    assert error["details"] == {"recorded": 999, "expected": SCHEMA_VERSION}


def test_building_the_app_writes_nothing_and_starts_no_thread(
    settings, raw_cypher, schema_record_restored
):
    import threading

    raw_cypher("MATCH (m:MercatorSchema) DELETE m")
    threads = set(threading.enumerate())
    flask_app = create_app(settings)
    try:
        assert set(threading.enumerate()) == threads
        assert raw_cypher("MATCH (m:MercatorSchema) RETURN m") == []
        assert "mercator.workers" not in flask_app.extensions
    finally:
        flask_app.extensions["mercator.graph"].close()


def test_unreachable_neo4j_is_a_503_with_retry_after_not_a_traceback(settings):
    nowhere = replace(settings, neo4j_uri="bolt://127.0.0.1:9", retry_time=0.0)
    client = create_app(nowhere).test_client()  # starts even though Neo4j is not there
    response = client.get("/readyz")
    assert_error_shape(response, 503, "unavailable")
    assert response.headers["Retry-After"] == "5"
    assert client.get("/healthz").status_code == 200


def test_a_503_tells_callers_nothing_of_where_neo4j_is(settings, caplog):
    """Only /readyz (for operators) and the log name the Neo4j address."""
    nowhere = replace(settings, neo4j_uri="bolt://127.0.0.1:9", retry_time=0.0)
    client = create_app(nowhere).test_client()
    for path in ("/api/v1/components", "/api/v1/teams/x", "/api/v1/environments"):
        caplog.clear()
        response = client.get(path)
        error = assert_error_shape(response, 503, "unavailable")
        assert "127.0.0.1:9" not in response.get_data(as_text=True), path
        assert not (error["details"] or {}).get("neo4j"), path
        assert "127.0.0.1:9" in caplog.text, path
    ready = client.get("/readyz")
    assert "127.0.0.1:9" in assert_error_shape(ready, 503, "unavailable")["details"]["neo4j"]


@pytest.mark.parametrize(
    ("method", "path", "status", "code"),
    [
        ("get", "/api/no/such/page", 404, "not_found"),
        ("get", "/api/v1/nothing-here", 404, "not_found"),
        ("post", "/healthz", 405, "method_not_allowed"),
        ("delete", "/readyz", 405, "method_not_allowed"),
    ],
)
def test_http_errors_use_the_one_error_shape(client, method, path, status, code):
    response = getattr(client, method)(path)
    assert_error_shape(response, status, code)
    assert b"<html" not in response.data.lower()


def test_unexpected_exceptions_become_a_json_500(app):
    @app.route("/api/v1/boom")
    def boom():
        raise RuntimeError("secret internals")

    app.config["TESTING"] = False  # let the error handler run as in production
    response = app.test_client().get("/api/v1/boom")
    error = assert_error_shape(response, 500, "internal")
    assert "secret internals" not in response.get_data(as_text=True)
    assert error["details"] is None


def test_openapi_document_is_valid_and_lists_every_route(app, client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.get_json()
    validate(document)
    documented = set(document["paths"])
    for rule in app.url_map.iter_rules():
        if rule.endpoint in {"static", "swagger_assets"} or rule.rule.startswith("/api/v1/docs"):
            continue
        if rule.endpoint.startswith("web."):  # pages for people, not the API
            continue
        if rule.rule == "/api/v1/openapi.json":
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
        assert path in documented, f"{rule.rule} is served but not documented"
    assert "Error" in document["components"]["schemas"]


def test_interactive_docs_are_served_from_this_app_not_a_cdn(client):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "https://" not in html and "http://" not in html
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css", "swagger-ui-standalone-preset.js"):
        assert f"/api/v1/docs/assets/{asset}" in html
        served = client.get(f"/api/v1/docs/assets/{asset}")
        assert served.status_code == 200 and len(served.data) > 1000
