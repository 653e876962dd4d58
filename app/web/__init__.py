"""The web catalog: pages for people at `/`, rendered on the server from the same services
the API calls (never through the API, never the graph directly). Plain HTML and CSS; the
only script draws the interactive maps with Cytoscape.js, which `make install` fetches
from the npm registry into `static/vendor/` (see web/package.json)."""

from __future__ import annotations

from flask import Flask


def register_web(app: Flask) -> None:
    """Serve the catalog's pages at `/` and HTML error pages for every non-API path."""
    from app.web import errors, maps, pages, release  # noqa: F401  (their routes join `bp`)
    from app.web.blueprint import bp

    app.register_blueprint(bp)
    errors.register(app)
