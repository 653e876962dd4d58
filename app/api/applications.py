"""Applications and their versions."""

from __future__ import annotations

import marshmallow as ma
from flask_smorest import Blueprint
from marshmallow import fields

from app.api.auth import actor, requires
from app.api.fields import (
    Answer,
    MemberIn,
    Name,
    PagingArgs,
    PrefixArgs,
    Str,
    Version,
    optional,
    page_of,
)
from app.catalog import applications
from app.core import records
from app.http.context import graph


# -- schemas ---------------------------------------------------------------------------
class ApplicationListArgs(PrefixArgs):
    owner = Str(metadata={"description": "Owner team name"})
    environment = Str(metadata={"description": "Only applications deployed there"})


class ApplicationVersionIn(ma.Schema):
    version = Version(
        load_default=None,
        allow_none=True,
        metadata={"description": "Version number (default: the latest's successor, or 1.0.0)"},
    )
    components = fields.List(fields.Nested(MemberIn), required=True)
    owner = Name(
        load_default=None,
        allow_none=True,
        metadata={"description": "Owner team of the application (created if new)"},
    )
    description = optional("What the application is")


class ComponentChangeIn(ma.Schema):
    component = Name(required=True)
    version = Version(required=True)


Application = records.APPLICATION.schema("Application")


ApplicationVersion = records.APPLICATION_VERSION.schema("ApplicationVersion")


class ApplicationVersionSummary(ApplicationVersion, Answer):
    component_count = fields.Integer()


#: A component version of an application version, with its component's kind and owner.
Member = records.schema_of(
    "Member",
    records.COMPONENT_VERSION.pick("component", "version"),
    records.COMPONENT.pick("kind", "owner"),
    records.COMPONENT_VERSION.pick("image", "digest", "git_commit"),
)


class ApplicationVersionDetail(ApplicationVersion, Answer):
    components = fields.List(fields.Nested(Member))


ApplicationPage = page_of(Application, "ApplicationPage")


ApplicationVersionPage = page_of(ApplicationVersionSummary, "ApplicationVersionPage")


blp = Blueprint(
    "applications",
    __name__,
    url_prefix="/api/v1/applications",
    description="Applications: exact sets of component versions",
)


@blp.route("")
@blp.arguments(ApplicationListArgs, location="query")
@blp.response(200, ApplicationPage)
def list_applications(args):
    """List applications, filtered by name prefix, owner team or environment."""
    return applications.list_applications(graph(), **args)


@blp.route("/<name>")
@blp.response(200, Application)
@blp.alt_response(404, schema="Error")
def get_application(name):
    """One application with its owner and latest version."""
    return applications.get(graph(), name)


@blp.route("/<name>/versions")
@blp.arguments(PagingArgs, location="query")
@blp.response(200, ApplicationVersionPage)
@blp.alt_response(404, schema="Error")
def list_versions(args, name):
    """The application's versions in version order (oldest first), with predecessors."""
    return applications.list_versions(graph(), name, **args)


@blp.route("/<name>/versions", methods=["POST"])
@requires("admin")
@blp.arguments(ApplicationVersionIn)
@blp.response(201, ApplicationVersionDetail, description="Created")
@blp.alt_response(
    200,
    schema=ApplicationVersionDetail,
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
@blp.response(200, ApplicationVersionDetail)
@blp.alt_response(404, schema="Error")
def get_version(name, version):
    """One application version with its component versions and predecessor."""
    return applications.get_version(graph(), name, version)


@blp.route("/<name>/components", methods=["POST"])
@requires("admin")
@blp.arguments(ComponentChangeIn)
@blp.response(201, ApplicationVersionDetail, description="New application version")
@blp.alt_response(
    200,
    schema=ApplicationVersionDetail,
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
@blp.response(201, ApplicationVersionDetail, description="New application version")
@blp.alt_response(404, schema="Error")
def remove_component(name, component):
    """Remove a component from the application: a new application version without it."""
    return applications.remove_component(graph(), name, component, actor=actor())
