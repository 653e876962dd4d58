"""OpenVEX documents, and VEX statements about a package (purl).

On the demo with the sample OSV records imported: prod, staging and dev run ads 1.1.0,
whose SBOM holds log4j-core 2.14.1 (log4shell, GHSA-jfh8-c2jp-5v3q alias CVE-2021-44228);
catalog 3.4.0, which no environment runs any more, holds the same package.
"""

from __future__ import annotations

import copy
import json

import pytest

from app.access.scopes import Actor
from app.errors import Forbidden, Invalid
from app.sbom import vex as vex_documents
from app.vulns import vex, vulnerabilities
from tests import test_vulns
from tests.test_http_basics import assert_error_shape
from tests.test_vulns import ADS_LOG4J, LOG4SHELL

shop = test_vulns.shop
mercator = test_vulns.mercator
ME = Actor("tests")
JUSTIFIED = "vulnerable_code_not_in_execute_path"


def openvex(*statements, timestamp="2026-11-01T10:00:00Z") -> dict:
    return {
        "@context": "https://openvex.dev/ns/v0.2.0",
        "@id": "https://shop.example/vex/2026-0001",
        "author": "Shop security <security@shop.example>",
        "timestamp": timestamp,
        "version": 1,
        "statements": list(statements),
    }


def log4j_not_affected(**changes) -> dict:
    """OpenVEX: log4j-core 2.14.1, wherever it is contained, is not affected by log4shell."""
    return {
        "vulnerability": {"name": "CVE-2021-44228", "aliases": [LOG4SHELL]},
        "products": [{"@id": ADS_LOG4J}],
        "status": "not_affected",
        "justification": JUSTIFIED,
        "impact_statement": "our builds strip the JndiLookup class",
        **changes,
    }


def log4shell(report) -> list[dict]:
    return [r for r in report["exposures"] if r["vulnerability"] == LOG4SHELL]


def load(graph, document, environment=None, actor=ME):
    return vex_documents.import_document(graph, copy.deepcopy(document), environment, actor)


def statement_count(raw_cypher) -> int:
    return raw_cypher("MATCH (s:VexStatement) RETURN count(s) AS n")[0]["n"]


def test_a_package_statement_hides_log4shell_wherever_the_package_is_and_all_shows_why(shop):
    before = vulnerabilities.exposure(shop, "prod")
    assert [r["component"] for r in log4shell(before)] == ["ads"]
    assert load(shop, openvex(log4j_not_affected())) == {
        "received": 1,
        "recorded": 1,
        "unchanged": 0,
    }
    after = vulnerabilities.exposure(shop, "prod")
    assert log4shell(after) == []
    assert after["hidden_count"] == 1
    assert after["exposure_count"] == before["exposure_count"] - 1
    (shown,) = log4shell(vulnerabilities.exposure(shop, "prod", all=True))
    assert shown["vex"] == {
        "vulnerability": "CVE-2021-44228",
        "component": None,
        "version": None,
        "package": ADS_LOG4J,
        "environment": None,
        "status": "not_affected",
        "justification": JUSTIFIED,
        "detail": "our builds strip the JndiLookup class",
        "at": "2026-11-01T10:00:00Z",
    }
    # Every component version containing the package: catalog 3.4.0 too, in no environment.
    assert log4shell(vulnerabilities.component_exposure(shop, "catalog", "3.4.0")) == []
    assert vulnerabilities.component_exposure(shop, "catalog", "3.4.0")["hidden_count"] == 1
    # The statement names CVE-2021-44228 only: log4j's CVE-2021-45046 is still listed.
    assert [
        r["component"] for r in after["exposures"] if r["vulnerability"] == ("GHSA-7rjr-3q55-vv33")
    ] == ["ads"]


def test_a_later_openvex_statement_replaces_the_earlier_and_the_history_keeps_both(shop):
    load(shop, openvex(log4j_not_affected()))
    later = log4j_not_affected(
        status="affected",
        justification=None,
        impact_statement=None,
        action_statement="upgrade log4j-core to 2.17.1",
        timestamp="2026-11-05T10:00:00Z",
    )
    load(shop, openvex(later))
    (row,) = log4shell(vulnerabilities.exposure(shop, "prod"))
    assert (row["vex"]["status"], row["vex"]["at"]) == ("affected", "2026-11-05T10:00:00Z")
    assert row["vex"]["detail"] == "action: upgrade log4j-core to 2.17.1"
    history = vex.history(shop, LOG4SHELL)["statements"]
    assert [(s["status"], s["package"], s["source"], s["current"]) for s in history] == [
        ("affected", ADS_LOG4J, "openvex", True),
        ("not_affected", ADS_LOG4J, "openvex", False),
    ]
    # An older statement arriving late does not take over; the same document again is a no-op.
    load(shop, openvex(log4j_not_affected(), timestamp="2026-10-20T00:00:00Z"))
    assert log4shell(vulnerabilities.exposure(shop, "prod"))[0]["vex"]["status"] == "affected"
    assert load(shop, openvex(later))["unchanged"] == 1


