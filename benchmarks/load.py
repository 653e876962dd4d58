"""Mixed load on a running Mercator: pipelines register and deploy while readers run reports.

Pipeline threads each own a few components and loop: register the next version of one
(every tenth registration is sent twice, as a retrying pipeline would; the second must
answer 200 and change nothing), then record a deployment of it to one of the
environments (one in ten fails). Reader threads meanwhile ask for bills of materials,
blast radii, inventories, environment differences, whereabouts and lists. Every client
keeps a ledger of what the service acknowledged; afterwards the graph is counted through
Neo4j directly: every acknowledged version and deployment must be there exactly once,
nothing else of this run may be, and each application's version chain must have grown
by exactly one version per registration of one of its components.

    .venv/bin/python benchmarks/load.py --url http://127.0.0.1:5000 --seconds 180

The count afterwards reaches Neo4j with the service's own settings (`MERCATOR_NEO4J_*`);
`MERCATOR_TOKEN`, when set, is sent as a bearer token. Names are prefixed with a fresh run
id, so runs never collide and the catalog may hold other data. Prints one JSON document:
per kind of request its count, errors and p50/p95/p99 latency, and the verification.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import sys
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import neo4j
import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.config import Settings  # noqa: E402

COMPONENTS_PER_PIPELINE = 4
APPLICATIONS = 3
ENVIRONMENTS = 3
RETRY_EVERY = 10  # every n-th registration is sent a second time
FAIL_EVERY = 10  # every n-th deployment is recorded as failed


@dataclass
class Ledger:
    """What the service acknowledged, and how each request went, shared by all clients."""

    versions: list[tuple[str, str]] = field(default_factory=list)
    deployments: list[str] = field(default_factory=list)
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def timed(
        self, kind: str, expected: int, send: Callable[..., requests.Response], url: str, **kw
    ) -> requests.Response | None:
        """`send(url, **kw)`; record its latency, and an error unless it answered
        `expected`. Returns the response when it did."""
        started = time.perf_counter()
        try:
            response = send(url, timeout=120, **kw)
        except requests.RequestException as exc:
            response, problem = None, f"{type(exc).__name__}: {exc}"
        else:
            problem = (
                None
                if response.status_code == expected
                else (f"{response.status_code}: {response.text[:300]}")
            )
        elapsed = time.perf_counter() - started
        with self.lock:
            self.latencies[kind].append(elapsed)
            if problem:
                self.errors[kind].append(problem)
        return response if problem is None else None


class Load:
    """One run: its names, its clients, and the check afterwards."""

    def __init__(
        self, base_url: str, pipelines: int, readers: int, headers: dict[str, str] | None = None
    ) -> None:
        self.api = base_url.rstrip("/") + "/api/v1"
        self.headers = {"Accept": "application/json", **(headers or {})}
        self.run_id = uuid.uuid4().hex[:8]
        self.pipelines = pipelines
        self.readers = readers
        self.ledger = Ledger()
        self.stop = threading.Event()
        self.components = [
            f"load-{self.run_id}-svc-{i}" for i in range(pipelines * COMPONENTS_PER_PIPELINE)
        ]
        self.environments = [f"load-{self.run_id}-env-{e}" for e in range(ENVIRONMENTS)]
        # Each application holds every other component, offset by its number, so that
        # most registrations derive versions of more than one application.
        self.applications = {
            f"load-{self.run_id}-app-{a}": self.components[a % 2 :: 2] for a in range(APPLICATIONS)
        }

    def session(self) -> requests.Session:
        session = requests.Session()
        session.headers.update(self.headers)
        return session

    # -- setup ---------------------------------------------------------------------------
    def seed(self) -> None:
        http = self.session()
        for name in self.components:
            response = http.post(f"{self.api}/components/{name}/versions", json={"version": "1.0"})
            response.raise_for_status()
        for name, members in self.applications.items():
            body = {"components": [{"component": c, "version": "1.0"} for c in members]}
            http.post(f"{self.api}/applications/{name}/versions", json=body).raise_for_status()
        for name in self.environments:
            http.put(f"{self.api}/environments/{name}", json={"stage": "test"}).raise_for_status()

    # -- clients -------------------------------------------------------------------------
    def pipeline(self, number: int) -> None:
        http = self.session()
        rng = random.Random(number)
        owned = self.components[number :: self.pipelines]
        for n in range(1, 1_000_000):
            if self.stop.is_set():
                return
            component = owned[n % len(owned)]
            version = f"1.{n}"
            body = {
                "version": version,
                "image": f"registry.example.com/{component}",
                "digest": "sha256:" + hashlib.sha256(f"{component}-{n}".encode()).hexdigest(),
                "git_commit": uuid.uuid4().hex,
                "attributes": {"pipeline": number},
            }
            url = f"{self.api}/components/{component}/versions"
            if not self.ledger.timed("register", 201, http.post, url, json=body):
                continue
            with self.ledger.lock:
                self.ledger.versions.append((component, version))
            if n % RETRY_EVERY == 0:
                self.ledger.timed("register_retry", 200, http.post, url, json=body)
            deployment = {
                "id": f"load-{self.run_id}-p{number}-{n}",
                "environment": rng.choice(self.environments),
                "status": "failed" if n % FAIL_EVERY == 0 else "succeeded",
                "components": [{"component": component, "version": version}],
                "by": f"pipeline-{number}",
            }
            if self.ledger.timed(
                "deploy", 201, http.post, f"{self.api}/deployments", json=deployment
            ):
                with self.ledger.lock:
                    self.ledger.deployments.append(deployment["id"])

    def reader(self, number: int) -> None:
        http = self.session()
        rng = random.Random(1000 + number)
        reports = [
            self._bom,
            self._blast_radius,
            self._inventory,
            self._environment_diff,
            self._whereabouts,
            self._versions,
            self._deployments,
        ]
        while not self.stop.is_set():
            rng.choice(reports)(http, rng)

    def _bom(self, http: requests.Session, rng: random.Random) -> None:
        name = rng.choice(list(self.applications))
        app = self.ledger.timed("application", 200, http.get, f"{self.api}/applications/{name}")
        if app is not None:
            url = f"{self.api}/applications/{name}/versions/{app.json()['latest_version']}/bom"
            self.ledger.timed("bom", 200, http.get, url)

    def _blast_radius(self, http: requests.Session, rng: random.Random) -> None:
        url = f"{self.api}/components/{rng.choice(self.components)}/blast-radius"
        self.ledger.timed("blast_radius", 200, http.get, url)

    def _inventory(self, http: requests.Session, rng: random.Random) -> None:
        url = f"{self.api}/environments/{rng.choice(self.environments)}/inventory"
        self.ledger.timed("inventory", 200, http.get, url)

    def _environment_diff(self, http: requests.Session, rng: random.Random) -> None:
        left, right = rng.sample(self.environments, 2)
        url = f"{self.api}/environments/{left}/diff?with={right}"
        self.ledger.timed("environment_diff", 200, http.get, url)

    def _whereabouts(self, http: requests.Session, rng: random.Random) -> None:
        url = f"{self.api}/components/{rng.choice(self.components)}/whereabouts"
        self.ledger.timed("whereabouts", 200, http.get, url)

    def _versions(self, http: requests.Session, rng: random.Random) -> None:
        url = f"{self.api}/components/{rng.choice(self.components)}/versions?limit=100"
        self.ledger.timed("versions", 200, http.get, url)

    def _deployments(self, http: requests.Session, rng: random.Random) -> None:
        url = f"{self.api}/deployments?environment={rng.choice(self.environments)}&limit=100"
        self.ledger.timed("deployments", 200, http.get, url)

    def run(self, seconds: float) -> float:
        """Run every client for `seconds`; returns the wall time they ran."""
        threads = [
            threading.Thread(target=self.pipeline, args=(p,), daemon=True)
            for p in range(self.pipelines)
        ] + [
            threading.Thread(target=self.reader, args=(r,), daemon=True)
            for r in range(self.readers)
        ]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        self.stop.wait(seconds)
        self.stop.set()
        for thread in threads:
            thread.join(120)
        return time.perf_counter() - started

    # -- the count afterwards ------------------------------------------------------------
    def verify(self, settings: Settings) -> dict[str, Any]:
        """Count this run's versions, deployments and application versions in Neo4j."""
        prefix = f"load-{self.run_id}-"
        with neo4j.GraphDatabase.driver(
            settings.neo4j_uri, auth=(settings.neo4j_user, settings.neo4j_password)
        ) as driver:

            def rows(query: str) -> list[dict[str, Any]]:
                records, _, _ = driver.execute_query(
                    query, {"prefix": prefix}, database_=settings.neo4j_database
                )
                return [record.data() for record in records]

            versions = rows(
                "MATCH (c:Component)-[:HAS_VERSION]->(v:ComponentVersion) "
                "WHERE c.name STARTS WITH $prefix AND v.version <> '1.0' "
                "RETURN v.component AS component, v.version AS version"
            )
            deployments = rows(
                "MATCH (d:Deployment) WHERE d.id STARTS WITH $prefix RETURN d.id AS id"
            )
            chains = {
                row["name"]: row["count"]
                for row in rows(
                    "MATCH (a:Application) WHERE a.name STARTS WITH $prefix "
                    "RETURN a.name AS name, a.version_count AS count"
                )
            }
        found_versions = [(row["component"], row["version"]) for row in versions]
        found_deployments = [row["id"] for row in deployments]
        registered = set(self.ledger.versions)
        expected_chains = {
            name: 1 + sum(1 for component, _ in registered if component in members)
            for name, members in self.applications.items()
        }
        return {
            "versions": _compare(self.ledger.versions, found_versions),
            "deployments": _compare(self.ledger.deployments, found_deployments),
            "application_versions": {
                "expected": sum(expected_chains.values()),
                "found": sum(chains.values()),
                "chains_exact": chains == expected_chains,
            },
        }


