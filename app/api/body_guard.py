"""Request bodies must be JSON Mercator can read safely and text Neo4j can store.

Every JSON body is looked at here once, before any view or schema sees it, and refused
(the one error shape, one log line, no traceback) when it:

- would not fit: its parsed form is estimated from its raw bytes (`PARSED_BYTES` per
  container and per value, what CPython's smallest dict and a list slot with its value
  cost) and refused with 413 when that is above `MAX_GROWTH` times the body. Real
  documents come out near 1.5x (a CycloneDX SBOM of 20,000 packages 1.7x, one of a Python
  environment 1.4x); `[{},{},...]` comes out at 29x, and parsing it took a worker to 75
  times the body;
- nests lists and objects deeper than `MAX_DEPTH` levels: no document Mercator takes comes
  close, and a deep one would otherwise exhaust Python's recursion in whatever walks it;
- holds an integer with more digits than Python converts (`sys.get_int_max_str_digits()`,
  4300 by default);
- spells a lone UTF-16 surrogate (``"\\ud800"``): Python reads it into a string that has
  no UTF-8 form, so the driver could not send it and the write would fail as a 500. Each
  such field is named.

All but the last are judged on the raw bytes, with the strings blanked out (one copy, at
most the body's size), so a body is parsed here only when it
spells a surrogate, to name the fields: the view parses the body it takes itself, and a
second parse here would cost as much memory again. The walk that names the fields keeps
a stack as deep as the document, never a list of its items.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from typing import Any

from flask import Flask, request

from app.api import errors
from app.core import properties

log = logging.getLogger(__name__)

#: How deeply lists and objects may nest in a request body: ``[]`` is one level,
#: ``{"a": []}`` two. The deepest documents Mercator takes (an SBOM's nested components,
#: a kubectl listing) stay well inside it.
MAX_DEPTH = 64
#: The most a body's parsed form may be estimated to cost, in times its size.
MAX_GROWTH = 4
#: Below this size a body is never refused as too large to parse (a small body cannot
#: cost much, whatever its shape).
GROWTH_FREE_BYTES = 64 * 1024
#: Estimated bytes of the parsed form: per container (an empty dict is 64 bytes, an empty
#: list 56) and per value after the first in a container (a `,` or `:`: a list slot or a
#: dict entry, 8 to 24 bytes, and the value, an int or float 24 or more).
PARSED_BYTES = {"container": 64, "value": 24}
PROBLEM = "is not valid Unicode text (it holds an unpaired surrogate, \\ud800-\\udfff)"
_TOO_DEEP = f"nested deeper than {MAX_DEPTH} levels"
#: A JSON string, escapes included.
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
#: A surrogate as a JSON escape, or as the bytes `json.loads` reads one from
#: (it decodes with surrogatepass).
_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F]|\xed[\xa0-\xbf]")
#: Every byte but brackets, deleted to leave a body's nesting alone.
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


class Refused(Exception):
    """A body the guard will not pass on: its status, a message and the fields it names."""

    def __init__(self, message: str, details: dict[str, list[str]], status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.details = details
        self.status = status


def blanked(data: bytes) -> bytearray:
    """`data` with every string emptied (``""``): what is left is the document's shape.
    Built piece by piece: `re.sub` would keep a list of every piece until it joins them,
    which costs more than the body for one of many short strings."""
    shape = bytearray()
    start = 0
    for string in _STRING.finditer(data):
        shape += data[start : string.start()]
        shape += b'""'
        start = string.end()
    shape += data[start:]
    return shape


def deeper_than(structure: bytes | bytearray, limit: int = MAX_DEPTH) -> bool:
    """Whether brackets nest more than `limit` levels in `structure` (a body with its
    strings blanked). Each round deletes the innermost pairs; a document `limit` deep is
    empty after `limit` rounds. One that stops shrinking is no JSON (the parser says so)."""
    brackets = structure.translate(None, _NOT_BRACKETS)
    for _ in range(limit):
        # Marked first, deleted after: a pair emptied by deleting `[]` is no `{}` yet, so
        # one level goes a round. (`re.sub` would keep a list of every piece.)
        shorter = brackets.replace(b"[]", b"\0").replace(b"{}", b"\0").replace(b"\0", b"")
        if not shorter or shorter == brackets:
            return False
        brackets = shorter
    return True


def _long_integer(structure: bytes | bytearray) -> re.Match | None:
    """An integer literal longer than Python converts, outside strings (digits of a float
    or of an exponent are no integer)."""
    limit = sys.get_int_max_str_digits()
    if not limit or not re.search(rb"\d{%d}" % (limit + 1), structure):  # fast: no lookaround
        return None
    return re.search(rb"(?<![\d.eE+-])-?\d{%d,}(?![\d.eE])" % (limit + 1), structure)


def estimated_growth(structure: bytes | bytearray, size: int) -> float:
    """The parsed form's estimated bytes per byte of body (see `PARSED_BYTES`)."""
    containers = structure.count(b"{") + structure.count(b"[")
    values = structure.count(b",") + structure.count(b":")
    cost = containers * PARSED_BYTES["container"] + values * PARSED_BYTES["value"]
    return cost / max(size, 1)


