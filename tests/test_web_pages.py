"""The web catalog's pages, through Flask's test client, on the demo shop in a real Neo4j."""

from __future__ import annotations

import json
import re
from dataclasses import replace

import pytest

from app import create_app
from app.admin import demo
from app.cli.catalogs import LocalCatalog
from app.graph import cypher


@pytest.fixture
def shop(client, graph):
    """The demo shop, loaded as `mercator demo load` does."""
    demo.load(LocalCatalog(graph))
    return client


def page(client, path: str, status: int = 200) -> str:
    response = client.get(path)
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.mimetype == "text/html"
    return response.get_data(as_text=True)


def map_data(html: str) -> dict:
    found = re.search(r'<script type="application/json" id="map-data">(.*?)</script>', html, re.S)
    assert found, "the page has no map"
    return json.loads(found.group(1))


def test_an_empty_catalog_says_how_to_fill_it(client):
    html = page(client, "/")
    assert "The catalog is empty" in html
    assert "mercator demo load" in html
    assert "mercator component register" in html


def test_home_lists_what_the_demo_holds(shop):
    html = page(shop, "/")
    for name in ("payment", "checkout", "shop", "prod", "payments"):
        assert f">{name}</a>" in html
    assert 'href="/components/payment"' in html
    assert "The catalog is empty" not in html


def test_every_page_has_a_skip_link_a_search_box_and_no_outside_resources(shop):
    html = page(shop, "/components/payment")
    assert '<a class="skip-link" href="#main">' in html
    assert '<main id="main"' in html
    assert 'role="search"' in html
    # scripts and stylesheets come from this server, never a CDN
    assert not re.search(r'src="(https?:)?//', html)
    assert not re.search(r'<link[^>]+href="(https?:)?//', html)


def test_search_finds_every_kind_of_thing_by_part_of_its_name(shop):
    html = page(shop, "/search?q=pay")
    assert 'href="/components/payment"' in html
    assert 'href="/teams/payments"' in html
    html = page(shop, "/search?q=log4j")
    assert "/packages/pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1" in html
    html = page(shop, "/search?q=prod")
    assert 'href="/environments/prod"' in html
    assert 'href="/applications/shop"' in page(shop, "/search?q=hop")


def test_search_without_a_match_says_what_to_try(shop):
    html = page(shop, "/search?q=zzz-nothing")
    assert "Nothing is named like" in html


def test_an_empty_search_goes_back_home(shop):
    response = shop.get("/search?q=+")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/")


def plan_operators(settings, name: str, params: dict) -> list[dict]:
    """Every operator of statement `name`'s plan (EXPLAIN on the real Neo4j), depth first."""
    import neo4j

    driver = neo4j.GraphDatabase.driver(
        settings.neo4j_uri, auth=(settings.neo4j_user, settings.neo4j_password)
    )
    try:
        _, summary, _ = driver.execute_query(
            "EXPLAIN " + cypher.load(name), params, database_=settings.neo4j_database
        )
    finally:
        driver.close()
    operators = []

    def walk(plan: dict) -> None:
        operators.append(plan)
        for child in plan.get("children", []):
            walk(child)

    walk(summary.plan)
    return operators


def test_the_search_query_seeks_text_indexes_and_scans_no_label(settings, graph):
    operators = [
        op["operatorType"]
        for op in plan_operators(settings, "catalog/search_by_name", {"text": "pay", "limit": 20})
    ]
    assert sum("NodeIndexContainsScan" in op for op in operators) == 5, operators
    assert not [op for op in operators if "LabelScan" in op or "AllNodesScan" in op]


def test_the_deployment_list_reads_started_ones_in_index_order_not_all_sorted(settings, graph):
    """A page of deployments reads the deployment_started index newest first and stops
    (a PartialSort): sorting every deployment took seconds on a long history."""
    params = {
        "environment": "prod", "application": None, "component": None, "status": None,
        "since": None, "until": None, "offset": 0, "limit": 51,
    }
    operators = plan_operators(settings, "deploy/list", params)
    names = [op["operatorType"].split("@")[0] for op in operators]
    started = [
        op for op in operators
        if op["operatorType"].startswith("NodeIndexSeekByRange")
        and "Deployment(started_at)" in op["args"]["Details"]
    ]
    assert started and "PartialSort" in names, names
    # the only full Sorts are of the deployments not started yet and of the page merged
    assert names.count("Sort") <= 2, names
    assert not [n for n in names if "LabelScan" in n or "AllNodesScan" in n], names


