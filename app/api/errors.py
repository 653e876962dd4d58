"""Every HTTP error in one JSON shape: ``{"error": {"code", "message", "details",
"request_id"}}`` (the id also in the X-Request-ID header and on the request's log lines).

Domain errors from the services, HTTP errors raised by Flask or webargs (404, 405, 413,
415, validation) and unexpected exceptions all end here, so a client parses one shape and
never sees an HTML page or a traceback. Requests outside the API and the probes come from
people's browsers: when the web catalog registered an error page renderer
(`ERROR_PAGE_KEY`), they get a page from it with the same status instead.
"""

from __future__ import annotations

import logging
from typing import Any

import flask_smorest
import marshmallow as ma
from flask import Flask, current_app, has_request_context, jsonify, request
from werkzeug.exceptions import HTTPException

from app.errors import MercatorError, error_document, http_status
from app.http.context import ERROR_PAGE_KEY
from app.observability.flask_hooks import request_id

log = logging.getLogger(__name__)

#: Seconds a client should wait before retrying after a 503.
RETRY_AFTER_SECONDS = 5

#: Paths that always answer errors as JSON, whatever else the app serves.
JSON_PATHS = ("/api", "/healthz", "/readyz", "/metrics")
#: Where a 503 may say what Neo4j answered (its address among it): the readiness probe,
#: for operators. Everyone else gets the message; the log gets the details.
OPERATOR_PATHS = ("/readyz",)


class ErrorBodySchema(ma.Schema):
    code = ma.fields.String(
        required=True, metadata={"description": "Stable machine-readable code, e.g. not_found"}
    )
    message = ma.fields.String(required=True, metadata={"description": "What went wrong"})
    details = ma.fields.Raw(
        allow_none=True,
        metadata={"description": "Structured details, e.g. the invalid fields and why"},
    )
    request_id = ma.fields.String(
        allow_none=True,
        metadata={
            "description": "This request's id (X-Request-ID): quote it to find its log lines"
        },
    )


class ErrorSchema(ma.Schema):
    error = ma.fields.Nested(ErrorBodySchema, required=True)


def error_response(
    status: int, code: str, message: str, details: Any = None, headers: dict | None = None
):
    page = _error_page()
    if page is not None:
        return page(status, code, message), status, headers or {}
    rid = request_id() if has_request_context() else None
    return jsonify(error_document(code, message, details, rid)), status, headers or {}


def _error_page():
    """The error page renderer, when this request is a person's (not the API's)."""
    if not has_request_context() or request.path.startswith(JSON_PATHS):
        return None
    return current_app.extensions.get(ERROR_PAGE_KEY)


def handle_domain_error(error: MercatorError):
    status = http_status(error)
    headers = None
    details = error.details
    if status == 503:
        headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
        log.warning("answering 503: %s %s", error.message, details or "")
        for_operators = has_request_context() and request.path.startswith(OPERATOR_PATHS)
        if isinstance(details, dict) and "neo4j" in details and not for_operators:
            details = {k: v for k, v in details.items() if k != "neo4j"} or None
    elif status == 401:
        headers = {"WWW-Authenticate": 'Bearer realm="mercator"'}
    return error_response(status, error.code, error.message, details, headers)


def handle_unexpected_error(error: Exception):
    log.exception("unexpected error while serving a request")
    return error_response(500, "internal", "internal error; it has been logged")


class MercatorApi(flask_smorest.Api):
    """flask-smorest's Api with our error shape for HTTP errors and in the OpenAPI document."""

    ERROR_SCHEMA = ErrorSchema
    #: No catch-all response: each operation lists the statuses it answers
    #: (its decorators, and `app.api.openapi.CommonResponses` for the shared ones).
    DEFAULT_ERROR_RESPONSE_NAME = None

    def _register_pagination_header(self):
        """Pages are in the body (`app.api.fields.PageOut`), not in flask-smorest's
        X-Pagination header: its schema would stand unused in the document."""

    def handle_http_exception(self, error: HTTPException):
        data = getattr(error, "data", None) or {}
        if "messages" in data:
            # webargs: schema validation failures (422, answered as 400) and bad JSON (400).
            return error_response(
                400, "invalid", "the request is invalid", _by_field(data["messages"])
            )
        # Werkzeug's own headers (a 405's `Allow`), then any the raiser added.
        headers = {k: v for k, v in error.get_headers() if k.lower() != "content-type"}
        headers.update(data.get("headers") or {})
        code = (error.name or "error").lower().replace(" ", "_")
        return error_response(
            error.code or 500,
            code,
            data.get("message") or error.description or error.name,
            data.get("errors"),
            headers,
        )


def _by_field(messages: dict[str, Any]) -> dict[str, Any]:
    """webargs groups messages by location ({"json": {...}, "query": {...}}); clients get
    them by field, like the services' `Invalid` details. A body that is not JSON at all
    is reported under "body"."""
    fields: dict[str, Any] = {}
    for location, found in messages.items():
        if isinstance(found, dict):
            fields.update(found)
        else:
            fields["body" if location == "json" else location] = found
    return fields


def register(app: Flask) -> None:
    app.register_error_handler(MercatorError, handle_domain_error)
    app.register_error_handler(Exception, handle_unexpected_error)
