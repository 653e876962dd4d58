"""Registering component versions: creation, immutability, derived application versions."""

from __future__ import annotations

import pytest

from tests.catalog import app_versions, counts, members, register
from tests.test_http_basics import assert_error_shape

PAYMENT = {
    "kind": "service",
    "owner": "payments",
    "description": "Takes payments",
    "image": "registry.example.com/shop/payment",
    "digest": "sha256:" + "1111" * 16,
    "git_repository": "https://git.example.com/shop/payment",
    "git_commit": "a1b2c3d",
    "git_branch": "main",
    "build_url": "https://ci.example.com/payment/41",
    "chart": "payment",
    "chart_version": "0.4.0",
    "attributes": {"region": "eu", "replicas": 3, "canary": False},
    "dependencies": [
        {"component": "currency", "range": ">=2.0.0 <3.0.0"},
        {"component": "fraud-check"},
    ],
}


def test_first_registration_creates_component_team_version_and_dependencies(client):
    body = register(client, "payment", "1.0.0", **PAYMENT)
    assert body == {
        "component": "payment",
        "version": "1.0.0",
        "created": True,
        "application_versions": [],
    }

    component = client.get("/api/v1/components/payment").get_json()
    assert (component["kind"], component["owner"], component["latest_version"]) == (
        "service",
        "payments",
        "1.0.0",
    )
    assert component["dependencies"] == [
        {"component": "currency", "range": ">=2.0.0 <3.0.0"},
        {"component": "fraud-check", "range": None},
    ]
    version = client.get("/api/v1/components/payment/versions/1.0.0").get_json()
    for field in (
        "image",
        "digest",
        "git_commit",
        "git_branch",
        "build_url",
        "chart",
        "chart_version",
    ):
        assert version[field] == PAYMENT[field]
    assert version["attributes"] == {"region": "eu", "replicas": 3, "canary": False}
    assert version["previous"] is None
    assert client.get("/api/v1/teams/payments").get_json()["components"] == ["payment"]
    # Depended-on components exist even before they register a version.
    assert client.get("/api/v1/components/currency").status_code == 200


def test_same_payload_again_is_200_and_writes_nothing(client, raw_cypher):
    register(client, "payment", "1.0.0", applications=["shop"], **PAYMENT)
    before = counts(raw_cypher)
    again = register(client, "payment", "1.0.0", expect=200, applications=["shop"], **PAYMENT)
    assert again["created"] is False and again["application_versions"] == []
    assert counts(raw_cypher) == before


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({"digest": "sha256:" + "2222" * 16}, ["digest"]),
        ({"image": "registry.example.com/other", "git_commit": "fffffff"}, ["git_commit", "image"]),
        ({"attributes": {"region": "us"}}, ["attributes"]),
    ],
)
def test_same_version_with_other_content_is_409_naming_the_fields(
    client, raw_cypher, changes, named
):
    register(client, "payment", "1.0.0", **PAYMENT)
    before = counts(raw_cypher)
    response = client.post(
        "/api/v1/components/payment/versions", json={"version": "1.0.0", **{**PAYMENT, **changes}}
    )
    error = assert_error_shape(response, 409, "conflict")
    assert sorted(error["details"]["fields"]) == named
    for field in named:
        assert error["details"]["fields"][field]["registered"] == PAYMENT[field]
    assert counts(raw_cypher) == before


def test_new_version_chains_to_its_predecessor(client):
    register(client, "payment", "1.0.0", **PAYMENT)
    register(client, "payment", "1.1.0", digest="sha256:" + "3333" * 16)
    page = client.get("/api/v1/components/payment/versions").get_json()
    assert [(v["version"], v["previous"]) for v in page["items"]] == [
        ("1.1.0", "1.0.0"),
        ("1.0.0", None),
    ]
    assert client.get("/api/v1/components/payment").get_json()["latest_version"] == "1.1.0"


def test_registration_derives_a_new_version_of_each_application_that_holds_the_component(client):
    register(client, "payment", "1.0.0", applications=["shop"])
    register(client, "cart", "3.1.0", applications=["shop", "kiosk"])
    register(client, "search", "0.9.0", applications=["kiosk"])
    assert app_versions(client, "shop") == [("1.0.0", None), ("1.0.1", "1.0.0")]

    derived = register(client, "payment", "1.1.0")["application_versions"]
    assert derived == [{"application": "shop", "version": "1.0.2", "previous": "1.0.1"}]
    assert members(client, "shop", "1.0.2") == {"payment": "1.1.0", "cart": "3.1.0"}
    assert members(client, "shop", "1.0.1") == {"payment": "1.0.0", "cart": "3.1.0"}
    # kiosk does not hold payment: untouched.
    assert app_versions(client, "kiosk") == [("1.0.0", None), ("1.0.1", "1.0.0")]

    derived = register(client, "cart", "3.2.0")["application_versions"]
    assert {d["application"]: d["version"] for d in derived} == {"kiosk": "1.0.2", "shop": "1.0.3"}


@pytest.mark.parametrize(
    ("first", "second"),
    [("2024.06", "2024.07"), ("7", "8"), ("1.4.2", "1.4.3"), ("2.0.9", "2.0.10")],
)
def test_derived_version_numbers_increment_the_last_number(client, first, second):
    register(client, "payment", "1.0.0")
    created = client.post(
        "/api/v1/applications/shop/versions",
        json={"version": first, "components": [{"component": "payment", "version": "1.0.0"}]},
    )
    assert created.status_code == 201
    derived = register(client, "payment", "1.0.1")["application_versions"]
    assert derived == [{"application": "shop", "version": second, "previous": first}]


