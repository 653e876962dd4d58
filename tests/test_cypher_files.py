"""Every query file is documented and parses against the real Neo4j."""

from __future__ import annotations

import re

import pytest

from app.graph import cypher
from tests.cypher_headers import HeaderError, returned_columns

QUERIES = cypher.names()
NON_SCHEMA = [name for name in QUERIES if not name.startswith("schema/")]


def test_there_are_queries_in_every_area():
    areas = {name.split("/")[0] for name in QUERIES}
    assert {"admin", "schema"} <= areas


@pytest.mark.parametrize("name", QUERIES)
def test_header_documents_purpose_parameters_returns_and_a_param_example(name):
    """`// Returns:` lists the result's columns by the convention of tests/cypher_headers.py:
    `// Returns: name, kind (an aside), owner — a note about rows`, possibly continued on
    the indented comment lines after it; `// Returns: nothing` for no columns (schema
    statements, pure writes). test_cypher_returns.py checks the list against a real run."""
    text = cypher.load(name)
    header = [line for line in text.splitlines() if line.startswith("//")]
    joined = "\n".join(header)
    for field in ("// Purpose:", "// Parameters:", "// Returns:", "// :param "):
        assert field in joined, f"{name} header lacks {field!r}"
    params_used = set(re.findall(r"\$([A-Za-z_][A-Za-z0-9_]*)", _body(text)))
    param_line = next(line for line in header if line.startswith("// :param "))
    for param in params_used:
        assert param in param_line, f"{name}: ${param} missing from its :param example"
    try:
        columns = returned_columns(text)
    except HeaderError as error:
        pytest.fail(f"cypher/{name}.cypher: {error}")
    if name.startswith("schema/"):
        assert columns == [], f"cypher/{name}.cypher: a schema statement returns nothing"


@pytest.mark.parametrize(
    ("field", "columns"),
    [
        ("// Returns: id", ["id"]),
        ("// Returns: nothing (schema change)", []),
        ("// Returns: a (x, y), b ([{c, d}] by c) — no row when e, f", ["a", "b"]),
        ("// Returns: a ([{b,\n//          c}]), d\n// :param {}", ["a", "d"]),
        ("// Returns: a, b\n// Some other comment, e", ["a", "b"]),
    ],
)
def test_returns_field_convention(field, columns):
    assert returned_columns(field) == columns


@pytest.mark.parametrize(
    "field", ["// Returns: id, worker of each", "// Returns: a, a", "// Returns: a (b", ""]
)
def test_returns_field_off_the_convention_is_refused(field):
    with pytest.raises(HeaderError):
        returned_columns(field)


@pytest.mark.parametrize("name", NON_SCHEMA)
def test_query_plans_on_real_neo4j(name, session_graph):
    session_graph.explain(name)


def test_one_statement_per_file():
    for name in QUERIES:
        body = _body(cypher.load(name)).strip().rstrip(";")
        assert ";" not in body, f"{name} holds more than one statement"


def test_unknown_or_malformed_names_are_refused():
    with pytest.raises(LookupError):
        cypher.load("admin/does_not_exist")
    with pytest.raises(ValueError):
        cypher.load("../etc/passwd")


def _body(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.startswith("//"))
