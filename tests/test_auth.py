"""Who may write what: every write endpoint, each scope allowed and denied, token failures,
component limits, and who is recorded as the author."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import pytest
import requests
from openapi_spec_validator import validate

from app import create_app
from app.access import tokens
from app.access.scopes import SCOPES
from tests.catalog import app_versions, deploy, members, put_environment, register
from tests.cdevents_fixtures import STRUCTURED, cloudevent, digest_of, published
from tests.test_http_basics import assert_error_shape
from tests.test_packages import CDX, cyclonedx

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


@dataclass(frozen=True)
class Write:
    """One write endpoint: how to call it on the `world` fixture, and the scope it needs."""

    method: str
    path: str
    body: Callable[[], Any]
    scope: str
    content_type: str = "application/json"

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


def _sbom() -> bytes:
    return cyclonedx(("pkg:pypi/requests@2.32.0", []))


#: Every write endpoint of the API and the scope it needs. A new endpoint is one row here;
#: `test_every_write_route_is_in_the_table` fails until it is.
WRITES = [
    Write(
        "POST", "/api/v1/components/payments-api/versions", lambda: {"version": "1.1.0"}, "register"
    ),
    Write(
        "PUT",
        "/api/v1/components/payments-api/versions/1.0.0/sbom",
        _sbom,
        "register",
        content_type=CDX,
    ),
    Write(
        "POST",
        "/api/v1/deployments",
        lambda: {
            "environment": "prod",
            "status": "succeeded",
            "application": "shop",
            "version": "1.0.1",
        },
        "deploy",
    ),
    Write(
        "POST",
        "/api/v1/applications/shop/versions",
        lambda: {"version": "9.0.0", "components": [{"component": "cart", "version": "1.0.0"}]},
        "admin",
    ),
    Write(
        "POST",
        "/api/v1/applications/shop/components",
        lambda: {"component": "payments-api", "version": "1.0.0"},
        "admin",
    ),
    Write("DELETE", "/api/v1/applications/shop/components/cart", lambda: None, "admin"),
    Write("PUT", "/api/v1/environments/qa", lambda: {"stage": "test"}, "admin"),
    Write("PUT", "/api/v1/teams/qa", lambda: {"email": "qa@example.com"}, "admin"),
    Write("POST", "/api/v1/tokens", lambda: {"name": "made-here", "scopes": ["read"]}, "admin"),
    Write("DELETE", "/api/v1/tokens/victim", lambda: None, "admin"),
    Write("POST", "/api/v1/deployments/queued-1/cancel", lambda: None, "deploy"),
    Write("PUT", "/api/v1/environments/prod/engine", lambda: {"kind": "none"}, "admin"),
    Write("POST", "/api/v1/environments/prod/sync/kubernetes", lambda: {"items": []}, "deploy"),
    Write(
        "POST",
        "/api/v1/vulnerabilities",
        lambda: {"records": [{"id": "GHSA-test", "modified": "2026-01-01T00:00:00Z"}]},
        "admin",
    ),
    Write(
        "POST",
        "/api/v1/promotions",
        lambda: {"application": "shop", "from": "staging", "to": "uat", "dry_run": True},
        "deploy",
    ),
    Write(
        "POST",
        "/api/v1/vex/statements",
        lambda: {"statements": [{"vulnerability": "CVE-2021-44228", "component": "cart",
                                 "version": "1.0.0", "status": "under_investigation"}]},
        "register",
    ),
    Write(
        "POST",
        "/api/v1/vex",
        lambda: {
            "bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
            "components": [{"type": "application", "bom-ref": "c", "name": "cart",
                            "version": "1.0.0"}],
            "vulnerabilities": [{"id": "CVE-2021-44228", "analysis": {"state": "in_triage"},
                                 "affects": [{"ref": "c"}]}],
        },
        "register",
    ),
    # the event says which scope it needs: artifact.published needs register
    Write(
        "POST",
        "/api/v1/events",
        lambda: cloudevent(published("payments-api", "1.2.0", digest_of("payments-api", "1.2.0"))),
        "register",
        content_type=STRUCTURED,
    ),
]


@pytest.fixture
def world(client, make_token):
    """Teams payments and storefront; payments-api 1.0.0 (payments) and cart 1.0.0
    (storefront) in application shop (1.0.0, 1.0.1); environment prod; environment uat with
    deployment queued-1 queued; a token `victim`; staging running shop 1.0.1."""
    client.put("/api/v1/teams/storefront", json={})
    register(client, "payments-api", "1.0.0", owner="payments", applications=["shop"])
    register(client, "cart", "1.0.0", owner="storefront", applications=["shop"])
    put_environment(client, "prod", stage="prod")
    client.put("/api/v1/environments/uat", json={"stage": "test"})
    client.put("/api/v1/environments/uat/engine", json={"kind": "none"})
    queued = client.post(
        "/api/v1/deployments",
        json={
            "id": "queued-1",
            "environment": "uat",
            "application": "shop",
            "version": "1.0.1",
            "execute": True,
        },
    )
    assert queued.status_code == 202, queued.get_json()
    make_token("read", name="victim")
    put_environment(client, "staging", stage="staging")  # what a promotion promotes
    deploy(client, environment="staging", status="succeeded", application="shop", version="1.0.1")
    return client


def call(anonymous_client, write: Write, headers: dict[str, str] | None = None):
    body = write.body()
    data = body if isinstance(body, bytes) else (None if body is None else json.dumps(body))
    return anonymous_client.open(
        write.path,
        method=write.method,
        data=data,
        content_type=write.content_type if data is not None else None,
        headers=headers or {},
    )


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def footprint(raw_cypher) -> dict[str, int]:
    """Everything a write could change, tokens included."""
    return raw_cypher(
        "RETURN COUNT { MATCH (n) } AS nodes, COUNT { MATCH ()-[r]->() } AS edges, "
        "COUNT { MATCH (t:ApiToken) WHERE t.revoked_at IS NOT NULL } AS revoked, "
        "COUNT { MATCH (n) WHERE n.updated_by IS NOT NULL } AS updated"
    )[0]


def test_every_write_route_is_in_the_table_with_the_scope_its_view_requires(app):
    adapter = app.url_map.bind("localhost")
    covered = {}
    for write in WRITES:
        endpoint, _ = adapter.match(write.path, method=write.method)
        covered[(endpoint, write.method)] = write.scope
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods & WRITE_METHODS):
            assert (rule.endpoint, method) in covered, f"{method} {rule.rule} is not in WRITES"
            view = app.view_functions[rule.endpoint]
            scope = covered[(rule.endpoint, method)]
            required = getattr(view, "required_scope", None)
            # a view whose body says which scope it needs requires one of several up front
            assert scope == required or (isinstance(required, tuple) and scope in required), (
                f"{method} {rule.rule} is not guarded by @requires({scope!r})"
            )


@pytest.mark.parametrize("write", WRITES, ids=str)
def test_a_token_with_the_scope_may_write(world, anonymous_client, make_token, write):
    response = call(anonymous_client, write, bearer(make_token(write.scope, name="holder")))
    assert response.status_code in (200, 201), response.get_json()


@pytest.mark.parametrize("write", WRITES, ids=str)
def test_admin_may_do_every_write(world, anonymous_client, make_token, write):
    response = call(anonymous_client, write, bearer(make_token("admin", name="root")))
    assert response.status_code in (200, 201), response.get_json()


@pytest.mark.parametrize("write", WRITES, ids=str)
def test_a_token_without_the_scope_is_403_and_writes_nothing(
    world, anonymous_client, make_token, raw_cypher, write
):
    others = [scope for scope in SCOPES if scope not in (write.scope, "admin")]
    token = make_token(*others, name="lacking")
    before = footprint(raw_cypher)
    response = call(anonymous_client, write, bearer(token))
    error = assert_error_shape(response, 403, "forbidden")
    assert write.scope in error["message"]
    assert error["details"]["required_scope"] == write.scope
    assert footprint(raw_cypher) == before


@pytest.mark.parametrize("write", WRITES, ids=str)
def test_a_write_without_a_token_is_401_and_writes_nothing(
    world, anonymous_client, raw_cypher, write
):
    before = footprint(raw_cypher)
    response = call(anonymous_client, write)
    assert_error_shape(response, 401, "unauthorized")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert footprint(raw_cypher) == before


class _Unread(io.BytesIO):
    """A request body that remembers whether anyone read it."""

    touched = False

    def read(self, *args):
        self.touched = True
        return super().read(*args)

    readline = read


@pytest.mark.parametrize("write", WRITES, ids=str)
def test_the_token_is_checked_before_the_body_is_read(app, anonymous_client, write):
    """A caller without a valid token learns nothing from its body: not that it is too
    large (413), of the wrong type (415) or too deeply nested (400)."""
    limit = app.config["MAX_CONTENT_LENGTH"]
    bodies = [
        ("application/json", b"[" * 100_000 + b"]" * 100_000, None),
        ("text/plain", b"hello", None),
        ("application/json", b"[{}" + b",{}" * 1000 + b"]", 100 * limit),
    ]
    for headers in ({}, bearer(tokens.PREFIX + "C" * 43)):
        for content_type, data, announced in bodies:
            stream = _Unread(data)
            response = anonymous_client.open(
                write.path,
                method=write.method,
                input_stream=stream,
                content_length=announced or len(data),
                content_type=content_type,
                headers=headers,
            )
            assert response.status_code == 401, (content_type, announced, response.get_json())
            assert not stream.touched, (content_type, announced)


def _expired(make_token, raw_cypher) -> str:
    token = make_token("register", name="old")
    raw_cypher("MATCH (t:ApiToken {name: 'old'}) SET t.expires_at = datetime() - duration('PT1S')")
    return token


REFUSED_HEADERS: dict[str, Callable[..., dict[str, str]]] = {
    "unknown token": lambda make, raw: bearer(tokens.PREFIX + "A" * 43),
    "expired token": lambda make, raw: bearer(_expired(make, raw)),
    "truncated token": lambda make, raw: bearer(make("register", name="cut")[:-1]),
    "not a Mercator token": lambda make, raw: bearer("ghp_0123456789abcdef"),
    "token with a space": lambda make, raw: bearer(make("register", name="sp") + " x"),
    "basic auth": lambda make, raw: {"Authorization": "Basic dXNlcjpwYXNz"},
    "empty bearer": lambda make, raw: {"Authorization": "Bearer "},
}


@pytest.mark.parametrize("case", sorted(REFUSED_HEADERS))
def test_unusable_tokens_are_401_with_one_message(
    world, anonymous_client, make_token, raw_cypher, case
):
    headers = REFUSED_HEADERS[case](make_token, raw_cypher)
    response = call(anonymous_client, WRITES[0], headers)
    error = assert_error_shape(response, 401, "unauthorized")
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="mercator"'
    assert error["message"] == tokens.REFUSED
    assert error["details"] is None
    token = headers["Authorization"].partition(" ")[2]
    if token.strip():
        assert token.strip() not in response.get_data(as_text=True)


def test_a_missing_token_and_an_invalid_one_get_the_same_answer(anonymous_client):
    """Which one it was tells a caller nothing it needs, and a prober something."""
    missing = call(anonymous_client, WRITES[0])
    invalid = call(anonymous_client, WRITES[0], bearer(tokens.PREFIX + "D" * 43))
    assert_error_shape(missing, 401, "unauthorized")
    # the same but for each request's own id
    answers = [response.get_json()["error"] for response in (missing, invalid)]
    assert [{k: v for k, v in a.items() if k != "request_id"} for a in answers] == [
        {k: v for k, v in answers[0].items() if k != "request_id"}
    ] * 2
    assert missing.headers["WWW-Authenticate"] == invalid.headers["WWW-Authenticate"]


def test_a_revoked_token_is_refused_like_an_unknown_one(world, anonymous_client, make_token):
    token = make_token("register", name="ci-old")
    assert call(anonymous_client, WRITES[0], bearer(token)).status_code == 201
    revoked = world.delete("/api/v1/tokens/ci-old")
    assert revoked.status_code == 200 and revoked.get_json()["state"] == "revoked"
    refused = call(anonymous_client, WRITES[0], bearer(token))
    unknown = call(anonymous_client, WRITES[0], bearer(tokens.PREFIX + "B" * 43))
    assert_error_shape(refused, 401, "unauthorized")
    # Word for word the same answer; only each request's own id differs.
    said = []
    for response in (refused, unknown):
        error = dict(response.get_json()["error"])
        assert error.pop("request_id") == response.headers["X-Request-ID"]
        said.append(error)
    assert said[0] == said[1]


def test_the_token_is_stored_only_as_its_sha256(graph, raw_cypher):
    created, token = tokens.create(graph, "ci-payments", ["register"], created_by="tests")
    assert token.startswith("mrc_") and len(token) == 47
    stored = raw_cypher("MATCH (t:ApiToken {name: 'ci-payments'}) RETURN properties(t) AS p")[0][
        "p"
    ]
    assert stored["hash"] == tokens.hash_of(token)
    assert not any(token in str(value) for value in stored.values())
    assert "hash" not in created and "token" not in created


def test_token_names_are_unique(graph):
    tokens.create(graph, "ci", ["register"])
    with pytest.raises(Exception, match="exists"):
        tokens.create(graph, "ci", ["deploy"])


# -- component limits -------------------------------------------------------------------
def test_a_prefix_limited_token_registers_and_attaches_only_matching_components(
    world, anonymous_client, make_token
):
    headers = bearer(make_token("register", name="ci-payments", component_prefix="payments-"))
    mine = anonymous_client.post(
        "/api/v1/components/payments-api/versions", json={"version": "2.0.0"}, headers=headers
    )
    assert mine.status_code == 201
    other = anonymous_client.post(
        "/api/v1/components/cart/versions", json={"version": "2.0.0"}, headers=headers
    )
    error = assert_error_shape(other, 403, "forbidden")
    assert "payments-*" in error["message"] and error["details"]["components"] == ["cart"]
    sbom = anonymous_client.put(
        "/api/v1/components/cart/versions/1.0.0/sbom",
        data=_sbom(),
        content_type=CDX,
        headers=headers,
    )
    assert_error_shape(sbom, 403, "forbidden")
    assert world.get("/api/v1/components/cart/versions/2.0.0").status_code == 404


def test_a_team_limited_token_writes_only_what_its_team_owns(world, anonymous_client, make_token):
    headers = bearer(make_token("register", "deploy", name="ci-pay-team", team="payments"))

    def post(path, body):
        return anonymous_client.post(path, json=body, headers=headers)

    assert post("/api/v1/components/payments-api/versions", {"version": "2.0.0"}).status_code == 201
    assert post("/api/v1/components/cart/versions", {"version": "2.0.0"}).status_code == 403
    # A new component must be given to the team; giving one away is refused.
    assert post("/api/v1/components/ledger/versions", {"version": "1.0.0"}).status_code == 403
    new = post("/api/v1/components/ledger/versions", {"version": "1.0.0", "owner": "payments"})
    assert new.status_code == 201
    away = post(
        "/api/v1/components/payments-api/versions", {"version": "3.0.0", "owner": "storefront"}
    )
    assert_error_shape(away, 403, "forbidden")


def test_a_limited_token_deploys_only_when_every_component_matches(
    world, anonymous_client, make_token
):
    headers = bearer(make_token("deploy", name="cd-payments", component_prefix="payments-"))
    base = {"environment": "prod", "status": "succeeded"}
    own = anonymous_client.post(
        "/api/v1/deployments",
        json={**base, "components": [{"component": "payments-api", "version": "1.0.0"}]},
        headers=headers,
    )
    assert own.status_code == 201, own.get_json()
    # shop 1.0.1 holds cart too: the whole application version must be within the limits.
    app_version = anonymous_client.post(
        "/api/v1/deployments",
        json={**base, "application": "shop", "version": "1.0.1"},
        headers=headers,
    )
    error = assert_error_shape(app_version, 403, "forbidden")
    assert error["details"]["components"] == ["cart"]
    mixed = anonymous_client.post(
        "/api/v1/deployments",
        json={
            **base,
            "components": [
                {"component": "payments-api", "version": "1.0.0"},
                {"component": "cart", "version": "1.0.0"},
            ],
        },
        headers=headers,
    )
    assert_error_shape(mixed, 403, "forbidden")
    running = world.get("/api/v1/environments/prod").get_json()["running"]
    assert [r["component"] for r in running] == ["payments-api"]


@dataclass(frozen=True)
class LimitRule:
    """One case of what a limited token may do to applications: the token's scopes and
    limits, the write, the status it gets, and shop's versions afterwards (shop holds
    payments-api of team payments and cart of team storefront; billing is payments' own
    application, storefront-web storefront's)."""

    case: str
    token: dict[str, Any]
    path: str
    body: dict[str, Any]
    status: int
    shop_versions: tuple[str, ...] = ("1.0.0", "1.0.1")
    changed: dict[str, tuple[str, ...]] = field(default_factory=dict)  # app -> its versions

    def __str__(self) -> str:
        return self.case


