"""One driver per process, wrapped so that callers run named queries and never see it.

`Graph.read_tx` / `Graph.write_tx` run a unit of work in one transaction through the
driver's managed transactions: transient failures (a leader switch, a lost connection,
a deadlock) are retried for `Settings.retry_time` seconds, reads are routed to readers
when the URI is `neo4j://`, and a unit of work either commits whole or not at all. Driver
errors that mean "the database is not there" become `app.errors.Unavailable` here, so the
layers above only deal in domain errors.

The retries are this module's, not the driver's (whose retry loop cannot be cut short):
between two attempts it asks `Reachability`, so once a background ping has found Neo4j
down every call fails at once instead of waiting out the retry window.

Every session of one `Graph` shares one bookmark manager, so each transaction is causally
after the writes this process committed before it: on a cluster a read routed to another
member waits until that member has them, and a request sees what the previous one wrote.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

import neo4j
import neo4j.time
from neo4j import GraphDatabase, unit_of_work
from neo4j import exceptions as neo4j_errors

from app.config import Settings
from app.errors import Conflict, OutOfMemory, TimedOut, Unavailable
from app.graph import cypher
from app.graph.reachability import Reachability
from app.graph.sealing import Sealer

T = TypeVar("T")

#: Driver errors that say "Neo4j is not reachable (right now)", as opposed to a bad query.
_UNAVAILABLE = (
    neo4j_errors.ServiceUnavailable,
    neo4j_errors.SessionExpired,
    neo4j_errors.DatabaseUnavailable,
    neo4j_errors.TransientError,
    neo4j_errors.AuthError,
)


#: Failures that may mean Neo4j is gone, not just busy: the probe is asked to find out.
_CONNECTION_LOST = (
    neo4j_errors.ServiceUnavailable,
    neo4j_errors.SessionExpired,
    neo4j_errors.DatabaseUnavailable,
)
#: First pause between two attempts of a transaction, doubled after each (as the driver).
_FIRST_RETRY_DELAY = 0.5


#: Neo4j's codes for a transaction stopped at its time limit: the client's (the driver sends
#: `Settings.query_timeout`), the server's (`db.transaction.timeout`), or while it waited
#: for a lock.
_TIMED_OUT = {
    "Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration",
    "Neo.ClientError.Transaction.TransactionTimedOut",
    "Neo.ClientError.Transaction.LockClientStopped",
}

#: Neo4j's codes for a transaction stopped because it needed more memory than allowed: all
#: transactions' pool (`dbms.memory.transaction.total.max`, a transient error) or one
#: transaction's limit (`db.memory.transaction.max`). Not retried: the same query would
#: take the same memory again, while every retry competes for the pool it exhausted.
_OUT_OF_MEMORY = {
    "Neo.TransientError.General.MemoryPoolOutOfMemoryError",
    "Neo.ClientError.General.TransactionOutOfMemoryError",
}


@dataclass(frozen=True)
class QueryEvent:
    """One named query that ran (or failed), as `Graph.observers` are told of it: enough
    for a metric, a log line and a trace span without the observers touching the driver.

    `started_ns` and `ended_ns` are `time.time_ns()` readings (what a span's start and end
    take); `error` is None or the kind of failure (`error_kind`)."""

    name: str
    database: str
    started_ns: int
    ended_ns: int
    rows: int
    error: str | None = None

    @property
    def seconds(self) -> float:
        return (self.ended_ns - self.started_ns) / 1e9


#: Told of every named query; must not raise (an observer's bug would fail the query).
Observer = Callable[[QueryEvent], None]


def error_kind(exc: BaseException) -> str:
    """What kind of failure a driver error is, in the words metrics use: unavailable,
    timeout, out_of_memory, conflict, transient or error (a bad query, a bug). Out of
    memory is its own kind, though Neo4j calls the pool's exhaustion transient: it is not
    retried, and an operator sizes memory, not the network, for it."""
    if isinstance(exc, neo4j_errors.ConstraintError):
        return "conflict"
    if isinstance(exc, neo4j_errors.ClientError) and exc.code in _TIMED_OUT:
        return "timeout"
    if _out_of_memory(exc):
        return "out_of_memory"
    if isinstance(exc, neo4j_errors.TransientError):
        return "transient"
    if isinstance(exc, _UNAVAILABLE):
        return "unavailable"
    return "error"


def _out_of_memory(exc: BaseException) -> bool:
    return isinstance(exc, neo4j_errors.Neo4jError) and exc.code in _OUT_OF_MEMORY


def _stopped_for_memory(exc: neo4j_errors.Neo4jError) -> OutOfMemory:
    return OutOfMemory(
        "the query needed more memory than Neo4j allows a transaction "
        "(dbms.memory.transaction.total.max, db.memory.transaction.max) and was stopped; "
        "nothing was written — narrow the request or retry later",
        {"neo4j": exc.code},
    )


class CredentialsRefused(Unavailable):
    """Neo4j answers but refuses the configured user and password."""


def connect(settings: Settings) -> neo4j.Driver:
    """A driver for `settings.neo4j_uri` (``bolt://`` or routing ``neo4j://``); no I/O yet."""
    return GraphDatabase.driver(
        settings.neo4j_uri,
        auth=(settings.neo4j_user, settings.neo4j_password),
        connection_timeout=settings.connect_timeout,
        connection_acquisition_timeout=settings.connect_timeout * 2,
        # One attempt per call: `Graph` retries, and stops retrying once Neo4j is known down.
        max_transaction_retry_time=0,
        # Planner hints such as "unknown relationship type" on an empty graph are noise here.
        notifications_min_severity="OFF",
    )


@contextlib.contextmanager
def _translated() -> Iterator[None]:
    try:
        yield
    except neo4j_errors.AuthError as exc:
        raise CredentialsRefused(
            "Neo4j refused Mercator's credentials; check MERCATOR_NEO4J_USER/PASSWORD",
            {"neo4j": exc.message or str(exc)},
        ) from exc
    except _UNAVAILABLE as exc:
        if _out_of_memory(exc):
            raise _stopped_for_memory(exc) from exc
        raise Unavailable("Neo4j is not reachable; retry shortly", {"neo4j": str(exc)}) from exc
    except neo4j_errors.ConstraintError as exc:
        # A concurrent writer created the same key between our check and our write.
        raise Conflict(
            "another request wrote the same record at the same moment; retry",
            {"neo4j": exc.message or str(exc)},
        ) from exc
    except neo4j_errors.ClientError as exc:
        if _out_of_memory(exc):
            raise _stopped_for_memory(exc) from exc
        if exc.code not in _TIMED_OUT:
            raise
        raise TimedOut(
            "the query ran past its time limit and was stopped (MERCATOR_QUERY_TIMEOUT, or "
            "Neo4j's db.transaction.timeout); nothing was written — narrow the request or "
            "retry later",
            {"neo4j": exc.code},
        ) from exc


class Tx:
    """A transaction in progress: run named queries, get plain dicts back."""

    def __init__(self, tx: neo4j.ManagedTransaction, graph: Graph) -> None:
        self._tx = tx
        self._graph = graph

    def run(self, query: str, /, **params: Any) -> list[dict[str, Any]]:
        """All rows of the named `query`, each as a dict keyed by the returned column names.

        Temporal values come back as ISO 8601 strings (UTC as ``Z``), so rows are plain
        JSON-ready data."""
        with self._graph.observed(query) as counted:
            rows = _rows(self._tx.run(cypher.load(query), params))
            counted.append(len(rows))
            return rows

    def single(self, query: str, /, **params: Any) -> dict[str, Any] | None:
        """The one row of the named `query`, or None when it returns no row."""
        rows = self.run(query, **params)
        if len(rows) > 1:
            raise RuntimeError(f"query {query} returned {len(rows)} rows, expected at most one")
        return rows[0] if rows else None


def _rows(result: neo4j.Result) -> list[dict[str, Any]]:
    """Every record of `result` as a dict keyed by the returned column names."""
    return [{key: _plain(value) for key, value in record.items()} for record in result]


#: The driver's temporal types, and how each becomes text.
_TEMPORAL_TEXT: dict[type, Callable[[Any], str]] = {
    neo4j.time.DateTime: lambda value: _datetime_text(value),
    neo4j.time.Date: lambda value: value.iso_format(),
    neo4j.time.Time: lambda value: value.iso_format(),
    neo4j.time.Duration: str,
}


def _plain(value: Any) -> Any:
    """Driver values as plain Python: temporals to ISO strings, at any depth.

    Walks the containers the driver just built (fresh lists and dicts, so they are changed
    in place) without a call per scalar: on a large report this walk cost more than
    decoding the answer."""
    kind = type(value)
    if kind in _TEMPORAL_TEXT:
        return _TEMPORAL_TEXT[kind](value)
    if kind is not dict and kind is not list:
        return value
    pending = [value]
    while pending:
        container = pending.pop()
        items = container.items() if type(container) is dict else enumerate(container)
        for key, item in items:
            kind = type(item)
            if kind is dict or kind is list:
                pending.append(item)
            elif kind in _TEMPORAL_TEXT:
                container[key] = _TEMPORAL_TEXT[kind](item)
    return value


def _datetime_text(value: neo4j.time.DateTime) -> str:
    """A date-time as Neo4j's own `toString()` writes it (UTC as ``Z``, the fraction of a
    second without trailing zeros, to the nanosecond), so a time a query returns as text
    (the large reports do: text is cheaper to decode) reads the same as one returned as a
    value."""
    text = f"{value.year:04d}-{value.month:02d}-{value.day:02d}T" \
           f"{value.hour:02d}:{value.minute:02d}:{int(value.second):02d}"
    if value.nanosecond:
        text += f".{value.nanosecond:09d}".rstrip("0")
    if value.tzinfo is None:  # a local date-time: no zone to write
        return text
    offset = value.utcoffset()
    if not offset:
        return text + "Z"
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    return f"{text}{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


class Graph:
    """The database as the services see it: named queries in read or write transactions."""

    def __init__(
        self,
        driver: neo4j.Driver,
        database: str,
        query_timeout: float,
        retry_time: float = Settings.retry_time,
        sealer: Sealer | None = None,
    ) -> None:
        self._driver = driver
        #: Seals the secrets services store in this graph (engine `secret_env` values).
        self.sealer = sealer or Sealer()
        self._database = database
        self._query_timeout = query_timeout
        self._retry_time = retry_time
        #: Whether Neo4j answers, as this process's background ping sees it.
        self.reachability = Reachability(self._ping_unobserved)
        #: Holds the bookmarks of the last transactions; every session starts after them.
        self.bookmark_manager = GraphDatabase.bookmark_manager()
        #: Told of every named query this Graph runs (metrics, logs, traces register here,
        #: from above: this layer knows none of them).
        self.observers: list[Observer] = []

    @contextlib.contextmanager
    def observed(self, name: str) -> Iterator[list[int]]:
        """Time the named query run inside; the caller appends its row count to the list
        it gets. Every observer hears of it, failed or not (a retried transaction's every
        attempt counts)."""
        counted: list[int] = []
        started = time.time_ns()
        error = None
        try:
            yield counted
        except Exception as exc:
            error = error_kind(exc)
            raise
        finally:
            if self.observers:
                event = QueryEvent(
                    name, self._database, started, time.time_ns(), sum(counted), error
                )
                for observer in self.observers:
                    observer(event)

    @classmethod
    def from_settings(cls, settings: Settings) -> Graph:
        return cls(
            connect(settings),
            settings.neo4j_database,
            settings.query_timeout,
            retry_time=settings.retry_time,
            sealer=Sealer(settings.secret_key),
        )

    def read_tx(self, work: Callable[[Tx], T]) -> T:
        """Run `work` in one read transaction (routed to a reader on a cluster)."""
        return self._managed(neo4j.READ_ACCESS, work)

    def write_tx(self, work: Callable[[Tx], T]) -> T:
        """Run `work` in one write transaction; it may be retried, so keep it pure."""
        return self._managed(neo4j.WRITE_ACCESS, work)

    def read(self, query: str, /, **params: Any) -> list[dict[str, Any]]:
        """Rows of one named read query, in its own transaction."""
        return self._statement(neo4j.RoutingControl.READ, query, params)

    def write(self, query: str, /, **params: Any) -> list[dict[str, Any]]:
        """Rows of one named write query, in its own transaction."""
        return self._statement(neo4j.RoutingControl.WRITE, query, params)

    def _statement(
        self, routing: neo4j.RoutingControl, name: str, params: dict[str, Any]
    ) -> list[dict[str, Any]]:
        """One named query in a transaction of its own, through the driver's
        `execute_query`: it sends BEGIN together with the query, where a unit of work
        waits for BEGIN's answer first — one round trip to Neo4j fewer, which was a third
        of a small report's time. Same retries, time limit and bookmarks as `_managed`."""
        query = neo4j.Query(cypher.load(name), timeout=self._query_timeout)

        def attempt() -> list[dict[str, Any]]:
            with self.observed(name) as counted:
                rows = self._driver.execute_query(
                    query,
                    params,
                    routing_=routing,
                    database_=self._database,
                    bookmark_manager_=self.bookmark_manager,
                    result_transformer_=_rows,
                )
                counted.append(len(rows))
                return rows

        return self._retried(attempt)

    def run_schema(self, name: str) -> None:
        """Run one schema statement in an auto-commit transaction (Neo4j keeps schema
        changes out of explicit transactions that also write data)."""
        with self._once(), self._session(neo4j.WRITE_ACCESS) as session, self.observed(name):
            session.run(self._limited(name)).consume()

    def ping(self) -> None:
        """Raise `Unavailable` unless Neo4j answers a trivial query now (no retries); at
        once while it is known down."""
        ping = "admin/ping"
        with self._once(), self._session(neo4j.READ_ACCESS) as session, self.observed(ping):
            session.run(self._limited(ping)).consume()

    def explain(self, name: str) -> None:
        """Ask Neo4j to plan query `name` without running it (raises on a broken query)."""
        with self._once(), self._session(neo4j.READ_ACCESS) as session:
            session.run(self._limited(name, prefix="EXPLAIN ")).consume()

    def _ping_unobserved(self) -> None:
        """The probe's ping: no observers (it is no request's query), no translation."""
        with self._session(neo4j.READ_ACCESS) as session:
            session.run(self._limited("admin/ping")).consume()

    @contextlib.contextmanager
    def _once(self) -> Iterator[None]:
        """One call to Neo4j, not retried: refused at once while Neo4j is known down, and a
        connection-level failure has the probe look."""
        self.reachability.check()
        with _translated():
            try:
                yield
            except _CONNECTION_LOST as exc:
                self.reachability.suspect(exc)
                raise

    def close(self) -> None:
        self._driver.close()

    def _limited(self, name: str, prefix: str = "") -> neo4j.Query:
        """Query `name` for an auto-commit transaction, with the same time limit as the
        managed ones: no call to Neo4j runs unbounded."""
        return neo4j.Query(prefix + cypher.load(name), timeout=self._query_timeout)

    def _session(self, access_mode: str) -> neo4j.Session:
        return self._driver.session(
            database=self._database,
            default_access_mode=access_mode,
            bookmark_manager=self.bookmark_manager,
        )

    def _managed(self, access_mode: str, work: Callable[[Tx], T]) -> T:
        @unit_of_work(timeout=self._query_timeout)
        def in_transaction(tx: neo4j.ManagedTransaction) -> T:
            return work(Tx(tx, self))

        def attempt() -> T:
            with self._session(access_mode) as session:
                if access_mode == neo4j.READ_ACCESS:
                    return session.execute_read(in_transaction)
                return session.execute_write(in_transaction)

        return self._retried(attempt)

    def _retried(self, attempt: Callable[[], T]) -> T:
        """`attempt` (one transaction), again while it fails transiently, for up to
        `retry_time` seconds; at once while Neo4j is known down."""
        deadline = time.monotonic() + self._retry_time
        delay = _FIRST_RETRY_DELAY
        while True:
            self.reachability.check()
            with _translated():
                try:
                    return attempt()
                except (neo4j_errors.DriverError, neo4j_errors.Neo4jError) as exc:
                    left = deadline - time.monotonic()
                    if not exc.is_retryable() or left <= 0 or _out_of_memory(exc):
                        raise
                    if isinstance(exc, _CONNECTION_LOST):
                        self.reachability.suspect(exc)
            self.reachability.pause(min(delay, left))
            delay *= 2
