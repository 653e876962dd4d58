"""Workers: claim queued deployments from the graph and run them through their engine.

Any number of workers — threads of `mercator worker` processes (`mercator serve` starts one
beside the web server; the web server's own processes never run engines) and of
`mercator deploy ... --wait` — share one queue, the graph itself:

- a worker claims a deployment with one statement (`deploy/claim`) that sets it
  running only while it is still queued, first in its environment's queue and nothing
  runs in that environment — so no deployment runs twice and one environment runs one
  deployment at a time, the others waiting in order;
- while the engine runs, the worker writes a heartbeat with each piece of log, and reads
  back whether a cancel was asked;
- a deployment whose heartbeat is older than `stale_after` seconds belonged to a worker
  that died: any worker's sweep (at start and every poll) marks it failed, "abandoned";
- when the engine ends, one transaction sets the outcome and — for a succeeded one only —
  matches or derives the application version of a set queued for an application (only
  then does the application's latest version move) and moves the inventory by the same
  rule as a recorded deployment;
- a worker asked to stop (`WorkerPool.stop`, SIGTERM to `mercator worker`) claims nothing
  more and lets a running deployment go on for `stop_grace` seconds; one still running
  then has its engine's process group killed and ends failed, "abandoned", with its log.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import tempfile
import threading
import time
import uuid
from typing import Any

from app.catalog import engine_settings
from app.config import WorkerSettings
from app.deploy import deployments, engines, gitops, runner
from app.errors import MercatorError, NotFound
from app.graph import Graph, Tx
from app.outbox import emit as outbox

log = logging.getLogger(__name__)

#: A line longer than this is written to the log before its end arrives.
_LONG_LINE = 65536


#: Longest wait between a worker's attempts while Neo4j keeps failing (seconds).
MAX_BACKOFF = 60.0


def new_worker_id() -> str:
    """host-pid-random: says where a deployment ran, and is unique per worker."""
    return f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"


def _work(graph: Graph, deployment_id: str) -> dict[str, Any]:
    row = graph.read_tx(lambda tx: tx.single("deploy/work", id=deployment_id))
    if row is None:
        raise NotFound(f"no deployment with id {deployment_id!r}", {"id": deployment_id})
    return row


class Worker:
    """One worker: claims and runs one deployment at a time."""

    def __init__(
        self,
        graph: Graph,
        settings: WorkerSettings | None = None,
        worker_id: str | None = None,
        halt: threading.Event | None = None,
    ) -> None:
        self.graph = graph
        self.settings = settings or WorkerSettings()
        self.id = worker_id or new_worker_id()
        #: Set when a running deployment may not go on: its engine is stopped, and the
        #: deployment ends failed, "abandoned".
        self.halt = halt or threading.Event()

    def sweep(self) -> list[str]:
        """Mark failed ("abandoned") the running deployments whose worker stopped beating."""
        rows = self.graph.write("deploy/sweep_abandoned", stale_after=self.settings.stale_after)
        for row in rows:
            log.warning(
                "deployment %s abandoned by worker %s (last heartbeat %s)",
                row["id"],
                row["worker"],
                row["heartbeat_at"],
            )
        return [row["id"] for row in rows]

    def claim(self, only: str | None = None) -> str | None:
        """Claim a deployment that may start now (only `only`, when given); its id or None."""
        candidates = (
            [only] if only else [row["id"] for row in self.graph.read("deploy/claimable", limit=10)]
        )
        for deployment_id in candidates:
            if self.graph.write("deploy/claim", id=deployment_id, worker=self.id):
                return deployment_id
        return None

    def run_next(self, only: str | None = None) -> str | None:
        """Claim one deployment and run it to its end; the id run, or None."""
        deployment_id = self.claim(only)
        if deployment_id is not None:
            self.execute(deployment_id)
        return deployment_id

    def execute(self, deployment_id: str) -> str:
        """Run a deployment this worker has claimed; returns how it ended."""
        sink = _LogSink(self.graph, deployment_id, self.id)
        try:
            row = _work(self.graph, deployment_id)
            kind, config = engines.configured(row["environment"], self.graph.sealer)
            sink.secret_values = engines.secrets(config)
            with tempfile.TemporaryDirectory(prefix="mercator-deploy-") as folder:
                document = engines.document(row)
                if kind == "gitops":
                    outcome = gitops.deploy(
                        config,
                        document,
                        sink.write,
                        folder,
                        dict(os.environ),
                        self.halt,
                        self.settings.heartbeat_interval,
                    )
                else:
                    path = os.path.join(folder, "deployment.json")
                    with open(path, "w", encoding="utf-8") as file:
                        json.dump(document, file, indent=2)
                    plan = engines.plan(kind, config, document, path, dict(os.environ))
                    outcome = runner.run(
                        plan, sink.write, self.settings.heartbeat_interval, halt=self.halt
                    )
            observe = kind == "gitops" and config.get("success") == "on_observed"
            if observe and outcome.status == "succeeded":
                outcome = self._observe(deployment_id, config, outcome, sink)
        except MercatorError as exc:
            sink.write(f"{exc.message}\n")
            outcome = runner.Outcome("failed", None, exc.message)
        except Exception as exc:  # the deployment must end, whatever went wrong here
            log.exception("deployment %s failed in the worker", deployment_id)
            outcome = runner.Outcome("failed", None, f"worker error: {exc}")
        sink.flush(final=True)
        self.graph.write_tx(lambda tx: self._finish(tx, deployment_id, outcome))
        return outcome.status

    def _observe(
        self, deployment_id: str, config: dict[str, Any], pushed: runner.Outcome, sink: _LogSink
    ) -> runner.Outcome:
        """Wait until `sync kubernetes` sees the cluster run the pushed versions (it sets
        the deployment's observed_at), heartbeating meanwhile; timed out after the
        engine's `observe_timeout`. Cancelling (or the worker stopping) ends only the
        wait: the commit stays pushed."""
        timeout = float(config.get("observe_timeout", engine_settings.DEFAULT_TIMEOUT))
        self.graph.write("deploy/await_observation", id=deployment_id, worker=self.id)
        sink.write(f"waiting up to {timeout:g} s for the cluster to run {pushed.commit}\n")
        deadline = time.monotonic() + timeout
        while True:
            sink.flush()
            if sink.observed:
                sink.write(f"observed running by {sink.observed}\n")
                return pushed
            if sink.cancelled:
                return runner.Outcome("cancelled", None, "cancelled on request", pushed.commit)
            if self.halt.is_set():
                return runner.Outcome("failed", None, runner.ABANDONED, pushed.commit)
            if time.monotonic() >= deadline:
                reason = f"the cluster was not seen running the pushed versions in {timeout:g} s"
                sink.write(reason + "\n")
                return runner.Outcome("timed_out", None, reason, pushed.commit)
            self.halt.wait(min(self.settings.heartbeat_interval, deadline - time.monotonic()))

    def _finish(self, tx: Tx, deployment_id: str, outcome: runner.Outcome) -> None:
        row = tx.single(
            "deploy/finish",
            id=deployment_id,
            worker=self.id,
            status=outcome.status,
            exit_code=outcome.exit_code,
            reason=outcome.reason,
            commit=outcome.commit,
        )
        if row is None:
            log.warning("deployment %s was no longer ours to finish", deployment_id)
            return
        if outcome.status == "succeeded":
            members = {m["component"]: m["version"] for m in row["components"]}
            if row["pending_application"] is not None:
                deployments.settle_application(
                    tx, deployment_id, row["pending_application"], members
                )
            changes = deployments.move_inventory(
                tx, row["environment"], deployment_id, row["finished_at"], members
            )
            outbox.deployment_changes(tx, deployment_id, row["finished_at"], changes)

    def serve(self, stop: threading.Event) -> None:
        """Sweep now and then, claim and run deployments, until `stop` is set."""
        swept = 0.0
        failures = 0
        while not stop.is_set():
            try:
                if time.monotonic() - swept >= self.settings.stale_after / 4:
                    self.sweep()
                    swept = time.monotonic()
                if self.run_next() is None:
                    stop.wait(self.settings.poll_interval)
                failures = 0
            except MercatorError as exc:  # Neo4j away: wait and try again
                failures += 1
                log.warning("worker %s: %s", self.id, exc.message)
                stop.wait(self._backoff(failures))
            except Exception:  # a worker thread must outlive any one bad deployment
                failures += 1
                log.exception("worker %s: unexpected error", self.id)
                stop.wait(self._backoff(failures))

    def _backoff(self, failures: int) -> float:
        """Seconds to wait after `failures` failed rounds in a row: doubling up to a minute,
        so a Neo4j that is down, or refuses the password, is not hammered (Neo4j locks an
        account out for a while after a few refused logins, which would stop the API too)."""
        return min(self.settings.poll_interval * 2 ** (failures - 1), MAX_BACKOFF)


class _LogSink:
    """Collects an engine's output and writes it with each heartbeat: whole lines only (so
    a secret is never split across two writes before it is scrubbed), secrets scrubbed,
    the log's tail kept (`deployments.LOG_KEEP`)."""

    def __init__(self, graph: Graph, deployment_id: str, worker_id: str) -> None:
        self.graph = graph
        self.deployment_id = deployment_id
        self.worker_id = worker_id
        self.secret_values: list[str] = []
        self._pending = ""
        self._skipped = 0
        self._cancel = False
        #: Who saw the cluster run what a gitops engine pushed, and when (None: not yet).
        self.observed: str | None = None

    def write(self, text: str, dropped: int = 0) -> bool:
        """Take more output, write what is complete; returns whether a cancel was asked.
        `dropped` characters came before `text` and were not kept; the partial line
        pending before them goes with them."""
        if dropped:
            self._skipped += len(self._pending) + dropped
            self._pending = ""
        self._pending += text
        self.flush()
        return self._cancel

    def flush(self, final: bool = False) -> None:
        cut = (
            len(self._pending)
            if final or len(self._pending) > _LONG_LINE
            else (self._pending.rfind("\n") + 1)
        )
        text, self._pending = self._pending[:cut], self._pending[cut:]
        scrubbed = engines.scrub(text, self.secret_values)
        cut = max(len(scrubbed) - deployments.LOG_KEEP, 0)
        skipped = self._skipped + cut
        try:
            rows = self.graph.write(
                "deploy/progress",
                id=self.deployment_id,
                worker=self.worker_id,
                text=scrubbed[cut:],
                skipped=skipped,
                keep=deployments.LOG_KEEP,
            )
        except MercatorError as exc:  # Neo4j away for a moment: keep the text for later
            log.warning("deployment %s: log not written (%s)", self.deployment_id, exc.message)
            self._pending = text + self._pending
            return
        self._skipped = 0
        self._cancel = bool(rows and rows[0]["cancel_requested"])
        self.observed = rows[0]["observed"] if rows else None

    @property
    def cancelled(self) -> bool:
        return self._cancel


