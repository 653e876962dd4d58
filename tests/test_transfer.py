"""Exporting the whole catalog and importing it: the document, round trips, merging, refusals."""

from __future__ import annotations

import copy
import time
from datetime import UTC, datetime, timedelta

import pytest
import yaml

from app import transfer
from app.admin import database
from app.errors import Conflict, Invalid
from tests.catalog import app_versions, counts, deploy, members, put_environment, register

PAYMENT_1_0_0 = {
    "kind": "service",
    "owner": "payments",
    "description": "Zahlungsdienst für Bestellungen ✓",
    "repository_url": "https://git.example.com/shop/payment",
    "image": "registry.example.com/shop/payment",
    "digest": "sha256:" + "1111" * 16,
    "git_repository": "https://git.example.com/shop/payment",
    "git_commit": "a1b2c3d",
    "git_branch": "main",
    "build_url": "https://ci.example.com/payment/41",
    "chart": "payment",
    "chart_version": "0.4.0",
    "created_at": "2026-01-10T10:00:00+02:00",
    "attributes": {"region": "eu", "replicas": 3, "ratio": 0.5, "canary": False},
    "dependencies": [
        {"component": "fraud-check"},
        {"component": "currency", "range": ">=2.0.0 <3.0.0"},
    ],
}


@pytest.fixture
def catalog(client):
    """A catalog built the way pipelines and people build it, through the HTTP API:
    registrations with attributes and ranged dependencies, derived and explicit application
    versions, environments, succeeded and failed deployments, and so an inventory."""
    client.put(
        "/api/v1/teams/payments",
        json={"email": "payments@example.com", "chat": "#payments", "pager": "payments-oncall"},
    )
    put_environment(
        client, "staging", stage="staging", cluster="eu-1", namespace="shop", engine="helm"
    )
    put_environment(client, "prod", stage="prod", description="Production — live traffic")
    register(
        client, "currency", "2.0.0", kind="service", owner="fx", created_at="2026-01-05T09:00:00Z"
    )
    register(client, "payment", "1.0.0", applications=["shop"], **PAYMENT_1_0_0)
    register(client, "cart", "3.1.0", kind="service", owner="storefront", applications=["shop"])
    register(
        client,
        "payment",
        "1.1.0",
        digest="sha256:" + "2222" * 16,
        dependencies=[{"component": "currency", "range": "^2.1"}],
    )
    register(client, "schema", "2024.06", kind="database", owner="payments", derive=False)
    response = client.post(
        "/api/v1/applications/shop/versions",
        json={
            "version": "2.0.0",
            "owner": "storefront",
            "description": "The online shop",
            "components": [
                {"component": "payment", "version": "1.1.0"},
                {"component": "cart", "version": "3.1.0"},
                {"component": "currency", "version": "2.0.0"},
            ],
        },
    )
    assert response.status_code == 201, response.get_json()
    deploy(
        client,
        id="prod-1",
        environment="prod",
        status="succeeded",
        application="shop",
        version="1.0.1",
        by="ci",
        engine="helm",
        log_url="https://ci.example.com/deploy/1",
        started_at="2026-02-01T10:00:00Z",
        finished_at="2026-02-01T10:04:00Z",
    )
    deploy(
        client,
        id="prod-2",
        environment="prod",
        status="failed",
        application="shop",
        version="2.0.0",
        started_at="2026-02-02T10:00:00Z",
        finished_at="2026-02-02T10:01:00Z",
    )
    deploy(
        client,
        id="staging-1",
        environment="staging",
        status="succeeded",
        application="shop",
        components=[
            {"component": "payment", "version": "1.0.0"},
            {"component": "cart", "version": "3.1.0"},
            {"component": "currency", "version": "2.0.0"},
        ],
        started_at="2026-02-03T10:00:00Z",
        finished_at="2026-02-03T10:02:00Z",
    )
    deploy(
        client,
        id="db-1",
        environment="staging",
        status="succeeded",
        components=[{"component": "schema", "version": "2024.06"}],
        started_at="2026-02-04T08:00:00.250000Z",
        finished_at="2026-02-04T08:00:30Z",
    )
    return client


