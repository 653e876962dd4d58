"""VEX statements, and what an application version or a deployment plan would bring.

On the demo with the sample OSV records imported: prod runs shop 1.0.3, whose ads 1.1.0
carries log4j-core 2.14.1 (log4shell, GHSA-jfh8-c2jp-5v3q alias CVE-2021-44228) and
whose payment 1.5.0 carries requests 2.31.0 (GHSA-9wx4-h78v-vm56).
"""

from __future__ import annotations

import json
import re

import pytest
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator

from app.access.scopes import Actor
from app.errors import Conflict, Invalid, NotFound
from app.sbom import vex as cyclonedx_vex
from app.vulns import vex, vulnerabilities
from tests import test_vulns
from tests.test_http_basics import assert_error_shape
from tests.test_vulns import LOG4SHELL, all_samples

#: The fixtures of the vulnerability tests: the demo with the sample records, the CLI.
shop = test_vulns.shop
mercator = test_vulns.mercator

REQUESTS_VULN = "GHSA-9wx4-h78v-vm56"
ME = Actor("tests")
NOT_AFFECTED = {
    "vulnerability": "CVE-2021-44228",
    "component": "ads",
    "version": "1.1.0",
    "status": "not_affected",
    "justification": "code_not_reachable",
    "detail": "ads never logs user input",
    "at": "2026-11-01T10:00:00Z",
}


def say(graph, *statements):
    return vex.set_statements(graph, list(statements), ME)


def rows(report, vulnerability=LOG4SHELL):
    return [r for r in report["exposures"] if r["vulnerability"] == vulnerability]


def statement_count(raw_cypher) -> int:
    return raw_cypher("MATCH (s:VexStatement) RETURN count(s) AS n")[0]["n"]


# -- statements in exposure --------------------------------------------------------------
def test_not_affected_for_ads_hides_log4shell_in_prod_and_all_shows_it_with_why(shop):
    before = vulnerabilities.exposure(shop, "prod")
    assert say(shop, NOT_AFFECTED) == {"received": 1, "recorded": 1, "unchanged": 0}
    after = vulnerabilities.exposure(shop, "prod")
    assert rows(after) == []
    assert after["exposure_count"] == before["exposure_count"] - 1
    assert after["hidden_count"] == 1
    (shown,) = rows(vulnerabilities.exposure(shop, "prod", all=True))
    assert shown["vex"] == {
        "vulnerability": "CVE-2021-44228",
        "component": "ads",
        "version": "1.1.0",
        "package": None,
        "environment": None,
        "status": "not_affected",
        "justification": "code_not_reachable",
        "detail": "ads never logs user input",
        "at": "2026-11-01T10:00:00Z",
    }
    # Another vulnerability of the same component version is still listed.
    assert rows(after, "GHSA-7rjr-3q55-vv33")[0]["vex"] is None


def test_other_statuses_are_shown_with_the_statement_that_applied(shop):
    say(shop, {**NOT_AFFECTED, "status": "affected", "justification": None})
    (row,) = rows(vulnerabilities.exposure(shop, "prod"))
    assert row["vex"]["status"] == "affected"
    assert vulnerabilities.exposure(shop, "prod")["hidden_count"] == 0


def test_a_later_statement_replaces_an_earlier_and_the_history_keeps_both(shop):
    say(shop, NOT_AFFECTED)
    later = {
        **NOT_AFFECTED,
        "status": "affected",
        "justification": None,
        "detail": "it does, via the search box",
        "at": "2026-11-05T10:00:00Z",
    }
    say(shop, later)
    (row,) = rows(vulnerabilities.exposure(shop, "prod"))
    assert row["vex"]["status"] == "affected" and row["vex"]["at"] == "2026-11-05T10:00:00Z"
    # The history is found by the record's other name too.
    history = vex.history(shop, LOG4SHELL)["statements"]
    assert [(s["status"], s["current"]) for s in history] == [
        ("affected", True),
        ("not_affected", False),
    ]
    # An older statement arriving late does not take over.
    say(shop, {**NOT_AFFECTED, "at": "2026-10-20T10:00:00Z"})
    assert rows(vulnerabilities.exposure(shop, "prod"))[0]["vex"]["status"] == "affected"


