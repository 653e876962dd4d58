"""Who writes, and what they may write: scopes and the limits of an API token.

Every write names an `Actor`. Over HTTP it is the token the request carried (its name is
what the graph records as `registered_by`, `recorded_by`, ...); from the CLI in local mode
it is whoever holds the Neo4j credentials, who may do anything. The services check the
component limits inside their transactions, against the owners the graph holds at that
moment, so a limit cannot be dodged by a concurrent change of owner.
"""

from __future__ import annotations

import getpass
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from app.errors import Forbidden

#: What a token may be allowed to do. `admin` includes every other scope; any valid token
#: may read (`read` alone is for readers when reads need a token).
SCOPES = ("read", "register", "deploy", "admin")
#: What each scope is for, for `--help`, the OpenAPI document and error messages.
SCOPE_MEANING = {
    "read": "read the catalog and its reports (when reads need a token)",
    "register": "register component versions and attach SBOMs",
    "deploy": "record deployments",
    "admin": "teams, environments, application definitions, tokens; includes every scope",
}


@dataclass(frozen=True)
class Actor:
    """Who does a write: a token's name, its scopes, the components it is limited to
    (by name prefix and/or owner team; None = no limit), and the applications an admin
    granted it to add its components to (beyond its team's own)."""

    name: str
    scopes: frozenset[str] = field(default_factory=lambda: frozenset(SCOPES))
    component_prefix: str | None = None
    team: str | None = None
    applications: frozenset[str] = frozenset()

    def has(self, scope: str) -> bool:
        return scope in self.scopes or "admin" in self.scopes or scope == "read"

    def require(self, scope: str) -> None:
        if not self.has(scope):
            raise Forbidden(
                f"this token lacks the {scope!r} scope ({SCOPE_MEANING[scope]})",
                {"required_scope": scope, "token_scopes": sorted(self.scopes)},
            )

    def require_any(self, scopes: tuple[str, ...]) -> None:
        """Forbidden unless the token holds one of `scopes` (an endpoint whose body says
        which it needs, checked before the body is read)."""
        if len(scopes) == 1:
            return self.require(scopes[0])
        if not any(self.has(scope) for scope in scopes):
            raise Forbidden(
                f"this token lacks every one of the scopes {', '.join(scopes)}",
                {"required_scope": list(scopes), "token_scopes": sorted(self.scopes)},
            )

    @property
    def limited(self) -> bool:
        return self.component_prefix is not None or self.team is not None

    def check_components(self, owners: Mapping[str, str | None]) -> None:
        """Forbidden unless every component (name → owner team) is within the limits.

        A team-limited token may only write components its team owns; a component without
        an owner yet must be given to that team (registration passes the owner it sets)."""
        outside = sorted(name for name, owner in owners.items() if not self._allows(name, owner))
        if outside:
            raise Forbidden(
                f"this token may not write {', '.join(outside)}: it is limited to "
                + self.describe_limits(),
                {"components": outside, "limits": self.limits()},
            )

    def _allows(self, name: str, owner: str | None) -> bool:
        if self.component_prefix is not None and not name.startswith(self.component_prefix):
            return False
        return self.team is None or owner == self.team

    def check_joins(self, owners: Mapping[str, str | None]) -> None:
        """Forbidden unless the token may add components to every application (name →
        owner team, None for none or a new one): a limited token only to its team's
        applications and to those an admin granted it. Replacing a version of a component
        an application already holds is no join: that is how registration derives."""
        outside = sorted(
            name
            for name, owner in owners.items()
            if self.limited
            and name not in self.applications
            and (self.team is None or owner != self.team)
        )
        if outside:
            raise Forbidden(
                f"this token may not add components to application(s) {', '.join(outside)}: "
                "a limited token adds its components only to its team's applications and to "
                "those granted to it (`mercator token create --application`)",
                {"applications": outside, "limits": self.limits()},
            )

    def limits(self) -> dict[str, Any]:
        return {
            "component_prefix": self.component_prefix,
            "team": self.team,
            "applications": sorted(self.applications),
        }

    def describe_limits(self) -> str:
        parts = []
        if self.component_prefix is not None:
            parts.append(f"components named {self.component_prefix}*")
        if self.team is not None:
            parts.append(f"components owned by team {self.team}")
        return " and ".join(parts)


def local_actor() -> Actor:
    """The CLI without --url: it holds the Neo4j credentials, so it may do anything. The
    name says so, with the login of the person running it."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return Actor(name=f"local:{user}")
