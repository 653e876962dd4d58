"""What the OpenAPI document says about every operation, written down in one place.

The views document their own successes and domain errors (404, 409, ...). The answers any
operation can give for reasons outside the view are added here, so that the document lists
every status a client can meet and nothing else (there is no catch-all ``default``):

- ``400`` where the operation takes parameters or a body: webargs' validation errors are
  answered as 400 in our error shape (`errors.MercatorApi`), not as its 422 (a 422 an
  operation documents itself, for a request naming what the catalog lacks, stays);
- ``413`` and ``415`` where it takes a body (`MAX_CONTENT_LENGTH`, JSON only);
- ``503`` with ``Retry-After`` wherever Neo4j is asked (all but ``/healthz``).

Path parameters get the syntax of the names and versions they stand for (`naming`), so the
document says which values the API refuses before it looks anything up, and a description
read from the path (``/components/{name}/versions/{version}``: the component's name, the
version of that component).

Generated clients name their functions after ``operationId``: each operation's is its view
function's name, or the domain name `OPERATION_IDS` gives it where the function's name is
only unique within its module (``list_versions``) or says less than the domain does. An
operation whose docstring is one line gets that line as its description too.
"""

from __future__ import annotations

from typing import Any

from apispec import BasePlugin

from app.core import naming

#: Operations that answer without asking Neo4j.
NO_DATABASE = {"/healthz"}

#: operationIds by endpoint, where the view function's own name is not the domain's.
OPERATION_IDS = {
    "applications.add_component": "add_application_component",
    "applications.remove_component": "remove_application_component",
    "applications.list_versions": "list_application_versions",
    "applications.create_version": "create_application_version",
    "applications.get_version": "get_application_version",
    "reports.application_bom": "get_application_bom",
    "reports.application_diff": "diff_application_versions",
    "reports.application_map": "get_application_map",
    "reports.deployment_plan": "get_deployment_plan",
    "packages.application_sbom": "get_application_sbom",
    "backstage.list_entities": "list_backstage_entities",
    "reports.blast_radius": "get_blast_radius",
    "reports.blast_radius_map": "get_blast_radius_map",
    "reports.component_map": "get_component_map",
    "components.list_versions": "list_component_versions",
    "components.register_version": "register_component_version",
    "components.get_version": "get_component_version",
    "reports.component_bom": "get_component_bom",
    "reports.component_diff": "diff_component_versions",
    "packages.get_sbom": "get_sbom_summary",
    "reports.whereabouts": "get_whereabouts",
    "deployments.get_log": "get_deployment_log",
    "vulnerabilities.environment_exposure": "get_environment_vulnerabilities",
    "reports.environment_diff": "diff_environments",
    "environments.put_engine": "set_environment_engine",
    "reports.inventory": "get_inventory",
    "events.receive": "receive_cdevents",
    "packages.package_blast_radius": "get_package_blast_radius",
    "search.search_by_name": "search",
    "vulnerabilities.vulnerability_windows": "get_vulnerability_windows",
    "health.healthz": "get_liveness",
    "health.readyz": "get_readiness",
    "health.prometheus_metrics": "get_metrics",
}

#: What a path segment names, read from the collection before it (``/teams/{name}``).
COLLECTIONS = {
    "applications": "application",
    "components": "component",
    "deployments": "deployment",
    "environments": "environment",
    "teams": "team",
    "tokens": "token",
    "vulnerabilities": "vulnerability",
}
#: Path parameters that hold an id rather than a name.
ID_PARAMETERS = {"deployment_id": "id", "vulnerability": "id (CVE-..., GHSA-..., OSV id)"}

#: Path parameters by what they stand for.
NAME_PARAMETERS = {"name", "component", "deployment_id"}
VERSION_PARAMETERS = {"version"}

UNAVAILABLE = "UNAVAILABLE"


