"""The CDEvents Mercator emits, written to the outbox inside the transaction of the fact.

A succeeded deployment (run by an engine or recorded) emits, per component whose version
it put into the environment, `service.deployed` (the component did not run there, or the
same version is deployed again), `service.upgraded` (a newer version replaced another) or
`service.rolledback` (an older one did: by semver when both versions are numeric, else by
registration order). A new component version emits `artifact.published`. What a CDEvent
told Mercator is not emitted again: it is on the bus already, from its own source.

Each event is a CDEvents 0.5.1 event in a CloudEvents structured-mode body (written by the
CloudEvents SDK), stored as the exact text a sink receives; writing it in the same
transaction as the fact means it exists exactly when the fact does. It is written only
when sinks are known (`EventSink` nodes, kept by the dispatcher from MERCATOR_EVENT_SINKS),
one pending delivery per sink: a catalog without sinks stores nothing.
"""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import quote

from cloudevents.core.bindings import http
from cloudevents.core.formats.json import JSONFormat
from cloudevents.core.v1.event import CloudEvent

from app.core import times
from app.graph import Tx

SPEC_VERSION = "0.5.1"
#: The version of each type Mercator emits, in CDEvents 0.5.1.
TYPE_VERSION = "0.3.0"
#: A change of what runs (`deploy/move_runs`' `change`) → the service event it emits.
SERVICE_EVENTS = {
    "deployed": "service.deployed",
    "upgraded": "service.upgraded",
    "rolledback": "service.rolledback",
}


def artifact_purl(component: str, version: str, digest: str | None, image: str | None) -> str:
    """The purl a component version is known by: an OCI purl (digest, repository and tag)
    when it has an image digest, else `pkg:generic/<component>@<version>`. Mercator's own
    CDEvents intake reads either back to the same component version."""
    name = quote(component, safe="")
    if digest:
        qualifiers = {"repository_url": image, "tag": version}
        query = "&".join(f"{k}={quote(v, safe='/')}" for k, v in sorted(qualifiers.items()) if v)
        return f"pkg:oci/{name.lower()}@{quote(digest, safe='')}?{query}"
    return f"pkg:generic/{name}@{quote(version, safe='')}"


def cdevent(kind: str, source: str, timestamp: str, subject: dict[str, Any]) -> dict[str, Any]:
    """A CDEvent of `kind` (`service.deployed`) with a new id."""
    return {
        "context": {
            "specversion": SPEC_VERSION,
            "id": str(uuid.uuid4()),
            "source": source,
            "type": f"dev.cdevents.{kind}.{TYPE_VERSION}",
            "timestamp": timestamp,
        },
        "subject": subject,
    }


def structured(event: dict[str, Any]) -> str:
    """The CDEvent as the body of a structured-mode CloudEvent (the CDEvents binding: the
    CloudEvent's id, source, type and time are the CDEvent context's)."""
    context = event["context"]
    envelope = CloudEvent(
        {
            "specversion": "1.0",
            "id": context["id"],
            "source": context["source"],
            "type": context["type"],
            "time": times.parse(context["timestamp"]),
            "datacontenttype": "application/json",
        },
        event,
    )
    return http.to_structured(envelope, JSONFormat()).body.decode("utf-8")


def deployment_changes(tx: Tx, deployment_id: str, at: str, changes: list[dict[str, Any]]) -> int:
    """Emit the service events of a succeeded deployment: `changes` are the rows of
    `deploy/move_runs` (environment, component, version, change, digest, image). Returns
    the events written (0 without sinks)."""
    source = f"/mercator/deployments/{quote(deployment_id, safe='')}"
    events = [
        cdevent(
            SERVICE_EVENTS[row["change"]],
            source,
            at,
            {
                "id": row["component"],
                "source": source,
                "content": {
                    "environment": {"id": row["environment"]},
                    "artifactId": artifact_purl(
                        row["component"], row["version"], row["digest"], row["image"]
                    ),
                },
            },
        )
        for row in changes
    ]
    return write(tx, events)


def artifact_published(
    tx: Tx,
    component: str,
    version: str,
    *,
    digest: str | None,
    image: str | None,
    at: str,
    by: str | None,
) -> int:
    """Emit `artifact.published` for a new component version; `by` (who registered it) is
    the event's `user`."""
    source = f"/mercator/components/{quote(component, safe='')}"
    purl = artifact_purl(component, version, digest, image)
    content = {"user": by} if by else {}
    return write(tx, [cdevent("artifact.published", source, at, {"id": purl, "content": content})])


def write(tx: Tx, events: list[dict[str, Any]]) -> int:
    """Put the events into the outbox, one pending delivery per known sink, in order."""
    if not events:
        return 0
    rows = [
        {
            "id": event["context"]["id"],
            "type": event["context"]["type"],
            "subject": event["subject"]["id"],
            "body": structured(event),
        }
        for event in events
    ]
    return tx.single("outbox/enqueue", events=rows)["written"]
