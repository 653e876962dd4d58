"""Reports on hand-built graphs with known answers, asserted as sets of tuples."""

from __future__ import annotations

import pytest

from app.reports import reports
from tests.catalog import deploy, put_environment, register
from tests.test_http_basics import assert_error_shape


def _radius(client, component, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    response = client.get(f"/api/v1/components/{component}/blast-radius?{query}")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def _consumers(report):
    return {(c["component"], c["version"], c["distance"]) for c in report["consumers"]}


def test_diamond_reaches_the_top_once_at_its_shortest_distance(client):
    register(client, "base", "1.0.0")
    register(client, "left", "1.0.0", dependencies=[{"component": "base"}])
    register(client, "right", "1.0.0", dependencies=[{"component": "base"}])
    register(client, "top", "1.0.0", dependencies=[{"component": "left"}, {"component": "right"}])
    report = _radius(client, "base", version="1.0.0")
    assert _consumers(report) == {("left", "1.0.0", 1), ("right", "1.0.0", 1), ("top", "1.0.0", 2)}
    (top,) = [c for c in report["consumers"] if c["component"] == "top"]
    assert top["path"] in (
        ["base", "left@1.0.0", "top@1.0.0"],
        ["base", "right@1.0.0", "top@1.0.0"],
    )


def test_cycles_terminate_and_the_changed_component_is_not_its_own_consumer(client):
    register(client, "a", "1.0.0", dependencies=[{"component": "b"}])
    register(client, "b", "1.0.0", dependencies=[{"component": "c"}])
    register(client, "c", "1.0.0", dependencies=[{"component": "a"}])
    report = _radius(client, "a", version="1.0.0", depth=10)
    assert _consumers(report) == {("c", "1.0.0", 1), ("b", "1.0.0", 2)}


def test_ranges_that_exclude_the_changed_version_stop_the_blast(client):
    register(client, "lib", "1.0.0")
    register(client, "lib", "2.0.0")
    register(client, "old", "1.0.0", dependencies=[{"component": "lib", "range": ">=1.0.0 <2.0.0"}])
    register(client, "new", "3.0.0", dependencies=[{"component": "lib", "range": "^2.0.0"}])
    register(client, "any", "1.0.0", dependencies=[{"component": "lib"}])
    # A consumer of `new` that only works with new 1.x is not affected through new 3.0.0.
    register(client, "edge", "1.0.0", dependencies=[{"component": "new", "range": "^1.0.0"}])
    register(client, "gateway", "1.0.0", dependencies=[{"component": "new", "range": ">=3"}])

    assert _consumers(_radius(client, "lib", version="2.0.0")) == {
        ("new", "3.0.0", 1),
        ("any", "1.0.0", 1),
        ("gateway", "1.0.0", 2),
    }
    assert _consumers(_radius(client, "lib", version="1.0.0")) == {
        ("old", "1.0.0", 1),
        ("any", "1.0.0", 1),
    }
    # Any change of lib, whatever its version: everything that depends on it.
    assert {c for c, _, _ in _consumers(_radius(client, "lib"))} == {"old", "new", "any", "gateway"}


def test_a_pre_release_reaches_only_ranges_that_name_one_of_its_version(client):
    """npm's rule, in the blast radius's Cypher as in app/core/semver.py: `^1.2` and
    `>=1.0.0 <2.0.0` admit no 2.0.0 pre-release; `>=2.0.0-rc.0` admits 2.0.0-rc.1."""
    register(client, "lib", "1.5.0")
    register(client, "lib", "2.0.0-rc.1")
    register(client, "caret", "1.0.0", dependencies=[{"component": "lib", "range": "^1.2"}])
    register(client, "window", "1.0.0",
             dependencies=[{"component": "lib", "range": ">=1.0.0 <2.0.0"}])
    register(client, "eager", "1.0.0",
             dependencies=[{"component": "lib", "range": ">=2.0.0-rc.0 <3"}])
    assert _consumers(_radius(client, "lib", version="2.0.0-rc.1")) == {("eager", "1.0.0", 1)}
    assert _consumers(_radius(client, "lib", version="1.5.0")) == {
        ("caret", "1.0.0", 1),
        ("window", "1.0.0", 1),
    }


def test_depth_bounds_the_search(client):
    register(client, "s0", "1.0.0")
    for n in range(1, 6):
        register(client, f"s{n}", "1.0.0", dependencies=[{"component": f"s{n - 1}"}])
    assert _consumers(_radius(client, "s0", depth=2)) == {("s1", "1.0.0", 1), ("s2", "1.0.0", 2)}
    assert len(_radius(client, "s0", depth=10)["consumers"]) == 5
    limited = _radius(client, "s0", depth=10, limit=2)
    assert (len(limited["consumers"]), limited["consumer_count"], limited["truncated"]) == (
        2,
        5,
        True,
    )


@pytest.fixture
def estate(client):
    """lib used by api; api in shop and pos; shop 1.0.0 deployed to prod; pos never
    deployed; a failed deployment of shop 1.0.1 to prod."""
    client.put("/api/v1/teams/core", json={"email": "core@example.com", "pager": "core-oncall"})
    client.put("/api/v1/teams/web", json={"chat": "#web"})
    put_environment(client, "prod", stage="prod")
    put_environment(client, "staging", stage="staging")
    register(client, "lib", "1.0.0", owner="core")
    register(
        client,
        "api",
        "1.0.0",
        owner="web",
        applications=["shop", "pos"],
        dependencies=[{"component": "lib", "range": "^1.0.0"}],
    )
    register(client, "ui", "1.0.0", applications=["shop"])
    deploy(
        client,
        environment="prod",
        status="succeeded",
        application="shop",
        version="1.0.1",
        started_at="2026-11-01T10:00:00Z",
        finished_at="2026-11-01T10:05:00Z",
    )
    deploy(
        client,
        environment="staging",
        status="succeeded",
        application="shop",
        version="1.0.1",
        started_at="2026-11-01T09:00:00Z",
        finished_at="2026-11-01T09:05:00Z",
    )
    register(client, "api", "1.1.0", dependencies=[{"component": "lib", "range": "^1.0.0"}])
    deploy(
        client,
        environment="prod",
        status="failed",
        application="shop",
        version="1.0.2",
        started_at="2026-11-02T10:00:00Z",
        finished_at="2026-11-02T10:05:00Z",
    )
    return client


def test_a_version_not_registered_yet_is_evaluated_as_if_it_were(estate):
    """"What if we ship lib 1.9.0, or 2.0.0?": the ranges decide, and the answer says the
    version is hypothetical."""
    register(estate, "cli", "1.0.0", dependencies=[{"component": "lib"}])  # any version
    minor = _radius(estate, "lib", version="1.9.0")
    assert minor["hypothetical"] is True
    assert _consumers(minor) == {("api", "1.0.0", 1), ("api", "1.1.0", 1), ("cli", "1.0.0", 1)}
    assert {(a["application"], a["version"]) for a in minor["applications"]} >= {
        ("shop", "1.0.1")}  # fmt: skip
    major = _radius(estate, "lib", version="2.0.0")
    assert _consumers(major) == {("cli", "1.0.0", 1)}  # ^1.0.0 excludes it
    assert _radius(estate, "lib", version="2.0.0-rc.1")["consumers"] == [
        {"component": "cli", "version": "1.0.0", "distance": 1, "latest": True,
         "path": ["lib", "cli@1.0.0"]}]  # fmt: skip
    registered = _radius(estate, "lib", version="1.0.0")
    assert registered["hypothetical"] is False
    assert _radius(estate, "lib")["hypothetical"] is False  # any change
    # The same as the registered version would give, once it is.
    register(estate, "lib", "1.9.0", owner="core")
    real = _radius(estate, "lib", version="1.9.0")
    assert real.pop("hypothetical") is False and minor.pop("hypothetical") is True
    assert real == minor


def test_blast_radius_lists_applications_environments_and_teams(estate):
    report = _radius(estate, "lib", version="1.0.0")
    assert _consumers(report) == {("api", "1.0.0", 1), ("api", "1.1.0", 1)}
    assert {
        (a["application"], a["version"], a["latest"], tuple(a["deployed_in"]))
        for a in report["applications"]
    } == {
        ("shop", "1.0.2", True, ()),  # latest, failed to deploy
        ("shop", "1.0.1", False, ("prod", "staging")),  # deployed now
        ("pos", "1.0.1", True, ()),  # latest of pos, never deployed
    }
    assert report["environments"] == [
        {"environment": "prod", "stage": "prod", "affected": 1, "truncated": False,
         "running": [{"component": "api", "version": "1.0.0"}]},
        {"environment": "staging", "stage": "staging", "affected": 1, "truncated": False,
         "running": [{"component": "api", "version": "1.0.0"}]},
    ]
    teams = {t["team"]: t for t in report["teams"]}
    assert set(teams) == {"core", "web"}
    assert (teams["core"]["email"], teams["core"]["pager"]) == ("core@example.com", "core-oncall")
    assert set(teams["core"]["owns"]) == {"lib"} and set(teams["web"]["owns"]) == {"api"}
    assert (report["application_count"], report["applications_truncated"]) == (3, False)


def test_blast_radius_lists_its_applications_a_page_at_a_time(estate):
    whole = _radius(estate, "lib", version="1.0.0")
    first = _radius(estate, "lib", version="1.0.0", application_limit=2)
    rest = _radius(estate, "lib", version="1.0.0", application_limit=2, application_offset=2)
    assert first["application_count"] == rest["application_count"] == 3
    assert (first["applications_truncated"], rest["applications_truncated"]) == (True, False)
    assert first["applications"] + rest["applications"] == whole["applications"]
    # The teams still name the owners of every affected application, not of the page's.
    assert rest["teams"] == whole["teams"]


def test_failed_deployment_does_not_move_the_inventory_now_or_then(estate):
    now = estate.get("/api/v1/environments/prod/inventory").get_json()
    assert {(r["component"], r["version"]) for r in now["running"]} == {
        ("api", "1.0.0"),
        ("ui", "1.0.0"),
    }
    then = estate.get("/api/v1/environments/prod/inventory?at=2026-11-03T00:00:00Z").get_json()
    assert {(r["component"], r["version"], r["since"]) for r in then["running"]} == {
        ("api", "1.0.0", "2026-11-01T10:05:00Z"),
        ("ui", "1.0.0", "2026-11-01T10:05:00Z"),
    }
    before = estate.get("/api/v1/environments/prod/inventory?at=2026-10-01T00:00:00Z")
    assert before.get_json()["running"] == []


def test_the_inventory_is_read_a_page_at_a_time_now_and_then(estate, graph):
    """The environment's page reads one page of a large inventory, by component, with the
    number of all; the API's answer (no limit) stays the whole list."""
    for at in (None, "2026-11-03T00:00:00Z"):
        whole = reports.inventory(graph, "prod", at)
        assert [r["component"] for r in whole["running"]] == ["api", "ui"]
        assert "running_count" not in whole
        second = reports.inventory(graph, "prod", at, offset=1, limit=1)
        assert second["running"] == whole["running"][1:] and second["running_count"] == 2
        first = reports.inventory(graph, "prod", at, offset=0, limit=1)
        assert first["running"] == whole["running"][:1]
        assert reports.inventory(graph, "prod", at, offset=5, limit=1)["running"] == []


def test_the_inventory_at_the_instant_a_deployment_finished_holds_it_whatever_the_zones(estate):
    """A pipeline in Berlin says 12:00+02:00; asked for 10:00Z, the same instant, the
    inventory must hold what it deployed (Neo4j orders one instant in two zones as unequal)."""
    register(estate, "ui", "2.0.0")
    deploy(estate, environment="staging", status="succeeded",
           components=[{"component": "ui", "version": "2.0.0"}],
           started_at="2026-11-20T11:55:00+02:00", finished_at="2026-11-20T12:00:00+02:00")

    def ui_at(at: str) -> str:
        body = estate.get(f"/api/v1/environments/staging/inventory?at={at}").get_json()
        return {r["component"]: r["version"] for r in body["running"]}["ui"]

    assert ui_at("2026-11-20T10:00:00Z") == "2.0.0"
    assert ui_at("2026-11-20T09:59:59Z") == "1.0.0"


def test_equal_environments_have_no_difference(estate):
    diff = estate.get("/api/v1/environments/prod/diff?with=staging").get_json()
    assert (diff["only_left"], diff["only_right"], diff["different"], diff["same"]) == (
        [],
        [],
        [],
        2,
    )


def test_environment_difference_and_deployment_plan(estate):
    register(estate, "ui", "2.0.0")
    deploy(estate, environment="staging", status="succeeded", application="shop", version="1.0.3")
    register(estate, "cron", "1.0.0")
    deploy(
        estate,
        environment="prod",
        status="succeeded",
        components=[{"component": "cron", "version": "1.0.0"}],
    )
    diff = estate.get("/api/v1/environments/staging/diff?with=prod").get_json()
    assert {(d["component"], d["left"], d["right"]) for d in diff["different"]} == {
        ("api", "1.1.0", "1.0.0"),
        ("ui", "2.0.0", "1.0.0"),
    }
    assert diff["only_right"] == [{"component": "cron", "version": "1.0.0"}]
    plan = estate.get("/api/v1/applications/shop/versions/1.0.3/plan?environment=prod").get_json()
    assert {(c["component"], c["from"], c["to"]) for c in plan["change"]} == {
        ("api", "1.0.0", "1.1.0"),
        ("ui", "1.0.0", "2.0.0"),
    }
    assert plan["untouched"] == [{"component": "cron", "version": "1.0.0"}]
    assert plan["add"] == [] and plan["unchanged"] == []


def test_never_deployed_component_runs_nowhere(estate):
    register(estate, "batch", "1.0.0")
    where = estate.get("/api/v1/components/batch/whereabouts").get_json()
    assert where == {"component": "batch", "environments": []}
    assert _radius(estate, "batch")["environments"] == []


def test_whereabouts_lists_periods_newest_first(estate):
    deploy(
        estate,
        environment="prod",
        status="succeeded",
        application="shop",
        version="1.0.2",
        started_at="2026-11-05T10:00:00Z",
        finished_at="2026-11-05T10:05:00Z",
    )
    where = estate.get("/api/v1/components/api/whereabouts").get_json()
    prod = next(p for p in where["environments"] if p["environment"] == "prod")
    assert prod["running_now"] == "1.1.0"
    assert [(h["version"], h["from"], h["until"]) for h in prod["history"]] == [
        ("1.1.0", "2026-11-05T10:05:00Z", None),
        ("1.0.0", "2026-11-01T10:05:00Z", "2026-11-05T10:05:00Z"),
    ]
    only = estate.get("/api/v1/components/api/whereabouts?version=1.0.0").get_json()
    assert {p["environment"]: p["running_now"] for p in only["environments"]} == {
        "prod": None,
        "staging": "1.0.0",
    }


def test_bill_of_materials_of_an_application_version(client):
    register(client, "db", "12", kind="database", owner="dba")
    register(
        client,
        "api",
        "1.0.0",
        kind="service",
        owner="web",
        image="reg/api",
        digest="sha256:" + "aa" * 32,
        git_commit="c0ffee0",
        attributes={"tier": "gold"},
        dependencies=[{"component": "db", "range": ">=12"}, {"component": "auth"}],
        applications=["shop"],
    )
    register(
        client,
        "ui",
        "2.0.0",
        applications=["shop"],
        dependencies=[{"component": "api", "range": "^1.0.0"}],
    )
    bom = client.get("/api/v1/applications/shop/versions/1.0.1/bom").get_json()
    assert {(c["component"], c["version"], c["kind"], c["owner"]) for c in bom["components"]} == {
        ("api", "1.0.0", "service", "web"),
        ("ui", "2.0.0", None, None),
    }
    api = next(c for c in bom["components"] if c["component"] == "api")
    assert (api["image"], api["digest"], api["git_commit"], api["attributes"]) == (
        "reg/api",
        "sha256:" + "aa" * 32,
        "c0ffee0",
        {"tier": "gold"},
    )
    assert {
        (e["component"], r["component"], r["range"])
        for e in bom["external_dependencies"]
        for r in e["required_by"]
    } == {("db", "api", ">=12"), ("auth", "api", None)}
    assert bom["packages"] == []
    own = client.get("/api/v1/components/api/versions/1.0.0/bom").get_json()
    assert {(d["component"], d["range"]) for d in own["dependencies"]} == {
        ("auth", None),
        ("db", ">=12"),
    }


def test_difference_of_application_versions_with_component_details(client):
    register(
        client,
        "api",
        "1.0.0",
        digest="sha256:" + "1" * 64,
        attributes={"tier": "gold", "x": "1"},
        dependencies=[{"component": "db", "range": ">=12"}],
        applications=["shop"],
    )
    register(client, "ui", "1.0.0", applications=["shop"])
    register(
        client,
        "api",
        "1.1.0",
        digest="sha256:" + "2" * 64,
        attributes={"tier": "silver", "y": "2"},
        dependencies=[{"component": "db", "range": ">=13"}, {"component": "cache"}],
    )
    client.delete("/api/v1/applications/shop/components/ui")
    register(client, "cron", "1.0.0", applications=["shop"])
    diff = client.get("/api/v1/applications/shop/versions/1.0.1/diff?to=1.0.4").get_json()
    assert diff["added"] == [{"component": "cron", "version": "1.0.0"}]
    assert diff["removed"] == [{"component": "ui", "version": "1.0.0"}]
    assert diff["unchanged"] == 0
    (changed,) = diff["changed"]
    assert (changed["component"], changed["from"], changed["to"]) == ("api", "1.0.0", "1.1.0")
    details = changed["changes"]
    assert {(f["field"], f["from"], f["to"]) for f in details["fields"]} == {
        ("digest", "sha256:" + "1" * 64, "sha256:" + "2" * 64)
    }
    assert details["attributes"] == {
        "added": {"y": "2"},
        "removed": {"x": "1"},
        "changed": {"tier": {"from": "gold", "to": "silver"}},
    }
    assert details["dependencies"]["added"] == [{"component": "cache", "range": None}]
    assert details["dependencies"]["changed"] == [{"component": "db", "from": ">=12", "to": ">=13"}]


def test_an_application_diff_is_one_statement_with_its_components_changes(client, graph):
    """Pasteable into Browser as it is: the changed components' details come from the same
    statement as the added and removed ones, not from a second query."""
    register(client, "api", "1.0.0", attributes={"tier": "gold"}, applications=["shop"])
    register(client, "api", "1.1.0", attributes={"tier": "silver"})  # shop 1.0.1
    ran = []
    graph.observers.append(lambda event: ran.append(event.name))
    try:
        diff = reports.diff_application_versions(graph, "shop", "1.0.0", "1.0.1")
    finally:
        graph.observers.pop()
    assert ran == ["reports/diff_versions"]
    (changed,) = diff["changed"]
    assert changed["changes"]["attributes"]["changed"] == {"tier": {"from": "gold", "to": "silver"}}


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/v1/components/nope/blast-radius", 404),
        ("/api/v1/components/nope/blast-radius?version=9.9.9", 404),
        ("/api/v1/components/api/blast-radius?version=9%209", 400),
        ("/api/v1/components/api/blast-radius?depth=0", 400),
        ("/api/v1/components/api/blast-radius?depth=11", 400),
        ("/api/v1/components/api/blast-radius?limit=0", 400),
        ("/api/v1/components/api/blast-radius?application_limit=0", 400),
        ("/api/v1/components/api/blast-radius?application_limit=10001", 400),
        ("/api/v1/components/api/blast-radius?application_offset=-1", 400),
        ("/api/v1/applications/shop/versions/9/bom", 404),
        ("/api/v1/components/api/versions/9/bom", 404),
        ("/api/v1/applications/shop/versions/1.0.0/diff?to=9", 404),
        ("/api/v1/applications/shop/versions/1.0.0/diff", 400),
        ("/api/v1/components/api/versions/1.0.0/diff?to=9", 404),
        ("/api/v1/environments/prod/diff?with=moon", 404),
        ("/api/v1/environments/moon/inventory", 404),
        ("/api/v1/environments/prod/inventory?at=last-week", 400),
        ("/api/v1/environments/prod/inventory?at=2026-11-01T10:00:00", 400),
        ("/api/v1/applications/shop/versions/1.0.0/plan?environment=moon", 404),
        ("/api/v1/components/nope/whereabouts", 404),
    ],
)
def test_missing_things_are_404_and_bad_parameters_400(client, path, status):
    register(client, "api", "1.0.0", applications=["shop"])
    put_environment(client, "prod", stage="prod")
    assert_error_shape(client.get(path), status, "not_found" if status == 404 else "invalid")


def test_an_offset_beyond_any_catalog_is_a_400_not_a_500(client):
    register(client, "lib", "1.0.0")
    for component in ("lib", "nothing-here"):
        response = client.get(
            f"/api/v1/components/{component}/blast-radius?offset=9095198031240022158441709568"
        )
        assert_error_shape(response, 400, "invalid")
