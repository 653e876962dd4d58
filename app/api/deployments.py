"""Deployments: the history that builds each environment's inventory."""

from __future__ import annotations

from flask_smorest import Blueprint

from app.api import schemas
from app.api.auth import actor, requires
from app.api.context import graph
from app.services import deployments

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
    description="Already recorded with this id and content; nothing changed",
)
@blp.alt_response(400, schema="Error")
@blp.alt_response(404, schema="Error", description="Unknown environment or version")
@blp.alt_response(409, schema="Error", description="The id is recorded with other content")
def record_deployment(body):
    """Record a deployment of an application version, or of a set of component versions.

    A succeeded deployment moves the environment's inventory to the deployed versions; a
    failed one does not; both stay in the history. A set of component versions with an
    `application` is matched to that application's version with exactly that set, or
    derives a new application version.
    """
    deployment, created = deployments.record(graph(), body, actor=actor())
    return deployment, 201 if created else 200


@blp.route("/<deployment_id>")
@blp.response(200, schemas.DeploymentDetail)
@blp.alt_response(404, schema="Error")
def get_deployment(deployment_id):
    """One deployment: what went where, when, by whom, and how it ended."""
    return deployments.get(graph(), deployment_id)
