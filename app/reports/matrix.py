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


def choices(graph: Graph, limit: int) -> dict[str, list[str]]:
    """The application and team names the matrix's filters offer, the first `limit` of
    each by name."""
    return graph.read("reports/matrix_choices", limit=limit)[0]


def _row(component: dict[str, Any], environments: list[dict[str, Any]]) -> dict[str, Any]:
    by_environment = {cell["environment"]: cell for cell in component["cells"]}
    versions = {name: cell["version"] for name, cell in by_environment.items()}
    judge = _Drift(environments, versions)
    cells = []
    for environment in environments:
        cell = by_environment.get(environment["name"])
        if cell is not None:
            cell = {**cell, "drift": judge(environment, cell["version"])}
        cells.append(cell)
    return {
        "component": component["component"],
        "kind": component["kind"],
        "owner": component["owner"],
        "cells": cells,
    }


class _Drift:
    """How a version running in an environment compares with the stages after it, for one
    component's row. What each stage runs and production's version keys are gathered once
    per row, not once per cell (a page has thousands of cells)."""

    def __init__(self, environments: list[dict[str, Any]], versions: dict[str, str]) -> None:
        #: rank → versions (None where it does not run) of the environments of that stage
        self.by_rank: dict[int, list[str | None]] = {}
        for environment in environments:
            rank = _rank(environment)
            if rank is not None:
                self.by_rank.setdefault(rank, []).append(versions.get(environment["name"]))
        self.prod = [versions.get(e["name"]) for e in environments if e["stage"] == PROD]
        self.keys: dict[str, Any] = {}
        self.prod_keys = [self._key(v) for v in self.prod if v is not None]

    def _key(self, version: str) -> Any:
        if version not in self.keys:
            self.keys[version] = semver.version_key(version)
        return self.keys[version]

    def __call__(self, environment: dict[str, Any], version: str) -> dict[str, bool]:
        """A stage with no environment shown is skipped (dev → prod when there is no test
        or staging); an environment of the next stage that does not run the component
        differs."""
        rank = _rank(environment)
        later = [r for r in self.by_rank if rank is not None and r > rank]
        following = self.by_rank[min(later)] if later else []
        prod = [] if environment["stage"] == PROD else self.prod
        prod_keys = [] if environment["stage"] == PROD else self.prod_keys
        ours = self._key(version) if prod_keys else None
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