def graph_facts(raw_cypher) -> dict[str, object]:
    """Everything an import has to rebuild, read behind Mercator's back: every node with its
    properties (seq, latest_version, version_count, created_at, attr.* ...) and every edge
    with its properties (PREVIOUS chains, RUNS since/deployment, DEPENDS_ON ranges ...).
    Only `updated_at`, bookkeeping that exports leave out, is not compared."""

    def identity(node: str) -> str:
        return (
            f"coalesce({node}.name, {node}.id, {node}.component + ' ' + {node}.version, "
            f"{node}.application + ' ' + {node}.version)"
        )

    nodes = raw_cypher(
        f"MATCH (n) WHERE NOT n:MercatorSchema RETURN labels(n)[0] AS label, "
        f"{identity('n')} AS id, properties(n) AS props"
    )
    edges = raw_cypher(
        f"MATCH (a)-[r]->(b) RETURN type(r) AS type, {identity('a')} AS source, "
        f"{identity('b')} AS target, properties(r) AS props"
    )
    return {
        "counts": counts(raw_cypher),
        "nodes": sorted((n["label"], n["id"], _comparable(n["props"])) for n in nodes),
        "edges": sorted(
            (e["type"], e["source"], e["target"], _comparable(e["props"])) for e in edges
        ),
    }


def _comparable(props: dict) -> tuple:
    """Properties as a sortable, hashable tuple of (name, text)."""
    return tuple(
        sorted(
            (name, str(tuple(value) if isinstance(value, list) else value))
            for name, value in props.items()
            if name != "updated_at"
        )
    )


def _previous_edges(facts) -> set[tuple[str, str]]:
    return {(source, target) for kind, source, target, _ in facts["edges"] if kind == "PREVIOUS"}


def _runs_edges(facts) -> set[tuple[str, str, tuple[str, ...]]]:
    return {
        (source, target, props) for kind, source, target, props in facts["edges"] if kind == "RUNS"
    }


