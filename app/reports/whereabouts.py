"""Where an application version runs now and where it ran, for its page: the question a
release manager asks before promoting it ("is 1.0.6 already in staging?")."""

from __future__ import annotations

from typing import Any

from app.errors import NotFound
from app.graph import Graph


def application_version(graph: Graph, application: str, version: str) -> dict[str, Any]:
    """`running`: environments running all of its component versions now (`complete`) or
    only some; `deployments`: every deployment of it, newest first."""
    rows = graph.read(
        "reports/application_version_whereabouts", application=application, version=version
    )
    if not rows:
        raise NotFound(
            f"no version {version!r} of application {application!r}",
            {"application": application, "version": version},
        )
    row = rows[0]
    return {
        "running": [
            {**place, "complete": place["running"] == row["size"]} for place in row["running"]
        ],
        "size": row["size"],
        "deployments": row["deployments"],
    }