_PAY_DEPLOY = {"scopes": ["deploy"], "component_prefix": "payments-"}
_PAY_REGISTER = {"scopes": ["register"], "component_prefix": "payments-"}
_PAY_TEAM = {"scopes": ["register"], "team": "payments"}
_PAY_API = [{"component": "payments-api", "version": "0.9.0"}]  # in no application version
_DEPLOYMENTS = "/api/v1/deployments"
_NEW_VERSION = "/api/v1/components/payments-api/versions"

#: The rules for limited tokens and applications, one row each (item: which rule).
LIMIT_RULES = [
    # A failed, cancelled or timed-out deployment never derives an application version.
    *(
        LimitRule(
            f"a {status} deployment of a set derives nothing",
            _PAY_DEPLOY,
            _DEPLOYMENTS,
            {"environment": "prod", "status": status, "application": "shop",
             "components": _PAY_API},
            201,
        )
        for status in ("failed", "cancelled", "timed_out")
    ),
    LimitRule(
        "an admin's failed deployment of a set derives nothing either",
        {"scopes": ["admin"]},
        _DEPLOYMENTS,
        {"environment": "prod", "status": "failed", "application": "shop",
         "components": _PAY_API},
        201,
    ),
    # Everything derived stays inside what the token may touch.
    LimitRule(
        "a succeeded deployment may not derive a version without another team's component",
        _PAY_DEPLOY,
        _DEPLOYMENTS,
        {"environment": "prod", "status": "succeeded", "application": "shop",
         "components": _PAY_API},
        403,
    ),
    LimitRule(
        "registering its own component derives the applications holding it",
        _PAY_REGISTER,
        _NEW_VERSION,
        {"version": "2.0.0"},
        201,
        shop_versions=("1.0.0", "1.0.1", "1.0.2"),
    ),
    # Adding its components: only to its team's applications, or ones granted to it.
    LimitRule(
        "a limited token may not start an application",
        _PAY_REGISTER,
        _NEW_VERSION,
        {"version": "2.0.0", "derive": False, "applications": ["brand-new"]},
        403,
    ),
    LimitRule(
        "a limited token may not add its component to another team's application",
        _PAY_TEAM,
        _NEW_VERSION,
        {"version": "2.0.0", "derive": False, "applications": ["storefront-web"]},
        403,
    ),
    LimitRule(
        "a prefix-limited token has no team: it may not add to its team's application",
        _PAY_REGISTER,
        _NEW_VERSION,
        {"version": "2.0.0", "derive": False, "applications": ["billing"]},
        403,
    ),
    LimitRule(
        "a team-limited token adds its component to its team's application",
        _PAY_TEAM,
        _NEW_VERSION,
        {"version": "2.0.0", "derive": False, "applications": ["billing"]},
        201,
        changed={"billing": ("1.0.0", "1.0.1")},
    ),
    LimitRule(
        "an admin's grant lets a limited token add its component to that application",
        {**_PAY_REGISTER, "applications": ["storefront-web"]},
        _NEW_VERSION,
        {"version": "2.0.0", "derive": False, "applications": ["storefront-web"]},
        201,
        changed={"storefront-web": ("1.0.0", "1.0.1")},
    ),
    LimitRule(
        "a grant is for the applications it names",
        {**_PAY_REGISTER, "applications": ["billing"]},
        _NEW_VERSION,
        {"version": "2.0.0", "derive": False, "applications": ["storefront-web"]},
        403,
    ),
]


