"""Hostile text in every string field of registrations, teams, environments and deployments.

Cypher-injection attempts and Unicode oddities are either stored verbatim (read back
identical) or refused with a 400 naming the field (a 404 naming it, for a reference to
something that cannot exist), and they harm nothing: a refused request writes nothing, and
what was there before is still there, unchanged. Free-text fields have no syntax, so
there every valid Unicode string must be stored verbatim.
"""

from __future__ import annotations

import itertools
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import pytest

from app.api import body_guard
from app.core import naming
from app.core.properties import is_text
from tests.catalog import counts
from tests.test_http_basics import assert_error_shape

HOSTILE = [
    "x'}) DETACH DELETE n //",
    'x"}) MATCH (n) DETACH DELETE n RETURN 1 AS x //',
    '" OR 1=1 --',
    "' OR '1'='1",
    "$param",
    "${name}",
    "`Component`",
    "x` {name: 'y'}) DETACH DELETE n //",
    "\\' \\\" \\\\",
    "\u202egnp.exe",  # right-to-left override
    "a\u200db\u200c\u200b",  # zero-width joiner, non-joiner, space
    "e\u0301\u0302\u0303",  # combining marks
    "\U0001f469\u200d\U0001f4bb \U0001f680",  # emoji with a joiner
    "\ufeffbom",
    "\u4e2d\u6587 \u0639\u0631\u0628\u064a",
    "nul\x00inside",
    "tab\tnew\nline",
    "lone \ud800 surrogate",
    "n" * naming.NAME_MAX,
    "n" * (naming.NAME_MAX + 1),
    "v" * naming.VERSION_MAX,
    "v" * (naming.VERSION_MAX + 1),
    "long free text " * 2000,
]

SENTINEL_REGISTRATION = {
    "version": "1.0.0",
    "owner": "keepers",
    "image": "registry.example.com/keep",
    "digest": "sha256:" + "ee" * 32,
    "applications": ["kept-app"],
    "attributes": {"keep": "me"},
}


def _p(value: str) -> str:
    """A value as one URL path segment (a lone surrogate as the invalid UTF-8 it would be)."""
    return quote(value.encode("utf-8", "surrogatepass"), safe="")


@dataclass(frozen=True)
class Slot:
    """One string field: how to send a value in it, and where it reads back afterwards."""

    field: str  # how an error's details name it (first part of a dotted path)
    send: Callable[[Any, str, int], Any]  # (client, value, n) -> response
    read: Callable[[Any, str, int], Any]  # (client, value, n) -> the stored value
    free_text: bool = False  # no syntax: every value must be stored
    in_path: bool = False  # a URL path segment: a value with a slash is no single segment


def _register(client, n: int, **fields: Any):
    return client.post(f"/api/v1/components/c-{n}/versions", json={"version": "1.0.0", **fields})


def _version(client, n: int) -> dict[str, Any]:
    return client.get(f"/api/v1/components/c-{n}/versions/1.0.0").get_json()


def _component(client, n: int) -> dict[str, Any]:
    return client.get(f"/api/v1/components/c-{n}").get_json()


def _registration_text(field: str, read_from: Callable[[Any, int], dict[str, Any]]) -> Slot:
    return Slot(
        field,
        lambda client, value, n: _register(client, n, **{field: value}),
        lambda client, value, n: read_from(client, n)[field],
        free_text=True,
    )


def _deploy(client, n: int, **fields: Any):
    body = {
        "id": f"d-{n}",
        "environment": "prod",
        "status": "failed",  # the history grows; the inventory stays as seeded
        "components": [{"component": "keep", "version": "1.0.0"}],
        **fields,
    }
    return client.post("/api/v1/deployments", json=body)


def _deployment(client, n: int) -> dict[str, Any]:
    return client.get(f"/api/v1/deployments/d-{n}").get_json()


