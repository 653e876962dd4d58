"""SBOMs of component versions, and where a package runs."""

from __future__ import annotations

import json

import marshmallow as ma
from flask import Response, request
from flask_smorest import Blueprint
from marshmallow import fields

from app.api import report_schemas as schemas
from app.api.auth import actor, requires
from app.api.fields import PrefixArgs, page_of
from app.http.context import graph
from app.sbom import cyclonedx, export, packages, parsing

blp = Blueprint(
    "packages",
    __name__,
    url_prefix="/api/v1",
    description="SBOMs and the packages inside each version",
)

#: The documents an SBOM upload takes, as far as the endpoint reads them before the
#: format's official schema (checked by the endpoint) takes over; and the export.
CYCLONEDX_BOM = {
    "type": "object",
    "description": "A CycloneDX JSON BOM; the rest of it as the official schema of its "
    "specVersion says (https://cyclonedx.org/schema/)",
    "required": ["bomFormat", "specVersion"],
    "properties": {
        "bomFormat": {"type": "string", "const": "CycloneDX"},
        "specVersion": {"type": "string", "enum": list(cyclonedx.CYCLONEDX_VERSIONS)},
        "serialNumber": {"type": "string"},
        "version": {"type": "integer"},
        "metadata": {"type": "object", "additionalProperties": True},
        "components": {
            "type": "array",
            "items": {"type": "object", "additionalProperties": True},
        },
        "dependencies": {
            "type": "array",
            "items": {"type": "object", "additionalProperties": True},
        },
    },
    "additionalProperties": True,
}
SPDX_DOCUMENT = {
    "type": "object",
    "description": "An SPDX 2.3 JSON document (https://spdx.github.io/spdx-spec/v2.3/)",
    "required": ["spdxVersion"],
    "properties": {
        "spdxVersion": {"type": "string", "const": "SPDX-2.3"},
        "SPDXID": {"type": "string"},
        "name": {"type": "string"},
        "packages": {
            "type": "array",
            "items": {"type": "object", "additionalProperties": True},
        },
        "relationships": {
            "type": "array",
            "items": {"type": "object", "additionalProperties": True},
        },
    },
    "additionalProperties": True,
}
SCHEMAS = {
    "CycloneDxBom": CYCLONEDX_BOM,
    "SpdxDocument": SPDX_DOCUMENT,
    "SbomDocument": {
        "description": "An SBOM: CycloneDX JSON 1.4-1.6 or SPDX 2.3 JSON",
        "anyOf": [
            {"$ref": "#/components/schemas/CycloneDxBom"},
            {"$ref": "#/components/schemas/SpdxDocument"},
        ],
    },
}

_SBOM_BODY = {
    "requestBody": {
        "required": True,
        "description": (
            f"The SBOM: CycloneDX JSON 1.4-1.6 or SPDX 2.3 JSON, at most {parsing.MAX_BYTES} bytes"
        ),
        "content": {
            media: {"schema": {"$ref": "#/components/schemas/SbomDocument"}}
            for media in (
                "application/vnd.cyclonedx+json",
                "application/spdx+json",
                "application/json",
            )
        },
    }
}


class PackageVersion(ma.Schema):
    purl = fields.String(required=True)
    version = fields.String(required=True, allow_none=True)
    licenses = fields.List(fields.String(), required=True)


class ListedPackage(ma.Schema):
    name = fields.String(required=True, allow_none=True)
    ecosystem = fields.String(required=True, allow_none=True)
    licenses = fields.List(
        fields.String(), required=True, metadata={"description": "Every licence of its versions"}
    )
    versions = fields.List(fields.Nested(PackageVersion), required=True)
    holders = fields.Integer(
        required=True, metadata={"description": "Component versions containing any of them"}
    )


PackagePage = page_of(ListedPackage, "PackagePage")


@blp.route("/packages")
@blp.arguments(PrefixArgs, location="query")
@blp.response(200, PackagePage)
@blp.alt_response(400, schema="Error")
def list_packages(args):
    """The packages the SBOMs brought, one per name and ecosystem, by name: each with its
    versions and licences, and how many component versions contain one of them."""
    return packages.list_packages(graph(), **args)


@blp.route("/components/<name>/versions/<version>/sbom", methods=["PUT"])
@requires("register")
@blp.arguments(schemas.SbomArgs, location="query")
@blp.response(201, schemas.SbomSummary, description="Attached")
@blp.alt_response(
    200,
    schema=schemas.SbomSummary,
    description="The version already holds this SBOM; nothing changed",
)
@blp.alt_response(400, schema="Error", description="Not a readable SBOM (the place is named)")
@blp.alt_response(404, schema="Error")
@blp.alt_response(409, schema="Error", description="The version holds another SBOM")
@blp.alt_response(413, schema="Error")
@blp.alt_response(415, schema="Error")
@blp.doc(**_SBOM_BODY)
def attach_sbom(args, name, version):
    """Attach an SBOM to a component version: its packages (by purl, with licenses and
    hashes), their scope and their dependency graph — seen whole or not at all."""
    summary, created = packages.attach(
        graph(),
        name,
        version,
        request.get_data(cache=False),
        request.content_type,
        args["replace"],
        actor=actor(),
    )
    return summary, 201 if created else 200


@blp.route("/components/<name>/versions/<version>/sbom")
@blp.response(200, schemas.SbomSummary)
@blp.alt_response(404, schema="Error")
def get_sbom(name, version):
    """Which SBOM the version holds, and how many packages."""
    return packages.get(graph(), name, version)


@blp.route("/packages/blast-radius")
@blp.arguments(schemas.PackageBlastRadiusArgs, location="query")
@blp.response(200, schemas.PackageBlastRadius)
@blp.alt_response(400, schema="Error")
@blp.alt_response(404, schema="Error")
def package_blast_radius(args):
    """Where a package runs now and who owns it: by `purl`, or by `name` and `range`
    (e.g. log4j-core, <2.17.1). The component versions containing it (directly or through
    package dependencies), the applications including them (each one's latest version and
    those deployed now, or with `all_versions` every version: `applications_rule` says
    which), the environments running them, the teams to notify."""
    return packages.blast_radius(
        graph(),
        args["purl"],
        args["name"],
        args["range"],
        args["ecosystem"],
        args["limit"],
        args["all_versions"],
        args["offset"],
        args["application_limit"],
        args["application_offset"],
    )


@blp.route("/applications/<name>/versions/<version>/sbom")
@blp.doc(
    responses={
        "200": {
            "description": "A CycloneDX 1.6 JSON document",
            "content": {
                "application/vnd.cyclonedx+json": {
                    "schema": {"$ref": "#/components/schemas/CycloneDxBom"}
                }
            },
        }
    }
)
@blp.alt_response(404, schema="Error")
def application_sbom(name, version):
    """The application version's bill of materials as one CycloneDX 1.6 JSON document:
    its component versions, each with the packages of its SBOM nested inside."""
    document = export.application_version_cyclonedx(graph(), name, version)
    return Response(json.dumps(document, indent=2), mimetype="application/vnd.cyclonedx+json")
