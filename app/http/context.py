"""Per-process objects the blueprints need, kept on the Flask app."""

from __future__ import annotations

from flask import current_app

from app.config import Settings
from app.graph import Graph

GRAPH_KEY = "mercator.graph"
SETTINGS_KEY = "mercator.settings"
#: Where an error page renderer ``(status, code, message) -> HTML`` is kept on the app:
#: the web catalog sets one so people's browsers get a page instead of the JSON error.
ERROR_PAGE_KEY = "mercator.error_page"


def graph() -> Graph:
    """The process's one Graph (one Neo4j driver per process)."""
    return current_app.extensions[GRAPH_KEY]


def settings() -> Settings:
    return current_app.extensions[SETTINGS_KEY]
