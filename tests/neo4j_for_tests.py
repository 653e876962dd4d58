"""Where the test suite finds a real Neo4j, in order of preference.

1. `MERCATOR_TEST_NEO4J_URI` (with `_USER` / `_PASSWORD`): a server someone already runs.
2. testcontainers' `Neo4jContainer`, when a Docker engine answers.
3. The project's own local server (`app.graph.local_neo4j`, the code behind
   `mercator neo4j start`) on its own ports and data folder, stopped at the end.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

from app.config import LocalServerSettings, Settings
from app.graph.local_neo4j import RELATIONSHIP_GROUPING_THRESHOLD, LocalServer

REPO = Path(__file__).resolve().parent.parent
TEST_PASSWORD = "mercator-test-password"
NEO4J_IMAGE = "neo4j:5.26-community"


def local_test_settings(
    name: str, bolt_port: int, http_port: int, heap: str = "1g", pagecache: str = "512m"
) -> Settings:
    """Settings for a local server of the tests, kept apart from the developer's own."""
    local = LocalServerSettings(
        home=REPO / ".mercator" / name,
        bolt_port=bolt_port,
        http_port=http_port,
        heap=heap,
        pagecache=pagecache,
    )
    return Settings(
        neo4j_uri=f"bolt://127.0.0.1:{bolt_port}",
        neo4j_password=TEST_PASSWORD,
        local=local,
    )


def _docker_answers() -> bool:
    try:
        import docker

        client = docker.from_env(timeout=3)
        client.ping()
        return True
    except Exception:
        return False


@contextlib.contextmanager
def neo4j_for_tests() -> Iterator[Settings]:
    uri = os.environ.get("MERCATOR_TEST_NEO4J_URI")
    if uri:
        yield Settings(
            neo4j_uri=uri,
            neo4j_user=os.environ.get("MERCATOR_TEST_NEO4J_USER", "neo4j"),
            neo4j_password=os.environ.get("MERCATOR_TEST_NEO4J_PASSWORD", TEST_PASSWORD),
        )
        return
    if _docker_answers():
        from testcontainers.neo4j import Neo4jContainer

        container = Neo4jContainer(NEO4J_IMAGE, password=TEST_PASSWORD).with_env(
            "NEO4J_db_relationship__grouping__threshold", str(RELATIONSHIP_GROUPING_THRESHOLD)
        )
        with container:
            yield Settings(neo4j_uri=container.get_connection_url(), neo4j_password=TEST_PASSWORD)
        return
    settings = local_test_settings(
        os.environ.get("MERCATOR_TEST_NEO4J_HOME", "test-neo4j"),
        bolt_port=int(os.environ.get("MERCATOR_TEST_NEO4J_BOLT_PORT", "17687")),
        http_port=int(os.environ.get("MERCATOR_TEST_NEO4J_HTTP_PORT", "17474")),
    )
    server = LocalServer(settings)
    server.start()
    try:
        yield settings
    finally:
        server.stop()