SLOTS = [
    # registration
    Slot(
        "component",
        lambda client, value, n: client.post(
            f"/api/v1/components/{_p(value)}/versions", json={"version": "1.0.0"}
        ),
        lambda client, value, n: client.get(f"/api/v1/components/{_p(value)}").get_json()["name"],
        in_path=True,
    ),
    Slot(
        "version",
        lambda client, value, n: client.post(
            f"/api/v1/components/c-{n}/versions", json={"version": value}
        ),
        lambda client, value, n: client.get(
            f"/api/v1/components/c-{n}/versions/{_p(value)}"
        ).get_json()["version"],
    ),
    Slot(
        "owner",
        lambda client, value, n: _register(client, n, owner=value),
        lambda client, value, n: _component(client, n)["owner"],
    ),
    Slot(
        "kind",
        lambda client, value, n: _register(client, n, kind=value),
        lambda client, value, n: _component(client, n)["kind"],
    ),
    Slot(
        "created_at",
        lambda client, value, n: _register(client, n, created_at=value),
        lambda client, value, n: _version(client, n)["created_at"],
    ),
    *[_registration_text(f, _component) for f in ("description", "repository_url")],
    *[
        Slot(  # indexed, so of bounded length; a digest is OCI's algorithm:encoded
            f,
            lambda client, value, n, f=f: _register(client, n, **{f: value}),
            lambda client, value, n, f=f: _version(client, n)[f],
        )
        for f in ("image", "digest")
    ],
    Slot(  # 7 to 64 hex digits: every hostile value is refused, naming it
        "git_commit",
        lambda client, value, n: _register(client, n, git_commit=value),
        lambda client, value, n: _version(client, n)["git_commit"],
    ),
    *[
        _registration_text(f, _version)
        for f in (
            "git_repository",
            "git_branch",
            "build_url",
        )
    ],
    *[
        Slot(  # reach helm's command line: a chart reference and a version, no free text
            f,
            lambda client, value, n, f=f: _register(client, n, **{f: value}),
            lambda client, value, n, f=f: _version(client, n)[f],
        )
        for f in ("chart", "chart_version")
    ],
    Slot(
        "attributes",
        lambda client, value, n: _register(client, n, attributes={"k": value}),
        lambda client, value, n: _version(client, n)["attributes"]["k"],
        free_text=True,
    ),
    Slot(
        "attributes",
        lambda client, value, n: _register(client, n, attributes={value: "v"}),
        lambda client, value, n: next(iter(_version(client, n)["attributes"])),
    ),
    Slot(
        "dependencies",
        lambda client, value, n: _register(client, n, dependencies=[{"component": value}]),
        lambda client, value, n: _version(client, n)["dependencies"][0]["component"],
    ),
    Slot(
        "dependencies",
        lambda client, value, n: _register(
            client, n, dependencies=[{"component": "keep", "range": value}]
        ),
        lambda client, value, n: _version(client, n)["dependencies"][0]["range"],
    ),
    Slot(
        "applications",
        lambda client, value, n: _register(client, n, applications=[value]),
        lambda client, value, n: client.get(f"/api/v1/applications/{_p(value)}").get_json()["name"],
    ),
    # teams
    Slot(
        "name",
        lambda client, value, n: client.put(f"/api/v1/teams/{_p(value)}", json={}),
        lambda client, value, n: client.get(f"/api/v1/teams/{_p(value)}").get_json()["name"],
        in_path=True,
    ),
    *[
        Slot(
            field,
            lambda client, value, n, field=field: client.put(
                f"/api/v1/teams/t-{n}", json={field: value}
            ),
            lambda client, value, n, field=field: client.get(f"/api/v1/teams/t-{n}").get_json()[
                field
            ],
            free_text=True,
        )
        for field in ("email", "chat", "pager")
    ],
    # environments
    Slot(
        "name",
        lambda client, value, n: client.put(f"/api/v1/environments/{_p(value)}", json={}),
        lambda client, value, n: client.get(f"/api/v1/environments/{_p(value)}").get_json()["name"],
        in_path=True,
    ),
    *[
        Slot(
            field,
            lambda client, value, n, field=field: client.put(
                f"/api/v1/environments/e-{n}", json={field: value}
            ),
            lambda client, value, n, field=field: client.get(
                f"/api/v1/environments/e-{n}"
            ).get_json()[field],
            free_text=field not in {"stage", "engine"},
        )
        for field in ("stage", "cluster", "namespace", "engine", "description")
    ],
    # deployments
    Slot(
        "id",
        lambda client, value, n: _deploy(client, n, id=value),
        lambda client, value, n: client.get(f"/api/v1/deployments/{_p(value)}").get_json()["id"],
    ),
    Slot(
        "environment",
        lambda client, value, n: _deploy(client, n, environment=value),
        lambda client, value, n: _deployment(client, n)["environment"],
    ),
    Slot(
        "status",
        lambda client, value, n: _deploy(client, n, status=value),
        lambda client, value, n: _deployment(client, n)["status"],
    ),
    Slot(
        "application",
        # Succeeded, of a component and to an environment of its own: only a deployment
        # that ran creates an application version (a failed one records its component
        # versions alone).
        lambda client, value, n: _deploy(
            client, n, application=value, status="succeeded", environment="side",
            components=[{"component": "spare", "version": "1.0.0"}],
        ),
        lambda client, value, n: _deployment(client, n)["application"]["application"],
    ),
    Slot(
        "version",
        lambda client, value, n: _deploy(
            client, n, application="kept-app", version=value, components=None
        ),
        lambda client, value, n: _deployment(client, n)["application"]["version"],
    ),
    Slot(
        "components",
        lambda client, value, n: _deploy(
            client, n, components=[{"component": value, "version": "1"}]
        ),
        lambda client, value, n: _deployment(client, n)["components"][0]["component"],
    ),
    Slot(
        "components",
        lambda client, value, n: _deploy(
            client, n, components=[{"component": "keep", "version": value}]
        ),
        lambda client, value, n: _deployment(client, n)["components"][0]["version"],
    ),
    *[
        Slot(
            field,
            lambda client, value, n, field=field: _deploy(client, n, **{field: value}),
            lambda client, value, n, field=field: _deployment(client, n)[field],
        )
        for field in ("started_at", "finished_at")
    ],
    *[
        Slot(
            field,
            lambda client, value, n, field=field: _deploy(client, n, **{field: value}),
            lambda client, value, n, field=field: _deployment(client, n)[field],
            free_text=True,
        )
        for field in ("by", "engine", "log_url")
    ],
]


