"""OpenTelemetry traces, off unless the standard OTEL_* variables switch them on.

On when an OTLP endpoint is named (OTEL_EXPORTER_OTLP_ENDPOINT or
OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) or OTEL_TRACES_EXPORTER says `otlp`, and
OTEL_SDK_DISABLED is not true. The exporter, its protocol details, the service name
(OTEL_SERVICE_NAME, default `mercator`), resource attributes and sampling are then the
SDK's own, read from the same variables, so a platform team's usual settings apply as
they are. Each request gets a server span (continuing a caller's `traceparent`), and each
named Cypher query a child span with its name, row count and database.
"""

from __future__ import annotations

from collections.abc import Mapping

from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.trace import SpanKind, Status, StatusCode, Tracer

from app.graph.db import QueryEvent

TRACER_NAME = "mercator"


def wanted(env: Mapping[str, str]) -> bool:
    """Whether the environment asks for traces to be exported."""
    if env.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return False
    exporters = {e.strip() for e in env.get("OTEL_TRACES_EXPORTER", "").split(",")}
    if "none" in exporters:
        return False
    named = env.get("OTEL_EXPORTER_OTLP_ENDPOINT") or env.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
    return bool(named) or "otlp" in exporters


def tracer_from_env(env: Mapping[str, str]) -> Tracer | None:
    """A tracer exporting over OTLP/HTTP in batches, or None when traces are off."""
    if not wanted(env):
        return None
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

    resource = Resource.create({"service.name": env.get("OTEL_SERVICE_NAME") or "mercator"})
    provider = TracerProvider(resource=resource)
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    return provider.get_tracer(TRACER_NAME)


class QuerySpans:
    """A `Graph` observer: a child span of the current one (the request's) per query,
    timed by the query's own start and end."""

    def __init__(self, tracer: Tracer) -> None:
        self.tracer = tracer

    def __call__(self, event: QueryEvent) -> None:
        span = self.tracer.start_span(
            event.name,
            kind=SpanKind.CLIENT,
            start_time=event.started_ns,
            attributes={
                "db.system.name": "neo4j",
                "db.system": "neo4j",
                "db.namespace": event.database,
                "db.query.summary": event.name,
                "db.response.returned_rows": event.rows,
            },
        )
        if event.error:
            span.set_status(Status(StatusCode.ERROR, event.error))
            span.set_attribute("error.type", event.error)
        span.end(end_time=event.ended_ns)
