"""Every query file is documented and parses against the real Neo4j."""

from __future__ import annotations

import re

import pytest

from app.graph import cypher

QUERIES = cypher.names()
NON_SCHEMA = [name for name in QUERIES if not name.startswith("schema/")]


def test_there_are_queries_in_every_area():
    areas = {name.split("/")[0] for name in QUERIES}
    assert {"admin", "schema"} <= areas


@pytest.mark.parametrize("name", QUERIES)
def test_header_documents_purpose_parameters_returns_and_a_param_example(name):
    text = cypher.load(name)
    header = [line for line in text.splitlines() if line.startswith("//")]
    joined = "\n".join(header)
    for field in ("// Purpose:", "// Parameters:", "// Returns:", "// :param "):
        assert field in joined, f"{name} header lacks {field!r}"
    params_used = set(re.findall(r"\$([A-Za-z_][A-Za-z0-9_]*)", _body(text)))
    param_line = next(line for line in header if line.startswith("// :param "))
    for param in params_used:
        assert param in param_line, f"{name}: ${param} missing from its :param example"


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
