"""`mercator token ...`: API tokens for pipelines and people who reach Mercator over HTTP.

These commands work on Neo4j directly, never through --url: whoever holds the Neo4j
credentials is the administrator, which is how the first admin token comes to be
(`mercator token create --name ops --scope admin` on a machine with those credentials).
"""

from __future__ import annotations

from typing import Any

import click

from app.access import tokens
from app.access.scopes import SCOPE_MEANING, SCOPES, local_actor
from app.cli.base import Context, cli, pass_context
from app.cli.catalog import paging_options
from app.cli.output import emit_page, emit_record, output_option
from app.core import records


@cli.group()
def token() -> None:
    """API tokens: create (shown once), list, revoke. Run against Neo4j directly."""


@token.command("create")
@click.option("--name", required=True, help="Unique name; writes record it as their author.")
@click.option(
    "--scope",
    "scopes",
    multiple=True,
    required=True,
    type=click.Choice(SCOPES),
    help="Repeatable. "
    + "; ".join(f"{name}: {meaning}" for name, meaning in SCOPE_MEANING.items())
    + ".",
)
@click.option(
    "--component-prefix",
    help="Only register, attach SBOMs to and deploy components whose name starts with this.",
)
@click.option("--team", help="Only register, attach SBOMs to and deploy components this team owns.")
@click.option(
    "--application",
    "applications",
    multiple=True,
    help="Repeatable. With --component-prefix or --team: an application the token may add "
    "its components to besides its team's own.",
)
@click.option(
    "--expires",
    metavar="DURATION|TIME",
    help="Lifetime such as 90d, 12h or 30m, or an ISO 8601 time (default: never).",
)
@output_option
@pass_context
def token_create(state: Context, name: str, scopes: tuple[str, ...], output: str, **limits: Any):
    """Create an API token and print it, once: only its SHA-256 is stored.

    Give it to the pipeline as MERCATOR_TOKEN (a CI secret). Build pipelines need
    `register`, deploy pipelines `deploy`.
    """
    state.require_local("mercator token create")
    created, secret = tokens.create(
        state.graph, name, list(scopes), **limits, created_by=local_actor().name
    )
    if output == "json":
        emit_record({**created, "token": secret}, output)
        return
    click.echo(secret)
    click.echo(
        f"token {name!r} created ({', '.join(created['scopes'])}"
        + (f"; expires {created['expires_at']}" if created["expires_at"] else "")
        + "). It is shown only now: store it as a secret.",
        err=True,
    )


@token.command("list")
@paging_options
@output_option
@pass_context
def token_list(state: Context, offset: int, limit: int, output: str) -> None:
    """List tokens: scopes, limits, state (active, expired, revoked). Never the tokens."""
    state.require_local("mercator token list")
    page = tokens.list_tokens(state.graph, offset=offset, limit=limit)
    emit_page(page, records.TOKEN.columns, output)


@token.command("revoke")
@click.argument("name")
@output_option
@pass_context
def token_revoke(state: Context, name: str, output: str) -> None:
    """Revoke token NAME: requests with it are refused (401) from now on."""
    state.require_local("mercator token revoke")
    emit_record(tokens.revoke(state.graph, name, revoked_by=local_actor().name), output)
