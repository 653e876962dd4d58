"""Backstage both ways: the catalog exported as entities that Backstage's own validators
(@backstage/catalog-model, run with node) accept, and Backstage descriptor files imported —
owners, lifecycle, systems as applications — with invalid entities named and left out."""

from __future__ import annotations

import http.server
import json
import shutil
import subprocess
import threading
import time
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from app.admin import demo
from app.backstage import entities
from app.cli import cli
from app.cli.catalogs import LocalCatalog
from tests.catalog import put_environment, register

ORACLE = Path(__file__).resolve().parent / "oracles" / "backstage"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "backstage"
CATALOG = FIXTURES / "catalog-info.yaml"


def backstage_says(found: list[dict]) -> list[dict]:
    """What @backstage/catalog-model's policies and kind validators say of each entity."""
    if not (ORACLE / "node_modules" / "@backstage" / "catalog-model").is_dir():
        subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=ORACLE, check=True
        )
    done = subprocess.run(
        [shutil.which("node") or "node", "validate.js"],
        cwd=ORACLE,
        input=json.dumps(found),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(done.stdout)


def footprint(raw_cypher) -> dict:
    return raw_cypher(
        "RETURN COUNT { MATCH (n) } AS nodes, COUNT { ()-[r]->() } AS edges, "
        "collect { MATCH (n) RETURN properties(n) } AS props"
    )[0]


@pytest.fixture
def env(settings, tmp_path):
    """Environment variables that point the CLI at the test Neo4j."""
    return {
        "MERCATOR_NEO4J_URI": settings.neo4j_uri,
        "MERCATOR_NEO4J_USER": settings.neo4j_user,
        "MERCATOR_NEO4J_PASSWORD": settings.neo4j_password,
        "MERCATOR_NEO4J_HOME": str(tmp_path / "no-local-server"),
    }


@pytest.fixture
def demo_catalog(graph):
    demo.load(LocalCatalog(graph))
    return graph


def test_every_exported_entity_of_the_demo_is_valid_by_backstages_rules(demo_catalog, client):
    response = client.get("/api/v1/backstage/entities")
    assert response.status_code == 200
    items = response.get_json()["items"]
    kinds = sorted({e["kind"] for e in items})
    assert kinds == ["Component", "Group", "System"]
    teams = client.get("/api/v1/teams?limit=500").get_json()["items"]
    assert sum(e["kind"] == "Group" for e in items) == len(teams)
    verdicts = backstage_says(items)
    assert [v for v in verdicts if not v["ok"]] == []


def test_an_exported_component_says_its_latest_version_where_it_runs_and_links_back(client):
    put_environment(client, "prod", stage="prod")
    register(client, "payments-api", "1.0.0", owner="payments", applications=["shop"])
    register(client, "ledger", "2.0.0")
    register(client, "payments-api", "1.1.0", dependencies=[{"component": "ledger"}])
    client.post(
        "/api/v1/deployments",
        json={"environment": "prod", "status": "succeeded",
              "components": [{"component": "payments-api", "version": "1.0.0"}]},
    )  # fmt: skip
    items = client.get("/api/v1/backstage/entities").get_json()["items"]
    (component,) = [e for e in items if e["metadata"]["name"] == "payments-api"]
    annotations = component["metadata"]["annotations"]
    assert annotations["mercator.dev/latest-version"] == "1.1.0"
    assert annotations["mercator.dev/running"] == "prod=1.0.0"
    assert component["metadata"]["links"] == [
        {"url": "http://localhost/components/payments-api", "title": "Mercator"}
    ]
    assert component["spec"]["owner"] == "group:default/payments"
    assert component["spec"]["system"] == "system:default/shop"
    assert component["spec"]["dependsOn"] == ["component:default/ledger"]


def test_names_backstage_refuses_are_shortened_and_still_valid(client):
    register(client, "odd--name-", "1.0.0", owner="team_", expect=None)
    register(client, "x" * 80, "1.0.0")
    items = client.get("/api/v1/backstage/entities").get_json()["items"]
    names = sorted(e["metadata"]["name"] for e in items)
    assert names == sorted(["odd-name", "team", "x" * 63])
    assert all(v["ok"] for v in backstage_says(items)), backstage_says(items)


def test_the_yaml_export_is_what_a_backstage_url_location_reads(demo_catalog, client):
    response = client.get("/api/v1/backstage/entities?format=yaml")
    assert response.mimetype == "application/yaml"
    documents = list(yaml.safe_load_all(response.get_data(as_text=True)))
    assert documents == client.get("/api/v1/backstage/entities").get_json()["items"]


def _descriptor_entities() -> list[dict]:
    found = []
    for path in sorted(FIXTURES.glob("*.yaml")):
        found += [d for d in yaml.safe_load_all(path.read_text()) if d]
    return found


def test_the_descriptor_files_are_valid_by_backstages_rules():
    verdicts = backstage_says(_descriptor_entities())
    assert all(v["ok"] for v in verdicts), verdicts


def test_importing_descriptor_files_brings_owners_systems_and_kinds(graph, client, env):
    register(client, "payments-api", "1.4.2")  # has a version: joins shop at once
    result = CliRunner().invoke(cli, ["backstage", "import", str(CATALOG)], env=env)
    assert result.exit_code == 0, result.output
    team = client.get("/api/v1/teams/payments").get_json()
    assert (team["email"], team["chat"], team["pager"]) == (
        "payments@shop.example",
        "#payments",
        "PX1234",
    )
    api = client.get("/api/v1/components/payments-api").get_json()
    assert (api["kind"], api["owner"], api["description"]) == (
        "service",
        "payments",
        "Takes payments",
    )
    web = client.get("/api/v1/components/storefront-web").get_json()
    assert (web["kind"], web["owner"]) == ("service", "storefront")
    db = client.get("/api/v1/components/payments-db").get_json()
    assert (db["kind"], db["owner"]) == ("database", "payments")
    shop = client.get("/api/v1/applications/shop").get_json()
    assert (shop["owner"], shop["description"]) == ("storefront", "The web shop")
    members = client.get(f"/api/v1/applications/shop/versions/{shop['latest_version']}")
    assert [m["component"] for m in members.get_json()["components"]] == ["payments-api"]
    assert "joined: payments-api 1.4.2 → shop" in result.output
    assert "waiting for a first version to join: storefront-web → shop" in result.output
    assert "skipped:" in result.output and "User 'jane'" in result.output
    exported = client.get("/api/v1/backstage/entities").get_json()["items"]
    (web_entity,) = [e for e in exported if e["metadata"]["name"] == "storefront-web"]
    assert web_entity["spec"]["lifecycle"] == "experimental"
    assert web_entity["spec"]["system"] == "system:default/shop"
    assert all(v["ok"] for v in backstage_says(exported))


def test_a_second_import_of_the_same_files_changes_nothing(graph, env, raw_cypher):
    first = CliRunner().invoke(cli, ["backstage", "import", str(CATALOG)], env=env)
    assert first.exit_code == 0, first.output
    before = footprint(raw_cypher)
    again = CliRunner().invoke(cli, ["backstage", "import", str(CATALOG)], env=env)
    assert again.exit_code == 0, again.output
    assert footprint(raw_cypher) == before


def declared(raw_cypher) -> list[tuple[str, str, list[str]]]:
    return [
        (r["a"], r["b"], r["via"])
        for r in raw_cypher(
            "MATCH (a:Component)-[d:DECLARED_DEPENDENCY]->(b) "
            "RETURN a.name AS a, b.name AS b, d.via AS via ORDER BY a, b"
        )
    ]


def test_depends_on_and_apis_become_declared_dependencies_that_reach_the_next_version(
    graph, client, env, raw_cypher
):
    register(client, "payments-api", "1.4.2")  # registered before: keeps its own (none)
    result = CliRunner().invoke(cli, ["backstage", "import", str(CATALOG)], env=env)
    assert result.exit_code == 0, result.output
    assert declared(raw_cypher) == [
        ("payments-api", "currency", ["api:currency-grpc"]),
        ("payments-api", "payments-db", ["dependsOn"]),
        ("storefront-web", "payments-api", ["api:payments-rest"]),
    ]
    assert "declared: storefront-web → payments-api (api:payments-rest)" in result.output
    assert "its next version registered without dependencies of its own gets them" in (
        result.output
    )
    assert (
        client.get("/api/v1/components/payments-api/versions/1.4.2").get_json()["dependencies"]
        == []
    )

    # A version registered without dependencies gets the declared ones; a retry is fine.
    register(client, "storefront-web", "2.0.0")
    register(client, "storefront-web", "2.0.0", expect=200)
    version = client.get("/api/v1/components/storefront-web/versions/2.0.0").get_json()
    assert [d["component"] for d in version["dependencies"]] == ["payments-api"]
    radius = client.get("/api/v1/components/payments-api/blast-radius").get_json()
    assert [c["component"] for c in radius["consumers"]] == ["storefront-web"]
    # One naming its own keeps them.
    register(client, "payments-api", "1.5.0", dependencies=[{"component": "currency"}])
    own = client.get("/api/v1/components/payments-api/versions/1.5.0").get_json()
    assert [d["component"] for d in own["dependencies"]] == ["currency"]
    register(client, "payments-api", "1.5.1")
    defaulted = client.get("/api/v1/components/payments-api/versions/1.5.1").get_json()
    assert [d["component"] for d in defaulted["dependencies"]] == ["currency", "payments-db"]

    # The export says them: the latest version's, else the declared ones.
    exported = {
        e["metadata"]["name"]: e
        for e in client.get("/api/v1/backstage/entities").get_json()["items"]
    }
    assert exported["storefront-web"]["spec"]["dependsOn"] == ["component:default/payments-api"]
    assert exported["currency"]["spec"].get("dependsOn") is None
    assert all(v["ok"] for v in backstage_says(list(exported.values())))


def test_a_dependency_dropped_from_the_files_is_dropped_and_strays_are_named(
    graph, env, raw_cypher, tmp_path
):
    def entity(name: str, **spec) -> dict:
        spec = {"type": "service", "lifecycle": "production", "owner": "ops", **spec}
        return {
            "apiVersion": "backstage.io/v1alpha1",
            "kind": "Component",
            "metadata": {"name": name},
            "spec": spec,
        }

    path = tmp_path / "catalog-info.yaml"
    path.write_text(yaml.safe_dump_all([
        entity("web", dependsOn=["component:api", "system:shop", "resource:db"],
               consumesApis=["nobody-provides"]),
        entity("api"),
    ]))  # fmt: skip
    assert all(v["ok"] for v in backstage_says(list(yaml.safe_load_all(path.read_text()))))
    first = CliRunner().invoke(cli, ["backstage", "import", str(path)], env=env)
    assert first.exit_code == 0, first.output
    assert [(a, b) for a, b, _ in declared(raw_cypher)] == [("web", "api"), ("web", "db")]
    assert "not a dependency: web depends on system:shop, which is no component" in first.output
    assert "web consumes API nobody-provides, which no component provides" in first.output

    path.write_text(yaml.safe_dump_all([entity("web", dependsOn=["component:api"]), entity("api")]))
    again = CliRunner().invoke(cli, ["backstage", "import", str(path)], env=env)
    assert again.exit_code == 0, again.output
    assert [(a, b) for a, b, _ in declared(raw_cypher)] == [("web", "api")]


INVALID = [
    {"apiVersion": "backstage.io/v1alpha1", "kind": "Component", "metadata": {"name": "ends-"},
     "spec": {"type": "service", "lifecycle": "production", "owner": "payments"}},
    {"apiVersion": "backstage.io/v1alpha1", "kind": "Component", "metadata": {"name": "a" * 64},
     "spec": {"type": "service", "lifecycle": "production", "owner": "payments"}},
    {"apiVersion": "backstage.io/v1alpha1", "kind": "Component", "metadata": {"name": "nolife"},
     "spec": {"type": "service", "owner": "payments"}},
    {"apiVersion": "backstage.io/v1alpha1", "kind": "System", "metadata": {"name": "noowner"},
     "spec": {}},
    {"apiVersion": "backstage.io/v1alpha1", "kind": "Group", "metadata": {"name": "nochildren"},
     "spec": {"type": "team"}},
    {"apiVersion": "backstage.io/v1alpha1", "kind": "Component",
     "metadata": {"name": "badns", "namespace": "Not_Valid"},
     "spec": {"type": "service", "lifecycle": "production", "owner": "payments"}},
    {"apiVersion": "backstage.io/v1alpha1", "kind": "Component",
     "metadata": {"name": "badannotation", "annotations": {"a b": "x"}},
     "spec": {"type": "service", "lifecycle": "production", "owner": "payments"}},
    {"apiVersion": "backstage.io/v1alpha1", "kind": "Component", "metadata": {"name": "extra"},
     "spec": {"type": "service", "lifecycle": "production", "owner": "payments"}, "oops": 1},
    {"apiVersion": "backstage.io/v1alpha1", "kind": "Resource", "metadata": {"name": "res"},
     "spec": {"type": "database"}},
    {"apiVersion": "backstage.io/v1alpha1", "kind": "Component", "metadata": {"name": "deps"},
     "spec": {"type": "service", "lifecycle": "production", "owner": "payments",
              "dependsOn": "component:ledger"}},
    {"apiVersion": "backstage.io/v1alpha1", "kind": "Component", "metadata": {"name": "apis"},
     "spec": {"type": "service", "lifecycle": "production", "owner": "payments",
              "consumesApis": [""]}},
    {"apiVersion": "backstage.io/v1alpha1", "kind": "Component", "metadata": {"name": "provides"},
     "spec": {"type": "service", "lifecycle": "production", "owner": "payments",
              "providesApis": [7]}},
    {"apiVersion": "backstage.io/v1alpha1", "kind": "Resource", "metadata": {"name": "resdeps"},
     "spec": {"type": "database", "owner": "payments", "dependsOn": [""]}},
]  # fmt: skip
VALID = [
    {"apiVersion": "backstage.io/v1alpha1", "kind": "Component", "metadata": {"name": "fine"},
     "spec": {"type": "service", "lifecycle": "production", "owner": "payments"}},
    {"apiVersion": "backstage.io/v1alpha1", "kind": "Group", "metadata": {"name": "team-a"},
     "spec": {"type": "team", "children": []}},
    {"apiVersion": "backstage.io/v1alpha1", "kind": "Component", "metadata": {"name": "wired"},
     "spec": {"type": "service", "lifecycle": "production", "owner": "payments",
              "dependsOn": ["resource:db"], "consumesApis": ["a"], "providesApis": []}},
]  # fmt: skip


def test_the_import_refuses_exactly_the_entities_backstage_refuses():
    cases = INVALID + VALID
    backstage = [v["ok"] for v in backstage_says(cases)]
    mercator = [entities.entity_problem(e) is None for e in cases]
    assert mercator == backstage
    assert backstage == [False] * len(INVALID) + [True] * len(VALID)


def test_an_invalid_entity_is_named_with_file_and_line_and_the_rest_go_in(
    graph, client, env, tmp_path
):
    path = tmp_path / "catalog-info.yaml"
    path.write_text(yaml.safe_dump_all([VALID[0], INVALID[0]], sort_keys=False))
    result = CliRunner().invoke(cli, ["backstage", "import", str(path)], env=env)
    assert result.exit_code == 0, result.output
    line = 1 + yaml.safe_dump(VALID[0], sort_keys=False).count("\n") + 1  # after the ---
    assert f"refused: {path}:{line}: Component 'ends-'" in result.stderr
    assert client.get("/api/v1/components/fine").status_code == 200
    assert client.get("/api/v1/components/ends-").status_code == 404


def test_a_catalog_of_1000_entities_imports_in_seconds_and_exports_valid(
    graph, env, tmp_path, client
):
    documents = [
        {"apiVersion": "backstage.io/v1alpha1", "kind": "Group", "metadata": {"name": f"team-{t}"},
         "spec": {"type": "team", "profile": {"email": f"t{t}@shop.example"}, "children": []}}
        for t in range(50)
    ] + [
        {"apiVersion": "backstage.io/v1alpha1", "kind": "System", "metadata": {"name": f"app-{s}"},
         "spec": {"owner": f"group:default/team-{s}"}}
        for s in range(50)
    ] + [
        {"apiVersion": "backstage.io/v1alpha1", "kind": "Component",
         "metadata": {"name": f"svc-{c}", "description": f"Service {c}"},
         "spec": {"type": "service", "lifecycle": "production", "owner": f"team-{c % 50}",
                  "system": f"app-{c % 50}", "providesApis": [f"api-{c}"],
                  "dependsOn": [f"component:svc-{(c + 1) % 900}"],
                  "consumesApis": [f"api-{(c + 7) % 900}"]}}
        for c in range(900)
    ]  # fmt: skip
    path = tmp_path / "catalog-info.yaml"
    path.write_text(yaml.safe_dump_all(documents, sort_keys=False))
    started = time.monotonic()
    result = CliRunner().invoke(cli, ["backstage", "import", str(path)], env=env)
    elapsed = time.monotonic() - started
    assert result.exit_code == 0, result.output
    print(f"importing 1,000 Backstage entities took {elapsed:.1f} s")
    assert elapsed < 60
    assert "components: 900 created" in result.output
    assert result.output.count("declared: ") == 1800
    exported = client.get("/api/v1/backstage/entities").get_json()["items"]
    assert len(exported) == 1000
    assert all(v["ok"] for v in backstage_says(exported))


@pytest.fixture
def catalog_server(tmp_path):
    """A web server on 127.0.0.1 serving a folder (as a Git host serves raw files), with
    the paths it was asked for."""
    folder = tmp_path / "served"
    folder.mkdir()
    asked: list[str] = []

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(folder), **kwargs)

        def do_GET(self):  # noqa: N802 (http.server's name)
            asked.append(self.path)
            super().do_GET()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield folder, f"http://127.0.0.1:{server.server_address[1]}", asked
    server.shutdown()
    server.server_close()


