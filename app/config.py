"""Settings, read once from environment variables.

Every knob has a default that works on a developer machine with the local Neo4j that
`mercator neo4j start` runs; production sets the `MERCATOR_*` variables instead. Keeping
them in one frozen dataclass means the API, the CLI and the tests all agree on what a
setting means and nothing reads `os.environ` behind their back.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

#: Password of the local development server. Not Neo4j's factory default ("neo4j"), which
#: Neo4j refuses to run with; production deployments set MERCATOR_NEO4J_PASSWORD.
DEV_PASSWORD = "mercator-dev-password"


@dataclass(frozen=True)
class LocalServerSettings:
    """How `mercator neo4j start` runs Neo4j on this machine (loopback only)."""

    #: Folder holding the jars, configuration, data and logs of the local server.
    home: Path = Path(".mercator/neo4j")
    bolt_port: int = 7687
    http_port: int = 7474
    #: JVM heap (-Xms and -Xmx). Sized for a 2-core / 24 GiB machine that also runs the API.
    heap: str = "2g"
    #: Neo4j's page cache: the store files it keeps in memory, outside the heap.
    pagecache: str = "2g"
    #: Neo4j aborts any transaction that runs longer than this, so no request pins it.
    transaction_timeout: str = "120s"
    #: The most memory one transaction may hold (`db.memory.transaction.max`, e.g. "512m"),
    #: so one heavy request fails alone instead of exhausting the pool every transaction
    #: shares (70 % of the heap). Empty: no limit of its own, only the pool's.
    transaction_memory: str = ""
    #: How long `start` waits for Bolt to answer before giving up.
    start_timeout: float = 180.0


@dataclass(frozen=True)
class WorkerSettings:
    """How a deployment worker (`app.deploy.worker`) paces itself; from `Settings.worker_*`."""

    #: Seconds between looks at the queue when it was empty.
    poll_interval: float = 1.0
    #: Seconds between heartbeats (and log writes) of a running deployment.
    heartbeat_interval: float = 1.0
    #: Seconds without a heartbeat after which a running deployment counts as abandoned.
    stale_after: float = 60.0
    #: Seconds a stopping worker lets a running deployment go on before it is abandoned.
    stop_grace: float = 20.0


@dataclass(frozen=True)
class DeliverySettings:
    """How an event dispatcher (`app.outbox.sinks`) paces itself; from `Settings.event_*`."""

    #: Seconds one POST to a sink may take.
    timeout: float = 10.0
    #: Seconds between looks at the outbox when nothing was due; the first backoff.
    poll_interval: float = 1.0
    #: Longest wait before a sink that is down is tried again.
    backoff_max: float = 300.0

    def backoff(self, failures: int) -> float:
        """Seconds before the next round after `failures` failed rounds in a row."""
        return min(self.poll_interval * 2 ** max(failures - 1, 0), self.backoff_max)


@dataclass(frozen=True)
class Settings:
    """Everything the service and the CLI need to know about their surroundings."""

    neo4j_uri: str = "bolt://127.0.0.1:7687"
    neo4j_user: str = "neo4j"
    neo4j_password: str = DEV_PASSWORD
    neo4j_database: str = "neo4j"
    #: Seconds a single Neo4j query may run before the driver gives up on it.
    query_timeout: float = 60.0
    #: Seconds the driver keeps retrying a transaction that failed for a transient reason
    #: (leader switch, deadlock, connection lost) before the request fails with 503.
    retry_time: float = 10.0
    #: Seconds to wait for a TCP connection to Neo4j.
    connect_timeout: float = 5.0
    #: Largest request body the API accepts, in bytes.
    max_body_bytes: int = 10 * 1024 * 1024
    #: Seconds a worker waits before looking at an empty queue again.
    worker_poll_interval: float = 1.0
    #: Seconds between a running deployment's heartbeats (and log writes).
    worker_heartbeat_interval: float = 1.0
    #: Seconds without a heartbeat after which a running deployment is marked abandoned.
    worker_stale_after: float = 60.0
    #: Seconds a stopping worker (SIGTERM) lets a running deployment go on to its end; after
    #: that its engine's processes are killed and it is marked abandoned. Below the 30 s an
    #: orchestrator usually waits before SIGKILL, with room for the kill itself.
    worker_stop_grace: float = 20.0
    #: Reads (GET) need an API token too (any scope); writes always need one.
    reads_need_token: bool = False
    #: When set, GET /metrics answers only `Authorization: Bearer <this>` (not an API token:
    #: Prometheus holds it). Empty: /metrics is open, like /healthz.
    metrics_token: str = ""
    #: Fernet key(s), comma-separated, that seal engine `secret_env` values in the graph
    #: (the first seals, all open: see app/graph/sealing.py). Empty: stored in the clear.
    secret_key: str = ""
    #: Log lines as `json`, `text`, or `auto`: text on a terminal, JSON otherwise.
    log_format: str = "auto"
    #: Least severe level logged: DEBUG, INFO, WARNING, ERROR.
    log_level: str = "INFO"
    #: HTTP URLs the CDEvents Mercator emits are delivered to (empty: none are emitted).
    event_sinks: tuple[str, ...] = ()
    #: Seconds one delivery to a sink may take.
    event_timeout: float = 10.0
    #: Seconds between a dispatcher's looks at the outbox when nothing was due.
    event_poll_interval: float = 1.0
    #: Longest wait (seconds) before a sink that is down is tried again.
    event_backoff_max: float = 300.0
    local: LocalServerSettings = field(default_factory=LocalServerSettings)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Build settings from `MERCATOR_*` variables; unset ones keep their defaults."""
        env = os.environ if env is None else env
        local = LocalServerSettings()
        local = replace(
            local,
            home=Path(env.get("MERCATOR_NEO4J_HOME", str(local.home))),
            bolt_port=_int(env, "MERCATOR_NEO4J_BOLT_PORT", local.bolt_port),
            http_port=_int(env, "MERCATOR_NEO4J_HTTP_PORT", local.http_port),
            heap=env.get("MERCATOR_NEO4J_HEAP", local.heap),
            pagecache=env.get("MERCATOR_NEO4J_PAGECACHE", local.pagecache),
            transaction_timeout=env.get(
                "MERCATOR_NEO4J_TRANSACTION_TIMEOUT", local.transaction_timeout
            ),
            transaction_memory=env.get(
                "MERCATOR_NEO4J_TRANSACTION_MEMORY", local.transaction_memory
            ),
            start_timeout=_float(env, "MERCATOR_NEO4J_START_TIMEOUT", local.start_timeout),
        )
        defaults = cls()
        return cls(
            neo4j_uri=env.get("MERCATOR_NEO4J_URI", f"bolt://127.0.0.1:{local.bolt_port}"),
            neo4j_user=env.get("MERCATOR_NEO4J_USER", defaults.neo4j_user),
            neo4j_password=_secret(env, "MERCATOR_NEO4J_PASSWORD", defaults.neo4j_password),
            neo4j_database=env.get("MERCATOR_NEO4J_DATABASE", defaults.neo4j_database),
            query_timeout=_float(env, "MERCATOR_QUERY_TIMEOUT", defaults.query_timeout),
            retry_time=_float(env, "MERCATOR_RETRY_TIME", defaults.retry_time),
            connect_timeout=_float(env, "MERCATOR_CONNECT_TIMEOUT", defaults.connect_timeout),
            max_body_bytes=_int(env, "MERCATOR_MAX_BODY_BYTES", defaults.max_body_bytes),
            worker_poll_interval=_float(
                env, "MERCATOR_WORKER_POLL_INTERVAL", defaults.worker_poll_interval
            ),
            worker_heartbeat_interval=_float(
                env, "MERCATOR_WORKER_HEARTBEAT_INTERVAL", defaults.worker_heartbeat_interval
            ),
            worker_stale_after=_float(
                env, "MERCATOR_WORKER_STALE_AFTER", defaults.worker_stale_after
            ),
            worker_stop_grace=_float(env, "MERCATOR_WORKER_STOP_GRACE", defaults.worker_stop_grace),
            reads_need_token=_bool(env, "MERCATOR_READS_NEED_TOKEN", defaults.reads_need_token),
            metrics_token=_secret(env, "MERCATOR_METRICS_TOKEN", defaults.metrics_token),
            secret_key=_secret(env, "MERCATOR_SECRET_KEY", defaults.secret_key),
            log_format=_choice(
                env, "MERCATOR_LOG_FORMAT", ("auto", "json", "text"), defaults.log_format
            ),
            log_level=_choice(
                env, "MERCATOR_LOG_LEVEL", ("DEBUG", "INFO", "WARNING", "ERROR"), defaults.log_level
            ),
            event_sinks=_urls(env, "MERCATOR_EVENT_SINKS"),
            event_timeout=_float(env, "MERCATOR_EVENT_TIMEOUT", defaults.event_timeout),
            event_poll_interval=_float(
                env, "MERCATOR_EVENT_POLL_INTERVAL", defaults.event_poll_interval
            ),
            event_backoff_max=_float(env, "MERCATOR_EVENT_BACKOFF_MAX", defaults.event_backoff_max),
            local=local,
        )

    def worker_settings(self) -> WorkerSettings:
        """How this process's deployment workers poll, beat, stop and judge others
        abandoned."""
        return WorkerSettings(
            poll_interval=self.worker_poll_interval,
            heartbeat_interval=self.worker_heartbeat_interval,
            stale_after=self.worker_stale_after,
            stop_grace=self.worker_stop_grace,
        )

    def delivery_settings(self) -> DeliverySettings:
        """How this process's event dispatcher times out, polls and backs off."""
        return DeliverySettings(
            timeout=self.event_timeout,
            poll_interval=self.event_poll_interval,
            backoff_max=self.event_backoff_max,
        )

    def describe(self) -> dict[str, object]:
        """The settings as plain values, with the password hidden (for `mercator version`)."""
        shown: dict[str, object] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name in ("neo4j_password", "metrics_token", "secret_key"):
                value = "***" if value else ""
            elif f.name == "local":
                value = {k.name: str(getattr(value, k.name)) for k in fields(value)}
            shown[f.name] = value
        return shown