def unstorable_fields(value: Any) -> list[str]:
    """Where in a parsed JSON document text has no UTF-8 form: dotted paths, list items
    by index; a bad object key is reported at its object. In document order. The stack
    holds one iterator per level and the path to it; no path is built but a bad one."""
    found: list[str] = []

    def where(path: list[str]) -> str:
        return ".".join(path) or "body"

    if isinstance(value, str):
        return [] if properties.is_text(value) else ["body"]
    stack = [_children(value)]
    path: list[str] = []
    while stack:
        step = next(stack[-1], None)
        if step is None:
            stack.pop()
            if path:
                path.pop()
            continue
        key, child, bad_key = step
        if bad_key:
            found.append(where(path))
            continue
        if isinstance(child, str):
            if not properties.is_text(child):
                found.append(where([*path, key]))
        elif isinstance(child, dict | list):
            path.append(key)
            stack.append(_children(child))
    return found


def _children(item: Any):
    """(key, child, whether the key itself is unstorable) of a list or an object."""
    if isinstance(item, list):
        return ((str(index), child, False) for index, child in enumerate(item))
    if isinstance(item, dict):
        return (
            (key, child, not properties.is_text(key)) for key, child in item.items()
        )
    return iter(())


def check(data: bytes) -> None:
    """`Refused` unless the JSON body `data` is one Mercator can read safely; bodies that
    are no JSON at all pass (the schema's parser reports them in its own words)."""
    structure = blanked(data)
    if deeper_than(structure):
        raise Refused(f"the body is {_TOO_DEEP}", {"body": [_TOO_DEEP]})
    if _long_integer(structure):
        limit = sys.get_int_max_str_digits()
        raise Refused(
            f"the body holds a number with more than {limit} digits",
            {"body": [f"a number with more than {limit} digits"]},
        )
    if len(data) > GROWTH_FREE_BYTES:
        growth = estimated_growth(structure, len(data))
        if growth > MAX_GROWTH:
            message = (
                f"the body would take about {growth:.0f} times its size to read, more than "
                f"{MAX_GROWTH}: it holds too many JSON values for its size"
            )
            raise Refused(message, {"body": [message]}, status=413)
    del structure
    if not _SURROGATE.search(data):
        return
    try:
        document = json.loads(data)
    except (ValueError, RecursionError):  # no JSON: the schema's parser says so
        return
    bad = unstorable_fields(document)
    if bad:
        raise Refused(
            f"text that is not valid Unicode in {', '.join(sorted(set(bad)))}",
            {field: [PROBLEM] for field in bad},
        )


def register(app: Flask) -> None:
    @app.before_request
    def refuse_unreadable_json():
        if not request.is_json:
            return None
        data = request.get_data(cache=True)
        if not data:
            return None
        try:
            check(data)
        except Refused as refused:
            log.warning(
                "refused the body of %s %s: %s", request.method, request.path, refused.message
            )
            code = "invalid" if refused.status == 400 else "request_entity_too_large"
            return errors.error_response(refused.status, code, refused.message, refused.details)
        return None
