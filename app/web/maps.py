"""Maps as files to download: the server draws SVG with Graphviz (the same rendering as
the API's `format=svg`); PNG is exported by the browser from the interactive map."""

from __future__ import annotations

from flask import Response, request

from app.http.context import graph
from app.reports import maps, reports
from app.web.blueprint import bp


@bp.get("/components/<name>/map.svg")
def component_map_svg(name: str):
    depth = request.args.get("depth", 1, type=int)
    return _svg(maps.component_map(graph(), name, depth=depth), f"{name}-map")


@bp.get("/components/<name>/blast-radius.svg")
def blast_radius_svg(name: str):
    version = request.args.get("version") or None
    depth = request.args.get("depth", reports.DEFAULT_DEPTH, type=int)
    suffix = f"-{version}" if version else ""
    return _svg(
        maps.blast_radius_map(graph(), name, version, depth), f"{name}{suffix}-blast-radius"
    )


@bp.get("/applications/<name>/versions/<version>/map.svg")
def application_map_svg(name: str, version: str):
    return _svg(maps.application_version_map(graph(), name, version), f"{name}-{version}-map")


def _svg(graph_map: maps.Map, filename: str) -> Response:
    return Response(
        maps.to_svg(graph_map),
        mimetype="image/svg+xml",
        headers={"Content-Disposition": f'attachment; filename="{filename}.svg"'},
    )
