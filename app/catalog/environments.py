"""Environments: where things run, and what runs there now."""

from __future__ import annotations

from typing import Any

from app.access.scopes import Actor
from app.catalog import engine_settings, suggest
from app.core import naming, paging, records
from app.core.records import STAGES
from app.errors import Invalid
from app.graph import Graph, Tx


def upsert(
    graph: Graph,
    name: str,
    stage: str | None = None,
    cluster: str | None = None,
    namespace: str | None = None,
    engine: str | None = None,
    description: str | None = None,
    *,
    actor: Actor | None = None,
) -> tuple[dict[str, Any], bool]:
    """Create the environment or update its details; returns (environment, created).
    `actor` is recorded as `updated_by`."""
    details = {"stage": stage, "cluster": cluster, "namespace": namespace, "engine": engine}
    created = graph.write_tx(
        lambda tx: upsert_in(tx, name, **details, description=description, actor=actor)
    )
    return get(graph, name), created


def upsert_in(
    tx: Tx,
    name: str,
    stage: str | None = None,
    cluster: str | None = None,
    namespace: str | None = None,
    engine: str | None = None,
    description: str | None = None,
    *,
    actor: Actor | None = None,
) -> bool:
    """`upsert` inside a transaction of the caller's; returns whether it was created."""
    problems = {}
    if naming.name_problem(name):
        problems["name"] = [naming.name_problem(name)]
    if stage is not None and stage not in STAGES:
        problems["stage"] = [f"must be one of {', '.join(STAGES)}"]
    if engine is not None and engine not in engine_settings.KINDS:
        # refused now, not when a deployment first runs through it
        problems["engine"] = [f"must be one of {', '.join(engine_settings.KINDS)}"]
    if problems:
        raise Invalid("the environment is invalid", problems)
    row = tx.single(
        "catalog/environment_upsert",
        name=name,
        stage=stage,
        cluster=cluster,
        namespace=namespace,
        engine=engine,
        description=description,
        updated_by=None if actor is None else actor.name,
    )
    return row["created"]


def set_engine(
    graph: Graph,
    name: str,
    kind: str,
    config: dict[str, Any] | None = None,
    *,
    actor: Actor | None = None,
) -> dict[str, Any]:
    """Give environment `name` a deployment engine: `none` (record only), `command` or
    `helm`, with its configuration (checked; see `app.deploy.engines`). `actor` is
    recorded as `updated_by`."""
    checked = engine_settings.check(kind, config)
    rows = graph.write(
        "catalog/environment_set_engine",
        name=name,
        engine=kind,
        engine_config=engine_settings.encode(checked, graph.sealer),
        updated_by=None if actor is None else actor.name,
    )
    if not rows:
        raise suggest.not_found(graph, "environment", name)
    return get(graph, name)


def reseal_secrets(graph: Graph) -> int:
    """Seal every environment's engine secrets again with the first key of
    MERCATOR_SECRET_KEY (clear ones from before a key was set, and those of an older key
    kept after it), in one transaction; returns how many environments hold secrets."""
    graph.sealer.require()

    def work(tx: Tx) -> int:
        rows = tx.run("catalog/environment_secret_configs")
        changed = [
            {
                "name": row["name"],
                "engine_config": engine_settings.resealed(row["engine_config"], graph.sealer),
            }
            for row in rows
        ]
        if not changed:
            return 0
        return tx.single("catalog/environment_reseal", environments=changed)["environments"]

    return graph.write_tx(work)


def get(graph: Graph, name: str, running: bool = True) -> dict[str, Any]:
    """The environment, what runs there (unless not `running`: the environment's page
    reads a page of its inventory instead of thousands of rows), and its engine
    configuration with secrets hidden."""
    rows = graph.read("catalog/environment_get", name=name, running=running)
    if not rows:
        raise suggest.not_found(graph, "environment", name)
    props = rows[0]["props"]
    # shown redacted, so its secrets stay sealed
    config = engine_settings.decode(props.get("engine_config")) if props.get("engine") else None
    return {
        **records.environment(props),
        "engine_config": engine_settings.redacted(config),
        **({"running": rows[0]["running"]} if running else {}),
    }


def list_environments(
    graph: Graph,
    prefix: str | None = None,
    stage: str | None = None,
    offset: int = 0,
    limit: int = paging.DEFAULT_LIMIT,
) -> dict[str, Any]:
    return paging.page(
        lambda skip, take: graph.read(
            "catalog/environment_list", prefix=prefix, stage=stage, offset=skip, limit=take
        ),
        lambda row: {**records.environment(row["props"]), "running_count": row["running"]},
        offset,
        limit,
    )
