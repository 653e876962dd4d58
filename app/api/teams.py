"""Teams: owners and their contacts."""

from __future__ import annotations

import marshmallow as ma
from flask_smorest import Blueprint
from marshmallow import fields

from app.api.auth import actor, requires
from app.api.fields import (
    Answer,
    PrefixArgs,
    Str,
    optional,
    page_of,
)
from app.catalog import teams
from app.core import records
from app.http.context import graph


# -- schemas ---------------------------------------------------------------------------
class TeamIn(ma.Schema):
    email = optional("Team email", metadata={"example": "payments@example.com"})
    chat = optional("Chat channel", metadata={"example": "#payments"})
    pager = optional("Pager / on-call handle")


Team = records.TEAM.schema("Team")


class TeamSummary(Team, Answer):
    component_count = fields.Integer()
    application_count = fields.Integer()


class TeamDetail(Team, Answer):
    components = fields.List(Str())
    applications = fields.List(Str())


TeamPage = page_of(TeamSummary, "TeamPage")


blp = Blueprint("teams", __name__, url_prefix="/api/v1/teams", description="Owner teams")


@blp.route("")
@blp.arguments(PrefixArgs, location="query")
@blp.response(200, TeamPage)
def list_teams(args):
    """List teams, filtered by name prefix."""
    return teams.list_teams(graph(), **args)


@blp.route("/<name>")
@blp.response(200, TeamDetail)
@blp.alt_response(404, schema="Error")
def get_team(name):
    """One team with its contacts and what it owns."""
    return teams.get(graph(), name)


@blp.route("/<name>", methods=["PUT"])
@requires("admin")
@blp.arguments(TeamIn, required=False)
@blp.response(200, TeamDetail, description="Updated")
@blp.alt_response(201, schema=TeamDetail, description="Created")
@blp.alt_response(400, schema="Error")
def put_team(body, name):
    """Create a team or update its contacts (omitted contacts stay as they are)."""
    team, created = teams.upsert(graph(), name, **body, actor=actor())
    return team, 201 if created else 200
