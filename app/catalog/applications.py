"""Applications and their versions: exact sets of component versions, never edited.

Every change to an application — a component registered, a component added or removed,
an explicit new set — makes a new application version after the latest one, numbered by
`naming.next_version` unless the caller names it. The application's node is locked before
its latest version is read (`catalog/application_lock`), so concurrent changes queue up and each
one builds on the one before: a gap-free chain, no lost update.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from app.access.scopes import Actor
from app.catalog import suggest
from app.core import naming, paging, records
from app.errors import Conflict, Invalid, NotFound
from app.graph import Graph, Tx

#: Number of the first version of an application when nobody names one.
FIRST_VERSION = "1.0.0"


@dataclass(frozen=True)
class Locked:
    """An application as read under its lock."""

    name: str
    owner: str | None
    latest_version: str | None
    components: dict[str, str]  # component name -> version in the latest application version


def lock(tx: Tx, names: Iterable[str], including: str | None = None) -> dict[str, Locked]:
    """Lock the applications (created if new), and those that ever included a version of
    component `including`, in name order; read their latest sets."""
    rows = tx.run("catalog/application_lock", names=sorted(set(names)), including=including)
    return {
        row["name"]: Locked(
            row["name"],
            row["owner"],
            row["latest_version"],
            {member["component"]: member["version"] for member in row["components"]},
        )
        for row in rows
    }


@dataclass(frozen=True)
class NewVersion:
    application: str
    components: dict[str, str]
    reason: str
    version: str | None = None  # None: the next number after the latest


#: Version numbers offered per new application version: the latest's successors, in order
#: (numbers named explicitly before may have taken the first few).
CANDIDATES = 100


def create_versions(
    tx: Tx, locked: dict[str, Locked], wanted: list[NewVersion], actor: Actor | None = None
) -> list[dict]:
    """Create the wanted application versions (their applications must be `locked`), in
    one round trip; `actor` is who writes them (recorded by name, and held to its limits
    by `check_within_limits`)."""
    check_within_limits(tx, actor, locked, wanted)
    by = _name(actor)
    batch = [
        {
            "application": new.application,
            "candidates": [new.version] if new.version else _candidates(locked[new.application]),
            "previous": locked[new.application].latest_version,
            "components": [
                {"component": name, "version": ver} for name, ver in sorted(new.components.items())
            ],
            "reason": new.reason,
            "created_by": by,
        }
        for new in wanted
    ]
    if not batch:
        return []
    created = tx.run("catalog/application_create_versions", versions=batch)
    if len(created) < len(batch):
        raise Conflict(
            f"no free version number among the next {CANDIDATES}; name the version",
            {"applications": sorted({new.application for new in wanted})},
        )
    return created


def check_within_limits(
    tx: Tx, actor: Actor | None, locked: dict[str, Locked], wanted: list[NewVersion]
) -> None:
    """Forbidden unless a limited token may make every wanted version: each component it
    adds, replaces or drops against the latest version must be one the token may write
    (a deployment of a partial set must not drop another team's components), and adding a
    component to an application (or starting a new one) needs the application to be the
    token's team's or granted to it."""
    if actor is None or not actor.limited:
        return
    changed: set[str] = set()
    joined: dict[str, str | None] = {}
    for new in wanted:
        app = locked[new.application]
        before, after = app.components, new.components
        changed |= {c for c in set(before) | set(after) if before.get(c) != after.get(c)}
        if app.latest_version is None or set(after) - set(before):
            joined[app.name] = app.owner
    rows = tx.run("catalog/component_owners", names=sorted(changed))
    actor.check_components({row["name"]: row["owner"] for row in rows})
    actor.check_joins(joined)


def _candidates(app: Locked) -> list[str]:
    """The latest version's successors (FIRST_VERSION and on, for a new application)."""
    candidate = FIRST_VERSION if app.latest_version is None else naming.next_version(
        app.latest_version
    )
    numbers = [candidate]
    for _ in range(CANDIDATES - 1):
        numbers.append(naming.next_version(numbers[-1]))
    return numbers


def check_members_exist(tx: Tx, members: dict[str, str]) -> None:
    """Raise NotFound naming every component version in `members` that is not registered."""
    wanted = [{"component": c, "version": v} for c, v in sorted(members.items())]
    found = {
        (r["component"], r["version"])
        for r in tx.run("catalog/component_existing_versions", members=wanted)
    }
    missing = [
        f"{m['component']}@{m['version']}"
        for m in wanted
        if (m["component"], m["version"]) not in found
    ]
    if missing:
        raise NotFound(f"unknown component version(s): {', '.join(missing)}", {"missing": missing})


def members_from_list(items: list[dict]) -> dict[str, str]:
    """`[{component, version}]` as a dict, refusing two versions of one component."""
    members: dict[str, str] = {}
    twice: set[str] = set()
    for item in items:
        name, version = item["component"], item["version"]
        if name in members and members[name] != version:
            twice.add(name)
        members[name] = version
    if twice:
        raise Invalid(
            "an application version holds at most one version of each component",
            {"components": sorted(twice)},
        )
    return members


def create_application_version(
    graph: Graph,
    application: str,
    components: list[dict],
    version: str | None = None,
    owner: str | None = None,
    description: str | None = None,
    *,
    actor: Actor | None = None,
) -> tuple[dict, bool]:
    """Create an application version from explicit component versions.

    Returns (the version, created). Naming an existing version with the same set is a
    no-op (retries are safe); with another set it is a conflict.
    """
    _check_name(application)
    if version is not None:
        _check_version(version)
    if owner is not None:
        _check_name(owner, "owner")
    members = members_from_list(components)

    def work(tx: Tx) -> tuple[str, bool]:
        check_members_exist(tx, members)
        locked = lock(tx, [application])
        if owner is not None or description is not None:
            tx.run(
                "catalog/application_update", name=application, owner=owner, description=description
            )
        if version is not None:
            existing = tx.single(
                "catalog/application_version_exists", application=application, version=version
            )
            if existing is not None:
                have = {m["component"]: m["version"] for m in existing["components"]}
                if have != members:
                    raise Conflict(
                        f"{application} {version} exists with other component versions",
                        {"registered": have, "given": members},
                    )
                return version, False
        (created,) = create_versions(
            tx,
            locked,
            [NewVersion(application, members, "created explicitly", version)],
            actor=actor,
        )
        return created["version"], True

    made, created = graph.write_tx(work)
    return get_version(graph, application, made), created


def add_component(
    graph: Graph, application: str, component: str, version: str, *, actor: Actor | None = None
) -> tuple[dict, bool]:
    """A new version of the application with `component` at `version` (added or replacing
    the version it had). Returns (the latest version, created); nothing is created when
    the latest version already holds exactly that."""
    _check_name(application)

    def work(tx: Tx) -> tuple[str, bool]:
        check_members_exist(tx, {component: version})
        locked = lock(tx, [application])
        app = locked[application]
        current = app.components.get(component)
        if current == version:
            return app.latest_version, False
        verb = "added" if current is None else f"replaced {current}"
        (created,) = create_versions(
            tx,
            locked,
            [
                NewVersion(
                    application,
                    {**app.components, component: version},
                    f"{component} {version} {verb}",
                )
            ],
            actor=actor,
        )
        return created["version"], True

    made, created = graph.write_tx(work)
    return get_version(graph, application, made), created


def remove_component(
    graph: Graph, application: str, component: str, *, actor: Actor | None = None
) -> dict:
    """A new version of the application without `component`."""
    get(graph, application)

    def work(tx: Tx) -> str:
        locked = lock(tx, [application])
        app = locked[application]
        if component not in app.components:
            raise NotFound(
                f"{component} is not part of {application} {app.latest_version}",
                {"application": application, "component": component},
            )
        members = {k: v for k, v in app.components.items() if k != component}
        (created,) = create_versions(
            tx,
            locked,
            [NewVersion(application, members, f"{component} {app.components[component]} removed")],
            actor=actor,
        )
        return created["version"]

    return get_version(graph, application, graph.write_tx(work))


def _name(actor: Actor | None) -> str | None:
    return None if actor is None else actor.name


def _check_name(name: str, field: str = "application") -> None:
    problem = naming.name_problem(name)
    if problem:
        raise Invalid(f"{field} name {problem}", {field: [problem]})


def _check_version(version: str) -> None:
    problem = naming.version_problem(version)
    if problem:
        raise Invalid(f"version {problem}", {"version": [problem]})


def list_applications(
    graph: Graph,
    prefix: str | None = None,
    owner: str | None = None,
    environment: str | None = None,
    offset: int = 0,
    limit: int = paging.DEFAULT_LIMIT,
) -> dict:
    return paging.page(
        lambda skip, take: graph.read(
            "catalog/application_list",
            prefix=prefix,
            owner=owner,
            environment=environment,
            offset=skip,
            limit=take,
        ),
        lambda row: records.application(row["props"], row["owner"]),
        offset,
        limit,
    )


def get(graph: Graph, name: str) -> dict:
    rows = graph.read("catalog/application_get", name=name)
    if not rows:
        raise suggest.not_found(graph, "application", name)
    return records.application(rows[0]["props"], rows[0]["owner"])


def list_versions(
    graph: Graph, name: str, offset: int = 0, limit: int = paging.DEFAULT_LIMIT
) -> dict:
    """The application's versions in version order (oldest first), with predecessors."""
    get(graph, name)
    return paging.page(
        lambda skip, take: graph.read(
            "catalog/application_versions", application=name, offset=skip, limit=take
        ),
        lambda row: {
            **records.application_version(row["props"], row["previous"]),
            "component_count": row["components"],
        },
        offset,
        limit,
    )


def get_version(graph: Graph, name: str, version: str) -> dict:
    rows = graph.read("catalog/application_version", application=name, version=version)
    if not rows:
        raise NotFound(
            f"no version {version!r} of application {name!r}",
            {"application": name, "version": version},
        )
    row = rows[0]
    return {
        **records.application_version(row["props"], row["previous"]),
        "components": row["components"],
    }
