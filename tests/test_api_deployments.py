"""Recording deployments, and the inventory they build."""

from __future__ import annotations

import pytest

from tests.catalog import app_versions, counts, deploy, members, put_environment, register
from tests.test_http_basics import assert_error_shape


@pytest.fixture
def shop(client):
    """shop 1.0.0 = payment 1.0.0 + cart 3.1.0; shop 1.0.1 has payment 1.1.0."""
    put_environment(client, "staging", stage="staging", cluster="eu-1", namespace="shop")
    put_environment(client, "prod", stage="prod")
    register(client, "payment", "1.0.0", applications=["shop"])
    register(client, "cart", "3.1.0", applications=["shop"])
    register(client, "payment", "1.1.0")
    assert app_versions(client, "shop")[-1] == ("1.0.2", "1.0.1")
    return client


def _running(client, environment):
    body = client.get(f"/api/v1/environments/{environment}").get_json()
    return {r["component"]: r["version"] for r in body["running"]}


def test_succeeded_deployment_moves_the_inventory_and_failed_one_does_not(shop):
    first = deploy(
        shop,
        environment="prod",
        status="succeeded",
        application="shop",
        version="1.0.1",
        by="ci",
        engine="helm",
        log_url="https://ci/1",
        started_at="2026-11-20T10:00:00Z",
        finished_at="2026-11-20T10:04:00Z",
    )
    assert first["components"] == [
        {"component": "cart", "version": "3.1.0"},
        {"component": "payment", "version": "1.0.0"},
    ]
    assert _running(shop, "prod") == {"payment": "1.0.0", "cart": "3.1.0"}

    deploy(
        shop,
        environment="prod",
        status="failed",
        application="shop",
        version="1.0.2",
        started_at="2026-11-21T10:00:00Z",
        finished_at="2026-11-21T10:01:00Z",
    )
    assert _running(shop, "prod") == {"payment": "1.0.0", "cart": "3.1.0"}

    deploy(
        shop,
        environment="prod",
        status="succeeded",
        application="shop",
        version="1.0.2",
        started_at="2026-11-22T10:00:00Z",
        finished_at="2026-11-22T10:03:00Z",
    )
    assert _running(shop, "prod") == {"payment": "1.1.0", "cart": "3.1.0"}
    assert _running(shop, "staging") == {}

    history = shop.get("/api/v1/deployments?environment=prod").get_json()["items"]
    assert [(d["status"], d["application"]["version"]) for d in history] == [
        ("succeeded", "1.0.2"),
        ("failed", "1.0.2"),
        ("succeeded", "1.0.1"),
    ]
    payment = shop.get("/api/v1/components/payment").get_json()
    assert payment["running"] == [
        {"environment": "prod", "version": "1.1.0", "since": "2026-11-22T10:03:00Z"}
    ]


def test_a_set_of_component_versions_matches_or_derives_an_application_version(shop):
    matched = deploy(
        shop,
        environment="staging",
        status="succeeded",
        application="shop",
        components=[
            {"component": "payment", "version": "1.1.0"},
            {"component": "cart", "version": "3.1.0"},
        ],
    )
    assert matched["application"] == {"application": "shop", "version": "1.0.2"}
    register(shop, "cart", "3.2.0", derive=False)
    derived = deploy(
        shop,
        environment="staging",
        status="succeeded",
        application="shop",
        components=[
            {"component": "payment", "version": "1.1.0"},
            {"component": "cart", "version": "3.2.0"},
        ],
    )
    assert derived["application"] == {"application": "shop", "version": "1.0.3"}
    assert members(shop, "shop", "1.0.3") == {"payment": "1.1.0", "cart": "3.2.0"}
    assert _running(shop, "staging") == {"payment": "1.1.0", "cart": "3.2.0"}


def test_component_versions_without_an_application(shop):
    deployed = deploy(
        shop,
        environment="staging",
        status="succeeded",
        components=[{"component": "cart", "version": "3.1.0"}],
    )
    assert deployed["application"] is None
    assert deployed["components"] == [{"component": "cart", "version": "3.1.0"}]
    assert _running(shop, "staging") == {"cart": "3.1.0"}


def test_same_id_again_is_a_no_op_and_with_other_content_a_conflict(shop, raw_cypher):
    body = {
        "id": "pipeline-77",
        "environment": "prod",
        "status": "succeeded",
        "application": "shop",
        "version": "1.0.1",
    }
    deploy(shop, **body)
    before = counts(raw_cypher)
    again = deploy(shop, expect=200, **body)
    assert again["id"] == "pipeline-77"
    assert counts(raw_cypher) == before
    response = shop.post("/api/v1/deployments", json={**body, "version": "1.0.2"})
    error = assert_error_shape(response, 409, "conflict")
    assert "components" in error["details"]["fields"]
    assert counts(raw_cypher) == before


