"""Deployments: the history that builds each environment's inventory."""

from __future__ import annotations

from flask import Response, jsonify, url_for
from flask_smorest import Blueprint

from app.api import schemas
from app.api.auth import actor, requires
from app.deploy import deployments
from app.errors import Invalid
from app.http.context import graph

blp = Blueprint(
    "deployments",
    __name__,
    url_prefix="/api/v1/deployments",
    description="Deployments and their history",
)


@blp.route("")
@blp.arguments(schemas.DeploymentListArgs, location="query")
@blp.response(200, schemas.DeploymentPage)
def list_deployments(args):
    """List deployments, newest first, filtered by environment, application, component
    or status."""
    return deployments.list_deployments(graph(), **args)


@blp.route("", methods=["POST"])
@requires("deploy")
@blp.arguments(schemas.DeploymentIn)
@blp.response(201, schemas.DeploymentDetail, description="Recorded")
@blp.alt_response(
    200,
    schema=schemas.DeploymentDetail,
    description="Already recorded (or queued) with this id and content; nothing changed. "
    "With dry_run: a DryRun, the commands the engine would run",
)
@blp.alt_response(
    202,
    schema=schemas.DeploymentRun,
    description="execute: queued for the environment's engine; follow status_url",
)
@blp.alt_response(400, schema="Error", description="Invalid, or the environment has no engine")
@blp.alt_response(404, schema="Error", description="Unknown environment or version")
@blp.alt_response(409, schema="Error", description="The id is recorded with other content")
def record_deployment(body):
    """Record a deployment that happened, or run one through the environment's engine.

    Recorded: a succeeded deployment moves the environment's inventory to the deployed
    versions; a failed one does not; both stay in the history. A set of component versions
    with an `application` is matched to that application's version with exactly that set,
    or derives a new application version.

    `execute: true` (no status or times): the deployment is queued (202) and a worker runs
    the environment's engine; it goes queued → running → succeeded | failed | cancelled |
    timed_out, and only a succeeded one moves the inventory. One deployment runs per
    environment at a time: a later one waits (`ahead` lists what goes first). With
    `dry_run: true` the answer (200) is the engine's commands, and nothing is written.
    """
    execute, dry_run = body.pop("execute"), body.pop("dry_run")
    if not execute:
        if dry_run:
            raise Invalid("dry_run needs execute", {"dry_run": ["only with execute: true"]})
        deployment, created = deployments.record(graph(), body, actor=actor())
        return deployment, 201 if created else 200
    deployment, created = deployments.enqueue(graph(), body, dry_run=dry_run, actor=actor())
    if dry_run:
        return _json(schemas.DryRun().dump(deployment), 200)
    urls = {
        "status_url": url_for("deployments.get_deployment", deployment_id=deployment["id"]),
        "log_stream_url": url_for("deployments.get_log", deployment_id=deployment["id"]),
    }
    run = schemas.DeploymentRun().dump({**deployment, **urls})
    return _json(run, 202 if created else 200)


def _json(body: dict, status: int) -> Response:
    """A body in another shape than the endpoint's main response schema (documented above)."""
    response = jsonify(body)
    response.status_code = status
    return response


@blp.route("/<deployment_id>")
@blp.response(200, schemas.DeploymentDetail)
@blp.alt_response(404, schema="Error")
def get_deployment(deployment_id):
    """One deployment: what went where, when, by whom, and how it ended."""
    return deployments.get(graph(), deployment_id)


@blp.route("/<deployment_id>/log")
@blp.arguments(schemas.LogArgs, location="query")
@blp.response(200, schemas.DeploymentLog)
@blp.alt_response(404, schema="Error")
def get_log(args, deployment_id):
    """The engine's log of a deployment from character `offset` on.

    Stream it by asking again with `offset` = the answer's `next_offset` until `done`.
    Only the last part of a long log is kept (see `start`); secrets are scrubbed.
    """
    return deployments.log(graph(), deployment_id, **args)


@blp.route("/<deployment_id>/cancel", methods=["POST"])
@requires("deploy")
@blp.response(200, schemas.DeploymentDetail, description="Queued: cancelled now")
@blp.alt_response(
    202,
    schema=schemas.DeploymentDetail,
    description="Running: its worker kills the engine's processes at its next heartbeat",
)
@blp.alt_response(404, schema="Error")
@blp.alt_response(409, schema="Error", description="It has already ended")
def cancel_deployment(deployment_id):
    """Cancel a queued or running deployment; the inventory stays as it was."""
    deployment = deployments.cancel(graph(), deployment_id, actor=actor())
    return deployment, 202 if deployment["status"] == "running" else 200
