"""The version matrix: components down the side, environments across, the version of each
component in each environment, now or at a past time T, with drift marked.

The rows come from one query (`cypher/reports/matrix.cypher`); this module checks the
filters and marks each cell against the stages that follow it (dev → test → staging →
prod), so a release manager sees at a glance what has not reached the next stage yet and
what is ahead of production.
"""

from __future__ import annotations

from typing import Any

from app.catalog import applications, teams
from app.core import paging, semver, times
from app.core.records import STAGES
from app.errors import Invalid
from app.graph import Graph

PROD = "prod"


def matrix(
    graph: Graph,
    application: str | None = None,
    team: str | None = None,
    stage: str | None = None,
    at: str | None = None,
    offset: int = 0,
    limit: int = paging.DEFAULT_LIMIT,
) -> dict[str, Any]:
    """One page of components by every environment (of `stage`, when given).

    Each row's `cells` line up with `environments`: null where the component does not run,
    else {environment, version, since, deployment, drift}. `drift` says whether the version
    differs from the one in the next stage's environments (`next`), from production's
    (`prod`), and whether it is newer than production's (`newer_than_prod`). Drift is
    judged among the environments shown: filtering by stage leaves nothing to compare.
    An unknown application or team is NotFound, not an empty matrix.
    """
    problems: dict[str, list[str]] = {}
    if stage is not None and stage not in STAGES:
        problems["stage"] = [f"must be one of {', '.join(STAGES)}"]
    if at is not None and times.parse(at) is None:
        problems["at"] = [times.PROBLEM]
    if problems:
        raise Invalid("the matrix filters are invalid", problems)
    paging.check(offset, limit)
    if application is not None:
        applications.get(graph, application)
    if team is not None:
        teams.get(graph, team)
    row = graph.read(
        "reports/matrix",
        application=application,
        team=team,
        stage=stage,
        at=None if at is None else times.canonical(at),
        offset=offset,
        limit=limit + 1,
    )[0]
    environments = row["environments"]
    rows = [_row(component, environments) for component in row["components"][:limit]]
    return {
        "at": at,
        "filters": {"application": application, "team": team, "stage": stage},
        "environments": environments,
        "components": rows,
        "offset": offset,
        "limit": limit,
        "next_offset": offset + limit if len(row["components"]) > limit else None,
    }


def _row(component: dict[str, Any], environments: list[dict[str, Any]]) -> dict[str, Any]:
    by_environment = {cell["environment"]: cell for cell in component["cells"]}
    versions = {name: cell["version"] for name, cell in by_environment.items()}
    cells = []
    for environment in environments:
        cell = by_environment.get(environment["name"])
        if cell is not None:
            cell = {**cell, "drift": _drift(environment, cell["version"], environments, versions)}
        cells.append(cell)
    return {
        "component": component["component"],
        "kind": component["kind"],
        "owner": component["owner"],
        "cells": cells,
    }


def _drift(
    environment: dict[str, Any],
    version: str,
    environments: list[dict[str, Any]],
    versions: dict[str, str],
) -> dict[str, bool]:
    """How `version`, running in `environment`, compares with the stages after it. A stage
    with no environment shown is skipped (dev → prod when there is no test or staging);
    an environment of the next stage that does not run the component differs."""
    stage, rank = environment["stage"], _rank(environment)
    later = [
        e for e in environments if rank is not None and _rank(e) is not None and _rank(e) > rank
    ]
    next_rank = min((_rank(e) for e in later), default=None)
    following = [versions.get(e["name"]) for e in later if _rank(e) == next_rank]
    prod = (
        []
        if stage == PROD
        else [versions.get(e["name"]) for e in environments if e["stage"] == PROD]
    )
    ours = semver.version_key(version)
    prod_keys = [semver.version_key(v) for v in prod if v is not None]
    return {
        "next": any(v != version for v in following),
        "prod": any(v != version for v in prod),
        "newer_than_prod": bool(prod_keys)
        and ours is not None
        and None not in prod_keys
        and all(ours > key for key in prod_keys),
    }


def _rank(environment: dict[str, Any]) -> int | None:
    """The environment's place in dev → test → staging → prod; None without a stage."""
    stage = environment["stage"]
    return STAGES.index(stage) if stage in STAGES else None