def test_export_is_one_sorted_document_of_every_record(catalog, graph):
    document = transfer.export_catalog(graph)

    assert (document["format"], document["format_version"]) == ("mercator-catalog", 1)
    assert [t["name"] for t in document["teams"]] == ["fx", "payments", "storefront"]
    assert document["teams"][1] == {
        "name": "payments",
        "email": "payments@example.com",
        "chat": "#payments",
        "pager": "payments-oncall",
        "created_at": document["teams"][1]["created_at"],
        "updated_by": "test-admin",
    }
    assert [c["name"] for c in document["components"]] == [
        "cart",
        "currency",
        "fraud-check",
        "payment",
        "schema",
    ]
    payment = next(c for c in document["components"] if c["name"] == "payment")
    assert {k: v for k, v in payment.items() if k != "created_at"} == {
        "name": "payment",
        "kind": "service",
        "owner": "payments",
        "description": "Zahlungsdienst für Bestellungen ✓",
        "repository_url": "https://git.example.com/shop/payment",
    }
    assert [(v["component"], v["version"]) for v in document["component_versions"]] == [
        ("cart", "3.1.0"),
        ("currency", "2.0.0"),
        ("payment", "1.0.0"),
        ("payment", "1.1.0"),
        ("schema", "2024.06"),
    ]
    first_payment = document["component_versions"][2]
    expected = {
        k: v
        for k, v in PAYMENT_1_0_0.items()
        if k not in ("kind", "owner", "description", "repository_url")
    }
    assert first_payment == {
        **expected,
        "component": "payment",
        "version": "1.0.0",
        "created_at": "2026-01-10T10:00:00+02:00",
        "registered_by": "test-admin",
        "dependencies": [
            {"component": "currency", "range": ">=2.0.0 <3.0.0"},
            {"component": "fraud-check", "range": None},
        ],
    }
    assert [
        (v["application"], v["version"], v["reason"]) for v in document["application_versions"]
    ] == [
        ("shop", "1.0.0", "payment 1.0.0 added"),
        ("shop", "1.0.1", "cart 3.1.0 added"),
        ("shop", "1.0.2", "payment 1.1.0 replaced 1.0.0"),
        ("shop", "2.0.0", "created explicitly"),
        ("shop", "2.0.1", "deployed as a set of component versions"),
    ]
    assert document["application_versions"][1]["components"] == [
        {"component": "cart", "version": "3.1.0"},
        {"component": "payment", "version": "1.0.0"},
    ]
    assert document["applications"][0]["owner"] == "storefront"
    assert [e["name"] for e in document["environments"]] == ["prod", "staging"]

    assert [d["id"] for d in document["deployments"]] == ["db-1", "prod-1", "prod-2", "staging-1"]
    db, prod = document["deployments"][0], document["deployments"][1]
    assert (db["application"], db["components"]) == (
        None,
        [{"component": "schema", "version": "2024.06"}],
    )
    assert (db["started_at"], db["finished_at"]) == (  # as Neo4j writes times
        "2026-02-04T08:00:00.25Z",
        "2026-02-04T08:00:30Z",
    )
    assert {k: v for k, v in prod.items() if k != "recorded_at"} == {
        "id": "prod-1",
        "environment": "prod",
        "status": "succeeded",
        "started_at": "2026-02-01T10:00:00Z",
        "finished_at": "2026-02-01T10:04:00Z",
        "by": "ci",
        "engine": "helm",
        "log_url": "https://ci.example.com/deploy/1",
        "recorded_by": "test-admin",
        "application": {"application": "shop", "version": "1.0.1"},
        "components": [],
    }
    assert prod["recorded_at"].endswith("Z")
    assert document["runs"] == [
        {
            "environment": "prod",
            "component": "cart",
            "version": "3.1.0",
            "since": "2026-02-01T10:04:00Z",
            "deployment": "prod-1",
        },
        {
            "environment": "prod",
            "component": "payment",
            "version": "1.0.0",
            "since": "2026-02-01T10:04:00Z",
            "deployment": "prod-1",
        },
        {
            "environment": "staging",
            "component": "cart",
            "version": "3.1.0",
            "since": "2026-02-03T10:02:00Z",
            "deployment": "staging-1",
        },
        {
            "environment": "staging",
            "component": "currency",
            "version": "2.0.0",
            "since": "2026-02-03T10:02:00Z",
            "deployment": "staging-1",
        },
        {
            "environment": "staging",
            "component": "payment",
            "version": "1.0.0",
            "since": "2026-02-03T10:02:00Z",
            "deployment": "staging-1",
        },
        {
            "environment": "staging",
            "component": "schema",
            "version": "2024.06",
            "since": "2026-02-04T08:00:30Z",
            "deployment": "db-1",
        },
    ]
    text = transfer.dump(document)
    assert "Zahlungsdienst für Bestellungen ✓" in text  # not \u-escaped
    assert transfer.load(text) == document


def test_export_import_export_is_byte_identical_and_rebuilds_the_graph(catalog, graph, raw_cypher):
    text = transfer.dump(transfer.export_catalog(graph))
    before = graph_facts(raw_cypher)

    database.reset(graph)
    assert counts(raw_cypher) == {}
    result = transfer.import_catalog(graph, transfer.load(text))

    assert transfer.dump(transfer.export_catalog(graph)) == text
    after = graph_facts(raw_cypher)
    assert after["counts"] == before["counts"]
    assert _previous_edges(after) == _previous_edges(before)
    assert _runs_edges(after) == _runs_edges(before)
    assert after == before
    assert result["component_versions"] == {"created": 5, "existing": 0}
    assert result["application_versions"] == {"created": 5, "existing": 0}
    assert result["runs"] == {"created": 6, "existing": 0}


