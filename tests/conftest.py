"""Fixtures: one real Neo4j per test session, an empty graph for every test."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest

from app import create_app
from app.config import Settings
from app.graph import Graph
from app.services import database
from tests.neo4j_for_tests import neo4j_for_tests


@pytest.fixture(scope="session")
def settings() -> Iterator[Settings]:
    with neo4j_for_tests() as found:
        # The session applies the schema once (session_graph); apps need not redo it.
        # Apps run no deployment workers unless a test asks for them.
        yield replace(found, apply_schema_on_start=False, worker_threads=0)


@pytest.fixture(scope="session")
def session_graph(settings: Settings) -> Iterator[Graph]:
    graph = Graph.from_settings(settings)
    database.init_schema(graph)
    yield graph
    graph.close()


@pytest.fixture
def graph(session_graph: Graph) -> Graph:
    """The session's graph, emptied (schema kept) before the test runs."""
    database.reset(session_graph)
    return session_graph


@pytest.fixture
def app(settings: Settings, graph: Graph):
    flask_app = create_app(settings)
    flask_app.config["TESTING"] = True
    yield flask_app
    flask_app.extensions["mercator.graph"].close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def raw_cypher(settings: Settings, graph: Graph):
    """Run ad-hoc Cypher as someone in Neo4j Browser would: to set up or inspect the graph
    behind Mercator's back. Returns rows as dicts."""
    import neo4j

    driver = neo4j.GraphDatabase.driver(
        settings.neo4j_uri, auth=(settings.neo4j_user, settings.neo4j_password)
    )

    def run(query: str, **params):
        records, _, _ = driver.execute_query(query, params, database_=settings.neo4j_database)
        return [record.data() for record in records]

    yield run
    driver.close()


@pytest.fixture
def base_url(settings: Settings, graph: Graph):
    """The app served over real HTTP by a threaded server, as pipelines would reach it."""
    import threading

    from werkzeug.serving import make_server

    flask_app = create_app(settings)
    server = make_server("127.0.0.1", 0, flask_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    flask_app.extensions["mercator.graph"].close()
