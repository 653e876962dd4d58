"""A seeded, realistic catalog document (the `mercator import` format) at a chosen size.

Shapes that matter to the reports: a few hub services most others depend on, long
dependency chains, some cycles, version ranges on part of the dependencies, skewed version
counts per component, applications that move forward one component at a time, and a
deployment history per environment from which the current inventory follows.

    .venv/bin/python benchmarks/generate.py medium > catalog.json
"""

from __future__ import annotations

import json
import random
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

KINDS = ["service"] * 14 + ["library", "database", "config", "job", "binary", "infrastructure"]
STAGES = ["dev", "test", "staging", "prod"]


@dataclass(frozen=True)
class Size:
    teams: int
    components: int
    component_versions: int
    applications: int
    versions_per_application: int
    components_per_application: int
    environments: int
    deployments: int


SIZES = {
    "small": Size(5, 20, 100, 3, 5, 8, 3, 30),
    "medium": Size(50, 500, 10_000, 100, 10, 15, 10, 10_000),
    "large": Size(200, 5_000, 100_000, 1_000, 20, 20, 30, 300_000),
    # On demand only (`make bench SIZE=xlarge`), to see how cost grows past large: three
    # times its catalog, sized to finish in one run on a 2-core machine.
    "xlarge": Size(600, 15_000, 300_000, 3_000, 20, 20, 30, 900_000),
}

EPOCH = datetime(2025, 1, 1, tzinfo=UTC)


def generate(size: Size, seed: int = 7) -> dict:
    rng = random.Random(seed)
    teams = [
        {
            "name": f"team-{t}",
            "email": f"team-{t}@example.com",
            "chat": f"#team-{t}",
            "pager": f"team-{t}-oncall",
            "created_at": _at(0),
        }
        for t in range(size.teams)
    ]
    names = [f"svc-{c:05d}" for c in range(size.components)]
    components = [
        {
            "name": name,
            "kind": rng.choice(KINDS),
            "owner": f"team-{rng.randrange(size.teams)}",
            "description": f"component {name}",
            "repository_url": None,
            "created_at": _at(0),
        }
        for name in names
    ]
    counts = _skewed_counts(rng, size.components, size.component_versions)
    dependencies = _dependencies(rng, names)
    versions = _component_versions(rng, names, counts, dependencies)
    by_component: dict[str, list[str]] = {}
    for record in versions:
        by_component.setdefault(record["component"], []).append(record["version"])
    applications, app_versions = _applications(rng, size, names, by_component)
    environments = [
        {
            "name": f"env-{e:02d}",
            "stage": STAGES[e % len(STAGES)],
            "cluster": f"cluster-{e % 5}",
            "namespace": "apps",
            "engine": "helm",
            "description": None,
            "created_at": _at(0),
        }
        for e in range(size.environments)
    ]
    deployments, runs = _deployments(rng, size, environments, app_versions)
    return {
        "format": "mercator-catalog",
        "format_version": 1,
        "teams": teams,
        "components": components,
        "component_versions": versions,
        "applications": applications,
        "application_versions": app_versions,
        "environments": environments,
        "deployments": deployments,
        "runs": runs,
    }


def _at(minutes: float) -> str:
    return (EPOCH + timedelta(minutes=minutes)).isoformat().replace("+00:00", "Z")


def _skewed_counts(rng: random.Random, components: int, total: int) -> list[int]:
    """Versions per component: a long tail, every component at least one."""
    weights = [1 / (1 + i) ** 0.6 for i in range(components)]
    rng.shuffle(weights)
    scale = (total - components) / sum(weights)
    counts = [1 + int(w * scale) for w in weights]
    for i in range(total - sum(counts)):
        counts[i % components] += 1
    return counts


