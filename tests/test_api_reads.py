"""Browsing the catalog: lists with paging and filters, and single resources."""

from __future__ import annotations

import pytest

from tests.catalog import deploy, put_environment, register
from tests.test_http_basics import assert_error_shape


@pytest.fixture
def catalog(client):
    register(client, "payment", "1.0.0", kind="service", owner="payments", applications=["shop"])
    register(client, "payment-db", "12", kind="database", owner="payments")
    register(client, "cart", "3.1.0", kind="service", owner="storefront", applications=["shop"])
    register(client, "flags", "2024.06", kind="config", owner="platform")
    put_environment(client, "prod", stage="prod", cluster="eu-1")
    put_environment(client, "dev", stage="dev")
    deploy(
        client,
        environment="prod",
        status="succeeded",
        components=[{"component": "cart", "version": "3.1.0"}],
    )
    return client


def _names(client, url):
    return [item["name"] for item in client.get(url).get_json()["items"]]


def test_components_filter_by_prefix_kind_owner_and_environment(catalog):
    assert _names(catalog, "/api/v1/components") == ["cart", "flags", "payment", "payment-db"]
    assert _names(catalog, "/api/v1/components?prefix=pay") == ["payment", "payment-db"]
    assert _names(catalog, "/api/v1/components?kind=database") == ["payment-db"]
    assert _names(catalog, "/api/v1/components?owner=payments") == ["payment", "payment-db"]
    assert _names(catalog, "/api/v1/components?environment=prod") == ["cart"]
    assert _names(catalog, "/api/v1/components?owner=payments&kind=service") == ["payment"]


def test_pages_follow_next_offset_to_the_end(catalog):
    seen, offset = [], 0
    while offset is not None:
        page = catalog.get(f"/api/v1/components?limit=3&offset={offset}").get_json()
        seen += [item["name"] for item in page["items"]]
        offset = page["next_offset"]
    assert seen == ["cart", "flags", "payment", "payment-db"]


@pytest.mark.parametrize(
    "query", ["limit=0", "limit=501", "offset=-1", "limit=many", "kind=microservice"]
)
def test_bad_paging_or_filter_is_400(catalog, query):
    error = assert_error_shape(catalog.get(f"/api/v1/components?{query}"), 400, "invalid")
    assert error["details"]


def test_teams_environments_and_applications_lists(catalog):
    teams = catalog.get("/api/v1/teams").get_json()["items"]
    assert [(t["name"], t["component_count"]) for t in teams] == [
        ("payments", 2),
        ("platform", 1),
        ("storefront", 1),
    ]
    assert _names(catalog, "/api/v1/environments?stage=prod") == ["prod"]
    assert _names(catalog, "/api/v1/applications") == ["shop"]
    assert _names(catalog, "/api/v1/applications?environment=prod") == []
    prod = catalog.get("/api/v1/environments/prod").get_json()
    assert (prod["cluster"], [r["component"] for r in prod["running"]]) == ("eu-1", ["cart"])


def test_team_and_environment_upserts_keep_what_is_not_given(client):
    created = client.put(
        "/api/v1/teams/payments", json={"email": "pay@example.com", "chat": "#payments"}
    )
    assert created.status_code == 201
    updated = client.put("/api/v1/teams/payments", json={"pager": "pay-oncall"})
    assert updated.status_code == 200
    assert {k: updated.get_json()[k] for k in ("email", "chat", "pager")} == {
        "email": "pay@example.com",
        "chat": "#payments",
        "pager": "pay-oncall",
    }
    bad = client.put("/api/v1/environments/prod", json={"stage": "production"})
    assert_error_shape(bad, 400, "invalid")


def test_an_unknown_engine_is_refused_when_written_not_when_a_deployment_runs(client):
    bad = client.put("/api/v1/environments/prod", json={"stage": "prod", "engine": "argocd"})
    error = assert_error_shape(bad, 400, "invalid")
    assert list(error["details"]) == ["engine"]
    assert "none, command, helm" in str(error["details"]["engine"])
    assert_error_shape(client.get("/api/v1/environments/prod"), 404, "not_found")
    good = client.put("/api/v1/environments/prod", json={"stage": "prod", "engine": "helm"})
    assert good.status_code == 201
    assert good.get_json()["engine"] == "helm"


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/components/nope",
        "/api/v1/components/nope/versions",
        "/api/v1/components/nope/versions/1",
        "/api/v1/teams/nope",
        "/api/v1/environments/nope",
        "/api/v1/applications/nope",
    ],
)
def test_unknown_things_are_404(client, path):
    assert_error_shape(client.get(path), 404, "not_found")


@pytest.mark.parametrize(
    ("path", "kind", "name", "suggestion"),
    [
        ("/api/v1/components/paymnet", "component", "paymnet", "payment"),
        ("/api/v1/components/paymnet/versions", "component", "paymnet", "payment"),
        ("/api/v1/applications/shpo", "application", "shpo", "shop"),
        ("/api/v1/environments/prdo", "environment", "prdo", "prod"),
    ],
)
def test_not_found_suggests_the_nearest_names(catalog, client, path, kind, name, suggestion):
    error = assert_error_shape(client.get(path), 404, "not_found")
    assert error["message"].startswith(f"no {kind} named {name!r}; did you mean {suggestion}")
    assert error["details"][kind] == name
    assert error["details"]["did_you_mean"][0] == suggestion
