"""Fixtures: one real Neo4j per test session, an empty graph for every test.

Writes need an API token, so the `client` fixture sends a real admin token (created in the
graph after the per-test reset) with every request: plain `client.post(...)` just works.
`anonymous_client` sends none; `make_token(...)` creates a token with chosen scopes and
limits; tests that reach the live server (`base_url`) with `requests` send
`auth_headers`, and CLI tests in --url mode set MERCATOR_TOKEN to `admin_token`.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app import create_app
from app.access import tokens
from app.admin import database
from app.config import Settings
from app.graph import Graph
from tests.headers import api_headers
from tests.neo4j_for_tests import neo4j_for_tests


@pytest.fixture(scope="session")
def settings() -> Iterator[Settings]:
    with neo4j_for_tests() as found:
        # The session applies the schema once (session_graph); apps never do, nor run
        # deployment workers: a test that needs one starts it.
        yield found


@pytest.fixture(scope="session")
def session_graph(settings: Settings) -> Iterator[Graph]:
    graph = Graph.from_settings(settings)
    database.init_schema(graph)
    yield graph
    graph.close()


@pytest.fixture(scope="session")
def _driver(settings: Settings):
    """A driver of its own, for what Mercator itself never does to the graph."""
    import neo4j

    driver = neo4j.GraphDatabase.driver(
        settings.neo4j_uri, auth=(settings.neo4j_user, settings.neo4j_password)
    )
    yield driver
    driver.close()


@pytest.fixture
def graph(session_graph: Graph, _driver, settings: Settings) -> Graph:
    """The session's graph, emptied before the test runs: the catalog (schema kept) and
    the API tokens, which a catalog reset keeps."""
    database.reset(session_graph)
    _driver.execute_query("MATCH (t:ApiToken) DELETE t", database_=settings.neo4j_database)
    return session_graph


@pytest.fixture
def app(settings: Settings, graph: Graph):
    flask_app = create_app(settings)
    flask_app.config["TESTING"] = True
    yield flask_app
    flask_app.extensions["mercator.graph"].close()


@pytest.fixture
def make_token(graph: Graph):
    """`make_token(*scopes, name=..., component_prefix=..., team=..., expires=...)`: a real
    token in the graph, returned as the string a client sends."""
    made = []

    def make(*scopes: str, name: str | None = None, **limits) -> str:
        token_name = name or f"test-{'-'.join(scopes)}-{len(made)}"
        _, token = tokens.create(graph, token_name, list(scopes), **limits, created_by="tests")
        made.append(token_name)
        return token

    return make


@pytest.fixture
def admin_token(make_token) -> str:
    """The token `client`, `auth_headers` and the --url CLI tests use: scope admin."""
    return make_token("admin", name="test-admin")


@pytest.fixture
def auth_headers(admin_token: str) -> dict[str, str]:
    """Headers for `requests` calls to `base_url`: the admin token."""
    return api_headers(admin_token)


@pytest.fixture
def client(app, admin_token: str):
    """A test client that sends the admin token with every request."""
    test_client = app.test_client()
    test_client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {admin_token}"
    return test_client


@pytest.fixture
def anonymous_client(app):
    """A test client that sends no token."""
    return app.test_client()


@pytest.fixture
def raw_cypher(settings: Settings, graph: Graph, _driver):
    """Run ad-hoc Cypher as someone in Neo4j Browser would: to set up or inspect the graph
    behind Mercator's back. Returns rows as dicts."""

    def run(query: str, **params):
        records, _, _ = _driver.execute_query(query, params, database_=settings.neo4j_database)
        return [record.data() for record in records]

    return run


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
