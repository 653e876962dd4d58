"""Range nodes: what makes a range-aware blast radius plain reachability.

Every `(ComponentVersion)-[:DEPENDS_ON {range}]->(Component)` has a twin
`(ComponentVersion)-[:NEEDS]->(:Range {component, range})`, one Range per provider component
and declared range text (`''` for a dependency without a range), and each Range
`ADMITS` exactly the provider's versions that satisfy it (all of them for `''`). "Which
versions are affected if this version changes" is then
`(changed)<-[:ADMITS]-(:Range)<-[:NEEDS]-(consumer)`, with no range tested during a
traversal. And `(q:Range)-[:FEEDS {via}]->(r:Range)` whenever a version `r` ADMITS NEEDS
`q` (`via` names one such version): a change reaching `q` reaches `r` one hop later, so
the blast radius walks the few thousand Ranges instead of every version, then reads the
consumers off the Ranges it reached.

Kept exact in the transaction that writes versions or dependencies:

- a new consumer version MERGEs its Ranges and NEEDS them; a Range it creates is `pending`
  until `settle` has locked the provider component and written ADMITS to every existing
  version inside it;
- a new provider version gets ADMITS from every Range of its component it satisfies (the
  caller holds the component's lock when it reads them);
- whoever writes a NEEDS or an ADMITS edge MERGEs the FEEDS edges it implies (with the
  ADMITS, or NEEDS, the version has already), in the same statement, so whichever of the
  two is written second completes the pair.

Both sides read the other under the provider component's lock, so a Range created at the
same moment as a provider version is either seen by that version's transaction or sees
the version. The range rule is evaluated here, in Python (`app.core.semver`), then
written with UNWIND.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any

from app.core import semver
from app.graph import Graph, Tx

#: The range text of the Range of dependencies that declare no range: it admits every version.
ANY = ""

#: (range, version) pairs written per query.
CHUNK = 5_000

#: Provider components per migration transaction.
MIGRATION_COMPONENTS = 50


@functools.lru_cache(maxsize=4096)
def _parsed(text: str) -> semver.Range:
    return semver.Range.parse(text)


def admits(range_text: str, version: str) -> bool:
    """Whether the Range `range_text` admits `version` (the rule DEPENDS_ON ranges follow)."""
    return range_text == ANY or _parsed(range_text).contains(version)


def range_text(version_range: str | None) -> str:
    """The Range key of a declared range (None: no range)."""
    return ANY if version_range is None else version_range


def settle(
    tx: Tx,
    new_versions: Iterable[tuple[str, str]] = (),
    ranges_of: dict[str, list[str]] | None = None,
    pending: Iterable[tuple[str, str]] = (),
) -> int:
    """Write the ADMITS edges a write transaction owes: from each Range in `ranges_of`
    (component -> its Ranges, read under the component's lock) to each of `new_versions`
    (component, version) it admits, and from each Range in `pending` (component, range)
    that this transaction created (others are skipped) to every version of its provider it
    admits. Returns edges written."""
    wanted: dict[tuple[str, str], set[str]] = {}
    for component, version in new_versions:
        for text in (ranges_of or {}).get(component, ()):
            wanted.setdefault((component, text), set())
            if admits(text, version):
                wanted[(component, text)].add(version)
    candidates = [{"component": c, "range": r} for c, r in sorted(set(pending))]
    if candidates:
        _admit_pending(wanted, tx.run("catalog/range_pending", ranges=candidates))
    return _write_admits(tx, wanted)


def settle_pending(tx: Tx, pending: list[dict[str, Any]]) -> int:
    """The ADMITS edges of the Ranges a registration created (`pending`: {component,
    range, versions}, listed under the provider's lock by `catalog/component_create_
    version`); none to write in the common case, where the Ranges existed already."""
    wanted: dict[tuple[str, str], set[str]] = {}
    _admit_pending(wanted, pending)
    return _write_admits(tx, wanted) if wanted else 0


def _admit_pending(wanted: dict[tuple[str, str], set[str]], rows: Iterable[dict[str, Any]]) -> None:
    for row in rows:
        admitted = wanted.setdefault((row["component"], row["range"]), set())
        admitted.update(v for v in row["versions"] if admits(row["range"], v))


def settle_imported(tx: Tx, rows: list[dict[str, Any]]) -> int:
    """`settle` for a batch of imported component versions (`transfer/create_component_
    versions` rows): lock their components and read their Ranges, and settle the Ranges
    the batch declared that are still pending."""
    names = sorted({row["component"] for row in rows})
    ranges_of = {
        row["component"]: row["ranges"]
        for row in tx.run("catalog/component_ranges", components=names)
    }
    declared = {
        (dependency["component"], range_text(dependency["edge"].get("range")))
        for row in rows
        for dependency in row["dependencies"]
    }
    return settle(
        tx,
        new_versions=[(row["component"], row["props"]["version"]) for row in rows],
        ranges_of=ranges_of,
        pending=declared,
    )


def _write_admits(tx: Tx, wanted: dict[tuple[str, str], set[str]]) -> int:
    written = 0
    batch: list[dict[str, Any]] = []
    size = 0
    for (component, text), versions in sorted(wanted.items()):
        ordered = sorted(versions)
        for start in range(0, max(1, len(ordered)), CHUNK):
            part = ordered[start : start + CHUNK]
            batch.append({"component": component, "range": text, "versions": part})
            size += len(part) + 1
            if size >= CHUNK:
                written += tx.single("catalog/range_admit", ranges=batch)["written"]
                batch, size = [], 0
    if batch:
        written += tx.single("catalog/range_admit", ranges=batch)["written"]
    return written


def rebuild(graph: Graph) -> dict[str, int]:
    """The schema migration to Range nodes: delete any (a migration interrupted half way),
    then build them from every DEPENDS_ON edge, a few provider components per transaction.
    Returns how many providers and ADMITS edges it wrote."""
    while graph.write("admin/range_delete_batch", limit=100)[0]["deleted"]:
        pass
    providers = [row["component"] for row in graph.read("admin/range_providers")]
    admitted = 0
    for start in range(0, len(providers), MIGRATION_COMPONENTS):
        names = providers[start : start + MIGRATION_COMPONENTS]
        admitted += graph.write_tx(lambda tx, names=names: _rebuild_providers(tx, names))
    return {"providers": len(providers), "admits": admitted}


def build_feeds(graph: Graph) -> dict[str, int]:
    """The schema migration to FEEDS edges (version 10), for a graph whose Ranges exist:
    a few provider components' Ranges per transaction; safe to run again. Returns how
    many providers and FEEDS edges it saw."""
    providers = [row["component"] for row in graph.read("admin/range_providers")]
    feeds = 0
    for start in range(0, len(providers), MIGRATION_COMPONENTS):
        names = providers[start : start + MIGRATION_COMPONENTS]
        feeds += graph.write("admin/range_feeds_build", components=names)[0]["feeds"]
    return {"providers": len(providers), "feeds": feeds}


def _rebuild_providers(tx: Tx, names: list[str]) -> int:
    wanted: dict[tuple[str, str], set[str]] = {}
    for row in tx.run("admin/range_build_needs", components=names):
        for text in row["ranges"]:
            wanted[(row["component"], text)] = {v for v in row["versions"] if admits(text, v)}
    return _write_admits(tx, wanted)
