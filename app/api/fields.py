"""What the API's schemas share: checked names and versions, strict booleans, paging.

Each resource's own request and response schemas sit next to its routes (e.g.
`app.api.components`); response schemas of records derive from `app.core.records`.

Request schemas check structure and types (unknown fields are refused); the services
check the domain rules (name and version syntax, ranges, existence) and raise `Invalid`,
so the CLI, which calls the services directly, gets the same rules. Response schemas
document the shapes in the OpenAPI document.
"""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from app.api import openapi
from app.core import naming, paging

Str = fields.String


def rule(problem_of):
    """A marshmallow validator from a `naming` rule, so all bad fields are named at once."""

    def check(value):
        problem = problem_of(value)
        if problem:
            raise ma.ValidationError(problem)

    return check


def syntax(problem_of, json_schema: dict):
    """A string field checked by a `naming` rule, its syntax shown in the OpenAPI document."""

    def field(**kwargs) -> fields.String:
        metadata = {**json_schema, **kwargs.pop("metadata", {})}
        return Str(validate=rule(problem_of), metadata=metadata, **kwargs)

    return field


class StrictBoolean(fields.Boolean):
    """JSON ``true`` or ``false`` only: marshmallow's Boolean also takes 0, 1, "yes" and
    "off", which the OpenAPI document (type boolean) does not allow."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


Name = syntax(naming.name_problem, openapi.name_schema())


Version = syntax(naming.version_problem, openapi.version_schema())


def Time(**kwargs) -> fields.String:  # noqa: N802 (a field type, like Name and Version)
    """A point in time in an answer: ISO 8601 with its zone, `format: date-time` in the
    document, so generated clients read it as a datetime."""
    return Str(metadata={"format": "date-time", **kwargs.pop("metadata", {})}, **kwargs)


def optional(description: str, metadata: dict | None = None) -> fields.String:
    """An optional, nullable string field."""
    return Str(
        load_default=None,
        allow_none=True,
        metadata={"description": description, **(metadata or {})},
    )


# -- requests ---------------------------------------------------------------------------
class PagingArgs(ma.Schema):
    offset = fields.Integer(
        load_default=0,
        validate=validate.Range(min=0, max=paging.MAX_OFFSET),
        metadata={"description": "Items to skip"},
    )
    limit = fields.Integer(
        load_default=paging.DEFAULT_LIMIT,
        validate=validate.Range(min=1, max=paging.MAX_LIMIT),
        metadata={"description": f"Page size (at most {paging.MAX_LIMIT})"},
    )


class PrefixArgs(PagingArgs):
    prefix = Str(metadata={"description": "Only names that start with this"})


class MemberIn(ma.Schema):
    component = Name(required=True)
    version = Version(required=True)


# -- responses --------------------------------------------------------------------------
class Answer(ma.Schema):
    """A response schema whose every field is in every answer (null where it says so):
    the document marks them all `required`, so a generated client reads them without
    checking that they are there. The read tests check answers against it. A field some
    answers leave out is named in the subclass's ``Meta.optional``."""

    class Meta:
        optional: tuple[str, ...] = ()

    def on_bind_field(self, field_name, field_obj):
        field_obj.required = field_name not in self.Meta.optional


class PageOut(Answer):
    offset = fields.Integer()
    limit = fields.Integer()
    next_offset = fields.Integer(
        allow_none=True, metadata={"description": "Offset of the next page, or null"}
    )


def page_of(item: type[ma.Schema], name: str) -> type[ma.Schema]:
    return type(name, (PageOut,), {"items": fields.List(fields.Nested(item))})
