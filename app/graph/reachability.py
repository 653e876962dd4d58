"""Is Neo4j reachable? One answer per process, kept up to date by a background probe.

Without it, every request that reaches a stopped Neo4j spends the whole retry window
(`Settings.retry_time`) finding that out again, holding one of the web server's few threads
while it does: a dozen such requests and the liveness probe waits behind them. So the
first connection-level failure (refused, lost, the database unavailable) starts a probe
thread that pings Neo4j every `PROBE_INTERVAL` seconds. When a ping fails, Neo4j is *known*
down: every transaction, including those waiting between retries, stops at once with
`Unavailable` (a 503 in milliseconds, without touching the driver), until a ping answers
again and the probe ends. A failure the ping does not confirm (a leader switch, one
dropped connection) is retried as before.

A refused request wrote nothing, so a client retrying it after `Retry-After` is safe.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from app.errors import Unavailable

log = logging.getLogger(__name__)

#: Seconds between two pings while Neo4j is down (or suspected down).
PROBE_INTERVAL = 1.0


class Reachability:
    """This process's view of whether Neo4j answers; `ping` raises when it does not."""

    def __init__(self, ping: Callable[[], None], interval: float = PROBE_INTERVAL) -> None:
        self._ping = ping
        self._interval = interval
        self._lock = threading.Lock()
        self._prober: threading.Thread | None = None
        #: The last ping's failure while Neo4j is known down; None while it answers.
        self._down: BaseException | None = None
        #: Set while Neo4j is known down: wakes transactions waiting to retry.
        self._went_down = threading.Event()

    @property
    def down(self) -> bool:
        return self._down is not None

    def check(self) -> None:
        """Raise `Unavailable` at once while a ping has found Neo4j down."""
        failure = self._down
        if failure is not None:
            raise Unavailable("Neo4j is not reachable; retry shortly", {"neo4j": str(failure)})

    def suspect(self, error: BaseException) -> None:
        """A query failed as if Neo4j were gone: have the probe find out (one probe at a
        time)."""
        with self._lock:
            if self._prober is not None:
                return
            log.warning("Neo4j failed a query (%s); probing whether it is reachable", error)
            self._prober = threading.Thread(
                target=self._probe, name="mercator-neo4j-probe", daemon=True
            )
            self._prober.start()

    def pause(self, seconds: float) -> None:
        """Wait before a retry, but no longer than until Neo4j is known down."""
        self._went_down.wait(seconds)

    def _probe(self) -> None:
        while True:
            try:
                self._ping()
            except Exception as exc:  # any failure to answer counts as down
                if self._down is None:
                    log.warning("Neo4j is down (%s); answering 503 until it is back", exc)
                self._down = exc
                self._went_down.set()
            else:
                with self._lock:
                    if self._down is not None:
                        log.warning("Neo4j answers again")
                    self._down = None
                    self._went_down.clear()
                    self._prober = None
                    return
            time.sleep(self._interval)
