"""The checks of an import, all made before anything is written.

1. The document alone — format and version, required fields, types, name, version, range
   and time syntax, choices (kind, stage, status), duplicates — raises `Invalid` naming
   each position, e.g. ``component_versions[1234].version: must not be empty``. Each
   record is checked by a marshmallow schema built from its declaration
   (`app.core.records`), so the document takes what the API takes.
2. References (owners, components, component versions, applications, application
   versions, environments, deployments) must be in the document or already in the graph,
   else `Invalid` names the position.
3. Records the graph already holds must agree with it where the catalog treats them as
   immutable, else `Conflict` names the position and the fields.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import marshmallow as ma
from marshmallow import fields

from app.catalog import engine_settings
from app.core import naming, properties, records, semver, times
from app.core.records import IMMUTABLE_FIELDS
from app.deploy.deployments import ID_RULES, STATUSES
from app.errors import Conflict, Invalid
from app.graph import Graph
from app.transfer.format import (
    APPLICATION_VERSIONS,
    APPLICATIONS,
    COMPONENT_VERSIONS,
    COMPONENTS,
    DEPLOYMENTS,
    ENVIRONMENTS,
    FORMAT,
    FORMAT_VERSION,
    KINDS_IN_ORDER,
    TEAMS,
    Key,
    Kind,
    Problem,
)

#: Positions listed in an error's details; the message still counts all of them.
MAX_PROBLEMS = 100


# -- the document alone: one schema per kind --------------------------------------------
def _rule(problem_of: Callable[[Any], str | None]) -> Callable[[Any], None]:
    """A marshmallow validator from a rule that says what is wrong with a value (or None)."""

    def check(value: Any) -> None:
        problem = problem_of(value)
        if problem:
            raise ma.ValidationError(problem)

    return check


def _text_problem(value: Any) -> str | None:
    return (
        None if properties.is_text(value) else "must be valid Unicode text (no unpaired surrogates)"
    )


def _time_problem(value: Any) -> str | None:
    return None if times.parse(value) else times.PROBLEM


def _one_of(choices: tuple[str, ...]) -> Callable[[Any], str | None]:
    return lambda value: None if value in choices else f"must be one of {', '.join(choices)}"


_MESSAGES = {"required": "is required", "null": "is required"}


def _string(problem_of: Callable[[Any], str | None], required: bool = False) -> fields.String:
    return fields.String(
        required=required,
        allow_none=not required,
        validate=_rule(problem_of),
        error_messages={**_MESSAGES, "invalid": "must be a string"},
    )


def _list(schema: type[ma.Schema], required: bool = False) -> fields.List:
    return fields.List(
        fields.Nested(schema),
        required=required,
        allow_none=not required,
        error_messages={**_MESSAGES, "invalid": "must be a list"},
    )


class _Attributes(fields.Field):
    """Attributes as registration takes them (`properties.attribute_*_problem`), so nothing
    fails halfway through the writes."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, dict):
            raise ma.ValidationError("must be an object")
        problems: dict[str, list[str]] = {}
        for key, item in value.items():
            name_problem = properties.attribute_name_problem(key)
            if name_problem:
                problems.setdefault("", []).append(name_problem)
            elif properties.attribute_value_problem(item):
                problems[key] = [properties.attribute_value_problem(item)]
        if problems:
            raise ma.ValidationError(problems)
        return value


class _Record(ma.Schema):
    """A record of the document: unknown fields are refused, so a misspelt one is noticed.
    Null stands for "not given": allowed where a field may be left out, else "is required"."""

    class Meta:
        unknown = ma.RAISE

    error_messages = {"unknown": "unknown field", "type": "must be an object"}


def _schema(name: str, declared: dict[str, fields.Field]) -> type[ma.Schema]:
    return _Record.from_dict(declared, name=name)


_NAME = naming.name_problem
_VERSION = naming.version_problem
_MEMBER = _schema(
    "Member", {"component": _string(_NAME, required=True), "version": _string(_VERSION, True)}
)
_DEPENDENCY = _schema(
    "Dependency",
    {
        "component": _string(_NAME, required=True),
        "range": _string(lambda value: _text_problem(value) or semver.range_problem(value)),
    },
)
_APPLICATION_VERSION_REF = _schema(
    "ApplicationVersionRef",
    {"application": _string(_NAME, required=True), "version": _string(_VERSION, True)},
)

