"""Reading CDEvents off HTTP: the CloudEvents envelope, then the CDEvent inside it.

The envelope is read by the CloudEvents SDK in any of the three ways pipelines send it:
structured mode (`application/cloudevents+json`, the whole event in the body), binary mode
(the attributes in `ce-*` headers, the CDEvent as the body) and a batch
(`application/cloudevents-batch+json`, a JSON array of structured events). The CDEvent
(the CloudEvent's data) of every type Mercator acts on is checked against the official
CDEvents 0.5.1 JSON schema of that type, shipped in `schemas/` (Apache-2.0, see its
LICENSE); a type Mercator does not act on is passed through as ignored, with the reason,
and not checked — Mercator ships only the schemas it needs.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import fastjsonschema
from cloudevents.core.bindings import http
from cloudevents.core.exceptions import BaseCloudEventException
from cloudevents.core.formats.json import JSONFormat
from cloudevents.core.v1.event import CloudEvent

from app.errors import Invalid

SPEC_VERSION = "0.5.1"
STRUCTURED = "application/cloudevents+json"
BATCH = "application/cloudevents-batch+json"
#: Events in one batch at most: one batch is one transaction.
BATCH_MAX = 500
SCHEMAS = Path(__file__).resolve().parent / "schemas"

#: What Mercator acts on: subject.predicate → (the type's version in CDEvents 0.5.1, the
#: schema file, the token scope the event needs).
HANDLED: dict[str, tuple[str, str, str]] = {
    "artifact.packaged": ("0.3.0", "artifactpackaged", "register"),
    "artifact.published": ("0.3.0", "artifactpublished", "register"),
    "service.deployed": ("0.3.0", "servicedeployed", "deploy"),
    "service.upgraded": ("0.3.0", "serviceupgraded", "deploy"),
    "service.rolledback": ("0.3.0", "servicerolledback", "deploy"),
    "service.removed": ("0.3.0", "serviceremoved", "deploy"),
    "environment.created": ("0.3.0", "environmentcreated", "admin"),
    "environment.modified": ("0.3.0", "environmentmodified", "admin"),
    "environment.deleted": ("0.3.0", "environmentdeleted", "admin"),
}
#: Scopes a token needs at least one of to send events at all.
EVENT_SCOPES = tuple(dict.fromkeys(scope for _, _, scope in HANDLED.values()))
_TYPE = re.compile(r"^dev\.cdevents\.([a-z]+)\.([a-z]+)\.(\d+\.\d+\.\d+\S*)$")


@dataclass(frozen=True)
class Event:
    """One CloudEvent received: its envelope's id, source and type; for a CDEvent Mercator
    acts on, `kind` (`service.deployed`, ...) and the CDEvent's context and subject;
    otherwise `ignored`, the reason."""

    id: str
    source: str
    type: str
    kind: str | None = None
    context: dict[str, Any] = field(default_factory=dict)
    subject: dict[str, Any] = field(default_factory=dict)
    ignored: str | None = None

    @property
    def scope(self) -> str | None:
        return HANDLED[self.kind][2] if self.kind else None

    @property
    def content(self) -> dict[str, Any]:
        return self.subject.get("content") or {}


def read(headers: Mapping[str, str], body: bytes) -> list[Event]:
    """The events of one request, in order; Invalid (400) naming every problem, keyed by
    where it is (`data.subject.content.artifactId`, or `events.3.data...` in a batch)."""
    lowered = {key.lower(): value for key, value in headers.items()}
    mimetype = lowered.get("content-type", "").split(";")[0].strip().lower()
    if mimetype == BATCH:
        return _batch(body)
    if mimetype == STRUCTURED:
        envelope = _envelope(lambda: http.from_structured(_message(lowered, body), JSONFormat()))
    elif any(key.startswith("ce-") for key in lowered):
        envelope = _envelope(
            lambda: http.from_binary(_message(lowered, body), JSONFormat(), CloudEvent)
        )
    else:
        raise Invalid(
            f"send CloudEvents: Content-Type {STRUCTURED}, {BATCH}, or binary mode "
            "(ce-id, ce-source, ce-type, ce-specversion headers)",
            {"content-type": [mimetype or "missing"]},
        )
    return [_event(envelope)]


def _message(headers: dict[str, str], body: bytes) -> http.HTTPMessage:
    return http.HTTPMessage(headers=headers, body=body)


def _batch(body: bytes) -> list[Event]:
    try:
        items = json.loads(body)
    except ValueError as error:
        raise Invalid("the batch is not JSON", {"body": [str(error)]}) from None
    if not isinstance(items, list) or not items:
        raise Invalid("a batch is a non-empty JSON array of CloudEvents", {"body": ["not one"]})
    if len(items) > BATCH_MAX:
        raise Invalid(f"a batch holds at most {BATCH_MAX} events", {"body": [str(len(items))]})
    events, problems = [], {}
    for index, item in enumerate(items):
        try:
            if not isinstance(item, dict):
                raise Invalid("not a CloudEvent", {"": ["must be a JSON object"]})
            envelope = _envelope(lambda item=item: JSONFormat().read(None, json.dumps(item)))
            events.append(_event(envelope))
        except Invalid as error:
            for key, messages in (error.details or {}).items():
                problems[f"events.{index}" + (f".{key}" if key else "")] = messages
    if problems:
        raise Invalid("events of the batch are invalid; none was applied", problems)
    return events


def _envelope(parse) -> CloudEvent:
    """The SDK's reading of the envelope; what it refuses is a 400 with its words."""
    try:
        return parse()
    except BaseCloudEventException as error:
        raise Invalid("the CloudEvent is invalid", {"envelope": [str(error)]}) from None
    except (ValueError, TypeError, KeyError, AttributeError) as error:
        raise Invalid("the CloudEvent cannot be read", {"envelope": [str(error)]}) from None


