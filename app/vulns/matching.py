"""Stored matches: `(Vulnerability)-[:AFFECTS {range, record, where, fixed}]->(Package)`.

Ranges are evaluated here, in Python with each ecosystem's version rules, at the two
moments something new can match: when records are stored (against every package with
their keys) and when an SBOM brings packages the graph has not seen (against every record
in force). Reports then follow edges and never compare versions. Both run inside the
caller's transaction, so a record or an SBOM and its matches commit together.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from app.graph import Tx
from app.vulns import ecosystems, osv

#: Rows per query inside one transaction (bounds query memory).
CHUNK = 5_000


def match_records(tx: Tx, records: Iterable[osv.Record]) -> int:
    """AFFECTS edges from freshly stored records (withdrawn ones excepted) to the packages
    they admit; returns how many were written."""
    key_packages(tx, None)
    entries = [(r.id, r.modified, a) for r in records if r.withdrawn is None for a in r.affected]
    keys = sorted({a.key for _, _, a in entries})
    holders: dict[str, list[str]] = defaultdict(list)
    for start in range(0, len(keys), CHUNK):
        for row in tx.run("vulns/packages_for_keys", keys=keys[start : start + CHUNK]):
            holders[row["key"]].append(row["purl"])
    return _write(tx, _edges((i, m, a, holders[a.key]) for i, m, a in entries))


def match_packages(tx: Tx, purls: list[str]) -> int:
    """Key the packages among `purls` that the graph has not matched yet and write the
    AFFECTS edges the records in force give them; returns how many were written. A package
    already keyed was matched when it (or a record) arrived, so it costs one lookup."""
    fresh = key_packages(tx, purls)
    by_key: dict[str, list[str]] = defaultdict(list)
    for purl, key in fresh.items():
        if key:
            by_key[key].append(purl)
    if not by_key:
        return 0
    keys = sorted(by_key)
    found = []
    for start in range(0, len(keys), CHUNK):
        for row in tx.run("vulns/affected_for_keys", keys=keys[start : start + CHUNK]):
            found.append((row["id"], row["modified"], osv.affected_of_row(row), by_key[row["key"]]))
    return _write(tx, _edges(found))


def key_packages(tx: Tx, purls: list[str] | None) -> dict[str, str]:
    """Give each unkeyed package among `purls` (None: in the graph) its ecosystem key;
    returns {purl: key} of those keyed now."""
    unkeyed = [row["purl"] for row in tx.run("vulns/unkeyed_packages", purls=purls)]
    keyed = {purl: ecosystems.of_purl(purl)[0] for purl in unkeyed}
    rows = [{"purl": purl, "key": key} for purl, key in keyed.items()]
    for start in range(0, len(rows), CHUNK):
        tx.run("vulns/set_package_keys", packages=rows[start : start + CHUNK])
    return keyed


def _edges(found: Iterable[tuple[str, str, osv.Affected, list[str]]]) -> list[dict]:
    """One edge per (record, package): the first entry of the record that admits it."""
    edges: dict[tuple[str, str], dict] = {}
    for record_id, modified, affected, purls in found:
        for purl in purls:
            version = ecosystems.of_purl(purl)[1]
            if version is None or (record_id, purl) in edges:
                continue
            admitted = affected.admits(version)
            if admitted:
                label, fixed, where = admitted
                edges[(record_id, purl)] = {
                    "id": record_id,
                    "purl": purl,
                    "range": label,
                    "record": f"{record_id}@{modified}",
                    "where": where,
                    "fixed": fixed,
                }
    return list(edges.values())


def _write(tx: Tx, edges: list[dict]) -> int:
    for start in range(0, len(edges), CHUNK):
        tx.run("vulns/affect", edges=edges[start : start + CHUNK])
    return len(edges)
