"""`mercator report ...`: the reports in a terminal, as tables, JSON or CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

import click

from app.cli.base import Context, cli, pass_context
from app.cli.output import as_json, emit_record, table
from app.core import paging
from app.core.records import STAGES
from app.reports import maps
from app.reports import reports as report_rules

FORMATS = ("table", "json", "csv")


#: The rows `--output csv` prints for each report: its main list.
CSV_ROWS: dict[str, Callable[[dict[str, Any]], list[dict[str, Any]]]] = {
    "bom_application": lambda r: r["components"],
    "bom_component": lambda r: r["dependencies"],
    "blast_radius": lambda r: r["consumers"],
    "diff_applications": lambda r: [_flat_change(c) for c in r["changed"]],
    "diff_components": lambda r: r["fields"],
    "diff_environments": lambda r: r["different"],
    "plan": lambda r: r["change"] + r["add"],
    "inventory": lambda r: r["running"],
    "package_blast_radius": lambda r: r["component_versions"],
    "where": lambda r: [
        {"environment": p["environment"], **h} for p in r["environments"] for h in p["history"]
    ],
}

#: Column order of the tables people read (Cypher maps have no key order).
COLUMNS = {
    "components": ["component", "version", "kind", "owner", "image", "git_commit"],
    "external_dependencies": ["component", "kind", "owner", "required_by"],
    "packages": ["purl", "name", "version", "ecosystem", "licenses", "brought_by"],
    "dependencies": ["component", "range", "kind", "owner"],
    "consumers": ["component", "version", "distance", "latest", "path"],
    "applications": ["application", "version", "latest", "deployed_in"],
    "environments": ["environment", "stage", "affected", "running"],
    "teams": ["team", "email", "chat", "pager", "owns"],
    "changed": ["component", "from", "to", "fields", "attributes", "dependencies", "packages"],
    "added": ["component", "version"],
    "removed": ["component", "version"],
    "different": ["component", "left", "right"],
    "only_left": ["component", "version"],
    "only_right": ["component", "version"],
    "change": ["component", "from", "to"],
    "add": ["component", "version"],
    "unchanged": ["component", "version"],
    "untouched": ["component", "version"],
    "running": ["component", "version", "since", "deployment", "kind", "owner"],
    "fields": ["field", "from", "to"],
    "component_versions": ["package", "component", "version", "via", "scope", "hops"],
}

output_option = click.option(
    "--output",
    "-o",
    type=click.Choice(FORMATS),
    default="table",
    show_default=True,
    help="table for people, json for programs, csv for spreadsheets (the main list only).",
)


#: One direction for a dependency path everywhere (tables, CSV, the web): the changed
#: component first, each next one a consumer of the one before.
PATH_ARROW = " → "


def _emit(
    name: str, report: dict[str, Any], output: str, columns: dict[str, list[str]] | None = None
) -> None:
    if output == "json":
        click.echo(as_json(report))
    elif output == "csv":
        click.echo(_csv(CSV_ROWS[name](report)), nl=False)
    else:
        emit_record(report, output, {**COLUMNS, **(columns or {})})


#: Column order in CSV: the table columns first, in their order, then the rest by name.
_PREFERRED = list(dict.fromkeys(column for shown in COLUMNS.values() for column in shown))


def _csv(rows: list[dict[str, Any]]) -> str:
    keys = {key for row in rows for key in row}
    columns = sorted(
        keys, key=lambda k: (_PREFERRED.index(k) if k in _PREFERRED else len(_PREFERRED), k)
    )
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _plain(v, k) for k, v in row.items()})
    return buffer.getvalue()


def _plain(value: Any, key: str | None = None) -> str:
    """A CSV cell as a spreadsheet reader expects it: text, not JSON — a path joined by
    PATH_ARROW, other lists by commas, a map as `key=value`, booleans as true/false."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return (PATH_ARROW if key == "path" else ", ").join(_plain(item) for item in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}={_plain(v, k)}" for k, v in value.items())
    return str(value)


def _readable_impact(result: dict[str, Any]) -> None:
    """Lists inside a blast radius's table cells, joined for reading."""
    for application in result["applications"]:
        application["deployed_in"] = ", ".join(application["deployed_in"]) or "-"
    for team in result["teams"]:
        team["owns"] = ", ".join(team["owns"])
    for place in result["environments"]:
        shown = ", ".join(f"{r['component']} {r['version']}" for r in place["running"])
        place["running"] = shown + (
            f" and {place['affected'] - len(place['running'])} more" if place["truncated"] else ""
        )