_BY_RULE: dict[str, Callable[[Any], str | None]] = {
    "text": _text_problem,
    "indexed": lambda value: _text_problem(value) or properties.indexed_text_problem(value),
    "digest": lambda value: (
        _text_problem(value)
        or properties.indexed_text_problem(value)
        or properties.digest_problem(value)
    ),
    "commit": lambda value: _text_problem(value) or properties.git_commit_problem(value),
    "chart": lambda value: _text_problem(value) or engine_settings.chart_problem(value),
    "chart_version": lambda value: (
        _text_problem(value) or engine_settings.chart_version_problem(value)
    ),
    "time": _time_problem,
    "name": _NAME,
    "version": _VERSION,
}


def _declared(record: records.Record, **overrides: fields.Field) -> dict[str, fields.Field]:
    """A record's document fields from its declaration: every field the graph does not
    derive, its key fields required; `overrides` add the document's own fields and
    tighten the rules of others."""
    declared: dict[str, fields.Field] = {}
    for field in record.fields:
        if field.derived or field.rule == "ref":
            continue
        if field.rule == "attributes":
            declared[field.name] = _Attributes(allow_none=True)
        elif field.rule == "choice":
            declared[field.name] = _string(_one_of(field.choices))
        else:
            declared[field.name] = _string(_BY_RULE[field.rule], required=field.key)
    return {**declared, **overrides}


#: The schema of each kind's records.
SCHEMAS: dict[str, ma.Schema] = {
    name: _schema(name, declared)()
    for name, declared in {
        "teams": _declared(records.TEAM),
        "environments": _declared(records.ENVIRONMENT),
        "components": _declared(records.COMPONENT),
        "component_versions": _declared(records.COMPONENT_VERSION, dependencies=_list(_DEPENDENCY)),
        "applications": _declared(records.APPLICATION),
        "application_versions": _declared(
            records.APPLICATION_VERSION, components=_list(_MEMBER, required=True)
        ),
        "deployments": _declared(
            records.DEPLOYMENT,
            id=_string(ID_RULES, required=True),
            environment=_string(_NAME, required=True),
            status=_string(_one_of(STATUSES), required=True),
            started_at=_string(_time_problem, required=True),
            finished_at=_string(_time_problem, required=True),
            application=fields.Nested(_APPLICATION_VERSION_REF, allow_none=True),
            components=_list(_MEMBER),
        ),
        "runs": {
            "environment": _string(_NAME, required=True),
            "component": _string(_NAME, required=True),
            "version": _string(_VERSION, required=True),
            "since": _string(_time_problem, required=True),
            "deployment": _string(ID_RULES, required=True),
        },
    }.items()
}


def _problems(errors: Any, path: str) -> list[Problem]:
    """marshmallow's nested error messages as (position, message) pairs."""
    if isinstance(errors, list):
        return [(path, message) for message in errors]
    found = []
    for key, inner in errors.items():
        if key in ("", "_schema"):
            where = path
        elif isinstance(key, int):
            where = f"{path}[{key}]"
        else:
            where = f"{path}.{key}"
        found += _problems(inner, where)
    return found


def _listed_twice(items: list[dict[str, Any]], path: str) -> list[Problem]:
    """A component named twice in a list of dependencies or members."""
    seen: set[str] = set()
    problems = []
    for index, item in enumerate(items):
        if item["component"] in seen:
            problems.append((f"{path}[{index}].component", f"{item['component']} is listed twice"))
        seen.add(item["component"])
    return problems


def _component_version_rules(record: dict[str, Any], path: str) -> list[Problem]:
    dependencies = record.get("dependencies") or []
    problems = _listed_twice(dependencies, f"{path}.dependencies")
    problems += [
        (f"{path}.dependencies[{index}].component", "a component cannot depend on itself")
        for index, dependency in enumerate(dependencies)
        if dependency["component"] == record["component"]
    ]
    return problems


def _application_version_rules(record: dict[str, Any], path: str) -> list[Problem]:
    return _listed_twice(record["components"], f"{path}.components")


