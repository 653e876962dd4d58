"""Property-based fuzzing of the whole API from its own OpenAPI document (schemathesis).

For every operation the document lists, schemathesis generates requests — valid ones and,
deliberately, invalid ones — sends them to the app and checks each answer: never a 5xx but
the documented 503, only documented status codes, content types and headers, bodies that
match the documented schemas, invalid requests refused and valid ones accepted.

The budget (`MAX_EXAMPLES` per operation) keeps the whole run to a minute or two; raise it
with ``MERCATOR_FUZZ_EXAMPLES`` to dig deeper locally.

`test_hostile_bodies_are_never_a_5xx` adds what no schema describes: bodies nested too
deeply, integers of thousands of digits and kubectl-like documents with a nested field of
the wrong JSON type (``HOSTILE_EXAMPLES`` per operation and strategy,
``MERCATOR_FUZZ_HOSTILE_EXAMPLES``), at the same fixed seed.
"""

from __future__ import annotations

import copy
import json
import os
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import checks

from app import create_app
from app.config import Settings
from tests.headers import api_headers
from tests.test_packages import cyclonedx

MAX_EXAMPLES = int(os.environ.get("MERCATOR_FUZZ_EXAMPLES", "60"))
#: The suite replays the same cases every run, so a run fails only when the code changed;
#: ``MERCATOR_FUZZ_RANDOM=1`` draws new ones (with more examples) to hunt for new defects.
DERANDOMIZE = os.environ.get("MERCATOR_FUZZ_RANDOM", "") != "1"

#: Operations whose valid requests obey rules JSON Schema cannot state, so a request the
#: document allows may rightly be refused with a 400 naming the field: version range
#: grammar, one version per component in a list, "an application version or component
#: versions", the content of an SBOM, "a purl or a name", a token's expiry in the future,
#: an engine's configuration (its keys depend on its kind), a kubectl document, OSV records
#: (ecosystems, range versions, CVSS vectors), a CDEvent (its official schema, chosen by its
#: type, is checked by the endpoint), a promotion (between two different environments), a
#: VEX statement (a justification or detail as its status needs), a VEX document (refs
#: that name its components, at least one analysis), and times
#: Neo4j can hold (zone offsets within ±18:00, years 1 to 9999 in UTC: narrower than
#: RFC 3339's date-time).
#: Every other check still applies.
RULES_BEYOND_THE_SCHEMA = {
    "POST /api/v1/components/{name}/versions",
    "GET /api/v1/environments/{name}/inventory",
    "POST /api/v1/applications/{name}/versions",
    "POST /api/v1/deployments",
    "PUT /api/v1/components/{name}/versions/{version}/sbom",
    "GET /api/v1/packages/blast-radius",
    "POST /api/v1/tokens",
    "PUT /api/v1/environments/{name}/engine",
    "POST /api/v1/environments/{name}/sync/kubernetes",
    "POST /api/v1/vulnerabilities",
    "GET /api/v1/vulnerabilities/{vulnerability}/windows",
    "POST /api/v1/events",
    "POST /api/v1/promotions",
    "GET /api/v1/deployments",
    "GET /api/v1/matrix",
    "POST /api/v1/vex/statements",
    "POST /api/v1/vex",
}


#: The document comes from an app that never reaches Neo4j (the document does not depend
#: on it); each test case is then sent to the test's own `app`, on the test Neo4j.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", create_app(Settings()))


def test_rules_beyond_the_schema_name_real_operations(app):
    """The exemption list above must not go stale as routes are renamed."""
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    labels = {
        f"{method.upper()} {path}" for path, item in document["paths"].items() for method in item
    }
    assert labels >= RULES_BEYOND_THE_SCHEMA


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    derandomize=DERANDOMIZE,
    deadline=None,
    database=None,
    # The graph is emptied once per operation, not per example: what earlier examples wrote
    # stays, and the API must answer as documented whatever the catalog holds.
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_every_operation_answers_as_documented(case, app, admin_token):
    excluded = (
        [checks.positive_data_acceptance] if case.operation.label in RULES_BEYOND_THE_SCHEMA else []
    )
    # The real token replaces the one schemathesis made up; a case that leaves the
    # Authorization header out (a negative case of a secured operation) goes without one.
    token = admin_token if "Authorization" in (case.headers or {}) else None
    case.call_and_validate(app=app, headers=api_headers(token), excluded_checks=excluded)


# -- hostile bodies the OpenAPI document does not describe -----------------------------
# schemathesis draws bodies from the documented schemas, so it never sends what broke the
# API before: a body nested hundreds of levels deep, an integer of thousands of digits, a
# nested field of a kubectl document of another JSON type than kubectl gives it. These
# strategies send exactly that to every write that takes JSON, at the same fixed seed.

HOSTILE_EXAMPLES = int(os.environ.get("MERCATOR_FUZZ_HOSTILE_EXAMPLES", "25"))

