"""Each HTTP request, watched: its id, its metrics, its log line and its span.

`instrument` hooks a Flask app: before a request the id is taken from X-Request-ID (when
it is a sane one) or made up, and bound to the log lines; after it the id goes back in
the X-Request-ID header, the latency is counted by route template (never the raw path:
`/api/v1/components/<name>`, so metrics stay bounded) and status, and one `request` line
is logged. (GET /metrics is an API route: `app.api.health`.)
"""

from __future__ import annotations

import re
import time
import uuid

from flask import Flask, Response, g, request
from opentelemetry import context as otel_context
from opentelemetry import propagate, trace
from opentelemetry.trace import SpanKind, Status, StatusCode, Tracer

from app.graph import Graph
from app.observability import logs, metrics
from app.observability.traces import QuerySpans

HEADER = "X-Request-ID"
#: A caller's id is kept when it looks like one (a UUID, a trace id, a short token).
_SANE_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
#: The route template of a request that matched none (a 404): one label for them all.
UNMATCHED = "<unmatched>"
GAUGES_KEY = "mercator.catalog_gauges"


def request_id() -> str | None:
    """The id of the request being served (None outside one)."""
    return g.get("request_id")


def instrument(app: Flask, graph: Graph, tracer: Tracer | None) -> None:
    """Watch every request of `app` and every query of `graph`; keep the catalog gauges
    that /metrics serves on the app (`GAUGES_KEY`)."""
    graph.observers += [metrics.observe_query, logs.observe_query]
    if tracer is not None:
        graph.observers.append(QuerySpans(tracer))
    gauges = metrics.CatalogGauges(graph)
    app.extensions[GAUGES_KEY] = gauges

    @app.before_request
    def start():
        logs.clear()
        g.request_started = time.perf_counter()
        offered = request.headers.get(HEADER, "")
        g.request_id = offered if _SANE_ID.fullmatch(offered) else uuid.uuid4().hex
        logs.bind(request_id=g.request_id)
        if tracer is not None:
            span = tracer.start_span(
                f"{request.method} {_route()}",
                kind=SpanKind.SERVER,
                context=propagate.extract(request.headers),
                attributes={
                    "http.request.method": request.method,
                    "http.route": _route(),
                    "url.path": request.path,
                    "mercator.request_id": g.request_id,
                },
            )
            g.span = span
            g.span_token = otel_context.attach(trace.set_span_in_context(span))
            context = span.get_span_context()
            logs.bind(trace_id=format(context.trace_id, "032x"))

    @app.after_request
    def finish(response: Response) -> Response:
        rid = g.get("request_id")
        if rid is None:  # a request that failed before `start` (cannot happen in Flask 3)
            return response
        response.headers[HEADER] = rid
        seconds = time.perf_counter() - g.request_started
        route = _route()
        metrics.observe_request(request.method, route, response.status_code, seconds)
        logs.request_log.info(
            "request",
            method=request.method,
            route=route,
            path=request.path,
            status=response.status_code,
            duration_ms=round(seconds * 1000, 3),
        )
        span = g.get("span")
        if span is not None:
            span.set_attribute("http.response.status_code", response.status_code)
            if response.status_code >= 500:
                span.set_status(Status(StatusCode.ERROR))
        return response

    @app.teardown_request
    def end_span(_error: BaseException | None) -> None:
        span = g.pop("span", None)
        if span is not None:
            span.end()
            otel_context.detach(g.pop("span_token"))


def _route() -> str:
    rule = request.url_rule
    return rule.rule if rule is not None else UNMATCHED
