"""Maps for people to look at: dependency maps and the blast-radius map.

A map is nodes and edges (JSON), and renders as Graphviz DOT, Mermaid, or SVG (through
Graphviz's `dot`, where it is installed). Edges point from the component that depends to
the one it depends on; the changed component of a blast radius is highlighted, and so
are the edges of each consumer's path to it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from typing import Any

from app.catalog import components, suggest
from app.errors import Invalid, NotFound
from app.graph import Graph
from app.reports import reports

FORMATS = ("json", "dot", "mermaid", "svg")
MAX_MAP_DEPTH = 5

#: Fill colours by component kind, shared by DOT and Mermaid (environments are badges).
COLOURS = {
    "service": "#dbeafe",
    "database": "#fde68a",
    "config": "#e9d5ff",
    "library": "#d1fae5",
    "binary": "#fecaca",
    "infrastructure": "#e5e7eb",
    "job": "#fbcfe8",
    None: "#f3f4f6",
}
HIGHLIGHT = "#f97316"

Map = dict[str, Any]


def application_version_map(graph: Graph, application: str, version: str) -> Map:
    """The application version's components and their dependencies (outside ones dimmed)."""
    rows = graph.read("reports/map_application_version", application=application, version=version)
    if not rows:
        raise NotFound(
            f"no version {version!r} of application {application!r}",
            {"application": application, "version": version},
        )
    return _sorted({"title": f"{application} {version}", **rows[0]})


def component_map(graph: Graph, component: str, depth: int = 2, limit: int | None = None) -> Map:
    """What the component needs and what needs it, by each component's latest version.
    With a `limit`, only the nearest `limit` components that need it are drawn (a hub's
    are thousands, a map nobody can read), and the map says how many there are
    (`needing_count`)."""
    if not 1 <= depth <= MAX_MAP_DEPTH:
        raise Invalid(
            f"depth must be between 1 and {MAX_MAP_DEPTH}",
            {"depth": [f"must be between 1 and {MAX_MAP_DEPTH}"]},
        )
    rows = graph.read("reports/map_component", component=component, depth=depth, limit=limit)
    if not rows:
        raise suggest.not_found(graph, "component", component)
    found = rows[0]
    needing_count = found.pop("needing_count")
    for node in found["nodes"]:
        node["highlight"] = node["member"]
    drawn = _sorted({"title": f"around {component}", **found})
    if limit is not None:
        drawn["needing_count"] = needing_count
    return drawn


def blast_radius_map(
    graph: Graph, component: str, version: str | None = None, depth: int = reports.DEFAULT_DEPTH
) -> Map:
    """The blast radius as a map: consumers (one node per component, with the affected
    versions), the paths that reach them, and the environments running them now. A map
    draws no applications, so they are not looked for (on a hub, a fifth of the work)."""
    radius = reports.blast_radius(graph, component, version, depth, applications=False)
    return map_of_blast_radius(graph, radius)