def _seed(client) -> dict[str, Any]:
    """What must survive: a component version with owner, application, environment and a
    deployment; returned as the API shows them."""
    assert (
        client.post("/api/v1/components/keep/versions", json=SENTINEL_REGISTRATION).status_code
        == 201
    )
    assert client.put("/api/v1/environments/prod", json={"stage": "prod"}).status_code == 201
    assert client.put("/api/v1/environments/side", json={"stage": "test"}).status_code == 201
    spare = client.post("/api/v1/components/spare/versions", json={"version": "1.0.0"})
    assert spare.status_code == 201
    assert _deploy(client, 0, status="succeeded").status_code == 201
    return _sentinel(client)


def _sentinel(client) -> dict[str, Any]:
    return {
        path: client.get(path).get_json()
        for path in (
            "/api/v1/components/keep",
            "/api/v1/components/keep/versions/1.0.0",
            "/api/v1/teams/keepers",
            "/api/v1/applications/kept-app/versions/1.0.0",
            "/api/v1/environments/prod",
            "/api/v1/deployments/d-0",
        )
    }


def _names_field(details: Any, field: str) -> bool:
    return isinstance(details, dict) and any(str(key).split(".")[0] == field for key in details)


@pytest.mark.parametrize("slot", SLOTS, ids=[f"{i}-{slot.field}" for i, slot in enumerate(SLOTS)])
def test_hostile_text_is_stored_verbatim_or_refused_naming_the_field(client, raw_cypher, slot):
    before = _seed(client)
    numbers = itertools.count(1)
    for value in HOSTILE:
        n = next(numbers)
        written_before = counts(raw_cypher)
        response = slot.send(client, value, n)
        written_after = counts(raw_cypher)
        status = response.status_code
        if slot.in_path and "/" in value:
            # No name holds a slash: a 400 naming the path parameter, never a redirect to
            # (or a route under) another name.
            assert status == 400, (slot.field, value[:40], status)
            assert response.get_json()["error"]["details"], (slot.field, value[:40])
            assert written_after == written_before, (slot.field, value[:40])
            continue
        assert status in (200, 201, 400, 404), (slot.field, value[:40], response.get_json())
        if status in (200, 201):
            assert slot.read(client, value, n) == value, (slot.field, value[:40])
            assert all(written_after.get(k, 0) >= v for k, v in written_before.items())
        else:
            # Free text takes any text; only what is not Unicode at all may be refused.
            assert not slot.free_text or not is_text(value), (slot.field, value[:40])
            details = response.get_json()["error"]["details"]
            if status == 400:
                assert _names_field(details, slot.field), (slot.field, value[:40], details)
            else:  # a well-formed reference to something that does not exist: named
                assert value in str(details), (slot.field, value[:40], details)
            assert written_after == written_before, (slot.field, value[:40])
    assert _sentinel(client) == before


