"""Every query file returns exactly the columns its header names, in that order.

Each `cypher/**/*.cypher` runs on the demo catalog with the parameters of its own
`// :param` example, as someone pasting it into Neo4j Browser would, and the result's
columns (`result.keys()`) must equal the ones its `// Returns:` field lists — by the
convention of tests/cypher_headers.py: `// Returns: name, kind (an aside), owner — a note
about rows`, possibly continued on the indented comment lines after it, and
`// Returns: nothing` for a statement that returns no columns (schema statements, pure
writes).

The demo is loaded once for the module; each query runs in an explicit transaction that
is rolled back, so writes (even the batch deletes) leave it as it was for the next one.
"""

from __future__ import annotations

import pytest

from app.admin import database, demo
from app.cli.catalogs import LocalCatalog
from app.graph import cypher
from tests.cypher_headers import returned_columns

QUERIES = cypher.names()


@pytest.fixture(scope="module")
def demo_session(session_graph, settings):
    """A driver session on the demo catalog, loaded once for this module."""
    import neo4j

    database.reset(session_graph)
    demo.load(LocalCatalog(session_graph))
    driver = neo4j.GraphDatabase.driver(
        settings.neo4j_uri,
        auth=(settings.neo4j_user, settings.neo4j_password),
        # The demo has no queued deployment nor log: Neo4j warns of absent property keys
        # and labels, which is beside the point here.
        notifications_min_severity="OFF",
    )
    with driver.session(database=settings.neo4j_database) as session:
        yield session
    driver.close()


def returned_keys(session, text: str) -> list[str]:
    """The columns of query `text` run with its `:param` example, in a transaction that
    is rolled back. The query runs to its end, so one that fails at run time fails here."""
    example = next(line for line in text.splitlines() if line.startswith("// :param "))
    params = session.run(f"RETURN {example[len('// :param ') :]} AS params").single()["params"]
    tx = session.begin_transaction()
    try:
        result = tx.run(text, params)
        keys = list(result.keys())
        result.consume()
    finally:
        tx.rollback()
    return keys


def check_columns(session, name: str, text: str) -> None:
    header = returned_columns(text)
    actual = returned_keys(session, text)
    assert actual == header, (
        f"cypher/{name}.cypher: its // Returns: header names {header}, "
        f"but the query returns {actual}"
    )


@pytest.mark.parametrize("name", QUERIES)
def test_query_returns_the_columns_its_header_names(demo_session, name):
    check_columns(demo_session, name, cypher.load(name))


def test_a_renamed_column_fails_naming_the_file_and_both_lists(demo_session):
    text = cypher.load("catalog/component_owners").replace("AS owner", "AS owner_team")
    with pytest.raises(AssertionError) as failure:
        check_columns(demo_session, "catalog/component_owners", text)
    message = str(failure.value)
    assert "cypher/catalog/component_owners.cypher" in message
    assert "['name', 'owner']" in message and "['name', 'owner_team']" in message


def test_the_demo_is_intact_after_the_rolled_back_writes(demo_session):
    deleted = returned_keys(demo_session, cypher.load("admin/delete_catalog_batch"))
    assert deleted == ["deleted"]
    count = demo_session.run("MATCH (c:Component) RETURN count(c) AS n").single()["n"]
    assert count == len(demo.COMPONENTS)
