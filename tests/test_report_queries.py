"""The report queries as Neo4j Browser users meet them: the `:param` example of each file
runs as it is on the demo data, and no report starts by scanning a large label."""

from __future__ import annotations

import re

import pytest

from app.admin import database, demo
from app.cli.catalogs import LocalCatalog
from app.graph import cypher

REPORTS = cypher.names("reports")
#: Labels that grow with the estate: starting a report with a scan of one is a bug.
LARGE_LABELS = {"ComponentVersion", "ApplicationVersion", "Deployment", "Package"}


@pytest.fixture(scope="module")
def demo_graph(session_graph):
    """The demo, loaded once for this module: its tests only read."""
    database.reset(session_graph)
    demo.load(LocalCatalog(session_graph))
    return session_graph


def _param_example(name: str) -> str:
    line = next(line for line in cypher.load(name).splitlines() if line.startswith("// :param "))
    return line[len("// :param ") :]


@pytest.fixture(scope="module")
def run(settings):
    """(records, profile) of a query with parameters, straight through the driver."""
    import neo4j

    driver = neo4j.GraphDatabase.driver(
        settings.neo4j_uri, auth=(settings.neo4j_user, settings.neo4j_password)
    )

    def execute(query: str, params: dict | None = None):
        with driver.session(database=settings.neo4j_database) as session:
            result = session.run(query, params or {})
            records = [record.data() for record in result]
            return records, result.consume().profile

    yield execute
    driver.close()


def _example(run, name: str) -> dict:
    return run(f"RETURN {_param_example(name)} AS params")[0][0]["params"]


@pytest.mark.parametrize("name", REPORTS)
def test_param_example_runs_as_is_on_the_demo(demo_graph, run, name):
    rows, _ = run(cypher.load(name), _example(run, name))
    assert rows, f"{name} with its :param example returned nothing on the demo data"


@pytest.mark.parametrize("name", REPORTS)
def test_no_report_starts_with_a_scan_of_a_large_label(demo_graph, run, name):
    _, plan = run("PROFILE " + cypher.load(name), _example(run, name))
    assert not _large_scans(plan), f"{name} starts with {_large_scans(plan)}"


def test_the_scan_check_catches_a_scan(demo_graph, run):
    _, plan = run("PROFILE MATCH (v:ComponentVersion) WHERE v.git_branch = 'main' RETURN v")
    assert _large_scans(plan)


def _large_scans(plan) -> list[str]:
    return [
        str(op.get("args", {}).get("Details"))
        for op in _leaves(plan)
        if op["operatorType"].startswith("AllNodesScan")
        or (op["operatorType"].startswith("NodeByLabelScan") and set(_labels(op)) & LARGE_LABELS)
    ]


def _leaves(plan):
    children = plan.get("children") or []
    if not children:
        yield plan
    for child in children:
        yield from _leaves(child)


def _labels(operator) -> list[str]:
    details = str(operator.get("args", {}).get("Details", ""))
    return re.findall(r":(\w+)", details)