# -- defects fuzzing found, pinned ------------------------------------------------------
def test_values_neo4j_cannot_store_or_index_are_refused_naming_the_field(client, raw_cypher):
    before = counts(raw_cypher)
    refused = {
        "attributes.n": {"version": "1.0.0", "attributes": {"n": 2**63}},
        "digest": {"version": "1.0.0", "digest": "d" * 9000},
        "version": {"version": "1.0.0\n"},
        "derive": {"version": "1.0.0", "derive": 0},
    }
    for field, body in refused.items():
        response = client.post("/api/v1/components/c/versions", json=body)
        assert response.status_code == 400, (field, response.get_json())
        assert field in response.get_json()["error"]["details"], field
    assert counts(raw_cypher) == before
    assert (
        client.post(
            "/api/v1/components/c/versions",
            json={"version": "1.0.0", "attributes": {"n": 2**63 - 1}},
        ).status_code
        == 201
    )


def test_a_chart_that_would_read_as_a_helm_option_is_refused(client, raw_cypher):
    before = counts(raw_cypher)
    for field, value in [
        ("chart", "--post-renderer=./evil.sh"),
        ("chart", "shop/pay --post-renderer=./evil.sh"),
        ("chart_version", "--devel"),
        ("chart_version", "1.0 --x"),
    ]:
        body = {"version": "1.0.0", "chart": "shop/pay", field: value}
        response = client.post("/api/v1/components/c/versions", json=body)
        assert response.status_code == 400, (field, value, response.get_json())
        assert list(response.get_json()["error"]["details"]) == [field], value
    assert counts(raw_cypher) == before
    body = {"version": "1.0.0", "chart": "oci://reg.example/charts/pay", "chart_version": "0.5.0"}
    assert client.post("/api/v1/components/c/versions", json=body).status_code == 201


def test_an_sbom_whose_purl_or_name_is_too_long_to_index_is_refused(client):
    client.post("/api/v1/components/c/versions", json={"version": "1.0.0"})
    for name, purl_name, field in [("p" * 9000, "p" * 9000, "purl"), ("q" * 9000, "q", "name")]:
        sbom = {
            "bomFormat": "CycloneDX",
            "specVersion": "1.6",
            "version": 1,
            "components": [
                {"type": "library", "name": name, "version": "1", "purl": f"pkg:pypi/{purl_name}@1"}
            ],
        }
        response = client.put("/api/v1/components/c/versions/1.0.0/sbom", json=sbom)
        assert response.status_code == 400, response.get_json()
        assert list(response.get_json()["error"]["details"]) == [f"components[0].{field}"]


def test_paging_beyond_any_catalog_is_refused_before_neo4j_is_asked(client):
    response = client.get("/api/v1/components?offset=100000000000000000000")
    assert response.status_code == 400
    assert "offset" in response.get_json()["error"]["details"]


def test_a_wrong_method_is_answered_with_the_allowed_ones(client):
    response = client.delete("/api/v1/teams")
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) >= {"GET"}
    assert response.get_json()["error"]["code"] == "method_not_allowed"


