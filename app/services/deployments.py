"""Recording deployments, which is what builds each environment's inventory.

A deployment is of an application version, or of a set of component versions (which, when
it names an application, is matched to that application's version with exactly that set,
or derives a new one). Every deployment stays in the history; a succeeded one moves the
environment's `RUNS` edges to the deployed versions, a failed one moves nothing.
"""

from __future__ import annotations

import uuid
from typing import Any

from app.errors import Conflict, Invalid, NotFound
from app.graph import Graph, Tx
from app.services import applications, naming, pages, times, views

STATUSES = ("succeeded", "failed", "cancelled", "timed_out")
#: Deployment ids are chosen by the caller (an idempotency key, e.g. the pipeline run) or
#: generated; they appear in URLs, so they follow the name rules.
ID_RULES = naming.name_problem


def record(graph: Graph, data: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """Record a finished deployment; returns (deployment, created).

    `data`: environment, status, and either application + version, or components
    ([{component, version}], optionally with application to match or derive a version);
    optional id, started_at, finished_at, by, engine, log_url. Recording the same id with
    the same content again is a no-op.
    """
    request = _validated(data)
    deployment_id, created = graph.write_tx(lambda tx: _record(tx, request))
    return get(graph, deployment_id), created


def _validated(data: dict[str, Any]) -> dict[str, Any]:
    problems: dict[str, list[str]] = {}
    request = dict(data)
    if naming.name_problem(data.get("environment")):
        problems["environment"] = [naming.name_problem(data.get("environment"))]
    if data.get("status") not in STATUSES:
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
    now = times.now()
    request["started_at"] = data.get("started_at") or now
    request["finished_at"] = data.get("finished_at") or now
    started, finished = times.parse(request["started_at"]), times.parse(request["finished_at"])
    if started is None:
        problems["started_at"] = [times.PROBLEM]
    if finished is None:
        problems["finished_at"] = [times.PROBLEM]
    if started and finished and finished < started:
        problems["finished_at"] = ["must not be before started_at"]
    if problems:
        raise Invalid("the deployment is invalid", problems)
    request["started_at"], request["finished_at"] = (
        times.parsed_text(started),
        times.parsed_text(finished),
    )
    if components:
        request["members"] = applications.members_from_list(components)
    request["id"] = data.get("id") or str(uuid.uuid4())
    return request


def _record(tx: Tx, request: dict[str, Any]) -> tuple[str, bool]:
    environment = request["environment"]
    if tx.single("environments/lock", name=environment) is None:
        raise NotFound(
            f"no environment named {environment!r}; create it first", {"environment": environment}
        )
    existing = tx.single("deployments/get", id=request["id"])
    application, version = request.get("application"), request.get("version")
    if version is not None:
        found = tx.single("applications/version_exists", application=application, version=version)
        if found is None:
            raise NotFound(
                f"no version {version!r} of application {application!r}",
                {"application": application, "version": version},
            )
        members = {m["component"]: m["version"] for m in found["components"]}
    else:
        members = request["members"]
        applications.check_members_exist(tx, members)
        if application is not None:
            version = _matching_or_derived_version(tx, application, members)
    if existing is not None:
        _refuse_different(request, existing, application, version, members)
        return request["id"], False
    tx.single(
        "deployments/create",
        id=request["id"],
        environment=environment,
        status=request["status"],
        started_at=request["started_at"],
        finished_at=request["finished_at"],
        by=request.get("by"),
        engine=request.get("engine"),
        log_url=request.get("log_url"),
        application=application,
        application_version=version,
        components=[{"component": c, "version": v} for c, v in sorted(members.items())],
    )
    if request["status"] == "succeeded":
        tx.run(
            "deployments/move_runs",
            environment=environment,
            deployment=request["id"],
            since=request["finished_at"],
            components=[{"component": c, "version": v} for c, v in sorted(members.items())],
        )
    return request["id"], True


def _matching_or_derived_version(tx: Tx, application: str, members: dict[str, str]) -> str:
    wanted = [{"component": c, "version": v} for c, v in sorted(members.items())]
    locked = applications.lock(tx, [application])
    match = tx.single("applications/matching_version", application=application, members=wanted)
    if match is not None:
        return match["version"]
    (created,) = applications.create_versions(
        tx,
        locked,
        [applications.NewVersion(application, members, "deployed as a set of component versions")],
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


def get(graph: Graph, deployment_id: str) -> dict[str, Any]:
    rows = graph.read("deployments/get", id=deployment_id)
    if not rows:
        raise NotFound(f"no deployment with id {deployment_id!r}", {"id": deployment_id})
    row = rows[0]
    return {
        **views.deployment(row["props"], row["environment"], row["application"]),
        "components": row["components"],
    }


def list_deployments(
    graph: Graph,
    environment: str | None = None,
    application: str | None = None,
    component: str | None = None,
    status: str | None = None,
    offset: int = 0,
    limit: int = pages.DEFAULT_LIMIT,
) -> dict[str, Any]:
    if status is not None and status not in STATUSES:
        raise Invalid(f"status must be one of {', '.join(STATUSES)}", {"status": [status]})
    return pages.page(
        lambda skip, take: graph.read(
            "deployments/list",
            environment=environment,
            application=application,
            component=component,
            status=status,
            offset=skip,
            limit=take,
        ),
        lambda row: views.deployment(row["props"], row["environment"], row["application"]),
        offset,
        limit,
    )
