"""Cypher as packaged data: `cypher/<area>/<name>.cypher`, loaded by name and cached.

Queries live in files rather than Python strings so they can be read, reviewed and pasted
into Neo4j Browser as they are (each file starts with a comment header and a `:param`
example). Only parameters ever reach them; nothing formats user input into query text.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

_NAME = re.compile(r"^[a-z0-9_]+/[a-z0-9_]+$")


def _locate() -> Path:
    """The `cypher/` folder: inside the installed package, or at the top of a checkout."""
    package_dir = Path(__file__).resolve().parent.parent
    for candidate in (package_dir / "cypher", package_dir.parent / "cypher"):
        if candidate.is_dir():
            return candidate
    raise RuntimeError(f"no cypher/ folder next to {package_dir}")


CYPHER_DIR = _locate()


@functools.cache
def load(name: str) -> str:
    """Text of the query `area/name` (e.g. ``"admin/ping"``)."""
    if not _NAME.match(name):
        raise ValueError(f"bad query name {name!r}: expected 'area/name'")
    path = CYPHER_DIR / f"{name}.cypher"
    if not path.is_file():
        raise LookupError(f"no query {name!r} (looked for {path})")
    return path.read_text(encoding="utf-8")


def names(area: str | None = None) -> list[str]:
    """Every query name, or those of one area, sorted (schema files apply in this order)."""
    pattern = f"{area}/*.cypher" if area else "*/*.cypher"
    return sorted(f"{p.parent.name}/{p.stem}" for p in CYPHER_DIR.glob(pattern))
