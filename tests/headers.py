"""Headers of the requests tests send over HTTP (live servers, schemathesis): built here
only, so that authentication is added in one place for every such test."""

from __future__ import annotations


def api_headers(token: str | None = None, **extra: str) -> dict[str, str]:
    """Headers for a request to the API, with `token` as its bearer, plus `extra` ones."""
    headers = {"Accept": "application/json", **extra}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return headers
