"""Teams: owners and their contacts."""

from __future__ import annotations

from flask_smorest import Blueprint

from app.api import schemas
from app.api.auth import actor, requires
from app.catalog import teams
from app.http.context import graph

blp = Blueprint("teams", __name__, url_prefix="/api/v1/teams", description="Owner teams")


@blp.route("")
@blp.arguments(schemas.PrefixArgs, location="query")
@blp.response(200, schemas.TeamPage)
def list_teams(args):
    """List teams, filtered by name prefix."""
    return teams.list_teams(graph(), **args)


@blp.route("/<name>")
@blp.response(200, schemas.TeamDetail)
@blp.alt_response(404, schema="Error")
def get_team(name):
    """One team with its contacts and what it owns."""
    return teams.get(graph(), name)


@blp.route("/<name>", methods=["PUT"])
@requires("admin")
@blp.arguments(schemas.TeamIn, required=False)
@blp.response(200, schemas.TeamDetail, description="Updated")
@blp.alt_response(201, schema=schemas.TeamDetail, description="Created")
@blp.alt_response(400, schema="Error")
def put_team(body, name):
    """Create a team or update its contacts (omitted contacts stay as they are)."""
    team, created = teams.upsert(graph(), name, **body, actor=actor())
    return team, 201 if created else 200