def test_an_imported_catalog_goes_on_like_the_original(catalog, graph):
    text = transfer.dump(transfer.export_catalog(graph))
    database.reset(graph)
    transfer.import_catalog(graph, transfer.load(text))

    assert app_versions(catalog, "shop") == [
        ("1.0.0", None),
        ("1.0.1", "1.0.0"),
        ("1.0.2", "1.0.1"),
        ("2.0.0", "1.0.2"),
        ("2.0.1", "2.0.0"),
    ]
    registered = register(catalog, "payment", "1.2.0", digest="sha256:" + "3333" * 16)
    assert registered["application_versions"] == [
        {"application": "shop", "version": "2.0.2", "previous": "2.0.1"}
    ]
    assert members(catalog, "shop", "2.0.2") == {
        "payment": "1.2.0",
        "cart": "3.1.0",
        "currency": "2.0.0",
    }
    payment = catalog.get("/api/v1/components/payment").get_json()
    assert (payment["latest_version"], payment["version_count"]) == ("1.2.0", 3)
    version = catalog.get("/api/v1/components/payment/versions/1.2.0").get_json()
    assert version["previous"] == "1.1.0"
    deploy(
        catalog,
        environment="prod",
        status="succeeded",
        application="shop",
        version="2.0.2",
        started_at="2026-03-01T10:00:00Z",
        finished_at="2026-03-01T10:05:00Z",
    )
    prod = catalog.get("/api/v1/environments/prod").get_json()
    assert {r["component"]: r["version"] for r in prod["running"]} == {
        "payment": "1.2.0",
        "cart": "3.1.0",
        "currency": "2.0.0",
    }


def test_importing_what_the_graph_holds_changes_nothing(catalog, graph, raw_cypher):
    document = transfer.export_catalog(graph)
    before = graph_facts(raw_cypher)

    result = transfer.import_catalog(graph, copy.deepcopy(document))
    again = transfer.import_catalog(graph, copy.deepcopy(document))

    assert result == again
    assert all(counted["created"] == 0 for counted in result.values()), result
    assert result["component_versions"] == {"created": 0, "existing": 5}
    assert result["teams"] == {"created": 0, "existing": 3}
    assert graph_facts(raw_cypher) == before
    assert transfer.dump(transfer.export_catalog(graph)) == transfer.dump(document)


def test_new_versions_are_appended_after_the_ones_the_graph_holds(catalog, graph):
    document = transfer.export_catalog(graph)
    newer = {
        **document["component_versions"][3],
        "version": "1.3.0",
        "digest": "sha256:" + "4444" * 16,
        "created_at": "2026-03-01T00:00:00Z",
    }
    document["component_versions"].append(newer)
    document["application_versions"].append(
        {
            "application": "shop",
            "version": "3.0.0",
            "reason": "imported",
            "created_at": None,
            "components": [{"component": "payment", "version": "1.3.0"}],
        }
    )
    # An older run of payment in prod than the graph's: the graph's stays.
    document["runs"][1] = {
        **document["runs"][1],
        "version": "1.1.0",
        "since": "2026-01-01T00:00:00Z",
    }
    # A newer one in staging: it moves the inventory.
    document["runs"][4] = {
        **document["runs"][4],
        "version": "1.3.0",
        "since": "2026-04-01T00:00:00+02:00",
    }

    result = transfer.import_catalog(graph, document)

    assert result["component_versions"] == {"created": 1, "existing": 5}
    assert result["application_versions"] == {"created": 1, "existing": 5}
    assert result["runs"] == {"created": 1, "existing": 5}
    payment = catalog.get("/api/v1/components/payment").get_json()
    assert (payment["latest_version"], payment["version_count"]) == ("1.3.0", 3)
    assert catalog.get("/api/v1/components/payment/versions/1.3.0").get_json()["previous"] == (
        "1.1.0"
    )
    assert app_versions(catalog, "shop")[-1] == ("3.0.0", "2.0.1")
    running = {(r["environment"], r["version"], r["since"]) for r in payment["running"]}
    assert running == {
        ("prod", "1.0.0", "2026-02-01T10:04:00Z"),
        ("staging", "1.3.0", "2026-04-01T00:00:00+02:00"),
    }


