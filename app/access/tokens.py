"""API tokens: created once, shown once, stored only as a hash.

A token is ``mrc_`` followed by 32 random bytes (``secrets.token_urlsafe``): the prefix
makes a leaked token recognisable to secret scanners and people, the 256 random bits make
guessing hopeless. The graph keeps only its SHA-256. A plain hash is enough here — a keyed
hash (HMAC with a server secret) or a slow password hash guards low-entropy secrets against
offline guessing, and there is nothing to guess in 256 random bits; a stolen hash does not
give the token back. Requests are authenticated by seeking the hash in the unique index,
then comparing the stored and the computed hash with `hmac.compare_digest`, so no
comparison of secret material takes time that depends on where it differs.

Every way a token can be unusable — missing, malformed, unknown, expired, revoked — reads
the same to the caller (`Unauthorized`), so nobody learns which names or tokens exist.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

from app.access.scopes import SCOPES, Actor
from app.core import naming, paging, times
from app.errors import Conflict, Invalid, NotFound, Unauthorized
from app.graph import Graph

PREFIX = "mrc_"
#: `secrets.token_urlsafe(32)`: 32 bytes in unpadded URL-safe base64 are 43 characters.
_TOKEN = re.compile(r"^mrc_[A-Za-z0-9_-]{43}$")
_DURATION = re.compile(r"^(\d+)([dhm])$")
_UNITS = {"d": "days", "h": "hours", "m": "minutes"}

#: The one answer to a request without a usable token, whether it sent none or one that
#: is malformed, unknown, expired or revoked.
REFUSED = (
    "this request needs a valid API token (Authorization: Bearer <token>); none was "
    "sent, or it is malformed, unknown, expired or revoked"
)


def hash_of(token: str) -> str:
    """The SHA-256 of a token, hex: what the graph stores and looks tokens up by."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create(
    graph: Graph,
    name: str,
    scopes: list[str],
    component_prefix: str | None = None,
    team: str | None = None,
    expires: str | None = None,
    created_by: str = "unknown",
    applications: list[str] | tuple[str, ...] = (),
) -> tuple[dict[str, Any], str]:
    """Create a token; returns (its description, the token itself — shown only now).

    `applications` is the admin's grant: a limited token may add its components to these
    applications besides its team's own (see `Actor.check_joins`)."""
    wanted = _validated(name, scopes, component_prefix, team, expires, list(applications))
    token = PREFIX + secrets.token_urlsafe(32)
    rows = graph.write("access/token_create", **wanted, hash=hash_of(token), created_by=created_by)
    if not rows:
        raise Conflict(f"a token named {name!r} exists; revoke it or choose another name")
    return view(rows[0]["props"]), token


def _validated(
    name: str,
    scopes: list[str],
    component_prefix: str | None,
    team: str | None,
    expires: str | None,
    applications: list[str],
) -> dict[str, Any]:
    problems: dict[str, list[str]] = {}
    if naming.name_problem(name):
        problems["name"] = [naming.name_problem(name)]
    unknown = sorted(set(scopes) - set(SCOPES))
    if not scopes or unknown:
        problems["scopes"] = [f"give one or more of {', '.join(SCOPES)}"]
    if component_prefix is not None and naming.name_problem(component_prefix):
        problems["component_prefix"] = [naming.name_problem(component_prefix)]
    if team is not None and naming.name_problem(team):
        problems["team"] = [naming.name_problem(team)]
    if "admin" in scopes and (component_prefix is not None or team is not None):
        problems["scopes"] = [
            "an admin token cannot be limited to components (admin includes every scope)"
        ]
    for index, application in enumerate(applications):
        if naming.name_problem(application):
            problems[f"applications.{index}"] = [naming.name_problem(application)]
    if applications and component_prefix is None and team is None:
        problems["applications"] = [
            "a grant of applications is for a token limited by component_prefix or team "
            "(an unlimited one may add components anywhere)"
        ]
    expires_at = None
    if expires is not None:
        expires_at = expiry(expires)
        if expires_at is None:
            problems["expires"] = [
                "must be a duration such as 90d, 12h or 30m, or an ISO 8601 time in the future"
            ]
    if problems:
        raise Invalid("the token is invalid", problems)
    return {
        "name": name,
        "scopes": sorted(set(scopes), key=SCOPES.index),
        "component_prefix": component_prefix,
        "team": team,
        "applications": sorted(set(applications)) or None,
        "expires_at": expires_at,
    }


def expiry(text: str, now: datetime | None = None) -> str | None:
    """When a token given `--expires text` expires (ISO 8601), or None if `text` is neither
    a positive duration (90d, 12h, 30m) nor a future time."""
    now = now or datetime.now(UTC)
    match = _DURATION.match(text.strip())
    if match:
        amount = int(match.group(1))
        if amount <= 0:
            return None
        return (now + timedelta(**{_UNITS[match.group(2)]: amount})).isoformat()
    at = times.parse(text)
    return at.isoformat() if at is not None and at > now else None


def authenticate(graph: Graph, token: str | None) -> Actor:
    """The actor a presented token stands for; `Unauthorized` however it fails."""
    if not token or not _TOKEN.match(token):
        raise Unauthorized(REFUSED)
    digest = hash_of(token)
    rows = graph.read("access/token_by_hash", hash=digest)
    stored = rows[0]["props"] if rows else None
    if stored is None or not hmac.compare_digest(stored["hash"], digest):
        raise Unauthorized(REFUSED)
    if state(stored) != "active":
        raise Unauthorized(REFUSED)
    return Actor(
        name=stored["name"],
        scopes=frozenset(stored["scopes"]),
        component_prefix=stored.get("component_prefix"),
        team=stored.get("team"),
        applications=frozenset(stored.get("applications") or ()),
    )


def state(props: dict[str, Any]) -> str:
    """active, expired or revoked."""
    if props.get("revoked_at") is not None:
        return "revoked"
    expires_at = times.parse(props.get("expires_at"))
    if expires_at is not None and expires_at <= datetime.now(UTC):
        return "expired"
    return "active"


def view(props: dict[str, Any]) -> dict[str, Any]:
    """A token as people see it: everything but the hash."""
    keys = (
        "name",
        "scopes",
        "component_prefix",
        "team",
        "applications",
        "created_at",
        "created_by",
        "expires_at",
        "revoked_at",
        "revoked_by",
    )
    shown = {key: props.get(key) for key in keys}
    shown["applications"] = shown["applications"] or []  # tokens made before grants: none
    return {**shown, "state": state(props)}


def list_tokens(graph: Graph, offset: int = 0, limit: int = paging.DEFAULT_LIMIT) -> dict[str, Any]:
    return paging.page(
        lambda skip, take: graph.read("access/token_list", offset=skip, limit=take),
        lambda row: view(row["props"]),
        offset,
        limit,
    )


def revoke(graph: Graph, name: str, revoked_by: str = "unknown") -> dict[str, Any]:
    """Revoke a token from now on (again: no change); NotFound for an unknown name."""
    rows = graph.write("access/token_revoke", name=name, revoked_by=revoked_by)
    if not rows:
        raise NotFound(f"no token named {name!r}", {"token": name})
    return view(rows[0]["props"])
