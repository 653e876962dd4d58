"""Request bodies must be JSON Mercator can read safely and text Neo4j can store.

Every JSON body is read here once, before any view or schema sees it, and refused as a 400
(the one error shape, one log line, no traceback) when it:

- nests lists and objects deeper than `MAX_DEPTH` levels: no document Mercator takes comes
  close, and a deep one would otherwise exhaust Python's recursion in whatever walks it;
- holds an integer with more digits than Python converts (`sys.get_int_max_str_digits()`,
  4300 by default);
- spells a lone UTF-16 surrogate (``"\\ud800"``): Python reads it into a string that has no
  UTF-8 form, so the driver could not send it and the write would fail as a 500. Each such
  field is named.

The checks walk the parsed document with an explicit stack, never by recursion. The
parsed document is dropped once checked: a view parses the body it takes itself, and
keeping this copy for the rest of the request would hold a second parsed copy of every
body while the view parses it (tens of bytes of Python objects per byte of JSON).
"""

from __future__ import annotations

import json
import logging
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
PROBLEM = "is not valid Unicode text (it holds an unpaired surrogate, \\ud800-\\udfff)"
_TOO_DEEP = f"nested deeper than {MAX_DEPTH} levels"


class Refused(Exception):
    """A body the guard will not pass on: a message and the fields it names."""

    def __init__(self, message: str, details: dict[str, list[str]]) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


def deeper_than(value: Any, limit: int = MAX_DEPTH) -> bool:
    """Whether lists and objects nest more than `limit` levels in `value`."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return False


def unstorable_fields(value: Any) -> list[str]:
    """Where in a parsed JSON document text has no UTF-8 form: dotted paths, list items
    by index; a bad object key is reported at its object. In document order."""
    found = []
    stack = [(value, "")]
    while stack:
        item, path = stack.pop()
        if isinstance(item, str):
            if not properties.is_text(item):
                found.append(path or "body")
            continue
        if isinstance(item, list):
            children = [(child, f"{path}.{i}" if path else str(i)) for i, child in enumerate(item)]
        elif isinstance(item, dict):
            children = []
            for key, child in item.items():
                if not properties.is_text(key):
                    found.append(path or "body")
                else:
                    children.append((child, f"{path}.{key}" if path else key))
        else:
            continue
        stack.extend(reversed(children))
    return found


def read(data: bytes | str) -> Any:
    """The JSON document in `data`, or `Refused`; None when it is not JSON at all (the
    schema's parser reports that in its own words)."""
    try:
        document = json.loads(data)
    except RecursionError:
        raise Refused(f"the body is {_TOO_DEEP}", {"body": [_TOO_DEEP]}) from None
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None
    except ValueError as exc:  # an integer beyond Python's int-string conversion limit
        limit = sys.get_int_max_str_digits()
        raise Refused(
            f"the body holds a number with more than {limit} digits",
            {"body": [f"a number with more than {limit} digits ({exc.__class__.__name__})"]},
        ) from None
    if deeper_than(document):
        raise Refused(f"the body is {_TOO_DEEP}", {"body": [_TOO_DEEP]})
    bad = unstorable_fields(document)
    if bad:
        raise Refused(
            f"text that is not valid Unicode in {', '.join(sorted(set(bad)))}",
            {field: [PROBLEM] for field in bad},
        )
    return document


def register(app: Flask) -> None:
    @app.before_request
    def refuse_unreadable_json():
        if not request.is_json:
            return None
        data = request.get_data(cache=True)
        if not data:
            return None
        try:
            read(data)
        except Refused as refused:
            log.warning(
                "refused the body of %s %s: %s", request.method, request.path, refused.message
            )
            return errors.error_response(400, "invalid", refused.message, refused.details)
        return None
