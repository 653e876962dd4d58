"""Is the database there, and does it have our schema?"""

from __future__ import annotations

from app.errors import Unavailable
from app.graph import Graph, schema


def readiness(graph: Graph) -> dict[str, object]:
    """Ready when Neo4j answers and holds the current schema version.

    A graph without the schema (Neo4j was down when the service started, or was replaced
    by an empty one) gets it applied here, so the service heals without a restart.
    """
    graph.ping()
    version = schema.recorded_version(graph)
    if version is not None and version > schema.SCHEMA_VERSION:
        raise Unavailable(
            "the graph was written by a newer Mercator; upgrade this service",
            {"recorded": version, "expected": schema.SCHEMA_VERSION},
        )
    if version != schema.SCHEMA_VERSION:
        version = schema.apply(graph)
    return {"status": "ready", "neo4j": "reachable", "schema_version": version}
