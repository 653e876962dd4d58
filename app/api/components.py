"""Components and their versions; registering a version is the pipeline's first call."""

from __future__ import annotations

from flask_smorest import Blueprint

from app.api import schemas
from app.api.auth import actor, requires
from app.catalog import components, registration
from app.http.context import graph

blp = Blueprint(
    "components",
    __name__,
    url_prefix="/api/v1/components",
    description="Components and their versions",
)


@blp.route("")
@blp.arguments(schemas.ComponentListArgs, location="query")
@blp.response(200, schemas.ComponentPage)
def list_components(args):
    """List components, filtered by name prefix, kind, owner team or environment."""
    return components.list_components(graph(), **args)


@blp.route("/<name>")
@blp.response(200, schemas.ComponentDetail)
@blp.alt_response(404, schema="Error")
def get_component(name):
    """One component: owner, latest version and its dependencies, where it runs."""
    return components.get(graph(), name)


@blp.route("/<name>/versions")
@blp.arguments(schemas.PagingArgs, location="query")
@blp.response(200, schemas.ComponentVersionPage)
@blp.alt_response(404, schema="Error")
def list_versions(args, name):
    """The component's versions, newest registration first."""
    return components.list_versions(graph(), name, **args)


@blp.route("/<name>/versions", methods=["POST"])
@requires("register")
@blp.arguments(schemas.RegistrationIn)
@blp.response(201, schemas.RegistrationOut, description="Registered")
@blp.alt_response(
    200,
    schema=schemas.RegistrationOut,
    description="Already registered with the same content; nothing changed",
)
@blp.alt_response(400, schema="Error", description="Invalid registration")
@blp.alt_response(
    409, schema="Error", description="The version exists with other content (fields named)"
)
def register_version(body, name):
    """Register a component version (after its image is pushed).

    Creates the component and owner team if new, the version with its dependencies and
    attributes, and new application versions: for every application whose latest version
    holds another version of this component, and for each application named in
    `applications`. Idempotent: the same payload again answers 200 and changes nothing.
    """
    outcome = registration.register(graph(), {**body, "component": name}, actor=actor())
    return outcome, 201 if outcome["created"] else 200


@blp.route("/<name>/versions/<version>")
@blp.response(200, schemas.ComponentVersionDetail)
@blp.alt_response(404, schema="Error")
def get_version(name, version):
    """One component version: build details, attributes, dependencies, where it runs."""
    return components.get_version(graph(), name, version)
