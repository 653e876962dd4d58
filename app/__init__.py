"""Mercator: a microservice catalog and dependency-analysis service on Neo4j."""

from __future__ import annotations

import atexit
import os
from typing import TYPE_CHECKING

from flask import Flask

from app.config import Settings

if TYPE_CHECKING:  # opentelemetry is imported only when an app is built
    from opentelemetry.trace import Tracer


def create_app(config: Settings | None = None, tracer: Tracer | None = None) -> Flask:
    """Build the Flask app: one Neo4j driver per process, the API blueprints, one error shape,
    the web catalog's pages at `/`, and what watches it all: /metrics, the log lines (in
    MERCATOR_LOG_FORMAT) and, when OTEL_* variables ask for them or `tracer` is given,
    trace spans.

    `config` defaults to `Settings.from_env()`. Building the app only wires it: nothing is
    written to Neo4j (not even asked: the driver connects on first use) and nothing is
    started. The schema is applied by `mercator db init` and `mercator serve`; deployments
    are run by `mercator worker` processes, never by the web server's.
    """
    from app.api import register_api
    from app.graph import Graph
    from app.http.context import GRAPH_KEY, SETTINGS_KEY
    from app.http.json import JSONProvider
    from app.observability import logs, traces
    from app.observability.flask_hooks import instrument
    from app.web import register_web

    settings = config or Settings.from_env()
    logs.configure(settings.log_format, settings.log_level)
    flask_app = Flask(__name__)
    flask_app.json = JSONProvider(flask_app)
    flask_app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes
    graph = Graph.from_settings(settings)
    flask_app.extensions[SETTINGS_KEY] = settings
    flask_app.extensions[GRAPH_KEY] = graph
    atexit.register(graph.close)  # closes the driver's connections; starts nothing
    # First, so that the request id exists before any other hook can answer an error.
    instrument(flask_app, graph, tracer or traces.tracer_from_env(os.environ))
    register_api(flask_app)
    register_web(flask_app)
    return flask_app
