"""Each catalog record's fields, declared once.

A record (team, component, component version, …) is a tuple of `Field`s. Everything that
names a record's fields derives from it: how a node's stored properties read in answers
(`Record.shape`), the API's response schemas (`Record.schema`), the CLI's default columns
(`Record.columns`), and the import/export format's fields, their checks and their order
(`app.transfer.format`). Adding a field means adding it here.

Queries return node properties as they are stored (`v {.*}`); `shape` gathers a component
version's attributes from their `attr.` properties and leaves out internal bookkeeping
(`seq`, lock markers), so every reader sees the same thing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import marshmallow as ma
from marshmallow import fields as ma_fields

from app.core.properties import ATTRIBUTE_PREFIX

KINDS = ("service", "database", "config", "library", "binary", "infrastructure", "job")
STAGES = ("dev", "test", "staging", "prod")


@dataclass(frozen=True)
class Field:
    """One field of a record.

    `rule` says what a value must be: ``text``, ``indexed`` (text held to the indexed
    length), ``digest`` (an OCI digest), ``commit`` (a git commit), ``chart`` and
    ``chart_version`` (a Helm chart reference and version), ``name``,
    ``version``, ``time``, ``choice`` (one of `choices`), ``int``, ``bool``,
    ``attributes`` (free key-value pairs), ``strings`` (a list of text) or ``ref`` (an
    application version reference). `key` fields identify the record; `derived` ones are
    computed by the graph, shown in answers but never imported or exported; `immutable`
    ones make a component version what it is; `column` ones are the CLI's default table
    columns, in declaration order.
    """

    name: str
    rule: str = "text"
    description: str = ""
    choices: tuple[str, ...] = ()
    key: bool = False
    derived: bool = False
    immutable: bool = False
    column: bool = False
    stored: bool = True  # a property of the record's node (else supplied by its query)

    def marshmallow(self) -> ma_fields.Field:
        """The field of a response schema. Answers hold every field of a record (`shape`),
        null for what is unknown, so each is required: a generated client then reads it
        without checking that it is there."""
        metadata = {"description": self.description} if self.description else {}
        if self.rule == "time":
            metadata["format"] = "date-time"
        if self.rule == "int":
            return ma_fields.Integer(required=True, metadata=metadata)
        if self.rule == "bool":
            return ma_fields.Boolean(required=True, metadata=metadata)
        if self.rule == "attributes":
            return ma_fields.Dict(
                keys=ma_fields.String(),
                values=ma_fields.Raw(metadata={"anyOf": ATTRIBUTE_VALUE}),
                required=True,
                metadata=metadata,
            )
        if self.rule == "strings":
            return ma_fields.List(ma_fields.String(), required=True, metadata=metadata)
        if self.rule == "ref":
            return ma_fields.Nested(AppRef, allow_none=True, required=True, metadata=metadata)
        return ma_fields.String(allow_none=not self.key, required=True, metadata=metadata)


#: What an attribute value may be (`properties.attribute_value_problem`), as JSON Schema.
ATTRIBUTE_VALUE = [
    {"type": "string"},
    {"type": "integer", "minimum": -(2**63), "maximum": 2**63 - 1},
    {"type": "number"},
    {"type": "boolean"},
]


class AppRef(ma.Schema):
    """An application version, as a deployment names it."""

    application = ma_fields.String(required=True)
    version = ma_fields.String(required=True)


@dataclass(frozen=True)
class Record:
    name: str
    fields: tuple[Field, ...]

    def field(self, name: str) -> Field:
        for field in self.fields:
            if field.name == name:
                return field
        raise KeyError(f"{self.name} has no field {name!r}")

    def names(self, *, derived: bool = True) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if derived or not f.derived)

    @property
    def key(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.key)

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.column)

    def pick(self, *names: str) -> tuple[Field, ...]:
        return tuple(self.field(name) for name in names)

    def shape(self, props: dict[str, Any], **given: Any) -> dict[str, Any]:
        """The record as answers show it, from its node's properties; `given` supplies the
        fields its query found elsewhere (an owner, a predecessor, an environment)."""
        shaped = {}
        for field in self.fields:
            if field.name in given:
                shaped[field.name] = given[field.name]
            elif field.rule == "attributes":
                shaped[field.name] = attributes_of(props)
            elif field.rule == "int":
                shaped[field.name] = props.get(field.name, 0)
            else:
                shaped[field.name] = props.get(field.name)
        return shaped

    def schema(self, name: str, **extra: ma_fields.Field) -> type[ma.Schema]:
        """The response schema of this record (plus `extra` fields) for the API document."""
        return schema_of(name, self.fields, **extra)


def schema_of(name: str, *groups: Iterable[Field], **extra: ma_fields.Field) -> type[ma.Schema]:
    """A response schema from fields of one or more records (`Record.pick`), in order."""
    declared = {field.name: field.marshmallow() for group in groups for field in group}
    return type(name, (ma.Schema,), {**declared, **extra})


def attributes_of(props: dict[str, Any]) -> dict[str, Any]:
    """A component version's free attributes, from their `attr.` properties."""
    return {
        key[len(ATTRIBUTE_PREFIX) :]: value
        for key, value in sorted(props.items())
        if key.startswith(ATTRIBUTE_PREFIX)
    }


_WRITER = "The token that last wrote it"

