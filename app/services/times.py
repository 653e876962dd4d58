"""Times in requests: ISO 8601 with a time zone, stored by Neo4j as `datetime`."""

from __future__ import annotations

from datetime import UTC, datetime

PROBLEM = "must be an ISO 8601 time with a time zone, e.g. 2026-11-20T10:04:00Z"


def parse(text: object) -> datetime | None:
    """The aware datetime in `text`, or None when it is not one."""
    if not isinstance(text, str):
        return None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def now() -> str:
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")
