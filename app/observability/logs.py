"""Log lines: JSON for machines, readable text for people at a terminal.

Every line goes through structlog, stdlib `logging` calls included (the driver's, gunicorn's
error log, the existing `log = logging.getLogger(__name__)` calls), so one format covers
the process. MERCATOR_LOG_FORMAT picks it: `json` (one JSON object per line), `text`, or
`auto` (the default): text when stderr is a terminal, JSON otherwise (a container, a
file, a pipe to a log shipper).

Fields bound with `bind` (the request id, the route, the token name) are carried by every
line logged afterwards in the same request, the query lines included, and are cleared
when the next request starts (`clear`).
"""

from __future__ import annotations

import logging
import sys
from typing import Any, TextIO

import structlog
from structlog.contextvars import (
    bind_contextvars,
    clear_contextvars,
    get_contextvars,
    merge_contextvars,
)

from app.graph.db import QueryEvent

FORMATS = ("auto", "json", "text")

_SHARED = [
    merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
]

query_log = structlog.get_logger("mercator.query")
request_log = structlog.get_logger("mercator.request")


def wants_json(log_format: str, stream: TextIO) -> bool:
    """Whether lines go out as JSON: asked for, or `auto` and nobody reads them live."""
    if log_format == "auto":
        return not (hasattr(stream, "isatty") and stream.isatty())
    return log_format == "json"


def configure(log_format: str = "auto", level: str = "INFO", stream: TextIO | None = None) -> None:
    """Send every log line of this process to `stream` (stderr) in the chosen format.
    Calling it again replaces the earlier configuration (tests switch formats)."""
    stream = stream or sys.stderr
    renderer = (
        structlog.processors.JSONRenderer()
        if wants_json(log_format, stream)
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    structlog.configure(
        processors=[*_SHARED, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=False,
    )
    handler = logging.StreamHandler(stream)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=_SHARED,
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.format_exc_info,
                renderer,
            ],
        )
    )
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "_mercator", False)]:
        root.removeHandler(old)
    handler._mercator = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level.upper())
    # The driver logs every connection at INFO; its warnings are enough.
    logging.getLogger("neo4j").setLevel(max(logging.WARNING, root.level))


def bind(**fields: Any) -> None:
    """Carry `fields` on every line logged from here until `clear` (this request)."""
    bind_contextvars(**fields)


def clear() -> None:
    clear_contextvars()


def observe_query(event: QueryEvent) -> None:
    """A `Graph` observer: one line per query (a warning when it failed), carrying the
    request's fields, so a slow request's queries are found by its request id. Outside a
    request (a worker polling its queue every second) the lines are DEBUG."""
    fields = {
        "query": event.name,
        "duration_ms": round(event.seconds * 1000, 3),
        "rows": event.rows,
        "database": event.database,
    }
    if event.error:
        query_log.warning("query failed", error_kind=event.error, **fields)
    else:
        in_request = "request_id" in get_contextvars()
        query_log.log(logging.INFO if in_request else logging.DEBUG, "query", **fields)
