"""Range nodes stay exact: every write keeps NEEDS/ADMITS equal to what the DEPENDS_ON
edges and the range rule say, and FEEDS equal to what NEEDS and ADMITS imply; the schema
migrations build them for an older graph."""

from __future__ import annotations

import pytest

from app import transfer
from app.admin import database
from app.catalog import ranges
from app.graph import schema
from tests.catalog import register


def expected(raw_cypher) -> tuple[set, set, set]:
    """NEEDS, ADMITS and FEEDS as the DEPENDS_ON edges and `semver` say they must be."""
    deps = raw_cypher(
        "MATCH (v:ComponentVersion)-[d:DEPENDS_ON]->(p:Component) "
        "RETURN v.component AS c, v.version AS v, p.name AS p, d.range AS r"
    )
    versions = raw_cypher("MATCH (v:ComponentVersion) RETURN v.component AS c, v.version AS v")
    needs = {(d["c"], d["v"], d["p"], ranges.range_text(d["r"])) for d in deps}
    declared = {(p, r) for _, _, p, r in needs}
    admits = {
        (p, r, v["v"])
        for p, r in declared
        for v in versions
        if v["c"] == p and ranges.admits(r, v["v"])
    }
    # (q)-[:FEEDS]->(r) when a version r admits needs q.
    feeds = {
        (q_provider, q_range, provider, text)
        for provider, text, version in admits
        for consumer, consumer_version, q_provider, q_range in needs
        if (consumer, consumer_version) == (provider, version)
    }
    return needs, admits, feeds


def actual(raw_cypher) -> tuple[set, set, set]:
    needs = raw_cypher(
        "MATCH (v:ComponentVersion)-[:NEEDS]->(r:Range) "
        "RETURN v.component AS c, v.version AS v, r.component AS p, r.range AS r"
    )
    admits = raw_cypher(
        "MATCH (r:Range)-[:ADMITS]->(v:ComponentVersion) "
        "RETURN r.component AS p, r.range AS r, v.version AS v, v.component AS c"
    )
    feeds = raw_cypher(
        "MATCH (q:Range)-[f:FEEDS]->(r:Range) "
        "RETURN q.component AS qp, q.range AS qr, r.component AS p, r.range AS r, f.via AS via"
    )
    assert all(a["c"] == a["p"] for a in admits)
    # FEEDS join Ranges only.
    assert raw_cypher("MATCH ()-[f:FEEDS]->() RETURN count(f) AS n")[0]["n"] == len(feeds)
    assert not raw_cypher("MATCH (r:Range) WHERE r.pending RETURN r")
    duplicates = raw_cypher(
        "MATCH (a)-[x:NEEDS|ADMITS|FEEDS]->(b) WITH a, b, type(x) AS t, count(*) AS n "
        "WHERE n > 1 RETURN count(*) AS n"
    )
    assert duplicates[0]["n"] == 0
    needs = {(n["c"], n["v"], n["p"], n["r"]) for n in needs}
    admits = {(a["p"], a["r"], a["v"]) for a in admits}
    for f in feeds:  # `via` is a version that joins the two Ranges
        assert (f["p"], f["r"], f["via"]) in admits, f
        assert (f["p"], f["via"], f["qp"], f["qr"]) in needs, f
    return needs, admits, {(f["qp"], f["qr"], f["p"], f["r"]) for f in feeds}


def _mixed_registrations(client) -> None:
    """Consumers before and after their providers' versions, ranges that admit none yet,
    non-numeric versions, several ranges on one provider, a cycle."""
    register(client, "gateway", "1.0.0", dependencies=[{"component": "lib", "range": "^2.0.0"}])
    register(client, "lib", "1.0.0")
    register(client, "lib", "2.1.0")
    register(client, "old", "1.0.0", dependencies=[{"component": "lib", "range": "<2.0.0"}])
    register(client, "any", "1.0.0", dependencies=[{"component": "lib"}])
    register(client, "lib", "latest")
    register(client, "lib", "2.5.0", dependencies=[{"component": "any", "range": ">=1"}])
    register(client, "any", "2024.06", dependencies=[{"component": "lib", "range": "^2.0.0"}])
    register(client, "lib", "3.0.0")


