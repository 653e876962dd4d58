"""Request bodies must hold text Neo4j can store.

JSON may spell a lone UTF-16 surrogate (``"\\ud800"``); Python reads it into a string that
has no UTF-8 form, so the driver could not send it and the request would fail as a 500
deep inside a write. It is refused up front instead, as a 400 naming each such field.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, request

from app.api import errors
from app.core import properties

PROBLEM = "is not valid Unicode text (it holds an unpaired surrogate, \\ud800-\\udfff)"


def unstorable_fields(value: Any, path: str = "") -> list[str]:
    """Where in a parsed JSON document text has no UTF-8 form: dotted paths, list items
    by index; a bad object key is reported at its object."""
    if isinstance(value, str):
        return [] if properties.is_text(value) else [path or "body"]
    if isinstance(value, list):
        return [
            found
            for index, item in enumerate(value)
            for found in unstorable_fields(item, f"{path}.{index}" if path else str(index))
        ]
    if isinstance(value, dict):
        found = []
        for key, item in value.items():
            if not properties.is_text(key):
                found.append(path or "body")
                continue
            found += unstorable_fields(item, f"{path}.{key}" if path else key)
        return found
    return []


def register(app: Flask) -> None:
    @app.before_request
    def refuse_unstorable_text():
        if request.method not in {"POST", "PUT", "PATCH"} or not request.is_json:
            return None
        bad = unstorable_fields(request.get_json(silent=True))
        if not bad:
            return None
        return errors.error_response(
            400,
            "invalid",
            f"text that is not valid Unicode in {', '.join(sorted(set(bad)))}",
            {field: [PROBLEM] for field in bad},
        )
