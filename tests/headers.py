"""Headers of the requests tests send over HTTP (live servers, schemathesis): built here
only, so that authentication is added in one place for every such test."""

from __future__ import annotations


def api_headers(**extra: str) -> dict[str, str]:
    """Headers for a request to the API, plus `extra` ones."""
    return {"Accept": "application/json", **extra}
