"""`mercator events`: the CDEvents Mercator emits — its outbox, and delivering it."""

from __future__ import annotations

import signal
import threading

import click

from app.cli.base import Context, cli, pass_context
from app.cli.output import as_json, output_option, table
from app.errors import Invalid
from app.outbox import sinks


@cli.group("events")
def events_group() -> None:
    """The CDEvents Mercator emits: its outbox in Neo4j and their delivery to the sinks
    (MERCATOR_EVENT_SINKS)."""


@events_group.command("outbox")
@click.option(
    "--status", type=click.Choice(sinks.STATUSES), help="Only events with a delivery in this state."
)
@click.option("--offset", type=click.IntRange(0), default=0, show_default=True)
@click.option("--limit", type=click.IntRange(1, 500), default=50, show_default=True)
@output_option
@pass_context
def outbox_command(
    state: Context, status: str | None, offset: int, limit: int, output: str
) -> None:
    """List the events Mercator emitted, newest first, each with its delivery to every
    sink: pending (with its attempts and last error), delivered or refused."""
    rows = sinks.outbox(state.graph, status, offset, limit)
    if output == "json":
        click.echo(as_json({"items": rows}))
        return
    if not rows:
        click.echo("(none)")
        return
    shown = [
        {
            **row,
            "deliveries": [
                f"{d['sink']} {d['status']}"
                + (f" after {d['attempts']} attempts" if d["attempts"] > 1 else "")
                + (f" ({d['error']})" if d["error"] and d["status"] != "delivered" else "")
                for d in row["deliveries"]
            ],
        }
        for row in rows
    ]
    click.echo(table(shown, ("created_at", "type", "subject", "id", "deliveries")))


@events_group.command("deliver")
@click.option("--once", is_flag=True, help="One round for every sink that is due, then exit.")
@pass_context
def deliver_command(state: Context, once: bool) -> None:
    """Deliver the outbox to the sinks MERCATOR_EVENT_SINKS names until stopped (SIGTERM
    or Ctrl-C). `mercator worker` (so `mercator serve`) does this too; any number of
    dispatchers share the outbox, one sending to each sink at a time."""
    urls = list(state.settings.event_sinks)
    if not urls:
        raise Invalid(
            "no event sinks: set MERCATOR_EVENT_SINKS to the URLs to deliver to",
            {"MERCATOR_EVENT_SINKS": ["unset"]},
        )
    dispatcher = sinks.Dispatcher(state.graph, urls, state.settings.delivery_settings())
    known = dispatcher.sync()
    if once:
        delivered = dispatcher.deliver_due()
        click.echo(f"delivered {delivered} event(s)")
        click.echo(table(dispatcher.sync(), ("url", "active", "pending", "delivered", "refused")))
        return
    click.echo(table(known, ("url", "active", "pending", "delivered", "refused")), err=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda _signum, _frame: stop.set())
    signal.signal(signal.SIGINT, lambda _signum, _frame: stop.set())
    dispatcher.serve(stop)
    dispatcher.close()