def test_registrations_keep_ranges_exact(client, raw_cypher):
    _mixed_registrations(client)
    assert actual(raw_cypher) == expected(raw_cypher)
    assert ("lib", "^2.0.0", "2.5.0") in actual(raw_cypher)[1]
    # lib 2.5.0 needs any's `>=1` Range and is admitted by lib's `^2.0.0` (among others).
    assert ("any", ">=1", "lib", "^2.0.0") in actual(raw_cypher)[2]
    assert ("lib", "", "latest") in actual(raw_cypher)[1]
    assert ("lib", "^2.0.0", "latest") not in actual(raw_cypher)[1]


def test_an_import_keeps_ranges_exact_in_every_batch(client, graph, raw_cypher):
    _mixed_registrations(client)
    document = transfer.export_catalog(graph)
    database.reset(graph)
    # Tiny batches: a Range's consumers and its provider's versions land in different ones.
    transfer.import_catalog(graph, document, batch_size=2)
    assert actual(raw_cypher) == expected(raw_cypher)
    # Importing into a graph that holds part of it (new versions of known providers).
    register(client, "lib", "2.9.0")
    assert actual(raw_cypher) == expected(raw_cypher)


def test_migration_builds_the_ranges_of_a_graph_written_before_them(client, graph, raw_cypher):
    _mixed_registrations(client)
    written = actual(raw_cypher)
    # The graph as schema version 4 left it: DEPENDS_ON edges, no Range nodes.
    raw_cypher("MATCH (r:Range) DETACH DELETE r")
    raw_cypher("MATCH (m:MercatorSchema {id: 'schema'}) SET m.version = 4")
    assert schema.recorded_version(graph) == 4
    assert database.init_schema(graph) == schema.SCHEMA_VERSION
    assert actual(raw_cypher) == written == expected(raw_cypher)
    # A migration that stopped half way runs again to the same result.
    raw_cypher("MATCH (r:Range {component: 'lib'})-[a:ADMITS]->() DELETE a")
    ranges.rebuild(graph)
    assert actual(raw_cypher) == written
    # The graph is current: applying the schema again changes nothing.
    database.init_schema(graph)
    assert actual(raw_cypher) == written


def test_migration_builds_the_feeds_of_a_graph_written_before_them(client, graph, raw_cypher):
    _mixed_registrations(client)
    written = actual(raw_cypher)
    assert written[2], "the mixed registrations feed some Ranges"
    # The graph as schema version 10 left it: Ranges, NEEDS and ADMITS, no FEEDS.
    raw_cypher("MATCH ()-[f:FEEDS]->() DELETE f")
    raw_cypher("MATCH (m:MercatorSchema {id: 'schema'}) SET m.version = 10")
    assert database.init_schema(graph) == schema.SCHEMA_VERSION
    assert actual(raw_cypher) == written == expected(raw_cypher)
    # Half of them lost (a migration that stopped half way): running it again completes them.
    raw_cypher("MATCH (:Range {component: 'lib'})-[f:FEEDS]->() DELETE f")
    assert ranges.build_feeds(graph)["feeds"] == len(written[2])
    assert actual(raw_cypher) == written


@pytest.fixture
def env(settings, tmp_path):
    """Environment variables that point the CLI at the test Neo4j."""
    return {
        "MERCATOR_NEO4J_URI": settings.neo4j_uri,
        "MERCATOR_NEO4J_USER": settings.neo4j_user,
        "MERCATOR_NEO4J_PASSWORD": settings.neo4j_password,
        "MERCATOR_NEO4J_HOME": str(tmp_path / "no-local-server"),
    }


def test_db_migrate_upgrades_an_old_graph_from_the_command_line(client, raw_cypher, env):
    from click.testing import CliRunner

    from app.cli import cli

    _mixed_registrations(client)
    written = actual(raw_cypher)
    raw_cypher("MATCH (r:Range) DETACH DELETE r")
    raw_cypher("MATCH (m:MercatorSchema {id: 'schema'}) SET m.version = 4")
    result = CliRunner().invoke(cli, ["db", "migrate"], env=env)
    assert result.exit_code == 0, result.output
    assert f"schema version 4 -> {schema.SCHEMA_VERSION}" in result.output
    assert actual(raw_cypher) == written
