"""Liveness and readiness probes for load balancers and orchestrators."""

from __future__ import annotations

import marshmallow as ma
from flask_smorest import Blueprint

from app.admin import health
from app.http.context import graph

blp = Blueprint("health", __name__, description="Liveness and readiness probes")


class LivenessSchema(ma.Schema):
    status = ma.fields.String(metadata={"example": "ok"})


class ReadinessSchema(ma.Schema):
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
