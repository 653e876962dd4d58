"""Applying CDEvents to the catalog: each event becomes the write Mercator already does.

- `artifact.packaged` / `artifact.published`: the component version the subject's purl
  names is registered (`app.catalog.registration`). When it is registered already,
  nothing changes unless the event's digest or image contradicts one the version holds
  (409): a pipeline that registers through the API with more detail and also emits the
  event is not refused for sending less, nor for sending an image the API call left out
  (versions are immutable, so it is not added either).
- `service.deployed` / `upgraded` / `rolledback`: a succeeded deployment of the component
  version whose digest (OCI purl) or name and version match `artifactId`, to
  `environment.id` (`app.deploy.deployments.record`). The deployment's id is derived from
  the event's key, so the history shows which event it came from.
- `service.removed`: the component no longer runs in the environment. The component is the
  one `artifactId` names, else the one the service's last applied event named there, else
  the component named like the service (the subject id).
- `environment.created` / `modified`: the environment named by the subject id is created
  or updated (its description from `name`, and `uri`). `deleted` retires it: nothing runs
  there any more, its deployment history stays; created again, it is back.

All events of one request are applied in one transaction, in order: one that cannot be
applied refuses the request and nothing is written. The event's source and id are its
idempotency key, kept on a `CDEvent` node with what applying it did: the same event again
is answered with that, and changes nothing. An event for an artifact or environment the
catalog does not know is refused (422, naming it) and is not parked: the pipeline resends it
once what it names is registered.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from app.access.scopes import Actor
from app.catalog import environments, registration
from app.core import times
from app.deploy import deployments, kubernetes_sync
from app.errors import Conflict, Unprocessable
from app.events import artifacts
from app.events.cdevents import Event
from app.graph import Graph, Tx


def receive(graph: Graph, events: list[Event], *, actor: Actor | None = None) -> list[dict]:
    """Apply the events (read by `cdevents.read`); returns one outcome per event, in order:
    ``{id, source, type, ignored, reason, duplicate, effect}``.

    `actor` must hold each handled event's scope (register, deploy or admin); every event is
    checked before anything is written."""
    if actor is not None:
        for event in events:
            if event.scope:
                actor.require(event.scope)
    handled = [event for event in events if not event.ignored]
    applied = graph.write_tx(lambda tx: [_apply(tx, e, actor) for e in handled]) if handled else []
    outcomes = iter(applied)
    return [_ignored(event) if event.ignored else next(outcomes) for event in events]


def _ignored(event: Event) -> dict[str, Any]:
    return {**_key(event), "ignored": True, "reason": event.ignored, "duplicate": False}


def _key(event: Event) -> dict[str, Any]:
    return {"id": event.id, "source": event.source, "type": event.type}


def _apply(tx: Tx, event: Event, actor: Actor | None) -> dict[str, Any]:
    claimed = tx.single("events/claim", source=event.source, id=event.id, type=event.type)
    if not claimed["new"]:
        effect = json.loads(claimed["effect"]) if claimed["effect"] else None
        outcome = {**_key(event), "ignored": False, "reason": None, **effect}
        return {**outcome, "duplicate": True, "created": False}
    effect = HANDLERS[event.kind.split(".")[0]](tx, event, actor)
    tx.run(
        "events/settle",
        source=event.source,
        id=event.id,
        effect=json.dumps(effect),
        subject=event.subject["id"],
        component=effect.get("component"),
        environment=effect.get("environment"),
        by=None if actor is None else actor.name,
    )
    return {**_key(event), "ignored": False, "reason": None, "duplicate": False, **effect}


def _artifact(tx: Tx, event: Event, actor: Actor | None) -> dict[str, Any]:
    given = artifacts.parse(event.subject["id"], "subject.id").registration()
    existing = tx.single(
        "catalog/component_version", component=given["component"], version=given["version"]
    )
    effect = {"action": "registered", **given, "sbom_uri": _sbom_uri(event)}
    if existing is None:
        registration.register_in(
            tx, {**given, "created_at": event.context["timestamp"]}, actor=actor
        )
        return {**effect, "created": True}
    different = {
        name: {"registered": existing["props"].get(name), "given": value}
        for name, value in given.items()
        if name in ("digest", "image") and existing["props"].get(name) not in (None, value)
    }
    if different:
        raise Conflict(
            f"{given['component']} {given['version']} is registered with another "
            f"{', '.join(sorted(different))}; versions are immutable",
            {"fields": different},
        )
    return {**effect, "created": False}


def _sbom_uri(event: Event) -> str | None:
    """Kept with the event's effect; not fetched (see docs/events.md)."""
    return (event.content.get("sbom") or {}).get("uri")


