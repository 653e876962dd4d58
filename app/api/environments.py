"""Environments and what runs in them now."""

from __future__ import annotations

import os

import marshmallow as ma
from flask import request
from flask_smorest import Blueprint
from marshmallow import fields, validate

from app.api.auth import actor, requires
from app.api.fields import (
    Answer,
    PrefixArgs,
    Str,
    Time,
    optional,
    page_of,
)
from app.catalog import engine_settings, environments
from app.core import records
from app.core.records import STAGES
from app.deploy import drift, kubernetes_sync
from app.http.context import graph


# -- schemas ---------------------------------------------------------------------------
class EnvironmentListArgs(PrefixArgs):
    stage = Str(validate=validate.OneOf(STAGES))


class EnvironmentIn(ma.Schema):
    stage = Str(validate=validate.OneOf(STAGES), load_default=None, allow_none=True)
    cluster = optional("Kubernetes cluster (kube context)")
    namespace = optional("Namespace")
    engine = Str(
        validate=validate.OneOf(engine_settings.KINDS),
        load_default=None,
        allow_none=True,
        metadata={"description": "Deployment engine (configure it with PUT .../engine)"},
    )
    description = optional("What the environment is for")


class EngineIn(ma.Schema):
    kind = Str(
        required=True,
        validate=validate.OneOf(engine_settings.KINDS),
        metadata={
            "description": "none (record only), command (a command template), helm, or "
            "gitops (commits the versions to a Git repository)"
        },
    )
    config = fields.Dict(
        keys=Str(),
        load_default=None,
        allow_none=True,
        metadata={
            "description": "command: {command: [argv with {placeholders}], env, secret_env, "
            "inherit_env, timeout, working_dir}; helm: {helm, kube_context, namespace, "
            "chart_prefix, release_prefix, extra_args, env, secret_env, inherit_env, "
            "timeout}; gitops: {repository, branch, path, components: {name: {format: "
            "kustomize|helm|yaml, file, ...}}, default, author_name, author_email, message, "
            "username, password_env, env, secret_env, inherit_env, success: on_push|"
            "on_observed, observe_timeout, push_attempts, timeout} (docs/deploy.md). "
            "secret_env values are never shown again (***) and are scrubbed "
            "from logs.",
            "example": {"command": ["./deploy.sh", "{version}"], "timeout": 600},
        },
    )


Environment = records.ENVIRONMENT.schema("Environment")


class EnvironmentSummary(Environment, Answer):
    running_count = fields.Integer()


class Inventory(Answer):
    component = Str()
    version = Str()
    since = Time()
    deployment = Str(allow_none=True)


class EnvironmentDetail(Environment, Answer):
    engine_config = fields.Dict(
        allow_none=True, metadata={"description": "The engine's configuration, secrets as ***"}
    )
    running = fields.List(fields.Nested(Inventory))


EnvironmentPage = page_of(EnvironmentSummary, "EnvironmentPage")


class SyncArgs(ma.Schema):
    dry_run = fields.Boolean(
        load_default=False, metadata={"description": "Report only; record nothing"}
    )
    all_namespaces = fields.Boolean(
        load_default=False,
        metadata={"description": "Consider every namespace, not only the environment's"},
    )
    by = Str(load_default="sync", metadata={"description": "Who the recorded deployment is by"})


class SyncedVersion(ma.Schema):
    component = Str(required=True)
    version = Str(required=True)


class MovedVersion(ma.Schema):
    component = Str(required=True)
    catalog = Str(
        required=True, allow_none=True, metadata={"description": "What the catalog says runs"}
    )
    running = Str(required=True, metadata={"description": "The version the cluster runs"})
    seen_in = fields.List(
        Str(), required=True, metadata={"description": "Workloads running it, and how matched"}
    )


class ConflictingVersions(ma.Schema):
    component = Str(required=True)
    running = fields.Dict(
        keys=Str(),
        values=fields.List(Str()),
        required=True,
        metadata={"description": "Each version running, with the workloads running it"},
    )


class UnknownContainer(ma.Schema):
    workload = Str(required=True, metadata={"description": "kind/namespace/name"})
    container = Str(required=True, allow_none=True)
    image = Str(required=True)


class AmbiguousContainer(UnknownContainer):
    candidates = fields.List(
        fields.Nested(SyncedVersion),
        required=True,
        metadata={"description": "The component versions its image matches"},
    )


class SyncReport(ma.Schema):
    environment = Str(required=True)
    containers = fields.Integer(required=True, metadata={"description": "Containers considered"})
    in_sync = fields.List(fields.Nested(SyncedVersion), required=True)
    moved = fields.List(
        fields.Nested(MovedVersion),
        required=True,
        metadata={"description": "The catalog says one version, the cluster runs another"},
    )
    conflicting = fields.List(
        fields.Nested(ConflictingVersions),
        required=True,
        metadata={"description": "Components running two versions at once"},
    )
    unknown = fields.List(
        fields.Nested(UnknownContainer),
        required=True,
        metadata={"description": "Containers whose image is not in the catalog"},
    )
    ambiguous = fields.List(
        fields.Nested(AmbiguousContainer),
        required=True,
        metadata={"description": "Containers whose image matches several versions"},
    )
    not_running = fields.List(
        fields.Nested(SyncedVersion),
        required=True,
        metadata={"description": "In the inventory, but no workload runs its image"},
    )
    observed = fields.List(
        Str(),
        required=True,
        metadata={
            "description": "gitops deployments waiting for the cluster that it now runs: "
            "their workers end them succeeded"
        },
    )
    deployment = Str(
        required=True,
        allow_none=True,
        metadata={"description": "The deployment that recorded what moved"},
    )
    dry_run = fields.Boolean(required=True)