def test_a_component_version_product_with_a_subcomponent_is_about_that_package_in_it(shop):
    product = {"@id": "pkg:generic/ads@1.1.0", "subcomponents": [{"@id": ADS_LOG4J}]}
    load(shop, openvex(log4j_not_affected(products=[product])), environment="prod")
    assert log4shell(vulnerabilities.exposure(shop, "prod")) == []
    # Only in prod (the import said so), and only in ads: catalog 3.4.0 still carries it.
    assert [r["component"] for r in log4shell(vulnerabilities.exposure(shop, "staging"))] == ["ads"]
    assert len(log4shell(vulnerabilities.component_exposure(shop, "catalog", "3.4.0"))) == 1
    (shown,) = log4shell(vulnerabilities.exposure(shop, "prod", all=True))
    assert {k: shown["vex"][k] for k in ("component", "version", "package", "environment")} == {
        "component": "ads",
        "version": "1.1.0",
        "package": ADS_LOG4J,
        "environment": "prod",
    }


def test_a_versionless_component_product_is_every_version_and_beats_a_package_statement(shop):
    # A package statement says not affected; one about the component (any version) says
    # affected, older: the component's is more specific and applies to ads.
    load(
        shop,
        openvex(
            log4j_not_affected(timestamp="2026-11-10T00:00:00Z"),
            log4j_not_affected(
                products=[{"@id": "pkg:generic/ads"}],
                status="under_investigation",
                justification=None,
                impact_statement=None,
                timestamp="2026-11-01T00:00:00Z",
            ),
        ),
    )
    (row,) = log4shell(vulnerabilities.exposure(shop, "dev"))
    assert (row["vex"]["status"], row["vex"]["component"], row["vex"]["version"]) == (
        "under_investigation",
        "ads",
        None,
    )
    assert log4shell(vulnerabilities.component_exposure(shop, "catalog", "3.4.0")) == []


@pytest.mark.parametrize(
    "change, field",
    [
        ({"status": None}, "statements[1].status"),
        ({"status": "fine"}, "statements[1].status"),
        ({"justification": None, "impact_statement": None}, "statements[1].justification"),
        ({"justification": "code_not_reachable"}, "statements[1].justification"),
        ({"vulnerability": {"aliases": []}}, "statements[1].vulnerability.name"),
        ({"products": []}, "statements[1].products"),
        ({"products": [{"@id": "https://shop.example/ads"}]}, "statements[1].products[0].@id"),
        (
            {"products": [{"@id": ADS_LOG4J}, {"@id": "pkg:maven/org.acme/nothing@1.0"}]},
            "statements[1].products[1].@id",
        ),
        ({"products": [{"@id": "pkg:generic/ads@9.9.9"}]}, "statements[1].products[0].@id"),
        (
            {
                "products": [
                    {"@id": "pkg:generic/ads@1.1.0", "subcomponents": [{"@id": "pkg:x/y@1"}]}
                ]
            },
            "statements[1].products[0].subcomponents[0].@id",
        ),
    ],
)
def test_bad_openvex_is_a_400_naming_the_statement_and_field_and_writes_nothing(
    client, shop, raw_cypher, change, field
):
    bad = {k: v for k, v in log4j_not_affected(**change).items() if v is not None}
    document = openvex(log4j_not_affected(), bad)
    with pytest.raises(Invalid) as caught:
        load(shop, document)
    assert field in caught.value.details, caught.value.details
    response = client.post("/api/v1/vex", json=document)
    error = assert_error_shape(response, 400, "invalid")
    assert field in error["message"] and field in error["details"]
    assert statement_count(raw_cypher) == 0


def test_a_team_limited_token_may_not_speak_for_a_package_everywhere(shop, raw_cypher):
    growth = Actor("growth-pipeline", team="growth")
    with pytest.raises(Forbidden):
        load(shop, openvex(log4j_not_affected()), actor=growth)
    # ... but for the package inside its own component it may.
    product = {"@id": "pkg:generic/ads@1.1.0", "subcomponents": [{"@id": ADS_LOG4J}]}
    assert (
        load(shop, openvex(log4j_not_affected(products=[product])), actor=growth)["recorded"] == 1
    )
    assert statement_count(raw_cypher) == 1


def test_a_statement_set_about_a_package_needs_a_purl_the_catalog_holds(shop):
    statement = {
        "vulnerability": "CVE-2021-44228",
        "package": ADS_LOG4J,
        "status": "fixed",
        "at": "2026-11-01T00:00:00Z",
    }
    vex.set_statements(shop, [statement], ME)
    assert log4shell(vulnerabilities.exposure(shop, "prod"))[0]["vex"]["status"] == "fixed"
    with pytest.raises(Invalid) as caught:
        vex.set_statements(shop, [{**statement, "package": None}], ME)
    assert "statements[0].component" in caught.value.details
    with pytest.raises(Invalid) as caught:
        vex.set_statements(shop, [{**statement, "package": "log4j-core"}], ME)
    assert "statements[0].package" in caught.value.details


def test_cli_imports_openvex_that_hides_log4shell_and_all_shows_it(mercator, tmp_path):
    mercator("vuln", "import", "app/vulns/samples")
    document = tmp_path / "log4j.openvex.json"
    document.write_text(json.dumps(openvex(log4j_not_affected())))
    imported = mercator("vuln", "vex", "import", str(document), "-o", "json").stdout
    assert json.loads(imported)["recorded"] == 1
    assert LOG4SHELL not in mercator("vuln", "exposure", "--environment", "prod").stdout
    everything = mercator("vuln", "exposure", "--environment", "prod", "--all").stdout
    assert f"not_affected ({JUSTIFIED})" in everything
    listed = mercator("vuln", "vex", "list", LOG4SHELL).stdout
    assert ADS_LOG4J in listed
    bad = openvex(log4j_not_affected(status="fine"))
    document.write_text(json.dumps(bad))
    refused = mercator("vuln", "vex", "import", str(document), expect=2)
    assert "statements[0].status" in refused.output