def generated_catalog(components: int, versions: int) -> dict:
    """A document as an export writes it (canonical: every field, sorted lists): components
    `gen-000`... with `versions` versions each, each depending on the component before it;
    an application whose versions hold the first three components' versions; a deployment
    of the last application version and the inventory it made."""
    base = datetime(2026, 1, 1, tzinfo=UTC)

    def at(seconds: int) -> str:
        return (base + timedelta(seconds=seconds)).isoformat().replace("+00:00", "Z")

    names = [f"gen-{index:03d}" for index in range(components)]
    component_versions = [
        {
            "component": name,
            "version": f"1.0.{number}",
            "image": f"registry.example.com/{name}",
            "digest": f"sha256:{index * versions + number:064x}",
            "git_repository": None,
            "git_commit": f"{index * versions + number:040x}",
            "git_branch": "main",
            "build_url": None,
            "chart": None,
            "chart_version": None,
            "created_at": at(index * versions + number),
            "registered_by": None,
            "attributes": {"build": number, "region": "eu"},
            "dependencies": [{"component": names[index - 1], "range": "^1.0.0"}] if index else [],
        }
        for index, name in enumerate(names)
        for number in range(versions)
    ]
    members = [
        [{"component": name, "version": f"1.0.{number}"} for name in names[:3]]
        for number in range(versions)
    ]
    last = f"1.{versions - 1}.0"
    return {
        "format": "mercator-catalog",
        "format_version": 1,
        "teams": [
            {
                "name": "generators",
                "email": None,
                "chat": "#gen",
                "pager": None,
                "created_at": at(0),
                "updated_by": None,
            }
        ],
        "components": [
            {
                "name": name,
                "kind": "service",
                "owner": "generators",
                "description": None,
                "repository_url": None,
                "created_at": at(0),
            }
            for name in names
        ],
        "component_versions": component_versions,
        "applications": [
            {"name": "gen-app", "owner": "generators", "description": None, "created_at": at(0)}
        ],
        "application_versions": [
            {
                "application": "gen-app",
                "version": f"1.{number}.0",
                "reason": "generated",
                "created_at": at(number),
                "created_by": None,
                "components": members[number],
            }
            for number in range(versions)
        ],
        "environments": [
            {
                "name": "gen-env",
                "stage": "test",
                "cluster": None,
                "namespace": None,
                "engine": None,
                "description": None,
                "created_at": at(0),
                "updated_by": None,
                "retired_at": None,
            }
        ],
        "deployments": [
            {
                "id": "gen-deploy",
                "environment": "gen-env",
                "status": "succeeded",
                "started_at": at(10),
                "finished_at": at(20),
                "recorded_at": at(21),
                "recorded_by": None,
                "by": None,
                "engine": None,
                "log_url": None,
                "application": {"application": "gen-app", "version": last},
                "components": [],
            }
        ],
        "runs": [
            {"environment": "gen-env", **member, "since": at(20), "deployment": "gen-deploy"}
            for member in members[-1]
        ],
    }


def test_a_large_catalog_imports_in_batches_and_round_trips(graph, raw_cypher):
    document = generated_catalog(components=30, versions=100)
    calls = []

    started = time.monotonic()
    result = transfer.import_catalog(
        graph, document, batch_size=500, progress=lambda *call: calls.append(call)
    )
    elapsed = time.monotonic() - started

    assert result["component_versions"] == {"created": 3000, "existing": 0}
    assert [call for call in calls if call[0] == "component_versions"] == [
        ("component_versions", done, 3000) for done in range(0, 3001, 500)
    ]
    assert [call[0] for call in calls if call[1] == 0] == [
        "teams",
        "environments",
        "components",
        "component_versions",
        "applications",
        "application_versions",
        "deployments",
        "runs",
    ]
    chains = raw_cypher(
        "MATCH (c:Component) RETURN c.latest_version AS latest, "
        "c.version_count AS count, COUNT { (c)-[:HAS_VERSION]->()-[:PREVIOUS]->() }"
        " AS linked"
    )
    assert {(row["latest"], row["count"], row["linked"]) for row in chains} == {("1.0.99", 100, 99)}
    assert transfer.dump(transfer.export_catalog(graph)) == transfer.dump(document)
    assert elapsed < 120, f"3,000 component versions took {elapsed:.1f} s"


@pytest.fixture
def big_document():
    return generated_catalog(components=20, versions=100)


def _break(document: dict, kind: str, index: int, /, **changes) -> dict:
    document[kind][index] = {**document[kind][index], **changes}
    return document


def _drop(document: dict, kind: str, index: int, field: str) -> dict:
    del document[kind][index][field]
    return document


