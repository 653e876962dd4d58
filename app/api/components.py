"""Components and their versions; registering a version is the pipeline's first call."""

from __future__ import annotations

import marshmallow as ma
from flask_smorest import Blueprint
from marshmallow import fields, validate

from app.api.auth import actor, requires
from app.api.fields import (
    Answer,
    Name,
    PagingArgs,
    PrefixArgs,
    Str,
    StrictBoolean,
    Time,
    Version,
    optional,
    page_of,
    rule,
)
from app.catalog import components, registration
from app.core import properties, records, semver
from app.core.records import KINDS
from app.errors import MercatorError
from app.http.context import graph
from app.observability.metrics import REGISTRATIONS


# -- schemas ---------------------------------------------------------------------------
class ComponentListArgs(PrefixArgs):
    kind = Str(validate=validate.OneOf(KINDS))
    owner = Str(metadata={"description": "Owner team name"})
    environment = Str(metadata={"description": "Only components with a version running there"})


class DependencyIn(ma.Schema):
    component = Name(required=True, metadata={"description": "The component depended on"})
    range = Str(
        load_default=None,
        allow_none=True,
        validate=rule(semver.range_problem),
        metadata={"description": "Compatible versions of it, e.g. '>=2.0.0 <3.0.0' (npm syntax)"},
    )


class RegistrationIn(ma.Schema):
    version = Version(required=True, metadata={"example": "1.4.3"})
    kind = Str(
        validate=validate.OneOf(KINDS),
        load_default=None,
        allow_none=True,
        metadata={"description": "Set when the component is first registered"},
    )
    owner = Name(
        load_default=None, allow_none=True, metadata={"description": "Owner team (created if new)"}
    )
    description = optional("What the component does")
    repository_url = optional("Where its source lives")
    image = Str(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=properties.INDEXED_TEXT_MAX),
        metadata={
            "description": "Container image (repository)",
            "example": "registry.example.com/shop/payment",
        },
    )
    digest = Str(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=properties.INDEXED_TEXT_MAX),
        metadata={"description": "Image digest", "example": "sha256:4f1c..."},
    )
    git_repository = optional("Git repository URL")
    git_commit = optional("Git commit SHA")
    git_branch = optional("Git branch")
    build_url = optional("Link to the build")
    chart = optional("Helm chart")
    chart_version = optional("Helm chart version")
    created_at = optional(
        "Build time, ISO 8601 with time zone (default: now)", metadata={"format": "date-time"}
    )
    attributes = fields.Dict(
        keys=Str(),
        values=fields.Raw(metadata={"anyOf": records.ATTRIBUTE_VALUE}),
        load_default=dict,
        metadata={
            "description": "Free key-value pairs: names without control characters; values "
            "strings, 64-bit integers, finite numbers or booleans"
        },
    )
    dependencies = fields.List(fields.Nested(DependencyIn), load_default=list)
    applications = fields.List(
        Name(),
        load_default=list,
        metadata={"description": "Applications to add the component to (created if new)"},
    )
    derive = StrictBoolean(
        load_default=True,
        metadata={
            "description": "Give every application whose latest version holds another version "
            "of this component a new version with this one"
        },
    )


class Dependency(Answer):
    component = Str()
    range = Str(allow_none=True)


class Running(Answer):
    environment = Str()
    version = Str()
    since = Time()


Component = records.COMPONENT.schema("Component")


class ComponentDetail(Component, Answer):
    dependencies = fields.List(
        fields.Nested(Dependency), metadata={"description": "Of the latest version"}
    )
    running = fields.List(fields.Nested(Running))


ComponentVersion = records.COMPONENT_VERSION.schema("ComponentVersion")


class RunningHere(Answer):
    environment = Str()
    since = Time()


class ComponentVersionDetail(ComponentVersion, Answer):
    dependencies = fields.List(fields.Nested(Dependency))
    running = fields.List(fields.Nested(RunningHere))


class DerivedVersion(Answer):
    application = Str()
    version = Str()
    previous = Str(allow_none=True)


class RegistrationOut(Answer):
    component = Str()
    version = Str()
    created = fields.Boolean(metadata={"description": "False when it was registered before"})
    application_versions = fields.List(
        fields.Nested(DerivedVersion),
        metadata={"description": "Application versions this registration created"},
    )


ComponentPage = page_of(Component, "ComponentPage")


ComponentVersionPage = page_of(ComponentVersion, "ComponentVersionPage")


blp = Blueprint(
    "components",
    __name__,
    url_prefix="/api/v1/components",
    description="Components and their versions",
)


@blp.route("")
@blp.arguments(ComponentListArgs, location="query")
@blp.response(200, ComponentPage)
def list_components(args):
    """List components, filtered by name prefix, kind, owner team or environment."""
    return components.list_components(graph(), **args)


@blp.route("/<name>")
@blp.response(200, ComponentDetail)
@blp.alt_response(404, schema="Error")
def get_component(name):
    """One component: owner, latest version and its dependencies, where it runs."""
    return components.get(graph(), name)


@blp.route("/<name>/versions")
@blp.arguments(PagingArgs, location="query")
@blp.response(200, ComponentVersionPage)
@blp.alt_response(404, schema="Error")
def list_versions(args, name):
    """The component's versions, newest registration first."""
    return components.list_versions(graph(), name, **args)


@blp.route("/<name>/versions", methods=["POST"])
@requires("register")
@blp.arguments(RegistrationIn)
@blp.response(201, RegistrationOut, description="Registered")
@blp.alt_response(
    200,
    schema=RegistrationOut,
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
    try:
        outcome = registration.register(graph(), {**body, "component": name}, actor=actor())
    except MercatorError as error:
        REGISTRATIONS.labels(error.code).inc()
        raise
    REGISTRATIONS.labels("created" if outcome["created"] else "unchanged").inc()
    return outcome, 201 if outcome["created"] else 200


@blp.route("/<name>/versions/<version>")
@blp.response(200, ComponentVersionDetail)
@blp.alt_response(404, schema="Error")
def get_version(name, version):
    """One component version: build details, attributes, dependencies, where it runs."""
    return components.get_version(graph(), name, version)
