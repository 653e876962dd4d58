"""What a platform team watches: /metrics, JSON log lines and trace spans, on the real
app and a real Neo4j. One request is followed by its id from the response header, through
its log lines and its queries', to its spans."""

from __future__ import annotations

import io
import json
from dataclasses import replace

import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from prometheus_client.parser import text_string_to_metric_families

from app import create_app
from app.admin import demo
from app.cli.catalogs import LocalCatalog
from app.graph import Graph
from app.graph.db import QueryEvent, connect
from app.observability import logs, traces
from app.observability.flask_hooks import GAUGES_KEY
from tests.catalog import register
from tests.test_http_basics import assert_error_shape


def samples(text: str) -> dict[tuple[str, frozenset], float]:
    """Every sample of an exposition, keyed by (name, labels)."""
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def scrape(client, **headers) -> dict[tuple[str, frozenset], float]:
    response = client.get("/metrics", headers=headers)
    assert response.status_code == 200, response.data
    assert response.content_type.startswith("text/plain; version=0.0.4")
    return samples(response.get_data(as_text=True))


def value(found: dict, name: str, **labels) -> float:
    return found.get((name, frozenset(labels.items())), 0.0)


REQUESTS = "mercator_http_request_duration_seconds_count"
QUERIES = "mercator_neo4j_query_duration_seconds_count"


def test_requests_are_counted_by_route_template_and_status(client):
    route = "/api/v1/components/<name>"
    before = scrape(client)
    register(client, "payment", "1.0.0")
    for name in ("payment", "payment", "nope-1", "nope-2"):
        client.get(f"/api/v1/components/{name}")
    client.get("/no/such/page/at/all")
    after = scrape(client)

    def grew(**labels) -> float:
        return value(after, REQUESTS, **labels) - value(before, REQUESTS, **labels)

    assert grew(method="GET", route=route, status="200") == 2
    assert grew(method="GET", route=route, status="404") == 2
    # Unmatched paths share one label, so a scanner cannot blow up the series count.
    assert grew(method="GET", route="<unmatched>", status="404") == 1
    assert not any("nope-1" in str(key) for key in after)
    assert (
        value(after, "mercator_registrations_total", outcome="created")
        - value(before, "mercator_registrations_total", outcome="created")
        == 1
    )


def test_each_named_query_is_timed_and_registrations_counted_by_outcome(client):
    before = scrape(client)
    register(client, "cart", "2.0.0")
    register(client, "cart", "2.0.0", expect=200)  # again, same content: unchanged
    refused = client.post(
        "/api/v1/components/cart/versions", json={"version": "2.0.0", "image": "other/img"}
    )
    assert refused.status_code == 409
    client.get("/api/v1/components/cart/blast-radius")
    after = scrape(client)
    assert (
        value(after, QUERIES, query="reports/blast_radius")
        - value(before, QUERIES, query="reports/blast_radius")
        >= 1
    )
    for outcome, count in (("created", 1), ("unchanged", 1), ("conflict", 1)):
        grown = value(after, "mercator_registrations_total", outcome=outcome) - value(
            before, "mercator_registrations_total", outcome=outcome
        )
        assert grown == count, outcome


def test_a_failed_query_is_counted_by_its_kind(settings, client):
    unreachable = replace(settings, neo4j_uri="bolt://127.0.0.1:9", connect_timeout=0.5)
    graph = Graph(connect(unreachable), "neo4j", 5.0)
    heard: list[QueryEvent] = []
    graph.observers.append(heard.append)
    from app.observability import metrics

    graph.observers.append(metrics.observe_query)
    before = scrape(client)
    with pytest.raises(Exception, match="not reachable"):
        graph.ping()
    graph.close()
    assert [(e.name, e.error, e.rows) for e in heard] == [("admin/ping", "unavailable", 0)]
    after = scrape(client)
    errors = "mercator_neo4j_query_errors_total"
    labels = {"query": "admin/ping", "kind": "unavailable"}
    assert value(after, errors, **labels) - value(before, errors, **labels) == 1


def test_catalog_gauges_are_read_at_most_once_a_minute(client, graph):
    demo.load(LocalCatalog(graph))
    client.post(
        "/api/v1/deployments",
        json={"environment": "staging", "application": "shop", "version": "1.0.0", "execute": True},
    )
    gauges = client.application.extensions[GAUGES_KEY]
    now = [1000.0]
    gauges.clock = lambda: now[0]
    first = scrape(client)
    assert value(first, "mercator_catalog_nodes", kind="teams") == 5
    assert value(first, "mercator_catalog_nodes", kind="components") == 13
    assert value(first, "mercator_deployment_queue_depth", environment="staging") == 1
    assert value(first, "mercator_deployments", environment="staging", status="queued") == 1
    assert value(first, "mercator_deployment_queue_oldest_seconds", environment="staging") >= 0

    register(client, "brand-new", "1.0.0")
    now[0] += 59
    assert value(scrape(client), "mercator_catalog_nodes", kind="components") == 13
    now[0] += 2
    assert value(scrape(client), "mercator_catalog_nodes", kind="components") == 14


