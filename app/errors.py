"""Domain errors.

Services raise these; the HTTP layer (`app.api.errors`) and the CLI (`app.cli`) each map
them to a status or exit code in one place, so a rule such as "a conflicting registration
is refused" reads the same whichever way it was reached.
"""

from __future__ import annotations

from typing import Any


class MercatorError(Exception):
    """Base class: a message for people and optional structured details for programs."""

    code = "error"

    def __init__(self, message: str, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class Invalid(MercatorError):
    """The request is malformed or breaks a rule; nothing was written."""

    code = "invalid"


class NotFound(MercatorError):
    """Something the request names does not exist."""

    code = "not_found"


class Conflict(MercatorError):
    """The request contradicts what the catalog already holds (e.g. an immutable version)."""

    code = "conflict"


class Unavailable(MercatorError):
    """Neo4j cannot be reached right now; the same request can be retried safely."""

    code = "unavailable"


class Unauthorized(MercatorError):
    """The request carries no usable token: missing, malformed, unknown, expired or revoked.

    The message never says which, so a caller cannot learn whether a token name exists."""

    code = "unauthorized"


class Forbidden(MercatorError):
    """The token is valid but may not do this: a scope it lacks, or a component outside
    its limits."""

    code = "forbidden"


class TimedOut(Unavailable):
    """A query ran past its time limit and Neo4j stopped it; nothing was written. Retrying
    may work when the database is less busy; a narrower request works sooner."""

    code = "timeout"
