"""Not-found errors that suggest the nearest existing names (`did you mean payment?`)."""

from __future__ import annotations

import difflib
from typing import Any

from app.errors import NotFound
from app.graph import Graph

#: How alike a name must be to be suggested (difflib's ratio), and at most how many are.
CUTOFF = 0.6
MOST = 3


def not_found(graph: Graph, kind: str, *names: str) -> NotFound:
    """NotFound naming those of `names` that no `kind` (component, application,
    environment) has — all of them if each exists — with the nearest existing names, from
    one query: ``no environment named 'prdo'; did you mean prod?``."""
    existing = graph.read("catalog/names", kind=kind)[0]["names"]
    missing = list(dict.fromkeys(n for n in names if n not in existing)) or list(names)
    close = {
        name: difflib.get_close_matches(name, existing, n=MOST, cutoff=CUTOFF) for name in missing
    }
    message = f"no {kind} named " + " or ".join(repr(name) for name in missing)
    hints = [
        " or ".join(matches) + ("" if len(missing) == 1 else f" for {name!r}")
        for name, matches in close.items()
        if matches
    ]
    if hints:
        message += f"; did you mean {', '.join(hints)}?"
    details: dict[str, Any]
    if len(missing) == 1:
        details = {kind: missing[0], "did_you_mean": close[missing[0]]}
    else:
        details = {kind: missing, "did_you_mean": close}
    return NotFound(message, details)
