"""The HTTP API: flask-smorest blueprints under /api/v1, documented by OpenAPI 3."""

from __future__ import annotations

from pathlib import Path

import flask_swagger_ui
from flask import Flask, request, send_from_directory

from app.api import (
    applications,
    components,
    deployments,
    environments,
    errors,
    health,
    packages,
    reports,
    search,
    teams,
)

API_PREFIX = "/api/v1"
#: Swagger UI's files ship inside the flask-swagger-ui wheel; served from here, not a CDN.
SWAGGER_ASSETS = Path(flask_swagger_ui.__file__).parent / "dist"


def register_api(app: Flask) -> None:
    from app import version

    app.config.update(
        API_TITLE="Mercator",
        API_VERSION=version(),
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX=API_PREFIX,
        OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="docs",
        OPENAPI_SWAGGER_UI_URL=f"{API_PREFIX}/docs/assets/",
        API_SPEC_OPTIONS={
            "info": {
                "description": "Microservice catalog and dependency analysis: register "
                "component versions, record deployments, ask for bills of materials, blast "
                "radius, differences and inventory.",
            },
        },
    )
    api = errors.MercatorApi(app)
    for blueprint in (
        health.blp,
        teams.blp,
        components.blp,
        applications.blp,
        environments.blp,
        deployments.blp,
        reports.blp,
        packages.blp,
        search.blp,
    ):
        api.register_blueprint(blueprint)
    _require_json_bodies(app)

    @app.route(f"{API_PREFIX}/docs/assets/<path:filename>")
    def swagger_assets(filename: str):
        return send_from_directory(SWAGGER_ASSETS, filename)

    errors.register(app)


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
