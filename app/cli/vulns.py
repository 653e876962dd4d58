"""`mercator vuln ...`: import OSV records offline, and ask what is exposed where."""

from __future__ import annotations

import json
from typing import Any

import click

from app.cli.base import Context, cli, pass_context
from app.cli.output import as_json, emit_record, output_option
from app.errors import Invalid
from app.vulns import osv, sources, vex, vulnerabilities

#: Records per request: well under the API's body limit for ordinary records.
BATCH = 200
BATCH_BYTES = 4 * 1024 * 1024
#: Skipped records named one by one on stderr; the rest are only counted.
SHOWN_SKIPS = 20
PLAN_COLUMNS = ["vulnerability", "score", "component", "from", "to", "packages", "pager", "vex"]

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
        "vex",
    ],
    "introduced": PLAN_COLUMNS,
    "fixed": PLAN_COLUMNS,
    "kept": PLAN_COLUMNS,
    "statements": [
        "current",
        "vulnerability",
        "component",
        "version",
        "package",
        "environment",
        "status",
        "justification",
        "at",
        "actor",
    ],
    "windows": ["environment", "component", "version", "from", "until", "team", "pager"],
    "running": ["environment", "component", "version", "since", "team", "pager"],
    "exposed_at": ["environment", "component", "version", "from", "until", "team", "pager"],
    "environments": ["environment", "stage", "exposed_now", "exposed_days", "windows"],
    "records": ["id", "aliases", "score", "rating", "summary", "modified", "withdrawn"],
}


#: A team's exposure spans environments: each row says which.
TEAM_COLUMNS = [*COLUMNS["exposures"][:4], "environment", *COLUMNS["exposures"][4:]]


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
    emit_record({"statements": result["statements"]}, output, COLUMNS)


all_option = click.option(
    "--all",
    "everything",
    is_flag=True,
    help="Also list what a VEX statement says is not_affected.",
)


@vuln.command("exposure")
@click.option("--environment", "-e", help="The environment to look at.")
@click.option("--application", "-a", help="An application version's exposure instead ...")
@click.option("--component", "-c", help="A component version's exposure instead ...")
@click.option("--version", "-v", "app_version", help="... at this version (with either).")
@click.option(
    "--team",
    help="Only the components this team owns: in --environment, or without it in every "
    "environment (each row says which).",
)
@click.option(
    "--limit",
    type=click.IntRange(1, vulnerabilities.MAX_LIMIT),
    default=vulnerabilities.DEFAULT_LIMIT,
    show_default=True,
    help="Most rows listed (the worst first).",
)
@all_option
@output_option
@pass_context
def vuln_exposure(
    state: Context,
    environment: str | None,
    application: str | None,
    component: str | None,
    app_version: str | None,
    team: str | None,
    limit: int,
    everything: bool,
    output: str,
) -> None:
    """The vulnerabilities in what --environment runs now, worst first (by CVSS score,
    then the longest running), with the package, component version, since when, the fixed
    version, the team's pager and the VEX status that applies; not_affected rows only with
    --all. With --team alone: that team's components in every environment, each row
    saying which. With --application and --version: what that application version
    carries (and, with --environment too, would bring there). With --component and
    --version: what that component version carries, with the statements made for every
    environment."""
    if application is not None and component is not None:
        raise click.UsageError("give --application or --component, not both")
    columns = COLUMNS
    if (application is None and component is None) != (app_version is None):
        raise click.UsageError("--version goes with --application or --component")
    if component is not None:
        if environment is not None or team is not None:
            raise click.UsageError("--component goes with --version alone")
        result = state.catalog.report(
            "component_exposure", component=component, version=app_version, limit=limit,
            all=everything,
        )
    elif application is None and environment is None:
        if team is None:
            raise click.UsageError(
                "give --environment, --team, or --application (or --component) and --version"
            )
        result = state.catalog.report("team_exposure", team=team, limit=limit, all=everything)
        columns = {**COLUMNS, "exposures": TEAM_COLUMNS}
    elif application is None:
        result = state.catalog.report(
            "exposure", environment=environment, team=team, limit=limit, all=everything
        )
    else:
        if team is not None:
            raise click.UsageError("--team goes with --environment, or alone")
        result = state.catalog.report(
            "application_exposure",
            application=application,
            version=app_version,
            environment=environment,
            limit=limit,
            all=everything,
        )
    if output == "table":
        for row in result["exposures"]:
            row["vex"] = _status(row["vex"])
    emit_record(result, output, columns)


