"""Promotion, the release manager's verb: deploy to the next stage the application version
the previous stage runs now, through the next stage's engine.

The version is not given but read: the latest deployment of the application to the
source environment. It must have succeeded, and the source must still run every one of
its component versions — else what is promoted would not be what was tried there, and
the promotion is refused saying why. The check is made again inside the transaction that
queues the deployment, so a source that changes in between is not promoted from.
"""

from __future__ import annotations

from typing import Any

from app.access.scopes import Actor
from app.catalog import suggest
from app.deploy import deployments
from app.errors import Conflict, Invalid
from app.graph import Graph, Tx


def promote(
    graph: Graph,
    application: str,
    source: str,
    target: str,
    version: str | None = None,
    *,
    dry_run: bool = False,
    deployment_id: str | None = None,
    by: str | None = None,
    actor: Actor | None = None,
) -> tuple[dict[str, Any], bool]:
    """Queue the deployment to `target` of the version of `application` that `source`
    runs (`version`: only if it is that one); (deployment, created) as
    `deployments.enqueue`, each with `promoted_from`. `dry_run`: the target engine's plan
    (for gitops its diff), nothing written."""
    if source == target:
        raise Invalid("promote to another environment", {"to": ["the same as from"]})
    chosen = graph.read_tx(lambda tx: _source_version(tx, graph, application, source, version))

    def still_runs(tx: Tx) -> None:
        again = _source_version(tx, graph, application, source, version)
        if again != chosen:
            raise Conflict(
                f"{source} changed while promoting: it now runs {application} {again}",
                {"from": source, "version": again},
            )

    answer, created = deployments.enqueue(
        graph,
        {
            "environment": target,
            "application": application,
            "version": chosen,
            "id": deployment_id,
            "by": by,
        },
        dry_run=dry_run,
        actor=actor,
        precondition=still_runs,
    )
    return {**answer, "promoted_from": {"environment": source, "version": chosen}}, created


def _source_version(
    tx: Tx, graph: Graph, application: str, source: str, version: str | None
) -> str:
    """The version of `application` that `source` runs now and whose deployment there
    succeeded; `Conflict` (or NotFound for an unknown name) saying why there is none."""
    row = tx.single(
        "deploy/promotable", application=application, environment=source, version=version
    )
    what = f"{application} {version}" if version else application
    if row is None:
        for kind, name in (("environment", source), ("application", application)):
            if not graph.read(f"catalog/{kind}_get", name=name, running=False):
                raise suggest.not_found(graph, kind, name)
        raise Conflict(
            f"{source} has no deployment of {what} to promote",
            {"from": source, "application": application, "version": version},
        )
    found = f"{application} {row['version']}"
    if row["status"] != "succeeded":
        raise Conflict(
            f"{source}'s latest deployment of {found} ({row['deployment']}) is "
            f"{row['status']}, not succeeded: there is nothing tried there to promote",
            {"from": source, "deployment": row["deployment"], "status": row["status"]},
        )
    if row["replaced"]:
        changed = ", ".join(
            f"{r['component']} {r['running'] or 'nothing'} instead of {r['version']}"
            for r in row["replaced"]
        )
        raise Conflict(
            f"{source} no longer runs {found}: it runs {changed}",
            {"from": source, "replaced": row["replaced"]},
        )
    return row["version"]
