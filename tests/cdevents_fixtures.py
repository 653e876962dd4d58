"""CDEvents for tests: the official 0.5.1 conformance examples, and events written the way a
Tekton or Jenkins pipeline sends them, wrapped as CloudEvents.

The conformance examples are read from the shared folder beside the checkout
(`../shared/cdevents-0.5.1`, as CI lays it out); without it the tests that need them fail
saying where they looked, rather than pass on nothing.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from pathlib import Path
from typing import Any

#: The official 0.5.1 conformance examples, copied with their licence (a clone has no
#: folder beside it to read them from).
CDEVENTS = Path(__file__).resolve().parent / "fixtures" / "cdevents-0.5.1"
CONFORMANCE = CDEVENTS / "conformance"
STRUCTURED = "application/cloudevents+json"
BATCH = "application/cloudevents-batch+json"

_ids = itertools.count(1)


def conformance(name: str) -> dict[str, Any]:
    """The conformance example `name` (e.g. `service_deployed`)."""
    path = CONFORMANCE / f"{name}.json"
    if not path.is_file():
        raise FileNotFoundError(
            f"the CDEvents 0.5.1 conformance examples are missing: no {path} "
            "(they sit in shared/cdevents-0.5.1 beside the checkout)"
        )
    return json.loads(path.read_text(encoding="utf-8"))


def conformance_names() -> list[str]:
    if not CONFORMANCE.is_dir():
        raise FileNotFoundError(f"no CDEvents conformance examples in {CONFORMANCE}")
    return sorted(p.stem for p in CONFORMANCE.glob("*.json"))


def cloudevent(cdevent: dict[str, Any]) -> dict[str, Any]:
    """The CDEvent as a structured-mode CloudEvent (the CDEvents binding: the CloudEvent's
    id, source and type are the CDEvent context's)."""
    context = cdevent["context"]
    return {
        "specversion": "1.0",
        "id": context["id"],
        "source": context["source"],
        "type": context["type"],
        "datacontenttype": "application/json",
        "data": cdevent,
    }


def cdevent(kind: str, subject: str, content: dict[str, Any], **context: Any) -> dict[str, Any]:
    """A CDEvent of `kind` (`service.deployed`) as a pipeline would emit it."""
    number = next(_ids)
    return {
        "context": {
            "specversion": "0.5.1",
            "id": context.get("id", f"run-{number}"),
            "source": context.get("source", "/tekton/pipelines/shop-release"),
            "type": f"dev.cdevents.{kind}.0.3.0",
            "timestamp": context.get("timestamp", f"2026-11-20T10:{number % 60:02d}:00Z"),
        },
        "subject": {"id": subject, "source": "/tekton/pipelines/shop-release", "content": content},
    }


def published(component: str, version: str, digest: str, **context: Any) -> dict[str, Any]:
    purl = (
        f"pkg:oci/{component}@{digest.replace(':', '%3A')}"
        f"?repository_url=registry.shop.example/shop/{component}&tag={version}"
    )
    return cdevent("artifact.published", purl, {"user": "tekton"}, **context)


def deployed(
    kind: str, service: str, environment: str, component: str, digest: str, **context: Any
) -> dict[str, Any]:
    artifact = f"pkg:oci/{component}@{digest.replace(':', '%3A')}"
    content = {"environment": {"id": environment}, "artifactId": artifact}
    return cdevent(f"service.{kind}", service, content, **context)


def post(client, *cdevents: dict[str, Any], headers: dict[str, str] | None = None):
    """One event in structured mode, several as a batch."""
    if len(cdevents) == 1:
        body, content_type = cloudevent(cdevents[0]), STRUCTURED
    else:
        body, content_type = [cloudevent(e) for e in cdevents], BATCH
    return client.post(
        "/api/v1/events", data=json.dumps(body), content_type=content_type, headers=headers or {}
    )


def digest_of(name: str, version: str) -> str:
    """A stable fake image digest."""
    return "sha256:" + hashlib.sha256(f"{name}@{version}".encode()).hexdigest()