@vuln.command("plan")
@click.argument("application")
@click.argument("version")
@click.option("--environment", "-e", required=True, help="Where it would be deployed.")
@all_option
@output_option
@pass_context
def vuln_plan(
    state: Context, application: str, version: str, environment: str, everything: bool, output: str
) -> None:
    """What deploying APPLICATION VERSION to --environment would do to its exposure: the
    vulnerabilities each added or changed component would introduce, fix or keep."""
    result = state.catalog.report(
        "plan_exposure",
        application=application,
        version=version,
        environment=environment,
        all=everything,
    )
    if output == "table":
        for kind in vulnerabilities.CHANGES:
            for row in result[kind]:
                row["vex"] = _status(row["vex"])
                row["packages"] = " ".join(hit["purl"] for hit in row["packages"])
    emit_record(result, output, COLUMNS)


def _status(statement: dict[str, Any] | None) -> str:
    """A VEX statement in one table cell: its status and why."""
    if statement is None:
        return ""
    why = statement["justification"] or statement["detail"] or ""
    return f"{statement['status']} ({why})" if why else statement["status"]


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


@vuln.group("vex")
def vuln_vex() -> None:
    """VEX statements: what was found about a vulnerability in a component or package."""


@vuln_vex.command("set")
@click.argument("vulnerability")
@click.option("--component", "-c", help="The component (or give --package alone).")
@click.option("--version", "-v", "version", help="Omitted: every version of the component.")
@click.option(
    "--package",
    "-p",
    help="A package purl: the statement holds where it is contained (in --component only, "
    "when given).",
)
@click.option("--environment", "-e", help="Omitted: every environment.")
@click.option("--status", required=True, type=click.Choice(vex.STATUSES))
@click.option("--justification", type=click.Choice(vex.JUSTIFICATIONS))
@click.option("--detail", help="Why, in words (required for not_affected without a justification).")
@click.option("--at", help="When it was said (ISO 8601; default: now).")
@output_option
@pass_context
def vex_set(state: Context, vulnerability: str, output: str, **fields: Any) -> None:
    """Record a statement about VULNERABILITY (OSV id or alias) in a component or one of
    its versions, a package wherever it is contained, or a package in a component; a
    later statement about the same subject takes over, the earlier stays in the history."""
    statement = {"vulnerability": vulnerability}
    statement.update({k: v for k, v in fields.items() if v is not None})
    emit_record(state.catalog.set_vex_statements([statement]), output)


@vuln_vex.command("import")
@click.argument("path", type=click.File("rb"))
@click.option("--environment", "-e", help="The statements hold in this environment only.")
@output_option
@pass_context
def vex_import(state: Context, path, environment: str | None, output: str) -> None:
    """Record the statements of the VEX document at PATH (- for stdin), CycloneDX or
    OpenVEX: a CycloneDX document's analyses about the component versions its `affects`
    refs name, an OpenVEX document's statements about the packages and component
    versions its product purls name; all or nothing."""
    try:
        document = json.loads(path.read())
    except (ValueError, UnicodeDecodeError) as exc:
        raise Invalid(f"{path.name} is not JSON: {exc}", {"document": [str(exc)]}) from None
    emit_record(state.catalog.import_vex(document, environment), output)


@vuln_vex.command("export")
@click.argument("application")
@click.argument("version")
@click.argument("output", type=click.File("w", encoding="utf-8"), default="-")
@click.option("--environment", "-e", help="Apply the statements made for this environment too.")
@pass_context
def vex_export(state: Context, application: str, version: str, output, environment) -> None:
    """Write APPLICATION VERSION's vulnerabilities with their analysis states as a
    CycloneDX 1.6 VEX document to OUTPUT (default: stdout)."""
    document = state.catalog.report(
        "vex", application=application, version=version, environment=environment
    )
    output.write(json.dumps(document, indent=2) + "\n")


@vuln_vex.command("list")
@click.argument("vulnerability")
@click.option("--component", "-c", help="Only the statements about this component.")
@output_option
@pass_context
def vex_list(state: Context, vulnerability: str, component: str | None, output: str) -> None:
    """Every statement about VULNERABILITY (by any of its names), newest first for each
    subject; `current` marks the one in force."""
    result = state.catalog.report("statements", vulnerability=vulnerability, component=component)
    emit_record(result, output, COLUMNS)
