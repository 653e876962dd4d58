"""Recording deployments, which is what builds each environment's inventory.

A deployment is of an application version, or of a set of component versions (which, when
it names an application, is matched to that application's version with exactly that set,
or derives a new one). Every deployment stays in the history; a succeeded one moves the
environment's `RUNS` edges to the deployed versions, a failed one moves nothing.

Only a succeeded deployment derives an application version (and so moves the
application's latest version): a set recorded as failed, cancelled or timed out derives
nothing, and a set queued for an engine is matched to an existing version when one holds
exactly it, else it waits with `pending_application` and is matched or derived in the
transaction that records its success (`settle_application`). Until then the application's
latest version stays where it was, whatever the engine does.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from typing import Any

from app.access.scopes import Actor
from app.catalog import applications, engine_settings
from app.core import naming, paging, records, times
from app.deploy import engines, gitops
from app.errors import Conflict, Invalid, NotFound
from app.graph import Graph, Tx
from app.outbox import emit as outbox

#: How a deployment can end; a recorded deployment has one of these.
STATUSES = ("succeeded", "failed", "cancelled", "timed_out")
#: Every status, with those of a deployment an engine is still to run or running.
ALL_STATUSES = ("queued", "running", *STATUSES)
#: The statuses of a deployment that may derive an application version from the set of
#: component versions it deploys: a failed, cancelled or timed-out one never moves an
#: application's latest version (the next registration would derive from a set that
#: never ran), nor does a queued one, which may still end so (it derives when it succeeds).
DERIVING = ("succeeded",)
#: Deployment ids are chosen by the caller (an idempotency key, e.g. the pipeline run) or
#: generated; they appear in URLs, so they follow the name rules.
ID_RULES = naming.name_problem


def record(
    graph: Graph, data: dict[str, Any], *, actor: Actor | None = None
) -> tuple[dict[str, Any], bool]:
    """Record a finished deployment; returns (deployment, created).

    `data`: environment, status, and either application + version, or components
    ([{component, version}], optionally with application to match or derive a version);
    optional id, started_at, finished_at, by, engine, log_url. Recording the same id with
    the same content again is a no-op.

    `actor` (who records it) is kept as `recorded_by`. A token limited to some components
    may record only deployments whose every component version is within its limits — for
    an application version, every component of that version.
    """
    request = _validated(data)
    deployment_id, created = graph.write_tx(lambda tx: _record(tx, request, actor))
    return get(graph, deployment_id), created


def record_in(tx: Tx, data: dict[str, Any], *, actor: Actor | None = None) -> tuple[str, bool]:
    """`record` inside a transaction of the caller's (a CDEvent applied); returns
    (deployment id, created). It emits no CDEvent: the one applied is on the bus already."""
    return _record(tx, _validated(data), actor, emit=False)


def _validated(data: dict[str, Any], execute: bool = False) -> dict[str, Any]:
    """The request checked; `execute`: to be run by the engine (no status or times given)."""
    problems: dict[str, list[str]] = {}
    request = dict(data)
    if naming.name_problem(data.get("environment")):
        problems["environment"] = [naming.name_problem(data.get("environment"))]
    if execute:
        for given in ("status", "started_at", "finished_at", "log_url"):
            if data.get(given) is not None:
                problems[given] = ["set by the engine's run; leave it out with execute"]
    elif data.get("status") not in STATUSES:
        problems["status"] = [f"must be one of {', '.join(STATUSES)}"]
    if data.get("id") is not None and ID_RULES(data["id"]):
        problems["id"] = [ID_RULES(data["id"])]
    application, version = data.get("application"), data.get("version")
    components = data.get("components")
    if application is not None and naming.name_problem(application):
        problems["application"] = [naming.name_problem(application)]
    if version is not None and application is None:
        problems["application"] = ["required with version"]
    if version is not None and components:
        problems["components"] = ["give an application version or components, not both"]
    if version is None and not components:
        problems["components"] = ["give an application and version, or component versions"]
    if not execute:
        _check_times(request, problems)
    if problems:
        raise Invalid("the deployment is invalid", problems)
    if components:
        request["members"] = applications.members_from_list(components)
    request["id"] = data.get("id") or str(uuid.uuid4())
    return request


def _check_times(request: dict[str, Any], problems: dict[str, list[str]]) -> None:
    now = times.now()
    request["started_at"] = request.get("started_at") or now
    request["finished_at"] = request.get("finished_at") or now
    started, finished = times.parse(request["started_at"]), times.parse(request["finished_at"])
    if started is None:
        problems["started_at"] = [times.PROBLEM]
    if finished is None:
        problems["finished_at"] = [times.PROBLEM]
    if started and finished and finished < started:
        problems["finished_at"] = ["must not be before started_at"]
    if started and finished:  # in the one form Neo4j is sent
        request["started_at"] = times.parsed_text(started)
        request["finished_at"] = times.parsed_text(finished)


def _record(
    tx: Tx, request: dict[str, Any], actor: Actor | None, emit: bool = True
) -> tuple[str, bool]:
    environment = request["environment"]
    _lock_environment(tx, environment)
    existing = tx.single("deploy/get", id=request["id"])
    application, version, members = _target(tx, request, actor)
    if existing is not None:
        _refuse_different(request, existing, application, version, members)
        return request["id"], False
    _create(tx, request, application, version, members, actor)
    if request["status"] == "succeeded":
        changes = move_inventory(tx, environment, request["id"], request["finished_at"], members)
        if emit:
            outbox.deployment_changes(tx, request["id"], request["finished_at"], changes)
    return request["id"], True


def _lock_environment(tx: Tx, environment: str) -> dict[str, Any]:
    locked = tx.single("catalog/environment_lock", name=environment)
    if locked is None:
        raise NotFound(
            f"no environment named {environment!r}; create it first", {"environment": environment}
        )
    return locked


def _target(
    tx: Tx, request: dict[str, Any], actor: Actor | None
) -> tuple[str | None, str | None, dict[str, str]]:
    """(application, application version, {component: version}) the request deploys; a set
    of component versions with an application matches or derives that application's version.
    A token limited to some components may deploy only versions within its limits."""
    application, version = request.get("application"), request.get("version")
    if version is not None:
        found = tx.single(
            "catalog/application_version_exists", application=application, version=version
        )
        if found is None:
            raise NotFound(
                f"no version {version!r} of application {application!r}",
                {"application": application, "version": version},
            )
        members = {m["component"]: m["version"] for m in found["components"]}
        _check_limits(tx, actor, members)
    else:
        members = request["members"]
        applications.check_members_exist(tx, members)
        _check_limits(tx, actor, members)
        if application is not None:
            derive = request.get("status", "queued") in DERIVING
            version = _matching_or_derived_version(tx, application, members, actor, derive)
            if version is None and request.get("status") is None:  # queued for an engine
                _check_derivable(tx, application, members, actor)
                request["pending_application"] = application
            if version is None:
                application = None  # recorded as the set of component versions it was
    return application, version, members


def _create(
    tx: Tx,
    request: dict[str, Any],
    application: str | None,
    version: str | None,
    members: dict[str, str],
    actor: Actor | None,
) -> None:
    tx.single(
        "deploy/create",
        id=request["id"],
        environment=request["environment"],
        status=request["status"],
        started_at=request.get("started_at"),
        finished_at=request.get("finished_at"),
        by=request.get("by"),
        engine=request.get("engine"),
        log_url=request.get("log_url"),
        recorded_by=None if actor is None else actor.name,
        application=application,
        application_version=version,
        pending_application=request.get("pending_application"),
        components=[{"component": c, "version": v} for c, v in sorted(members.items())],
    )


def move_inventory(
    tx: Tx, environment: str, deployment_id: str, since: str, members: dict[str, str]
) -> list[dict[str, Any]]:
    """The one rule by which a succeeded deployment — recorded or run — moves the
    inventory: the environment's `RUNS` edges (`deploy/move_runs`) and, for an application
    version, its `DEPLOYED_NOW` edge (`deploy/move_deployed_now`). Returns what changed
    for each component (`deploy/move_runs`' rows: the CDEvents it emits)."""
    changes = tx.run(
        "deploy/move_runs",
        runs=[
            {"environment": environment, "component": c, "version": v,
             "deployment": deployment_id, "since": since}
            for c, v in sorted(members.items())
        ],
    )
    tx.run("deploy/move_deployed_now", deployments=[deployment_id])
    return changes


def enqueue(
    graph: Graph,
    data: dict[str, Any],
    dry_run: bool = False,
    *,
    actor: Actor | None = None,
    precondition: Callable[[Tx], None] | None = None,
) -> tuple[dict[str, Any], bool]:
    """Queue a deployment for the environment's engine; returns (deployment, created).

    Same request as `record` without status and times. A worker runs it when it is first
    in its environment's queue and nothing else runs there. The same id with the same
    content again returns the existing deployment (whatever its status).

    `dry_run`: the same transaction, rolled back at the end, returns the commands the
    engine would run (secrets hidden) and the deployment it would get: nothing is written.
    `actor` as for `record`. `precondition(tx)` runs first in the same transaction and
    raises when the deployment may not be queued (a promotion's source must still run it).
    """
    request = _validated(data, execute=True)

    def work(tx: Tx) -> tuple[str, bool]:
        locked = _lock_environment(tx, request["environment"])
        if precondition is not None:
            precondition(tx)
        existing = tx.single("deploy/get", id=request["id"])
        application, version, members = _target(tx, request, actor)
        if existing is not None and not dry_run:
            request["status"] = existing["props"]["status"]
            _refuse_different(request, existing, application, version, members)
            return request["id"], False
        if existing is not None:
            raise Conflict(f"deployment {request['id']} exists already", {"id": request["id"]})
        if locked["engine"] not in engine_settings.KINDS:
            raise Invalid(
                f"environment {request['environment']!r} has no engine to run deployments "
                f"(engine: {locked['engine']!r}); set one with `mercator env set-engine`",
                {"environment": [request["environment"]]},
            )
        request.update(status="queued", engine=locked["engine"])
        _create(tx, request, application, version, members, actor)
        if dry_run:
            row = tx.single("deploy/work", id=request["id"])
            kind, config = engines.configured(row["environment"], graph.sealer)
            raise _DryRun(kind, config, engines.document(row))
        return request["id"], True

    try:
        deployment_id, created = graph.write_tx(work)
    except _DryRun as dry:
        return dry.shown(), False
    return get(graph, deployment_id), created


class _DryRun(Exception):
    """Ends a dry run's transaction (so it rolls back) carrying what it would run."""

    def __init__(self, kind: str, config: dict[str, Any], document: dict[str, Any]) -> None:
        super().__init__("dry run")
        self.kind, self.config, self.document = kind, config, document

    def shown(self) -> dict[str, Any]:
        """What the engine would do: the commands, or for gitops the diff it would commit
        (its repository is cloned for that, after the transaction has ended)."""
        if self.kind == "gitops":
            return gitops.preview(self.config, self.document, dict(os.environ))
        plan = engines.plan(
            self.kind, self.config, self.document, "<deployment file>", dict(os.environ)
        )
        return {**plan.shown(), "deployment": self.document}


def cancel(graph: Graph, deployment_id: str, *, actor: Actor | None = None) -> dict[str, Any]:
    """Cancel a deployment: a queued one at once, a running one by its worker, which kills
    the engine's process group at its next heartbeat. A finished one is a conflict. A token
    limited to some components may cancel only deployments within its limits."""
    before = get(graph, deployment_id)
    members = {m["component"]: m["version"] for m in before["components"]}
    graph.read_tx(lambda tx: _check_limits(tx, actor, members))
    if before["status"] in STATUSES:
        raise Conflict(
            f"deployment {deployment_id} has already ended ({before['status']})",
            {"status": before["status"]},
        )
    graph.write("deploy/cancel", id=deployment_id)
    return get(graph, deployment_id)


def log(graph: Graph, deployment_id: str, offset: int = 0) -> dict[str, Any]:
    """The deployment's log from character `offset` on, and the offset to ask for next.

    The log keeps its last LOG_KEEP characters; `start` says where what is returned starts
    (later than `offset` when the beginning was dropped). `done` is true once the
    deployment has ended, so a client streams until then.
    """
    if not 0 <= offset <= LOG_OFFSET_MAX:
        raise Invalid(
            "the log offset is invalid", {"offset": [f"must be between 0 and {LOG_OFFSET_MAX}"]}
        )
    row = graph.read_tx(lambda tx: tx.single("deploy/log", id=deployment_id, offset=offset))
    if row is None:
        raise NotFound(f"no deployment with id {deployment_id!r}", {"id": deployment_id})
    return {
        "id": deployment_id,
        "status": row["status"],
        "done": row["status"] in STATUSES,
        "start": row["start"],
        "text": row["text"],
        "next_offset": row["total"],
        "executed": row["executed"],
        "log_url": row["log_url"],
    }


def _check_limits(tx: Tx, actor: Actor | None, members: dict[str, str]) -> None:
    if actor is None or not actor.limited:
        return
    rows = tx.run("catalog/component_owners", names=sorted(members))
    actor.check_components({row["name"]: row["owner"] for row in rows})


def _check_derivable(
    tx: Tx, application: str, members: dict[str, str], actor: Actor | None
) -> None:
    """Forbidden unless `actor` could derive `application`'s version of `members` now (a
    queued set derives only when it succeeds, with no token to check then). The lock it
    takes (and an application node it would create) lasts only as long as the
    transaction: a limited token may not start an application, so the queueing fails."""
    if actor is None or not actor.limited:
        return
    locked = applications.lock(tx, [application])
    applications.check_within_limits(
        tx, actor, locked, [applications.NewVersion(application, members, "")]
    )


def settle_application(
    tx: Tx, deployment_id: str, application: str, members: dict[str, str]
) -> None:
    """A succeeded deployment of a set queued for `application`: match or derive the
    application's version of `members` now (moving its latest version if derived) and
    make the deployment that version's, in the transaction that records its success."""
    version = _matching_or_derived_version(tx, application, members, None, derive=True)
    tx.run("deploy/settle_application", id=deployment_id, application=application, version=version)


def _matching_or_derived_version(
    tx: Tx, application: str, members: dict[str, str], actor: Actor | None, derive: bool
) -> str | None:
    """The application's version with exactly `members`; else, when `derive`, a new one
    (within the actor's limits, see `applications.check_within_limits`), else None."""
    wanted = [{"component": c, "version": v} for c, v in sorted(members.items())]
    if not derive:
        match = tx.single(
            "catalog/application_matching_version", application=application, members=wanted
        )
        return None if match is None else match["version"]
    locked = applications.lock(tx, [application])
    match = tx.single(
        "catalog/application_matching_version", application=application, members=wanted
    )
    if match is not None:
        return match["version"]
    (created,) = applications.create_versions(
        tx,
        locked,
        [applications.NewVersion(application, members, "deployed as a set of component versions")],
        actor=actor,
    )
    return created["version"]


def _refuse_different(
    request: dict[str, Any],
    existing: dict[str, Any],
    application: str | None,
    version: str | None,
    members: dict[str, str],
) -> None:
    props = existing["props"]
    given = {
        "environment": request["environment"],
        "status": request["status"],
        "components": members,
    }
    registered = {
        "environment": existing["environment"],
        "status": props["status"],
        "components": {m["component"]: m["version"] for m in existing["components"]},
    }
    differences = {
        key: {"registered": registered[key], "given": given[key]}
        for key in given
        if given[key] != registered[key]
    }
    if differences:
        raise Conflict(
            f"deployment {request['id']} is already recorded with other "
            f"{', '.join(sorted(differences))}",
            {"fields": differences},
        )


#: What a deployment run by an engine adds: the application a set of component versions
#: is for until it succeeds (`settle_application`; kept on one that did not), when it was
#: queued, the worker that claimed it and its last heartbeat, the engine's exit code, and
#: why it ended as it did; for a gitops engine the commit it pushed, and who saw the
#: cluster run it, when.
RUN_FIELDS = (
    "pending_application",
    "queued_at",
    "worker",
    "heartbeat_at",
    "exit_code",
    "reason",
    "commit",
    "observed_at",
    "observed_by",
)
#: Characters of a deployment's log kept in the graph: the last 1 MiB of ASCII output.
LOG_KEEP = 1024 * 1024
#: Largest log offset asked for: Neo4j's integers are 64-bit (a larger one would fail the
#: query, not the check), and no log reaches it.
LOG_OFFSET_MAX = 2**62


def get(graph: Graph, deployment_id: str) -> dict[str, Any]:
    rows = graph.read("deploy/get", id=deployment_id)
    if not rows:
        raise NotFound(f"no deployment with id {deployment_id!r}", {"id": deployment_id})
    row = rows[0]
    props = row["props"]
    return {
        **records.deployment(props, row["environment"], row["application"]),
        "components": row["components"],
        **{key: props.get(key) for key in RUN_FIELDS},
        "cancel_requested": props.get("cancel_requested", False),
        "log_size": row["log_size"],
        "ahead": row["ahead"],
    }


def moves(graph: Graph, deployment_id: str) -> list[dict[str, Any]]:
    """Each component deployment `deployment_id` put in place, by name, from the version
    its environment ran just before it started (or was queued) to the one it deployed:
    [{component, from, to}], `from` None for a component new there. Looked up for the
    deployment's own components only, so it costs the same in a long history."""
    return graph.read("deploy/moves", id=deployment_id)


def list_deployments(
    graph: Graph,
    environment: str | None = None,
    application: str | None = None,
    component: str | None = None,
    status: str | None = None,
    since: str | None = None,
    until: str | None = None,
    offset: int = 0,
    limit: int = paging.DEFAULT_LIMIT,
) -> dict[str, Any]:
    """One page of deployments, newest first. `since` and `until` bound when each started
    (or was queued, before it starts): at or after `since`, before `until`, so consecutive
    windows never count a deployment twice."""
    problems: dict[str, list[str]] = {}
    if status is not None and status not in ALL_STATUSES:
        problems["status"] = [f"must be one of {', '.join(ALL_STATUSES)}"]
    for name, value in (("since", since), ("until", until)):
        if value is not None and times.parse(value) is None:
            problems[name] = [times.PROBLEM]
    if problems:
        raise Invalid("the deployment filters are invalid", problems)
    return paging.page(
        lambda skip, take: graph.read(
            "deploy/list",
            environment=environment,
            application=application,
            component=component,
            status=status,
            since=None if since is None else times.in_utc(since),
            until=None if until is None else times.in_utc(until),
            offset=skip,
            limit=take,
        ),
        lambda row: records.deployment(row["props"], row["environment"], row["application"]),
        offset,
        limit,
    )


#: Environments migrated per transaction: an environment's whole history is read at once.
MIGRATION_ENVIRONMENTS = 5


def migrate_inventory(graph: Graph) -> dict[str, int]:
    """The schema migration of the inventory (version 8): RUNS edges become periods (a
    redeployment no longer restarts `since`), and each environment gets its DEPLOYED_NOW
    edges from the deployment history. A few environments per transaction; safe to run
    again. Returns how many edges of each it wrote."""
    names = graph.read("catalog/names", kind="environment")[0]["names"]
    moved = edges = 0
    for start in range(0, len(names), MIGRATION_ENVIRONMENTS):
        batch = names[start : start + MIGRATION_ENVIRONMENTS]

        def work(tx: Tx, batch: list[str] = batch) -> tuple[int, int]:
            runs = tx.single("admin/runs_periods", environments=batch)["moved"]
            now = tx.single("admin/deployed_now_build", environments=batch)["edges"]
            return runs, now

        runs, now = graph.write_tx(work)
        moved, edges = moved + runs, edges + now
    return {"runs": moved, "deployed_now": edges}
