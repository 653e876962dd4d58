"""The HTTP API: flask-smorest blueprints under /api/v1, documented by OpenAPI 3."""

from __future__ import annotations

from pathlib import Path

import flask_swagger_ui
from flask import Flask, request, send_from_directory
from werkzeug.exceptions import RequestEntityTooLarge

from app.api import (
    applications,
    auth,
    backstage,
    body_guard,
    components,
    deployments,
    environments,
    errors,
    events,
    health,
    openapi,
    packages,
    path_names,
    reports,
    search,
    teams,
    tokens,
    vulns,
)
from app.config import Settings
from app.http.context import SETTINGS_KEY
from app.sbom import parsing

API_PREFIX = "/api/v1"
#: Endpoints whose bodies may be larger than MERCATOR_MAX_BODY_BYTES, with their own limit.
LARGER_BODIES = {"packages.attach_sbom": parsing.MAX_BYTES}
#: Swagger UI's files ship inside the flask-swagger-ui wheel; served from here, not a CDN.
SWAGGER_ASSETS = Path(flask_swagger_ui.__file__).parent / "dist"


def largest_body(settings: Settings) -> int:
    """The most bytes any endpoint takes in a body (the web server refuses more at once)."""
    return max(settings.max_body_bytes, *LARGER_BODIES.values())


def register_api(app: Flask) -> None:
    from app.about import version

    app.config.update(
        API_TITLE="Mercator",
        API_VERSION=version(),
        OPENAPI_VERSION="3.1.0",
        OPENAPI_URL_PREFIX=API_PREFIX,
        OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="docs",
        OPENAPI_SWAGGER_UI_URL=f"{API_PREFIX}/docs/assets/",
        API_SPEC_OPTIONS={
            "info": {
                "description": "Microservice catalog and dependency analysis: register "
                "component versions, record deployments, ask for bills of materials, blast "
                "radius, differences and inventory. Writes need an API token "
                "(`Authorization: Bearer mrc_...`) with the scope each operation names; "
                "reads are open unless the service is configured otherwise.",
                "contact": {"name": "The Mercator project"},
            },
            # Relative: the document describes the server that serves it, wherever that is.
            "servers": [{"url": "/", "description": "The server this document came from"}],
            **auth.document_closed_reads(app.extensions[SETTINGS_KEY]),
        },
    )
    api = errors.MercatorApi(app, spec_kwargs={"extra_plugins": [openapi.CommonResponses()]})
    api.ma_plugin.converter.add_attribute_function(openapi.nullable_enum)
    auth.register(app, api, API_PREFIX)
    # Documents the API takes and gives whole (SBOMs, kubectl's JSON, CDEvents).
    for name, schema in {**packages.SCHEMAS, **environments.SCHEMAS, **events.SCHEMAS}.items():
        api.spec.components.schema(name, schema)
    for blueprint in (
        health.blp,
        teams.blp,
        components.blp,
        applications.blp,
        environments.blp,
        deployments.blp,
        deployments.promotions,
        events.blp,
        reports.blp,
        packages.blp,
        tokens.blp,
        search.blp,
        vulns.blp,
        backstage.blp,
    ):
        api.register_blueprint(blueprint)
    path_names.register(app, API_PREFIX)
    _limit_bodies(app)
    _require_json_bodies(app)
    body_guard.register(app)

    @app.route(f"{API_PREFIX}/docs/assets/<path:filename>")
    def swagger_assets(filename: str):
        return send_from_directory(SWAGGER_ASSETS, filename)

    errors.register(app)


def _limit_bodies(app: Flask) -> None:
    """Every body is bounded (413 beyond): by its endpoint's own limit or
    MERCATOR_MAX_BODY_BYTES, on every method and however it is framed: a GET or DELETE
    that ignores its body is refused a body over the limit like a POST (one rule for a
    Content-Length and for a chunked body). A Content-Length over the limit is refused
    before a byte is read. A chunked body has no Content-Length to check up front, and
    reading one stops quietly at the limit; so it is read here, and any byte left over
    makes the 413, rather than a truncated body reading as invalid JSON. The token was
    checked before (`auth`), so an anonymous caller's body is never read."""

    @app.before_request
    def bound_body():
        limit = LARGER_BODIES.get(request.endpoint)
        if limit is not None:
            request.max_content_length = limit
        allowed = request.max_content_length
        if allowed is not None and (request.content_length or 0) > allowed:
            raise RequestEntityTooLarge(
                f"the body is {request.content_length} bytes, more than the {allowed} "
                "this endpoint takes"
            )
        streamed = request.content_length is None and request.headers.get("Transfer-Encoding")
        if streamed and len(request.get_data(cache=True)) >= (request.max_content_length or 0) > 0:
            request.stream.read(1)  # raises RequestEntityTooLarge when more is waiting
        return None


def _require_json_bodies(app: Flask) -> None:
    """Writes take JSON: another content type is a 415, before any parsing."""

    @app.before_request
    def refuse_non_json():
        if request.method in {"POST", "PUT", "PATCH"} and request.path.startswith(API_PREFIX):
            has_body = request.content_length or request.headers.get("Transfer-Encoding")
            if has_body and not request.is_json:
                return errors.error_response(
                    415,
                    "unsupported_media_type",
                    f"send JSON (Content-Type: application/json), not {request.mimetype!r}",
                )
        return None