def _compare(acknowledged: list, found: list) -> dict[str, Any]:
    """How the graph's records match the ledger: lost (acknowledged, absent), duplicated
    (present more than once), unexpected (present, never acknowledged)."""
    counted: dict[Any, int] = defaultdict(int)
    for item in found:
        counted[item] += 1
    return {
        "acknowledged": len(acknowledged),
        "found": len(found),
        "lost": sum(1 for item in set(acknowledged) if counted[item] == 0),
        "duplicated": sum(1 for n in counted.values() if n > 1),
        "unexpected": sum(1 for item in counted if item not in set(acknowledged)),
    }


def _percentile(ordered: list[float], fraction: float) -> float:
    index = min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))
    return round(ordered[index] * 1000, 1)


def summary(load: Load, wall: float, verification: dict[str, Any]) -> dict[str, Any]:
    kinds = {}
    for kind, latencies in sorted(load.ledger.latencies.items()):
        ordered = sorted(latencies)
        kinds[kind] = {
            "requests": len(ordered),
            "errors": len(load.ledger.errors.get(kind, [])),
            "p50_ms": _percentile(ordered, 0.50),
            "p95_ms": _percentile(ordered, 0.95),
            "p99_ms": _percentile(ordered, 0.99),
            "max_ms": round(ordered[-1] * 1000, 1),
            "per_second": round(len(ordered) / wall, 1),
        }
    requests_total = sum(k["requests"] for k in kinds.values())
    errors_total = sum(k["errors"] for k in kinds.values())
    exact = (
        all(
            verification[name][key] == 0
            for name in ("versions", "deployments")
            for key in ("lost", "duplicated", "unexpected")
        )
        and verification["application_versions"]["chains_exact"]
    )
    return {
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "seconds": round(wall, 1),
        "pipelines": load.pipelines,
        "readers": load.readers,
        "requests": requests_total,
        "errors": errors_total,
        "per_second": round(requests_total / wall, 1),
        "kinds": kinds,
        "error_samples": {k: v[:3] for k, v in load.ledger.errors.items()},
        "verification": verification,
        "exact": exact,
    }


def run(
    base_url: str,
    settings: Settings,
    seconds: float,
    pipelines: int = 4,
    readers: int = 4,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Seed, load for `seconds`, count: the summary `main` prints."""
    load = Load(base_url, pipelines, readers, headers)
    load.seed()
    wall = load.run(seconds)
    return summary(load, wall, load.verify(settings))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=os.environ.get("MERCATOR_URL", "http://127.0.0.1:5000"))
    parser.add_argument("--seconds", type=float, default=180.0, help="how long to load")
    parser.add_argument("--pipelines", type=int, default=4, help="registering/deploying clients")
    parser.add_argument("--readers", type=int, default=4, help="report-reading clients")
    args = parser.parse_args()
    token = os.environ.get("MERCATOR_TOKEN")
    headers = {"Authorization": f"Bearer {token}"} if token else None
    result = run(args.url, Settings.from_env(), args.seconds, args.pipelines, args.readers, headers)
    print(json.dumps(result, indent=2))
    sys.exit(0 if result["errors"] == 0 and result["exact"] else 1)


if __name__ == "__main__":
    main()