def name_schema() -> dict[str, Any]:
    """A name (team, component, application, environment, deployment id) as JSON Schema."""
    return {"type": "string", "pattern": naming.NAME_PATTERN, "maxLength": naming.NAME_MAX}


def version_schema() -> dict[str, Any]:
    """A version string as JSON Schema."""
    return {"type": "string", "pattern": naming.VERSION_PATTERN, "maxLength": naming.VERSION_MAX}


def nullable_enum(self, field, ret: dict, **kwargs) -> dict:
    """apispec attribute function: a nullable choice as ``anyOf [{enum}, {type: null}]``.
    apispec writes ``type: [string, null]`` with null among the enum's values, which is
    valid but makes generators emit one enum per branch they read into it."""
    choices = ret.get("enum")
    if choices is None or None not in choices:
        return {}
    types = ret.pop("type")
    kind = [t for t in types if t != "null"] if isinstance(types, list) else [types]
    ret["anyOf"] = [
        {"type": kind[0], "enum": [c for c in ret.pop("enum") if c is not None]},
        {"type": "null"},
    ]
    return {}


class CommonResponses(BasePlugin):
    """apispec plugin: the statuses every operation shares, and path parameter syntax."""

    def init_spec(self, spec) -> None:
        super().init_spec(spec)
        spec.components.response(
            UNAVAILABLE,
            {
                "description": "Neo4j is not reachable right now; retry after the given seconds",
                "headers": {
                    "Retry-After": {
                        "description": "Seconds to wait before retrying",
                        "schema": {"type": "integer"},
                    }
                },
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
            },
        )

    def path_helper(self, path=None, operations=None, parameters=None, **kwargs):
        for parameter in parameters or []:
            if not isinstance(parameter, dict) or parameter.get("in") != "path":
                continue
            parameter.setdefault("description", parameter_description(path, parameter["name"]))
            if parameter["name"] in NAME_PARAMETERS:
                parameter["schema"] = name_schema()
            elif parameter["name"] in VERSION_PARAMETERS:
                parameter["schema"] = version_schema()
        return None

    def operation_helper(self, path=None, operations=None, **kwargs) -> None:
        rule = kwargs.get("rule")
        for operation in (operations or {}).values():
            if rule is not None:
                endpoint = rule.endpoint
                operation.setdefault(
                    "operationId", OPERATION_IDS.get(endpoint, endpoint.rpartition(".")[2])
                )
            if operation.get("summary") and not operation.get("description"):
                operation["description"] = operation["summary"]
            responses = {str(code): r for code, r in operation.get("responses", {}).items()}
            # webargs' own 422 (a request that fails its schema) is our 400; a 422 an
            # operation documents itself (an event naming what the catalog lacks) stays
            if responses.get("422") == "UNPROCESSABLE_ENTITY":
                del responses["422"]
                responses.setdefault("400", "BAD_REQUEST")
            if "requestBody" in operation:
                responses.setdefault("400", "BAD_REQUEST")
                responses.setdefault("413", "REQUEST_ENTITY_TOO_LARGE")
                responses.setdefault("415", "UNSUPPORTED_MEDIA_TYPE")
            if path not in NO_DATABASE:
                responses["503"] = UNAVAILABLE
            operation["responses"] = dict(sorted(responses.items()))


def parameter_description(path: str, name: str) -> str:
    """What a path parameter stands for, from the segments before it: the name of the
    thing its collection holds, or the version of the thing before ``versions``. A
    collection not in `COLLECTIONS` is read as a plural (a new route still starts)."""
    segments = path.strip("/").split("/")
    at = segments.index("{" + name + "}")
    collection = segments[at - 1]
    if collection == "versions":
        owner = _singular(segments[at - 3])
        return f"The version of the {owner}"
    thing = _singular(collection)
    if name in ID_PARAMETERS:
        return f"The {thing}'s {ID_PARAMETERS[name]}"
    return f"The {thing}'s name"


def _singular(collection: str) -> str:
    return COLLECTIONS.get(collection, collection.removesuffix("s"))
