"""Application versions: explicit sets, adding and removing components."""

from __future__ import annotations

from tests.catalog import app_versions, counts, members, register
from tests.test_http_basics import assert_error_shape


def _create(client, name, components, **extra):
    return client.post(
        f"/api/v1/applications/{name}/versions", json={"components": components, **extra}
    )


def _seed(client):
    register(client, "payment", "1.0.0", kind="service", owner="payments")
    register(client, "payment", "1.1.0")
    register(client, "cart", "3.1.0", kind="service")


def test_explicit_version_from_component_versions(client):
    _seed(client)
    response = _create(
        client,
        "shop",
        [{"component": "payment", "version": "1.0.0"}, {"component": "cart", "version": "3.1.0"}],
        owner="storefront",
        description="The shop",
    )
    assert response.status_code == 201
    body = response.get_json()
    assert (body["application"], body["version"], body["previous"]) == ("shop", "1.0.0", None)
    assert [(m["component"], m["version"], m["kind"], m["owner"]) for m in body["components"]] == [
        ("cart", "3.1.0", "service", None),
        ("payment", "1.0.0", "service", "payments"),
    ]
    app = client.get("/api/v1/applications/shop").get_json()
    assert (app["owner"], app["description"], app["latest_version"]) == (
        "storefront",
        "The shop",
        "1.0.0",
    )

    second = _create(client, "shop", [{"component": "payment", "version": "1.1.0"}]).get_json()
    assert (second["version"], second["previous"]) == ("1.0.1", "1.0.0")


def test_named_version_again_is_a_no_op_and_with_another_set_a_conflict(client, raw_cypher):
    _seed(client)
    one = [{"component": "payment", "version": "1.0.0"}]
    assert _create(client, "shop", one, version="2.0").status_code == 201
    before = counts(raw_cypher)
    assert _create(client, "shop", one, version="2.0").status_code == 200
    assert counts(raw_cypher) == before
    other = [{"component": "payment", "version": "1.1.0"}]
    error = assert_error_shape(_create(client, "shop", other, version="2.0"), 409, "conflict")
    assert error["details"]["registered"] == {"payment": "1.0.0"}
    assert counts(raw_cypher) == before


def test_unknown_component_versions_are_named_and_nothing_is_written(client, raw_cypher):
    _seed(client)
    before = counts(raw_cypher)
    response = _create(
        client,
        "shop",
        [
            {"component": "payment", "version": "9.9.9"},
            {"component": "ghost", "version": "1.0"},
            {"component": "cart", "version": "3.1.0"},
        ],
    )
    error = assert_error_shape(response, 404, "not_found")
    assert error["details"]["missing"] == ["ghost@1.0", "payment@9.9.9"]
    assert counts(raw_cypher) == before


def test_two_versions_of_one_component_are_refused(client, raw_cypher):
    _seed(client)
    before = counts(raw_cypher)
    response = _create(
        client,
        "shop",
        [
            {"component": "payment", "version": "1.0.0"},
            {"component": "payment", "version": "1.1.0"},
        ],
    )
    error = assert_error_shape(response, 400, "invalid")
    assert error["details"] == {"components": ["payment"]}
    assert counts(raw_cypher) == before


def test_add_replace_and_remove_each_make_a_new_version(client):
    _seed(client)
    _create(client, "shop", [{"component": "cart", "version": "3.1.0"}])
    added = client.post(
        "/api/v1/applications/shop/components", json={"component": "payment", "version": "1.0.0"}
    )
    assert added.status_code == 201 and added.get_json()["version"] == "1.0.1"
    replaced = client.post(
        "/api/v1/applications/shop/components", json={"component": "payment", "version": "1.1.0"}
    ).get_json()
    assert members(client, "shop", replaced["version"]) == {"cart": "3.1.0", "payment": "1.1.0"}
    same = client.post(
        "/api/v1/applications/shop/components", json={"component": "payment", "version": "1.1.0"}
    )
    assert same.status_code == 200 and same.get_json()["version"] == replaced["version"]
    removed = client.delete("/api/v1/applications/shop/components/cart")
    assert removed.status_code == 201
    assert members(client, "shop", removed.get_json()["version"]) == {"payment": "1.1.0"}
    assert app_versions(client, "shop") == [
        ("1.0.0", None),
        ("1.0.1", "1.0.0"),
        ("1.0.2", "1.0.1"),
        ("1.0.3", "1.0.2"),
    ]
    # Old versions are never edited.
    assert members(client, "shop", "1.0.0") == {"cart": "3.1.0"}


def test_removing_a_component_the_application_does_not_hold_is_404(client):
    _seed(client)
    _create(client, "shop", [{"component": "cart", "version": "3.1.0"}])
    assert_error_shape(
        client.delete("/api/v1/applications/shop/components/payment"), 404, "not_found"
    )
    assert_error_shape(client.delete("/api/v1/applications/nope/components/cart"), 404, "not_found")


def test_unknown_application_and_version_are_404(client):
    assert_error_shape(client.get("/api/v1/applications/nope"), 404, "not_found")
    assert_error_shape(client.get("/api/v1/applications/nope/versions"), 404, "not_found")
    _seed(client)
    _create(client, "shop", [{"component": "cart", "version": "3.1.0"}])
    assert_error_shape(client.get("/api/v1/applications/shop/versions/9"), 404, "not_found")
