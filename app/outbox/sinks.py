"""Delivering the outbox to the sinks: at least once, in order per sink, with backoff.

A dispatcher (in `mercator worker`, so beside `mercator serve` too, and
`mercator events deliver`) first makes the configured URLs (MERCATOR_EVENT_SINKS) the
active `EventSink`s; from then on every event written gets a pending delivery to each. A
round, per sink: claim it (a lease in Neo4j, so of several dispatchers one sends to a
sink at a time, and in order), POST its pending events oldest first, each as a
structured-mode CloudEvent, then write in one transaction what went out.

- A 2xx is delivered. A 4xx other than 408 and 429 is refused: the sink will never take
  that event, so it is kept as refused (with the answer) and the next one goes.
- Anything else (no connection, a timeout, a 5xx, 408, 429) stops the sink's round: the
  event stays pending with its attempt counted and the error kept, and the sink is tried
  again after a backoff that doubles with each failed round, up to `backoff_max`.
- A dispatcher that dies mid-round has posted events it did not mark delivered: its lease
  runs out and the next round sends them again. That is the "at least once": a sink
  tells repeats by the CloudEvent's `source` and `id`, which a repeat keeps.

A sink that is down never blocks a deployment: deployments only write the outbox, and a
dispatcher's HTTP calls happen outside any transaction, each bounded by `timeout`.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from typing import Any

import requests

from app.config import DeliverySettings
from app.errors import MercatorError
from app.graph import Graph

log = logging.getLogger(__name__)

STRUCTURED = "application/cloudevents+json"
#: The states of one event's delivery to one sink.
STATUSES = ("pending", "delivered", "refused")
#: Answers that mean "later", not "never", although they are 4xx.
_RETRYABLE_4XX = {408, 429}
#: Events sent to one sink per round (one claim, one settling transaction).
BATCH = 100
#: Seconds between two syncs of the configured sinks into the graph by one dispatcher.
SYNC_EVERY = 60.0


class Dispatcher:
    """Delivers the outbox to `urls`; see the module docstring."""

    def __init__(
        self, graph: Graph, urls: list[str], settings: DeliverySettings | None = None
    ) -> None:
        self.graph = graph
        self.urls = list(urls)
        self.settings = settings or DeliverySettings()
        self.id = f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        self._http = requests.Session()
        self._synced_at: float | None = None
        #: Seconds a claimed sink stays this dispatcher's: a whole batch of timeouts.
        self._lease = int(self.settings.timeout * BATCH) + 60

    def sync(self) -> list[dict[str, Any]]:
        """Make the configured URLs the active sinks; returns every sink known, with its
        counts."""
        rows = self.graph.write("outbox/sync_sinks", urls=self.urls)
        self._synced_at = time.monotonic()
        return rows

    def deliver_due(self) -> int:
        """One round on every sink whose turn it is; returns the events delivered. The sinks
        are synced first now and then (`SYNC_EVERY`), so that they are known again after the
        graph was emptied, and follow another process's configuration."""
        if self._synced_at is None or time.monotonic() - self._synced_at >= SYNC_EVERY:
            self.sync()
        return sum(self._round(url) for url in self.urls)

    def _round(self, url: str) -> int:
        rows = self.graph.write(
            "outbox/claim", url=url, holder=self.id, lease=self._lease, limit=BATCH
        )
        if not rows:
            return 0
        delivered: list[str] = []
        refused: list[dict[str, str]] = []
        failed = None
        for row in rows:
            verdict, error = self._post(url, row["body"])
            if verdict == "delivered":
                delivered.append(row["id"])
            elif verdict == "refused":
                refused.append({"id": row["id"], "error": error})
            else:
                failed = {"id": row["id"], "error": error}
                break
        failures = (rows[0]["failures"] or 0) + 1 if failed else 0
        self.graph.write(
            "outbox/settle",
            url=url,
            holder=self.id,
            delivered=delivered,
            refused=refused,
            failed=failed,
            backoff=self.settings.backoff(failures),
        )
        if failed:
            log.warning(
                "event sink %s: %s (attempt %d; next try in %g s)",
                url,
                failed["error"],
                rows[len(delivered) + len(refused)]["attempts"] + 1,
                self.settings.backoff(failures),
            )
        return len(delivered)

    def _post(self, url: str, body: str) -> tuple[str, str | None]:
        """delivered, refused or failed, with the reason."""
        try:
            answer = self._http.post(
                url,
                data=body.encode("utf-8"),
                headers={"Content-Type": STRUCTURED},
                timeout=self.settings.timeout,
                allow_redirects=False,
            )
        except requests.RequestException as error:
            return "failed", f"{type(error).__name__}: {error}"[:500]
        if 200 <= answer.status_code < 300:
            return "delivered", None
        said = f"HTTP {answer.status_code}: {answer.text[:200]}"
        if 400 <= answer.status_code < 500 and answer.status_code not in _RETRYABLE_4XX:
            return "refused", said
        return "failed", said

    def serve(self, stop: threading.Event) -> None:
        """Deliver until `stop` is set: again at once while there was work, else after
        `poll_interval`; a Neo4j that is away is waited out."""
        failures = 0
        while not stop.is_set():
            try:
                if self.deliver_due() == 0:
                    stop.wait(self.settings.poll_interval)
                failures = 0
            except MercatorError as error:
                failures += 1
                log.warning("event dispatcher %s: %s", self.id, error.message)
                stop.wait(self.settings.backoff(failures))
            except Exception:  # the thread must outlive any one bad round
                failures += 1
                log.exception("event dispatcher %s: unexpected error", self.id)
                stop.wait(self.settings.backoff(failures))

    def start(self, stop: threading.Event) -> threading.Thread:
        """`serve` on a daemon thread."""
        thread = threading.Thread(target=self.serve, args=(stop,), daemon=True, name=self.id)
        thread.start()
        return thread

    def close(self) -> None:
        self._http.close()


def outbox(
    graph: Graph, status: str | None = None, offset: int = 0, limit: int = 50
) -> list[dict[str, Any]]:
    """The events Mercator emitted, newest first, each with its delivery to every sink;
    `status` (pending, delivered, refused) keeps those with a delivery in that state."""
    return graph.read("outbox/list", status=status, skip=offset, limit=limit)
