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
document says which values the API refuses before it looks anything up.
"""

from __future__ import annotations

from typing import Any

from apispec import BasePlugin

from app.core import naming

#: Operations that answer without asking Neo4j.
NO_DATABASE = {"/healthz"}

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
            if parameter["name"] in NAME_PARAMETERS:
                parameter["schema"] = name_schema()
            elif parameter["name"] in VERSION_PARAMETERS:
                parameter["schema"] = version_schema()
        return None

    def operation_helper(self, path=None, operations=None, **kwargs) -> None:
        for operation in (operations or {}).values():
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
