"""Three-way drift of a GitOps environment: what Git declares, what the cluster runs, what
Mercator recorded.

A GitOps environment has three accounts of what runs in it, and each pair disagrees for
its own reason: Git ahead of the cluster means the controller has not synced (or cannot);
Git different from the inventory means someone committed outside Mercator, or a
deployment is still running; the cluster different from the inventory means nobody has
run `sync kubernetes` since it changed. So the report names each difference with its
likely cause, per component, instead of one "out of sync" flag.

Git is read at the branch's head from a fresh clone (the same reading the engine's writers
do, in reverse: `app.deploy.gitops.declared`); the cluster is the last observation
(`OBSERVED` edges, written by `sync kubernetes` and CDEvents); both are compared with the
inventory in one statement (`deploy/drift`). Components are those the engine's
configuration names, with (when it has a `default` writer) those the environment runs or
was seen running.
"""

from __future__ import annotations

from typing import Any

from app.catalog import suggest
from app.core import times
from app.deploy import engines, gitops
from app.errors import Invalid
from app.graph import Graph


def drift(graph: Graph, environment: str, worker_env: dict[str, str]) -> dict[str, Any]:
    """The drift report: {environment, repository, branch, commit, observed_at,
    observed_by, pending, components: [{component, declared, recorded, observed,
    differences: [{kind, message}], in_sync}], differences (the environment's own),
    in_sync}."""
    rows = graph.read("catalog/environment_get", name=environment, running=True)
    if not rows:
        raise suggest.not_found(graph, "environment", environment)
    props = rows[0]["props"]
    if props.get("engine") != "gitops":
        raise Invalid(
            f"environment {environment!r} has engine {props.get('engine')!r}, not gitops: "
            "there is no Git declaration to compare (see `mercator sync kubernetes` for the "
            "cluster against the inventory)",
            {"environment": [environment]},
        )
    _, config = engines.configured(props, graph.sealer)
    names = set(config.get("components", {}))
    if "default" in config:
        names |= {row["component"] for row in rows[0]["running"]}
    git_problem = None
    try:
        declaration = gitops.declared(config, sorted(names), worker_env)
    except Invalid as exc:
        git_problem = exc.message
        declaration = {"commit": None, "components": {}}
    declared = declaration["components"]
    (row,) = graph.read(
        "deploy/drift",
        environment=environment,
        declared=[
            {"component": name, "tag": found["tag"], "digest": found["digest"]}
            for name, found in declared.items()
            if not found.get("problem")
        ],
    )
    never_synced = row["observed_at"] is None
    components = [
        _component(item, declared.get(item["component"]), row["pending"], never_synced)
        for item in row["components"]
    ]
    differences = []
    if git_problem:
        differences.append({"kind": "git_unreadable", "message": git_problem})
    if never_synced:
        differences.append(
            {
                "kind": "never_observed",
                "message": "the cluster was never observed: run `mercator sync kubernetes "
                f"--environment {environment}` (or send CDEvents)",
            }
        )
    differences += [
        {
            "kind": "unknown_image",
            "message": f"cluster runs an image no version has: {item['image']} in "
            f"{item['workload']}",
        }
        for item in row["unknown"]
    ]
    return {
        "environment": environment,
        "repository": engines.scrub(config["repository"], engines.secrets(config)),
        "branch": config.get("branch", gitops.DEFAULT_BRANCH),
        "commit": declaration["commit"],
        "observed_at": row["observed_at"],
        "observed_by": row["observed_by"],
        "pending": row["pending"],
        "components": components,
        "differences": differences,
        "in_sync": not differences and all(c["in_sync"] for c in components),
    }