def _deployment_rules(record: dict[str, Any], path: str) -> list[Problem]:
    problems = _listed_twice(record.get("components") or [], f"{path}.components")
    if (record.get("application") is None) == (not record.get("components")):
        problems.append(
            (f"{path}.application", "give either an application version or component versions")
        )
    if times.parse(record["finished_at"]) < times.parse(record["started_at"]):
        problems.append((f"{path}.finished_at", "must not be before started_at"))
    return problems


#: Rules across the fields of one record, checked once its fields are fine.
RECORD_RULES: dict[str, Callable[[dict[str, Any], str], list[Problem]]] = {
    "component_versions": _component_version_rules,
    "application_versions": _application_version_rules,
    "deployments": _deployment_rules,
}


def checked(document: Any) -> dict[str, list[dict[str, Any]]]:
    """The document's lists (a missing list is empty) once nothing is wrong with the
    document on its own; else `Invalid` naming every bad position."""
    if not isinstance(document, dict):
        raise Invalid(
            f"the document must be a mapping with format {FORMAT!r}",
            {"document": ["must be a mapping"]},
        )
    problems = _format_problems(document)
    if problems:
        _refuse(problems)  # a document of another format is not worth reading further
    lists = {
        kind.name: [] if document.get(kind.name) is None else document[kind.name]
        for kind in KINDS_IN_ORDER
    }
    for kind in KINDS_IN_ORDER:
        problems += _list_problems(kind, lists[kind.name])
    if problems:
        _refuse(problems)
    return lists


def _format_problems(document: dict[str, Any]) -> list[Problem]:
    problems = []
    if document.get("format") != FORMAT:
        problems.append(("format", f"must be {FORMAT!r}"))
    version = document.get("format_version")
    if type(version) is not int or version != FORMAT_VERSION:
        problems.append(
            ("format_version", f"must be {FORMAT_VERSION}, the version this Mercator reads")
        )
    known = {"format", "format_version", *SCHEMAS}
    problems += [(name, "unknown field") for name in document if name not in known]
    return problems


def _list_problems(kind: Kind, records: Any) -> list[Problem]:
    if not isinstance(records, list):
        return [(kind.name, "must be a list")]
    problems = []
    first_at: dict[Key, int] = {}
    rules = RECORD_RULES.get(kind.name, lambda record, path: [])
    for index, record in enumerate(records):
        path = f"{kind.name}[{index}]"
        found = _problems(SCHEMAS[kind.name].validate(record), path)
        if not found:
            found = rules(record, path)
            key = kind.key_of(record)
            if key in first_at:
                found.append(
                    (
                        f"{path}.{kind.key[-1]}",
                        f"{kind.label} {' '.join(key)} is "
                        f"listed twice (first at {kind.name}[{first_at[key]}])",
                    )
                )
            first_at.setdefault(key, index)
        problems += found
    return problems


def _refuse(problems: list[Problem]) -> None:
    """Raise `Invalid` naming the first problem in its message and up to `MAX_PROBLEMS` by
    position in its details."""
    details: dict[str, list[str]] = {}
    for path, message in problems[:MAX_PROBLEMS]:
        details.setdefault(path, []).append(message)
    raise Invalid(_summary(problems), details)


def _summary(problems: list[Problem]) -> str:
    path, message = problems[0]
    more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
    return f"{path}: {message}{more}"


# -- against the graph ------------------------------------------------------------------
def references(lists: dict[str, list[dict[str, Any]]]) -> Iterator[tuple[str, Kind, Key]]:
    """Every reference in the document: (its position, the kind it names, the key named)."""
    for name in ("components", "applications"):
        for index, record in enumerate(lists[name]):
            if record.get("owner") is not None:
                yield f"{name}[{index}].owner", TEAMS, (record["owner"],)
    for index, record in enumerate(lists["component_versions"]):
        path = f"component_versions[{index}]"
        yield f"{path}.component", COMPONENTS, (record["component"],)
        for at, dependency in enumerate(record.get("dependencies") or []):
            yield f"{path}.dependencies[{at}].component", COMPONENTS, (dependency["component"],)
    for index, record in enumerate(lists["application_versions"]):
        path = f"application_versions[{index}]"
        yield f"{path}.application", APPLICATIONS, (record["application"],)
        yield from _member_references(record["components"], f"{path}.components")
    for index, record in enumerate(lists["deployments"]):
        path = f"deployments[{index}]"
        yield f"{path}.environment", ENVIRONMENTS, (record["environment"],)
        if record.get("application") is not None:
            yield (
                f"{path}.application",
                APPLICATION_VERSIONS,
                APPLICATION_VERSIONS.key_of(record["application"]),
            )
        yield from _member_references(record.get("components") or [], f"{path}.components")
    for index, record in enumerate(lists["runs"]):
        path = f"runs[{index}]"
        yield f"{path}.environment", ENVIRONMENTS, (record["environment"],)
        yield f"{path}.version", COMPONENT_VERSIONS, (record["component"], record["version"])
        yield f"{path}.deployment", DEPLOYMENTS, (record["deployment"],)


