"""Facts of the graph model shared by the services: kinds, immutable fields, attributes."""

from __future__ import annotations

import math
from typing import Any

KINDS = ("service", "database", "config", "library", "binary", "infrastructure", "job")

#: The fields that make a component version what it is; registering a version again with
#: any of them different is refused. (`build_url` may differ between retries of one build.)
IMMUTABLE_FIELDS = (
    "image",
    "digest",
    "git_repository",
    "git_commit",
    "git_branch",
    "chart",
    "chart_version",
)

#: Prefix of the node properties that hold a version's free key-value attributes, so they
#: show as `attr.region: eu` in Neo4j Browser and can be matched in Cypher.
ATTRIBUTE_PREFIX = "attr."


def attribute_name_problem(name: Any) -> str | None:
    """Why `name` cannot name an attribute (it becomes part of a property key)."""
    if not isinstance(name, str) or not name.strip() or any(ord(ch) < 32 for ch in name):
        return f"attribute name {name!r} is empty or has control characters"
    return None


def attribute_value_problem(value: Any) -> str | None:
    """Why Neo4j could not store `value` exactly as an attribute: only strings, booleans,
    64-bit integers and finite floats are kept as given (a larger integer would fail the
    write, not the check)."""
    if isinstance(value, str | bool):
        return None
    if isinstance(value, int) and -(2**63) <= value < 2**63:
        return None
    if isinstance(value, float) and math.isfinite(value):
        return None
    return "must be a string, a 64-bit integer, a finite number or a boolean"
