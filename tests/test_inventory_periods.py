"""Since when does this run?" has one answer everywhere: a redeployment of the version
already running does not restart it; and what each environment has deployed now of each
application (DEPLOYED_NOW) follows the latest succeeded deployment, however late it was
recorded. Both are kept by the writes, and built by the migration for an older graph."""

from __future__ import annotations

import pytest

from app.admin import database, demo
from app.cli.catalogs import LocalCatalog
from app.graph import schema
from app.graph.db import _plain
from app.reports import matrix
from app.transfer import export_catalog
from tests.catalog import deploy, put_environment, register


def _inventory(client, environment, at=None):
    path = f"/api/v1/environments/{environment}/inventory" + (f"?at={at}" if at else "")
    response = client.get(path)
    assert response.status_code == 200, response.get_json()
    return {r["component"]: r for r in response.get_json()["running"]}


def _every_answer(client, graph, environment: str) -> dict[str, set[tuple[str, str, str]]]:
    """(component, version, since) of what `environment` runs now, as each place says it."""
    now = _inventory(client, environment)
    latest = max(r["last_deployed_at"] for r in now.values())
    places = {
        "inventory now": {(c, r["version"], r["since"]) for c, r in now.items()},
        "inventory at the last deployment": {
            (c, r["version"], r["since"])
            for c, r in _inventory(client, environment, latest.replace("+", "%2B")).items()
        },
        "env show": {
            (r["component"], r["version"], r["since"])
            for r in client.get(f"/api/v1/environments/{environment}").get_json()["running"]
        },
        "matrix": {
            (row["component"], cell["version"], cell["since"])
            for row in matrix.matrix(graph, limit=500)["components"]
            for cell in row["cells"]
            if cell and cell["environment"] == environment
        },
        "export": {
            (run["component"], run["version"], run["since"])
            for run in export_catalog(graph)["runs"]
            if run["environment"] == environment
        },
    }
    where = set()
    for component in now:
        body = client.get(f"/api/v1/components/{component}/whereabouts").get_json()
        for place in body["environments"]:
            if place["environment"] == environment and place["running_now"]:
                period = place["history"][0]
                where.add((component, period["version"], period["from"]))
    places["where"] = where
    return places


@pytest.fixture
def redeployed(client):
    """prod got api 1.0.0 on its own, then shop 1.0.1 (api 1.0.0 and ui 1.0.0)."""
    put_environment(client, "prod", stage="prod")
    register(client, "api", "1.0.0", applications=["shop"])
    register(client, "ui", "1.0.0", applications=["shop"])
    deploy(client, id="api-first", environment="prod", status="succeeded",
           components=[{"component": "api", "version": "1.0.0"}],
           started_at="2026-10-01T10:00:00Z", finished_at="2026-10-01T10:05:00Z")
    deploy(client, id="shop-later", environment="prod", status="succeeded", application="shop",
           version="1.0.1", started_at="2026-10-05T10:00:00Z", finished_at="2026-10-05T10:05:00Z")
    return client


def test_a_redeployment_keeps_since_and_names_the_latest_deployment(redeployed):
    api = _inventory(redeployed, "prod")["api"]
    assert (api["since"], api["deployment"]) == ("2026-10-01T10:05:00Z", "api-first")
    assert (api["last_deployed_at"], api["last_deployment"]) == (
        "2026-10-05T10:05:00Z", "shop-later")
    ui = _inventory(redeployed, "prod")["ui"]
    assert (ui["since"], ui["deployment"], ui["last_deployment"]) == (
        "2026-10-05T10:05:00Z", "shop-later", "shop-later")
    then = _inventory(redeployed, "prod", "2026-10-06T00:00:00Z")["api"]
    assert {k: then[k] for k in api} == api


def test_every_place_agrees_on_since(redeployed, graph):
    places = _every_answer(redeployed, graph, "prod")
    assert places["inventory now"] == {
        ("api", "1.0.0", "2026-10-01T10:05:00Z"), ("ui", "1.0.0", "2026-10-05T10:05:00Z")}
    for name, answer in places.items():
        assert answer == places["inventory now"], name


def _api(client, deployment_id, version, day):
    deploy(client, id=deployment_id, environment="prod", status="succeeded",
           components=[{"component": "api", "version": version}],
           started_at=f"2026-10-{day:02}T10:00:00Z", finished_at=f"2026-10-{day:02}T10:05:00Z")


def test_a_late_recording_of_another_version_restarts_the_period_it_interrupted(redeployed):
    """api 1.0.0 arrived on the 1st and again on the 5th; a deployment of api 1.1.0 on the
    3rd, recorded only now, interrupted it: 1.0.0 runs (the 5th is the latest) since the
    5th, as the history at any later time says."""
    register(redeployed, "api", "1.1.0")
    _api(redeployed, "api-between", "1.1.0", 3)
    api = _inventory(redeployed, "prod")["api"]
    assert (api["version"], api["since"], api["deployment"]) == (
        "1.0.0", "2026-10-05T10:05:00Z", "shop-later")
    then = _inventory(redeployed, "prod", "2026-10-06T00:00:00Z")["api"]
    assert {k: then[k] for k in api} == api


def test_a_late_recording_of_an_earlier_arrival_does_not_bridge_another_version(redeployed):
    """api 1.1.0 ran from the 3rd; 1.0.0 came back on the 5th. A deployment of 1.0.0 on the
    2nd, recorded only now, does not make 1.0.0 run since the 2nd: 1.1.0 ran in between."""
    register(redeployed, "api", "1.1.0")
    _api(redeployed, "api-between", "1.1.0", 3)
    _api(redeployed, "api-early", "1.0.0", 2)
    api = _inventory(redeployed, "prod")["api"]
    assert (api["since"], api["deployment"]) == ("2026-10-05T10:05:00Z", "shop-later")
    then = _inventory(redeployed, "prod", "2026-10-06T00:00:00Z")["api"]
    assert {k: then[k] for k in api} == api


