"""The reports over HTTP, each next to the thing it is about."""

from __future__ import annotations

from flask import Response
from flask_smorest import Blueprint

from app.api import report_schemas as schemas
from app.http.context import graph
from app.reports import maps, matrix, reports

blp = Blueprint(
    "reports",
    __name__,
    url_prefix="/api/v1",
    description="Bill of materials, blast radius, differences, inventory, version matrix",
)


@blp.route("/applications/<name>/versions/<version>/bom")
@blp.response(200, schemas.ApplicationBom)
@blp.alt_response(404, schema="Error")
def application_bom(name, version):
    """Bill of materials of an application version: its component versions, the components
    they need from outside it, and the deduplicated packages with who brings each."""
    return reports.bom_application_version(graph(), name, version)


@blp.route("/components/<name>/versions/<version>/bom")
@blp.response(200, schemas.ComponentBom)
@blp.alt_response(404, schema="Error")
def component_bom(name, version):
    """Bill of materials of a component version: its dependencies and packages."""
    return reports.bom_component_version(graph(), name, version)


@blp.route("/components/<name>/blast-radius")
@blp.arguments(schemas.BlastRadiusArgs, location="query")
@blp.response(200, schemas.BlastRadius)
@blp.alt_response(400, schema="Error")
@blp.alt_response(404, schema="Error")
def blast_radius(args, name):
    """Who breaks or must re-test if the component (at `version`) changes: transitive
    consumers with distance and path, affected application versions (latest and deployed),
    environments running them, and the teams to notify."""
    return reports.blast_radius(graph(), name, **args)


@blp.route("/components/<name>/versions/<version>/diff")
@blp.arguments(schemas.VersionDiffArgs, location="query")
@blp.response(200, schemas.ComponentChanges)
@blp.alt_response(404, schema="Error")
def component_diff(args, name, version):
    """What changed from this version to `to`: build fields, attributes, dependencies,
    packages."""
    return reports.diff_component_versions(graph(), name, version, args["to"])


@blp.route("/applications/<name>/versions/<version>/diff")
@blp.arguments(schemas.ApplicationDiffArgs, location="query")
@blp.response(200, schemas.ApplicationDiff)
@blp.alt_response(404, schema="Error")
def application_diff(args, name, version):
    """Components added, removed and changed from this version to `to`, with each changed
    component's changes."""
    return reports.diff_application_versions(
        graph(), name, version, args["to"], args["to_application"]
    )


@blp.route("/applications/<name>/versions/<version>/plan")
@blp.arguments(schemas.PlanArgs, location="query")
@blp.response(200, schemas.DeploymentPlan)
@blp.alt_response(404, schema="Error")
def deployment_plan(args, name, version):
    """What deploying this version to `environment` would change there."""
    return reports.deployment_plan(graph(), name, version, args["environment"])


@blp.route("/environments/<name>/diff")
@blp.arguments(schemas.EnvironmentDiffArgs, location="query")
@blp.response(200, schemas.EnvironmentDiff)
@blp.alt_response(404, schema="Error")
def environment_diff(args, name):
    """What differs between what this environment and `with` run now."""
    return reports.diff_environments(graph(), name, args["other"])


@blp.route("/environments/<name>/inventory")
@blp.arguments(schemas.InventoryArgs, location="query")
@blp.response(200, schemas.InventoryReport)
@blp.alt_response(400, schema="Error")
@blp.alt_response(404, schema="Error")
def inventory(args, name):
    """What the environment runs now, or ran at time `at` (from its deployment history)."""
    return reports.inventory(graph(), name, args["at"])


@blp.route("/components/<name>/whereabouts")
@blp.arguments(schemas.WhereArgs, location="query")
@blp.response(200, schemas.Whereabouts)
@blp.alt_response(404, schema="Error")
def whereabouts(args, name):
    """Where the component (or one version) runs now and ran before, with dates."""
    return reports.where_runs(graph(), name, args["version"])


@blp.route("/matrix")
@blp.arguments(schemas.MatrixArgs, location="query")
@blp.response(200, schemas.Matrix)
@blp.alt_response(400, schema="Error")
@blp.alt_response(404, schema="Error")
def get_matrix(args):
    """The version matrix: components down the side, environments across (in stage order),
    the version in each cell with its drift from the next stage and from production; now,
    or at time `at`. One page of components."""
    return matrix.matrix(graph(), **args)


#: Media types of the text renderings of a map.
MAP_MEDIA_TYPES = {"dot": "text/vnd.graphviz", "mermaid": "text/plain", "svg": "image/svg+xml"}
_MAP_DOC = {
    "responses": {
        200: {
            "content": {media: {"schema": {"type": "string"}} for media in MAP_MEDIA_TYPES.values()}
        }
    }
}


def _map_response(graph_map, fmt: str):
    """JSON goes through the response schema; text renderings go out as they are."""
    if fmt == "json":
        return graph_map
    return Response(maps.render(graph_map, fmt), mimetype=MAP_MEDIA_TYPES[fmt])


@blp.route("/applications/<name>/versions/<version>/map")
@blp.arguments(schemas.MapArgs, location="query")
@blp.response(200, schemas.GraphMap)
@blp.doc(**_MAP_DOC)
@blp.alt_response(404, schema="Error")
def application_map(args, name, version):
    """Dependency map of an application version (format: json, dot, mermaid, svg)."""
    return _map_response(maps.application_version_map(graph(), name, version), args["format"])


@blp.route("/components/<name>/map")
@blp.arguments(schemas.ComponentMapArgs, location="query")
@blp.response(200, schemas.GraphMap)
@blp.doc(**_MAP_DOC)
@blp.alt_response(404, schema="Error")
def component_map(args, name):
    """Dependency map around a component: what it needs and what needs it."""
    return _map_response(maps.component_map(graph(), name, args["depth"]), args["format"])


@blp.route("/components/<name>/blast-radius/map")
@blp.arguments(schemas.BlastRadiusMapArgs, location="query")
@blp.response(200, schemas.GraphMap)
@blp.doc(**_MAP_DOC)
@blp.alt_response(404, schema="Error")
def blast_radius_map(args, name):
    """The blast radius as a map, the paths from the change highlighted."""
    return _map_response(
        maps.blast_radius_map(graph(), name, args["version"], args["depth"]), args["format"]
    )
