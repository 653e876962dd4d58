"""Maps: what they hold, and that DOT, Mermaid and SVG renderings are well formed."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from click.testing import CliRunner

from app.cli import cli
from tests.catalog import deploy, put_environment, register
from tests.test_http_basics import assert_error_shape


@pytest.fixture
def diamond(client):
    put_environment(client, "prod", stage="prod")
    register(client, "base", "1.0.0", kind="library")
    register(
        client,
        "left",
        "1.0.0",
        dependencies=[{"component": "base", "range": "^1.0.0"}],
        applications=["shop"],
    )
    register(client, "right", "1.0.0", dependencies=[{"component": "base"}], applications=["shop"])
    register(
        client,
        "top",
        "1.0.0",
        applications=["shop"],
        dependencies=[{"component": "left"}, {"component": "right"}],
    )
    deploy(
        client,
        environment="prod",
        status="succeeded",
        components=[{"component": "top", "version": "1.0.0"}],
    )
    return client


def _edges(graph_map):
    return {(e["source"], e["target"]) for e in graph_map["edges"]}


def test_blast_radius_map_highlights_the_paths_from_the_change(diamond):
    graph_map = diamond.get("/api/v1/components/base/blast-radius/map?version=1.0.0").get_json()
    assert {n["id"] for n in graph_map["nodes"]} == {"base", "left", "right", "top", "env:prod"}
    highlighted = {(e["source"], e["target"]) for e in graph_map["edges"] if e["highlight"]}
    assert {("left", "base"), ("right", "base")} <= highlighted
    assert highlighted & {("top", "left"), ("top", "right")}
    assert ("env:prod", "top") in _edges(graph_map)
    (changed,) = [n for n in graph_map["nodes"] if n["highlight"]]
    assert changed["label"] == "base 1.0.0"


def test_application_and_component_maps(diamond):
    app_map = diamond.get("/api/v1/applications/shop/versions/1.0.2/map").get_json()
    assert _edges(app_map) == {
        ("left", "base"),
        ("right", "base"),
        ("top", "left"),
        ("top", "right"),
    }
    assert {n["id"]: n["member"] for n in app_map["nodes"]} == {
        "left": True,
        "right": True,
        "top": True,
        "base": False,
    }
    around = diamond.get("/api/v1/components/left/map?depth=1").get_json()
    assert _edges(around) == {("left", "base"), ("top", "left")}


@pytest.mark.parametrize(
    ("fmt", "media", "start"),
    [
        ("dot", "text/vnd.graphviz", "digraph"),
        ("mermaid", "text/plain", "graph LR"),
        ("svg", "image/svg+xml", "<?xml"),
    ],
)
def test_text_renderings(diamond, fmt, media, start):
    response = diamond.get(f"/api/v1/components/base/blast-radius/map?format={fmt}")
    assert response.status_code == 200 and response.mimetype == media
    text = response.get_data(as_text=True)
    assert text.startswith(start)
    for name in ("base", "left", "right", "top"):
        assert name in text


def test_dot_is_accepted_by_graphviz(diamond):
    dot = diamond.get("/api/v1/applications/shop/versions/1.0.2/map?format=dot").get_data(
        as_text=True
    )
    done = subprocess.run(
        [shutil.which("dot"), "-Tplain"], input=dot, capture_output=True, text=True, check=True
    )
    nodes = {
        line.split()[1].strip('"') for line in done.stdout.splitlines() if line.startswith("node ")
    }
    assert nodes == {"base", "left", "right", "top"}


def test_drawn_maps_show_environments_as_badges_not_as_nodes_with_crossing_edges(diamond):
    """DOT, SVG and Mermaid fold the environments into the nodes they run, as the web
    page does: on a hub's map each environment's edges to what it runs crossed every
    layer (1,500 of them)."""
    dot = diamond.get("/api/v1/components/base/blast-radius/map?format=dot").get_data(as_text=True)
    done = subprocess.run(
        [shutil.which("dot"), "-Tplain"], input=dot, capture_output=True, text=True, check=True
    )
    nodes = [line.split() for line in done.stdout.splitlines() if line.startswith("node ")]
    assert {node[1].strip('"') for node in nodes} == {"base", "left", "right", "top"}
    assert '"top" [label="top (1.0.0)\\n▣ prod 1.0.0"' in dot
    mermaid = diamond.get("/api/v1/components/base/blast-radius/map?format=mermaid").get_data(
        as_text=True
    )
    assert "top (1.0.0)<br/>▣ prod 1.0.0" in mermaid and "env:" not in mermaid


def test_mermaid_declares_every_node_and_edge(diamond):
    text = diamond.get("/api/v1/applications/shop/versions/1.0.2/map?format=mermaid").get_data(
        as_text=True
    )
    lines = text.splitlines()
    assert sum(1 for line in lines if '["' in line) == 4
    assert sum(1 for line in lines if "-->" in line) == 4
    assert '-->|"^1.0.0"|' in text


def test_map_errors(diamond):
    assert_error_shape(diamond.get("/api/v1/components/nope/map"), 404, "not_found")
    assert_error_shape(diamond.get("/api/v1/components/base/map?depth=9"), 400, "invalid")
    assert_error_shape(diamond.get("/api/v1/components/base/map?format=gif"), 400, "invalid")


def test_cli_draws_maps(diamond, settings):
    env = {
        "MERCATOR_NEO4J_URI": settings.neo4j_uri,
        "MERCATOR_NEO4J_PASSWORD": settings.neo4j_password,
    }
    result = CliRunner().invoke(
        cli, ["report", "map", "blast-radius", "base", "-o", "mermaid"], env=env
    )
    assert result.exit_code == 0 and result.stdout.startswith("graph LR")
    result = CliRunner().invoke(cli, ["report", "map", "app", "shop", "1.0.2"], env=env)
    assert result.exit_code == 0 and '"top" -> "left"' in result.stdout


def test_blast_radius_map_of_a_limited_radius_has_no_edge_to_a_missing_node(graph):
    from app.admin import demo
    from app.cli.catalogs import LocalCatalog
    from app.reports import maps, reports

    demo.load(LocalCatalog(graph))
    radius = reports.blast_radius(graph, "payment", limit=1)  # checkout only; frontend cut
    graph_map = maps.map_of_blast_radius(graph, radius)
    ids = {n["id"] for n in graph_map["nodes"]}
    assert "frontend" not in ids and "checkout" in ids
    kinds = {n["id"]: n["kind"] for n in graph_map["nodes"]}
    assert kinds["checkout"] == "service" and kinds["env:prod"] == "environment"
    for edge in graph_map["edges"]:
        assert edge["source"] in ids and edge["target"] in ids, edge


def test_the_blast_radius_svg_looks_for_no_applications_and_draws_the_same_map(graph):
    """The SVG route (app/web/maps.py) asks for the blast radius without its applications
    (on a hub they are a fifth of the work): its map must be the map of the full answer."""
    from app.admin import demo
    from app.cli.catalogs import LocalCatalog
    from app.reports import maps, reports

    demo.load(LocalCatalog(graph))
    full = reports.blast_radius(graph, "payment")
    bare = reports.blast_radius(graph, "payment", applications=False)
    assert full["application_count"] > 0 and full["applications"]
    assert bare["application_count"] is None and bare["applications_truncated"] is None
    assert bare["applications"] == []
    assert (bare["consumer_count"], bare["consumers"], bare["environments"]) == (
        full["consumer_count"],
        full["consumers"],
        full["environments"],
    )
    owners = {owned: team["team"] for team in full["teams"] for owned in team["owns"]}
    assert bare["teams"] and all(
        owners[owned] == team["team"] for team in bare["teams"] for owned in team["owns"]
    )
    assert maps.map_of_blast_radius(graph, bare) == maps.map_of_blast_radius(graph, full)


def test_the_map_shows_where_its_nearest_consumers_run_past_fifty_farther_by_name(client):
    """Each environment lists the affected versions it runs among those the answer lists
    (the changed component's, then the page of consumers, nearest first), so the map's
    nodes show where they run: the direct consumer's environment is drawn even when more
    than 50 farther consumers sort before it by name."""
    put_environment(client, "prod", stage="prod")
    register(client, "hub", "1.0.0", kind="library")
    register(client, "z-direct", "1.0.0", dependencies=[{"component": "hub"}])
    far = [f"a-{i:02}" for i in range(55)]
    for name in far:
        register(client, name, "1.0.0", dependencies=[{"component": "z-direct"}])
    deploy(
        client,
        environment="prod",
        status="succeeded",
        components=[{"component": c, "version": "1.0.0"} for c in ["hub", "z-direct", *far]],
    )
    radius = client.get("/api/v1/components/hub/blast-radius").get_json()
    (prod,) = radius["environments"]
    assert prod["affected"] == 57 and prod["truncated"]
    assert [r["component"] for r in prod["running"]] == ["hub", "z-direct", *far[:48]]
    graph_map = client.get("/api/v1/components/hub/blast-radius/map").get_json()
    assert ("env:prod", "z-direct") in _edges(graph_map)