def _component(
    item: dict[str, Any],
    declaration: dict[str, Any] | None,
    pending: list[str],
    never_synced: bool,
) -> dict[str, Any]:
    """One component's three accounts and their differences, named."""
    name, recorded = item["component"], item["recorded"]
    observed = item["observed"]
    differences: list[dict[str, str]] = []

    def say(kind: str, message: str) -> None:
        differences.append({"kind": kind, "message": message})

    declared_version = None
    if declaration is None or declaration.get("problem"):
        why = declaration["problem"] if declaration else "the engine names no file for it"
        say("not_declared", f"Git declares nothing for {name}: {why}")
    else:
        declared_version = _declared_version(name, declaration, item, say)
    if len(observed) > 1:
        say(
            "rollout",
            f"cluster runs {' and '.join(o['version'] for o in observed)} of {name} at "
            "once: a rollout in progress",
        )
    seen = observed[0] if len(observed) == 1 else None
    _compare(
        name,
        declared_version,
        recorded["version"] if recorded else None,
        seen,
        never_synced or len(observed) > 1,
        pending,
        say,
    )
    return {
        "component": name,
        "declared": None if declaration is None else {**declaration, "version": declared_version},
        "recorded": recorded,
        "observed": observed,
        "differences": differences,
        "in_sync": not differences,
    }


def _compare(
    name: str,
    declared: str | None,
    recorded: str | None,
    seen: dict[str, Any] | None,
    unobserved: bool,
    pending: list[str],
    say,
) -> None:
    """Name how the three accounts of one component differ, with the likely cause: which
    of them is behind the other two. `unobserved`: the cluster's account is unknown (never
    observed, or mid-rollout), so only Git and the inventory are compared."""
    running = None if unobserved else (seen["version"] if seen else None)
    since = f" since {_when(seen['since'])}" if seen else ""
    cluster = f"cluster runs {running}{since}" if running else f"cluster runs no {name}"
    waiting = f": deployment {', '.join(pending)} has not ended" if pending else ""
    if declared and recorded and declared == recorded:
        if not unobserved and running != declared:
            say(
                "cluster_behind",
                f"declared {declared} and recorded, {cluster}: the controller has not synced",
            )
    elif declared and not unobserved and running == declared:
        say(
            "inventory_behind",
            f"declared {declared} and the cluster runs it{since}, Mercator records "
            f"{recorded or 'nothing'}"
            + (waiting or ": run `mercator sync kubernetes` to record it"),
        )
    elif declared and not unobserved and recorded and running == recorded:
        say(
            "git_differs",
            f"declared {declared}, Mercator records {recorded} and the cluster runs it"
            + (
                waiting
                or ": a commit the controller has not applied, or a deployment that bypassed Git"
            ),
        )
    elif declared and recorded != declared:
        say(
            "three_ways" if not unobserved else "git_differs",
            f"declared {declared}, Mercator records {recorded or 'nothing'}"
            + ("" if unobserved else f", {cluster}")
            + (waiting or ": the repository was changed outside Mercator"),
        )
    elif recorded and not unobserved and running != recorded:
        say(
            "recorded_not_running",
            f"Mercator records {recorded}, {cluster}: not synced into the inventory since",
        )


def _declared_version(
    name: str, declaration: dict[str, Any], item: dict[str, Any], say
) -> str | None:
    """The version Git declares (by tag, checked against the digest it pins), or None when
    what it declares is no version of the component (said)."""
    tag, digest = declaration["tag"], declaration["digest"]
    by_tag, by_digest = item["by_tag"], item["by_digest"]
    if tag is None and digest is None:
        say("not_declared", f"Git declares no version of {name} at {declaration['file']}")
        return None
    if by_tag and digest and by_tag["digest"] != digest:
        if by_digest:
            say(
                "declared_mismatch",
                f"Git declares tag {tag} with the digest of {name} {by_digest}",
            )
        else:
            say(
                "declared_unknown",
                f"Git declares tag {tag} with digest {digest}, which no version of {name} has",
            )
        return None
    if by_tag:
        return by_tag["version"]
    if tag is not None:
        say("declared_unknown", f"Git declares {name} {tag}, which is no registered version")
        return None
    if by_digest is None:
        say("declared_unknown", f"Git declares digest {digest}, which no version of {name} has")
    return by_digest


def _when(moment: str | None) -> str:
    """A time as people read it in a sentence: its clock time, with the date unless today."""
    parsed = times.parse(moment) if moment else None
    if parsed is None:
        return "an unknown time"
    today = times.parse(times.now()).date()
    clock = parsed.strftime("%H:%M UTC")
    return clock if parsed.date() == today else f"{parsed.date().isoformat()} {clock}"