@pytest.mark.parametrize(
    ("spoil", "position", "says"),
    [
        (lambda d: {**d, "format": "backstage-catalog"}, "format", "mercator-catalog"),
        (lambda d: {**d, "format_version": 2}, "format_version", "must be 1"),
        (
            lambda d: _drop(d, "component_versions", 1234, "version"),
            "component_versions[1234].version",
            "is required",
        ),
        (
            lambda d: _break(d, "component_versions", 1234, version=""),
            "component_versions[1234].version",
            "must not be empty",
        ),
        (
            lambda d: _break(d, "component_versions", 1999, version="1.0 beta"),
            "component_versions[1999].version",
            "no spaces",
        ),
        (
            lambda d: _break(d, "component_versions", 7, created_at="yesterday"),
            "component_versions[7].created_at",
            "ISO 8601",
        ),
        (
            lambda d: _break(d, "component_versions", 8, chart="--post-renderer=./evil.sh"),
            "component_versions[8].chart",
            "must not start with -",
        ),
        (
            lambda d: _break(d, "component_versions", 1500, component="gen-001", version="1.0.7"),
            "component_versions[1500].version",
            "listed twice (first at component_versions[107])",
        ),
        (
            lambda d: _break(
                d,
                "component_versions",
                300,
                dependencies=[{"component": "gen-002", "range": "bigger than 2"}],
            ),
            "component_versions[300].dependencies[0].range",
            "cannot read 'bigger'",
        ),
        (
            lambda d: _break(d, "component_versions", 12, attributes={"region": ["eu"]}),
            "component_versions[12].attributes.region",
            "string",
        ),
        (
            lambda d: _break(d, "components", 3, kind="microservice"),
            "components[3].kind",
            "must be one of",
        ),
        (
            lambda d: _break(d, "components", 4, colour="blue"),
            "components[4].colour",
            "unknown field",
        ),
        (
            lambda d: _break(
                d,
                "application_versions",
                42,
                components=[
                    {"component": "gen-000", "version": "1.0.42"},
                    {"component": "gen-001", "version": "9.9.9"},
                ],
            ),
            "application_versions[42].components[1]",
            "no component version gen-001 9.9.9 in the document or the catalog",
        ),
        (
            lambda d: _break(d, "component_versions", 1800, component="gen-999"),
            "component_versions[1800].component",
            "no component gen-999",
        ),
        (
            lambda d: _break(d, "deployments", 0, environment="moon"),
            "deployments[0].environment",
            "no environment moon",
        ),
        (
            lambda d: _break(
                d, "deployments", 0, components=[{"component": "gen-000", "version": "1.0.0"}]
            ),
            "deployments[0].application",
            "either an application version or component versions",
        ),
        (
            lambda d: _break(d, "runs", 2, deployment="nope"),
            "runs[2].deployment",
            "no deployment nope",
        ),
        (lambda d: {**d, "teams": {"name": "generators"}}, "teams", "must be a list"),
        (
            lambda d: _break(d, "component_versions", 4, digest="sha256:adservice-100"),
            "component_versions[4].digest",
            "64 lowercase hex digits",
        ),
        (
            lambda d: _break(d, "component_versions", 4, git_commit=""),
            "component_versions[4].git_commit",
            "7 to 64 hex digits",
        ),
    ],
)
def test_a_bad_document_is_refused_naming_the_position_and_writes_nothing(
    catalog, graph, raw_cypher, big_document, spoil, position, says
):
    before = graph_facts(raw_cypher)

    with pytest.raises(Invalid) as refused:
        transfer.import_catalog(graph, spoil(big_document), batch_size=100)

    assert refused.value.message.startswith(f"{position}: "), refused.value.message
    assert says in refused.value.message
    assert position in refused.value.details
    assert graph_facts(raw_cypher) == before


def test_every_problem_is_listed_not_just_the_first(graph, big_document):
    for index in (5, 6, 7):
        big_document["component_versions"][index]["version"] = ""
    with pytest.raises(Invalid) as refused:
        transfer.import_catalog(graph, big_document)
    assert refused.value.message == (
        "component_versions[5].version: must not be empty (and 2 more problems)"
    )
    assert sorted(refused.value.details) == [f"component_versions[{i}].version" for i in (5, 6, 7)]


