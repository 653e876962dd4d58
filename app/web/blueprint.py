"""The web catalog's blueprint, and what every page shares: the read guard, the map
script's presence, the time filter."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, request, url_for

from app.errors import Forbidden
from app.http.context import settings

STATIC = Path(__file__).resolve().parent / "static"
#: The map library and its layered layout, built by `make install`; pages say how to build
#: them when one is missing.
MAP_SCRIPTS = tuple(
    STATIC / "vendor" / name for name in ("cytoscape.min.js", "dagre.min.js", "cytoscape-dagre.js")
)

bp = Blueprint(
    "web",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/assets",
)


@bp.before_request
def _open_only_when_reads_are():
    """Pages carry no token, so while reads need one (MERCATOR_READS_NEED_TOKEN) the
    catalog for people is closed rather than an open back door to what the API guards."""
    if settings().reads_need_token:
        raise Forbidden(
            "the web catalog is off: this Mercator needs a token for reads; "
            "use the API with a token (see /api/v1/docs)"
        )


@bp.app_context_processor
def _map_script():
    return {"map_script_built": all(script.is_file() for script in MAP_SCRIPTS)}


@bp.app_template_filter("when")
def when(text: str | None) -> str:
    """An ISO 8601 time as people read it: `2026-10-10 09:30` (UTC, to the minute)."""
    if not text:
        return ""
    return str(text).replace("T", " ")[:16]


@bp.app_template_global()
def args_without(*names: str) -> dict[str, str]:
    """This page's path and query arguments but `names`, for links to the same page with
    one filter or the page offset changed (the pager, the "now" link)."""
    kept = {key: value for key, value in request.args.items() if key not in names and value}
    return {**(request.view_args or {}), **kept}


@bp.app_template_global()
def url_here(**changes: object) -> str:
    """This page with some query arguments changed (a pager among several on one page)."""
    return url_for(request.endpoint, **{**args_without(*changes), **changes})