TEAM = Record(
    "team",
    (
        Field("name", "name", key=True, column=True),
        Field("email", description="Team email", column=True),
        Field("chat", description="Chat channel", column=True),
        Field("pager", description="Pager / on-call handle", column=True),
        Field("created_at", "time"),
        Field("updated_by", description=_WRITER),
    ),
)

COMPONENT = Record(
    "component",
    (
        Field("name", "name", key=True, column=True),
        Field("kind", "choice", choices=KINDS, column=True),
        Field("owner", "name", description="Owner team", column=True, stored=False),
        Field("description", description="What the component does"),
        Field("repository_url", description="Where its source lives"),
        Field("latest_version", derived=True, column=True),
        Field("version_count", "int", derived=True, column=True),
        Field("created_at", "time"),
    ),
)

COMPONENT_VERSION = Record(
    "component_version",
    (
        Field("component", "name", key=True),
        Field("version", "version", key=True, column=True),
        Field("image", "indexed", "Container image (repository)", immutable=True),
        Field("digest", "digest", "Image digest", immutable=True, column=True),
        Field("git_repository", description="Git repository URL", immutable=True),
        Field("git_commit", "commit", "Git commit SHA", immutable=True, column=True),
        Field("git_branch", description="Git branch", immutable=True),
        Field("chart", "chart", "Helm chart", immutable=True),
        Field("chart_version", "chart_version", "Helm chart version", immutable=True),
        Field("build_url", description="Link to the build"),
        Field("created_at", "time", "Build time", column=True),
        Field("attributes", "attributes", "Free key-value pairs"),
        Field(
            "previous",
            description="Predecessor in registration order",
            derived=True,
            column=True,
            stored=False,
        ),
        Field("registered_by", description="The token that registered it"),
    ),
)

APPLICATION = Record(
    "application",
    (
        Field("name", "name", key=True, column=True),
        Field("owner", "name", description="Owner team", column=True, stored=False),
        Field("description", description="What the application is"),
        Field("latest_version", derived=True, column=True),
        Field("version_count", "int", derived=True, column=True),
        Field("created_at", "time"),
    ),
)

APPLICATION_VERSION = Record(
    "application_version",
    (
        Field("application", "name", key=True),
        Field("version", "version", key=True, column=True),
        Field("previous", derived=True, column=True, stored=False),
        Field("reason", description="What made this version", column=True),
        Field("created_at", "time", column=True),
        Field("created_by", description="The token whose write made it"),
    ),
)

ENVIRONMENT = Record(
    "environment",
    (
        Field("name", "name", key=True, column=True),
        Field("stage", "choice", choices=STAGES, column=True),
        Field("cluster", description="Kubernetes cluster (kube context)", column=True),
        Field("namespace", description="Namespace", column=True),
        Field("engine", description="Deployment engine: helm, command, none, ..."),
        Field("description", description="What the environment is for"),
        Field("created_at", "time"),
        Field("updated_by", description=_WRITER),
        Field(
            "retired_at",
            "time",
            "When it was retired (a CDEvents environment.deleted): nothing runs there any "
            "more, its history stays",
        ),
    ),
)

DEPLOYMENT = Record(
    "deployment",
    (
        Field("id", key=True, column=True),
        Field("environment", "name", column=True, stored=False),
        Field("application", "ref", column=True, stored=False),
        Field("status", column=True),
        Field("started_at", "time"),
        Field("finished_at", "time", column=True),
        Field("recorded_at", "time"),
        Field("by", description="Who deployed (as the request said)", column=True),
        Field("recorded_by", description="The token that recorded it"),
        Field("engine"),
        Field("log_url"),
    ),
)

TOKEN = Record(
    "token",
    (
        Field("name", "name", key=True, column=True),
        Field("scopes", "strings", column=True),
        Field("component_prefix", column=True),
        Field("team", column=True),
        Field(
            "applications",
            "strings",
            description="Applications a limited token may add its components to besides its "
            "team's (an admin's grant)",
        ),
        Field("state", description="active, expired or revoked", column=True, stored=False),
        Field("expires_at", "time", column=True),
        Field("created_at", "time", column=True),
        Field("created_by"),
        Field("revoked_at", "time"),
        Field("revoked_by"),
    ),
)

#: The fields that make a component version what it is; registering a version again with
#: any of them different is refused. (`build_url` may differ between retries of one build.)
IMMUTABLE_FIELDS = tuple(f.name for f in COMPONENT_VERSION.fields if f.immutable)


def team(props: dict[str, Any]) -> dict[str, Any]:
    return TEAM.shape(props)


def component(props: dict[str, Any], owner: str | None) -> dict[str, Any]:
    return COMPONENT.shape(props, owner=owner)


def component_version(
    props: dict[str, Any],
    previous: str | None = None,
    dependencies: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    shaped = COMPONENT_VERSION.shape(props, previous=previous)
    if dependencies is not None:
        shaped["dependencies"] = sorted(dependencies, key=lambda d: d["component"])
    return shaped


def application(props: dict[str, Any], owner: str | None) -> dict[str, Any]:
    return APPLICATION.shape(props, owner=owner)


def application_version(props: dict[str, Any], previous: str | None) -> dict[str, Any]:
    return APPLICATION_VERSION.shape(props, previous=previous)


def environment(props: dict[str, Any]) -> dict[str, Any]:
    return ENVIRONMENT.shape(props)


def deployment(
    props: dict[str, Any], environment_name: str, application_version: dict[str, Any] | None
) -> dict[str, Any]:
    return DEPLOYMENT.shape(props, environment=environment_name, application=application_version)