def test_a_late_record_of_an_older_deployment_does_not_roll_the_inventory_back(shop):
    deploy(
        shop,
        environment="prod",
        status="succeeded",
        application="shop",
        version="1.0.2",
        finished_at="2026-11-22T10:00:00Z",
        started_at="2026-11-22T09:58:00Z",
    )
    deploy(
        shop,
        environment="prod",
        status="succeeded",
        application="shop",
        version="1.0.1",
        finished_at="2026-11-20T10:00:00Z",
        started_at="2026-11-20T09:58:00Z",
    )
    assert _running(shop, "prod") == {"payment": "1.1.0", "cart": "3.1.0"}
    assert len(shop.get("/api/v1/deployments").get_json()["items"]) == 2


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        (
            {
                "environment": "moon",
                "status": "succeeded",
                "application": "shop",
                "version": "1.0.1",
            },
            404,
            "environment",
        ),
        (
            {
                "environment": "prod",
                "status": "succeeded",
                "application": "shop",
                "version": "7.7.7",
            },
            404,
            "version",
        ),
        (
            {
                "environment": "prod",
                "status": "succeeded",
                "components": [{"component": "cart", "version": "0.0.1"}],
            },
            404,
            "missing",
        ),
        (
            {"environment": "prod", "status": "done", "application": "shop", "version": "1.0.1"},
            400,
            "status",
        ),
        ({"environment": "prod", "status": "succeeded"}, 400, "components"),
        (
            {
                "environment": "prod",
                "status": "succeeded",
                "application": "shop",
                "version": "1.0.1",
                "started_at": "2026-11-22T10:00:00Z",
                "finished_at": "2026-11-22T09:00:00Z",
            },
            400,
            "finished_at",
        ),
        (
            {
                "environment": "prod",
                "status": "succeeded",
                "application": "shop",
                "version": "1.0.1",
                "started_at": "2026-11-22 10:00",
            },
            400,
            "started_at",
        ),
    ],
)
def test_bad_deployments_are_refused_and_write_nothing(shop, raw_cypher, body, status, field):
    before = counts(raw_cypher)
    response = shop.post("/api/v1/deployments", json=body)
    error = assert_error_shape(response, status, "not_found" if status == 404 else "invalid")
    assert field in error["details"]
    assert counts(raw_cypher) == before


def test_deployment_lists_filter_and_page(shop):
    for day in range(1, 6):
        deploy(
            shop,
            environment="staging" if day % 2 else "prod",
            status="succeeded",
            application="shop",
            version="1.0.1",
            finished_at=f"2026-11-0{day}T12:00:00Z",
            started_at=f"2026-11-0{day}T11:00:00Z",
        )
    first = shop.get("/api/v1/deployments?limit=2").get_json()
    assert [d["finished_at"][:10] for d in first["items"]] == ["2026-11-05", "2026-11-04"]
    assert first["next_offset"] == 2
    last = shop.get("/api/v1/deployments?limit=2&offset=4").get_json()
    assert len(last["items"]) == 1 and last["next_offset"] is None
    assert len(shop.get("/api/v1/deployments?environment=prod").get_json()["items"]) == 2
    assert len(shop.get("/api/v1/deployments?component=cart").get_json()["items"]) == 5
    assert shop.get("/api/v1/deployments?component=payment&status=failed").get_json()["items"] == []
    one = first["items"][0]
    assert shop.get(f"/api/v1/deployments/{one['id']}").get_json()["environment"] == "staging"
    assert_error_shape(shop.get("/api/v1/deployments/nope"), 404, "not_found")


def _started(client, query):
    items = client.get(f"/api/v1/deployments?{query}").get_json()["items"]
    return [d["started_at"][:10] for d in items]


def test_deployment_lists_filter_by_when_they_started(shop):
    for day in range(1, 6):
        deploy(shop, environment="prod", status="succeeded", application="shop", version="1.0.1",
               started_at=f"2026-11-0{day}T11:00:00Z", finished_at=f"2026-11-0{day}T12:00:00Z")
    # since is inclusive, until exclusive: back-to-back windows count each deployment once
    assert _started(shop, "since=2026-11-02T11:00:00Z&until=2026-11-04T11:00:00Z") == [
        "2026-11-03", "2026-11-02"]
    assert _started(shop, "until=2026-11-02T11:00:00Z") == ["2026-11-01"]
    # another zone is the same instant: 13:00+02:00 is 11:00Z
    assert _started(shop, "since=2026-11-05T13:00:00%2B02:00") == ["2026-11-05"]
    # and a time recorded in another zone compares by its instant too
    deploy(shop, environment="prod", status="succeeded", application="shop", version="1.0.1",
           started_at="2026-11-06T13:00:00+02:00", finished_at="2026-11-06T13:30:00+02:00")
    assert _started(shop, "since=2026-11-06T11:00:00Z") == ["2026-11-06"]
    assert _started(shop, "since=2026-11-05T12:00:00Z&until=2026-11-06T11:00:00Z") == []
    assert _started(shop, "since=2026-11-03T00:00:00Z&environment=staging") == []
    assert _started(shop, "since=2026-11-06T00:00:00Z&until=2026-11-01T00:00:00Z") == []


@pytest.mark.parametrize(
    "query", ["since=yesterday", "until=2026-11-02", "since=2026-11-02T10:00:00"]
)
def test_a_bad_time_filter_is_a_400_naming_it(shop, query):
    error = assert_error_shape(shop.get(f"/api/v1/deployments?{query}"), 400, "invalid")
    assert query.split("=")[0] in error["details"]
