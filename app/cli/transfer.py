"""Moving the whole catalog: `mercator export` and `mercator import` (JSON or YAML)."""

from __future__ import annotations

import sys

import click

from app import transfer
from app.cli.base import Context, cli, pass_context


@cli.command("export")
@click.argument("output", type=click.File("w", encoding="utf-8"), default="-")
@pass_context
def export_command(state: Context, output) -> None:
    """Write the whole catalog as one JSON document to OUTPUT (default: stdout).

    The document is a consistent snapshot; `mercator import` of it into an empty graph,
    then `mercator export`, gives the same bytes.
    """
    output.write(transfer.dump(transfer.export_catalog(state.graph)) + "\n")


@cli.command("import")
@click.argument("source", type=click.File("r", encoding="utf-8"))
@click.option(
    "--batch-size",
    type=click.IntRange(1, 100_000),
    default=transfer.DEFAULT_BATCH_SIZE,
    show_default=True,
    help="Records written per transaction.",
)
@pass_context
def import_command(state: Context, source, batch_size: int) -> None:
    """Import a catalog document (JSON or YAML) from SOURCE ('-' for stdin).

    Everything is checked before anything is written: a bad record is reported with its
    position (e.g. component_versions[12].version) and nothing is written. Records the
    catalog already holds are kept; the same document twice changes nothing.
    """
    document = transfer.load(source.read())
    bars: dict[str, object] = {}

    def progress(kind: str, done: int, total: int) -> None:
        if total == 0 or not sys.stderr.isatty():
            return  # bars only for people watching a terminal
        bar = bars.get(kind)
        if bar is None:
            bar = bars[kind] = click.progressbar(
                length=total, label=f"{kind:<22}", file=sys.stderr, show_pos=True
            )
            bar.__enter__()
        bar.update(done - bar.pos)
        if done == total:
            bar.__exit__(None, None, None)

    counts = transfer.import_catalog(
        state.graph, document, batch_size=batch_size, progress=progress
    )
    for kind, count in counts.items():
        click.echo(f"{kind}: {count['created']} created, {count['existing']} already there")