def test_the_most_specific_statement_applies(shop):
    # Every version of ads, everywhere: not affected ...
    say(shop, {**NOT_AFFECTED, "version": None, "at": "2026-11-10T00:00:00Z"})
    assert rows(vulnerabilities.exposure(shop, "prod")) == []
    # ... but ads 1.1.0 (older statement, more specific) is under investigation.
    say(
        shop,
        {
            **NOT_AFFECTED,
            "status": "under_investigation",
            "justification": None,
            "at": "2026-11-01T00:00:00Z",
        },
    )
    assert rows(vulnerabilities.exposure(shop, "prod"))[0]["vex"]["status"] == (
        "under_investigation"
    )
    # A statement for staging only changes nothing in prod, and wins in staging.
    say(shop, {**NOT_AFFECTED, "environment": "staging", "at": "2026-10-01T00:00:00Z"})
    assert rows(vulnerabilities.exposure(shop, "prod"))[0]["vex"]["environment"] is None
    assert rows(vulnerabilities.exposure(shop, "staging")) == []
    # dev runs ads 1.1.0 too: the version statement applies there as well.
    assert rows(vulnerabilities.exposure(shop, "dev"))[0]["vex"]["version"] == "1.1.0"


def test_a_statement_about_a_vulnerability_imported_later_applies_when_it_arrives(
    graph, raw_cypher
):
    from app.admin import demo
    from app.cli.catalogs import LocalCatalog

    demo.load(LocalCatalog(graph))
    say(graph, NOT_AFFECTED)
    vulnerabilities.import_records(graph, all_samples())
    assert rows(vulnerabilities.exposure(graph, "prod")) == []


# -- recording statements ----------------------------------------------------------------
def test_the_same_statement_again_changes_nothing_a_different_one_is_a_conflict(shop, raw_cypher):
    say(shop, NOT_AFFECTED)
    assert say(shop, NOT_AFFECTED) == {"received": 1, "recorded": 0, "unchanged": 1}
    with pytest.raises(Conflict):
        say(shop, {**NOT_AFFECTED, "detail": "something else"})
    assert statement_count(raw_cypher) == 1


@pytest.mark.parametrize(
    "change, field",
    [
        ({"status": "fine"}, "statements[1].status"),
        ({"justification": None, "detail": None}, "statements[1].justification"),
        ({"status": "affected"}, "statements[1].justification"),
        ({"justification": "because"}, "statements[1].justification"),
        ({"at": "yesterday"}, "statements[1].at"),
        ({"component": ""}, "statements[1].component"),
        ({"colour": "red"}, "statements[1].colour"),
    ],
)
def test_a_bad_statement_is_refused_naming_it_and_nothing_is_written(
    shop, raw_cypher, change, field
):
    good = {**NOT_AFFECTED, "at": "2026-11-02T00:00:00Z"}
    with pytest.raises(Invalid) as caught:
        say(shop, good, {**NOT_AFFECTED, **change})
    assert field in caught.value.details
    assert statement_count(raw_cypher) == 0


@pytest.mark.parametrize(
    "change, named",
    [
        ({"component": "adz"}, "adz"),
        ({"version": "9.9.9"}, "ads@9.9.9"),
        ({"environment": "mars"}, "mars"),
    ],
)
def test_a_statement_about_something_unknown_is_not_found_and_nothing_is_written(
    shop, raw_cypher, change, named
):
    with pytest.raises(NotFound) as caught:
        say(shop, {**NOT_AFFECTED, "at": "2026-11-02T00:00:00Z"}, {**NOT_AFFECTED, **change})
    assert named in caught.value.message
    assert statement_count(raw_cypher) == 0


