"""The catalog as Backstage entities, for a Backstage instance to read as a `url` location."""

from __future__ import annotations

import marshmallow as ma
import yaml
from flask import Response, request
from flask_smorest import Blueprint
from marshmallow import fields, validate

from app.backstage import entities
from app.http.context import graph


class EntitiesArgs(ma.Schema):
    format = fields.String(
        load_default="json",
        validate=validate.OneOf(("json", "yaml")),
        metadata={
            "description": "json: {items: [...]}; yaml: one YAML document per entity, what "
            "a Backstage `url` location reads"
        },
    )


class EntityList(ma.Schema):
    items = fields.List(fields.Dict(), metadata={"description": "Backstage entities"})


blp = Blueprint(
    "backstage", __name__, url_prefix="/api/v1/backstage", description="Backstage entities"
)


@blp.route("/entities")
@blp.arguments(EntitiesArgs, location="query")
@blp.response(200, EntityList)
@blp.doc(
    responses={
        200: {
            "content": {
                "application/yaml": {
                    # any: YAML documents, one per entity (none for an empty catalog)
                    "schema": {"description": "format=yaml: one YAML document per entity"}
                }
            }
        }
    }
)
def list_entities(args):
    """Every team as a Group, application as a System and component as a Component, with
    annotations naming the latest version and where it runs, and links to Mercator's pages."""
    items = entities.export_entities(graph(), request.url_root)
    if args["format"] == "yaml":
        text = yaml.safe_dump_all(items, sort_keys=False, allow_unicode=True)
        return Response(text, mimetype="application/yaml")
    return {"items": items}
