"""Vulnerability records in, exposure reports out.

`import_records` stores a batch of OSV records in one transaction, whole or not at all:
a record already held with the same (or a later) `modified` time is left alone, a newer
one replaces what the older said, and the batch's matches are written with it. The
reports read stored AFFECTS edges: `exposure` (what runs in an environment now, worst
first, and whom to call), `team_exposure` (what a team's components expose in every
environment) and `windows` (for one vulnerability, from when to when each
environment ran an affected version, and whether it did at a time T).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from app.core import times
from app.errors import Invalid, NotFound
from app.graph import Graph, Tx
from app.vulns import matching, osv, vex

#: Most records in one API batch (the CLI sends smaller ones).
MAX_BATCH = 1_000
#: Rows of exposure-now by default, and at most.
DEFAULT_LIMIT = 1_000
MAX_LIMIT = 10_000
FOREVER = datetime.max.replace(tzinfo=UTC)
#: Records stored per query (a record carries its ranges and references).
STORE_CHUNK = 500
#: Most record problems named in one refusal.
MAX_PROBLEMS = 50


def check(raw_records: Any) -> list[osv.Record]:
    """The checked records of a batch, or one `Invalid` naming every bad record and field;
    of two records with one id, the later `modified` is kept."""
    if not isinstance(raw_records, list) or not raw_records:
        raise Invalid("records must be a non-empty list of OSV records", {"records": "empty"})
    if len(raw_records) > MAX_BATCH:
        raise Invalid(
            f"at most {MAX_BATCH} records in one batch, got {len(raw_records)}",
            {"records": [f"at most {MAX_BATCH}"]},
        )
    records: dict[str, osv.Record] = {}
    problems: list[dict[str, Any]] = []
    for index, raw in enumerate(raw_records):
        try:
            record = osv.parse(raw, f"records[{index}]")
        except Invalid as exc:
            problems.append({"index": index, "message": exc.message, **(exc.details or {})})
            continue
        held = records.get(record.id)
        if held is None or _instant(held.modified) < _instant(record.modified):
            records[record.id] = record
    if problems:
        named = "; ".join(p["message"] for p in problems[:3])
        raise Invalid(
            f"{len(problems)} of {len(raw_records)} records are not valid OSV: {named}",
            {"records": problems[:MAX_PROBLEMS]},
        )
    return list(records.values())


def import_records(graph: Graph, raw_records: Any) -> dict[str, int]:
    """Store a batch of OSV records (JSON objects) and their matches; returns how many
    were created, updated, left unchanged, are withdrawn, and the AFFECTS edges written."""
    records = check(raw_records)

    def work(tx: Tx) -> dict[str, int]:
        held = {
            row["id"]: row["modified"] for row in tx.run("vulns/claim", ids=[r.id for r in records])
        }
        fresh = [
            r for r in records if held[r.id] is None or _instant(held[r.id]) < _instant(r.modified)
        ]
        replaced = [r.id for r in fresh if held[r.id] is not None]
        if replaced:
            tx.run("vulns/clear", ids=replaced)
        for start in range(0, len(fresh), STORE_CHUNK):
            tx.run("vulns/store", records=[r.row() for r in fresh[start : start + STORE_CHUNK]])
        return {
            "received": len(raw_records),
            "created": len(fresh) - len(replaced),
            "updated": len(replaced),
            "unchanged": len(records) - len(fresh),
            "withdrawn": sum(1 for r in fresh if r.withdrawn is not None),
            "affects": matching.match_records(tx, fresh),
        }

    return graph.write_tx(work)


def show(graph: Graph, vulnerability: str) -> dict[str, Any]:
    """The records known by `vulnerability` (an OSV id or an alias such as a CVE id)."""
    rows = graph.read("vulns/get", id=vulnerability)
    if not rows:
        raise _unknown(vulnerability)
    for row in rows:
        for entry in row["affected"]:
            entry["ranges"] = json.loads(entry["ranges"])
    statements = vex.history(graph, vulnerability)["statements"]
    return {"query": vulnerability, "records": rows, "statements": statements}


def exposure(
    graph: Graph,
    environment: str,
    team: str | None = None,
    limit: int = DEFAULT_LIMIT,
    all: bool = False,
) -> dict[str, Any]:
    """Which vulnerabilities run in `environment` now, worst first, with the package and
    component version carrying each, since when, the fixed version, whom to call and the
    VEX statement that applies; rows a statement says are `not_affected` are only counted
    unless `all`. The `limit` worst rows, and how many there are."""
    _check_limit(limit)
    rows = graph.read(
        "vulns/exposure_now", environment=environment, team=team, limit=limit, all=all
    )
    if not rows:
        raise NotFound(f"no environment {environment!r}", {"environment": environment})
    return {"environment": environment, "team": team, "all": all, **_counted(rows[0])}


def team_exposure(
    graph: Graph, team: str, limit: int = DEFAULT_LIMIT, all: bool = False
) -> dict[str, Any]:
    """Which vulnerabilities run now in `team`'s components, in every environment (each
    row says which), worst first, with what `exposure` gives for one environment: the
    pager to ring is the team's own; not_affected rows only counted unless `all`."""
    _check_limit(limit)
    rows = graph.read("vulns/exposure_team", team=team, limit=limit, all=all)
    if not rows:
        raise NotFound(f"no team {team!r}", {"team": team})
    return {"team": team, "all": all, **_counted(rows[0])}