def test_the_api_records_statements_with_a_register_token_within_its_limits(
    shop, anonymous_client, make_token
):
    body = {"statements": [NOT_AFFECTED]}
    url = "/api/v1/vex/statements"
    read = {"Authorization": f"Bearer {make_token('read')}"}
    other_team = {"Authorization": f"Bearer {make_token('register', team='payments')}"}
    growth_token = make_token("register", team="growth", name="growth-pipeline")
    growth = {"Authorization": f"Bearer {growth_token}"}
    assert anonymous_client.post(url, json=body).status_code == 401
    assert anonymous_client.post(url, json=body, headers=read).status_code == 403
    assert anonymous_client.post(url, json=body, headers=other_team).status_code == 403
    bad = anonymous_client.post(
        url, json={"statements": [{**NOT_AFFECTED, "status": "fine"}]}, headers=growth
    )
    assert bad.status_code == 400, bad.get_json()
    done = anonymous_client.post(url, json=body, headers=growth)
    assert done.status_code == 200 and done.get_json()["recorded"] == 1
    listed = anonymous_client.get("/api/v1/vulnerabilities/CVE-2021-44228/statements").get_json()
    assert [s["actor"] for s in listed["statements"]] == ["growth-pipeline"]
    exposure = anonymous_client.get("/api/v1/environments/prod/vulnerabilities?all=true")
    assert rows(exposure.get_json())[0]["vex"]["status"] == "not_affected"
    assert rows(anonymous_client.get("/api/v1/environments/prod/vulnerabilities").get_json()) == []


# -- CycloneDX VEX -----------------------------------------------------------------------
def cyclonedx_vex_document(**analysis) -> dict:
    return {
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "version": 1,
        "metadata": {"timestamp": "2026-11-01T10:00:00Z"},
        "components": [
            {
                "type": "application",
                "bom-ref": "ads-build",
                "name": "ads",
                "version": "1.1.0",
                "components": [
                    {
                        "type": "library",
                        "bom-ref": "log4j",
                        "name": "log4j-core",
                        "purl": "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1",
                    }
                ],
            }
        ],
        "vulnerabilities": [
            {
                "id": "CVE-2021-44228",
                "analysis": analysis
                or {"state": "not_affected", "justification": "requires_configuration"},
                "affects": [{"ref": "log4j"}],
            }
        ],
    }


def test_a_cyclonedx_vex_document_is_imported_for_one_environment(shop, raw_cypher):
    summary = cyclonedx_vex.import_cyclonedx(shop, cyclonedx_vex_document(), "prod", ME)
    assert summary == {"received": 1, "recorded": 1, "unchanged": 0}
    assert rows(vulnerabilities.exposure(shop, "prod")) == []
    (shown,) = rows(vulnerabilities.exposure(shop, "prod", all=True))
    assert shown["vex"]["justification"] == "requires_configuration"
    assert shown["vex"]["environment"] == "prod"
    assert shown["vex"]["at"] == "2026-11-01T10:00:00Z"
    assert rows(vulnerabilities.exposure(shop, "dev"))[0]["vex"] is None
    again = cyclonedx_vex.import_cyclonedx(shop, cyclonedx_vex_document(), "prod", ME)
    assert again["unchanged"] == 1 and statement_count(raw_cypher) == 1


def test_cyclonedx_states_map_onto_statuses(shop):
    cyclonedx_vex.import_cyclonedx(
        shop, cyclonedx_vex_document(state="false_positive", detail="scanner confused"), None, ME
    )
    (shown,) = rows(vulnerabilities.exposure(shop, "prod", all=True))
    assert (shown["vex"]["status"], shown["vex"]["detail"]) == (
        "not_affected",
        "false positive: scanner confused",
    )


