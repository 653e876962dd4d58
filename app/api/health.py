"""Liveness and readiness probes for load balancers and orchestrators, and the metrics
Prometheus scrapes."""

from __future__ import annotations

import hmac

import marshmallow as ma
from flask import Response, current_app, request
from flask_smorest import Blueprint

from app.admin import health
from app.api.fields import Answer
from app.errors import Unauthorized
from app.http.context import graph, settings
from app.observability import metrics
from app.observability.flask_hooks import GAUGES_KEY

blp = Blueprint("health", __name__, description="Liveness and readiness probes, metrics")


class LivenessSchema(Answer):
    status = ma.fields.String(metadata={"example": "ok"})


class ReadinessSchema(Answer):
    status = ma.fields.String(metadata={"example": "ready"})
    neo4j = ma.fields.String(metadata={"example": "reachable"})
    schema_version = ma.fields.Integer(metadata={"example": 1})


@blp.route("/healthz")
@blp.response(200, LivenessSchema)
def healthz():
    """The process is up (says nothing about Neo4j)."""
    return {"status": "ok"}


@blp.route("/readyz")
@blp.response(200, ReadinessSchema)
@blp.alt_response(
    503,
    schema="Error",
    description="Neo4j unreachable, or its schema missing or out of date (the error says which)",
)
def readyz():
    """Neo4j answers and the schema is applied: the service can take traffic."""
    return health.readiness(graph())


@blp.route("/metrics")
@blp.doc(
    responses={
        "200": {
            "description": "Prometheus text format: requests, queries, registrations, the "
            "catalog's size and the deployment queues (docs/operations.md)",
            "content": {"text/plain": {"schema": {"type": "string"}}},
        },
        "401": {
            "description": "MERCATOR_METRICS_TOKEN is set and was not sent as the bearer token",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        },
    }
)
def prometheus_metrics():
    """Metrics for Prometheus, added up across the web server's processes; closed to
    `Authorization: Bearer <MERCATOR_METRICS_TOKEN>` when that is set."""
    expected = settings().metrics_token
    if expected:
        offered = request.headers.get("Authorization", "").partition(" ")[2].strip()
        if not hmac.compare_digest(offered.encode(), expected.encode()):
            raise Unauthorized("metrics need Authorization: Bearer <MERCATOR_METRICS_TOKEN>")
    body = metrics.exposition(current_app.extensions[GAUGES_KEY])
    return Response(body, content_type=metrics.CONTENT_TYPE)
