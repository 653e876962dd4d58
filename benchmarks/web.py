"""Page load time of the web catalog's largest map, on a generated catalog.

Starts its own Neo4j (`.mercator/web-bench-neo4j`, ports 19887/19674), loads a generated
catalog into it unless it already holds one of that size (`generate.py`, default 100,000
component versions; `--reload` to redo), serves the app on loopback, and times:

- the server: the HTML of each measured page (median and p95 of `--calls` requests);
- the browser: headless Chromium (Debian's `chromium`, driven by Playwright) from
  navigation until the page is loaded and until the interactive map is drawn (Cytoscape's
  layout done, `#map[data-ready]`), median of `--loads` loads.

The largest map is the blast radius of the busiest hub (the component most others depend
on) at the default depth: the most nodes a page draws.

    .venv/bin/python benchmarks/web.py [--size large] [--calls 10] [--loads 5] > web.json
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import statistics
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

import requests  # noqa: E402
from generate import SIZES, generate  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from app import create_app, transfer  # noqa: E402
from app.admin import database  # noqa: E402
from app.catalog import components  # noqa: E402
from app.config import LocalServerSettings, Settings  # noqa: E402
from app.graph import Graph  # noqa: E402
from app.graph.local_neo4j import LocalServer  # noqa: E402

SETTINGS = Settings(
    neo4j_uri="bolt://127.0.0.1:19887",
    neo4j_password="mercator-bench-password",
    query_timeout=600.0,
    local=LocalServerSettings(
        home=REPO / ".mercator" / "web-bench-neo4j",
        bolt_port=19887,
        http_port=19674,
        heap="3g",
        pagecache="2g",
    ),
)
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def load_catalog(graph: Graph, size_name: str, deployments: int, reload: bool) -> dict:
    size = dataclasses.replace(SIZES[size_name], deployments=deployments)
    held = graph.read("catalog/search_by_name", text="svc-", limit=1)
    versions = sum(c["version_count"] for c in _all_components(graph)) if held else 0
    if versions == size.component_versions and not reload:
        log(f"catalog already holds {versions} component versions; not reloading")
        return {"component_versions": versions, "import_seconds": None}
    document = generate(size)
    database.reset(graph)
    started = time.perf_counter()
    transfer.import_catalog(graph, document)
    seconds = time.perf_counter() - started
    log(f"imported {size.component_versions} component versions in {seconds:.0f} s")
    return {"component_versions": size.component_versions, "import_seconds": round(seconds, 1)}


def _all_components(graph: Graph) -> list[dict]:
    found, offset = [], 0
    while offset is not None:
        page = components.list_components(graph, prefix="svc-", offset=offset, limit=500)
        found += page["items"]
        offset = page["next_offset"]
    return found


def busiest_hub(base: str) -> str:
    """The hub whose depth-1 blast radius has the most consumers (hubs are svc-00000...)."""
    counts = {}
    for index in range(10):
        name = f"svc-{index:05d}"
        body = requests.get(
            f"{base}/api/v1/components/{name}/blast-radius", params={"depth": 1}, timeout=600
        ).json()
        counts[name] = body["consumer_count"]
    return max(counts, key=counts.get)


def server_times(url: str, calls: int) -> dict:
    times, size = [], 0
    for _ in range(calls):
        started = time.perf_counter()
        response = requests.get(url, timeout=600)
        times.append((time.perf_counter() - started) * 1000)
        response.raise_for_status()
        size = len(response.content)
    return {**_summary(times), "html_bytes": size}


def browser_times(url: str, loads: int, screenshot: Path | None) -> dict:
    from playwright.sync_api import sync_playwright

    loaded, drawn, nodes = [], [], 0
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_FLAGS
        )
        for attempt in range(loads):
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            page = context.new_page()
            errors: list[str] = []
            page.on("console", lambda m, e=errors: e.append(m.text) if m.type == "error" else None)
            started = time.perf_counter()
            page.goto(url, wait_until="load", timeout=600_000)
            loaded.append((time.perf_counter() - started) * 1000)
            page.wait_for_selector("#map[data-ready=true]", timeout=600_000)
            drawn.append((time.perf_counter() - started) * 1000)
            nodes = page.evaluate("window.mercatorMap.nodes().length")
            if errors:
                raise RuntimeError(f"console errors on {url}: {errors}")
            if attempt == 0 and screenshot is not None:
                page.screenshot(path=str(screenshot))
            context.close()
        browser.close()
    return {"load_ms": _summary(loaded), "map_drawn_ms": _summary(drawn), "map_nodes": nodes}


def _summary(values: list[float]) -> dict:
    ordered = sorted(values)
    return {
        "median": round(statistics.median(ordered), 1),
        "p95": round(ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))], 1),
        "n": len(ordered),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="large")
    parser.add_argument("--deployments", type=int, default=20_000)
    parser.add_argument("--calls", type=int, default=10)
    parser.add_argument("--loads", type=int, default=5)
    parser.add_argument("--reload", action="store_true", help="import the catalog again")
    parser.add_argument("--screenshots", type=Path, default=REPO / "test-artifacts" / "bench")
    args = parser.parse_args()

    server = LocalServer(SETTINGS, echo=log)
    server.start()
    graph = Graph.from_settings(SETTINGS)
    database.init_schema(graph)
    catalog = load_catalog(graph, args.size, args.deployments, args.reload)
    graph.close()

    app = create_app(SETTINGS)
    http = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=http.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{http.server_port}"
    args.screenshots.mkdir(parents=True, exist_ok=True)
    try:
        hub = busiest_hub(base)
        log(f"busiest hub: {hub}")
        latest = requests.get(f"{base}/api/v1/applications/app-0000", timeout=60).json()
        pages = {
            "blast_radius_of_the_busiest_hub_depth_5": f"/components/{hub}/blast-radius",
            "blast_radius_of_the_busiest_hub_depth_2": f"/components/{hub}/blast-radius?depth=2",
            "component_page_of_the_busiest_hub": f"/components/{hub}",
            "application_version_page": (
                f"/applications/app-0000/versions/{latest['latest_version']}"
            ),
            "search": "/search?q=svc-0000",
            "home": "/",
            "matrix": "/matrix",
            "matrix_of_an_application": "/applications/app-0000/matrix",
            "deployments": "/deployments",
            "packages": "/packages",
        }
        results = {}
        for name, path in pages.items():
            log(f"measuring {name}: {path}")
            results[name] = {"path": path, "server": server_times(base + path, args.calls)}
            if "blast_radius" in name or "component_page" in name or "application" in name:
                results[name]["browser"] = browser_times(
                    base + path, args.loads, args.screenshots / f"{name}.png"
                )
    finally:
        http.shutdown()
    json.dump(
        {"catalog": {"size": args.size, **catalog}, "hub": hub, "pages": results},
        sys.stdout,
        indent=2,
    )
    print()


if __name__ == "__main__":
    main()
