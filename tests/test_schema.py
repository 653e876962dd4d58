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