@pytest.mark.parametrize("rule", LIMIT_RULES, ids=str)
def test_limited_tokens_and_applications(world, anonymous_client, make_token, raw_cypher, rule):
    world.put("/api/v1/teams/payments", json={})
    register(world, "payments-api", "0.9.0", derive=False)
    world.post(
        "/api/v1/applications/billing/versions",
        json={"owner": "payments", "components": [{"component": "cart", "version": "1.0.0"}]},
    )
    world.post(
        "/api/v1/applications/storefront-web/versions",
        json={"owner": "storefront", "components": [{"component": "cart", "version": "1.0.0"}]},
    )
    token = make_token(*rule.token["scopes"], name="limited",
                       **{k: v for k, v in rule.token.items() if k != "scopes"})
    before = footprint(raw_cypher)
    response = anonymous_client.post(rule.path, json=rule.body, headers=bearer(token))
    assert response.status_code == rule.status, response.get_json()
    if rule.status == 403:
        assert_error_shape(response, 403, "forbidden")
        assert footprint(raw_cypher) == before
    assert tuple(v for v, _ in app_versions(world, "shop")) == rule.shop_versions
    for application in ("billing", "storefront-web"):
        expected = rule.changed.get(application, ("1.0.0",))
        assert tuple(v for v, _ in app_versions(world, application)) == expected
    assert world.get("/api/v1/applications/brand-new").status_code == 404
    if rule.path == _DEPLOYMENTS and rule.status == 201:
        # recorded as what it deployed, and the next registration still derives shop
        assert response.get_json()["application"] is None
        register(world, "cart", "1.1.0")
        assert members(world, "shop", "1.0.2") == {"cart": "1.1.0", "payments-api": "1.0.0"}