def _member_references(members: list[dict[str, Any]], path: str) -> Iterator[tuple[str, Kind, Key]]:
    for index, member in enumerate(members):
        yield f"{path}[{index}]", COMPONENT_VERSIONS, COMPONENT_VERSIONS.key_of(member)


def existing(
    graph: Graph, lists: dict[str, list[dict[str, Any]]], references: list[tuple[str, Kind, Key]]
) -> dict[str, dict[Key, dict[str, Any]]]:
    """What the graph holds of every record the document lists or refers to."""
    wanted = {
        kind.name: {kind.key_of(record): None for record in lists[kind.name]}
        for kind in KINDS_IN_ORDER
    }
    for _, kind, key in references:
        wanted[kind.name][key] = None
    return {kind.name: kind.lookup(graph.read, wanted[kind.name]) for kind in KINDS_IN_ORDER}


def check_references(
    lists: dict[str, list[dict[str, Any]]],
    references: list[tuple[str, Kind, Key]],
    existing: dict[str, dict[Key, dict[str, Any]]],
) -> None:
    listed = {
        kind.name: {kind.key_of(record) for record in lists[kind.name]} for kind in KINDS_IN_ORDER
    }
    dangling = [
        (path, f"no {kind.label} {' '.join(key)} in the document or the catalog")
        for path, kind, key in references
        if key not in listed[kind.name] and key not in existing[kind.name]
    ]
    if dangling:
        _refuse(dangling)


def _members(items: list[dict[str, Any]]) -> dict[str, str]:
    return {item["component"]: item["version"] for item in items}


#: The content of a record the catalog never changes once it holds it; an import that
#: gives other content is refused. Both the document's and the graph's records go through
#: the same function, so they compare field by field.
IMMUTABLE: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    # a component that has no kind yet may get one
    "components": lambda r: {"kind": r["kind"]} if r.get("kind") else {},
    "component_versions": lambda r: {
        **{name: r.get(name) for name in IMMUTABLE_FIELDS},
        "attributes": r.get("attributes") or {},
        "dependencies": {d["component"]: d.get("range") for d in r.get("dependencies") or []},
    },
    "application_versions": lambda r: {"components": _members(r["components"])},
    "deployments": lambda r: {
        "environment": r["environment"],
        "status": r["status"],
        "application": r.get("application"),
        "components": _members(r.get("components") or []),
    },
}


def check_conflicts(
    lists: dict[str, list[dict[str, Any]]], existing: dict[str, dict[Key, dict[str, Any]]]
) -> None:
    """Raise `Conflict` naming every record the graph holds with other immutable content."""
    problems: list[Problem] = []
    details: dict[str, dict[str, Any]] = {}
    for kind in KINDS_IN_ORDER:
        content = IMMUTABLE.get(kind.name)
        for index, record in enumerate(lists[kind.name] if content else []):
            held = existing[kind.name].get(kind.key_of(record))
            if held is None:
                continue
            given, registered = content(record), content(held)
            fields = sorted(
                name for name in given.keys() & registered.keys() if given[name] != registered[name]
            )
            if fields:
                path = f"{kind.name}[{index}]"
                problems.append(
                    (
                        path,
                        f"{kind.label} {' '.join(kind.key_of(record))} is in "
                        f"the catalog with other {', '.join(fields)}",
                    )
                )
                details[path] = {
                    name: {"registered": registered[name], "given": given[name]} for name in fields
                }
    if problems:
        raise Conflict(_summary(problems), dict(list(details.items())[:MAX_PROBLEMS]))