def application_exposure(
    graph: Graph,
    application: str,
    version: str,
    environment: str | None = None,
    limit: int = DEFAULT_LIMIT,
    all: bool = False,
) -> dict[str, Any]:
    """The vulnerabilities an application version carries, worst first — with an
    `environment`, what deploying it there would bring: the statements made for that
    environment apply, and each row says since when its component version already runs
    there (null: not yet)."""
    _check_limit(limit)
    rows = graph.read(
        "vulns/exposure_application",
        application=application,
        version=version,
        environment=environment,
        limit=limit,
        all=all,
    )
    if not rows:
        raise _no_application_version(application, version, environment)
    return {**rows[0], "all": all, **_counted(rows[0])}


def component_exposure(
    graph: Graph, component: str, version: str, limit: int = DEFAULT_LIMIT, all: bool = False
) -> dict[str, Any]:
    """The vulnerabilities a component version carries, worst first, with the statements
    made for every environment (a version is not in one)."""
    _check_limit(limit)
    rows = graph.read(
        "vulns/exposure_component_version",
        component=component,
        version=version,
        limit=limit,
        all=all,
    )
    if not rows:
        raise NotFound(
            f"no version {version!r} of component {component!r}",
            {"component": component, "version": version},
        )
    return {**rows[0], "all": all, **_counted(rows[0])}


def plan_exposure(
    graph: Graph, application: str, version: str, environment: str, all: bool = False
) -> dict[str, Any]:
    """What deploying an application version to an environment would do to its exposure:
    the vulnerabilities each added or changed component would introduce, fix or keep."""
    rows = graph.read(
        "vulns/exposure_plan",
        application=application,
        version=version,
        environment=environment,
        all=all,
    )
    if not rows:
        raise _no_application_version(application, version, environment)
    row = rows[0]
    changes = row.pop("changes")
    return {
        **row,
        "all": all,
        **{kind: [c for c in changes if c["change"] == kind] for kind in CHANGES},
    }


#: How a deployment changes a vulnerability's presence, in the order the plan lists them.
CHANGES = ("introduced", "fixed", "kept")


def _check_limit(limit: int) -> None:
    if not 1 <= limit <= MAX_LIMIT:
        raise Invalid(f"limit must be between 1 and {MAX_LIMIT}", {"limit": [str(limit)]})


def _counted(row: dict[str, Any]) -> dict[str, Any]:
    """An exposure report's counts and rows, from its query's row."""
    exposures = row["exposures"]
    return {
        "exposure_count": row["exposure_count"],
        "hidden_count": row["hidden_count"],
        "truncated": row["exposure_count"] > len(exposures),
        "vulnerability_count": len({e["vulnerability"] for e in exposures}),
        "exposures": exposures,
    }


def _no_application_version(application: str, version: str, environment: str | None) -> NotFound:
    where = "" if environment is None else f", or no environment {environment!r}"
    return NotFound(
        f"no version {version!r} of application {application!r}{where}",
        {"application": application, "version": version, "environment": environment},
    )


def windows(graph: Graph, vulnerability: str, at: str | None = None) -> dict[str, Any]:
    """Every environment that ran a version affected by `vulnerability`, from when to
    when (merged across redeployments and components), its total exposure up to now, and —
    given a time `at` — what was exposed at that moment."""
    moment = None
    if at is not None:
        moment = times.parse(at)
        if moment is None:
            raise Invalid(f"at {times.PROBLEM}", {"at": [times.PROBLEM]})
    found = graph.read("vulns/windows", id=vulnerability)
    if not found:
        raise _unknown(vulnerability)
    stretches = found[0]["windows"]
    now = datetime.now(UTC)
    environments: dict[str, dict[str, Any]] = {}
    for row in stretches:
        place = environments.setdefault(
            row["environment"],
            {"environment": row["environment"], "stage": row["stage"], "spans": []},
        )
        place["spans"].append((_instant(row["from"]), _until(row["until"], now)))
    summary = []
    for place in environments.values():
        merged = _merge(place.pop("spans"))
        summary.append(
            {
                **place,
                "windows": [
                    {"from": times.parsed_text(a), "until": _open_or(b, now)} for a, b in merged
                ],
                "exposed_seconds": int(sum((b - a).total_seconds() for a, b in merged)),
                "exposed_now": any(b == now for _, b in merged),
            }
        )
    result: dict[str, Any] = {
        "query": vulnerability,
        "running": _running(stretches),
        "vulnerabilities": found[0]["vulnerabilities"],
        "at": None if moment is None else times.parsed_text(moment.astimezone(UTC)),
        "environments": summary,
        "windows": stretches,
    }
    if moment is not None:
        result["exposed_at"] = [
            row
            for row in stretches
            if _instant(row["from"]) <= moment < _until(row["until"], FOREVER)
        ]
    return result


def _running(stretches: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The stretches still open, each with `since`: when that version started running there
    without interruption (a redeployment of the same version continues a stretch)."""
    running, since, previous = [], None, None
    for row in stretches:  # ordered by environment, component, from
        continues = (
            previous is not None
            and (previous["environment"], previous["component"], previous["version"])
            == (row["environment"], row["component"], row["version"])
            and previous["until"] == row["from"]
        )
        since = since if continues else row["from"]
        if row["until"] is None:
            running.append({**row, "since": since})
        previous = row
    return running


def _merge(spans: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    """The union of time spans, as disjoint spans in order."""
    merged: list[list[datetime]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(a, b) for a, b in merged]


def _instant(text: str) -> datetime:
    return times.parse(text).astimezone(UTC)


def _until(text: str | None, open_end: datetime) -> datetime:
    return open_end if text is None else _instant(text)


def _open_or(end: datetime, now: datetime) -> str | None:
    """A window's end as text, None for one still open (it ends `now`)."""
    return None if end == now else times.parsed_text(end)


def _unknown(vulnerability: str) -> NotFound:
    return NotFound(
        f"no vulnerability known as {vulnerability!r} (import its OSV record first)",
        {"vulnerability": vulnerability},
    )
