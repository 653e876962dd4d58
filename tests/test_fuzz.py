"""Property-based fuzzing of the whole API from its own OpenAPI document (schemathesis).

For every operation the document lists, schemathesis generates requests — valid ones and,
deliberately, invalid ones — sends them to the app and checks each answer: never a 5xx but
the documented 503, only documented status codes, content types and headers, bodies that
match the documented schemas, invalid requests refused and valid ones accepted.

The budget (`MAX_EXAMPLES` per operation) keeps the whole run to a minute or two; raise it
with ``MERCATOR_FUZZ_EXAMPLES`` to dig deeper locally.
"""

from __future__ import annotations

import os

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import checks

from app import create_app
from app.config import Settings
from tests.headers import api_headers

MAX_EXAMPLES = int(os.environ.get("MERCATOR_FUZZ_EXAMPLES", "60"))
#: The suite replays the same cases every run, so a run fails only when the code changed;
#: ``MERCATOR_FUZZ_RANDOM=1`` draws new ones (with more examples) to hunt for new defects.
DERANDOMIZE = os.environ.get("MERCATOR_FUZZ_RANDOM", "") != "1"

#: Operations whose valid requests obey rules JSON Schema cannot state, so a request the
#: document allows may rightly be refused with a 400 naming the field: version range
#: grammar, one version per component in a list, "an application version or component
#: versions", the content of an SBOM, "a purl or a name", a token's expiry in the future,
#: an engine's configuration (its keys depend on its kind), a kubectl document, a CDEvent
#: (its official schema, chosen by its type, is checked by the endpoint), and times
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
    "POST /api/v1/events",
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
