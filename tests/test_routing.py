"""A `neo4j://` routing URI works like `bolt://`, so a cluster or Aura can replace the server."""

from __future__ import annotations

from dataclasses import replace

from app import create_app


def test_routing_uri_serves_reads_and_writes(settings, graph):
    routed_uri = settings.neo4j_uri.replace("bolt://", "neo4j://")
    routed = replace(settings, neo4j_uri=routed_uri)
    flask_app = create_app(routed)
    try:
        response = flask_app.test_client().get("/readyz")
        assert response.status_code == 200, response.get_json()
    finally:
        flask_app.extensions["mercator.graph"].close()