def test_component_page_answers_owner_versions_dependencies_and_whereabouts(shop):
    html = page(shop, "/components/payment")
    # owner with contacts
    assert 'href="/teams/payments"' in html
    assert "payments@shop.example" in html and "payments-oncall" in html
    # versions newest first, with git and image details
    assert html.index(">1.5.1</a>") < html.index(">1.5.0</a>") < html.index(">1.4.2</a>")
    assert "registry.shop.example/shop/payment" in html
    # dependencies of the latest version, and who uses it
    assert 'href="/components/currency"' in html and "&gt;=2.0.0 &lt;3.0.0" in html
    used_by = html[html.index('id="consumers-title"') :]
    assert 'href="/components/checkout"' in used_by[: used_by.index("</section>")]
    # where each version runs now and ran before
    where = html[html.index('id="where-title"') :]
    assert 'href="/environments/prod"' in where
    # 1.4.2 reached prod before 1.5.0 replaced it; the deployment is a link
    assert 'deployment <a class="deployment-id" href="/deployments/demo-3">demo-3</a>' in where
    # packages of the selected version
    assert "Packages of 1.5.1" in html
    assert 'href="/components/payment/blast-radius"' in html


def test_component_page_shows_the_packages_of_the_version_picked(shop):
    html = page(shop, "/components/ads?version=1.1.0")
    assert "Packages of 1.1.0" in html
    assert "/packages/pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1" in html


def test_blast_radius_page_says_what_breaks_where_it_runs_and_whom_to_call(shop):
    html = page(shop, "/components/payment/blast-radius")
    call = html[html.index('id="call-title"') : html.index('id="where-title"')]
    assert 'href="/teams/payments"' in call and "payments-oncall" in call
    assert 'href="/teams/storefront"' in call
    where = html[html.index('id="where-title"') : html.index('id="apps-title"')]
    for environment in ("dev", "staging", "prod"):
        assert f'href="/environments/{environment}"' in where
    assert 'href="/applications/shop/versions/1.0.3"' in html  # what prod runs
    graph_map = map_data(html)
    nodes = {n["id"]: n for n in graph_map["nodes"]}
    assert nodes["payment"]["highlight"] is True
    # environments are badges on what they run, not nodes with edges across the layers
    assert not [n for n in nodes if n.startswith("env:")]
    assert not [e for e in graph_map["edges"] if e["source"].startswith("env:")]
    assert {"environment": "prod", "version": "5.0.0"} in nodes["checkout"]["badges"]
    assert nodes["checkout"]["url"] == "/components/checkout"
    assert nodes["checkout"]["owner"] == "payments"
    assert ("checkout", "payment") in {
        (e["source"], e["target"]) for e in graph_map["edges"] if e["highlight"]
    }


def test_blast_radius_of_a_version_honours_ranges_and_depth(shop):
    html = page(shop, "/components/currency/blast-radius?version=2.4.0&depth=1")
    assert "within 1 hop," in html
    consumers = html[html.index('id="consumers-title"') :]
    assert 'href="/components/payment"' in consumers
    assert 'href="/components/frontend"' in consumers  # depends on any currency
    assert "checkout@" in consumers


def test_a_blast_radius_lists_its_consumers_a_page_at_a_time_and_maps_the_page(client, monkeypatch):
    """A hub's consumers run to tens of thousands: the page lists and draws a page of
    them, nearest first, with links to the next; a later page's map still reaches the
    change through the nearer consumers of earlier pages. The map's SVG draws the same."""
    import app.web.maps
    import app.web.pages
    from tests.catalog import register

    monkeypatch.setattr(app.web.pages, "CONSUMERS_SHOWN", 2)
    monkeypatch.setattr(app.web.maps, "CONSUMERS_SHOWN", 2)
    register(client, "core", "1.0.0", kind="library")
    chain = ["core"]
    for index in range(1, 6):  # c1 uses core, c2 uses c1, ...: c<n> is n hops away
        uses = [{"component": chain[-1]}]
        register(client, f"c{index}", "1.0.0", kind="service", dependencies=uses)
        chain.append(f"c{index}")

    first = page(client, "/components/core/blast-radius")
    consumers = first[first.index('id="consumers-title"') :]
    assert "Consumers 1–2 of 5" in consumers
    assert 'href="/components/c1"' in consumers and 'href="/components/c3"' not in consumers
    assert 'href="/components/core/blast-radius?offset=2" rel="next"' in consumers
    assert {n["id"] for n in map_data(first)["nodes"]} == {"core", "c1", "c2"}

    second = page(client, "/components/core/blast-radius?depth=5&offset=2")
    consumers = second[second.index('id="consumers-title"') :]
    assert "Consumers 3–4 of 5" in consumers
    assert 'href="/components/c3"' in consumers and 'href="/components/c4"' in consumers
    assert 'href="/components/c2"' not in consumers
    assert 'offset=0" rel="prev"' in consumers and 'offset=4" rel="next"' in consumers
    graph_map = map_data(second)
    nodes = {n["id"]: n for n in graph_map["nodes"]}
    assert set(nodes) == {"core", "c1", "c2", "c3", "c4"}  # c1 and c2: the path to core
    assert nodes["c1"]["kind"] == "service" and nodes["c1"]["url"] == "/components/c1"
    assert all(e["source"] in nodes and e["target"] in nodes for e in graph_map["edges"])
    assert 'href="/components/core/blast-radius.svg?depth=5&amp;offset=2"' in second
    svg = client.get("/components/core/blast-radius.svg?depth=5&offset=2").get_data(as_text=True)
    assert "c4 (1.0.0)" in svg and "c5 (1.0.0)" not in svg
    svg = client.get("/components/core/blast-radius.svg").get_data(as_text=True)
    assert "c2 (1.0.0)" in svg and "c3 (1.0.0)" not in svg

    last = page(client, "/components/core/blast-radius?depth=5&offset=4")
    assert "Consumers 5–5 of 5" in last and 'rel="next"' not in last
    beyond = page(client, "/components/core/blast-radius?depth=5&offset=10")
    assert "No consumers past the 5 listed" in beyond
    assert page(client, "/components/core/blast-radius?offset=-1", 400)


