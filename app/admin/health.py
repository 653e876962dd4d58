"""Is the database there, and does it have our schema?"""

from __future__ import annotations

from app.errors import Unavailable
from app.graph import Graph, schema

#: What an operator runs to give the graph the schema this Mercator expects.
APPLY_SCHEMA = "`mercator db init` (or restart `mercator serve`, which applies it)"


def readiness(graph: Graph) -> dict[str, object]:
    """Ready when Neo4j answers and holds the current schema version.

    Only reads: a graph without the schema, or with an older one, is reported as not ready
    (with what is missing), never changed here — the schema is applied by `mercator db
    init` and by `mercator serve` before it serves.
    """
    graph.ping()
    version = schema.recorded_version(graph)
    expected = schema.SCHEMA_VERSION
    if version is None:
        raise Unavailable(
            f"the graph has no Mercator schema; apply it with {APPLY_SCHEMA}",
            {"missing": "schema", "recorded": None, "expected": expected},
        )
    if version > expected:
        raise Unavailable(
            "the graph was written by a newer Mercator; upgrade this service",
            {"recorded": version, "expected": expected},
        )
    if version < expected:
        raise Unavailable(
            f"the graph has schema version {version}, this Mercator needs {expected}; "
            f"apply it with {APPLY_SCHEMA}",
            {"missing": f"schema version {expected}", "recorded": version, "expected": expected},
        )
    return {"status": "ready", "neo4j": "reachable", "schema_version": version}