def _run(state: Context, name: str, output: str, **params: Any) -> None:
    _emit(name, state.catalog.report(name, **params), output)


@cli.group()
def report() -> None:
    """Bill of materials, blast radius, differences and inventory."""


@report.command("bom")
@click.argument("name")
@click.argument("version")
@click.option(
    "--component",
    "of_component",
    is_flag=True,
    help="NAME is a component: the BOM of one component version.",
)
@output_option
@pass_context
def bom(state: Context, name: str, version: str, of_component: bool, output: str) -> None:
    """Bill of materials of application NAME at VERSION (or, with --component, of a
    component version): components, external dependencies, packages."""
    if of_component:
        result = state.catalog.report("bom_component", component=name, version=version)
        # A component version's own packages: the scope its SBOM gives, nobody else's.
        columns = {"packages": [*COLUMNS["packages"][:-1], "scope"]}
        _emit("bom_component", result, output, columns)
        return
    result = state.catalog.report("bom_application", application=name, version=version)
    if output == "table":
        for package in result["packages"]:
            package["brought_by"] = ", ".join(
                f"{b['component']} {b['version']}" for b in package["brought_by"]
            )
    _emit("bom_application", result, output)


def impact_pages(listed: str) -> Callable[[Callable], Callable]:
    """The options paging a blast radius's two long lists, as its endpoint's parameters
    do: the `listed` rows (--limit, --offset) and the application versions
    (--application-limit, --application-offset)."""
    options = (
        click.option(
            "--limit",
            type=click.IntRange(1, report_rules.MAX_CONSUMER_LIMIT),
            default=report_rules.DEFAULT_CONSUMER_LIMIT,
            show_default=True,
            help=f"Most {listed} listed.",
        ),
        click.option(
            "--offset",
            type=click.IntRange(0, paging.MAX_OFFSET),
            default=0,
            help=f"{listed.capitalize()} skipped before the listed ones (the next page).",
        ),
        click.option(
            "--application-limit",
            type=click.IntRange(1, report_rules.MAX_APPLICATION_LIMIT),
            default=report_rules.DEFAULT_APPLICATION_LIMIT,
            show_default=True,
            help="Most application versions listed.",
        ),
        click.option(
            "--application-offset",
            type=click.IntRange(0, paging.MAX_OFFSET),
            default=0,
            help="Application versions skipped before the listed ones.",
        ),
    )

    def decorate(command: Callable) -> Callable:
        for option in reversed(options):
            command = option(command)
        return command

    return decorate


@report.command("blast-radius")
@click.argument("component")
@click.option("--version", help="The changed version (default: any change).")
@click.option(
    "--depth",
    type=click.IntRange(1, report_rules.MAX_DEPTH),
    default=report_rules.DEFAULT_DEPTH,
    show_default=True,
    help="Dependency hops to follow.",
)
@impact_pages("consumers")
@output_option
@pass_context
def blast_radius(state: Context, component: str, output: str, **params: Any) -> None:
    """What breaks if COMPONENT changes: consumers, applications, environments, teams."""
    result = state.catalog.report("blast_radius", component=component, **params)
    if result["hypothetical"]:
        click.echo(
            f"{component} {result['version']} is not registered: the consumers' ranges were "
            "tested against it as if it were (hypothetical)",
            err=True,
        )
    if output == "table":
        for consumer in result["consumers"]:
            consumer["path"] = PATH_ARROW.join(consumer["path"])
        _readable_impact(result)
    _emit("blast_radius", result, output)


@report.group("diff")
def diff() -> None:
    """Differences between versions or environments."""


@diff.command("app")
@click.argument("application")
@click.argument("from_version", metavar="FROM")
@click.argument("to_version", metavar="TO")
@click.option("--to-app", "to_application", help="TO is a version of this application.")
@output_option
@pass_context
def diff_app(state: Context, output: str, **params: Any) -> None:
    """Components added, removed and changed between two application versions."""
    result = state.catalog.report("diff_applications", **params)
    if output == "table":
        result["changed"] = [_flat_change(changed) for changed in result["changed"]]
    _emit("diff_applications", result, output)


