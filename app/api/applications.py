"""Applications and their versions."""

from __future__ import annotations

from flask_smorest import Blueprint

from app.api import schemas
from app.api.auth import actor, requires
from app.catalog import applications
from app.http.context import graph

blp = Blueprint(
    "applications",
    __name__,
    url_prefix="/api/v1/applications",
    description="Applications: exact sets of component versions",
)


@blp.route("")
@blp.arguments(schemas.ApplicationListArgs, location="query")
@blp.response(200, schemas.ApplicationPage)
def list_applications(args):
    """List applications, filtered by name prefix, owner team or environment."""
    return applications.list_applications(graph(), **args)


@blp.route("/<name>")
@blp.response(200, schemas.Application)
@blp.alt_response(404, schema="Error")
def get_application(name):
    """One application with its owner and latest version."""
    return applications.get(graph(), name)


@blp.route("/<name>/versions")
@blp.arguments(schemas.PagingArgs, location="query")
@blp.response(200, schemas.ApplicationVersionPage)
@blp.alt_response(404, schema="Error")
def list_versions(args, name):
    """The application's versions in version order (oldest first), with predecessors."""
    return applications.list_versions(graph(), name, **args)


@blp.route("/<name>/versions", methods=["POST"])
@requires("admin")
@blp.arguments(schemas.ApplicationVersionIn)
@blp.response(201, schemas.ApplicationVersionDetail, description="Created")
@blp.alt_response(
    200,
    schema=schemas.ApplicationVersionDetail,
    description="That version exists with the same components; nothing changed",
)
@blp.alt_response(400, schema="Error")
@blp.alt_response(404, schema="Error", description="A component version is unknown")
@blp.alt_response(409, schema="Error", description="That version exists with other components")
def create_version(body, name):
    """Create an application version from explicit component versions (created if new)."""
    version, created = applications.create_application_version(graph(), name, **body, actor=actor())
    return version, 201 if created else 200


@blp.route("/<name>/versions/<version>")
@blp.response(200, schemas.ApplicationVersionDetail)
@blp.alt_response(404, schema="Error")
def get_version(name, version):
    """One application version with its component versions and predecessor."""
    return applications.get_version(graph(), name, version)


@blp.route("/<name>/components", methods=["POST"])
@requires("admin")
@blp.arguments(schemas.ComponentChangeIn)
@blp.response(201, schemas.ApplicationVersionDetail, description="New application version")
@blp.alt_response(
    200,
    schema=schemas.ApplicationVersionDetail,
    description="The latest version already holds it; nothing changed",
)
@blp.alt_response(404, schema="Error")
def add_component(body, name):
    """Add a component version to the application, or replace the version it holds: a new
    application version."""
    version, created = applications.add_component(
        graph(), name, body["component"], body["version"], actor=actor()
    )
    return version, 201 if created else 200


@blp.route("/<name>/components/<component>", methods=["DELETE"])
@requires("admin")
@blp.response(201, schemas.ApplicationVersionDetail, description="New application version")
@blp.alt_response(404, schema="Error")
def remove_component(name, component):
    """Remove a component from the application: a new application version without it."""
    return applications.remove_component(graph(), name, component, actor=actor())
