"""Running things: the API server, the local Neo4j, the schema, versions."""

from __future__ import annotations

import sys

import click

from app import version as mercator_version
from app.cli import Context, cli, pass_context
from app.cli.output import as_json, output_option
from app.errors import Unavailable
from app.graph.local_neo4j import LocalServer


@cli.command()
@click.option(
    "--neo4j/--no-neo4j",
    "ask_neo4j",
    default=False,
    help="Also ask the configured Neo4j for its version.",
)
@click.option(
    "--settings",
    "show_settings",
    is_flag=True,
    help="Also print the settings in effect (password hidden).",
)
@pass_context
def version(state: Context, ask_neo4j: bool, show_settings: bool) -> None:
    """Print Mercator's version (and, with --neo4j, the server's)."""
    import neo4j

    from app.admin import database

    click.echo(f"mercator {mercator_version()}")
    click.echo(f"neo4j-driver {neo4j.__version__}")
    if ask_neo4j:
        server = database.server_version(state.graph)
        click.echo(f"{server['name']} {server['version']} {server['edition']}")
    if show_settings:
        click.echo(as_json(state.settings.describe()))


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, type=int, help="Port to listen on.")
@click.option(
    "--workers",
    default=2,
    show_default=True,
    type=click.IntRange(1),
    help="Worker processes (each has its own Neo4j driver).",
)
@click.option(
    "--threads", default=4, show_default=True, type=click.IntRange(1), help="Threads per worker."
)
@click.option(
    "--timeout",
    default=120,
    show_default=True,
    type=click.IntRange(1),
    help="Seconds before a silent worker is restarted.",
)
@pass_context
def serve(state: Context, host: str, port: int, workers: int, threads: int, timeout: int) -> None:
    """Serve the HTTP API with gunicorn (a production WSGI server).

    The schema is applied once before the workers start; if Neo4j is not reachable yet
    the service starts anyway and /readyz answers 503 until it is.
    """
    from dataclasses import replace

    from app.admin import database
    from app.http.gunicorn import serve_forever

    try:
        database.init_schema(state.graph)
    except Unavailable as error:
        click.echo(f"warning: {error.message}; /readyz will answer 503 until it is", err=True)
    state.close()
    serve_forever(
        replace(state.settings, apply_schema_on_start=False),
        bind=f"{host}:{port}",
        workers=workers,
        threads=threads,
        timeout=timeout,
    )


# -- neo4j ------------------------------------------------------------------------------
@cli.group()
def neo4j() -> None:
    """Run Neo4j 5.26 Community locally, from Maven Central, without Docker.

    Needs Java 17+ and Maven. Ports, heap, page cache and the data folder come from
    MERCATOR_NEO4J_BOLT_PORT, _HTTP_PORT, _HEAP, _PAGECACHE and _HOME.
    """


def _local_server(state: Context) -> LocalServer:
    return LocalServer(state.settings, echo=lambda message: click.echo(message, err=True))


@neo4j.command("install")
@pass_context
def neo4j_install(state: Context) -> None:
    """Fetch Neo4j's jars with Maven (done by `start` too; cached afterwards)."""
    server = _local_server(state)
    server.install()
    click.echo(f"Neo4j jars in {server.lib_dir}")


@neo4j.command("start")
@pass_context
def neo4j_start(state: Context) -> None:
    """Start the local Neo4j in the background and wait until it answers."""
    server = _local_server(state)
    started = server.start()
    status = server.status()
    click.echo(
        f"Neo4j {'started' if started else 'is already running'} (pid {status.pid}): "
        f"Bolt {status.bolt_uri}, Browser {status.browser_url}"
    )


@neo4j.command("stop")
@click.option(
    "--grace",
    default=60.0,
    show_default=True,
    type=float,
    help="Seconds to wait for a clean shutdown before killing it.",
)
@pass_context
def neo4j_stop(state: Context, grace: float) -> None:
    """Stop the local Neo4j cleanly (committed data is kept)."""
    stopped = _local_server(state).stop(grace=grace)
    click.echo("Neo4j stopped" if stopped else "Neo4j was not running")


@neo4j.command("status")
@pass_context
def neo4j_status(state: Context) -> None:
    """Say whether the local Neo4j runs, and where. Exits 1 when it does not."""
    status = _local_server(state).status()
    if status.running:
        click.echo(
            f"running (pid {status.pid}): Bolt {status.bolt_uri}, "
            f"Browser {status.browser_url}, home {status.home}"
        )
    else:
        click.echo(f"stopped (home {status.home})")
        sys.exit(1)


# -- db ---------------------------------------------------------------------------------
@cli.group()
def db() -> None:
    """The graph's schema and contents."""


@db.command("init")
@pass_context
def db_init(state: Context) -> None:
    """Create Mercator's constraints and indexes (idempotent) and record the schema version."""
    from app.admin import database

    version_applied = database.init_schema(state.graph)
    click.echo(f"schema version {version_applied} applied")


@db.command("migrate")
@pass_context
def db_migrate(state: Context) -> None:
    """Bring an older graph up to this Mercator's schema in place (what `db init` does too)."""
    from app.admin import database
    from app.graph import schema

    before = schema.recorded_version(state.graph)
    version_applied = database.init_schema(state.graph)
    click.echo(f"schema version {before} -> {version_applied}")


@db.command("status")
@output_option
@pass_context
def db_status(state: Context, output: str) -> None:
    """Show the recorded schema version and every index and constraint."""
    from app.admin import database

    described = database.describe_schema(state.graph)
    if output == "json":
        click.echo(as_json(described))
        return
    click.echo(
        f"schema version {described['schema_version']} "
        f"(this Mercator expects {described['expected_version']})"
    )
    for index in described["indexes"]:
        owner = f" [{index['constraint']}]" if index["constraint"] else ""
        click.echo(
            f"  {index['name']}: {index['type']} on {index['entity'] or '(every label)'}"
            f"({', '.join(index['properties'] or [])}) {index['state']}{owner}"
        )


@db.command("reset")
@click.confirmation_option(prompt="Delete every node and relationship in the catalog?")
@pass_context
def db_reset(state: Context) -> None:
    """Delete the whole catalog (the schema and the API tokens stay)."""
    from app.admin import database

    deleted = database.reset(state.graph)
    click.echo(f"deleted {deleted} nodes")