def test_a_hubs_component_page_lists_its_users_a_page_at_a_time_and_caps_its_map(
    client, monkeypatch
):
    """A hub is used by hundreds: its page lists them a page at a time, by name, and its
    map (and the map's SVG) draws only the nearest, saying how many there are."""
    import app.web.maps
    import app.web.pages
    from tests.catalog import register

    monkeypatch.setattr(app.web.pages, "CONSUMERS_LISTED", 2)
    monkeypatch.setattr(app.web.pages, "COMPONENT_MAP_SHOWN", 3)
    monkeypatch.setattr(app.web.maps, "COMPONENT_MAP_SHOWN", 3)
    register(client, "hub", "1.0.0", kind="library")
    for name in ("u1", "u2", "u3", "u4"):  # each uses the hub
        register(client, name, "1.0.0", kind="service", dependencies=[{"component": "hub"}])
    register(client, "far", "1.0.0", kind="service", dependencies=[{"component": "u4"}])
    # u1's latest version no longer uses the hub: it is not listed
    register(client, "u1", "2.0.0", kind="service")

    def used_by(html: str) -> str:
        section = html[html.index('id="consumers-title"') :]
        return section[: section.index("</section>")]

    def listed(html: str) -> list[str]:
        return re.findall(r'<li><a href="/components/([^"?]+)"', used_by(html))

    first = page(client, "/components/hub")
    assert listed(first) == ["u2", "u3"]
    assert 'href="/components/hub?consumer_offset=2" rel="next"' in used_by(first)
    second = page(client, "/components/hub?consumer_offset=2")
    assert listed(second) == ["u4"] and 'rel="next"' not in used_by(second)
    assert 'href="/components/hub?consumer_offset=0" rel="prev"' in used_by(second)
    assert "The map draws" not in first  # 3 need it within 1 hop: all drawn
    assert {n["id"] for n in map_data(first)["nodes"]} == {"hub", "u2", "u3", "u4"}

    deeper = page(client, "/components/hub?depth=2")
    assert "The map draws the nearest 3 of the 4 components that need hub" in deeper
    assert {n["id"] for n in map_data(deeper)["nodes"]} == {"hub", "u2", "u3", "u4"}
    svg = client.get("/components/hub/map.svg?depth=2").get_data(as_text=True)
    assert "u4 1.0.0" in svg
    assert "far" not in svg


