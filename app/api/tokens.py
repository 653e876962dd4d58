"""API tokens over HTTP (admin scope): create one (shown once), list them, revoke one."""

from __future__ import annotations

from flask_smorest import Blueprint

from app.access import tokens
from app.api import schemas
from app.api.auth import actor, requires
from app.http.context import graph

blp = Blueprint(
    "tokens", __name__, url_prefix="/api/v1/tokens", description="API tokens (admin scope)"
)


@blp.route("")
@requires("admin")
@blp.arguments(schemas.PagingArgs, location="query")
@blp.response(200, schemas.TokenPage)
def list_tokens(args):
    """List tokens by name: scopes, limits, state. Never the tokens themselves."""
    return tokens.list_tokens(graph(), **args)


@blp.route("", methods=["POST"])
@requires("admin")
@blp.arguments(schemas.TokenIn)
@blp.response(201, schemas.TokenCreated, description="Created; `token` is shown only here")
@blp.alt_response(400, schema="Error")
@blp.alt_response(409, schema="Error", description="A token of that name exists")
def create_token(body):
    """Create a token. The answer holds the token itself, once; Mercator keeps its hash."""
    created, token = tokens.create(graph(), **body, created_by=actor().name)
    return {**created, "token": token}, 201


@blp.route("/<name>", methods=["DELETE"])
@requires("admin")
@blp.response(200, schemas.Token, description="Revoked (from now on)")
@blp.alt_response(404, schema="Error")
def revoke_token(name):
    """Revoke a token: requests with it get 401 from now on. It stays listed."""
    return tokens.revoke(graph(), name, revoked_by=actor().name)