@pytest.mark.parametrize(
    ("spoil", "position", "fields"),
    [
        (
            lambda d: _break(d, "component_versions", 3, digest="sha256:" + "ffff" * 16),
            "component_versions[3]",
            ["digest"],
        ),
        (
            lambda d: _break(d, "component_versions", 2, attributes={}, dependencies=[]),
            "component_versions[2]",
            ["attributes", "dependencies"],
        ),
        (
            lambda d: _break(
                d, "application_versions", 1, components=[{"component": "cart", "version": "3.1.0"}]
            ),
            "application_versions[1]",
            ["components"],
        ),
        (lambda d: _break(d, "deployments", 2, status="succeeded"), "deployments[2]", ["status"]),
        (lambda d: _break(d, "components", 4, kind="job"), "components[4]", ["kind"]),
    ],
)
def test_a_record_the_catalog_holds_with_other_content_is_a_conflict(
    catalog, graph, raw_cypher, spoil, position, fields
):
    document = transfer.export_catalog(graph)
    document["teams"].append({"name": "newcomers"})  # would be written, were it not refused
    before = graph_facts(raw_cypher)

    with pytest.raises(Conflict) as refused:
        transfer.import_catalog(graph, spoil(document))

    assert refused.value.message.startswith(f"{position}: "), refused.value.message
    assert sorted(refused.value.details[position]) == fields
    assert graph_facts(raw_cypher) == before


def test_a_conflict_names_what_is_registered_and_what_is_given(catalog, graph):
    given = "sha256:" + "ffff" * 16
    document = _break(transfer.export_catalog(graph), "component_versions", 3, digest=given)
    with pytest.raises(Conflict) as refused:
        transfer.import_catalog(graph, document)
    assert refused.value.message == (
        "component_versions[3]: component version payment 1.1.0 is in the catalog with other digest"
    )
    assert refused.value.details == {
        "component_versions[3]": {"digest": {"registered": "sha256:" + "2222" * 16, "given": given}}
    }


HAND_WRITTEN_YAML = """
format: mercator-catalog
format_version: 1
teams:
  - name: payments
    email: payments@example.com
components:
  - name: payment
    kind: service
    owner: payments
component_versions:
  - component: payment
    version: "1.0.0"
    digest: sha256:1111111111111111111111111111111111111111111111111111111111111111
    created_at: 2026-01-10T10:00:00Z
    attributes: {region: eu, replicas: 3}
  - component: payment
    version: "1.1.0"
    digest: sha256:2222222222222222222222222222222222222222222222222222222222222222
    created_at: 2026-01-11T10:00:00Z
environments:
  - name: prod
    stage: prod
deployments:
  - id: prod-1
    environment: prod
    status: succeeded
    started_at: 2026-02-01T10:00:00Z
    finished_at: 2026-02-01T10:04:00Z
    components:
      - {component: payment, version: "1.1.0"}
runs:
  - {environment: prod, component: payment, version: "1.1.0", since: 2026-02-01T10:04:00Z,
     deployment: prod-1}
"""


def test_a_hand_written_yaml_document_imports(client, graph):
    result = transfer.import_catalog(graph, transfer.load(HAND_WRITTEN_YAML))

    assert result["component_versions"] == {"created": 2, "existing": 0}
    version = client.get("/api/v1/components/payment/versions/1.1.0").get_json()
    assert (version["previous"], version["created_at"]) == ("1.0.0", "2026-01-11T10:00:00Z")
    first = client.get("/api/v1/components/payment/versions/1.0.0").get_json()
    assert first["attributes"] == {"region": "eu", "replicas": 3}
    assert client.get("/api/v1/components/payment").get_json()["running"] == [
        {"environment": "prod", "version": "1.1.0", "since": "2026-02-01T10:04:00Z"}
    ]
    assert client.get("/api/v1/teams/payments").get_json()["email"] == "payments@example.com"


def test_an_export_reads_back_from_yaml_as_well_as_json(catalog, graph):
    document = transfer.export_catalog(graph)
    assert transfer.load(yaml.safe_dump(document, allow_unicode=True)) == document
    assert transfer.load(transfer.dump(document)) == document


@pytest.mark.parametrize("text", ["{not json: [", "- just\n- a list\n", "42"])
def test_text_that_is_no_document_is_invalid(text):
    with pytest.raises(Invalid):
        transfer.load(text)