def test_a_component_page_lists_where_it_ran_a_page_of_periods_at_a_time(client, monkeypatch):
    """A component deployed hundreds of times: its page lists the newest periods of each
    environment's history, at most a page of them, with links to the older ones; the API
    still answers the whole history."""
    import app.web.pages
    from tests.catalog import deploy, put_environment, register

    monkeypatch.setattr(app.web.pages, "HISTORY_LISTED", 2)
    put_environment(client, "dev", stage="dev")
    put_environment(client, "prod", stage="prod")
    for minor in range(5):
        register(client, "api", f"1.{minor}.0", kind="service")
    for environment, minors in (("dev", range(5)), ("prod", range(3))):
        for minor in minors:
            deploy(
                client,
                environment=environment,
                status="succeeded",
                components=[{"component": "api", "version": f"1.{minor}.0"}],
                started_at=f"2026-11-0{minor + 1}T10:00:00Z",
                finished_at=f"2026-11-0{minor + 1}T10:05:00Z",
            )

    def where(html: str) -> str:
        section = html[html.index('id="where-title"') :]
        return section[: section.index("</section>")]

    def periods(html: str) -> dict[str, list[str]]:
        """The versions in each environment's history, newest first, as the table lists them."""
        rows = re.findall(
            r'<th scope="row"><a href="/environments/(\w+)"(.*?)</tr>', where(html), re.S
        )
        return {env: re.findall(r"<li><strong>([^<]+)</strong>", row) for env, row in rows}

    first = page(client, "/components/api")
    assert periods(first) == {"dev": ["1.4.0", "1.3.0"], "prod": ["1.2.0", "1.1.0"]}
    assert 'href="/components/api?history_offset=2" rel="next"' in where(first)
    second = page(client, "/components/api?history_offset=2")
    assert periods(second) == {"dev": ["1.2.0", "1.1.0"], "prod": ["1.0.0"]}
    assert 'href="/components/api?history_offset=0" rel="prev"' in where(second)
    third = page(client, "/components/api?history_offset=4")
    assert periods(third) == {"dev": ["1.0.0"]}  # prod's history ended on the page before
    assert 'rel="next"' not in where(third)
    assert "No older periods" in page(client, "/components/api?history_offset=6")
    # the API's answer is the whole history
    whole = client.get("/api/v1/components/api/whereabouts").get_json()
    assert {p["environment"]: len(p["history"]) for p in whole["environments"]} == {
        "dev": 5,
        "prod": 3,
    }


def test_application_version_page_has_bom_map_predecessor_diff_and_compare(shop):
    html = page(shop, "/applications/shop/versions/1.0.8")
    assert "Bill of materials" in html and "(13 components)" in html
    assert {n["id"] for n in map_data(html)["nodes"]} >= {"payment", "checkout", "frontend"}
    since = html[html.index('id="prev-title"') : html.index('id="compare-title"')]
    assert 'href="/applications/shop/versions/1.0.7"' in since
    assert "1.5.0 → <strong>1.5.1</strong>" in since  # 1.0.8 is payment 1.5.1
    compared = page(shop, "/applications/shop/versions/1.0.8?from=1.0.0&to=1.0.8")
    result = compared[compared.index('id="compare-title"') :]
    assert "1.0.0 → 1.0.8" in result
    assert "1.4.2 → <strong>1.5.1</strong>" in result


def test_environment_page_now_at_a_past_time_and_compared(shop):
    html = page(shop, "/environments/prod")
    assert "What runs here now" in html
    assert 'href="/components/payment?version=1.5.0"' in html
    before = page(shop, "/environments/prod?at=2020-01-01T00:00")
    assert "What ran here at 2020-01-01 00:00 UTC" in before
    assert "Nothing had been deployed here by then" in before
    back = page(shop, "/environments/prod?at=2026-10-10T00:00")
    assert 'href="/components/payment?version=1.4.2"' in back
    compared = page(shop, "/environments/prod?compare=dev")
    result = compared[compared.index('id="compare-title"') :]
    assert "<td>1.5.0</td><td>1.5.1</td>" in result


def test_an_environment_page_lists_its_inventory_a_page_at_a_time(shop, monkeypatch):
    """A large environment runs thousands of components: its page lists them a page at a
    time, by name, with a pager that keeps the other arguments (here: a past time)."""
    from app.web import pages

    monkeypatch.setattr(pages, "INVENTORY_SHOWN", 2)
    inventory = shop.get("/api/v1/environments/prod/inventory").get_json()
    running = sorted(r["component"] for r in inventory["running"])
    assert len(running) > 4

    def listed(html: str) -> list[str]:
        table = html[html.index('id="inventory-title"') : html.index("</table>")]
        return re.findall(r'<th scope="row"><a href="/components/([^"?]+)"', table)

    first = page(shop, "/environments/prod")
    assert listed(first) == running[:2]
    assert f"Components 1–2 of {len(running)}, by name." in first
    assert 'href="/environments/prod?offset=2" rel="next"' in first
    second = page(shop, "/environments/prod?offset=2")
    assert listed(second) == running[2:4]
    assert 'href="/environments/prod?offset=0" rel="prev"' in second
    past = page(shop, "/environments/prod?at=2026-10-10T00:00&offset=2")
    assert 'href="/environments/prod?at=2026-10-10T00:00&amp;offset=0" rel="prev"' in past


def test_team_page_lists_contacts_and_what_it_owns(shop):
    html = page(shop, "/teams/payments")
    assert "payments@shop.example" in html and "#payments" in html
    assert 'href="/components/checkout"' in html