def _service(tx: Tx, event: Event, actor: Actor | None) -> dict[str, Any]:
    environment = event.content["environment"]["id"]
    _check_environment(tx, environment)
    artifact_id = event.content.get("artifactId")
    if event.kind == "service.removed":
        return _removed(tx, event, environment, artifact_id)
    component, version = _version_of(tx, artifact_id)
    waiting = kubernetes_sync.observe_component(
        tx,
        environment,
        component,
        version,
        by=event.source,
        at=event.context["timestamp"],
        by_digest=artifacts.parse(artifact_id, "subject.content.artifactId").digest is not None,
    )
    if waiting is not None:
        return {
            "action": "observed" if waiting["observed"] else "seen",
            "deployment": waiting["id"],
            "component": component,
            "version": version,
            "environment": environment,
            "created": False,
        }
    deployment_id, created = deployments.record_in(
        tx,
        {
            "id": deployment_id_of(event),
            "environment": environment,
            "status": "succeeded",
            "components": [{"component": component, "version": version}],
            "started_at": event.context["timestamp"],
            "finished_at": event.context["timestamp"],
            "by": event.source,
            "engine": "cdevents",
        },
        actor=actor,
    )
    return {
        "action": event.kind.split(".")[1],
        "deployment": deployment_id,
        "component": component,
        "version": version,
        "environment": environment,
        "created": created,
    }


def deployment_id_of(event: Event) -> str:
    """The id of the deployment an event records: its key, hashed into the name rules."""
    digest = hashlib.sha256(f"{event.source}\n{event.id}".encode()).hexdigest()[:24]
    return f"cdevent-{digest}"


def _removed(tx: Tx, event: Event, environment: str, artifact_id: str | None) -> dict[str, Any]:
    if artifact_id is not None:
        component, _ = _version_of(tx, artifact_id)
    else:
        found = tx.single(
            "events/service_component", subject=event.subject["id"], environment=environment
        )
        component = found["component"] if found else event.subject["id"]
    rows = tx.run("events/stop_running", environment=environment, component=component)
    return {
        "action": "removed",
        "component": component,
        "environment": environment,
        "version": rows[0]["version"] if rows else None,
    }


def _version_of(tx: Tx, artifact_id: str) -> tuple[str, str]:
    artifact = artifacts.parse(artifact_id, "subject.content.artifactId")
    if artifact.digest is None and artifact.version is None:
        raise Unprocessable(
            f"artifactId {artifact_id!r} names no version or digest",
            {"subject.content.artifactId": ["needs a version or digest"]},
        )
    found = tx.single(
        "events/artifact_version",
        component=artifact.component,
        digest=artifact.digest,
        version=None if artifact.digest else artifact.version,
    )
    if found is None:
        what = f"digest {artifact.digest}" if artifact.digest else f"version {artifact.version}"
        raise Unprocessable(
            f"no component version matches artifactId {artifact_id!r} ({artifact.component}, "
            f"{what}); register it first (an artifact.published event does)",
            {"subject.content.artifactId": [artifact_id]},
        )
    if found["matches"] > 1 and found["component"] != artifact.component:
        raise Unprocessable(
            f"{found['matches']} component versions hold digest {artifact.digest} and none "
            f"is of component {artifact.component}: say which in the purl's name",
            {"subject.content.artifactId": [artifact_id]},
        )
    return found["component"], found["version"]


def _check_environment(tx: Tx, name: str) -> None:
    found = tx.single("events/environment_state", name=name)
    if found is None:
        raise Unprocessable(
            f"no environment named {name!r}; create it first (an environment.created event does)",
            {"subject.content.environment.id": [name]},
        )
    if found["retired_at"] is not None:
        raise Unprocessable(
            f"environment {name!r} was retired at {found['retired_at']}; create it again first",
            {"subject.content.environment.id": [name]},
        )


def _environment(tx: Tx, event: Event, actor: Actor | None) -> dict[str, Any]:
    name = event.subject["id"]
    action = event.kind.split(".")[1]
    if action != "deleted":
        described = [event.content.get(key) for key in ("name", "uri")]
        description = " — ".join(part for part in described if part) or None
        created = environments.upsert_in(tx, name, description=description, actor=actor)
        if action == "created":
            tx.run("events/environment_retire", name=name, retired=False, at=times.now())
        return {"action": action, "environment": name, "created": created}
    if tx.single("events/environment_state", name=name) is None:
        raise Unprocessable(f"no environment named {name!r} to retire", {"subject.id": [name]})
    row = tx.single(
        "events/environment_retire", name=name, retired=True, at=event.context["timestamp"]
    )
    return {"action": "retired", "environment": name, "stopped": row["stopped"]}


#: Subject → how its events are applied.
HANDLERS: dict[str, Callable[[Tx, Event, Actor | None], dict[str, Any]]] = {
    "artifact": _artifact,
    "service": _service,
    "environment": _environment,
}