def test_a_late_recording_of_an_earlier_uninterrupted_arrival_moves_since_back(client):
    put_environment(client, "prod", stage="prod")
    register(client, "api", "1.0.0")
    _api(client, "api-second", "1.0.0", 5)
    _api(client, "api-first", "1.0.0", 1)
    api = _inventory(client, "prod")["api"]
    assert (api["since"], api["deployment"], api["last_deployment"]) == (
        "2026-10-01T10:05:00Z", "api-first", "api-second")


def test_on_the_demo_every_place_agrees_on_since(client, graph):
    demo.load(LocalCatalog(graph))
    for environment in ("prod", "staging", "dev"):
        places = _every_answer(client, graph, environment)
        assert places["inventory now"], environment
        for name, answer in places.items():
            assert answer == places["inventory now"], (environment, name)


def _deployed_now(raw_cypher) -> set[tuple[str, str, str, str]]:
    return {
        (row["e"], row["a"], row["v"], row["d"])
        for row in raw_cypher(
            "MATCH (e:Environment)-[n:DEPLOYED_NOW]->(av:ApplicationVersion) "
            "RETURN e.name AS e, av.application AS a, av.version AS v, n.deployment AS d"
        )
    }


def test_deployed_now_follows_the_latest_succeeded_deployment(redeployed, raw_cypher):
    register(redeployed, "api", "1.1.0", applications=["shop"])  # shop 1.0.2
    assert _deployed_now(raw_cypher) == {("prod", "shop", "1.0.1", "shop-later")}
    deploy(redeployed, id="shop-failed", environment="prod", status="failed", application="shop",
           version="1.0.2", started_at="2026-10-06T10:00:00Z", finished_at="2026-10-06T10:05:00Z")
    assert _deployed_now(raw_cypher) == {("prod", "shop", "1.0.1", "shop-later")}
    # Recorded late: finished before the one deployed now, so it changes nothing.
    deploy(redeployed, id="shop-late", environment="prod", status="succeeded", application="shop",
           version="1.0.2", started_at="2026-10-02T10:00:00Z", finished_at="2026-10-02T10:05:00Z")
    assert _deployed_now(raw_cypher) == {("prod", "shop", "1.0.1", "shop-later")}
    deploy(redeployed, id="shop-new", environment="prod", status="succeeded", application="shop",
           version="1.0.2", started_at="2026-10-07T10:00:00Z", finished_at="2026-10-07T10:05:00Z")
    assert _deployed_now(raw_cypher) == {("prod", "shop", "1.0.2", "shop-new")}
    radius = redeployed.get("/api/v1/components/api/blast-radius").get_json()
    assert {(a["version"], tuple(a["deployed_in"])) for a in radius["applications"]} == {
        ("1.0.2", ("prod",))}


def _runs(raw_cypher) -> set[tuple]:
    return {
        tuple(row.values())
        for row in raw_cypher(
            "MATCH (e:Environment)-[r:RUNS]->(cv:ComponentVersion) "
            "RETURN e.name AS e, cv.component AS c, cv.version AS v, toString(r.since) AS s, "
            "r.deployment AS d, toString(r.last_deployed_at) AS l, r.last_deployment AS ld"
        )
    }


def test_migration_gives_an_older_graph_periods_and_deployed_now(client, graph, raw_cypher):
    demo.load(LocalCatalog(graph))
    runs, deployed_now = _runs(raw_cypher), _deployed_now(raw_cypher)
    assert deployed_now and runs
    # The graph as schema version 7 left it: no DEPLOYED_NOW, each RUNS edge restarted by
    # the latest deployment that touched it, without the last_* fields.
    raw_cypher("MATCH ()-[n:DEPLOYED_NOW]->() DELETE n")
    raw_cypher(
        "MATCH ()-[r:RUNS]->() WHERE r.last_deployment IS NOT NULL "
        "SET r.since = r.last_deployed_at, r.deployment = r.last_deployment "
        "REMOVE r.last_deployed_at, r.last_deployment"
    )
    raw_cypher("MATCH (m:MercatorSchema {id: 'schema'}) SET m.version = 7")
    assert _runs(raw_cypher) != runs
    assert database.init_schema(graph) == schema.SCHEMA_VERSION
    assert (_runs(raw_cypher), _deployed_now(raw_cypher)) == (runs, deployed_now)
    # Run again (a migration stopped half way is run again): the same graph.
    database.MIGRATIONS[8](graph)
    assert (_runs(raw_cypher), _deployed_now(raw_cypher)) == (runs, deployed_now)


def test_times_read_the_same_as_text_or_as_values(raw_cypher):
    """Reports that return times as text (cheaper to decode) agree with those returning
    them as values, to the nanosecond and the zone offset."""
    texts = ["2026-10-05T10:00:00Z", "2026-10-05T10:00:00.120000Z",
             "2026-10-05T10:00:00.123456789+02:00", "2026-10-05T10:00Z",
             "2026-10-05T10:00:00.5-05:30", "2026-03-01T00:00:00-00:30"]
    for row in raw_cypher(
        "UNWIND $texts AS t RETURN datetime(t) AS value, toString(datetime(t)) AS text",
        texts=texts,
    ):
        assert _plain(row["value"]) == row["text"]