def test_package_page_says_who_contains_it(shop):
    html = page(shop, "/packages/pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1")
    assert 'href="/components/ads?version=1.1.0"' in html
    assert 'href="/components/catalog?version=3.4.0"' in html
    by_range = page(shop, "/packages?name=log4j-core&range=%3C2.17.1")
    assert 'href="/components/catalog?version=3.4.0"' in by_range
    assert 'href="/components/catalog?version=3.5.0"' not in by_range  # has the fixed one


def test_list_pages_page_and_filter(shop):
    html = page(shop, "/components?prefix=pay")
    assert 'href="/components/payment"' in html and 'href="/components/checkout"' not in html
    assert "No components starting with" in page(shop, "/components?prefix=zzz")
    for path in ("/applications", "/environments", "/teams"):
        page(shop, path)


def test_svg_export_is_drawn_by_the_server(shop):
    for path in (
        "/components/payment/blast-radius.svg",
        "/components/payment/map.svg",
        "/applications/shop/versions/1.0.8/map.svg",
    ):
        response = shop.get(path)
        assert response.status_code == 200
        assert response.mimetype == "image/svg+xml"
        assert "<svg" in response.get_data(as_text=True)


def test_map_pages_load_the_map_script_from_this_server(shop):
    html = page(shop, "/components/payment/blast-radius")
    for name, inside in (
        ("cytoscape.min.js", b"cytoscape"),
        ("dagre.min.js", b"dagre"),
        ("cytoscape-dagre.js", b"cytoscapeDagre"),
    ):
        assert f'<script src="/assets/vendor/{name}">' in html
        script = shop.get(f"/assets/vendor/{name}")
        assert script.status_code == 200 and inside in script.data


def test_a_missing_front_end_build_says_how_to_build_it(shop, monkeypatch, tmp_path):
    import app.web.blueprint

    # the layout built but not Cytoscape itself: the map cannot be drawn
    monkeypatch.setattr(
        app.web.blueprint,
        "MAP_SCRIPTS",
        (tmp_path / "missing.js", *app.web.blueprint.MAP_SCRIPTS[1:]),
    )
    html = page(shop, "/components/payment/blast-radius")
    assert "The interactive map is not built on this server" in html
    assert "make install" in html
    assert 'href="/components/payment/blast-radius.svg?depth=5"' in html
    assert "cytoscape.min.js" not in html


def test_errors_are_pages_for_people_and_json_for_the_api(shop):
    html = page(shop, "/no/such/page", 404)
    assert "Not found" in html and "search box" in html
    html = page(shop, "/components/nope", 404)
    assert "no component named &#39;nope&#39;" in html
    html = page(shop, "/components/payment/blast-radius?depth=99", 400)
    assert "bad blast radius parameters" in html
    api = shop.get("/api/v1/components/nope")
    assert api.status_code == 404 and api.get_json()["error"]["code"] == "not_found"


def test_an_unexpected_error_is_a_page_without_internals(app):
    @app.route("/boom-page")
    def boom():
        raise RuntimeError("secret internals")

    app.config["TESTING"] = False
    response = app.test_client().get("/boom-page")
    assert response.status_code == 500 and response.mimetype == "text/html"
    text = response.get_data(as_text=True)
    assert "Something went wrong" in text and "secret internals" not in text


def test_neo4j_down_is_a_503_page(settings):
    nowhere = replace(settings, neo4j_uri="bolt://127.0.0.1:9", retry_time=0.0)
    response = create_app(nowhere).test_client().get("/components/payment")
    assert response.status_code == 503 and response.mimetype == "text/html"
    assert "does not answer" in response.get_data(as_text=True)


def test_pages_of_things_with_nothing_yet_say_so(client):
    from tests.catalog import put_environment, register

    register(client, "app-server", "1.0.0", dependencies=[{"component": "ghost"}])
    put_environment(client, "qa", stage="test")
    html = page(client, "/components/ghost")
    assert "no version is registered" in html
    assert "No owner recorded" in html
    assert 'href="/components/app-server"' in html  # its only consumer
    html = page(client, "/components/app-server/blast-radius")
    assert "Nothing depends on app-server" in html
    assert "No affected version runs anywhere now" in html
    html = page(client, "/environments/qa")
    assert "Nothing runs here yet" in html and "mercator deploy record --to qa" in html


def test_the_web_catalog_is_closed_while_reads_need_a_token(settings, graph):
    flask_app = create_app(replace(settings, reads_need_token=True))
    closed = flask_app.test_client()
    try:
        for path in ("/", "/components", "/search?q=pay"):
            response = closed.get(path)
            assert response.status_code == 403, path
            assert response.mimetype == "text/html"
            assert "needs a token for reads" in response.get_data(as_text=True)
    finally:
        flask_app.extensions["mercator.graph"].close()