@pytest.mark.parametrize(
    "spoil, place",
    [
        (lambda d: d["vulnerabilities"][0]["analysis"].update(state="meh"), "analysis.state"),
        (lambda d: d["vulnerabilities"][0]["analysis"].pop("state"), "analysis.state"),
        (lambda d: d["vulnerabilities"][0]["affects"][0].update(ref="nowhere"), "affects[0].ref"),
        (lambda d: d["components"][0].update(version="9.9.9"), "ads@9.9.9"),
        (lambda d: d.update(specVersion="1.3"), "specVersion"),
    ],
)
def test_a_bad_vex_document_is_refused_naming_the_place_and_nothing_is_written(
    client, shop, raw_cypher, spoil, place
):
    document = cyclonedx_vex_document()
    spoil(document)
    response = client.post("/api/v1/vex?environment=prod", json=document)
    assert response.status_code in (400, 404), response.get_json()
    assert place in response.get_json()["error"]["message"]
    assert statement_count(raw_cypher) == 0


def test_the_vex_export_validates_and_carries_the_analysis_and_imports_back(client, shop):
    say(shop, {**NOT_AFFECTED, "environment": "staging", "justification": "component_not_present"})
    response = client.get("/api/v1/applications/shop/versions/1.0.3/vex?environment=staging")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.cyclonedx+json"
    text = response.get_data(as_text=True)
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(text) is None
    document = json.loads(text)
    by_ref = {v["bom-ref"]: v for v in document["vulnerabilities"]}
    log4shell = by_ref[f"{LOG4SHELL}|ads@1.1.0"]
    assert log4shell["analysis"] == {
        "state": "not_affected",
        "justification": "code_not_present",  # OpenVEX's word in CycloneDX's
        "detail": "ads never logs user input",
        "lastUpdated": "2026-11-01T10:00:00Z",
    }
    assert log4shell["ratings"][0]["method"] == "CVSSv31"
    assert "analysis" not in by_ref[f"{REQUESTS_VULN}|payment@1.5.0"]
    assert {v["id"] for v in document["vulnerabilities"]} == {
        "GHSA-jfh8-c2jp-5v3q",
        "GHSA-7rjr-3q55-vv33",
        "GHSA-57j2-w4cx-62h2",
        "GHSA-8489-44mv-ggj8",
        REQUESTS_VULN,
    }
    # Without the environment, the staging statement does not apply.
    plain = client.get("/api/v1/applications/shop/versions/1.0.3/vex").get_json()
    assert all("analysis" not in v for v in plain["vulnerabilities"])
    # The export as it is (entries without an analysis are skipped), imported for prod,
    # hides log4shell there.
    imported = client.post("/api/v1/vex?environment=prod", json=document)
    assert imported.status_code == 200, imported.get_json()
    assert rows(vulnerabilities.exposure(shop, "prod")) == []
    # A document analysing nothing records nothing, and says so.
    refused = client.post("/api/v1/vex?environment=prod", json=plain)
    assert refused.status_code == 400
    assert refused.get_json()["error"]["details"] == {
        "vulnerabilities": ["no entry has an analysis"]
    }


