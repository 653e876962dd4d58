"""Mercator: a microservice catalog and dependency-analysis service on Neo4j."""

from __future__ import annotations

import atexit
import logging

from flask import Flask

from app.config import Settings

#: Where create_app keeps the process's deployment workers (a WorkerPool), if any.
WORKERS_KEY = "mercator.workers"

log = logging.getLogger(__name__)


def create_app(config: Settings | None = None) -> Flask:
    """Build the Flask app: one Neo4j driver per process, the API blueprints, one error shape,
    and the web catalog's pages at `/`.

    `config` defaults to `Settings.from_env()`. The schema is applied here when Neo4j is
    reachable; when it is not, the app starts anyway and `/readyz` answers 503 until it is.
    """
    from app.admin import database
    from app.api import register_api
    from app.errors import Unavailable
    from app.graph import Graph
    from app.http.context import GRAPH_KEY, SETTINGS_KEY
    from app.web import register_web

    settings = config or Settings.from_env()
    flask_app = Flask(__name__)
    flask_app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes
    graph = Graph.from_settings(settings)
    flask_app.extensions[SETTINGS_KEY] = settings
    flask_app.extensions[GRAPH_KEY] = graph
    atexit.register(graph.close)
    register_api(flask_app)
    register_web(flask_app)
    if settings.apply_schema_on_start:
        try:
            database.init_schema(graph)
        except Unavailable as exc:
            log.warning("schema not applied at start (%s); /readyz will retry", exc.message)
    if settings.worker_threads > 0:
        from app.deploy.worker import WorkerPool

        pool = WorkerPool(graph, settings.worker_threads, settings.worker_settings()).start()
        flask_app.extensions[WORKERS_KEY] = pool
        atexit.register(pool.stop, 10)
    return flask_app