def test_times_are_those_neo4j_can_store_and_give_back(client):
    """Python reads times Neo4j cannot (an offset beyond ±18:00 or with seconds; an
    instant before year 1 in UTC) and spellings it does not (a space for the T)."""
    for created_at in (
        "2026-01-01T00:00:00+18:23",
        "2026-01-01T00:00:00+05:30:15",
        "0001-01-01T00:00:00+01:00",
    ):
        body = {"version": "1.0.0", "created_at": created_at}
        response = client.post("/api/v1/components/c/versions", json=body)
        assert response.status_code == 400, created_at
        assert "created_at" in response.get_json()["error"]["details"]
        client.put("/api/v1/environments/prod", json={})
        inventory = client.get(
            "/api/v1/environments/prod/inventory", query_string={"at": created_at}
        )
        assert inventory.status_code == 400, created_at
    body = {"version": "1.0.0", "created_at": "2026-01-01 10:04:00+00:00"}
    assert client.post("/api/v1/components/c/versions", json=body).status_code == 201
    stored = client.get("/api/v1/components/c/versions/1.0.0").get_json()["created_at"]
    assert stored == "2026-01-01T10:04:00Z"


@pytest.mark.parametrize(
    ("method", "path", "body", "parameter"),
    [
        ("POST", "/api/v1/components/acc-slash%2F/versions", {"version": "1.0.0"}, "name"),
        ("POST", "/api/v1/components/acc%2Fslash/versions", {"version": "1.0.0"}, "name"),
        ("PUT", "/api/v1/environments/prod%2F", {"stage": "prod"}, "name"),
        ("PUT", "/api/v1/environments/prod%2Fengine", {"kind": "none"}, "name"),
        ("PUT", "/api/v1/environments/prod%2f/engine", {"kind": "none"}, "name"),
        ("POST", "/api/v1/environments/prod%2F/sync/kubernetes", {"items": []}, "name"),
        ("POST", "/api/v1/deployments/d-0%2F/cancel", None, "deployment_id"),
        ("PUT", "/api/v1/teams/keepers%2F", {}, "name"),
        ("PUT", "/api/v1/components/keep%2F/versions/1.0.0/sbom", {}, "name"),
        ("PUT", "/api/v1/components/keep/versions/1.0.0%2F/sbom", {}, "version"),
    ],
)
def test_a_name_with_a_slash_in_a_write_path_is_a_400_never_a_redirect(
    client, raw_cypher, method, path, body, parameter
):
    """`%2F` is decoded before routing: the path would be redirected (308) to, or routed
    as, another name's, and a client following redirects would write there."""
    assert client.put("/api/v1/environments/prod", json={"stage": "prod"}).status_code == 201
    assert client.put("/api/v1/environments/side", json={"stage": "test"}).status_code == 201
    spare = client.post("/api/v1/components/spare/versions", json={"version": "1.0.0"})
    assert spare.status_code == 201
    before = counts(raw_cypher)
    response = client.open(path, method=method, json=body)
    error = assert_error_shape(response, 400, "invalid")
    assert "Location" not in response.headers
    assert list(error["details"]) == [parameter], error
    assert "/" in error["message"] and parameter in error["message"]
    assert counts(raw_cypher) == before


# -- bodies no parser should be asked to hold -----------------------------------------
def _nested(depth: int) -> str:
    """`depth` levels of lists and objects, alternating, around one string."""
    text = '"x"'
    for level in range(depth):
        text = f"[{text}]" if level % 2 else f'{{"k":{text}}}'
    return text


@pytest.mark.parametrize("depth", [body_guard.MAX_DEPTH + 1, 500, 100_000])
def test_deeply_nested_json_is_a_400_on_every_path_with_one_log_line(
    anonymous_client, client, depth, caplog
):
    body = _nested(depth)
    targets = [
        (anonymous_client, "post", "/api/v1/components/x/versions"),
        (client, "post", "/api/v1/components/x/versions"),
        (client, "put", "/api/v1/components/x/versions/1.0.0/sbom"),
        (client, "post", "/api/v1/environments/prod/sync/kubernetes"),
        (anonymous_client, "put", "/healthz"),
    ]
    for caller, method, path in targets:
        caplog.clear()
        response = getattr(caller, method)(path, data=body, content_type="application/json")
        assert response.status_code in (400, 401), (path, response.status_code)
        if response.status_code == 400:
            error = response.get_json()["error"]
            assert error["code"] == "invalid", path
            assert f"{body_guard.MAX_DEPTH} levels" in error["message"], path
            assert "body" in error["details"], path
        refusals = [r for r in caplog.records if r.levelno >= logging.WARNING]
        assert all(r.exc_info is None for r in caplog.records), path
        assert len(refusals) <= 1, (path, [r.getMessage() for r in refusals])


