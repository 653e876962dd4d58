"""Domain errors.

Services raise these. `TABLE` below is the one place that says how each reads over HTTP
(its status) and on the command line (its exit code); the API, the CLI and the CLI's HTTP
client (which turns a status back into the error) all read it, so a rule such as "a
conflicting registration is refused" reads the same whichever way it was reached.
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


class Unprocessable(MercatorError):
    """The request is well formed but names something the catalog cannot tie it to (an
    event about an artifact never registered); nothing was written."""

    code = "unprocessable"


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


class OutOfMemory(Unavailable):
    """A query needed more memory than Neo4j lets a transaction take, and Neo4j stopped it;
    nothing was written. A narrower request fits; the same one may fit when fewer
    transactions share the memory pool."""

    code = "out_of_memory"


class LocalServerError(MercatorError):
    """The local Neo4j could not be installed, started or stopped; the message says why."""

    code = "local_server"


#: Each domain error's HTTP status and CLI exit code. Exit code 1 stays "something
#: unexpected" and 2 is also click's usage error; a subclass not listed (TimedOut) reads
#: as its nearest listed base.
TABLE: tuple[tuple[type[MercatorError], int, int], ...] = (
    (Invalid, 400, 2),
    (Unauthorized, 401, 7),
    (Forbidden, 403, 7),
    (NotFound, 404, 3),
    (Unprocessable, 422, 2),
    (Conflict, 409, 4),
    (Unavailable, 503, 5),
    (LocalServerError, 500, 6),
)


def _listed(error: MercatorError) -> tuple[type[MercatorError], int, int] | None:
    for cls in type(error).__mro__:
        for row in TABLE:
            if row[0] is cls:
                return row
    return None


def http_status(error: MercatorError) -> int:
    row = _listed(error)
    return row[1] if row else 500


def exit_code(error: MercatorError) -> int:
    row = _listed(error)
    return row[2] if row else 1


def error_of_status(status: int) -> type[MercatorError]:
    """The domain error an HTTP status stands for (`MercatorError` when none does)."""
    for cls, row_status, _ in TABLE:
        if row_status == status and cls is not LocalServerError:
            return cls
    return MercatorError


def error_document(code: str, message: str, details: Any, request_id: str | None) -> dict:
    """Every HTTP error's body, whoever answers it (the API's handlers, or the web
    server before the app sees the request): ``{"error": {code, message, details,
    request_id}}``."""
    return {
        "error": {"code": code, "message": message, "details": details, "request_id": request_id}
    }
