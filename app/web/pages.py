"""The catalog's pages: each route asks the services (as the API does) and renders one
template. Reading only — registering and deploying stay with pipelines and the API."""

from __future__ import annotations

import os

from flask import redirect, render_template, request, url_for

from app.catalog import applications, components, environments, search, teams
from app.core import times
from app.deploy import deployments, drift
from app.errors import Invalid
from app.graph import Graph
from app.http.context import graph
from app.reports import maps, reports, whereabouts
from app.sbom import packages
from app.vulns import vulnerabilities
from app.web.blueprint import bp
from app.web.maps import COMPONENT_MAP_SHOWN, CONSUMERS_SHOWN

#: Rows in the lists of the home page and the list pages.
PAGE = 50
#: Deployments and registrations on the home page.
RECENT = 8
#: Versions offered in the "compare" forms.
MAX_CHOICES = 500
#: Exposure rows on an environment's page (the worst).
EXPOSURE_ROWS = 100
#: Components a component's page lists as using it, a page at a time (a hub's are
#: hundreds).
CONSUMERS_LISTED = 50
#: Periods of each environment's history a component's page lists, a page at a time (a
#: component deployed hundreds of times made a page of hundreds of kilobytes).
HISTORY_LISTED = 5


@bp.get("/")
def index():
    g = graph()
    return render_template(
        "index.html",
        components=components.list_components(g, limit=PAGE),
        applications=applications.list_applications(g, limit=PAGE),
        environments=environments.list_environments(g, limit=PAGE),
        teams=teams.list_teams(g, limit=PAGE),
        recent_deployments=deployments.list_deployments(g, limit=RECENT)["items"],
        recent_versions=components.recent_versions(g, limit=RECENT),
    )


@bp.get("/search")
def search_page():
    text = request.args.get("q", "").strip()
    if not text:
        return redirect(url_for("web.index"))
    return render_template("search.html", found=search.by_name(graph(), text))


def _list_page(kind: str, list_them) -> str:
    """A page of `kind` by name, filtered by the `prefix` the list's form sends."""
    found = list_them(
        graph(), prefix=request.args.get("prefix") or None, offset=int_arg("offset", 0), limit=PAGE
    )
    return render_template("list.html", kind=kind, page=found)


@bp.get("/components")
def component_list():
    return _list_page("components", components.list_components)


@bp.get("/components/<name>")
def component_page(name: str):
    g = graph()
    component = components.get(g, name)
    selected = request.args.get("version") or component["latest_version"]
    neighbourhood = maps.component_map(
        g, name, depth=int_arg("depth", 1), limit=COMPONENT_MAP_SHOWN
    )
    return render_template(
        "component.html",
        component=component,
        owner=teams.get(g, component["owner"]) if component["owner"] else None,
        versions=components.list_versions(g, name, offset=int_arg("offset", 0), limit=PAGE),
        selected=selected,
        bom=reports.bom_component_version(g, name, selected) if selected else None,
        whereabouts=reports.where_runs(
            g, name, offset=int_arg("history_offset", 0), limit=HISTORY_LISTED
        ),
        exposure=vulnerabilities.component_exposure(
            g, name, selected, limit=EXPOSURE_ROWS, all=request.args.get("vex") == "all"
        )
        if selected
        else None,
        consumers=components.consumers(
            g, name, offset=int_arg("consumer_offset", 0), limit=CONSUMERS_LISTED
        ),
        graph_map=_linked(neighbourhood),
        map_shown=COMPONENT_MAP_SHOWN,
    )


#: Application versions a blast radius page lists, a page at a time (the query counts
#: them all); its consumers: `CONSUMERS_SHOWN`.
APPLICATIONS_SHOWN = 50


@bp.get("/components/<name>/blast-radius")
def blast_radius_page(name: str):
    version = request.args.get("version") or None
    depth = int_arg("depth", reports.DEFAULT_DEPTH)
    g = graph()
    offset, application_offset = int_arg("offset", 0), int_arg("application_offset", 0)
    radius = reports.blast_radius(
        g,
        name,
        version,
        depth,
        limit=CONSUMERS_SHOWN,
        offset=offset,
        application_limit=APPLICATIONS_SHOWN,
        application_offset=application_offset,
    )
    return render_template(
        "blast_radius.html",
        radius=radius,
        graph_map=_linked(maps.map_of_blast_radius(g, radius)),
        depths=range(1, reports.MAX_DEPTH + 1),
        consumers_page=_page(offset, CONSUMERS_SHOWN, radius["consumer_count"]),
        applications_page=_page(
            application_offset, APPLICATIONS_SHOWN, radius["application_count"]
        ),
    )


def _page(offset: int, limit: int, count: int) -> dict:
    """The pager's view of a slice of `count` things: where it starts, and the next one."""
    return {
        "offset": offset,
        "limit": limit,
        "next_offset": offset + limit if offset + limit < count else None,
    }


@bp.get("/applications")
def application_list():
    return _list_page("applications", applications.list_applications)


@bp.get("/applications/<name>")
def application_page(name: str):
    g = graph()
    return render_template(
        "application.html",
        application=applications.get(g, name),
        versions=applications.list_versions(g, name, offset=int_arg("offset", 0), limit=PAGE),
    )