def _flat_change(changed: dict[str, Any]) -> dict[str, Any]:
    """A changed component of an application diff as one row (table and CSV): what
    changed in its fields, attributes, dependencies and packages, each in a cell."""
    changes = changed["changes"]
    return {
        "component": changed["component"],
        "from": changed["from"],
        "to": changed["to"],
        "fields": ", ".join(f["field"] for f in changes["fields"]) or "-",
        "attributes": ", ".join(k for part in changes["attributes"].values() for k in part) or "-",
        "dependencies": ", ".join(
            d["component"] for part in changes["dependencies"].values() for d in part
        )
        or "-",
        "packages": _package_changes(changes),
    }


def _package_changes(changes: dict[str, Any]) -> str:
    """A component diff's package changes in one cell: `unknown — 1.4.2 has no SBOM` when a
    side has no SBOM (nothing is invented), else `+purl`, `-purl`, `name from → to`."""
    if changes["packages"] is None:
        return f"unknown — {changes['packages_unknown']}"
    packages = changes["packages"]
    shown = [f"+{purl}" for purl in packages["added"]]
    shown += [f"-{purl}" for purl in packages["removed"]]
    shown += [f"{u['name']} {u['from']} → {u['to']}" for u in packages["upgraded"]]
    return ", ".join(shown) or "-"


@diff.command("component")
@click.argument("component")
@click.argument("from_version", metavar="FROM")
@click.argument("to_version", metavar="TO")
@output_option
@pass_context
def diff_component(state: Context, output: str, **params: Any) -> None:
    """What changed between two versions of a component."""
    result = state.catalog.report("diff_components", **params)
    if output == "table":
        result["packages"] = _package_changes(result)
        del result["packages_unknown"]
    _emit("diff_components", result, output)


@diff.command("env")
@click.argument("left")
@click.argument("right")
@output_option
@pass_context
def diff_env(state: Context, output: str, **params: Any) -> None:
    """What differs between what environments LEFT and RIGHT run now."""
    _run(state, "diff_environments", output, **params)


@report.command("plan")
@click.argument("application")
@click.argument("version")
@click.option("--to", "environment", required=True, help="The environment.")
@output_option
@pass_context
def plan(state: Context, output: str, **params: Any) -> None:
    """What deploying APPLICATION VERSION to an environment would change there."""
    _run(state, "plan", output, **params)


@report.command("inventory")
@click.argument("environment")
@click.option("--at", help="A past time, ISO 8601 with time zone (default: now).")
@output_option
@pass_context
def inventory(state: Context, output: str, **params: Any) -> None:
    """What ENVIRONMENT runs now, or ran at a past time."""
    _run(state, "inventory", output, **params)


@report.command("where")
@click.argument("component")
@click.option("--version", help="Only this version.")
@output_option
@pass_context
def where(state: Context, component: str, output: str, version: str | None) -> None:
    """Where COMPONENT runs now and ran before, with dates."""
    result = state.catalog.report("where", component=component, version=version)
    if output == "table":
        click.echo(f"component  {component}")
        for place in result["environments"]:
            click.echo(
                f"\n{place['environment']} ({place['stage'] or '-'}): "
                f"now {place['running_now'] or '-'}"
            )
            click.echo(
                "  "
                + table(place["history"], ["version", "from", "until", "deployment"]).replace(
                    "\n", "\n  "
                )
            )
        if not result["environments"]:
            click.echo("(never deployed)")
        return
    _emit("where", result, output)


@report.command("matrix")
@click.option("--application", help="Only components of this application.")
@click.option("--team", help="Only components this team owns.")
@click.option("--stage", type=click.Choice(STAGES), help="Only environments of this stage.")
@click.option("--at", help="A past time, ISO 8601 with time zone (default: now).")
@click.option(
    "--offset", type=click.IntRange(0), default=0, show_default=True, help="Components to skip."
)
@click.option(
    "--limit",
    type=click.IntRange(1, paging.MAX_LIMIT),
    default=paging.DEFAULT_LIMIT,
    show_default=True,
    help="Components per page.",
)
@output_option
@pass_context
def matrix(state: Context, output: str, **params: Any) -> None:
    """The version matrix: components down, environments across (dev, test, staging,
    prod, then the rest), the version in each cell; now or at a past time. In the table,
    `*` marks a version that differs from the next stage's, `+` one newer than prod's."""
    result = state.catalog.report("matrix", **params)
    if output == "json":
        click.echo(as_json(result))
        return
    columns = ["component", "kind", "owner"] + [e["name"] for e in result["environments"]]
    rows = [
        _matrix_row(row, result["environments"], output == "table") for row in result["components"]
    ]
    if output == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        click.echo(buffer.getvalue(), nl=False)
        return
    if result["at"]:
        click.echo(f"at  {result['at']}")
    click.echo(table(rows, columns) if rows else "(no components)")
    if any(
        cell and (cell["drift"]["next"] or cell["drift"]["newer_than_prod"])
        for row in result["components"]
        for cell in row["cells"]
    ):
        click.echo("* differs from the next stage   + newer than prod")
    if result["next_offset"] is not None:
        click.echo(f"... more: --offset {result['next_offset']}", err=True)


