"""Deployment runs: how many deployments workers get through, and what a loud engine costs.

Runs against the Neo4j that the MERCATOR_NEO4J_* variables name, and EMPTIES ITS CATALOG
first (point it at a scratch server). Measures:

- queue throughput: `--deployments` deployments queued over `--environments`
  environments (engine `none`), run by `--workers` worker threads: deployments per second
  and the time from queued to finished (median, p95);
- a loud engine: one `command` deployment printing `--megabytes` MB, run by one worker:
  wall time, and the log kept (its last 1 MiB).

    MERCATOR_NEO4J_URI=bolt://127.0.0.1:18687 MERCATOR_NEO4J_PASSWORD=... \\
        .venv/bin/python benchmarks/deployments.py [--deployments 200] [--megabytes 50]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from app.admin import database  # noqa: E402
from app.catalog import environments, registration  # noqa: E402
from app.config import Settings  # noqa: E402
from app.deploy import deployments  # noqa: E402
from app.deploy.worker import WorkerPool, WorkerSettings  # noqa: E402
from app.graph import Graph  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deployments", type=int, default=200)
    parser.add_argument("--environments", type=int, default=10)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--megabytes", type=int, default=50)
    args = parser.parse_args()
    graph = Graph.from_settings(Settings.from_env())
    database.init_schema(graph)
    database.reset(graph)
    registration.register(
        graph, {"component": "payment", "version": "1.0.0", "applications": ["shop"]}
    )
    results = {
        "queue": _queue(graph, args.deployments, args.environments, args.workers),
        "loud_engine": _loud(graph, args.megabytes),
    }
    print(json.dumps(results, indent=2))
    graph.close()


def _queue(graph: Graph, count: int, environment_count: int, workers: int) -> dict:
    names = [f"bench-{n}" for n in range(environment_count)]
    for name in names:
        environments.upsert(graph, name, stage="test")
        environments.set_engine(graph, name, "none")
    started = time.perf_counter()
    ids = [
        deployments.enqueue(
            graph,
            {
                "environment": names[n % environment_count],
                "application": "shop",
                "version": "1.0.0",
            },
        )[0]["id"]
        for n in range(count)
    ]
    queued_seconds = time.perf_counter() - started
    pool = WorkerPool(graph, workers, WorkerSettings(poll_interval=0.05, heartbeat_interval=0.2))
    started = time.perf_counter()
    pool.start()
    while graph.read("deploy/claimable", limit=1) or _running(graph):
        time.sleep(0.05)
    run_seconds = time.perf_counter() - started
    pool.stop()
    waits = []
    for deployment_id in ids:
        done = deployments.get(graph, deployment_id)
        assert done["status"] == "succeeded", done
        waits.append(_seconds(done["queued_at"], done["finished_at"]))
    waits.sort()
    return {
        "deployments": count,
        "environments": environment_count,
        "workers": workers,
        "enqueue_per_second": round(count / queued_seconds, 1),
        "run_per_second": round(count / run_seconds, 1),
        "queued_to_finished_median_s": round(statistics.median(waits), 2),
        "queued_to_finished_p95_s": round(waits[int(len(waits) * 0.95) - 1], 2),
    }


def _loud(graph: Graph, megabytes: int) -> dict:
    environments.upsert(graph, "loud", stage="test")
    program = (
        "import sys\n"
        f"for i in range({megabytes} * 10000):\n"
        "    sys.stdout.write(f'{i:08d} ' + 'x' * 90 + '\\n')\n"
    )
    environments.set_engine(graph, "loud", "command", {"command": [sys.executable, "-c", program]})
    queued = deployments.enqueue(
        graph, {"environment": "loud", "application": "shop", "version": "1.0.0"}
    )[0]
    from app.deploy.worker import Worker

    worker = Worker(graph, WorkerSettings(heartbeat_interval=1.0))
    started = time.perf_counter()
    worker.run_next(only=queued["id"])
    seconds = time.perf_counter() - started
    done = deployments.get(graph, queued["id"])
    log = deployments.log(graph, queued["id"])
    return {
        "megabytes_printed": megabytes,
        "status": done["status"],
        "seconds": round(seconds, 2),
        "log_size": done["log_size"],
        "log_kept": len(log["text"]),
    }


def _running(graph: Graph) -> bool:
    return bool(deployments.list_deployments(graph, status="running", limit=1)["items"])


def _seconds(start: str, end: str) -> float:
    parse = lambda text: datetime.fromisoformat(text.replace("Z", "+00:00"))  # noqa: E731
    return (parse(end) - parse(start)).total_seconds()


if __name__ == "__main__":
    main()