def matrix_cells(html: str) -> dict[tuple[str, str], tuple[str, set[str]]]:
    """(component, environment) -> (version, drift classes) from the matrix table."""
    cells = {}
    for row in re.findall(r"<tr>\s*<th scope=\"row\">(.*?)</tr>", html, re.S):
        component = re.search(r'href="/components/([^"?]+)"', row).group(1)
        for classes, environment, version in re.findall(
            r'<td class="cell([^"]*)" data-environment="([^"]+)" data-version="([^"]+)"', row
        ):
            cells[(component, environment)] = (version, set(classes.split()))
    return cells


def test_matrix_shows_the_demo_drift_from_dev_to_prod(shop):
    """dev runs shop 1.0.8, staging 1.0.6, prod 1.0.3 (demo-6 failed, demo-7 succeeded)."""
    html = page(shop, "/matrix")
    header = html[html.index("<thead>", html.index('id="matrix"')) :]
    header = header[: header.index("</thead>")]
    assert header.index(">dev<") < header.index(">staging<") < header.index(">prod<")
    cells = matrix_cells(html)
    # payment 1.5.1 reached dev only; staging and prod agree on 1.5.0
    assert cells[("payment", "dev")] == ("1.5.1", {"drift-next", "drift-prod", "newer"})
    assert cells[("payment", "staging")] == ("1.5.0", set())
    assert cells[("payment", "prod")] == ("1.5.0", set())
    # cart 4.2.0 is in dev and staging (no drift between them), not yet in prod (4.1.0)
    assert cells[("cart", "dev")] == ("4.2.0", {"drift-prod", "newer"})
    assert cells[("cart", "staging")] == ("4.2.0", {"drift-next", "drift-prod", "newer"})
    assert cells[("cart", "prod")] == ("4.1.0", set())
    # shop-db 42 reached dev only; staging and prod agree on 41
    assert cells[("shop-db", "dev")] == ("42", {"drift-next", "drift-prod", "newer"})
    assert cells[("shop-db", "staging")] == ("41", set())
    # email never changed: the same everywhere, nothing marked
    assert [cells[("email", e)] for e in ("dev", "staging", "prod")] == [("1.2.0", set())] * 3
    # each cell explains itself with the deployment that put the version there
    assert 'href="/deployments/demo-7"' in html and 'href="/deployments/demo-10"' in html


def test_matrix_at_a_past_time_filtered_and_per_application(shop):
    before = matrix_cells(page(shop, "/matrix?at=2026-10-14T00:00"))
    # before demo-7 prod still ran shop 1.0.0: payment 1.4.2 everywhere but dev and staging
    assert before[("payment", "prod")][0] == "1.4.2"
    assert before[("payment", "staging")][0] == "1.5.0"
    assert "demo-10" not in page(shop, "/matrix?at=2026-10-14T00:00")
    staged = matrix_cells(page(shop, "/matrix?stage=prod"))
    assert {e for _, e in staged} == {"prod"}
    owned = matrix_cells(page(shop, "/matrix?team=payments"))
    assert {c for c, _ in owned} == {"currency", "payment", "checkout"}
    assert matrix_cells(page(shop, "/applications/shop/matrix")) == matrix_cells(
        page(shop, "/matrix")
    )
    assert "Version matrix of shop" in page(shop, "/applications/shop/matrix")
    page(shop, "/matrix?stage=qa", 400)
    page(shop, "/matrix?at=yesterday", 400)
    page(shop, "/matrix?team=nobody", 404)


def test_matrix_of_an_application_shows_only_its_components_and_offers_every_filter(shop):
    shop.post(
        "/api/v1/components/ledger/versions",
        json={"version": "2.0.0+build.7", "applications": ["back-office"]},
    )
    shop.post(
        "/api/v1/deployments",
        json={"environment": "prod", "status": "succeeded",
              "components": [{"component": "ledger", "version": "2.0.0+build.7"}]},
    )
    everything = matrix_cells(page(shop, "/matrix"))
    assert everything[("ledger", "prod")] == ("2.0.0+build.7", set())
    back_office = page(shop, "/applications/back-office/matrix")
    assert {c for c, _ in matrix_cells(back_office)} == {"ledger"}
    # a version's "+" is escaped in its link, or the query would read it as a space
    assert 'href="/components/ledger?version=2.0.0%2Bbuild.7"' in back_office
    assert "ledger" not in {c for c, _ in matrix_cells(page(shop, "/applications/shop/matrix"))}
    # the filters offer every application and team, by name
    html = page(shop, "/matrix")
    offered = html[html.index('<select id="application"') :]
    offered = offered[: offered.index("</select>")]
    assert re.findall(r"<option>([^<]+)</option>", offered) == ["back-office", "shop"]
    teams = html[html.index('<select id="team"') :]
    teams = re.findall(r"<option>([^<]+)</option>", teams[: teams.index("</select>")])
    assert teams == sorted(teams) and "payments" in teams


