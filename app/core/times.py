"""Times in requests: ISO 8601 with a time zone, stored by Neo4j as `datetime`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

PROBLEM = "must be an ISO 8601 time with a time zone, e.g. 2026-11-20T10:04:00Z"


#: Neo4j's range of zone offsets; Python takes up to a day, and offsets with seconds.
MAX_OFFSET = timedelta(hours=18)


def parse(text: object) -> datetime | None:
    """The aware datetime in `text`, or None when it is not one Neo4j can store and give
    back too: its zone offset within ±18:00 in whole minutes, its instant within years
    1 to 9999."""
    if not isinstance(text, str):
        return None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    offset = parsed.utcoffset()
    if offset is None or abs(offset) > MAX_OFFSET or offset % timedelta(minutes=1):
        return None
    try:  # read back in UTC, it must still be a year Python knows (1 to 9999)
        parsed.astimezone(UTC)
    except OverflowError:
        return None
    return parsed


def canonical(text: str) -> str:
    """A time `parse` accepts, in the one ISO 8601 form Neo4j's `datetime()` reads
    (Python accepts spellings it does not, such as a space for the ``T``)."""
    return parsed_text(parse(text))


def in_utc(text: str) -> str:
    """A time `parse` accepts, as the same instant in UTC: Neo4j orders one instant written
    in two zones as unequal (11:00Z >= 13:00+02:00 is false), so a comparison with a
    stored time converted to UTC must be given UTC too."""
    return parsed_text(parse(text).astimezone(UTC))


def parsed_text(parsed: datetime) -> str:
    text = parsed.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def now() -> str:
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")