def _dependencies(rng: random.Random, names: list[str]) -> dict[str, list[tuple[str, bool]]]:
    """Per component: (dependency, ranged?). Hubs, chains and a few cycles."""
    hubs = names[: max(3, len(names) // 100)]
    deps: dict[str, list[tuple[str, bool]]] = {name: [] for name in names}
    for index, name in enumerate(names):
        chosen = set()
        if name not in hubs:
            chosen.update(rng.sample(hubs, k=min(len(hubs), rng.randint(1, 3))))
        if index % 10 and index > len(hubs):  # chains: most depend on the one before
            chosen.add(names[index - 1])
        for _ in range(rng.randint(0, 2)):
            chosen.add(rng.choice(names))
        chosen.discard(name)
        deps[name] = [(d, rng.random() < 0.4) for d in sorted(chosen)]
    for start in range(len(hubs), len(names) - 3, max(50, len(names) // 20)):  # cycles
        deps[names[start]].append((names[start + 2], False))
    return deps


def _component_versions(rng, names, counts, dependencies) -> list[dict]:
    records = []
    minute = 0.0
    for name, count in zip(names, counts, strict=True):
        for n in range(count):
            minute += 1
            version = f"{1 + n // 50}.{(n // 10) % 5}.{n % 10}"
            records.append(
                {
                    "component": name,
                    "version": version,
                    "image": f"registry.example.com/{name}",
                    "digest": f"sha256:{rng.getrandbits(256):064x}",
                    "git_repository": f"https://git.example.com/{name}",
                    "git_commit": f"{rng.getrandbits(160):040x}",
                    "git_branch": "main",
                    "build_url": None,
                    "chart": name,
                    "chart_version": "1.0.0",
                    "created_at": _at(minute),
                    "attributes": {"tier": rng.choice(["gold", "silver"])},
                    "dependencies": [
                        {"component": dep, "range": ">=1.0.0 <3.0.0" if ranged else None}
                        for dep, ranged in dependencies[name]
                    ],
                }
            )
    return records


def _applications(rng, size, names, by_component):
    applications, versions = [], []
    for a in range(size.applications):
        name = f"app-{a:04d}"
        applications.append(
            {
                "name": name,
                "owner": f"team-{rng.randrange(size.teams)}",
                "description": None,
                "created_at": _at(0),
            }
        )
        members = rng.sample(names, k=min(len(names), size.components_per_application))
        current = {m: by_component[m][0] for m in members}
        for v in range(size.versions_per_application):
            if v:
                moved = rng.choice(members)
                current[moved] = rng.choice(by_component[moved])
            versions.append(
                {
                    "application": name,
                    "version": f"1.0.{v}",
                    "reason": "generated",
                    "created_at": _at(v),
                    "components": [
                        {"component": c, "version": current[c]} for c in sorted(current)
                    ],
                }
            )
    return applications, versions


def _deployments(rng, size, environments, app_versions):
    deployments, running = [], {}
    for d in range(size.deployments):
        target = rng.choice(app_versions)
        environment = rng.choice(environments)["name"]
        finished = _at(10 * d + 5)
        status = "succeeded" if rng.random() < 0.9 else "failed"
        deployments.append(
            {
                "id": f"deploy-{d:07d}",
                "environment": environment,
                "status": status,
                "started_at": _at(10 * d),
                "finished_at": finished,
                "recorded_at": finished,
                "by": "ci",
                "engine": "helm",
                "log_url": None,
                "application": {"application": target["application"], "version": target["version"]},
                "components": [],
            }
        )
        if status == "succeeded":
            for member in target["components"]:
                running[(environment, member["component"])] = (
                    member["version"],
                    finished,
                    f"deploy-{d:07d}",
                )
    runs = [
        {
            "environment": env,
            "component": component,
            "version": version,
            "since": since,
            "deployment": deployment,
        }
        for (env, component), (version, since, deployment) in sorted(running.items())
    ]
    return deployments, runs


if __name__ == "__main__":
    which = sys.argv[1] if len(sys.argv) > 1 else "medium"
    json.dump(generate(SIZES[which]), sys.stdout)
