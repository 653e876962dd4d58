"""Where OSV records come from offline: one JSON file, a folder of them (searched
recursively), or a zip archive such as osv.dev's per-ecosystem `all.zip`, which people
mirror into networks that cannot reach the internet. Nothing is fetched.

Each record comes out with its origin (a path, or `archive.zip:member.json`) so a problem
names it; a member that is not JSON, too large or not an object is reported, not fatal,
and the rest is still read. A zip's members are read one at a time, each at most
`MAX_RECORD_BYTES` (measured while reading: a zip's own size fields can lie).
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.errors import Invalid

#: Largest record taken; the largest real OSV records (long Debian version lists) are a
#: few hundred kilobytes.
MAX_RECORD_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True)
class Found:
    origin: str
    record: Any = None  # the parsed JSON object, when `problem` is None
    problem: str | None = None


def read(path: str | Path) -> Iterator[Found]:
    """Every record under `path`, in a stable order."""
    path = Path(path)
    if path.is_dir():
        for child in sorted(p for p in path.rglob("*") if p.is_file()):
            if child.suffix == ".json":
                yield _of_file(child)
            elif child.suffix == ".zip":
                yield from _of_zip(child)
    elif path.is_file() and path.suffix == ".zip":
        yield from _of_zip(path)
    elif path.is_file():
        yield _of_file(path)
    else:
        raise Invalid(f"{path}: no such file or folder", {"path": str(path)})


def _of_file(path: Path) -> Found:
    if path.stat().st_size > MAX_RECORD_BYTES:
        return Found(str(path), problem=f"larger than {MAX_RECORD_BYTES} bytes")
    return _decoded(str(path), path.read_bytes())


def _of_zip(path: Path) -> Iterator[Found]:
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        yield Found(str(path), problem=f"not a readable zip archive ({exc})")
        return
    with archive:
        for member in archive.infolist():
            if member.is_dir() or not member.filename.endswith(".json"):
                continue
            origin = f"{path}:{member.filename}"
            try:
                with archive.open(member) as stream:
                    data = stream.read(MAX_RECORD_BYTES + 1)
            except (zipfile.BadZipFile, OSError, EOFError) as exc:
                yield Found(origin, problem=f"cannot be read from the archive ({exc})")
                continue
            if len(data) > MAX_RECORD_BYTES:
                yield Found(origin, problem=f"larger than {MAX_RECORD_BYTES} bytes")
                continue
            yield _decoded(origin, data)


def _decoded(origin: str, data: bytes) -> Found:
    try:
        record = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return Found(origin, problem=f"is not JSON ({exc})")
    if not isinstance(record, dict):
        return Found(origin, problem="is not a JSON object (an OSV record)")
    return Found(origin, record)
