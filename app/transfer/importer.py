"""Import: check a whole document (`app.transfer.checks`), then write it.

It writes kind by kind (teams, environments, components, component versions,
applications, application versions, deployments, runs), in UNWIND batches of
`batch_size` records, one transaction per batch. Merging into a graph that holds some of
the records:

- teams, environments, components and applications are merged on their names: a new one
  keeps the document's `created_at`; the details and owner the document gives replace the
  graph's, a null one keeps the graph's;
- component versions, application versions and deployments already in the graph (and
  equal, by the checks) are left as they are; new versions are appended after their
  parent's latest version, in document order. Nothing is derived: the document's
  application versions are the only ones imported;
- a run replaces the environment's `RUNS` edge to another version of that component unless
  that edge is more recent (`since`), the rule deployments follow.

So importing the same document twice changes nothing the second time. A failure while
writing (Neo4j gone) leaves the batches before it committed; importing the same document
again completes the import. Imports should not race with registrations of the same
components: a version registered between the checks and the writes makes its batch fail
whole (Neo4j's uniqueness constraint) rather than be overwritten or doubled.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from app.catalog import ranges
from app.catalog.registration import Registration, dependency_edges
from app.core import times
from app.core.records import IMMUTABLE_FIELDS
from app.errors import Conflict, Invalid
from app.graph import Graph, Tx
from app.transfer import checks
from app.transfer.format import (
    APPLICATION_VERSIONS,
    APPLICATIONS,
    COMPONENT_VERSIONS,
    COMPONENTS,
    DEPLOYMENTS,
    ENVIRONMENTS,
    KINDS_IN_ORDER,
    RUNS,
    TEAMS,
    TIME_FIELDS,
    Key,
    Kind,
    fields_of,
)

#: Records written per transaction: the hand-batched floor's size (benchmarks/unwind_floor.py),
#: where a transaction's fixed cost (its commit, the batch's lock and Range reads) is small
#: against its rows; 100,000 component versions import in twenty transactions, each well
#: inside the default heap.
DEFAULT_BATCH_SIZE = 5000

#: `progress(kind, done, total)`: called before the first and after every batch of a kind.
Progress = Callable[[str, int, int], None]
Writer = Callable[[Tx, list[dict[str, Any]]], None]  # writes one batch of rows


# -- what to write ----------------------------------------------------------------------
@dataclass(frozen=True)
class Plan:
    """The rows to write of one kind; how many of its records are new, and how many the
    graph already held (merged kinds write those too, the others leave them alone)."""

    rows: list[dict[str, Any]]
    created: int
    existing: int


def _row(kind: Kind, record: dict[str, Any]) -> dict[str, Any]:
    """A record as the write queries take it: every field present, times in the ISO form
    Neo4j parses (the document may use any form `times.parse` accepts)."""
    return {
        name: _time(record.get(name)) if name in TIME_FIELDS else record.get(name)
        for name in fields_of(kind.name)
    }


def _time(value: str | None) -> str | None:
    return None if value is None else times.parse(value).isoformat()


def _merged(kind: Kind, records: list[dict[str, Any]], existing: dict[Key, dict[str, Any]]) -> Plan:
    """Teams, environments, components, applications: every record is merged."""
    held = sum(kind.key_of(record) in existing for record in records)
    return Plan([_row(kind, record) for record in records], len(records) - held, held)


def _appended(
    kind: Kind,
    parent: Kind,
    records: list[dict[str, Any]],
    existing: dict[str, dict[Key, dict[str, Any]]],
) -> Plan:
    """Versions the graph does not hold yet, each numbered after its parent's latest version
    (the graph's, or the one before it in the document): `seq` and `previous`."""
    parent_field = kind.key[0]
    latest: dict[str, tuple[str | None, int]] = {}
    rows = []
    for record in records:
        if kind.key_of(record) in existing[kind.name]:
            continue
        name = record[parent_field]
        if name not in latest:
            held = existing[parent.name].get((name,)) or {}
            latest[name] = (held.get("latest_version"), held.get("version_count") or 0)
        previous, count = latest[name]
        rows.append({**_row(kind, record), "seq": count + 1, "previous": previous})
        latest[name] = (record["version"], count + 1)
    return _written_or_held(rows, records)


def _new(kind: Kind, records: list[dict[str, Any]], existing: dict[Key, dict[str, Any]]) -> Plan:
    """Deployments the graph does not hold yet."""
    rows = [_row(kind, record) for record in records if kind.key_of(record) not in existing]
    return _written_or_held(rows, records)


def _moved(records: list[dict[str, Any]], existing: dict[Key, dict[str, Any]]) -> Plan:
    """Runs that change the inventory: not already there, and not older than what is."""
    rows = [
        _row(RUNS, record)
        for record in records
        if not _run_is_kept(record, existing.get(RUNS.key_of(record)))
    ]
    return _written_or_held(rows, records)


def _written_or_held(rows: list[dict[str, Any]], records: list[dict[str, Any]]) -> Plan:
    """The plan of a kind whose records are either written or left as the graph holds them."""
    return Plan(rows, len(rows), len(records) - len(rows))


def _run_is_kept(run: dict[str, Any], held: dict[str, Any] | None) -> bool:
    """Whether the graph's RUNS edge stays: it is this run, or a more recent one."""
    if held is None:
        return False
    given, since = times.parse(run["since"]), times.parse(held["since"])
    same = (held["version"], held["deployment"]) == (run["version"], run["deployment"])
    return since > given or (same and since == given)


def _plans(
    lists: dict[str, list[dict[str, Any]]], existing: dict[str, dict[Key, dict[str, Any]]]
) -> dict[str, Plan]:
    return {
        **{
            kind.name: _merged(kind, lists[kind.name], existing[kind.name])
            for kind in (TEAMS, ENVIRONMENTS, COMPONENTS, APPLICATIONS)
        },
        "component_versions": _appended(
            COMPONENT_VERSIONS, COMPONENTS, lists["component_versions"], existing
        ),
        "application_versions": _appended(
            APPLICATION_VERSIONS, APPLICATIONS, lists["application_versions"], existing
        ),
        "deployments": _new(DEPLOYMENTS, lists["deployments"], existing["deployments"]),
        "runs": _moved(lists["runs"], existing["runs"]),
    }


# -- writing ----------------------------------------------------------------------------
def _write_all(tx: Tx, query: str, rows: list[dict[str, Any]]) -> None:
    """Run a write query over `rows` and insist that it wrote every one: a row whose
    parent vanished since the checks would otherwise be dropped without a word."""
    written = tx.single(query, rows=rows)["written"]
    if written != len(rows):
        raise Conflict(
            f"the catalog changed during the import ({query} wrote {written} of "
            f"{len(rows)}); import the document again",
            {"query": query},
        )


def _writing(query: str) -> Writer:
    return lambda tx, rows: _write_all(tx, query, rows)


def _versions_writer(
    kind: Kind,
    create: str,
    link: str,
    props: Callable[[dict[str, Any]], dict[str, Any]],
    settle: Callable[[Tx, list[dict[str, Any]]], object] | None = None,
) -> Writer:
    """Write a batch of new versions, then their PREVIOUS edges (a predecessor may be in the
    same batch). The last version of each parent in the batch becomes its latest."""
    parent_field = kind.key[0]

    def write(tx: Tx, rows: list[dict[str, Any]]) -> None:
        last = {row[parent_field]: index for index, row in enumerate(rows)}
        created = [
            {**props(row), "latest": last[row[parent_field]] == index}
            for index, row in enumerate(rows)
        ]
        _write_all(tx, create, created)
        links = [
            {
                parent_field: row[parent_field],
                "version": row["version"],
                "previous": row["previous"],
            }
            for row in rows
            if row["previous"] is not None
        ]
        if links:
            _write_all(tx, link, links)
        if settle:
            settle(tx, created)

    return write


def _component_version_props(row: dict[str, Any]) -> dict[str, Any]:
    """The node's and its DEPENDS_ON edges' properties exactly as registration stores them
    (attributes as `attr.*`, and what registration derives, such as sortable version keys)."""
    fields = {name: row[name] for name in ("component", "version", "build_url", *IMMUTABLE_FIELDS)}
    registration = Registration(**fields, attributes=row["attributes"] or {})
    props = registration.properties()
    if row["registered_by"] is not None:
        props["registered_by"] = row["registered_by"]
    ranges = {item["component"]: item.get("range") for item in row["dependencies"] or []}
    return {
        "component": row["component"],
        "props": props,
        "seq": row["seq"],
        "created_at": row["created_at"],
        "dependencies": dependency_edges(ranges),
    }


def _application_version_props(row: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in row.items() if key != "previous"}


def _write_runs(tx: Tx, rows: list[dict[str, Any]]) -> None:
    """Runs go through the query deployments use (`deploy/move_runs`), so the inventory
    follows one rule however it was built; a batch holds one run per environment and
    component (the kind's key), so one statement moves them all."""
    tx.run(
        "deploy/move_runs",
        runs=[{key: row[key] for key in ("environment", "component", "version", "deployment",
                                         "since")} for row in rows],
    )


def _write_deployments(tx: Tx, rows: list[dict[str, Any]]) -> None:
    """The batch's deployments, then the `DEPLOYED_NOW` edges the succeeded ones move."""
    _write_all(tx, "transfer/create_deployments", rows)
    tx.run(
        "deploy/move_deployed_now",
        deployments=[row["id"] for row in rows if row["status"] == "succeeded"],
    )


WRITERS: dict[str, Writer] = {
    "teams": _writing("transfer/merge_teams"),
    "environments": _writing("transfer/merge_environments"),
    "components": _writing("transfer/merge_components"),
    "component_versions": _versions_writer(
        COMPONENT_VERSIONS,
        "transfer/create_component_versions",
        "transfer/link_component_versions",
        _component_version_props,
        ranges.settle_imported,  # the ADMITS edges of the batch's versions and Ranges
    ),
    "applications": _writing("transfer/merge_applications"),
    "application_versions": _versions_writer(
        APPLICATION_VERSIONS,
        "transfer/create_application_versions",
        "transfer/link_application_versions",
        _application_version_props,
    ),
    "deployments": _write_deployments,
    "runs": _write_runs,
}


def _write(
    graph: Graph, kind: Kind, rows: list[dict[str, Any]], batch_size: int, progress: Progress | None
) -> None:
    """Write one kind in batches, one transaction each, reporting progress."""
    write = WRITERS[kind.name]
    total = len(rows)
    if progress:
        progress(kind.name, 0, total)
    for start in range(0, total, batch_size):
        batch = rows[start : start + batch_size]
        graph.write_tx(lambda tx, batch=batch: write(tx, batch))
        if progress:
            progress(kind.name, start + len(batch), total)


def import_catalog(
    graph: Graph,
    document: dict[str, Any],
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: Progress | None = None,
) -> dict[str, dict[str, int]]:
    """Import a document: check all of it (`app.transfer.checks`), then write it in
    batches of `batch_size` records, one transaction per batch.

    Returns, per kind, how many records were ``created`` (written: new records, and runs
    that moved the inventory) and how many the graph already held (``existing``: left as
    they are, or merged for teams, environments, components and applications). Raises
    `Invalid` or `Conflict`, naming the positions, before writing anything."""
    if batch_size < 1:
        raise Invalid("batch_size must be at least 1", {"batch_size": [str(batch_size)]})
    lists = checks.checked(document)
    references = list(checks.references(lists))
    existing = checks.existing(graph, lists, references)
    checks.check_references(lists, references, existing)
    checks.check_conflicts(lists, existing)
    plans = _plans(lists, existing)
    for kind in KINDS_IN_ORDER:
        _write(graph, kind, plans[kind.name].rows, batch_size, progress)
    return {
        kind.name: {"created": plans[kind.name].created, "existing": plans[kind.name].existing}
        for kind in KINDS_IN_ORDER
    }
