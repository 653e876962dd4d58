"""The OpenAPI document says what the API does, so a client generated from it works.

Every read is asked on the demo (with the sample vulnerability records) and its answer
checked against the document's schema for it with a JSON Schema validator: the fields it
marks `required` are there, a field is null only where it says `null`, and a
`format: date-time` value is an RFC 3339 time. Generated clients rely on exactly this:
a required field is read without a check, a nullable one is typed `X | None`.
"""

from __future__ import annotations

import re
from typing import Any

import jsonschema
import pytest

from app.admin import demo
from app.api import openapi
from app.cli.catalogs import LocalCatalog
from app.vulns import vulnerabilities
from tests.test_vulns import LOG4SHELL, all_samples

#: One request per read the document lists, by operationId, with the demo's names.
READS = {
    "get_liveness": "/healthz",
    "get_readiness": "/readyz",
    "list_teams": "/api/v1/teams",
    "get_team": "/api/v1/teams/payments",
    "list_components": "/api/v1/components",
    "get_component": "/api/v1/components/payment",
    "list_component_versions": "/api/v1/components/payment/versions",
    "get_component_version": "/api/v1/components/ads/versions/1.1.0",
    "list_applications": "/api/v1/applications",
    "get_application": "/api/v1/applications/shop",
    "list_application_versions": "/api/v1/applications/shop/versions",
    "get_application_version": "/api/v1/applications/shop/versions/1.0.3",
    "list_environments": "/api/v1/environments",
    "get_environment": "/api/v1/environments/prod",
    "list_deployments": "/api/v1/deployments",
    "get_deployment": "/api/v1/deployments/demo-3",
    "get_deployment_log": "/api/v1/deployments/demo-3/log",
    "get_application_bom": "/api/v1/applications/shop/versions/1.0.3/bom",
    "get_component_bom": "/api/v1/components/checkout/versions/5.0.0/bom",
    "get_blast_radius": "/api/v1/components/currency/blast-radius",
    "diff_component_versions": "/api/v1/components/payment/versions/1.4.2/diff?to=1.5.1",
    "diff_application_versions": "/api/v1/applications/shop/versions/1.0.0/diff?to=1.0.3",
    "get_deployment_plan": "/api/v1/applications/shop/versions/1.0.6/plan?environment=prod",
    "diff_environments": "/api/v1/environments/staging/diff?with=prod",
    "get_inventory": "/api/v1/environments/prod/inventory",
    "get_whereabouts": "/api/v1/components/ads/whereabouts",
    "get_application_map": "/api/v1/applications/shop/versions/1.0.3/map",
    "get_component_map": "/api/v1/components/payment/map",
    "get_blast_radius_map": "/api/v1/components/currency/blast-radius/map",
    "get_sbom_summary": "/api/v1/components/ads/versions/1.1.0/sbom",
    "get_package_blast_radius": "/api/v1/packages/blast-radius?name=log4j-core&range=<2.17.1",
    "list_packages": "/api/v1/packages?prefix=log4j",
    "get_application_sbom": "/api/v1/applications/shop/versions/1.0.3/sbom",
    "list_tokens": "/api/v1/tokens",
    "search": "/api/v1/search?q=pay",
    "get_vulnerability": f"/api/v1/vulnerabilities/{LOG4SHELL}",
    "get_vulnerability_windows": f"/api/v1/vulnerabilities/{LOG4SHELL}/windows",
    "get_environment_vulnerabilities": "/api/v1/environments/prod/vulnerabilities",
    "team_exposure": "/api/v1/teams/growth/vulnerabilities",
    "application_exposure": "/api/v1/applications/shop/versions/1.0.3/vulnerabilities",
    "component_exposure": "/api/v1/components/ads/versions/1.1.0/vulnerabilities",
    "plan_exposure": (
        "/api/v1/applications/shop/versions/1.0.6/plan/vulnerabilities?environment=prod"
    ),
    "application_vex": "/api/v1/applications/shop/versions/1.0.3/vex",
    "vulnerability_statements": f"/api/v1/vulnerabilities/{LOG4SHELL}/statements",
    "get_drift": "/api/v1/environments/prod/drift",  # prod switched to gitops below
    "list_backstage_entities": "/api/v1/backstage/entities",
    "get_metrics": "/metrics",
    "get_matrix": "/api/v1/matrix?at=2026-10-14T00:00:00Z",
}


def operations(document: dict) -> dict[str, tuple[str, str, dict]]:
    """operationId -> (method, path, operation)."""
    found = {}
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method != "parameters":
                found[operation["operationId"]] = (method, path, operation)
    return found


@pytest.fixture
def document(client) -> dict:
    return client.get("/api/v1/openapi.json").get_json()


def validator(document: dict, schema: dict) -> jsonschema.Draft202012Validator:
    """A validator of `schema` that resolves the document's `#/components/...`."""
    return jsonschema.Draft202012Validator(
        {**schema, "components": document["components"]},
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
    )


def test_every_read_answers_on_the_demo_as_its_schema_says(client, graph, document, tmp_path):
    demo.load(LocalCatalog(graph))
    demo.gitops(LocalCatalog(graph), str(tmp_path))  # prod has a drift to answer
    vulnerabilities.import_records(graph, all_samples())
    reads = {k: v for k, v in operations(document).items() if v[0] == "get"}
    assert set(READS) == set(reads), "every read needs an example request here"
    for operation_id, url in READS.items():
        _, path, operation = reads[operation_id]
        response = client.get(url)
        assert response.status_code == 200, (operation_id, response.get_data(as_text=True))
        content = operation["responses"]["200"]["content"]
        assert response.mimetype in content, (operation_id, response.mimetype, list(content))
        if response.mimetype != "application/json":
            continue
        errors = sorted(
            validator(document, content["application/json"]["schema"]).iter_errors(
                response.get_json()
            ),
            key=str,
        )
        assert not errors, f"{operation_id}: {errors[0].json_path}: {errors[0].message}"