@bp.get("/applications/<name>/versions/<version>")
def application_version_page(name: str, version: str):
    g = graph()
    current = applications.get_version(g, name, version)
    previous = current["previous"]
    compare_from = request.args.get("from") or None
    compare_to = request.args.get("to") or version
    predecessor_diff = (
        reports.diff_application_versions(g, name, previous, version) if previous else None
    )
    if compare_from == previous and compare_to == version:
        comparison = predecessor_diff  # the form's default pair: already computed
    elif compare_from:
        comparison = reports.diff_application_versions(g, name, compare_from, compare_to)
    else:
        comparison = None
    return render_template(
        "application_version.html",
        application=applications.get(g, name),
        current=current,
        bom=reports.bom_application_version(g, name, version),
        whereabouts=whereabouts.application_version(g, name, version),
        graph_map=_linked(maps.application_version_map(g, name, version)),
        predecessor_diff=predecessor_diff,
        choices=[
            v["version"] for v in applications.list_versions(g, name, limit=MAX_CHOICES)["items"]
        ],
        compare_from=compare_from,
        compare_to=compare_to,
        comparison=comparison,
        exposure=vulnerabilities.application_exposure(
            g, name, version, limit=EXPOSURE_ROWS, all=request.args.get("vex") == "all"
        ),
    )


@bp.get("/environments")
def environment_list():
    return _list_page("environments", environments.list_environments)


#: Inventory rows an environment's page lists, a page at a time: a large environment runs
#: thousands of components, and all of them made a page of megabytes that took seconds to
#: render (4,200 rows, 2.3 MB on the large benchmark catalog).
INVENTORY_SHOWN = 200


@bp.get("/environments/<name>")
def environment_page(name: str):
    g = graph()
    at = request.args.get("at") or None
    other = request.args.get("compare") or None
    environment = environments.get(g, name, running=False)  # the inventory lists it
    offset = max(0, int_arg("offset", 0))
    inventory = reports.inventory(g, name, utc(at), offset=offset, limit=INVENTORY_SHOWN)
    return render_template(
        "environment.html",
        environment=environment,
        at=at,
        inventory=inventory,
        running=inventory["running"],
        inventory_page=_page(offset, INVENTORY_SHOWN, inventory["running_count"]),
        deployments=deployments.list_deployments(g, environment=name, limit=10)["items"],
        others=[
            e["name"]
            for e in environments.list_environments(g, limit=MAX_CHOICES)["items"]
            if e["name"] != name
        ],
        other=other,
        comparison=reports.diff_environments(g, name, other) if other else None,
        # A gitops environment's page reads its repository: the drift is what its
        # release manager looks at first.
        drift=drift.drift(g, name, dict(os.environ)) if environment["engine"] == "gitops" else None,
        exposure=None
        if at
        else vulnerabilities.exposure(
            g, name, limit=EXPOSURE_ROWS, all=request.args.get("vex") == "all"
        ),
    )


@bp.get("/vulnerabilities/<vulnerability>")
def vulnerability_page(vulnerability: str):
    """One vulnerability: what its records say, where it runs now and since when, whom to
    call, its exposure windows, and the VEX statements made about it."""
    g = graph()
    windows = vulnerabilities.windows(g, vulnerability)
    return render_template(
        "vulnerability.html",
        query=vulnerability,
        detail=vulnerabilities.show(g, vulnerability),
        windows=windows,
    )


@bp.get("/teams")
def team_list():
    return _list_page("teams", teams.list_teams)


@bp.get("/teams/<name>")
def team_page(name: str):
    """A team: its contacts, what it owns, and the open vulnerabilities its components run
    in every environment (whom the pager calls is this team)."""
    g = graph()
    return render_template(
        "team.html",
        team=teams.get(g, name),
        exposure=vulnerabilities.team_exposure(
            g, name, limit=EXPOSURE_ROWS, all=request.args.get("vex") == "all"
        ),
    )


@bp.get("/packages")
def package_list():
    """Every package the SBOMs brought, or those called `name` (within a version range:
    "log4j-core", "<2.17.1") and what contains them."""
    name = request.args.get("name", "").strip()
    if not name:
        found = packages.list_packages(
            graph(),
            prefix=request.args.get("prefix") or None,
            offset=int_arg("offset", 0),
            limit=PAGE,
        )
        return render_template("packages.html", page=found)
    g = graph()
    radius = packages.blast_radius(g, name=name, version_range=request.args.get("range") or None)
    return _package_page(g, radius, name)


@bp.get("/packages/<path:purl>")
def package_page(purl: str):
    g = graph()
    return _package_page(g, packages.blast_radius(g, purl=purl), purl)


def _package_page(g: Graph, radius: dict, title: str) -> str:
    return render_template(
        "package.html", radius=radius, title=title, details=packages.details(g, radius["packages"])
    )


def _linked(graph_map: maps.Map) -> maps.Map:
    """The map as the page draws it: each node with its page, for the interactive map to
    open on click, and environments folded into badges on the nodes they run (`badges`:
    [{environment, version}], `maps.folded`)."""
    graph_map["nodes"], graph_map["edges"], badges = maps.folded(graph_map)
    for node in graph_map["nodes"]:
        node["url"] = url_for("web.component_page", name=node["id"])
        node["badges"] = badges.get(node["id"], [])
    return graph_map


def int_arg(name: str, default: int) -> int:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise Invalid(f"{name} must be a whole number", {name: [raw]}) from None


def utc(at: str | None) -> str | None:
    """A time from the page's date-time field, which has no zone: read as UTC."""
    if at is None or times.parse(at) is not None:
        return at
    return f"{at}Z" if at.count(":") >= 2 else f"{at}:00Z"