def _event(envelope: CloudEvent) -> Event:
    ce_type = envelope.get_type()
    base = {"id": envelope.get_id(), "source": envelope.get_source(), "type": ce_type}
    matched = _TYPE.match(ce_type)
    if matched is None:
        return Event(**base, ignored=f"{ce_type!r} is not a CDEvent type (dev.cdevents.*)")
    kind, version = f"{matched[1]}.{matched[2]}", matched[3]
    if kind not in HANDLED:
        return Event(**base, ignored=f"Mercator does not act on {kind} events")
    wanted, schema, _ = HANDLED[kind]
    if version != wanted:
        return Event(
            **base,
            ignored=f"Mercator reads {kind} {wanted} (CDEvents {SPEC_VERSION}), not {version}",
        )
    data = envelope.get_data()
    if isinstance(data, bytes | str):
        try:
            data = json.loads(data)
        except ValueError:
            data = None
    if not isinstance(data, dict):
        raise Invalid("the CloudEvent's data is not a CDEvent", {"data": ["must be a JSON object"]})
    try:
        _validator(schema)(data)
    except fastjsonschema.JsonSchemaValueException as error:
        path = ".".join(str(p) for p in error.path)
        raise Invalid(
            f"the {kind} CDEvent does not follow the CDEvents {SPEC_VERSION} schema",
            {path: [error.message.removeprefix(f"{error.name} ")]},
        ) from None
    if data["context"]["type"] != ce_type:
        raise Invalid(
            "the CloudEvent's type and its CDEvent's context.type differ",
            {"data.context.type": [f"{data['context']['type']!r}, the envelope says {ce_type!r}"]},
        )
    return Event(
        id=data["context"]["id"],
        source=data["context"]["source"],
        type=ce_type,
        kind=kind,
        context=data["context"],
        subject=data["subject"],
    )


@cache
def _validator(name: str):
    """The compiled schema of one event type; its `$ref`s (the links) resolve to the
    files beside it, never to the network."""
    links = {}
    for path in (SCHEMAS / "links").glob("*.json"):
        document = json.loads(path.read_text(encoding="utf-8"))
        links[document["$id"]] = document
    schema = json.loads((SCHEMAS / f"{name}.json").read_text(encoding="utf-8"))
    return fastjsonschema.compile(schema, handlers={"https": links.__getitem__})
