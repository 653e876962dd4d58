"""Prometheus metrics: what is counted where, and the exposition served at /metrics.

Under gunicorn every worker is a process of its own, so the counters and histograms use
prometheus-client's multiprocess mode: `mercator serve` points PROMETHEUS_MULTIPROC_DIR
at an empty folder before any worker starts (`multiproc.prepare`), each process
writes its values there, and whichever worker answers /metrics adds them all up. Without
that variable (the Flask test client, `flask run`) the process's own registry is served.

What the catalog holds is not counted by any process: it is read from Neo4j by the
worker answering the scrape, at most once a minute (`CatalogGauges`).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable

from prometheus_client import (
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

from app.graph import Graph
from app.graph.db import QueryEvent
from app.observability import multiproc

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
#: Seconds the catalog's gauges are kept before Neo4j is asked again.
CATALOG_MAX_AGE = 60.0

REQUEST_SECONDS = Histogram(
    "mercator_http_request_duration_seconds",
    "HTTP requests by method, route template and status: latency (and, as _count, how many)",
    ["method", "route", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
QUERY_SECONDS = Histogram(
    "mercator_neo4j_query_duration_seconds",
    "Named Cypher queries (cypher/<area>/<name>.cypher) by name: latency and count",
    ["query"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10, 60),
)
QUERY_ERRORS = Counter(
    "mercator_neo4j_query_errors_total",
    "Named queries that failed, by name and kind (unavailable, timeout, out_of_memory, "
    "conflict, transient, error)",
    ["query", "kind"],
)
REGISTRATIONS = Counter(
    "mercator_registrations_total",
    "Component version registrations by outcome (created, unchanged, or the error code)",
    ["outcome"],
)


def observe_query(event: QueryEvent) -> None:
    """A `Graph` observer: the query's latency, and its failure by kind."""
    QUERY_SECONDS.labels(event.name).observe(event.seconds)
    if event.error:
        QUERY_ERRORS.labels(event.name, event.error).inc()


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    REQUEST_SECONDS.labels(method, route, str(status)).observe(seconds)


class CatalogGauges:
    """The catalog's size and the deployment queues as gauges, read from Neo4j when a
    scrape finds the last reading older than `max_age` seconds (so a scrape every few
    seconds, by several Prometheus servers, costs Neo4j two small queries a minute per
    web server process)."""

    def __init__(
        self,
        graph: Graph,
        max_age: float = CATALOG_MAX_AGE,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.graph = graph
        self.max_age = max_age
        self.clock = clock
        self._lock = threading.Lock()
        self._read_at: float | None = None
        self._size: dict[str, int] = {}
        self._queues: list[dict] = []

    def collect(self):
        """prometheus-client's collector protocol: the gauges, refreshed when stale."""
        self._refresh()
        nodes = GaugeMetricFamily(
            "mercator_catalog_nodes", "Nodes in the catalog by kind", labels=["kind"]
        )
        for kind, count in self._size.items():
            nodes.add_metric([kind], count)
        by_status = GaugeMetricFamily(
            "mercator_deployments",
            "Deployments by environment and status (queued, running, succeeded, failed, ...)",
            labels=["environment", "status"],
        )
        depth = GaugeMetricFamily(
            "mercator_deployment_queue_depth",
            "Deployments waiting in each environment's queue",
            labels=["environment"],
        )
        age = GaugeMetricFamily(
            "mercator_deployment_queue_oldest_seconds",
            "How long the oldest queued deployment of each environment has waited",
            labels=["environment"],
        )
        heartbeat = GaugeMetricFamily(
            "mercator_deployment_heartbeat_age_seconds",
            "Seconds since the stalest running deployment's worker last sent a heartbeat",
            labels=["environment"],
        )
        for row in self._queues:
            labels = [row["environment"]]
            by_status.add_metric([*labels, row["status"]], row["deployments"])
            if row["status"] == "queued":
                depth.add_metric(labels, row["deployments"])
                age.add_metric(labels, row["oldest_queued_seconds"])
            elif row["status"] == "running":
                heartbeat.add_metric(labels, row["heartbeat_age_seconds"])
        return [nodes, by_status, depth, age, heartbeat]

    def _refresh(self) -> None:
        with self._lock:
            now = self.clock()
            if self._read_at is not None and now - self._read_at < self.max_age:
                return
            size = self.graph.read("admin/catalog_size")[0]
            self._queues = self.graph.read("deploy/queue_depth")
            self._size = dict(size)
            self._read_at = now


def exposition(gauges: CatalogGauges) -> bytes:
    """The text Prometheus scrapes: every process's counters when in multiprocess mode,
    else this process's; then the catalog gauges."""
    if os.environ.get(multiproc.ENV):
        counted = CollectorRegistry()
        MultiProcessCollector(counted)
    else:
        counted = REGISTRY
    catalog = CollectorRegistry()
    catalog.register(gauges)
    return generate_latest(counted) + generate_latest(catalog)
