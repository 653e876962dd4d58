"""`GET /api/v1/matrix`: the version matrix over HTTP, the same answer as the page's."""

from __future__ import annotations

import pytest

from app.admin import demo
from app.cli.catalogs import LocalCatalog
from app.reports import matrix
from tests.test_http_basics import assert_error_shape


@pytest.fixture
def shop(client, graph):
    demo.load(LocalCatalog(graph))
    return client


def _cells(body):
    names = [e["name"] for e in body["environments"]]
    return {
        (row["component"], name): cell["version"]
        for row in body["components"]
        for name, cell in zip(names, row["cells"], strict=True)
        if cell
    }


def test_the_matrix_answers_what_the_service_shapes_with_the_demo_drift(shop, graph):
    body = shop.get("/api/v1/matrix").get_json()
    assert body == matrix.matrix(graph)
    names = [e["name"] for e in body["environments"]]
    assert names.index("dev") < names.index("staging") < names.index("prod")
    payment = next(row for row in body["components"] if row["component"] == "payment")
    dev = payment["cells"][names.index("dev")]
    assert dev["version"] == "1.5.1"
    assert dev["drift"] == {"next": True, "prod": True, "newer_than_prod": True}
    assert payment["cells"][names.index("prod")]["drift"] == {
        "next": False, "prod": False, "newer_than_prod": False}


def test_the_matrix_filters_pages_and_goes_back_in_time(shop):
    owned = shop.get("/api/v1/matrix?team=payments&stage=prod").get_json()
    assert [e["name"] for e in owned["environments"]] == ["prod"]
    assert {row["component"] for row in owned["components"]} == {"currency", "payment", "checkout"}
    assert owned["filters"] == {"application": None, "team": "payments", "stage": "prod"}
    first = shop.get("/api/v1/matrix?limit=2").get_json()
    second = shop.get("/api/v1/matrix?limit=2&offset=2").get_json()
    assert first["next_offset"] == 2 and len(first["components"]) == 2
    everything = shop.get("/api/v1/matrix?limit=500").get_json()["components"]
    assert first["components"] + second["components"] == everything[:4]
    before = shop.get("/api/v1/matrix?at=2026-10-14T00:00:00Z").get_json()
    assert before["at"] == "2026-10-14T00:00:00Z"
    assert _cells(before)[("payment", "prod")] == "1.4.2"
    assert _cells(shop.get("/api/v1/matrix").get_json())[("payment", "prod")] == "1.5.0"


@pytest.mark.parametrize(
    ("query", "status", "field"),
    [
        ("stage=qa", 400, "stage"),
        ("at=yesterday", 400, "at"),
        ("limit=0", 400, "limit"),
        ("offset=-1", 400, "offset"),
        ("team=nobody", 404, None),
        ("application=nothing", 404, None),
    ],
)
def test_bad_matrix_filters_name_what_is_wrong(shop, query, status, field):
    error = assert_error_shape(
        shop.get(f"/api/v1/matrix?{query}"), status, "invalid" if status == 400 else "not_found"
    )
    if field:
        assert field in str(error["details"]), error


def test_the_matrix_at_the_instant_a_deployment_finished_shows_it_whatever_the_zones(shop):
    """A pipeline in Berlin reports 12:00+02:00; asking for 10:00Z, the same instant, must
    find the deployment (Neo4j orders one instant written in two zones as unequal)."""
    recorded = shop.post(
        "/api/v1/deployments",
        json={"environment": "prod", "application": "shop", "version": "1.0.8",
              "status": "succeeded", "started_at": "2026-11-20T11:55:00+02:00",
              "finished_at": "2026-11-20T12:00:00+02:00"},
    )
    assert recorded.status_code == 201, recorded.get_json()
    at = shop.get("/api/v1/matrix?at=2026-11-20T10:00:00Z&application=shop").get_json()
    assert _cells(at)[("payment", "prod")] == "1.5.1"  # shop 1.0.8's payment
    before = shop.get("/api/v1/matrix?at=2026-11-20T09:59:59Z&application=shop").get_json()
    assert _cells(before)[("payment", "prod")] == "1.5.0"
