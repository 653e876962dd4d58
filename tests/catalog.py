"""Helpers for catalog tests: terse calls to the HTTP API and graph counts."""

from __future__ import annotations

from typing import Any


def register(
    client, component: str, version: str, expect: int | None = 201, **fields: Any
) -> dict[str, Any]:
    response = client.post(
        f"/api/v1/components/{component}/versions", json={"version": version, **fields}
    )
    if expect is not None:
        assert response.status_code == expect, response.get_json()
    return response.get_json()


def put_environment(client, name: str, **fields: Any) -> dict[str, Any]:
    response = client.put(f"/api/v1/environments/{name}", json=fields)
    assert response.status_code in (200, 201), response.get_json()
    return response.get_json()


def deploy(client, expect: int | None = 201, **body: Any) -> dict[str, Any]:
    response = client.post("/api/v1/deployments", json=body)
    if expect is not None:
        assert response.status_code == expect, response.get_json()
    return response.get_json()


def app_versions(client, application: str) -> list[tuple[str, str | None]]:
    """(version, previous) of every version of the application, in version order."""
    body = client.get(f"/api/v1/applications/{application}/versions?limit=500").get_json()
    return [(v["version"], v["previous"]) for v in body["items"]]


def members(client, application: str, version: str) -> dict[str, str]:
    body = client.get(f"/api/v1/applications/{application}/versions/{version}").get_json()
    return {m["component"]: m["version"] for m in body["components"]}


def counts(raw_cypher) -> dict[str, int]:
    """Nodes per label and relationships per type of the catalog (not the schema marker or
    the API tokens the fixtures create): 'nothing was written' made checkable."""
    nodes = raw_cypher(
        "MATCH (n) WHERE NOT n:MercatorSchema AND NOT n:ApiToken "
        "UNWIND labels(n) AS label RETURN label, count(*) AS n"
    )
    rels = raw_cypher("MATCH ()-[r]->() RETURN type(r) AS type, count(*) AS n")
    return {**{row["label"]: row["n"] for row in nodes}, **{row["type"]: row["n"] for row in rels}}