class SettingError(ValueError):
    """An environment variable holds a value of the wrong type."""


def _secret(env: Mapping[str, str], name: str, default: str) -> str:
    """`name`, or the contents of the file `name_FILE` names (a Docker or Kubernetes secret
    mounted as a file, so the secret is in no environment listing); one trailing newline
    is dropped."""
    path = env.get(f"{name}_FILE")
    if not path:
        return env.get(name, default)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise SettingError(f"{name}_FILE names {path!r}, which cannot be read: {exc}") from None
    return text[:-1] if text.endswith("\n") else text


def _urls(env: Mapping[str, str], name: str) -> tuple[str, ...]:
    """HTTP(S) URLs separated by commas or whitespace, each once, in order."""
    found: list[str] = []
    for url in (env.get(name) or "").replace(",", " ").split():
        if not url.startswith(("http://", "https://")) or len(url) <= len("https://"):
            raise SettingError(f"{name} holds http:// or https:// URLs, got {url!r}")
        if url not in found:
            found.append(url)
    return tuple(found)


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise SettingError(f"{name} must be an integer, got {raw!r}") from None


def _float(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        return float(raw)
    except ValueError:
        raise SettingError(f"{name} must be a number, got {raw!r}") from None


def _choice(env: Mapping[str, str], name: str, choices: tuple[str, ...], default: str) -> str:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    for choice in choices:
        if raw.strip().lower() == choice.lower():
            return choice
    raise SettingError(f"{name} must be one of {', '.join(choices)}, got {raw!r}")


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise SettingError(f"{name} must be true or false, got {raw!r}")
