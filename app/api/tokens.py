"""API tokens over HTTP (admin scope): create one (shown once), list them, revoke one."""

from __future__ import annotations

import marshmallow as ma
from flask_smorest import Blueprint
from marshmallow import fields, validate

from app.access import tokens
from app.access.scopes import SCOPES
from app.api.auth import actor, requires
from app.api.fields import (
    Name,
    PagingArgs,
    Str,
    optional,
    page_of,
)
from app.core import records
from app.http.context import graph


# -- schemas ---------------------------------------------------------------------------
# -- API tokens -------------------------------------------------------------------------
class TokenIn(ma.Schema):
    name = Name(required=True, metadata={"description": "Unique; writes record it as author"})
    scopes = fields.List(
        Str(validate=validate.OneOf(SCOPES)),
        required=True,
        validate=validate.Length(min=1),
        metadata={"description": f"One or more of {', '.join(SCOPES)}"},
    )
    component_prefix = optional("Only components whose name starts with this (register, deploy)")
    team = optional("Only components this team owns (register, deploy)")
    applications = fields.List(
        Name(),
        load_default=list,
        metadata={
            "description": "For a limited token: applications it may add its components to "
            "besides its team's own"
        },
    )
    expires = optional("Lifetime (90d, 12h, 30m) or an ISO 8601 time; omitted: never expires")


Token = records.TOKEN.schema("Token")


class TokenCreated(Token):
    token = Str(
        metadata={"description": "The token itself: shown only in this answer, stored as a hash"}
    )


TokenPage = page_of(Token, "TokenPage")


blp = Blueprint(
    "tokens", __name__, url_prefix="/api/v1/tokens", description="API tokens (admin scope)"
)


@blp.route("")
@requires("admin")
@blp.arguments(PagingArgs, location="query")
@blp.response(200, TokenPage)
def list_tokens(args):
    """List tokens by name: scopes, limits, state. Never the tokens themselves."""
    return tokens.list_tokens(graph(), **args)


@blp.route("", methods=["POST"])
@requires("admin")
@blp.arguments(TokenIn)
@blp.response(201, TokenCreated, description="Created; `token` is shown only here")
@blp.alt_response(400, schema="Error")
@blp.alt_response(409, schema="Error", description="A token of that name exists")
def create_token(body):
    """Create a token. The answer holds the token itself, once; Mercator keeps its hash."""
    created, token = tokens.create(graph(), **body, created_by=actor().name)
    return {**created, "token": token}, 201


@blp.route("/<name>", methods=["DELETE"])
@requires("admin")
@blp.response(200, Token, description="Revoked (from now on)")
@blp.alt_response(404, schema="Error")
def revoke_token(name):
    """Revoke a token: requests with it get 401 from now on. It stays listed."""
    return tokens.revoke(graph(), name, revoked_by=actor().name)
