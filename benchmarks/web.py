"""Server time of every kind of web page, and load time of the largest maps, on a
generated catalog.

Starts its own Neo4j (`--neo4j-home`, default `.mercator/web-bench-neo4j`, ports
`--bolt-port`/`--http-port`, default 19887/19674), loads a generated
catalog into it unless it already holds one of that size (`generate.py`, default the large
size: 100,000 component versions, 30 environments, 300,000 deployments; `--reload` to
redo), adds what the generated catalog lacks for the package and vulnerability pages
(SBOMs on 300 component versions running in the largest environment, 500 OSV records
about their packages), serves the app on loopback, and times:

- the server: the HTML of every kind of page (the first request, cold, apart; then p50
  and p95 of `--calls` requests after it), from the home page to the busiest hub's blast
  radius and its SVG map;
- the browser: headless Chromium (Debian's `chromium`, driven by Playwright) from
  navigation until the page is loaded and until the interactive map is drawn (Cytoscape's
  layout done, `#map[data-ready]`), median of `--loads` loads, on the pages with a map;
- the machine: its 1-minute load average every 5 s during the measurements (the server
  shares 2 cores with whatever else runs), and how busy its cores were and how much time
  the host stole from them. `--busy N` keeps N other processes spinning on the CPU
  throughout, to see the pages on a machine others share.

The largest map is the blast radius of the busiest hub (the component most others depend
on) at the default depth: the most nodes a page draws.

    .venv/bin/python benchmarks/web.py [--size large] [--calls 10] [--loads 3] \
        [--busy N] [--markdown web.md] > web.json
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

import memory  # noqa: E402
import requests  # noqa: E402
import vulns as generated_vulns  # noqa: E402
from generate import SIZES, generate  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from app import create_app, transfer  # noqa: E402
from app.admin import database  # noqa: E402
from app.catalog import components, environments  # noqa: E402
from app.cli.catalogs import LocalCatalog  # noqa: E402
from app.config import LocalServerSettings, Settings  # noqa: E402
from app.graph import Graph  # noqa: E402
from app.graph.local_neo4j import LocalServer  # noqa: E402
from app.reports import reports  # noqa: E402
from app.sbom import packages  # noqa: E402
from app.vulns import vulnerabilities  # noqa: E402


def bench_settings(home: Path, bolt_port: int, http_port: int) -> Settings:
    """The benchmark's own Neo4j: two copies of its store can be measured side by side."""
    return Settings(
        neo4j_uri=f"bolt://127.0.0.1:{bolt_port}",
        neo4j_password="mercator-bench-password",
        query_timeout=600.0,
        local=LocalServerSettings(
            home=home, bolt_port=bolt_port, http_port=http_port, heap="3g", pagecache="2g"
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


def load_catalog(graph: Graph, size_name: str, deployments: int | None, reload: bool) -> dict:
    size = SIZES[size_name]
    if deployments is not None:
        size = dataclasses.replace(size, deployments=deployments)
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
    return {
        "component_versions": size.component_versions,
        "deployments": size.deployments,
        "import_seconds": round(seconds, 1),
    }


#: What `add_packages` adds: SBOMs on this many component versions, each of this many
#: packages drawn (skewed, as `vulns.py` does) from a pool, and OSV records about them.
SBOM_VERSIONS = 300
SBOM_PACKAGES = 200
PACKAGE_POOL = 2_000
RECORDS = 500


def largest_environment(graph: Graph) -> str:
    """The environment running the most component versions now."""
    found = environments.list_environments(graph, limit=100)["items"]
    return max(found, key=lambda e: e["running_count"])["name"]


def add_packages(graph: Graph, environment: str) -> None:
    """SBOMs and vulnerability records, which the generated catalog has none of, so the
    package and vulnerability pages (and the exposure on the environment page) have
    something to show: on component versions running in `environment`. Once per catalog."""
    if packages.list_packages(graph, limit=1)["items"]:
        return
    rng = random.Random(7)
    weights = [1 / (1 + n) ** 0.6 for n in range(PACKAGE_POOL)]
    catalog = LocalCatalog(graph)
    started = time.perf_counter()
    for run in reports.inventory(graph, environment)["running"][:SBOM_VERSIONS]:
        chosen = sorted(set(rng.choices(range(PACKAGE_POOL), weights, k=SBOM_PACKAGES)))
        document = generated_vulns.sbom([generated_vulns.purl(n) for n in chosen])
        catalog.attach_sbom(run["component"], run["version"], document, None, False)
    records = [generated_vulns.record(i, rng) for i in range(RECORDS)]
    vulnerabilities.import_records(graph, records)
    seconds = time.perf_counter() - started
    log(f"attached {SBOM_VERSIONS} SBOMs and {RECORDS} records in {seconds:.0f} s")


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
    """The first call (`first_ms`: cold, the server compiles the page's query plans and
    reads the store into its page cache) apart from the `calls` after it (p50 and p95 of
    the warm page), so that neither hides the other."""
    started = time.perf_counter()
    requests.get(url, timeout=600).raise_for_status()
    first = (time.perf_counter() - started) * 1000
    times, size = [], 0
    for _ in range(calls):
        started = time.perf_counter()
        response = requests.get(url, timeout=600)
        times.append((time.perf_counter() - started) * 1000)
        response.raise_for_status()
        size = len(response.content)
    return {**_summary(times), "first_ms": round(first, 1), "html_bytes": size}


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


def page_paths(base: str, hub: str, environment: str) -> dict[str, str]:
    """One page of each kind the catalog serves, the heaviest of its kind where that is
    known: the busiest hub, the largest environment, the full matrix, the most contained
    package."""
    component = requests.get(f"{base}/api/v1/components/{hub}", timeout=60).json()
    older = requests.get(
        f"{base}/api/v1/components/{hub}/versions", params={"limit": 1, "offset": 5}, timeout=60
    ).json()["items"][0]["version"]
    application = requests.get(f"{base}/api/v1/applications/app-0000", timeout=60).json()
    deployment = requests.get(f"{base}/api/v1/deployments", params={"limit": 1}, timeout=60)
    package = generated_vulns.purl(0)  # the pool's first package is in the most SBOMs
    return {
        "home": "/",
        "search": "/search?q=svc-0000",
        "components": "/components",
        "components_by_prefix_page_2": "/components?prefix=svc-01&offset=50",
        "component_of_the_busiest_hub": f"/components/{hub}",
        "component_version_of_the_busiest_hub": f"/components/{hub}?version={older}",
        "applications": "/applications",
        "application": "/applications/app-0000",
        "application_version": f"/applications/app-0000/versions/{application['latest_version']}",
        "environments": "/environments",
        "largest_environment": f"/environments/{environment}",
        "largest_environment_at_a_past_time": f"/environments/{environment}?at=2026-01-01T00:00",
        "team": f"/teams/{component['owner']}",
        "matrix": "/matrix",
        "matrix_last_page": "/matrix?offset=4950",
        "matrix_of_an_application": "/applications/app-0000/matrix",
        "deployments": "/deployments",
        "deployments_of_the_largest_environment": f"/deployments?environment={environment}",
        "deployment": f"/deployments/{deployment.json()['items'][0]['id']}",
        "packages": "/packages",
        "package": f"/packages/{package}",
        "vulnerability": "/vulnerabilities/GHSA-bench-000000",
        "blast_radius_of_the_busiest_hub_depth_5": f"/components/{hub}/blast-radius",
        "blast_radius_of_the_busiest_hub_depth_2": f"/components/{hub}/blast-radius?depth=2",
        "blast_radius_map_svg_of_the_busiest_hub": f"/components/{hub}/blast-radius.svg",
    }


#: Pages whose interactive map the browser also times.
WITH_MAP = (
    "component_of_the_busiest_hub",
    "application_version",
    "blast_radius_of_the_busiest_hub_depth_5",
    "blast_radius_of_the_busiest_hub_depth_2",
)


def markdown(result: dict) -> str:
    """The page-time table of a result, for benchmarks/results/*.md."""
    catalog, load = result["catalog"], result["load_average"]
    lines = [
        f"# Web page times, {catalog['size']} catalog",
        "",
        f"Catalog: {catalog['component_versions']:,} component versions"
        + (f", {catalog['deployments']:,} deployments" if catalog.get("deployments") else "")
        + f"; busiest hub {result['hub']}, largest environment {result['environment']}.",
        f"Load average (1 min) during the run: mean {load['mean']}, "
        f"min {load['min']}, max {load['max']} on {load['cores']} cores; the cores "
        f"{result['cpu']['busy_percent']} % busy, {result['cpu']['steal_percent']} % "
        "stolen by the host"
        + (
            f"; `--busy {spinning}`: {spinning} other process{'es' if spinning > 1 else ''} "
            "spinning on the CPU throughout."
            if (spinning := result["cpu"].get("spinning_processes"))
            else "."
        ),
        "",
        "| page | path | first call ms | p50 ms | p95 ms | HTML KiB | map drawn p50 ms |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for name, page in result["pages"].items():
        server, browser = page["server"], page.get("browser")
        drawn = f"{browser['map_drawn_ms']['median']:,.0f}" if browser else ""
        lines.append(
            f"| {name} | `{page['path']}` | {server['first_ms']:,.0f} "
            f"| {server['median']:,.0f} | {server['p95']:,.0f} "
            f"| {server['html_bytes'] / 1024:,.0f} | {drawn} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="large")
    parser.add_argument(
        "--deployments", type=int, default=None, help="instead of the size's own count"
    )
    parser.add_argument("--calls", type=int, default=10)
    parser.add_argument(
        "--loads", type=int, default=3, help="browser loads per map page (0: server times only)"
    )
    parser.add_argument("--reload", action="store_true", help="import the catalog again")
    parser.add_argument("--only", nargs="*", help="measure only these pages (by name)")
    parser.add_argument("--markdown", type=Path, help="also write the page-time table here")
    parser.add_argument("--screenshots", type=Path, default=REPO / "test-artifacts" / "bench")
    parser.add_argument(
        "--busy", type=int, default=0, help="processes spinning on the CPU while measuring"
    )
    parser.add_argument("--neo4j-home", type=Path, default=REPO / ".mercator" / "web-bench-neo4j")
    parser.add_argument("--bolt-port", type=int, default=19887)
    parser.add_argument("--http-port", type=int, default=19674)
    args = parser.parse_args()
    settings = bench_settings(args.neo4j_home, args.bolt_port, args.http_port)

    server = LocalServer(settings, echo=log)
    server.start()
    graph = Graph.from_settings(settings)
    database.init_schema(graph)
    catalog = load_catalog(graph, args.size, args.deployments, args.reload)
    environment = largest_environment(graph)
    add_packages(graph, environment)
    graph.close()

    app = create_app(settings)
    http = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=http.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{http.server_port}"
    args.screenshots.mkdir(parents=True, exist_ok=True)
    spinning = [
        subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(args.busy)
    ]
    try:
        hub = busiest_hub(base)
        log(f"busiest hub: {hub}, largest environment: {environment}")
        pages = page_paths(base, hub, environment)
        results = {}
        with memory.Sampler({}) as sampler:  # the load average, every ~5 s
            for name, path in pages.items():
                if args.only and name not in args.only:
                    continue
                log(f"measuring {name}: {path}")
                results[name] = {"path": path, "server": server_times(base + path, args.calls)}
                log(f"  {results[name]['server']}")
                if name in WITH_MAP and args.loads:
                    results[name]["browser"] = browser_times(
                        base + path, args.loads, args.screenshots / f"{name}.png"
                    )
    finally:
        for process in spinning:
            process.kill()
        http.shutdown()
    result = {
        "catalog": {"size": args.size, **catalog},
        "hub": hub,
        "environment": environment,
        "load_average": {"cores": os.cpu_count(), **memory.load_summary(sampler.loads)},
        "cpu": {**sampler.cpu_summary(), "spinning_processes": args.busy},
        "pages": results,
    }
    json.dump(result, sys.stdout, indent=2)
    print()
    if args.markdown:
        args.markdown.write_text(markdown(result))


if __name__ == "__main__":
    main()
