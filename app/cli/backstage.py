"""`mercator backstage export` and `mercator backstage import`: the catalog and Backstage."""

from __future__ import annotations

import json
from pathlib import Path

import click
import yaml

from app.backstage import entities
from app.cli.base import Context, cli, pass_context


@cli.group("backstage")
def backstage_group() -> None:
    """The catalog as Backstage entities, and Backstage descriptor files into it."""


@backstage_group.command("export")
@click.argument("output", type=click.File("w", encoding="utf-8"), default="-")
@click.option(
    "--base-url",
    default="http://localhost:5000",
    show_default=True,
    help="Where Mercator's web pages are: the entities' links point there.",
)
@click.option("--json", "as_json", is_flag=True, help="A JSON list instead of YAML documents.")
@pass_context
def export_command(state: Context, output, base_url: str, as_json: bool) -> None:
    """Write every team (Group), application (System) and component (Component) as
    Backstage entities to OUTPUT (default: stdout), one YAML document each: a
    catalog-info.yaml Backstage reads."""
    found = entities.export_entities(state.graph, base_url)
    if as_json:
        output.write(json.dumps(found, indent=2) + "\n")
    else:
        output.write(yaml.safe_dump_all(found, sort_keys=False, allow_unicode=True))


@backstage_group.command("import")
@click.argument("sources", nargs=-1, required=True, metavar="PATH_OR_URL...")
@pass_context
def import_command(state: Context, sources: tuple[str, ...]) -> None:
    """Import Backstage descriptor files (catalog-info.yaml; several documents each), given
    as paths or http(s) URLs; a Location's targets are followed, on disk or fetched (a
    GitHub or GitLab file page is read raw): Groups become teams, Systems applications,
    Components and Resources components with their owner, lifecycle and system; their
    dependsOn and consumed APIs their declared dependencies, which their next version
    registered without dependencies of its own gets.

    An invalid entity is named with its file and line and left out; the rest go in. The
    same files again change nothing.
    """
    for source in sources:
        if not entities.is_url(source) and not Path(source).is_file():
            raise click.BadParameter(f"{source!r} is no file (nor an http(s) URL)")
    outcome = entities.import_files(state.graph, list(sources))
    for kind, count in outcome["written"].items():
        click.echo(f"{kind}: {count['created']} created, {count['existing']} already there")
    for line in outcome["declared"]:
        click.echo(f"declared: {line}")
    if outcome["declared"]:
        click.echo(
            "declared dependencies are kept on the component: its next version registered "
            "without dependencies of its own gets them"
        )
    for line in outcome["unresolved"]:
        click.echo(f"not a dependency: {line}")
    for line in outcome["joined"]:
        click.echo(f"joined: {line}")
    for line in outcome["waiting"]:
        click.echo(f"waiting for a first version to join: {line}")
    for line in outcome["skipped"]:
        click.echo(f"skipped: {line}")
    for line in outcome["refused"]:
        click.echo(f"refused: {line}", err=True)