class WorkerPool:
    """Worker threads of one process (`mercator worker --threads N`)."""

    def __init__(self, graph: Graph, threads: int, settings: WorkerSettings) -> None:
        self.settings = settings
        #: Claim nothing more.
        self.stop_event = threading.Event()
        #: Stop the engines of running deployments now (they end abandoned).
        self.halt_event = threading.Event()
        self.workers = [Worker(graph, settings, halt=self.halt_event) for _ in range(threads)]
        self.threads = [
            threading.Thread(target=w.serve, args=(self.stop_event,), daemon=True, name=w.id)
            for w in self.workers
        ]

    def start(self) -> WorkerPool:
        for thread in self.threads:
            thread.start()
        return self

    def stop(self, grace: float | None = None) -> bool:
        """Claim nothing more; give running deployments `grace` seconds (default: the
        settings' `stop_grace`) to end, then stop their engines (they end abandoned) and
        wait for the threads. `halt_event` may be set meanwhile to cut the grace short.
        Returns whether every thread ended."""
        self.stop_event.set()
        deadline = time.monotonic() + (self.settings.stop_grace if grace is None else grace)
        while self.alive() and not self.halt_event.is_set():
            if time.monotonic() >= deadline:
                break
            self._join_one(min(0.2, max(deadline - time.monotonic(), 0)))
        self.halt_event.set()
        # An engine gets SIGTERM, then SIGKILL after KILL_GRACE; then the log and the outcome
        # are written (with the driver's retries when Neo4j hiccups).
        deadline = time.monotonic() + runner.KILL_GRACE + 30
        while self.alive() and time.monotonic() < deadline:
            self._join_one(0.2)
        return not self.alive()

    def alive(self) -> bool:
        return any(thread.is_alive() for thread in self.threads)

    def _join_one(self, timeout: float) -> None:
        """Wait up to `timeout` seconds for the first live thread (signals still run)."""
        for thread in self.threads:
            if thread.is_alive():
                thread.join(timeout)
                return

    def wait(self, stop: threading.Event | None = None) -> None:
        """Until every thread ended, or `stop` is set."""
        while self.alive() and not (stop is not None and stop.is_set()):
            time.sleep(0.2)
