"""The whole catalog as one document: export it, import it, and read or write it as text.

The document is JSON-ready data (``dump`` writes it, ``load`` reads JSON or YAML)::

    {"format": "mercator-catalog", "format_version": 1,
     "teams": [{name, email, chat, pager, created_at, updated_by}],
     "components": [{name, kind, owner, description, repository_url, created_at}],
     "component_versions": [{component, version, image, digest, git_repository, git_commit,
                             git_branch, build_url, chart, chart_version, created_at,
                             registered_by, attributes: {},
                             dependencies: [{component, range}]}],
     "applications": [{name, owner, description, created_at}],
     "application_versions": [{application, version, reason, created_at, created_by,
                               components: [{component, version}]}],
     "environments": [{name, stage, cluster, namespace, engine, description, created_at,
                       updated_by}],
     "deployments": [{id, environment, status, started_at, finished_at, recorded_at,
                      recorded_by, by,
                      engine, log_url, application: {application, version} | null,
                      components: [{component, version}]}],
     "runs": [{environment, component, version, since, deployment}]}

The records have the shapes the API shows (`views`) minus what the graph derives: the
versions of one component (application) are listed in registration order, and that order
*is* the `PREVIOUS` chain, `seq`, `latest_version` and `version_count`, which an import
rebuilds. A deployment's `components` are the versions it was directly of (empty when it was
of an application version). An export sorts every list (by name; versions by parent and
registration order; deployments by id; runs by environment and component), so exporting the
same catalog twice, or after an export → import round trip, gives the same text.

An import checks the whole document before it writes anything, in three steps:

1. the document alone — format and version, required fields, types, name, version, range
   and time syntax, choices (kind, stage, status), duplicates — raises `Invalid` naming each
   position, e.g. ``component_versions[1234].version: must not be empty``;
2. references (owners, components, component versions, applications, application
   versions, environments, deployments) must be in the document or already in the graph,
   else `Invalid` names the position;
3. records the graph already holds must agree with it where the catalog treats them as
   immutable, else `Conflict` names the position and the fields: a component version's
   image, digest, git fields, chart, attributes and dependencies (as registration refuses);
   an application version's component versions; a deployment's environment, status,
   application version and component versions; a component's kind (when both have one).

Then it writes kind by kind (teams, environments, components, component versions,
applications, application versions, deployments, runs), in UNWIND batches of `batch_size`
records, one transaction per batch. Merging into a graph that holds some of the records:

- teams, environments, components and applications are merged on their names: a new one
  keeps the document's `created_at`; the details and owner the document gives replace the
  graph's, a null one keeps the graph's;
- component versions, application versions and deployments already in the graph (and
  equal, by step 3) are left as they are; new versions are appended after their parent's
  latest version, in document order. Nothing is derived: the document's application
  versions are the only ones imported;
- a run replaces the environment's `RUNS` edge to another version of that component unless
  that edge is more recent (`since`), the rule deployments follow.

So importing the same document twice changes nothing the second time. A failure while
writing (Neo4j gone) leaves the batches before it committed; importing the same document
again completes the import. Imports should not race with registrations of the same
components: a version registered between the checks and the writes makes its batch fail
whole (Neo4j's uniqueness constraint) rather than be overwritten or doubled.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import groupby
from typing import Any

import yaml

from app.catalog import ranges
from app.catalog.environments import STAGES
from app.catalog.registration import Registration, dependency_edges
from app.core import naming, properties, records, semver, times
from app.core.properties import IMMUTABLE_FIELDS, KINDS
from app.deploy.deployments import ID_RULES, STATUSES
from app.errors import Conflict, Invalid
from app.graph import Graph, Tx

FORMAT = "mercator-catalog"
FORMAT_VERSION = 1

#: Records written per transaction: large enough that 100,000 component versions import in
#: about a hundred transactions, small enough to keep each transaction's memory modest.
DEFAULT_BATCH_SIZE = 1000

#: Keys per query when reading records the graph holds (export, and the checks of an import).
LOOKUP_CHUNK = 5000

#: Positions listed in an error's details; the message still counts all of them.
MAX_PROBLEMS = 100

#: What the graph derives from the order of versions; kept out of documents.
DERIVED_FIELDS = ("latest_version", "version_count", "previous", "seq")

#: `progress(kind, done, total)`: called before the first and after every batch of a kind.
Progress = Callable[[str, int, int], None]
Key = tuple[Any, ...]
Problem = tuple[str, str]  # (position in the document, what is wrong there)
Query = Callable[..., list[dict[str, Any]]]  # `Tx.run` or `Graph.read`
Writer = Callable[[Tx, list[dict[str, Any]]], None]  # writes one batch of rows


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


# -- export -----------------------------------------------------------------------------
def export_catalog(graph: Graph) -> dict[str, Any]:
    """The whole catalog as one document, read in one transaction so that it is one
    consistent snapshot even while pipelines keep registering."""
    return graph.read_tx(_export)


def _export(tx: Tx) -> dict[str, Any]:
    keys = tx.single("transfer/keys")
    document: dict[str, Any] = {"format": FORMAT, "format_version": FORMAT_VERSION}
    for kind in KINDS_IN_ORDER:
        records = kind.lookup(tx.run, [kind.key_of(key) for key in keys[kind.name]])
        ordered = sorted(records.values(), key=lambda r, k=kind: [r[f] for f in k.order])
        document[kind.name] = [_public(record) for record in ordered]
    return document


def _public(record: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in record.items() if key not in DERIVED_FIELDS}


# -- import: the document alone ---------------------------------------------------------
Check = Callable[[Any, str], list[Problem]]


@dataclass(frozen=True)
class Field:
    """One field of a record: how its value is checked, and whether it may be left out."""

    check: Check
    required: bool = False


def _rule(problem_of: Callable[[Any], str | None]) -> Check:
    """A check of one value from a rule that says what is wrong with it (or None)."""

    def check(value: Any, path: str) -> list[Problem]:
        problem = problem_of(value)
        return [(path, problem)] if problem else []

    return check


def _text_problem(value: Any) -> str | None:
    if not isinstance(value, str):
        return "must be a string"
    return (
        None if properties.is_text(value) else "must be valid Unicode text (no unpaired surrogates)"
    )


def _one_of(choices: tuple[str, ...]) -> Check:
    return _rule(lambda value: None if value in choices else f"must be one of {', '.join(choices)}")


def _record_problems(spec: dict[str, Field], value: Any, path: str) -> list[Problem]:
    """What is wrong with one record: not an object, unknown fields, missing required ones,
    bad values (null stands for "not given")."""
    if not isinstance(value, dict):
        return [(path, "must be an object")]
    problems = [(f"{path}.{name}", "unknown field") for name in value if name not in spec]
    for name, field in spec.items():
        item = value.get(name)
        if item is not None:
            problems += field.check(item, f"{path}.{name}")
        elif field.required:
            problems.append((f"{path}.{name}", "is required"))
    return problems


def _list_of(spec: dict[str, Field]) -> Check:
    def check(value: Any, path: str) -> list[Problem]:
        if not isinstance(value, list):
            return [(path, "must be a list")]
        return [
            problem
            for index, item in enumerate(value)
            for problem in _record_problems(spec, item, f"{path}[{index}]")
        ]

    return check


def _attributes_problems(value: Any, path: str) -> list[Problem]:
    """Attributes as registration takes them (`properties.attribute_*_problem`), so nothing
    fails halfway through the writes."""
    if not isinstance(value, dict):
        return [(path, "must be an object")]
    problems = []
    for key, item in value.items():
        name_problem = properties.attribute_name_problem(key)
        if name_problem:
            problems.append((path, name_problem))
        elif properties.attribute_value_problem(item):
            problems.append((f"{path}.{key}", properties.attribute_value_problem(item)))
    return problems


TEXT = Field(_rule(_text_problem))
INDEXED_TEXT = Field(
    _rule(lambda value: _text_problem(value) or properties.indexed_text_problem(value))
)
TIME = Field(_rule(lambda value: None if times.parse(value) else times.PROBLEM))
NAME = Field(_rule(naming.name_problem))
REQUIRED_NAME = Field(NAME.check, required=True)
REQUIRED_VERSION = Field(_rule(naming.version_problem), required=True)
REQUIRED_TIME = Field(TIME.check, required=True)
MEMBERS = {"component": REQUIRED_NAME, "version": REQUIRED_VERSION}

#: What each record may hold; unknown fields are refused, so a misspelt one is noticed.
SPECS: dict[str, dict[str, Field]] = {
    "teams": {
        "name": REQUIRED_NAME,
        "email": TEXT,
        "chat": TEXT,
        "pager": TEXT,
        "created_at": TIME,
        "updated_by": TEXT,
    },
    "environments": {
        "name": REQUIRED_NAME,
        "stage": Field(_one_of(STAGES)),
        "cluster": TEXT,
        "namespace": TEXT,
        "engine": TEXT,
        "description": TEXT,
        "created_at": TIME,
        "updated_by": TEXT,
    },
    "components": {
        "name": REQUIRED_NAME,
        "kind": Field(_one_of(KINDS)),
        "owner": NAME,
        "description": TEXT,
        "repository_url": TEXT,
        "created_at": TIME,
    },
    "component_versions": {
        "component": REQUIRED_NAME,
        "version": REQUIRED_VERSION,
        **{name: TEXT for name in IMMUTABLE_FIELDS},
        **{name: INDEXED_TEXT for name in properties.INDEXED_FIELDS},
        "build_url": TEXT,
        "created_at": TIME,
        "registered_by": TEXT,
        "attributes": Field(_attributes_problems),
        "dependencies": Field(
            _list_of(
                {
                    "component": REQUIRED_NAME,
                    "range": Field(
                        _rule(lambda value: _text_problem(value) or semver.range_problem(value))
                    ),
                }
            )
        ),
    },
    "applications": {"name": REQUIRED_NAME, "owner": NAME, "description": TEXT, "created_at": TIME},
    "application_versions": {
        "application": REQUIRED_NAME,
        "version": REQUIRED_VERSION,
        "reason": TEXT,
        "created_at": TIME,
        "created_by": TEXT,
        "components": Field(_list_of(MEMBERS), required=True),
    },
    "deployments": {
        "id": Field(_rule(ID_RULES), required=True),
        "environment": REQUIRED_NAME,
        "status": Field(_one_of(STATUSES), required=True),
        "started_at": REQUIRED_TIME,
        "finished_at": REQUIRED_TIME,
        "recorded_at": TIME,
        "recorded_by": TEXT,
        "by": TEXT,
        "engine": TEXT,
        "log_url": TEXT,
        "application": Field(
            lambda value, path: _record_problems(
                {"application": REQUIRED_NAME, "version": REQUIRED_VERSION}, value, path
            )
        ),
        "components": Field(_list_of(MEMBERS)),
    },
    "runs": {
        "environment": REQUIRED_NAME,
        "component": REQUIRED_NAME,
        "version": REQUIRED_VERSION,
        "since": REQUIRED_TIME,
        "deployment": Field(_rule(ID_RULES), required=True),
    },
}

TIME_FIELDS = frozenset(
    name for spec in SPECS.values() for name, field in spec.items() if field.check is TIME.check
)


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


def _checked(document: Any) -> dict[str, list[dict[str, Any]]]:
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
    known = {"format", "format_version", *SPECS}
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
        found = _record_problems(SPECS[kind.name], record, path)
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


# -- import: against the graph ----------------------------------------------------------
def _references(lists: dict[str, list[dict[str, Any]]]) -> Iterator[tuple[str, Kind, Key]]:
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


def _existing(
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


def _check_references(
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


def _check_conflicts(
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


# -- import: what to write --------------------------------------------------------------
@dataclass(frozen=True)
class Plan:
    """The rows to write of one kind; how many of its records are new, and how many the
    graph already held (merged kinds write those too, the others leave them alone)."""

    rows: list[dict[str, Any]]
    created: int
    existing: int


def _row(kind: Kind, record: dict[str, Any]) -> dict[str, Any]:
    """A record as the write queries take it: every field present, times in the ISO form
    Neo4j parses (the document may use any form `times.parse` accepts)."""
    return {
        name: _time(record.get(name)) if name in TIME_FIELDS else record.get(name)
        for name in SPECS[kind.name]
    }


def _time(value: str | None) -> str | None:
    return None if value is None else times.parse(value).isoformat()


def _merged(kind: Kind, records: list[dict[str, Any]], existing: dict[Key, dict[str, Any]]) -> Plan:
    """Teams, environments, components, applications: every record is merged."""
    held = sum(kind.key_of(record) in existing for record in records)
    return Plan([_row(kind, record) for record in records], len(records) - held, held)


def _appended(
    kind: Kind,
    parent: Kind,
    records: list[dict[str, Any]],
    existing: dict[str, dict[Key, dict[str, Any]]],
) -> Plan:
    """Versions the graph does not hold yet, each numbered after its parent's latest version
    (the graph's, or the one before it in the document): `seq` and `previous`."""
    parent_field = kind.key[0]
    latest: dict[str, tuple[str | None, int]] = {}
    rows = []
    for record in records:
        if kind.key_of(record) in existing[kind.name]:
            continue
        name = record[parent_field]
        if name not in latest:
            held = existing[parent.name].get((name,)) or {}
            latest[name] = (held.get("latest_version"), held.get("version_count") or 0)
        previous, count = latest[name]
        rows.append({**_row(kind, record), "seq": count + 1, "previous": previous})
        latest[name] = (record["version"], count + 1)
    return _written_or_held(rows, records)


def _new(kind: Kind, records: list[dict[str, Any]], existing: dict[Key, dict[str, Any]]) -> Plan:
    """Deployments the graph does not hold yet."""
    rows = [_row(kind, record) for record in records if kind.key_of(record) not in existing]
    return _written_or_held(rows, records)


def _moved(records: list[dict[str, Any]], existing: dict[Key, dict[str, Any]]) -> Plan:
    """Runs that change the inventory: not already there, and not older than what is."""
    rows = [
        _row(RUNS, record)
        for record in records
        if not _run_is_kept(record, existing.get(RUNS.key_of(record)))
    ]
    return _written_or_held(rows, records)


def _written_or_held(rows: list[dict[str, Any]], records: list[dict[str, Any]]) -> Plan:
    """The plan of a kind whose records are either written or left as the graph holds them."""
    return Plan(rows, len(rows), len(records) - len(rows))


def _run_is_kept(run: dict[str, Any], held: dict[str, Any] | None) -> bool:
    """Whether the graph's RUNS edge stays: it is this run, or a more recent one."""
    if held is None:
        return False
    given, since = times.parse(run["since"]), times.parse(held["since"])
    same = (held["version"], held["deployment"]) == (run["version"], run["deployment"])
    return since > given or (same and since == given)


def _plans(
    lists: dict[str, list[dict[str, Any]]], existing: dict[str, dict[Key, dict[str, Any]]]
) -> dict[str, Plan]:
    return {
        **{
            kind.name: _merged(kind, lists[kind.name], existing[kind.name])
            for kind in (TEAMS, ENVIRONMENTS, COMPONENTS, APPLICATIONS)
        },
        "component_versions": _appended(
            COMPONENT_VERSIONS, COMPONENTS, lists["component_versions"], existing
        ),
        "application_versions": _appended(
            APPLICATION_VERSIONS, APPLICATIONS, lists["application_versions"], existing
        ),
        "deployments": _new(DEPLOYMENTS, lists["deployments"], existing["deployments"]),
        "runs": _moved(lists["runs"], existing["runs"]),
    }


# -- import: writing --------------------------------------------------------------------
def _write_all(tx: Tx, query: str, rows: list[dict[str, Any]]) -> None:
    """Run a write query over `rows` and insist that it wrote every one: a row whose
    parent vanished since the checks would otherwise be dropped without a word."""
    written = tx.single(query, rows=rows)["written"]
    if written != len(rows):
        raise Conflict(
            f"the catalog changed during the import ({query} wrote {written} of "
            f"{len(rows)}); import the document again",
            {"query": query},
        )


def _writing(query: str) -> Writer:
    return lambda tx, rows: _write_all(tx, query, rows)


def _versions_writer(
    kind: Kind,
    create: str,
    link: str,
    props: Callable[[dict[str, Any]], dict[str, Any]],
    settle: Callable[[Tx, list[dict[str, Any]]], object] | None = None,
) -> Writer:
    """Write a batch of new versions, then their PREVIOUS edges (a predecessor may be in the
    same batch). The last version of each parent in the batch becomes its latest."""
    parent_field = kind.key[0]

    def write(tx: Tx, rows: list[dict[str, Any]]) -> None:
        last = {row[parent_field]: index for index, row in enumerate(rows)}
        created = [
            {**props(row), "latest": last[row[parent_field]] == index}
            for index, row in enumerate(rows)
        ]
        _write_all(tx, create, created)
        links = [
            {
                parent_field: row[parent_field],
                "version": row["version"],
                "previous": row["previous"],
            }
            for row in rows
            if row["previous"] is not None
        ]
        if links:
            _write_all(tx, link, links)
        if settle:
            settle(tx, created)

    return write


def _component_version_props(row: dict[str, Any]) -> dict[str, Any]:
    """The node's and its DEPENDS_ON edges' properties exactly as registration stores them
    (attributes as `attr.*`, and what registration derives, such as sortable version keys)."""
    fields = {name: row[name] for name in ("component", "version", "build_url", *IMMUTABLE_FIELDS)}
    registration = Registration(**fields, attributes=row["attributes"] or {})
    props = registration.properties()
    if row["registered_by"] is not None:
        props["registered_by"] = row["registered_by"]
    ranges = {item["component"]: item.get("range") for item in row["dependencies"] or []}
    return {
        "component": row["component"],
        "props": props,
        "seq": row["seq"],
        "created_at": row["created_at"],
        "dependencies": dependency_edges(ranges),
    }


def _application_version_props(row: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in row.items() if key != "previous"}


def _write_runs(tx: Tx, rows: list[dict[str, Any]]) -> None:
    """Runs go through the same query as deployments (`deploy/move_runs`), one call per
    deployment, so the inventory follows one rule however it was built."""

    def group(row: dict[str, Any]) -> tuple[str, str, str]:
        return row["environment"], row["deployment"], row["since"]

    for (environment, deployment, since), runs in groupby(sorted(rows, key=group), key=group):
        tx.run(
            "deploy/move_runs",
            environment=environment,
            deployment=deployment,
            since=since,
            components=[{"component": run["component"], "version": run["version"]} for run in runs],
        )


WRITERS: dict[str, Writer] = {
    "teams": _writing("transfer/merge_teams"),
    "environments": _writing("transfer/merge_environments"),
    "components": _writing("transfer/merge_components"),
    "component_versions": _versions_writer(
        COMPONENT_VERSIONS,
        "transfer/create_component_versions",
        "transfer/link_component_versions",
        _component_version_props,
        ranges.settle_imported,  # the ADMITS edges of the batch's versions and Ranges
    ),
    "applications": _writing("transfer/merge_applications"),
    "application_versions": _versions_writer(
        APPLICATION_VERSIONS,
        "transfer/create_application_versions",
        "transfer/link_application_versions",
        _application_version_props,
    ),
    "deployments": _writing("transfer/create_deployments"),
    "runs": _write_runs,
}


def _write(
    graph: Graph, kind: Kind, rows: list[dict[str, Any]], batch_size: int, progress: Progress | None
) -> None:
    """Write one kind in batches, one transaction each, reporting progress."""
    write = WRITERS[kind.name]
    total = len(rows)
    if progress:
        progress(kind.name, 0, total)
    for start in range(0, total, batch_size):
        batch = rows[start : start + batch_size]
        graph.write_tx(lambda tx, batch=batch: write(tx, batch))
        if progress:
            progress(kind.name, start + len(batch), total)


def import_catalog(
    graph: Graph,
    document: dict[str, Any],
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: Progress | None = None,
) -> dict[str, dict[str, int]]:
    """Import a document (see the module docstring): check all of it, then write it in
    batches of `batch_size` records, one transaction per batch.

    Returns, per kind, how many records were ``created`` (written: new records, and runs
    that moved the inventory) and how many the graph already held (``existing``: left as
    they are, or merged for teams, environments, components and applications). Raises
    `Invalid` or `Conflict`, naming the positions, before writing anything."""
    if batch_size < 1:
        raise Invalid("batch_size must be at least 1", {"batch_size": [str(batch_size)]})
    lists = _checked(document)
    references = list(_references(lists))
    existing = _existing(graph, lists, references)
    _check_references(lists, references, existing)
    _check_conflicts(lists, existing)
    plans = _plans(lists, existing)
    for kind in KINDS_IN_ORDER:
        _write(graph, kind, plans[kind.name].rows, batch_size, progress)
    return {
        kind.name: {"created": plans[kind.name].created, "existing": plans[kind.name].existing}
        for kind in KINDS_IN_ORDER
    }
