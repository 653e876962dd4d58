"""The graph an import writes, fact by fact, against the one it wrote before its writes were
reorganised for speed (tests/fixtures/import_graph/small.json): the benchmark's small
generated catalog imported in small batches, so versions, their Ranges and their
predecessors fall on either side of batch boundaries. Every node with its properties and
every relationship with its properties and both ends, Ranges named by (component, range),
so NEEDS, ADMITS and FEEDS sets are compared edge by edge."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from app import transfer

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import generate  # noqa: E402

EXPECTED = Path(__file__).parent / "fixtures" / "import_graph" / "small.json"

#: A node's identity: its key (Ranges by provider and range text).
IDENTITY = (
    "CASE WHEN {n}:Range THEN 'range ' + {n}.component + ' ' + {n}.range "
    "ELSE coalesce({n}.name, {n}.id, {n}.component + ' ' + {n}.version, "
    "{n}.application + ' ' + {n}.version) END"
)


def written_facts(raw_cypher) -> dict[str, list]:
    """Every node and relationship with its properties, as sorted JSON-able lists."""
    nodes = raw_cypher(
        f"MATCH (n) WHERE NOT n:MercatorSchema RETURN labels(n) AS labels, "
        f"{IDENTITY.format(n='n')} AS id, properties(n) AS props"
    )
    edges = raw_cypher(
        f"MATCH (a)-[r]->(b) RETURN type(r) AS type, {IDENTITY.format(n='a')} AS source, "
        f"{IDENTITY.format(n='b')} AS target, properties(r) AS props"
    )
    return {
        "nodes": sorted(
            [sorted(n["labels"]), n["id"], _plain(n["props"])] for n in nodes
        ),
        "edges": sorted([e["type"], e["source"], e["target"], _plain(e["props"])] for e in edges),
    }


def _plain(props: dict) -> list:
    return sorted([name, str(value)] for name, value in props.items())


def _differences(got: list, expected: list) -> str:
    have = {json.dumps(item) for item in got}
    want = {json.dumps(item) for item in expected}
    missing, extra = sorted(want - have)[:10], sorted(have - want)[:10]
    return f"missing {len(want - have)}: {missing}\nextra {len(have - want)}: {extra}"


def test_an_import_writes_the_graph_it_always_wrote(graph, raw_cypher):
    document = generate.generate(generate.SIZES["small"])

    transfer.import_catalog(graph, document, batch_size=7)

    facts = written_facts(raw_cypher)
    expected = json.loads(EXPECTED.read_text())
    for part in ("nodes", "edges"):
        assert facts[part] == expected[part], _differences(facts[part], expected[part])


def test_importing_the_generated_catalog_again_changes_nothing(graph, raw_cypher):
    document = generate.generate(generate.SIZES["small"])
    transfer.import_catalog(graph, document, batch_size=7)
    before = written_facts(raw_cypher)

    again = transfer.import_catalog(graph, generate.generate(generate.SIZES["small"]))

    assert all(counted["created"] == 0 for counted in again.values()), again
    assert written_facts(raw_cypher) == before