def test_nesting_up_to_the_limit_is_read(client):
    attributes = {"deep": json.loads(_nested(body_guard.MAX_DEPTH - 2))}
    response = client.post(
        "/api/v1/components/x/versions", json={"version": "1.0.0", "attributes": attributes}
    )
    # Parsed and judged by the schema (attributes hold scalars), not refused for depth.
    assert response.status_code == 400, response.get_json()
    assert "levels" not in response.get_json()["error"]["message"]


def test_a_number_too_long_to_read_is_a_400(client, raw_cypher):
    before = counts(raw_cypher)
    for number in ("9" * 5000, "-" + "1" * 4301):
        body = '{"version":"1.0.7","attributes":{"x":' + number + "}}"
        response = client.post(
            "/api/v1/components/x/versions", data=body, content_type="application/json"
        )
        assert response.status_code == 400, response.status_code
        error = response.get_json()["error"]
        assert error["code"] == "invalid"
        assert "digits" in error["message"] and "body" in error["details"]
    assert counts(raw_cypher) == before


# -- bodies too dense to parse ----------------------------------------------------------
def _junk(size: int) -> bytes:
    """`[{},{},...]` of about `size` bytes: the most Python objects per byte of JSON."""
    return b"[" + b",".join([b"{}"] * (size // 3)) + b"]"


def _cyclonedx(packages: int) -> bytes:
    """A plain CycloneDX SBOM of `packages` packages, each with a hash and a licence."""
    components = [
        {
            "type": "library",
            "bom-ref": f"pkg:pypi/package-{n}@1.{n % 10}.0",
            "purl": f"pkg:pypi/package-{n}@1.{n % 10}.0",
            "name": f"package-{n}",
            "version": f"1.{n % 10}.0",
            "hashes": [{"alg": "SHA-256", "content": f"{n:064x}"}],
            "licenses": [{"license": {"id": "MIT"}}],
        }
        for n in range(packages)
    ]
    return json.dumps(
        {"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1, "components": components}
    ).encode()


@pytest.mark.parametrize(
    "body",
    [_junk(2 * 2**20), b"[" + b",".join([b"1e1"] * 400_000) + b"]"],
    ids=["empty objects", "floats"],
)
def test_a_body_too_dense_to_parse_is_a_413_before_anything_parses_it(client, raw_cypher, body):
    before = counts(raw_cypher)
    for path, content_type in (
        ("/api/v1/components/x/versions/1.0.0/sbom", "application/vnd.cyclonedx+json"),
        ("/api/v1/components/x/versions", "application/json"),
    ):
        response = client.open(path, method="PUT" if path.endswith("sbom") else "POST",
                               data=body, content_type=content_type)
        error = assert_error_shape(response, 413, "request_entity_too_large")
        assert "times its size" in error["message"] and "body" in error["details"]
    assert counts(raw_cypher) == before


def test_the_guard_holds_no_parsed_copy_of_a_body(tmp_path):
    """The checks read the raw bytes: the memory they take is a few copies of the body at
    most (its shape without strings, its brackets), for junk (refused) and for a real SBOM
    (passed on), where parsing them took 6 and 64 times the body."""
    import tracemalloc

    sbom = _cyclonedx(5_000)
    for body, refused in ((_junk(4 * 2**20), True), (sbom, False)):
        tracemalloc.start()
        try:
            body_guard.check(body)
            passed = True
        except body_guard.Refused:
            passed = False
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert passed is not refused
        assert peak < 4 * len(body), (len(body), peak)
    assert body_guard.estimated_growth(body_guard.blanked(sbom), len(sbom)) < 3
