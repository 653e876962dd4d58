"""Registering a component version: the call a pipeline makes after pushing an image.

One transaction: lock the component (created if new, with its owner team), refuse a
version that exists with other content, create the version with its dependencies and
attributes, then derive application versions — every application whose latest version
holds another version of the component gets a new version with this one instead, and
every application the request names gets the component added. Registering the same
content again is a no-op, so pipelines can retry blindly. A registration naming no
dependencies gets the ones the component declares (a Backstage import's `dependsOn` and
consumed APIs), if any: Backstage has no versions, so its dependencies reach the next one.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from app.access.scopes import Actor
from app.catalog import applications, engine_settings, ranges
from app.core import naming, properties, semver, times
from app.core.properties import ATTRIBUTE_PREFIX
from app.core.records import IMMUTABLE_FIELDS, KINDS
from app.errors import Conflict, Invalid
from app.graph import Graph, Tx
from app.outbox import emit as outbox


@dataclass(frozen=True)
class Registration:
    """A validated registration request."""

    component: str
    version: str
    kind: str | None = None
    owner: str | None = None
    description: str | None = None
    repository_url: str | None = None
    image: str | None = None
    digest: str | None = None
    git_repository: str | None = None
    git_commit: str | None = None
    git_branch: str | None = None
    build_url: str | None = None
    chart: str | None = None
    chart_version: str | None = None
    created_at: str | None = None
    attributes: dict[str, Any] = field(default_factory=dict)
    dependencies: dict[str, str | None] = field(default_factory=dict)  # component -> range
    applications: tuple[str, ...] = ()
    derive: bool = True

    @classmethod
    def from_request(cls, data: dict[str, Any]) -> Registration:
        """Check the domain rules (the API's schema has checked types); raise Invalid."""
        problems: dict[str, list[str]] = {}

        def problem(key: str, message: str | None) -> None:
            if message:
                problems.setdefault(key, []).append(message)

        problem("component", naming.name_problem(data.get("component")))
        problem("version", naming.version_problem(data.get("version")))
        for indexed in properties.INDEXED_FIELDS:
            problem(indexed, properties.indexed_text_problem(data.get(indexed)))
        problem("digest", properties.digest_problem(data.get("digest")))
        problem("git_commit", properties.git_commit_problem(data.get("git_commit")))
        kind = data.get("kind")
        if kind is not None and kind not in KINDS:
            problem("kind", f"must be one of {', '.join(KINDS)}")
        if data.get("owner") is not None:
            problem("owner", naming.name_problem(data["owner"]))
        # Both reach helm's command line: never an option, never whitespace.
        if data.get("chart") is not None:
            problem("chart", engine_settings.chart_problem(data["chart"]))
        if data.get("chart_version") is not None:
            problem("chart_version", engine_settings.chart_version_problem(data["chart_version"]))
        dependencies: dict[str, str | None] = {}
        for index, dependency in enumerate(data.get("dependencies") or []):
            name, version_range = dependency.get("component"), dependency.get("range")
            key = f"dependencies.{index}"
            problem(f"{key}.component", naming.name_problem(name))
            if version_range is not None:
                problem(f"{key}.range", semver.range_problem(version_range))
            if name == data.get("component"):
                problem(f"{key}.component", "a component cannot depend on itself")
            if isinstance(name, str) and name in dependencies:
                problem(f"{key}.component", f"{name} is listed twice")
            dependencies[name] = version_range
        created_at = data.get("created_at")
        if created_at is not None and times.parse(created_at) is None:
            problem("created_at", times.PROBLEM)
        for index, app_name in enumerate(data.get("applications") or []):
            problem(f"applications.{index}", naming.name_problem(app_name))
        for key, value in (data.get("attributes") or {}).items():
            problem("attributes", properties.attribute_name_problem(key))
            problem(f"attributes.{key}", properties.attribute_value_problem(value))
        if problems:
            raise Invalid("the registration is invalid", problems)
        known = {f for f in cls.__dataclass_fields__ if f not in {"dependencies", "applications"}}
        values = {k: v for k, v in data.items() if k in known and v is not None}
        return cls(
            **values,
            dependencies=dependencies,
            applications=tuple(dict.fromkeys(data.get("applications") or [])),
        )

    def properties(self) -> dict[str, Any]:
        """The new version node's properties (attributes as `attr.<key>`, and the sortable
        `version_key` that dependency ranges are checked against in Cypher)."""
        props = {
            "version": self.version,
            "build_url": self.build_url,
            "version_key": semver.version_key(self.version),
        }
        props.update({name: getattr(self, name) for name in IMMUTABLE_FIELDS})
        props.update({ATTRIBUTE_PREFIX + k: v for k, v in self.attributes.items()})
        return {k: v for k, v in props.items() if v is not None}


def register(graph: Graph, data: dict[str, Any], *, actor: Actor | None = None) -> dict[str, Any]:
    """Register a component version; see the module docstring. Returns what happened:
    ``{"component", "version", "created", "application_versions": [...]}``.

    `actor` (who registers) is recorded as the version's `registered_by` and as
    `created_by` of the application versions derived; a token limited to some components
    may register only theirs, and may not give a component to another team."""
    registration = Registration.from_request(data)
    return graph.write_tx(lambda tx: _register(tx, registration, actor))


def register_in(tx: Tx, data: dict[str, Any], *, actor: Actor | None = None) -> dict[str, Any]:
    """`register` inside a transaction of the caller's, which does more in the same one
    (a CDEvent applied, and its idempotency key stored). It emits no `artifact.published`:
    the event applied is on the bus already."""
    return _register(tx, Registration.from_request(data), actor, emit=False)


def _register(tx: Tx, reg: Registration, actor: Actor | None, emit: bool = True) -> dict[str, Any]:
    """Five round trips when all goes well: lock (reading what must be known first),
    create, the outbox (`artifact.published`, unless `emit` is false), then the
    applications' lock and their new versions."""
    component = tx.single("catalog/component_lock", name=reg.component, version=reg.version)
    if actor is not None:
        actor.check_components({reg.component: component["owner"] or reg.owner})
        if reg.owner is not None:
            actor.check_components({reg.component: reg.owner})
    by = None if actor is None else actor.name
    if reg.kind and component["kind"] and component["kind"] != reg.kind:
        raise Conflict(
            f"component {reg.component} is a {component['kind']}, not a {reg.kind}",
            {"kind": {"registered": component["kind"], "given": reg.kind}},
        )
    defaulted = not reg.dependencies and bool(component["declared"])
    if defaulted:  # a Backstage import declared them: the version gets them
        reg = replace(reg, dependencies=dict.fromkeys(component["declared"]))
    if component["existing"] is not None:
        # A retry naming none is not told apart from the declarations of the moment.
        _refuse_different_content(reg, component["existing"], dependencies=not defaulted)
        return _outcome(reg, created=False, derived=[])
    _update_component_details(tx, reg, component)
    created = tx.single(
        "catalog/component_create_version",
        component=reg.component,
        props={**reg.properties(), **({"registered_by": by} if by else {})},
        created_at=times.canonical(reg.created_at) if reg.created_at else None,
        dependencies=dependency_edges(reg.dependencies),
        admitted_by=[text for text in component["ranges"] if ranges.admits(text, reg.version)],
    )
    ranges.settle_pending(tx, created["pending"])
    if emit:
        outbox.artifact_published(
            tx,
            reg.component,
            reg.version,
            digest=reg.digest,
            image=reg.image,
            at=times.canonical(reg.created_at) if reg.created_at else times.now(),
            by=by,
        )
    return _outcome(reg, created=True, derived=_derive_application_versions(tx, reg, actor))


def dependency_edges(dependencies: dict[str, str | None]) -> list[dict[str, Any]]:
    """`DEPENDS_ON` edges to create: the component, and the edge's properties — the range
    as written and its intervals as version-key bounds (see `semver.Range.bounds`)."""
    edges = []
    for name, version_range in sorted(dependencies.items()):
        properties: dict[str, Any] = {}
        if version_range is not None:
            properties = {"range": version_range, **semver.Range.parse(version_range).bounds()}
        edges.append({"component": name, "edge": properties})
    return edges


def _update_component_details(tx: Tx, reg: Registration, component: dict[str, Any]) -> None:
    wanted = {
        "kind": reg.kind,
        "description": reg.description,
        "repository_url": reg.repository_url,
        "owner": reg.owner,
    }
    if any(value is not None and value != component[key] for key, value in wanted.items()):
        tx.run("catalog/component_update", name=reg.component, **wanted)


def _refuse_different_content(
    reg: Registration, existing: dict[str, Any], dependencies: bool = True
) -> None:
    """A version is immutable: the same content again is fine, anything else is a 409.
    `dependencies`: whether the request's dependencies are its own, to be compared."""
    props = existing["props"]
    given = reg.properties()
    differences: dict[str, dict[str, Any]] = {}
    for name in IMMUTABLE_FIELDS:
        if given.get(name) != props.get(name):
            differences[name] = {"registered": props.get(name), "given": given.get(name)}
    registered_attributes = {
        k[len(ATTRIBUTE_PREFIX) :]: v for k, v in props.items() if k.startswith(ATTRIBUTE_PREFIX)
    }
    if registered_attributes != reg.attributes:
        differences["attributes"] = {"registered": registered_attributes, "given": reg.attributes}
    registered_dependencies = {d["component"]: d["range"] for d in existing["dependencies"]}
    if dependencies and registered_dependencies != reg.dependencies:
        differences["dependencies"] = {
            "registered": registered_dependencies,
            "given": reg.dependencies,
        }
    if differences:
        raise Conflict(
            f"{reg.component} {reg.version} is already registered with other "
            f"{', '.join(sorted(differences))}; versions are immutable, register a new version",
            {"fields": differences},
        )


def _derive_application_versions(
    tx: Tx, reg: Registration, actor: Actor | None
) -> list[dict[str, Any]]:
    """New versions of the applications whose latest version holds another version of the
    component (unless opted out), and of the applications the request names (which a
    limited token may join only when they are its team's or granted to it)."""
    if not reg.derive and not reg.applications:
        return []
    locked = applications.lock(
        tx, reg.applications, including=reg.component if reg.derive else None
    )
    names = sorted(locked)
    wanted = []
    for name in names:
        app = locked[name]
        current = app.components.get(reg.component)
        if current == reg.version:
            continue  # a named application that holds this version already
        if current is None and name not in reg.applications:
            continue  # its latest version does not hold the component (any more)
        members = {**app.components, reg.component: reg.version}
        verb = "added" if current is None else f"replaced {current}"
        wanted.append(
            applications.NewVersion(name, members, f"{reg.component} {reg.version} {verb}")
        )
    return applications.create_versions(tx, locked, wanted, actor=actor)


def _outcome(reg: Registration, created: bool, derived: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "component": reg.component,
        "version": reg.version,
        "created": created,
        "application_versions": [
            {"application": d["application"], "version": d["version"], "previous": d["previous"]}
            for d in derived
        ],
    }