def test_location_urls_are_fetched_and_their_relative_targets_read_from_the_same_server(
    graph, client, env, tmp_path, catalog_server
):
    folder, base, asked = catalog_server
    (folder / "shop").mkdir()
    for name in ("org.yaml", "systems.yaml", "components.yaml"):
        shutil.copy(FIXTURES / name, folder / "shop" / name)
    # The served Location names its files relatively, as Backstage's example catalog does.
    shutil.copy(CATALOG, folder / "shop" / "catalog-info.yaml")
    root = tmp_path / "catalog-info.yaml"
    root.write_text(yaml.safe_dump_all([
        {"apiVersion": "backstage.io/v1alpha1", "kind": "Location",
         "metadata": {"name": "remote"},
         "spec": {"type": "url", "targets": [f"{base}/shop/catalog-info.yaml",
                                             f"{base}/gone.yaml", "s3://bucket/x.yaml"]}},
    ]))  # fmt: skip
    assert all(v["ok"] for v in backstage_says(list(yaml.safe_load_all(root.read_text()))))
    result = CliRunner().invoke(cli, ["backstage", "import", str(root)], env=env)
    assert result.exit_code == 0, result.output
    assert sorted(asked) == [
        "/gone.yaml", "/shop/catalog-info.yaml", "/shop/components.yaml", "/shop/org.yaml",
        "/shop/systems.yaml",
    ]  # fmt: skip
    assert client.get("/api/v1/teams/payments").get_json()["email"] == "payments@shop.example"
    assert client.get("/api/v1/components/payments-api").get_json()["owner"] == "payments"
    assert f"refused: {base}/gone.yaml: cannot be fetched: HTTP 404" in result.stderr
    assert "Location target 's3://bucket/x.yaml': only http(s) URLs" in result.stderr
    # An entity read from a URL is named by its URL and line.
    (folder / "bad.yaml").write_text(yaml.safe_dump(INVALID[0], sort_keys=False))
    bad = CliRunner().invoke(cli, ["backstage", "import", f"{base}/bad.yaml"], env=env)
    assert bad.exit_code == 0, bad.output
    assert f"refused: {base}/bad.yaml:1: Component 'ends-'" in bad.stderr
    missing = CliRunner().invoke(cli, ["backstage", "import", str(tmp_path / "nope.yaml")], env=env)
    assert missing.exit_code != 0 and "is no file" in missing.output


def test_a_git_hosts_file_page_is_read_raw():
    assert entities.raw_url("https://github.com/acme/shop/blob/main/catalog/all.yaml") == (
        "https://raw.githubusercontent.com/acme/shop/main/catalog/all.yaml"
    )
    assert entities.raw_url("https://gitlab.example.com/acme/shop/-/blob/main/all.yaml") == (
        "https://gitlab.example.com/acme/shop/-/raw/main/all.yaml"
    )
    plain = "https://catalog.example.com/catalog-info.yaml"
    assert entities.raw_url(plain) == plain