# -- application version and plan exposure -----------------------------------------------
def test_an_application_version_brings_its_vulnerabilities_with_since_where_it_runs(shop):
    report = vulnerabilities.application_exposure(shop, "shop", "1.0.3", "prod")
    assert [(r["vulnerability"], r["component"], r["version"]) for r in report["exposures"]] == [
        (LOG4SHELL, "ads", "1.1.0"),
        ("GHSA-7rjr-3q55-vv33", "ads", "1.1.0"),
        ("GHSA-57j2-w4cx-62h2", "ads", "1.1.0"),
        ("GHSA-8489-44mv-ggj8", "ads", "1.1.0"),
        (REQUESTS_VULN, "payment", "1.5.0"),
    ]
    # prod runs shop 1.0.3: every row already runs there — ads 1.1.0 since it first came
    # (a redeployment in shop 1.0.3 did not restart it), payment 1.5.0 since shop 1.0.3.
    assert {(r["component"], r["since"]) for r in report["exposures"]} == {
        ("ads", "2026-10-05T09:10:00Z"),
        ("payment", "2026-10-16T09:10:00Z"),
    }
    # shop 1.0.0 has catalog 3.4.0 (log4j 2.14.1), which prod does not run.
    first = vulnerabilities.application_exposure(shop, "shop", "1.0.0", "prod")["exposures"]
    catalog = [r for r in first if r["component"] == "catalog"]
    assert len(catalog) == 3 and {r["since"] for r in catalog} == {None}
    # With no environment, no since, and only statements for every environment apply.
    say(shop, {**NOT_AFFECTED, "environment": "prod"})
    anywhere = vulnerabilities.application_exposure(shop, "shop", "1.0.3")
    assert rows(anywhere)[0]["since"] is None and anywhere["hidden_count"] == 0
    assert vulnerabilities.application_exposure(shop, "shop", "1.0.3", "prod")["hidden_count"] == 1
    with pytest.raises(NotFound):
        vulnerabilities.application_exposure(shop, "shop", "9.9.9")
    with pytest.raises(NotFound):
        vulnerabilities.application_exposure(shop, "shop", "1.0.3", "mars")


def test_a_plan_says_which_vulnerabilities_it_introduces_fixes_and_keeps(shop):
    # Back to shop 1.0.0 in prod: catalog 3.5.0 -> 3.4.0 brings log4j 2.14.1 back,
    # payment 1.5.0 -> 1.4.2 (no SBOM) drops requests 2.31.0.
    plan = vulnerabilities.plan_exposure(shop, "shop", "1.0.0", "prod")
    assert [
        (c["vulnerability"], c["component"], c["from"], c["to"]) for c in plan["introduced"]
    ] == [
        (LOG4SHELL, "catalog", "3.5.0", "3.4.0"),
        ("GHSA-7rjr-3q55-vv33", "catalog", "3.5.0", "3.4.0"),
        ("GHSA-8489-44mv-ggj8", "catalog", "3.5.0", "3.4.0"),
    ]
    assert plan["introduced"][0]["packages"][0]["purl"].endswith("log4j-core@2.14.1")
    assert [(c["vulnerability"], c["component"]) for c in plan["fixed"]] == [
        (REQUESTS_VULN, "payment")
    ]
    assert plan["kept"] == []  # ads 1.1.0 is unchanged: not part of the plan's changes
    # shop 1.0.8 moves payment to 1.5.1 (requests 2.32.3): it fixes the requests advisory.
    forward = vulnerabilities.plan_exposure(shop, "shop", "1.0.8", "prod")
    assert [c["vulnerability"] for c in forward["fixed"]] == [REQUESTS_VULN]
    assert forward["introduced"] == []
    # A not_affected statement for catalog 3.4.0 hides what it would introduce.
    say(shop, {**NOT_AFFECTED, "component": "catalog", "version": "3.4.0"})
    hidden = vulnerabilities.plan_exposure(shop, "shop", "1.0.0", "prod")
    assert [c["vulnerability"] for c in hidden["introduced"]] == [
        "GHSA-7rjr-3q55-vv33",
        "GHSA-8489-44mv-ggj8",
    ]
    assert hidden["hidden_count"] == 1
    shown = vulnerabilities.plan_exposure(shop, "shop", "1.0.0", "prod", all=True)
    assert shown["introduced"][0]["vex"]["status"] == "not_affected"
    with pytest.raises(NotFound):
        vulnerabilities.plan_exposure(shop, "shop", "1.0.0", "mars")


