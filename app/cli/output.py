"""Printing results: readable tables for people, JSON for scripts (`--output json`)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import click

FORMATS = ("table", "json")

output_option = click.option(
    "--output",
    "-o",
    type=click.Choice(FORMATS),
    default="table",
    show_default=True,
    help="Output format.",
)


def as_json(data: Any) -> str:
    return json.dumps(data, indent=2, sort_keys=True, default=str, ensure_ascii=False)


def table(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> str:
    """Rows as aligned columns under an upper-case header; missing values as '-'."""
    cells = [[_cell(row.get(column)) for column in columns] for row in rows]
    header = [column.upper().replace("_", " ") for column in columns]
    widths = [max(len(h), *(len(r[i]) for r in cells)) for i, h in enumerate(header)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    return "\n".join(lines)


def emit_page(page: dict[str, Any], columns: Sequence[str], output: str) -> None:
    """One page of a list; in table form, a hint how to get the next one."""
    if output == "json":
        click.echo(as_json(page))
        return
    if not page["items"]:
        click.echo("(none)")
        return
    click.echo(table(page["items"], columns))
    if page.get("next_offset") is not None:
        click.echo(f"... more: --offset {page['next_offset']}", err=True)


def emit_record(
    record: dict[str, Any], output: str, columns: dict[str, Sequence[str]] | None = None
) -> None:
    """One thing: its plain fields as `key: value`, then each list of rows as a table
    (with the columns given for that list, else those of its first row)."""
    if output == "json":
        click.echo(as_json(record))
        return
    scalars = {k: v for k, v in record.items() if not isinstance(v, list)}
    width = max((len(k) for k in scalars), default=0)
    for key, value in scalars.items():
        click.echo(f"{key.ljust(width)}  {_cell(value)}")
    for key, value in record.items():
        if isinstance(value, list):
            click.echo(f"\n{key}:")
            if value and isinstance(value[0], dict):
                shown = (columns or {}).get(key) or list(value[0])
                click.echo("  " + table(value, shown).replace("\n", "\n  "))
            else:
                click.echo("  " + (", ".join(map(str, value)) if value else "(none)"))


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, dict):
        return ", ".join(f"{k}={_cell(v)}" for k, v in value.items()) or "-"
    if isinstance(value, list):
        return ", ".join(_cell(v) for v in value) or "-"
    return str(value)