def test_a_grant_of_applications_is_for_limited_tokens(client):
    response = client.post(
        "/api/v1/tokens", json={"name": "wide", "scopes": ["register"], "applications": ["shop"]}
    )
    error = assert_error_shape(response, 400, "invalid")
    assert "applications" in error["details"]
    granted = client.post(
        "/api/v1/tokens",
        json={"name": "narrow", "scopes": ["register"], "team": "payments",
              "applications": ["shop"]},
    )
    assert granted.status_code == 201 and granted.get_json()["applications"] == ["shop"]
    items = client.get("/api/v1/tokens").get_json()["items"]
    listed = {token["name"]: token["applications"] for token in items}
    assert listed["narrow"] == ["shop"] and listed["test-admin"] == []


def test_an_admin_token_cannot_be_limited(client):
    response = client.post(
        "/api/v1/tokens", json={"name": "half-admin", "scopes": ["admin"], "team": "payments"}
    )
    error = assert_error_shape(response, 400, "invalid")
    assert "scopes" in error["details"]


# -- who did it -------------------------------------------------------------------------
def test_every_write_records_the_token_that_made_it(world, anonymous_client, make_token):
    ci = bearer(make_token("register", name="ci-build"))
    cd = bearer(make_token("deploy", name="cd-prod"))
    ops = bearer(make_token("admin", name="ops"))
    registered = anonymous_client.post(
        "/api/v1/components/payments-api/versions", json={"version": "1.2.0"}, headers=ci
    ).get_json()
    derived = registered["application_versions"][0]["version"]
    anonymous_client.put(
        "/api/v1/components/payments-api/versions/1.2.0/sbom",
        data=_sbom(),
        content_type=CDX,
        headers=ci,
    )
    deployment = anonymous_client.post(
        "/api/v1/deployments",
        json={
            "environment": "prod",
            "status": "succeeded",
            "application": "shop",
            "version": derived,
        },
        headers=cd,
    ).get_json()
    anonymous_client.put("/api/v1/teams/payments", json={"chat": "#pay"}, headers=ops)

    version = world.get("/api/v1/components/payments-api/versions/1.2.0").get_json()
    assert version["registered_by"] == "ci-build"
    assert world.get(f"/api/v1/applications/shop/versions/{derived}").get_json()["created_by"] == (
        "ci-build"
    )
    assert (
        world.get("/api/v1/components/payments-api/versions/1.2.0/sbom").get_json()["attached_by"]
        == "ci-build"
    )
    assert deployment["recorded_by"] == "cd-prod"
    history = world.get("/api/v1/deployments?environment=prod").get_json()["items"]
    assert [(d["id"], d["recorded_by"]) for d in history] == [(deployment["id"], "cd-prod")]
    assert world.get("/api/v1/teams/payments").get_json()["updated_by"] == "ops"


