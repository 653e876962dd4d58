"""The graph schema as code: constraints and indexes from `cypher/schema/`, applied in order.

Every statement is idempotent (`IF NOT EXISTS`), so applying the schema at each service
start and from `mercator db init` is safe. The version applied is recorded in the graph
(`(:MercatorSchema {id: 'schema'})`) so a later schema change can tell an old graph from a
new one and migrate it; readiness checks compare it with `SCHEMA_VERSION`.
"""

from __future__ import annotations

from app.graph import cypher
from app.graph.db import Graph

#: Bump when a file is added to cypher/schema/ or a migration is needed.
SCHEMA_VERSION = 5


def statements() -> list[str]:
    """Names of the schema statements, in the order they are applied."""
    return cypher.names("schema")


def apply(graph: Graph) -> int:
    """Create any missing constraint or index, record the schema version, return it."""
    for name in statements():
        graph.run_schema(name)
    graph.write("admin/record_schema_version", version=SCHEMA_VERSION)
    return SCHEMA_VERSION


def recorded_version(graph: Graph) -> int | None:
    """The schema version the graph says it has, or None when the schema was never applied."""
    rows = graph.read("admin/schema_version")
    return rows[0]["version"] if rows else None
