"""The HTTP API: flask-smorest blueprints under /api/v1, documented by OpenAPI 3."""

from __future__ import annotations

from pathlib import Path

import flask_swagger_ui
from flask import Flask, send_from_directory

from app.api import errors, health

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
    api.register_blueprint(health.blp)

    @app.route(f"{API_PREFIX}/docs/assets/<path:filename>")
    def swagger_assets(filename: str):
        return send_from_directory(SWAGGER_ASSETS, filename)

    errors.register(app)
