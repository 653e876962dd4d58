"""Environments and what runs in them now."""

from __future__ import annotations

from flask import request
from flask_smorest import Blueprint

from app.api import schemas
from app.api.auth import actor, requires
from app.catalog import environments
from app.deploy import kubernetes_sync
from app.http.context import graph

blp = Blueprint(
    "environments", __name__, url_prefix="/api/v1/environments", description="Where things run"
)


@blp.route("")
@blp.arguments(schemas.EnvironmentListArgs, location="query")
@blp.response(200, schemas.EnvironmentPage)
def list_environments(args):
    """List environments, filtered by name prefix or stage."""
    return environments.list_environments(graph(), **args)


@blp.route("/<name>")
@blp.response(200, schemas.EnvironmentDetail)
@blp.alt_response(404, schema="Error")
def get_environment(name):
    """One environment and the component versions running there now."""
    return environments.get(graph(), name)


@blp.route("/<name>", methods=["PUT"])
@requires("admin")
@blp.arguments(schemas.EnvironmentIn, required=False)
@blp.response(200, schemas.EnvironmentDetail, description="Updated")
@blp.alt_response(201, schema=schemas.EnvironmentDetail, description="Created")
@blp.alt_response(400, schema="Error")
def put_environment(body, name):
    """Create an environment or update its details (omitted details stay as they are)."""
    environment, created = environments.upsert(graph(), name, **body, actor=actor())
    return environment, 201 if created else 200


@blp.route("/<name>/engine", methods=["PUT"])
@requires("admin")
@blp.arguments(schemas.EngineIn)
@blp.response(200, schemas.EnvironmentDetail)
@blp.alt_response(400, schema="Error", description="Unknown kind or a bad configuration")
@blp.alt_response(404, schema="Error")
def put_engine(body, name):
    """Set the environment's deployment engine (replacing its configuration). Secrets go
    under `secret_env`: they reach the engine's processes and are shown nowhere."""
    return environments.set_engine(graph(), name, body["kind"], body["config"], actor=actor())


@blp.route("/<name>/sync/kubernetes", methods=["POST"])
@requires("deploy")
@blp.arguments(schemas.SyncArgs, location="query")
@blp.doc(
    requestBody={
        "required": True,
        "description": "What `kubectl get deployments,statefulsets,daemonsets -A -o json` prints",
        "content": {"application/json": {"schema": {"type": "object"}}},
    }
)
@blp.response(200, schemas.SyncReport)
@blp.alt_response(400, schema="Error")
@blp.alt_response(404, schema="Error")
def sync_kubernetes(args, name):
    """Reconcile the environment's inventory with what its cluster runs.

    Images match component versions by digest, then by repository and tag. What moved is
    recorded as one succeeded deployment by `sync` (the report's `deployment`); images
    unknown to the catalog, components running two versions and catalog entries nothing
    runs are reported, not recorded.
    """
    return kubernetes_sync.kubernetes(graph(), name, request.get_json(), **args, actor=actor())