def test_opting_out_of_derivation(client):
    register(client, "payment", "1.0.0", applications=["shop"])
    body = register(client, "payment", "1.0.1", derive=False)
    assert body["application_versions"] == []
    assert app_versions(client, "shop") == [("1.0.0", None)]


def test_named_applications_get_the_component_added_and_are_created_if_new(client):
    register(client, "cart", "3.1.0", applications=["shop"])
    body = register(client, "payment", "1.0.0", applications=["shop", "pos"])
    assert {d["application"]: d["previous"] for d in body["application_versions"]} == {
        "pos": None,
        "shop": "1.0.0",
    }
    assert members(client, "shop", "1.0.1") == {"cart": "3.1.0", "payment": "1.0.0"}
    assert members(client, "pos", "1.0.0") == {"payment": "1.0.0"}


def test_kind_cannot_change(client):
    register(client, "payment", "1.0.0", kind="service")
    response = client.post(
        "/api/v1/components/payment/versions", json={"version": "1.0.1", "kind": "database"}
    )
    error = assert_error_shape(response, 409, "conflict")
    assert error["details"]["kind"] == {"registered": "service", "given": "database"}


@pytest.mark.parametrize(
    ("path_name", "body", "bad_fields"),
    [
        ("payment", {}, ["version"]),
        ("payment", {"version": "1.0.0", "colour": "red"}, ["colour"]),
        ("payment", {"version": 100}, ["version"]),
        ("payment", {"version": "1.0 .0"}, ["version"]),
        ("payment", {"version": "1.0.0\u0007"}, ["version"]),
        ("payment", {"version": "   "}, ["version"]),
        ("payment", {"version": "1.0.0", "kind": "microservice"}, ["kind"]),
        (
            "payment",
            {"version": "1.0.0", "dependencies": [{"component": "x", "range": ">>2"}]},
            ["dependencies"],
        ),
        (
            "payment",
            {"version": "1.0.0", "dependencies": [{"component": "payment"}]},
            ["dependencies.0.component"],
        ),
        (
            "payment",
            {"version": "1.0.0", "attributes": {"nested": {"a": 1}}},
            ["attributes.nested"],
        ),
        ("payment", {"version": "1.0.0", "created_at": "yesterday"}, ["created_at"]),
        ("payment", {"version": "1.0.0", "applications": ["my shop"]}, ["applications"]),
        # placeholders are refused, not stored: an image digest is OCI's algorithm:encoded,
        # a commit 7 to 64 hex digits (the README's own example body once passed)
        ("payment", {"version": "1.0.0", "digest": "sha256:…", "git_commit": ""},
         ["digest", "git_commit"]),
        ("payment", {"version": "1.0.0", "digest": ""}, ["digest"]),
        ("payment", {"version": "1.0.0", "digest": "sha256:adservice-100"}, ["digest"]),
        ("payment", {"version": "1.0.0", "digest": "sha256:" + "A" * 64}, ["digest"]),
        ("payment", {"version": "1.0.0", "digest": "sha512:" + "a" * 64}, ["digest"]),
        ("payment", {"version": "1.0.0", "digest": "4f1c" * 16}, ["digest"]),
        ("payment", {"version": "1.0.0", "git_commit": "c0ffee"}, ["git_commit"]),
        ("payment", {"version": "1.0.0", "git_commit": "g" * 40}, ["git_commit"]),
        ("payment", {"version": "1.0.0", "git_commit": "a" * 65}, ["git_commit"]),
        ("%20%20", {"version": "1.0.0"}, ["component"]),
        ("pay%09ment", {"version": "1.0.0"}, ["component"]),
    ],
)
def test_invalid_registrations_are_400_naming_each_field_and_write_nothing(
    client, raw_cypher, path_name, body, bad_fields
):
    response = client.post(f"/api/v1/components/{path_name}/versions", json=body)
    error = assert_error_shape(response, 400, "invalid")
    assert sorted(error["details"]) == sorted(bad_fields)
    assert counts(raw_cypher) == {}


def test_non_json_body_is_415_and_malformed_json_is_400(client, raw_cypher):
    response = client.post(
        "/api/v1/components/payment/versions",
        data="version=1",
        content_type="application/x-www-form-urlencoded",
    )
    assert_error_shape(response, 415, "unsupported_media_type")
    response = client.post(
        "/api/v1/components/payment/versions", data="{not json", content_type="application/json"
    )
    error = assert_error_shape(response, 400, "invalid")
    assert "body" in error["details"]
    assert counts(raw_cypher) == {}


def test_body_over_the_configured_size_is_413(app, client, raw_cypher):
    app.config["MAX_CONTENT_LENGTH"] = 2048
    response = client.post(
        "/api/v1/components/payment/versions", json={"version": "1.0.0", "description": "x" * 4096}
    )
    assert_error_shape(response, 413, "request_entity_too_large")
    assert counts(raw_cypher) == {}


@pytest.mark.parametrize(
    ("digest", "git_commit"),
    [
        ("sha256:" + "0f" * 32, "a1b2c3d"),
        ("sha512:" + "0f" * 64, "a1b2c3d4" * 5),
        ("sha256:" + "0f" * 32, "a1b2c3d4" * 8),  # a SHA-256 repository's commit
        ("blake3:" + "0f" * 32, "A1B2C3D"),  # another algorithm, as OCI's grammar allows
    ],
)
def test_real_digests_and_commits_are_taken(client, digest, git_commit):
    register(client, "payment", "1.0.0", digest=digest, git_commit=git_commit)
    version = client.get("/api/v1/components/payment/versions/1.0.0").get_json()
    assert (version["digest"], version["git_commit"]) == (digest, git_commit)