def test_deployments_queued_come_first_then_the_newest_across_environments(shop, graph):
    """Queued ones lead, by id; then every environment's deployments by start, newest
    first, ties by id (one cancelled before it started by when it was queued: here the
    newest), read page by page as the index gives them."""
    from app.deploy import deployments

    waiting = [
        deployments.enqueue(graph, {"environment": e, "application": "shop", "version": "1.0.6"})[
            0
        ]["id"]
        for e in ("prod", "dev", "staging")
    ]
    deployments.cancel(graph, waiting[1])
    recorded = {
        # 02:00 at -09:00 is 11:00Z: after demo-8, before demo-9, though its text sorts first
        "late": ("staging", "2026-10-23T02:00:00-09:00"),
        "tie-2": ("prod", "2026-10-30T00:00:00Z"),
        "tie-1": ("dev", "2026-10-30T00:00:00Z"),
    }
    for deployment_id, (environment, started) in recorded.items():
        response = shop.post(
            "/api/v1/deployments",
            json={"id": deployment_id, "environment": environment, "status": "succeeded",
                  "application": "shop", "version": "1.0.6",
                  "started_at": started, "finished_at": started},
        )
        assert response.status_code == 201, response.get_json()
    expected = sorted([waiting[0], waiting[2]]) + [waiting[1]] + [
        "demo-10", "tie-1", "tie-2", "demo-9", "late", "demo-8", "demo-7", "demo-6",
        "demo-5", "demo-4", "demo-3", "demo-2", "demo-1",
    ]
    listed = page(shop, "/deployments")
    assert re.findall(r'class="deployment-id" href="/deployments/([^"]+)"', listed) == expected
    paged, offset = [], 0
    while offset is not None:
        body = shop.get(f"/api/v1/deployments?limit=3&offset={offset}").get_json()
        paged += [d["id"] for d in body["items"]]
        offset = body["next_offset"]
    assert paged == expected
    prod = page(shop, "/deployments?environment=prod")
    assert re.findall(r'class="deployment-id" href="/deployments/([^"]+)"', prod) == [
        waiting[0], "tie-2", "demo-7", "demo-6", "demo-3",
    ]
    cancelled = page(shop, "/deployments?status=cancelled")
    assert re.findall(r'class="deployment-id" href="/deployments/([^"]+)"', cancelled) == [
        waiting[1]
    ]
    # a queued deployment counts from when it was queued: today, after every recorded one
    since = page(shop, "/deployments?since=2026-10-30T00:00&status=queued")
    assert re.findall(r'class="deployment-id" href="/deployments/([^"]+)"', since) == sorted(
        [waiting[0], waiting[2]]
    )


def test_matrix_is_in_the_navigation_and_on_the_home_page(shop):
    html = page(shop, "/")
    nav = html[html.index('<nav aria-label="Catalog">') :]
    nav = nav[: nav.index("</nav>")]
    for link in ('href="/matrix"', 'href="/deployments"', 'href="/packages"'):
        assert link in nav
    main = html[html.index("<main") :]
    assert 'href="/matrix"' in main


def test_home_shows_recent_deployments_and_registrations(shop):
    html = page(shop, "/")
    activity = html[html.index('id="activity-title"') :]
    assert activity.index('href="/deployments/demo-10"') < activity.index(
        'href="/deployments/demo-9"'
    )
    registrations = activity[activity.index('id="recent-registrations"') :]
    # payment 1.5.1 is the demo's last registration
    assert registrations.index("/components/payment?version=1.5.1") < registrations.index(
        "/components/shop-db?version=42"
    )


def test_deployments_list_filters_and_links_each_deployment(shop):
    html = page(shop, "/deployments?environment=prod")
    ids = re.findall(r'class="deployment-id" href="/deployments/([^"]+)"', html)
    assert ids == ["demo-7", "demo-6", "demo-3"]
    failed = page(shop, "/deployments?status=failed")
    assert re.findall(r'class="deployment-id" href="/deployments/([^"]+)"', failed) == ["demo-6"]
    assert "matches these filters" in page(shop, "/deployments?environment=nowhere")
    page(shop, "/deployments?status=exploded", 400)
    # times from the page's date-time fields, read as UTC: demo-5 and demo-6 started then
    window = page(shop, "/deployments?since=2026-10-13T00:00&until=2026-10-16T00:00")
    assert re.findall(r'class="deployment-id" href="/deployments/([^"]+)"', window) == [
        "demo-6",
        "demo-5",
    ]
    assert 'value="2026-10-13T00:00"' in window
    page(shop, "/deployments?since=someday", 400)
    environment = page(shop, "/environments/prod")
    assert 'href="/deployments/demo-7"' in environment


