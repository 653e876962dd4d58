"""The `mercator` group every command joins, its options, and the context commands share.

Domain errors become a message on stderr and an exit code in one place
(`MercatorGroup.invoke`, codes from `app.errors.TABLE`), so every command fails the same way.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import click

from app.config import Settings
from app.errors import Invalid, MercatorError, exit_code


class MercatorGroup(click.Group):
    """A click group that reports domain errors as `error: ...` and a distinct exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except MercatorError as error:
            click.echo(f"error: {error.message}", err=True)
            if error.details:
                click.echo(json.dumps(error.details, indent=2, default=str), err=True)
            ctx.exit(exit_code(error))


class Context:
    """What commands share: settings, a Graph opened on first use, and the catalog —
    local (services on Neo4j) or remote (a Mercator's HTTP API, with --url)."""

    def __init__(
        self, settings: Settings, url: str | None = None, token: str | None = None
    ) -> None:
        self.settings = settings
        self.url = url
        self.token = token
        self._graph = None

    @property
    def graph(self):
        from app.graph import Graph

        if self._graph is None:
            self._graph = Graph.from_settings(self.settings)
        return self._graph

    @property
    def catalog(self):
        from app.cli.catalogs import LocalCatalog, RemoteCatalog

        if self.url:
            return RemoteCatalog(self.url, self.token)
        return LocalCatalog(self.graph)

    def require_local(self, what: str) -> None:
        """Refuse --url for commands that work on Neo4j itself (they need its credentials)."""
        if self.url:
            raise Invalid(
                f"{what} works on Neo4j directly (with MERCATOR_NEO4J_* credentials), "
                "not through --url / MERCATOR_URL; unset it"
            )

    def close(self) -> None:
        if self._graph is not None:
            self._graph.close()


pass_context = click.make_pass_decorator(Context)


@click.group(cls=MercatorGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--url",
    envvar="MERCATOR_URL",
    metavar="URL",
    help="Talk to the Mercator API at URL (e.g. https://mercator.example.com) "
    "instead of Neo4j directly. Env: MERCATOR_URL.",
)
@click.option(
    "--token",
    envvar="MERCATOR_TOKEN",
    metavar="TOKEN",
    help="API token sent with --url (Authorization: Bearer). Env: MERCATOR_TOKEN. "
    "Prefer the variable: options show up in process lists.",
)
@click.pass_context
def cli(ctx: click.Context, url: str | None, token: str | None) -> None:
    """Mercator: the catalog of everything that gets deployed, and where it runs.

    Catalog commands run against Neo4j directly (settings from MERCATOR_NEO4J_URI,
    MERCATOR_NEO4J_USER, MERCATOR_NEO4J_PASSWORD, ...; see the README), or against a
    Mercator service with --url / MERCATOR_URL, as pipelines usually do; writes over
    --url need an API token (MERCATOR_TOKEN, from `mercator token create`).
    """
    # The driver warns on stderr about every retry it makes; a command reports the outcome.
    logging.getLogger("neo4j").setLevel(logging.ERROR)
    state = Context(Settings.from_env(), url, token)
    ctx.obj = state
    ctx.call_on_close(state.close)
