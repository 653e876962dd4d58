"""Running things: the API server, the local Neo4j, the schema, versions."""

from __future__ import annotations

import sys

import click

from app.about import version as mercator_version
from app.cli.base import Context, cli, pass_context
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
@click.option(
    "--port",
    default=5000,
    show_default=True,
    type=int,
    envvar="MERCATOR_PORT",
    help="Port to listen on (MERCATOR_PORT).",
)
@click.option(
    "--workers",
    default=2,
    show_default=True,
    type=click.IntRange(1),
    envvar="MERCATOR_WEB_WORKERS",
    help="Web server processes (each has its own Neo4j driver; none runs deployments); "
    "MERCATOR_WEB_WORKERS.",
)
@click.option(
    "--threads",
    default=4,
    show_default=True,
    type=click.IntRange(1),
    envvar="MERCATOR_WEB_THREADS",
    help="Threads per worker (MERCATOR_WEB_THREADS).",
)
@click.option(
    "--timeout",
    default=120,
    show_default=True,
    type=click.IntRange(1),
    help="Seconds before a silent worker is restarted.",
)
@click.option(
    "--deploy-workers",
    default=1,
    show_default=True,
    type=click.IntRange(0),
    help="Deployments run at the same time by the `mercator worker` process started beside "
    "the web server (its --threads); 0 starts none: then run `mercator worker` elsewhere.",
)
@click.option(
    "--schema-wait",
    default=60.0,
    show_default=True,
    type=click.FloatRange(0),
    help="Seconds to keep trying to reach Neo4j to apply the schema before giving up.",
)
@pass_context
def serve(
    state: Context,
    host: str,
    port: int,
    workers: int,
    threads: int,
    timeout: int,
    deploy_workers: int,
    schema_wait: float,
) -> None:
    """Serve the HTTP API with gunicorn (a production WSGI server), and run queued
    deployments in one `mercator worker` process beside it.

    The schema is applied first (idempotent); while Neo4j does not answer, serve retries
    for --schema-wait seconds, then exits with code 5 without serving. The web server's
    processes never run deployment engines: the worker process does (--deploy-workers at
    a time; 0 starts no worker process and the web server runs in this process).

    SIGTERM or Ctrl-C stops both: the web server finishes its requests, the worker claims
    nothing more and gives a running deployment MERCATOR_WORKER_STOP_GRACE seconds
    (default 20) to end, after which its engine's processes are killed and it ends failed,
    "abandoned", with its log. When either process ends by itself, the other is stopped
    too and serve exits non-zero.
    """
    from app.cli.gunicorn import serve_forever
    from app.deploy.runner import KILL_GRACE
    from app.http.processes import Child, supervise
    from app.observability import multiproc

    # Before any process that counts starts: the web server's workers and the
    # deployment worker all write their metrics there, and /metrics adds them up.
    multiproc.prepare()
    version_applied = _apply_schema(state, schema_wait)
    click.echo(f"schema version {version_applied} applied", err=True)
    state.close()
    if deploy_workers == 0:
        serve_forever(
            state.settings, bind=f"{host}:{port}", workers=workers, threads=threads, timeout=timeout
        )
        return
    web = [sys.executable, "-m", "app.cli.gunicorn", "--bind", f"{host}:{port}"]
    web += ["--workers", str(workers), "--threads", str(threads), "--timeout", str(timeout)]
    worker = [sys.executable, "-m", "app.cli", "worker", "--threads", str(deploy_workers)]
    code = supervise(
        [
            # gunicorn's graceful_timeout is 30 s.
            Child("web server", web, stop_timeout=40.0),
            Child(
                "deployment worker",
                worker,
                stop_timeout=state.settings.worker_stop_grace + KILL_GRACE + 30.0,
            ),
        ],
        echo=lambda message: click.echo(message, err=True),
    )
    sys.exit(code)


def _apply_schema(state: Context, wait: float) -> int:
    """Apply the schema, retrying for `wait` seconds while Neo4j does not answer (not when it
    refuses the credentials: retrying would only get the account locked)."""
    import time

    from app.admin import database
    from app.graph.db import CredentialsRefused

    deadline = time.monotonic() + wait
    while True:
        try:
            return database.init_schema(state.graph)
        except CredentialsRefused:
            raise
        except Unavailable as error:
            left = deadline - time.monotonic()
            if left <= 0:
                raise Unavailable(
                    f"{error.message}; the schema could not be applied, so serve did not start",
                    error.details,
                ) from error
            click.echo(f"waiting for Neo4j to apply the schema: {error.message}", err=True)
            time.sleep(min(2.0, left))


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


@db.command("prune-packages")
@click.option(
    "--grace",
    "grace_seconds",
    type=click.IntRange(min=0),
    help="spare packages an SBOM named within this many seconds (default: an hour, so an "
    "attach in progress keeps what it wrote)",
)
@pass_context
def db_prune_packages(state: Context, grace_seconds: int | None) -> None:
    """Delete the packages no component version contains (left by replaced SBOMs and
    failed attaches), with their dependency and vulnerability edges."""
    from app.sbom import packages

    grace = packages.PRUNE_GRACE_SECONDS if grace_seconds is None else grace_seconds
    click.echo(f"deleted {packages.prune(state.graph, grace)} packages")


# -- secrets ----------------------------------------------------------------------------
@cli.group()
def secrets() -> None:
    """The key that seals engine secrets in the graph (MERCATOR_SECRET_KEY)."""


@secrets.command("new-key")
def secrets_new_key() -> None:
    """Print a new random key for MERCATOR_SECRET_KEY (keep it as a secret)."""
    from app.graph.sealing import new_key

    click.echo(new_key())


@secrets.command("rotate")
@pass_context
def secrets_rotate(state: Context) -> None:
    """Seal every engine secret again with the first key of MERCATOR_SECRET_KEY.

    To rotate: set MERCATOR_SECRET_KEY=<new>,<old> everywhere, run this, then drop <old>.
    Secrets stored in the clear before a key was set are sealed too."""
    from app.catalog import environments

    state.require_local("mercator secrets rotate")
    count = environments.reseal_secrets(state.graph)
    click.echo(f"sealed the secrets of {count} environment(s) with the first key")