#: Every write that takes a JSON body, with a valid body to start from.
JSON_WRITES = {
    "POST /api/v1/components/fz/versions": {
        "version": "1.0.0",
        "owner": "fz-team",
        "attributes": {"a": "b", "n": 1},
        "dependencies": [{"component": "dep", "range": "^1.0"}],
        "applications": ["fz-app"],
    },
    "PUT /api/v1/components/fz/versions/1.0.0/sbom": json.loads(
        cyclonedx(("pkg:pypi/requests@2.32.0", []))
    ),
    "POST /api/v1/deployments": {
        "environment": "prod",
        "status": "failed",
        "components": [{"component": "fz", "version": "1.0.0"}],
        "by": "fuzz",
    },
    "POST /api/v1/applications/fz-app/versions": {
        "version": "9.0.0",
        "components": [{"component": "fz", "version": "1.0.0"}],
    },
    "POST /api/v1/applications/fz-app/components": {"component": "fz", "version": "1.0.0"},
    "PUT /api/v1/teams/fz-team": {"email": "fz@example.com", "chat": "#fz"},
    "PUT /api/v1/environments/prod": {"stage": "prod", "cluster": "c1"},
    "PUT /api/v1/environments/prod/engine": {"kind": "none", "config": {}},
    "POST /api/v1/tokens": {"name": "fz-token", "scopes": ["read"]},
    "POST /api/v1/environments/prod/sync/kubernetes?dry_run=true": {
        "items": [
            {
                "kind": "Deployment",
                "metadata": {"name": "fz", "namespace": "shop"},
                "spec": {
                    "template": {"spec": {"containers": [{"name": "fz", "image": "reg/fz:1.0.0"}]}}
                },
            }
        ]
    },
}

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8)
)
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)


def _json_type(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return repr(value)
    return {dict: "object", list: "array", str: "string"}.get(type(value), "number")


def _places(document: Any) -> list[tuple]:
    """The path (keys and indexes) of every value in `document`, the whole one first."""
    found, stack = [], [()]
    while stack:
        path = stack.pop()
        found.append(path)
        value = _at(document, path)
        if isinstance(value, dict):
            stack.extend(path + (key,) for key in value)
        elif isinstance(value, list):
            stack.extend(path + (index,) for index in range(len(value)))
    return found


def _at(document: Any, path: tuple) -> Any:
    for key in path:
        document = document[key]
    return document


def _replaced(document: Any, path: tuple, value: Any) -> Any:
    if not path:
        return value
    changed = copy.deepcopy(document)
    _at(changed, path[:-1])[path[-1]] = value
    return changed


PLACEHOLDER = "\u2603placeholder\u2603"


@st.composite
def wrong_typed(draw, document: Any) -> bytes:
    """`document` with one nested value swapped for one of another JSON type."""
    path = draw(st.sampled_from(_places(document)))
    old = _json_type(_at(document, path))
    new = draw(json_values.filter(lambda value: _json_type(value) != old))
    return json.dumps(_replaced(document, path, new)).encode()


@st.composite
def deeply_nested(draw, document: Any) -> bytes:
    """`document` with one nested value swapped for lists and objects nested deeply."""
    path = draw(st.sampled_from(_places(document)))
    depth = draw(st.integers(1, 120) | st.integers(120, 20_000))
    opening = "".join('{"k":' if level % 2 else "[" for level in range(depth))
    closing = "".join("}" if level % 2 else "]" for level in reversed(range(depth)))
    text = json.dumps(_replaced(document, path, PLACEHOLDER))
    return text.replace(json.dumps(PLACEHOLDER), f"{opening}1{closing}").encode()


@st.composite
def huge_numbers(draw, document: Any) -> bytes:
    """`document` with one nested value swapped for an integer of thousands of digits."""
    path = draw(st.sampled_from(_places(document)))
    digits = draw(st.integers(1, 20) | st.integers(4000, 9000))
    number = draw(st.sampled_from(["", "-"])) + "9" * digits
    text = json.dumps(_replaced(document, path, PLACEHOLDER))
    return text.replace(json.dumps(PLACEHOLDER), number).encode()


@pytest.mark.parametrize(
    "strategy", [wrong_typed, deeply_nested, huge_numbers], ids=lambda s: s.__name__
)
@pytest.mark.parametrize("operation", sorted(JSON_WRITES))
def test_hostile_bodies_are_never_a_5xx(app, admin_token, operation, strategy):
    method, _, path = operation.partition(" ")
    client = app.test_client()
    headers = api_headers(admin_token)
    for setup in ("/api/v1/teams/fz-team", "/api/v1/environments/prod"):
        assert client.put(setup, json={}, headers=headers).status_code in (200, 201)

    @given(body=strategy(JSON_WRITES[operation]))
    @settings(
        max_examples=HOSTILE_EXAMPLES,
        derandomize=DERANDOMIZE,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    def answers(body: bytes) -> None:
        response = client.open(
            path, method=method, data=body, content_type="application/json", headers=headers
        )
        assert response.status_code < 500, (response.status_code, body[:300])
        if response.status_code >= 400:
            assert set(response.get_json()) == {"error"}, body[:300]

    answers()