def test_the_api_twins_answer_as_the_services(client, shop):
    say(shop, NOT_AFFECTED)
    app = client.get("/api/v1/applications/shop/versions/1.0.0/vulnerabilities?environment=prod")
    assert app.get_json() == vulnerabilities.application_exposure(shop, "shop", "1.0.0", "prod")
    plan = client.get(
        "/api/v1/applications/shop/versions/1.0.0/plan/vulnerabilities?environment=prod&all=true"
    )
    assert plan.get_json() == vulnerabilities.plan_exposure(shop, "shop", "1.0.0", "prod", True)
    missing = client.get("/api/v1/applications/shop/versions/1.0.0/plan/vulnerabilities")
    assert missing.status_code == 400
    assert client.get("/api/v1/applications/shop/versions/9/vulnerabilities").status_code == 404


def test_cli_sets_a_statement_that_hides_log4shell_and_all_shows_it(mercator, tmp_path):
    mercator("vuln", "import", "app/vulns/samples")
    table = mercator("vuln", "exposure", "--environment", "prod").stdout
    assert LOG4SHELL in table
    mercator(
        "vuln", "vex", "set", "CVE-2021-44228", "--component", "ads", "--version", "1.1.0",
        "--status", "not_affected", "--justification", "code_not_reachable",
    )  # fmt: skip
    assert LOG4SHELL not in mercator("vuln", "exposure", "--environment", "prod").stdout
    everything = mercator("vuln", "exposure", "--environment", "prod", "--all").stdout
    assert "not_affected (code_not_reachable)" in everything
    listed = mercator("vuln", "vex", "list", LOG4SHELL).stdout
    assert "not_affected" in listed and "ads" in listed
    exported = tmp_path / "vex.json"
    mercator("vuln", "vex", "export", "shop", "1.0.3", str(exported))
    document = json.loads(exported.read_text())
    assert any(
        v.get("analysis", {}).get("state") == "not_affected" for v in document["vulnerabilities"]
    )
    imported = mercator("vuln", "vex", "import", str(exported), "-e", "dev", "-o", "json").stdout
    assert json.loads(imported)["recorded"] == 1
    plan = mercator("vuln", "plan", "shop", "1.0.0", "--environment", "prod").stdout
    assert "introduced:" in plan and "catalog" in plan
    app = mercator("vuln", "exposure", "-a", "shop", "-v", "1.0.3", "-o", "json").stdout
    assert json.loads(app)["hidden_count"] == 1
    mercator("vuln", "exposure", "-a", "shop", expect=2)


# -- web pages ---------------------------------------------------------------------------
def page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.get_data(as_text=True)


def test_the_environment_page_lists_open_vulnerabilities_and_hides_not_affected(client, shop):
    html = page(client, "/environments/prod")
    assert "Open vulnerabilities" in html
    assert f'href="/vulnerabilities/{LOG4SHELL}"' in html and "growth-oncall" in html
    say(shop, NOT_AFFECTED)
    hidden = page(client, "/environments/prod")
    assert f'href="/vulnerabilities/{LOG4SHELL}"' not in hidden
    assert "1 hidden by VEX not_affected statements" in hidden
    everything = page(client, "/environments/prod?vex=all")
    assert f'href="/vulnerabilities/{LOG4SHELL}"' in everything
    assert "code_not_reachable" in everything
    # At a past time the page shows the inventory then, not today's exposure.
    assert "Open vulnerabilities" not in page(client, "/environments/prod?at=2026-10-10T00:00:00")


def test_the_application_version_page_lists_what_its_components_carry(client, shop):
    html = page(client, "/applications/shop/versions/1.0.3")
    section = html.split('id="exposure-title"')[1].split("</section>")[0]
    assert "Open vulnerabilities <span class=\"muted\">(5)</span>" in section
    assert f'href="/vulnerabilities/{LOG4SHELL}"' in section and "growth-oncall" in section
    assert "Since" not in section  # a version is not an environment: nothing runs since
    say(shop, NOT_AFFECTED)
    hidden = page(client, "/applications/shop/versions/1.0.3")
    assert f'href="/vulnerabilities/{LOG4SHELL}"' not in hidden
    assert "1 hidden by VEX not_affected statements" in hidden
    everything = page(client, "/applications/shop/versions/1.0.3?vex=all")
    assert f'href="/vulnerabilities/{LOG4SHELL}"' in everything


