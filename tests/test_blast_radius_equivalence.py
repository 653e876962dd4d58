"""The one-statement blast radius gives the answers of the old hop-by-hop algorithm (kept
only as the oracle, tests/blast_radius_oracle.py) on a catalog from the benchmark's
generator: hubs, typical components, ranges that exclude versions, a cycle, depths 1-10."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from app import transfer
from app.admin import database
from app.catalog import ranges
from app.reports import reports
from tests import blast_radius_oracle as oracle

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import generate  # noqa: E402
import postgres  # noqa: E402

#: Between the benchmark's small and medium sizes: a few hubs with more than 100 versions
#: (so some are outside the generator's `>=1.0.0 <3.0.0` ranges), chains and cycles.
SIZE = generate.Size(8, 80, 1500, 10, 6, 10, 4, 300)
DEPTHS = (1, 2, 3, 6, 10)


@pytest.fixture(scope="module")
def catalog(session_graph):
    """Imported once for the module (the tests only read it)."""
    database.reset(session_graph)
    transfer.import_catalog(session_graph, generate.generate(SIZE), batch_size=500)
    yield session_graph
    database.reset(session_graph)


def _cases(graph) -> list[tuple[str, str | None]]:
    rows = graph.read_tx(
        lambda tx: tx._tx.run(
            "MATCH (c:Component) "
            "RETURN c.name AS name, COUNT { (c)<-[:DEPENDS_ON]-() } AS consumers, "
            "COLLECT { MATCH (c)-[:HAS_VERSION]->(v) RETURN v.version ORDER BY v.seq } "
            "AS versions ORDER BY consumers DESC, name"
        ).data()
    )
    with_versions = [r for r in rows if r["versions"]]
    hubs = with_versions[:2]
    typical = with_versions[len(with_versions) // 2 : len(with_versions) // 2 + 3]
    cycle = [r for r in with_versions if r["name"] == "svc-00003"]  # 3 -> 5 -> 4 -> 3
    # The most versions: some are 3.x, outside every range the generator declares.
    ranged = max(with_versions, key=lambda r: (len(r["versions"]), r["name"]))
    assert ranged["versions"][-1].startswith("3."), "a version outside the ranges"
    cases = [(ranged["name"], ranged["versions"][-1]), (ranged["name"], ranged["versions"][0])]
    for row in hubs:
        versions = row["versions"]
        cases += [(row["name"], None), (row["name"], versions[0]), (row["name"], versions[-1])]
    for row in typical + cycle:
        cases += [(row["name"], None), (row["name"], row["versions"][-1])]
    return cases


def _answer(radius: dict, component: str) -> dict:
    return {
        "consumers": [(c["component"], c["version"], c["distance"]) for c in radius["consumers"]],
        "consumer_count": radius["consumer_count"],
        "truncated": radius["truncated"],
        "applications": radius["applications"],
        "application_count": radius.get("application_count", len(radius["applications"])),
        "environments": postgres.summarised_places(
            radius["environments"], component, radius["consumers"]
        ),
        "teams": radius["teams"],
    }


def _check_paths(radius: dict, needs: dict, admits: set, component: str, version: str | None):
    """Each consumer's path is a real chain of dependencies, as long as its distance."""
    for consumer in radius["consumers"]:
        path = consumer["path"]
        assert path[0] == component and len(path) == consumer["distance"] + 1
        hops = [tuple(step.rsplit("@", 1)) for step in path[1:]]
        previous = (component, version)
        for hop in hops:
            ranges_needed = {r for p, r in needs.get(hop, ()) if p == previous[0]}
            assert ranges_needed, (path, hop)
            if previous[1] is not None:
                assert any((previous[0], r, previous[1]) in admits for r in ranges_needed), path
            previous = hop


@pytest.mark.parametrize("many_versions", [reports.MANY_VERSIONS, 1], ids=["walked", "tested"])
def test_one_statement_equals_the_hop_by_hop_oracle(catalog, monkeypatch, many_versions):
    """Both ways of finding the applications (walked to from the affected versions, or,
    from `MANY_VERSIONS` affected versions on, each latest and deployed one tested) give
    the oracle's answers."""
    from tests.test_ranges import expected

    monkeypatch.setattr(reports, "MANY_VERSIONS", many_versions)
    def raw(query, **params):
        return catalog.read_tx(lambda tx: tx._tx.run(query, params).data())

    needed, admits, _ = expected(raw)
    needs: dict[tuple[str, str], set] = {}
    for c, v, p, r in needed:
        needs.setdefault((c, v), set()).add((p, r))
    cases = _cases(catalog)
    differences, answers = [], []
    for component, version in cases:
        for depth in DEPTHS:
            new = reports.blast_radius(catalog, component, version, depth, limit=10_000)
            old = oracle.blast_radius(catalog, component, version, depth, 10_000)
            if _answer(new, component) != _answer(old, component):
                differences.append((component, version, depth))
            answers.append((new, component, version))
    assert not differences, f"{len(differences)} of {len(cases) * len(DEPTHS)}: {differences}"
    for new, component, version in answers:
        _check_paths(new, needs, admits, component, version)
    assert len(ranges.ANY) == 0  # the unranged Range key the model documents


def test_pages_of_consumers_add_up_to_the_whole_answer(catalog):
    component, _ = _cases(catalog)[0]
    whole = reports.blast_radius(catalog, component, None, 6, limit=10_000)
    assert whole["consumer_count"] > 100 and not whole["truncated"]
    pages, offset = [], 0
    while True:
        page = reports.blast_radius(catalog, component, None, 6, limit=40, offset=offset)
        assert page["consumer_count"] == whole["consumer_count"]
        pages += page["consumers"]
        offset += 40
        if not page["truncated"]:
            break
    assert [(c["component"], c["version"]) for c in pages] == [
        (c["component"], c["version"]) for c in whole["consumers"]
    ]
    old = oracle.blast_radius(catalog, component, None, 6, 40)
    first = reports.blast_radius(catalog, component, None, 6, limit=40)
    assert _answer(first, component) == _answer(old, component)


def test_pages_of_applications_add_up_to_all_of_them(catalog):
    component, _ = _cases(catalog)[0]
    whole = reports.blast_radius(catalog, component, None, 6, limit=1)
    assert whole["application_count"] == len(whole["applications"]) > 10
    assert not whole["applications_truncated"]
    pages, offset = [], 0
    while True:
        page = reports.blast_radius(
            catalog, component, None, 6, limit=1, application_limit=7, application_offset=offset
        )
        assert page["application_count"] == whole["application_count"]
        assert len(page["applications"]) <= 7
        pages += page["applications"]
        offset += 7
        if not page["applications_truncated"]:
            break
    assert pages == whole["applications"]
    # The page of applications leaves the rest of the answer alone.
    assert page["environments"] == whole["environments"] and page["teams"] == whole["teams"]