def map_of_blast_radius(graph: Graph, radius: dict[str, Any]) -> Map:
    """The map of a blast radius already computed (`reports.blast_radius`), so a page that
    shows both computes it once. Nodes carry their kind, owner, distance from the change
    and the environments running them, for people to colour the map by."""
    component, version = radius["component"], radius["version"]
    changed = f"{component} {version}" if version else component
    owners = {owned: team["team"] for team in radius["teams"] for owned in team["owns"]}
    # The environments list which of the answer's versions (the changed one, then its page
    # of consumers) each runs: the map draws that page.
    places = [
        {"environment": place["environment"], **run}
        for place in radius["environments"]
        for run in place["running"]
    ]
    running: dict[str, list[str]] = {}
    for place in places:
        running.setdefault(place["component"], []).append(place["environment"])
    nodes = {
        component: {
            "id": component,
            "label": changed,
            "kind": None,  # filled in below
            "owner": owners.get(component),
            "member": True,
            "highlight": True,
            "distance": 0,
            "environments": sorted(set(running.get(component, []))),
        }
    }
    versions: dict[str, list[str]] = {}
    distances: dict[str, int] = {}
    edges: dict[tuple[str, str], dict[str, Any]] = {}
    for consumer in radius["consumers"]:
        versions.setdefault(consumer["component"], []).append(consumer["version"])
        distances.setdefault(consumer["component"], consumer["distance"])
        hops = [component] + [step.split("@")[0] for step in consumer["path"][1:]]
        for dependency, dependent in zip(hops, hops[1:], strict=False):
            edges[(dependent, dependency)] = {
                "source": dependent,
                "target": dependency,
                "range": None,
                "highlight": True,
            }
    for name, found in versions.items():
        nodes[name] = {
            "id": name,
            "label": f"{name} ({', '.join(found)})",
            "kind": None,
            "owner": owners.get(name),
            "member": False,
            "highlight": False,
            "distance": distances[name],
            "environments": sorted(set(running.get(name, []))),
        }
    for place in places:
        if place["component"] not in nodes:
            continue  # a consumer beyond the listed ones (`limit`): not on the map either
        env_id = f"env:{place['environment']}"
        nodes.setdefault(
            env_id,
            {
                "id": env_id,
                "label": place["environment"],
                "kind": "environment",
                "owner": None,
                "member": False,
                "highlight": False,
                "distance": None,
                "environments": [place["environment"]],
            },
        )
        edges[(env_id, place["component"])] = {
            "source": env_id,
            "target": place["component"],
            "range": f"runs {place['version']}",
            "highlight": False,
        }
    # A later page's consumers reach the change through nearer ones listed on earlier
    # pages: those are drawn too (plain), so that every path reaches the change and no
    # edge hangs loose.
    for name in sorted({end for pair in edges for end in pair} - nodes.keys()):
        nodes[name] = {
            "id": name,
            "label": name,
            "kind": None,
            "owner": owners.get(name),
            "member": False,
            "highlight": False,
            "distance": None,
            "environments": [],
        }
    kinds = components.kinds(graph, [n["id"] for n in nodes.values() if n["kind"] is None])
    for name, kind in kinds.items():
        nodes[name]["kind"] = kind
    return _sorted(
        {
            "title": f"blast radius of {changed}",
            "nodes": list(nodes.values()),
            "edges": list(edges.values()),
        }
    )


def render(graph_map: Map, fmt: str) -> str:
    """The map as text in `fmt` (json, dot, mermaid or svg)."""
    if fmt == "json":
        return json.dumps(graph_map, indent=2, sort_keys=True)
    if fmt == "dot":
        return to_dot(graph_map)
    if fmt == "mermaid":
        return to_mermaid(graph_map)
    if fmt == "svg":
        return to_svg(graph_map)
    raise Invalid(f"format must be one of {', '.join(FORMATS)}", {"format": [fmt]})


#: Environment badges per line of a node's label in DOT and Mermaid.
BADGES_PER_LINE = 3


def folded(graph_map: Map) -> tuple[list[dict], list[dict], dict[str, list[dict]]]:
    """The map's nodes and edges without its environments, and the environments as badges
    on the nodes they run ({environment, version}, by environment): how the web page and
    the DOT, Mermaid and SVG renderings draw them, rather than as nodes whose edges cross
    every layer (a hub's map had 1,500 of them)."""
    badges: dict[str, list[dict[str, str | None]]] = {}
    for edge in graph_map["edges"]:
        if edge["source"].startswith("env:"):
            running = (edge.get("range") or "").removeprefix("runs ").strip()
            badges.setdefault(edge["target"], []).append(
                {"environment": edge["source"][len("env:") :], "version": running or None}
            )
    for found in badges.values():
        found.sort(key=lambda b: b["environment"])
    nodes = [n for n in graph_map["nodes"] if not n["id"].startswith("env:")]
    edges = [e for e in graph_map["edges"] if not e["source"].startswith("env:")]
    return nodes, edges, badges


