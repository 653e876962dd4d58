"""The graph schema as code: constraints and indexes from `cypher/schema/`, applied in order.

Every statement is idempotent (`IF NOT EXISTS`), so applying the schema at each service
start and from `mercator db init` is safe. The version applied is recorded in the graph
(`(:MercatorSchema {id: 'schema'})`) so a later schema change can tell an old graph from a
new one and migrate it; readiness checks compare it with `SCHEMA_VERSION`.

A graph recorded at an older version (or never) is migrated in place by `apply`: each
migration newer than the recorded version runs, in order, before the new version is
recorded; each is safe to run again if it was interrupted. The migrations themselves are
domain code, so the caller hands them in (`app.admin.database.MIGRATIONS`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from app.graph import cypher
from app.graph.db import Graph

#: Bump when a file is added to cypher/schema/ or a migration is needed.
SCHEMA_VERSION = 12

#: A migration: brings a graph of the version before its own up to it.
Migration = Callable[[Graph], object]


def statements() -> list[str]:
    """Names of the schema statements, in the order they are applied."""
    return cypher.names("schema")


def apply(graph: Graph, migrations: Mapping[int, Migration]) -> int:
    """Create any missing constraint or index, migrate an older graph, record the schema
    version, return it."""
    for name in statements():
        graph.run_schema(name)
    migrate(graph, migrations)
    graph.write("admin/record_schema_version", version=SCHEMA_VERSION)
    return SCHEMA_VERSION


def migrate(graph: Graph, migrations: Mapping[int, Migration]) -> list[int]:
    """Run the migrations newer than the recorded version (all of them for a graph that
    records none); returns the versions migrated to. The caller records the new version."""
    recorded = recorded_version(graph) or 0
    done = []
    for version in sorted(v for v in migrations if v > recorded):
        migrations[version](graph)
        done.append(version)
    return done


def recorded_version(graph: Graph) -> int | None:
    """The schema version the graph says it has, or None when the schema was never applied."""
    rows = graph.read("admin/schema_version")
    return rows[0]["version"] if rows else None