def _matrix_row(
    row: dict[str, Any], environments: list[dict[str, Any]], marked: bool
) -> dict[str, Any]:
    """A matrix row keyed by column: the version in each environment's column (blank in
    CSV, `-` in the table, where it does not run), with the drift marks for people."""
    shown: dict[str, Any] = {key: row[key] for key in ("component", "kind", "owner")}
    for environment, cell in zip(environments, row["cells"], strict=True):
        if cell is None:
            shown[environment["name"]] = None
            continue
        marks = ("*" if cell["drift"]["next"] else "") + (
            "+" if cell["drift"]["newer_than_prod"] else ""
        )
        shown[environment["name"]] = cell["version"] + (marks if marked else "")
    return shown


@report.command("package-blast-radius")
@click.option("--purl", help="The package, by purl.")
@click.option("--name", help="Packages by name (e.g. log4j-core) ...")
@click.option("--range", "version_range", help="... whose version is in this range (<2.17.1).")
@click.option("--ecosystem", help="... in this ecosystem (maven, pypi, npm, ...).")
@impact_pages("component versions")
@click.option(
    "--all-versions",
    is_flag=True,
    help="List every application version that ever included it, not only each "
    "application's latest and those deployed now.",
)
@output_option
@pass_context
def package_blast_radius(state: Context, output: str, **params: Any) -> None:
    """Where a package runs now and whom to call: the component versions containing it,
    their applications and environments, and the owners."""
    result = state.catalog.report("package_blast_radius", **params)
    if output == "table":
        result["query"] = {k: v for k, v in result["query"].items() if v is not None}
        _readable_impact(result)
    _emit("package_blast_radius", result, output)


# -- maps -------------------------------------------------------------------------------
map_output = click.option(
    "--output",
    "-o",
    type=click.Choice(maps.FORMATS),
    default="dot",
    show_default=True,
    help="dot (Graphviz), mermaid, json (nodes and edges) or svg (needs Graphviz).",
)


def _draw(state: Context, name: str, output: str, **params: Any) -> None:
    click.echo(maps.render(state.catalog.report(name, **params), output), nl=False)


@report.group("map")
def map_group() -> None:
    """Maps to look at: dependencies and blast radius, as DOT, Mermaid, JSON or SVG."""


@map_group.command("app")
@click.argument("application")
@click.argument("version")
@map_output
@pass_context
def map_app(state: Context, output: str, **params: Any) -> None:
    """Dependency map of APPLICATION VERSION."""
    _draw(state, "map_application", output, **params)


@map_group.command("component")
@click.argument("component")
@click.option(
    "--depth",
    type=click.IntRange(1, maps.MAX_MAP_DEPTH),
    default=2,
    show_default=True,
    help="Hops to follow each way.",
)
@map_output
@pass_context
def map_component(state: Context, output: str, **params: Any) -> None:
    """What COMPONENT needs and what needs it."""
    _draw(state, "map_component", output, **params)


@map_group.command("blast-radius")
@click.argument("component")
@click.option("--version", help="The changed version (default: any change).")
@click.option(
    "--depth",
    type=click.IntRange(1, report_rules.MAX_DEPTH),
    default=report_rules.DEFAULT_DEPTH,
    show_default=True,
    help="Dependency hops to follow.",
)
@map_output
@pass_context
def map_blast_radius(state: Context, output: str, **params: Any) -> None:
    """The blast radius of COMPONENT as a map, paths from the change highlighted."""
    _draw(state, "map_blast_radius", output, **params)
