"""Looking after the graph itself: its schema, and emptying it."""

from __future__ import annotations

from app.catalog import ranges
from app.deploy import deployments
from app.graph import Graph, schema
from app.graph.local_neo4j import RELATIONSHIP_GROUPING_THRESHOLD

#: Nodes deleted per transaction when emptying the graph, so memory stays bounded.
RESET_BATCH = 10_000

#: Nodes marked per transaction by `regroup`.
REGROUP_BATCH = 10_000


def regroup(graph: Graph) -> int:
    """The schema migration to relationships grouped by type (version 12): a graph written
    under Neo4j's default grouping threshold keeps each node's relationships in one chain
    until the node gains another past the threshold the server has now
    (`RELATIONSHIP_GROUPING_THRESHOLD`). So each node past it gets a relationship to a
    mark, committed, and then the marks go: the graph is as it was, its relationships
    grouped. Bounded transactions; safe to run again. Returns the nodes marked."""
    marked = 0
    while True:
        rows = graph.write(
            "admin/regroup_mark", threshold=RELATIONSHIP_GROUPING_THRESHOLD, limit=REGROUP_BATCH
        )
        marked += rows[0]["marked"]
        if rows[0]["marked"] < REGROUP_BATCH:
            break
    while graph.write("admin/regroup_clear")[0]["deleted"]:
        pass
    return marked


#: Schema version -> what brings a graph of the version before it up to it.
#: 5: Range nodes (NEEDS / ADMITS) built from the DEPENDS_ON edges.
#: 8: RUNS edges as periods, and DEPLOYED_NOW edges, from the deployment history.
#: 11: FEEDS edges between Ranges, from NEEDS and ADMITS.
#: 12: each node's relationships grouped by type (a store layout, not a model change).
MIGRATIONS: dict[int, schema.Migration] = {
    5: ranges.rebuild,
    8: deployments.migrate_inventory,
    11: ranges.build_feeds,
    12: regroup,
}


def init_schema(graph: Graph) -> int:
    """Apply constraints and indexes (idempotent) and migrate an older graph in place;
    returns the schema version now recorded."""
    return schema.apply(graph, MIGRATIONS)


def describe_schema(graph: Graph) -> dict[str, object]:
    """The recorded schema version and every index and constraint Neo4j reports."""
    return {
        "schema_version": schema.recorded_version(graph),
        "expected_version": schema.SCHEMA_VERSION,
        "indexes": graph.read("admin/indexes"),
    }


def reset(graph: Graph) -> int:
    """Delete every catalog node and relationship (the schema and the API tokens stay, so
    pipelines keep their access); returns nodes deleted.

    Relationships go first, in bounded batches, then the nodes: a node with a huge degree
    never makes one transaction hold all its relationships."""
    while graph.write("admin/delete_relationships_batch", limit=RESET_BATCH)[0]["deleted"]:
        pass
    total = 0
    while True:
        deleted = graph.write("admin/delete_catalog_batch", limit=RESET_BATCH)[0]["deleted"]
        total += deleted
        if deleted < RESET_BATCH:
            return total


def server_version(graph: Graph) -> dict[str, str]:
    """Name, version and edition of the Neo4j server."""
    return graph.read("admin/server_version")[0]