def _label_lines(node: dict, badges: list[dict]) -> list[str]:
    """A node's name, then its environments a few to a line (`▣ prod 1.2.0, staging 1.1.0`)."""
    texts = [
        f"{b['environment']} {b['version']}" if b["version"] else b["environment"] for b in badges
    ]
    return [node["label"]] + [
        "▣ " + ", ".join(texts[i : i + BADGES_PER_LINE])
        for i in range(0, len(texts), BADGES_PER_LINE)
    ]


def to_dot(graph_map: Map) -> str:
    nodes, edges, badges = folded(graph_map)
    lines = [
        f"digraph {_dot_quote(graph_map['title'])} {{",
        "  rankdir=LR;",
        '  node [shape=box, style="rounded,filled", fontname="Helvetica"];',
        '  edge [fontname="Helvetica", fontsize=10];',
    ]
    for node in nodes:
        label = _dot_lines(_label_lines(node, badges.get(node["id"], [])))
        attributes = [
            f"label={label}",
            f'fillcolor="{COLOURS.get(node.get("kind"), COLOURS[None])}"',
        ]
        if node.get("highlight"):
            attributes.append(f'color="{HIGHLIGHT}", penwidth=2')
        if node.get("member") is False:
            attributes.append('style="rounded,filled,dashed"')
        lines.append(f"  {_dot_quote(node['id'])} [{', '.join(attributes)}];")
    for edge in edges:
        attributes = []
        if edge.get("range"):
            attributes.append(f"label={_dot_quote(edge['range'])}")
        if edge.get("highlight"):
            attributes.append(f'color="{HIGHLIGHT}", penwidth=2')
        suffix = f" [{', '.join(attributes)}]" if attributes else ""
        lines.append(f"  {_dot_quote(edge['source'])} -> {_dot_quote(edge['target'])}{suffix};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def to_mermaid(graph_map: Map) -> str:
    nodes, edges, badges = folded(graph_map)
    ids = {node["id"]: f"n{index}" for index, node in enumerate(nodes)}
    lines = ["graph LR"]
    for node in nodes:
        label = "<br/>".join(
            _mermaid_text(line) for line in _label_lines(node, badges.get(node["id"], []))
        )
        lines.append(f'  {ids[node["id"]]}["{label}"]')
    for index, edge in enumerate(edges):
        label = f'|"{_mermaid_text(edge["range"])}"|' if edge.get("range") else ""
        lines.append(f"  {ids[edge['source']]} -->{label} {ids[edge['target']]}")
        if edge.get("highlight"):
            lines.append(f"  linkStyle {index} stroke:{HIGHLIGHT},stroke-width:2px")
    for node in nodes:
        fill = COLOURS.get(node.get("kind"), COLOURS[None])
        stroke = HIGHLIGHT if node.get("highlight") else "#6b7280"
        lines.append(f"  style {ids[node['id']]} fill:{fill},stroke:{stroke}")
    return "\n".join(lines) + "\n"


def to_svg(graph_map: Map) -> str:
    dot = shutil.which("dot")
    if dot is None:
        raise Invalid(
            "SVG needs Graphviz's `dot`, which is not installed here; "
            "ask for dot or mermaid instead",
            {"format": ["svg"]},
        )
    done = subprocess.run(
        [dot, "-Tsvg"],
        input=to_dot(graph_map),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if done.returncode != 0:
        raise Invalid("Graphviz could not draw the map", {"graphviz": done.stderr[-500:]})
    return done.stdout


def _sorted(graph_map: Map) -> Map:
    graph_map["nodes"].sort(key=lambda n: (not n.get("member"), n["id"]))
    graph_map["edges"].sort(key=lambda e: (e["source"], e["target"]))
    return graph_map


def _dot_lines(lines: list[str]) -> str:
    """Lines as one quoted DOT label (its `\\n` breaks a line)."""
    return '"' + "\\n".join(_dot_quote(line)[1:-1] for line in lines) + '"'


def _dot_quote(text: str) -> str:
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _mermaid_text(text: str) -> str:
    return str(text).replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")