def test_the_schemas_would_catch_a_missing_field_and_an_unexpected_null(document):
    """The check above can fail: the Deployment schema refuses what a client can't read."""
    check = validator(document, {"$ref": "#/components/schemas/Deployment"})
    good = {
        "id": "d-1",
        "environment": "prod",
        "application": {"application": "shop", "version": "1.0.0"},
        "status": "succeeded",
        "started_at": "2026-10-05T09:00:00Z",
        "finished_at": "2026-10-05T09:10:00Z",
        "recorded_at": "2026-10-05T09:10:01Z",
        "by": "ci",
        "recorded_by": "ci-token",
        "engine": None,
        "log_url": None,
    }
    assert check.is_valid(good)
    assert check.is_valid({**good, "application": None})
    assert not check.is_valid({k: v for k, v in good.items() if k != "status"})
    assert not check.is_valid({**good, "id": None})
    assert not check.is_valid({**good, "application": {}})
    assert not check.is_valid({**good, "finished_at": "yesterday"})


def test_operations_are_named_for_the_domain_and_described(app, document):
    found = operations(document)
    ids = [
        op["operationId"]
        for item in document["paths"].values()
        for m, op in item.items()
        if m != "parameters"
    ]
    assert len(ids) == len(set(ids)), "operationIds are unique"
    assert {"register_component_version", "record_deployment", "get_inventory"} <= set(found)
    assert {"get_blast_radius", "list_component_versions", "list_application_versions"} <= set(
        found
    )
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert set(openapi.OPERATION_IDS) <= endpoints, "every renamed endpoint exists"
    for operation_id, (_, _path, operation) in found.items():
        assert operation.get("description"), f"{operation_id} has no description"
        assert re.fullmatch(r"[a-z]+(_[a-z]+)*", operation_id), operation_id
    for path, item in document["paths"].items():
        for parameter in item.get("parameters", []):
            assert parameter.get("description"), f"{path} {parameter['name']}"
    version = document["paths"]["/api/v1/components/{name}/versions/{version}"]["parameters"]
    assert [p["description"] for p in version] == [
        "The component's name",
        "The version of the component",
    ]
    assert document["servers"]


def properties(schema: Any, where: str = ""):
    """(where, property name, property schema) of every object property in `schema`."""
    if isinstance(schema, dict):
        for name, prop in (schema.get("properties") or {}).items():
            yield where, name, prop
        for key, value in schema.items():
            yield from properties(value, f"{where}/{key}")
    elif isinstance(schema, list):
        for i, value in enumerate(schema):
            yield from properties(value, f"{where}/{i}")


def test_every_timestamp_is_a_date_time(document):
    untyped = [
        f"{where}.{name}"
        for where, name, prop in properties(document)
        if re.fullmatch(r".*_at|since|at|until", name)
        and prop.get("type") != "array"
        and prop.get("format") != "date-time"
    ]
    assert not untyped, f"{len(untyped)} timestamps lack format date-time: {untyped}"


#: Fields that may hold any JSON: an error's details depend on the error.
ANY_JSON = {"/ErrorBody.details"}


def untyped(prop: dict) -> bool:
    """No type at all, a list of anything, or an object of anything."""
    if not {"type", "$ref", "anyOf", "oneOf", "allOf", "const", "enum"} & set(prop):
        return True
    if prop.get("type") == "array":
        return not prop.get("items")
    if prop.get("type") == "object":
        return not prop.get("properties") and prop.get("additionalProperties", {}) == {}
    return False


def test_no_field_is_left_untyped(document):
    """A generated client types a field with no schema as `Any`/`unknown`."""
    found = [
        f"{where}.{name}"
        for where, name, prop in properties(document["components"]["schemas"])
        if untyped(prop) and f"{where}.{name}" not in ANY_JSON
    ]
    assert not found, found


def schemas_in(node: Any, where: str = ""):
    """(where, schema) of every dict in the document."""
    if isinstance(node, dict):
        yield where, node
        for key, value in node.items():
            yield from schemas_in(value, f"{where}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from schemas_in(value, f"{where}/{i}")


def test_nullability_is_said_once_and_plainly(document):
    """Null is a branch of its own (``anyOf [X, {type: null}]`` or ``type: [X, null]``):
    never a value among an enum's (generators make one enum per branch), never an empty
    object beside a reference (it matches anything, so the reference is never read), and
    never OpenAPI 3.0's ``nullable``."""
    assert document["openapi"].startswith("3.1")
    for where, schema in schemas_in(document):
        assert None not in (schema.get("enum") or []), where
        assert "nullable" not in schema, where
        for branch in schema.get("anyOf", []):
            assert branch.get("type") != "object" or branch.keys() - {"type"}, where
    status = document["components"]["schemas"]["DeploymentIn"]["properties"]["status"]
    assert status["anyOf"][1] == {"type": "null"}
    application = document["components"]["schemas"]["Deployment"]["properties"]["application"]
    assert application["anyOf"] == [
        {"$ref": "#/components/schemas/AppRef"},
        {"type": "null"},
    ]