#: What `kubectl get deployments,statefulsets,daemonsets -A -o json` prints, as far as the
#: sync reads it: the containers of items of a workload kind (other items are skipped).
KUBECTL_WORKLOAD = {
    "type": "object",
    "description": "A workload; its containers' images are what the cluster runs",
    "properties": {
        "kind": {"type": "string", "enum": list(kubernetes_sync.WORKLOAD_KINDS)},
        "metadata": {
            "type": "object",
            "properties": {"name": {"type": "string"}, "namespace": {"type": "string"}},
            "additionalProperties": True,
        },
        "spec": {"type": "object", "additionalProperties": True},
    },
    "additionalProperties": True,
}
SCHEMAS = {
    "KubectlWorkload": KUBECTL_WORKLOAD,
    "KubectlList": {
        "type": "object",
        "description": "What `kubectl get deployments,statefulsets,daemonsets -A -o json` "
        "prints: items of other kinds are skipped",
        "required": ["items"],
        "properties": {
            "apiVersion": {"type": "string", "example": "v1"},
            "kind": {"type": "string", "example": "List"},
            "items": {
                "type": "array",
                "items": {
                    "description": "A workload, or anything else (skipped)",
                    "anyOf": [{"$ref": "#/components/schemas/KubectlWorkload"}, {}],
                },
            },
        },
        "additionalProperties": True,
    },
}


class Difference(ma.Schema):
    kind = Str(
        metadata={
            "description": "cluster_behind, inventory_behind, git_differs, three_ways, "
            "recorded_not_running, rollout, not_declared, declared_unknown, "
            "declared_mismatch; for the environment: git_unreadable, never_observed, "
            "unknown_image"
        }
    )
    message = Str(metadata={"description": "The difference and its likely cause, in words"})


class DriftComponent(ma.Schema):
    component = Str()
    declared = fields.Dict(
        allow_none=True,
        metadata={"description": "{file, key, image, tag, digest, version, problem} at Git's head"},
    )
    recorded = fields.Dict(
        allow_none=True, metadata={"description": "{version, digest, since, deployment}: RUNS"}
    )
    observed = fields.List(
        fields.Dict(),
        metadata={"description": "[{version, since, seen_at, by, by_digest, workloads}]"},
    )
    differences = fields.List(fields.Nested(Difference))
    in_sync = fields.Boolean()


class DriftReport(ma.Schema):
    environment = Str()
    repository = Str()
    branch = Str()
    commit = Str(allow_none=True, metadata={"description": "The head Git was read at"})
    observed_at = Time(allow_none=True, metadata={"description": "The cluster's last sync"})
    observed_by = Str(allow_none=True)
    pending = fields.List(Str(), metadata={"description": "Deployments queued or running"})
    components = fields.List(fields.Nested(DriftComponent))
    differences = fields.List(fields.Nested(Difference))
    in_sync = fields.Boolean()


blp = Blueprint(
    "environments", __name__, url_prefix="/api/v1/environments", description="Where things run"
)


@blp.route("")
@blp.arguments(EnvironmentListArgs, location="query")
@blp.response(200, EnvironmentPage)
def list_environments(args):
    """List environments, filtered by name prefix or stage."""
    return environments.list_environments(graph(), **args)


@blp.route("/<name>")
@blp.response(200, EnvironmentDetail)
@blp.alt_response(404, schema="Error")
def get_environment(name):
    """One environment and the component versions running there now."""
    return environments.get(graph(), name)


@blp.route("/<name>", methods=["PUT"])
@requires("admin")
@blp.arguments(EnvironmentIn, required=False)
@blp.response(200, EnvironmentDetail, description="Updated")
@blp.alt_response(201, schema=EnvironmentDetail, description="Created")
@blp.alt_response(400, schema="Error")
def put_environment(body, name):
    """Create an environment or update its details (omitted details stay as they are)."""
    environment, created = environments.upsert(graph(), name, **body, actor=actor())
    return environment, 201 if created else 200


@blp.route("/<name>/engine", methods=["PUT"])
@requires("admin")
@blp.arguments(EngineIn)
@blp.response(200, EnvironmentDetail)
@blp.alt_response(400, schema="Error", description="Unknown kind or a bad configuration")
@blp.alt_response(404, schema="Error")
def put_engine(body, name):
    """Set the environment's deployment engine (replacing its configuration). Secrets go
    under `secret_env`: they reach the engine's processes and are shown nowhere."""
    return environments.set_engine(graph(), name, body["kind"], body["config"], actor=actor())


@blp.route("/<name>/drift")
@blp.response(200, DriftReport)
@blp.alt_response(400, schema="Error", description="Not a gitops environment")
@blp.alt_response(404, schema="Error")
def get_drift(name):
    """Three-way drift of a gitops environment, per component: what Git declares at the
    branch's head, what the cluster was last seen running, what Mercator records; each
    difference named with its likely cause."""
    return drift.drift(graph(), name, dict(os.environ))


@blp.route("/<name>/sync/kubernetes", methods=["POST"])
@requires("deploy")
@blp.arguments(SyncArgs, location="query")
@blp.doc(
    requestBody={
        "required": True,
        "description": "What `kubectl get deployments,statefulsets,daemonsets -A -o json` prints",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/KubectlList"}}},
    }
)
@blp.response(200, SyncReport)
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
