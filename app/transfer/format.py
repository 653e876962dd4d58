"""The catalog document: its format, its kinds of record, and its text (JSON or YAML).

The format is described in docs/transfer.md. Every record's fields come from its
declaration in `app.core.records`, minus what the graph derives (`DERIVED_FIELDS`), plus
the few fields only the document has (`DOCUMENT_FIELDS`): a component version's
dependencies, the component versions of an application version or a deployment, a
deployment's application version. An export sorts every list (`Kind.order`), so exporting
the same catalog twice, or after an export → import round trip, gives the same text.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import yaml

from app.core import records
from app.errors import Invalid

FORMAT = "mercator-catalog"
FORMAT_VERSION = 1

#: Keys per query when reading records the graph holds (export, and the checks of an import).
LOOKUP_CHUNK = 5000

#: What the graph derives from the order of versions; kept out of documents.
DERIVED_FIELDS = ("latest_version", "version_count", "previous", "seq")

Key = tuple[Any, ...]
Problem = tuple[str, str]  # (position in the document, what is wrong there)
Query = Callable[..., list[dict[str, Any]]]  # `Tx.run` or `Graph.read`


# -- the kinds of record ----------------------------------------------------------------
@dataclass(frozen=True)
class Kind:
    """One list of the document: how its records are identified, read, sorted and called."""

    name: str
    label: str  # how an error message calls one record
    key: tuple[str, ...]  # the fields that identify a record
    order: tuple[str, ...]  # the fields an export is sorted by
    shape: Callable[[dict[str, Any]], dict[str, Any]]  # a `transfer/<name>` row -> record

    def key_of(self, record: dict[str, Any]) -> Key:
        return tuple(record[field] for field in self.key)

    def lookup(self, query: Query, keys: Iterable[Key]) -> dict[Key, dict[str, Any]]:
        """The records with these keys that the graph holds, `LOOKUP_CHUNK` keys a query."""
        wanted = [dict(zip(self.key, key, strict=True)) for key in keys]
        found = {}
        for start in range(0, len(wanted), LOOKUP_CHUNK):
            for row in query(f"transfer/{self.name}", keys=wanted[start : start + LOOKUP_CHUNK]):
                record = self.shape(row)
                found[self.key_of(record)] = record
        return found


def _component_version(row: dict[str, Any]) -> dict[str, Any]:
    shaped = records.component_version(row["props"], dependencies=row["dependencies"])
    return {**shaped, "seq": row["props"]["seq"]}


def _application_version(row: dict[str, Any]) -> dict[str, Any]:
    shaped = records.application_version(row["props"], previous=None)
    return {**shaped, "components": row["components"], "seq": row["props"]["seq"]}


def _deployment(row: dict[str, Any]) -> dict[str, Any]:
    shaped = records.deployment(row["props"], row["environment"], row["application"])
    return {**shaped, "components": row["components"]}


TEAMS = Kind("teams", "team", ("name",), ("name",), lambda row: records.team(row["props"]))
ENVIRONMENTS = Kind(
    "environments",
    "environment",
    ("name",),
    ("name",),
    lambda row: records.environment(row["props"]),
)
COMPONENTS = Kind(
    "components",
    "component",
    ("name",),
    ("name",),
    lambda row: records.component(row["props"], row["owner"]),
)
COMPONENT_VERSIONS = Kind(
    "component_versions",
    "component version",
    ("component", "version"),
    ("component", "seq"),
    _component_version,
)
APPLICATIONS = Kind(
    "applications",
    "application",
    ("name",),
    ("name",),
    lambda row: records.application(row["props"], row["owner"]),
)
APPLICATION_VERSIONS = Kind(
    "application_versions",
    "application version",
    ("application", "version"),
    ("application", "seq"),
    _application_version,
)
DEPLOYMENTS = Kind("deployments", "deployment", ("id",), ("id",), _deployment)
RUNS = Kind("runs", "run", ("environment", "component"), ("environment", "component"), dict)

#: Every kind, in the order an import writes them: each after the kinds it refers to.
KINDS_IN_ORDER = (
    TEAMS,
    ENVIRONMENTS,
    COMPONENTS,
    COMPONENT_VERSIONS,
    APPLICATIONS,
    APPLICATION_VERSIONS,
    DEPLOYMENTS,
    RUNS,
)


#: The fields of each kind that its record declaration does not hold.
DOCUMENT_FIELDS: dict[str, tuple[str, ...]] = {
    "component_versions": ("dependencies",),
    "application_versions": ("components",),
    "deployments": ("components",),
}

#: The records of kinds that are not catalog records of their own.
RUN_FIELDS = ("environment", "component", "version", "since", "deployment")

_DECLARED = {
    "teams": records.TEAM,
    "environments": records.ENVIRONMENT,
    "components": records.COMPONENT,
    "component_versions": records.COMPONENT_VERSION,
    "applications": records.APPLICATION,
    "application_versions": records.APPLICATION_VERSION,
    "deployments": records.DEPLOYMENT,
}


def fields_of(kind: str) -> tuple[str, ...]:
    """The fields a record of `kind` may hold in the document, in declaration order."""
    if kind == "runs":
        return RUN_FIELDS
    declared = _DECLARED[kind].fields
    kept = tuple(f.name for f in declared if f.name not in DERIVED_FIELDS)
    return kept + DOCUMENT_FIELDS.get(kind, ())


#: The fields that hold times (the document may write them in any form `times.parse` takes).
TIME_FIELDS = frozenset(
    {"since"} | {f.name for r in _DECLARED.values() for f in r.fields if f.rule == "time"}
)


# -- text -------------------------------------------------------------------------------
def dump(document: dict[str, Any]) -> str:
    """The document as text: the one serialization exports are compared in."""
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False)


class _YamlLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """Safe YAML that keeps unquoted times (``created_at: 2026-11-20T10:04:00Z``) as the
    strings the document format wants, rather than turning them into datetimes."""


_YamlLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load(text: str) -> dict[str, Any]:
    """A document from JSON or YAML text. JSON is tried first: `dump` writes it, and it
    parses much faster than the same text read as YAML."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError:
        try:
            document = yaml.load(text, Loader=_YamlLoader)  # a safe loader
        except yaml.YAMLError as exc:
            raise Invalid(
                f"the document is neither JSON nor YAML: {exc}", {"document": [str(exc)]}
            ) from exc
    if not isinstance(document, dict):
        raise Invalid(
            f"the document must be a mapping with format {FORMAT!r}",
            {"document": ["must be a mapping"]},
        )
    return document