# -- reads ------------------------------------------------------------------------------
def test_reads_are_open_by_default(world, anonymous_client):
    assert anonymous_client.get("/api/v1/components").status_code == 200
    listing = anonymous_client.get("/api/v1/tokens")
    assert_error_shape(listing, 401, "unauthorized")  # tokens are admin business


@pytest.fixture
def closed_client(settings, graph):
    flask_app = create_app(replace(settings, reads_need_token=True))
    yield flask_app.test_client()
    flask_app.extensions["mercator.graph"].close()


def test_reads_can_be_closed_to_callers_without_a_token(world, closed_client, make_token):
    refused = closed_client.get("/api/v1/components/payments-api")
    assert_error_shape(refused, 401, "unauthorized")
    report = closed_client.get("/api/v1/components/payments-api/blast-radius")
    assert_error_shape(report, 401, "unauthorized")
    reader = bearer(make_token("read", name="dashboard"))
    assert closed_client.get("/api/v1/components/payments-api", headers=reader).status_code == 200
    pipeline = bearer(make_token("register", name="ci-reads"))
    assert closed_client.get("/api/v1/components", headers=pipeline).status_code == 200
    # Probes and the API's description stay open; the description says reads are closed.
    assert closed_client.get("/healthz").status_code == 200
    document = closed_client.get("/api/v1/openapi.json").get_json()
    assert document["security"] == [{"bearerAuth": []}]
    validate(document)
    # A reader still may not write.
    write = closed_client.put("/api/v1/teams/x", json={}, headers=reader)
    assert_error_shape(write, 403, "forbidden")