def test_a_component_versions_exposure_is_the_same_over_the_api_and_the_cli(client, shop, mercator):
    body = client.get("/api/v1/components/ads/versions/1.1.0/vulnerabilities").get_json()
    assert body == vulnerabilities.component_exposure(shop, "ads", "1.1.0")
    assert {(r["vulnerability"], r["team"]) for r in body["exposures"]} >= {(LOG4SHELL, "growth")}
    assert body["exposure_count"] == 4 and body["truncated"] is False
    listed = mercator("vuln", "exposure", "-c", "ads", "-v", "1.1.0", "-o", "json").stdout
    assert json.loads(listed)["exposures"] == body["exposures"]
    missing = client.get("/api/v1/components/ads/versions/9.9.9/vulnerabilities")
    assert_error_shape(missing, 404, "not_found")
    mercator("vuln", "exposure", "-c", "ads", "-e", "prod", "-v", "1.1.0", expect=2)


def test_the_component_page_lists_what_the_selected_version_carries(client, shop):
    html = page(client, "/components/ads?version=1.1.0")
    section = html.split('id="exposure-title"')[1].split("</section>")[0]
    assert "Open vulnerabilities <span class=\"muted\">(4)</span>" in section
    assert f'href="/vulnerabilities/{LOG4SHELL}"' in section
    say(shop, NOT_AFFECTED)
    hidden = page(client, "/components/ads?version=1.1.0")
    assert f'href="/vulnerabilities/{LOG4SHELL}"' not in hidden
    assert "1 hidden by VEX not_affected statements" in hidden
    # An environment's statement does not speak for the version everywhere.
    say(shop, {**NOT_AFFECTED, "vulnerability": "GHSA-7rjr-3q55-vv33", "environment": "prod"})
    ads = page(client, "/components/ads?version=1.1.0")
    assert 'href="/vulnerabilities/GHSA-7rjr-3q55-vv33"' in ads
    payment = page(client, "/components/payment?version=1.4.2")
    assert "No known vulnerability in payment 1.4.2" in payment


def test_the_vulnerability_page_says_where_it_runs_since_when_and_whom_to_call(client, shop):
    say(shop, NOT_AFFECTED)
    html = page(client, "/vulnerabilities/CVE-2021-44228")
    assert "Remote code injection in Log4j" in html and "10.0" in html
    running = html.split('id="running-now"')[1].split("</table>")[0]
    rows = re.findall(r"<tr><th scope=\"row\">(.*?)</tr>", running, re.S)
    places = {
        (
            re.search(r'href="/environments/([^"]+)"', r).group(1),
            re.search(r'href="/components/([^"?]+)', r).group(1),
            re.search(r'<time datetime="([^"]+)"', r).group(1),
        )
        for r in rows
    }
    # Every environment runs ads 1.1.0 (dev's catalog is 3.5.0 since shop 1.0.2), since
    # its first deployment there: later deployments of other shop versions kept it.
    assert places == {
        ("dev", "ads", "2026-10-01T09:10:00Z"),
        ("staging", "ads", "2026-10-02T09:10:00Z"),
        ("prod", "ads", "2026-10-05T09:10:00Z"),
    }
    assert "growth-oncall" in running
    windows = html.split('id="windows"')[1].split("</table>")[0]
    assert "prod" in windows and "now" in windows
    statements = html.split('id="statements"')[1].split("</table>")[0]
    assert "not_affected" in statements and "code_not_reachable" in statements


def test_an_unknown_vulnerability_page_is_a_404(client, shop):
    assert client.get("/vulnerabilities/CVE-0000-0000").status_code == 404