def test_metrics_can_be_closed_to_a_token(settings, graph):
    closed = create_app(replace(settings, metrics_token="prom-s3cret"))
    client = closed.test_client()
    assert client.get("/metrics").status_code == 401
    wrong = client.get("/metrics", headers={"Authorization": "Bearer guess"})
    assert wrong.status_code == 401 and b"prom-s3cret" not in wrong.data
    assert "mercator_catalog_nodes" in scrape(client, Authorization="Bearer prom-s3cret").__repr__()
    closed.extensions["mercator.graph"].close()


@pytest.fixture
def watched(settings, graph, admin_token):
    """An app whose log lines (JSON) and spans (in memory) the test reads."""
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    flask_app = create_app(settings, tracer=provider.get_tracer("test"))
    lines = io.StringIO()
    logs.configure("json", "INFO", stream=lines)
    yield flask_app.test_client(), lines, exporter
    logs.configure("auto", "INFO")
    flask_app.extensions["mercator.graph"].close()


def _lines(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


def test_one_request_is_followed_by_its_id_through_logs_queries_and_spans(watched, admin_token):
    client, lines, exporter = watched
    auth = {"Authorization": f"Bearer {admin_token}"}
    created = client.put("/api/v1/teams/payments", json={"email": "p@x.example"}, headers=auth)
    assert created.status_code in (200, 201), created.get_json()
    response = client.get("/api/v1/teams/payments", headers={"X-Request-ID": "trace-me-42"})
    assert response.status_code == 200
    assert response.headers["X-Request-ID"] == "trace-me-42"

    mine = [line for line in _lines(lines) if line.get("request_id") == "trace-me-42"]
    (request_line,) = [line for line in mine if line["event"] == "request"]
    assert request_line["route"] == "/api/v1/teams/<name>"
    assert request_line["status"] == 200 and request_line["duration_ms"] > 0
    assert request_line["level"] == "info" and request_line["timestamp"].endswith("Z")
    queries = [line for line in mine if line["event"] == "query"]
    assert [q["query"] for q in queries] == ["catalog/team_get"]
    assert queries[0]["rows"] == 1 and queries[0]["duration_ms"] > 0

    spans = exporter.get_finished_spans()
    (server,) = [s for s in spans if s.attributes.get("mercator.request_id") == "trace-me-42"]
    assert server.name == "GET /api/v1/teams/<name>"
    assert server.attributes["http.response.status_code"] == 200
    children = [s for s in spans if s.parent and s.parent.span_id == server.context.span_id]
    assert [c.name for c in children] == ["catalog/team_get"]
    assert children[0].attributes["db.response.returned_rows"] == 1
    assert children[0].attributes["db.namespace"] == "neo4j"
    assert server.start_time <= children[0].start_time <= children[0].end_time <= server.end_time
    # The log lines name the trace, so a log search leads to the spans and back.
    assert request_line["trace_id"] == format(server.context.trace_id, "032x")

    # The writer's token is named on its lines; the token itself is on none.
    put_line = next(
        line for line in _lines(lines) if line.get("event") == "request" and line["method"] == "PUT"
    )
    assert put_line["token"] == "test-admin"
    assert admin_token not in lines.getvalue()


def test_an_id_is_made_up_when_none_or_a_strange_one_is_sent_and_errors_carry_it(watched):
    client, lines, _ = watched
    made = client.get("/api/v1/components/missing")
    assert_error_shape(made, 404, "not_found")
    rid = made.headers["X-Request-ID"]
    assert len(rid) == 32
    assert made.get_json()["error"]["request_id"] == rid
    odd = client.get("/healthz", headers={"X-Request-ID": 'bad id\twith"quotes'})
    assert odd.headers["X-Request-ID"] != 'bad id\twith"quotes'
    assert len(odd.headers["X-Request-ID"]) == 32
    assert any(line.get("request_id") == rid for line in _lines(lines))


def test_log_lines_are_text_on_a_terminal_and_json_elsewhere():
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal, pipe = Terminal(), io.StringIO()
    try:
        for stream in (terminal, pipe):
            logs.configure("auto", "INFO", stream=stream)
            logs.request_log.info("request", route="/x", status=200)
    finally:
        logs.configure("auto", "INFO")
    assert json.loads(pipe.getvalue())["route"] == "/x"
    text = terminal.getvalue()
    assert "request" in text and "route=/x" in text
    with pytest.raises(json.JSONDecodeError):
        json.loads(text)


def test_traces_follow_the_standard_otel_variables():
    assert traces.tracer_from_env({}) is None
    assert (
        traces.tracer_from_env(
            {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318", "OTEL_SDK_DISABLED": "true"}
        )
        is None
    )
    assert (
        traces.tracer_from_env(
            {"OTEL_TRACES_EXPORTER": "none", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318"}
        )
        is None
    )
    assert traces.tracer_from_env({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318"})