# -- tokens over HTTP -------------------------------------------------------------------
def test_tokens_over_http_are_shown_once_and_listed_without_secrets(client, anonymous_client):
    created = client.post(
        "/api/v1/tokens",
        json={
            "name": "ci-shop",
            "scopes": ["register", "deploy"],
            "component_prefix": "shop-",
            "expires": "90d",
        },
    )
    assert created.status_code == 201
    body = created.get_json()
    token = body["token"]
    assert token.startswith("mrc_") and body["created_by"] == "test-admin"
    assert body["state"] == "active" and body["expires_at"]
    listed = client.get("/api/v1/tokens").get_json()["items"]
    assert [t["name"] for t in listed] == ["ci-shop", "test-admin"]
    assert token not in json.dumps(listed) and tokens.hash_of(token) not in json.dumps(listed)
    assert all("token" not in t and "hash" not in t for t in listed)
    works = anonymous_client.post(
        "/api/v1/components/shop-web/versions", json={"version": "1.0.0"}, headers=bearer(token)
    )
    assert works.status_code == 201 and works.get_json()["created"] is True
    again = client.post("/api/v1/tokens", json={"name": "ci-shop", "scopes": ["read"]})
    assert_error_shape(again, 409, "conflict")
    assert_error_shape(client.delete("/api/v1/tokens/nobody"), 404, "not_found")


def test_openapi_documents_bearer_auth_on_every_write(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert "security" not in document  # reads are open
    scheme = document["components"]["securitySchemes"]["bearerAuth"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            guarded = operation.get("security") == [{"bearerAuth": []}]
            if method.upper() in WRITE_METHODS or path == "/api/v1/tokens":
                assert guarded, f"{method} {path} does not document its token"
                assert {"401", "403"} <= set(operation["responses"]), f"{method} {path}"
            else:
                assert not guarded, f"{method} {path} is a read but documents a token"


# -- tokens never logged ----------------------------------------------------------------
def test_tokens_never_reach_the_logs(world, base_url, make_token, caplog):
    good = make_token("register", name="ci-logged")
    bad = tokens.PREFIX + "Z" * 43
    caplog.set_level(logging.DEBUG)
    url = f"{base_url}/api/v1/components/payments-api/versions"
    for token in (good, bad, good + "junk"):
        requests.post(url, json={"version": "5.0.0"}, headers=bearer(token), timeout=30)
    requests.post(f"{base_url}/api/v1/tokens", json={}, headers=bearer(good), timeout=30)
    assert "POST /api/v1/components/payments-api/versions" in caplog.text  # the log is there
    for secret in (good, bad):
        assert secret not in caplog.text
