"""Search: anything in the catalog by part of its name (the web catalog's search box)."""

from __future__ import annotations

import marshmallow as ma
from flask_smorest import Blueprint
from marshmallow import fields, validate

from app.api.fields import Answer
from app.catalog import search
from app.http.context import graph

blp = Blueprint("search", __name__, url_prefix="/api/v1/search", description="Search by name")


class SearchArgs(ma.Schema):
    q = fields.String(
        required=True,
        validate=validate.Length(min=1, max=search.MAX_TEXT),
        # At least one character that is not white space: the search trims it off.
        metadata={"description": "Part of a name, as typed (case counts)", "pattern": r"\S"},
    )
    limit = fields.Integer(
        load_default=search.DEFAULT_LIMIT,
        validate=validate.Range(1, search.MAX_LIMIT),
        metadata={"description": "At most this many of each kind"},
    )


class SearchHit(Answer):
    name = fields.String()
    key = fields.String(metadata={"description": "What its page is found by: name, or purl"})
    detail = fields.String(metadata={"description": "Kind and latest version, stage, email..."})


def _hits():
    return fields.List(fields.Nested(SearchHit))


class SearchResults(Answer):
    component = _hits()
    application = _hits()
    environment = _hits()
    team = _hits()
    package = _hits()


class SearchResult(Answer):
    text = fields.String()
    total = fields.Integer()
    results = fields.Nested(SearchResults)


@blp.route("")
@blp.arguments(SearchArgs, location="query")
@blp.response(200, SearchResult)
@blp.alt_response(400, schema="Error")
def search_by_name(args):
    """Components, applications, environments, teams and packages whose name contains `q`,
    shortest names first."""
    return search.by_name(graph(), args["q"], args["limit"])
