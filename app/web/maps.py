"""Maps as files to download: the server draws SVG with Graphviz (the same rendering as
the API's `format=svg`); PNG is exported by the browser from the interactive map."""

from __future__ import annotations

from flask import Response, request

from app.http.context import graph
from app.reports import maps, reports
from app.web.blueprint import bp

#: Components needing it that a component's map draws (the nearest): the page's map and
#: its SVG draw the same.
COMPONENT_MAP_SHOWN = 200
#: Consumers (nearest first) a blast radius page lists and maps, a page at a time (the
#: query counts them all), and its SVG draws the same page. A hub's blast radius runs to
#: tens of thousands of consumer versions: listing them all would make a page of
#: megabytes and a map nobody can read.
CONSUMERS_SHOWN = 200


@bp.get("/components/<name>/map.svg")
def component_map_svg(name: str):
    depth = request.args.get("depth", 1, type=int)
    return _svg(
        maps.component_map(graph(), name, depth=depth, limit=COMPONENT_MAP_SHOWN), f"{name}-map"
    )


@bp.get("/components/<name>/blast-radius.svg")
def blast_radius_svg(name: str):
    version = request.args.get("version") or None
    depth = request.args.get("depth", reports.DEFAULT_DEPTH, type=int)
    suffix = f"-{version}" if version else ""
    g = graph()
    radius = reports.blast_radius(
        g,
        name,
        version,
        depth,
        limit=CONSUMERS_SHOWN,
        offset=request.args.get("offset", 0, type=int),
        applications=False,  # the map draws none: not looked for
    )
    return _svg(maps.map_of_blast_radius(g, radius), f"{name}{suffix}-blast-radius")


@bp.get("/applications/<name>/versions/<version>/map.svg")
def application_map_svg(name: str, version: str):
    return _svg(maps.application_version_map(graph(), name, version), f"{name}-{version}-map")


def _svg(graph_map: maps.Map, filename: str) -> Response:
    return Response(
        maps.to_svg(graph_map),
        mimetype="image/svg+xml",
        headers={"Content-Disposition": f'attachment; filename="{filename}.svg"'},
    )
