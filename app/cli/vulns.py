"""`mercator vuln ...`: import OSV records offline, and ask what is exposed where."""

from __future__ import annotations

import json
from typing import Any

import click

from app.cli.base import Context, cli, pass_context
from app.cli.output import as_json, emit_record, output_option
from app.errors import Invalid
from app.vulns import osv, sources, vulnerabilities

#: Records per request: well under the API's body limit for ordinary records.
BATCH = 200
BATCH_BYTES = 4 * 1024 * 1024
#: Skipped records named one by one on stderr; the rest are only counted.
SHOWN_SKIPS = 20

COLUMNS = {
    "exposures": [
        "vulnerability",
        "score",
        "package",
        "fixed",
        "component",
        "version",
        "since",
        "team",
        "pager",
    ],
    "windows": ["environment", "component", "version", "from", "until", "team", "pager"],
    "exposed_at": ["environment", "component", "version", "from", "until", "team", "pager"],
    "environments": ["environment", "stage", "exposed_now", "exposed_days", "windows"],
    "records": ["id", "aliases", "score", "rating", "summary", "modified", "withdrawn"],
}


@cli.group()
def vuln() -> None:
    """Known vulnerabilities (OSV records) and where they run."""


@vuln.command("import")
@click.argument("path", type=click.Path(exists=True))
@output_option
@pass_context
def vuln_import(state: Context, path: str, output: str) -> None:
    """Import the OSV records in PATH: a JSON file, a folder (searched recursively) or a
    zip archive such as osv.dev's per-ecosystem all.zip. Records already held with the
    same `modified` time change nothing. Bad records are skipped and named, the rest are
    imported; the exit code then says some were skipped."""
    totals = {"received": 0, "created": 0, "updated": 0, "unchanged": 0, "withdrawn": 0}
    totals["affects"] = 0
    skipped: list[tuple[str, str]] = []
    batch: list[dict[str, Any]] = []
    size = 0

    def send() -> None:
        nonlocal batch, size
        if batch:
            for key, value in state.catalog.import_vulnerabilities(batch).items():
                totals[key] += value
        batch, size = [], 0

    for found in sources.read(path):
        if found.problem:
            skipped.append((found.origin, found.problem))
            continue
        try:
            osv.parse(found.record, found.origin)
        except Invalid as exc:
            skipped.append((found.origin, exc.message))
            continue
        batch.append(found.record)
        size += len(json.dumps(found.record))
        if len(batch) >= BATCH or size >= BATCH_BYTES:
            send()
    send()
    for origin, problem in skipped[:SHOWN_SKIPS]:
        click.echo(f"skipped {origin}: {problem}", err=True)
    if len(skipped) > SHOWN_SKIPS:
        click.echo(f"... and {len(skipped) - SHOWN_SKIPS} more skipped", err=True)
    emit_record({**totals, "skipped": len(skipped)}, output)
    if skipped:
        raise Invalid(f"{len(skipped)} records skipped (named above); the others were imported")


@vuln.command("show")
@click.argument("vulnerability")
@output_option
@pass_context
def vuln_show(state: Context, vulnerability: str, output: str) -> None:
    """The OSV records known as VULNERABILITY (an OSV id, or an alias such as a CVE id)
    and the packages each affects."""
    result = state.catalog.report("vulnerability", vulnerability=vulnerability)
    if output == "json":
        click.echo(as_json(result))
        return
    for record in result["records"]:
        packages = record.pop("packages")
        affected = record.pop("affected")
        record.pop("details")
        emit_record(record, output)
        click.echo("\naffected:")
        for entry in affected:
            spans = "; ".join(
                f"{r['type']} " + " ".join(f"{kind} {v}" for kind, v in r["events"])
                for r in entry["ranges"]
            )
            listed = f" versions {', '.join(entry['versions'])}" if entry["versions"] else ""
            click.echo(f"  {entry['ecosystem']} {entry['name']}: {spans}{listed}")
        emit_record({"packages": packages}, output)
        click.echo()


@vuln.command("exposure")
@click.option("--environment", "-e", required=True, help="The environment to look at.")
@click.option("--team", help="Only the components this team owns.")
@click.option(
    "--limit",
    type=click.IntRange(1, vulnerabilities.MAX_LIMIT),
    default=vulnerabilities.DEFAULT_LIMIT,
    show_default=True,
    help="Most rows listed (the worst first).",
)
@output_option
@pass_context
def vuln_exposure(
    state: Context, environment: str, team: str | None, limit: int, output: str
) -> None:
    """The vulnerabilities in what ENVIRONMENT runs now, worst first (by CVSS score, then
    the longest running), with the package, component version, since when, the fixed
    version and the team's pager."""
    result = state.catalog.report("exposure", environment=environment, team=team, limit=limit)
    emit_record(result, output, COLUMNS)


@vuln.command("windows")
@click.argument("vulnerability")
@click.option("--at", help="Also say what was exposed at this time (ISO 8601).")
@output_option
@pass_context
def vuln_windows(state: Context, vulnerability: str, at: str | None, output: str) -> None:
    """Exposure windows of VULNERABILITY (OSV id or alias): every environment that ran an
    affected version, from when to when, and for how long in total; with --at, what was
    exposed at that time."""
    result = state.catalog.report("windows", vulnerability=vulnerability, at=at)
    if output == "table":
        for place in result["environments"]:
            place["exposed_days"] = round(place.pop("exposed_seconds") / 86_400, 2)
            place["windows"] = ", ".join(
                f"{w['from']} - {w['until'] or 'now'}" for w in place["windows"]
            )
    emit_record(result, output, COLUMNS)
