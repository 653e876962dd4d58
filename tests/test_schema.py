"""The schema: applied idempotently, versioned, and enforcing the keys of the model."""

from __future__ import annotations

import pytest
from neo4j.exceptions import ConstraintError

from app.admin import database
from app.graph import schema

EXPECTED_CONSTRAINTS = {
    "team_name_unique",
    "component_name_unique",
    "component_version_key_unique",
    "application_name_unique",
    "application_version_key_unique",
    "environment_name_unique",
    "deployment_id_unique",
    "package_purl_unique",
    "schema_meta_unique",
    "vulnerability_id_unique",
    "vulnerability_alias_id_unique",
    "vex_statement_key_unique",
}


def test_applying_twice_changes_nothing_and_records_the_version(graph):
    before = database.describe_schema(graph)
    assert database.init_schema(graph) == schema.SCHEMA_VERSION
    after = database.describe_schema(graph)
    assert after["schema_version"] == schema.SCHEMA_VERSION
    assert {i["name"] for i in after["indexes"]} == {i["name"] for i in before["indexes"]}


def test_every_key_of_the_model_is_a_constraint(graph):
    described = database.describe_schema(graph)
    constraints = {i["constraint"] for i in described["indexes"] if i["constraint"]}
    assert constraints >= EXPECTED_CONSTRAINTS
    assert all(i["state"] == "ONLINE" for i in described["indexes"])


def test_composite_key_refuses_a_second_node_with_the_same_component_and_version(raw_cypher):
    raw_cypher("CREATE (:ComponentVersion {component: 'cart', version: '1.0.0'})")
    raw_cypher("CREATE (:ComponentVersion {component: 'cart', version: '1.0.1'})")
    with pytest.raises(ConstraintError):
        raw_cypher("CREATE (:ComponentVersion {component: 'cart', version: '1.0.0'})")


def test_reset_empties_the_catalog_but_keeps_the_schema_record(graph, raw_cypher):
    raw_cypher("UNWIND range(1, 25) AS i CREATE (:Team {name: 'team-' + i})")
    assert database.reset(graph) == 25
    assert raw_cypher("MATCH (n) WHERE NOT n:MercatorSchema RETURN count(n) AS n") == [{"n": 0}]
    assert database.describe_schema(graph)["schema_version"] == schema.SCHEMA_VERSION


def _db_hits(driver, settings, query: str) -> int:
    """The records a query read, from its profile (what it costs, not how long it took)."""
    summary = driver.execute_query("PROFILE " + query, database_=settings.neo4j_database)[1]

    def total(plan) -> int:
        return plan.get("dbHits", 0) + sum(total(child) for child in plan.get("children", []))

    return total(summary.profile)


def test_a_step_by_type_reads_that_type_only_on_a_node_of_many_kinds(
    raw_cypher, _driver, settings
):
    # An application version including one component version, then deployed 30 times:
    # the step to what it includes reads that relationship, not the 30 deployments first.
    raw_cypher("CREATE (:Probe)-[:INCLUDES]->(:ComponentVersion)")
    raw_cypher("MATCH (av:Probe) UNWIND range(1, 30) AS i CREATE (:Deployment)-[:OF]->(av)")
    hits = _db_hits(  # from the application version (LIMIT: not from the one INCLUDES edge)
        _driver, settings, "MATCH (av:Probe) WITH av LIMIT 1 MATCH (av)-[:INCLUDES]->(cv) RETURN cv"
    )
    assert hits < 10, (
        f"{hits} records read: the server groups no relationships by type below 30 "
        "(db.relationship_grouping_threshold, app/graph/local_neo4j.py)"
    )


def test_regrouping_leaves_the_graph_as_it_was(graph, raw_cypher, monkeypatch):
    raw_cypher(
        "UNWIND range(1, 3) AS n CREATE (t:Team {name: 'team-' + n}) WITH t "
        "UNWIND range(1, 12) AS i CREATE (:Component {name: t.name + '-' + i})-[:OWNED_BY]->(t)"
    )
    shape = (
        "MATCH (a)-[r]->(b) RETURN labels(a) AS a, type(r) AS r, labels(b) AS b, "
        "coalesce(a.name, '') AS from, coalesce(b.name, '') AS to ORDER BY from, to"
    )
    before = raw_cypher(shape)
    monkeypatch.setattr(database, "REGROUP_BATCH", 2)  # several batches and marks
    assert database.regroup(graph) == 3  # the teams: 12 relationships each
    assert raw_cypher(shape) == before
    assert raw_cypher("MATCH (m:Regroup) RETURN count(m) AS marks") == [{"marks": 0}]
    assert database.regroup(graph) == 3  # again: the same, harmless