def test_a_recorded_deployment_page_shows_what_moved_and_says_it_has_no_log(shop):
    html = page(shop, "/deployments/demo-7")
    assert "status-succeeded" in html and 'href="/environments/prod"' in html
    assert 'href="/applications/shop/versions/1.0.3"' in html
    moves = html[html.index('id="moves-title"') : html.index('id="log-title"')]
    # prod ran shop 1.0.0 before: payment moved 1.4.2 -> 1.5.0, email stayed 1.2.0
    payment = moves[moves.index('/components/payment"') :]
    payment = payment[: payment.index("</tr>")]
    assert "version=1.4.2" in payment and "version=1.5.0" in payment
    assert "(unchanged)" in moves[moves.index('/components/email"') :].split("</tr>")[0]
    assert "A recorded deployment has no log" in html
    assert "https://ci.shop.example/deployments/demo-7" in html
    page(shop, "/deployments/nope", 404)


def test_a_deployment_recorded_without_times_shows_what_it_replaced(shop):
    """Recorded now, without times: it starts and finishes at the same instant, which
    must not count it as what ran before it."""
    response = shop.post(
        "/api/v1/deployments",
        json={"environment": "prod", "status": "succeeded", "application": "shop",
              "version": "1.0.8"},
    )
    assert response.status_code == 201, response.get_json()
    html = page(shop, f"/deployments/{response.get_json()['id']}")
    moves = html[html.index('id="moves-title"') : html.index('id="log-title"')]
    # prod ran shop 1.0.3: payment 1.5.0 -> 1.5.1, cart 4.1.0 -> 4.2.0, email stays 1.2.0
    payment = moves[moves.index('/components/payment"') :].split("</tr>")[0]
    assert "version=1.5.0" in payment and "version=1.5.1" in payment
    cart = moves[moves.index('/components/cart"') :].split("</tr>")[0]
    assert "version=4.1.0" in cart and "version=4.2.0" in cart
    assert "(unchanged)" in moves[moves.index('/components/email"') :].split("</tr>")[0]
    assert "not there before" not in moves


def test_a_deployment_log_is_served_from_an_offset(shop, graph):
    from app.deploy import deployments

    plan, _ = deployments.enqueue(
        graph, {"environment": "dev", "application": "shop", "version": "1.0.6"}
    )
    html = page(shop, f"/deployments/{plan['id']}")
    assert 'id="deployment-log"' in html and 'data-done="false"' in html
    assert "/assets/log.js" in html
    answer = shop.get(f"/deployments/{plan['id']}/log.json?offset=0").get_json()
    assert answer["done"] is False and answer["next_offset"] == 0 and answer["text"] == ""
    assert shop.get(f"/deployments/{plan['id']}/log.json?offset=-1").status_code == 400


def test_application_version_page_says_where_it_runs_and_ran(shop):
    html = page(shop, "/applications/shop/versions/1.0.3")
    where = html[html.index('id="where-title"') : html.index('id="bom-title"')]
    runs_now = where[: where.index("</p>")]
    assert 'href="/environments/prod"' in runs_now and "/environments/dev" not in runs_now
    for deployment in ("demo-4", "demo-5", "demo-6", "demo-7"):
        assert f'href="/deployments/{deployment}"' in where
    assert 'href="/applications/shop/matrix"' in where
    newest = page(shop, "/applications/shop/versions/1.0.8")
    assert "Runs now in" in newest and 'href="/deployments/demo-10"' in newest


def test_packages_are_listed_with_ecosystem_and_licences(shop):
    html = page(shop, "/packages")
    table = html[html.index('id="packages"') :]
    row = table[table.index(">log4j-core<") :].split("</tr>")[0]
    assert ">maven<" in row and ">Apache-2.0<" in row
    assert ">2.14.1</a>" in row and ">2.17.1</a>" in row
    flask = page(shop, "/packages?prefix=fla")
    assert ">flask<" in flask and ">log4j-core<" not in flask and ">BSD-3-Clause<" in flask
    purl = "pkg:pypi/flask@3.0.0"
    details = page(shop, f"/packages/{purl}")
    about = details[details.index('id="package-details"') :].split("</table>")[0]
    assert ">pypi<" in about and ">BSD-3-Clause<" in about
    assert 'href="/packages/pkg:pypi/flask@3.0.3"' in about
