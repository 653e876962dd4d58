"""Vulnerabilities from OSV records, matched with SBOM packages, and where they run.

The records are the hand-written ones in app/vulns/samples (from the public GHSA
advisories for log4j-core, jackson-databind, spring-beans, requests and lodash); the
answers are those of the demo's deployment history.
"""

from __future__ import annotations

import copy
import json
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from univers.version_range import RANGE_CLASS_BY_SCHEMES
from univers.versions import InvalidVersion

from app.admin import demo
from app.cli import cli
from app.cli.catalogs import LocalCatalog
from app.errors import Invalid, NotFound
from app.vulns import ecosystems, osv, sources, vulnerabilities

SAMPLES = Path(__file__).resolve().parent.parent / "app" / "vulns" / "samples"
LOG4SHELL = "GHSA-jfh8-c2jp-5v3q"
ADS_LOG4J = "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"


def sample(record_id: str) -> dict:
    return json.loads((SAMPLES / f"{record_id}.json").read_text())


def all_samples() -> list[dict]:
    return [json.loads(p.read_text()) for p in sorted(SAMPLES.glob("*.json"))]


@pytest.fixture
def shop(graph):
    """The demo with the sample records imported."""
    demo.load(LocalCatalog(graph))
    vulnerabilities.import_records(graph, all_samples())
    return graph


def affects(raw_cypher, record_id: str) -> set[str]:
    rows = raw_cypher(
        "MATCH (:Vulnerability {id: $id})-[:AFFECTS]->(p:Package) RETURN p.purl AS purl",
        id=record_id,
    )
    return {row["purl"] for row in rows}


# -- exposure now ------------------------------------------------------------------------
def test_log4shell_runs_in_prod_on_ads_with_its_pager_and_since_when(shop):
    report = vulnerabilities.exposure(shop, "prod")
    # "since" is the inventory's: the report agrees with `mercator report inventory prod`.
    inventory = LocalCatalog(shop).report("inventory", environment="prod")
    (ads,) = [r for r in inventory["running"] if r["component"] == "ads"]
    log4shell = [e for e in report["exposures"] if e["vulnerability"] == LOG4SHELL]
    assert log4shell == [
        {
            "vulnerability": LOG4SHELL,
            "aliases": ["CVE-2021-44228"],
            "summary": "Remote code injection in Log4j",
            "score": 10.0,
            "rating": "Critical",
            "severity": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H",
            "package": ADS_LOG4J,
            "range": "ECOSYSTEM >=2.13.0 <2.15.0",
            "fixed": "2.15.0",
            "component": "ads",
            "version": "1.1.0",
            "since": ads["since"],
            "team": "growth",
            "email": "growth@shop.example",
            "chat": "#growth",
            "pager": "growth-oncall",
            "vex": None,
        }
    ]


def test_prod_exposure_is_worst_first_and_only_what_runs_there(shop):
    rows = vulnerabilities.exposure(shop, "prod")["exposures"]
    assert [(r["vulnerability"], r["component"], r["version"]) for r in rows] == [
        ("GHSA-jfh8-c2jp-5v3q", "ads", "1.1.0"),  # 10.0
        ("GHSA-7rjr-3q55-vv33", "ads", "1.1.0"),  # 9.0
        ("GHSA-57j2-w4cx-62h2", "ads", "1.1.0"),  # 7.5, jackson-databind 2.12.3
        ("GHSA-8489-44mv-ggj8", "ads", "1.1.0"),  # 6.6
        ("GHSA-9wx4-h78v-vm56", "payment", "1.5.0"),  # 5.6, requests 2.31.0
    ]
    # catalog 3.5.0 (log4j 2.17.1) runs in prod: fixed for all three log4j advisories.
    assert all(r["component"] != "catalog" for r in rows)
    assert vulnerabilities.exposure(shop, "prod", team="payments")["vulnerability_count"] == 1
    worst = vulnerabilities.exposure(shop, "prod", limit=2)
    assert [r["vulnerability"] for r in worst["exposures"]] == [LOG4SHELL, "GHSA-7rjr-3q55-vv33"]
    assert worst["exposure_count"] == 5 and worst["truncated"] is True


def test_a_teams_exposure_lists_every_environment_worst_first_then_longest_running(shop):
    report = vulnerabilities.team_exposure(shop, "growth")
    # ads 1.1.0 (growth's) is in every shop version: it runs in all three environments
    # since each one's first deployment; recommendation has no SBOM.
    since = {
        "dev": "2026-10-01T09:10:00Z",
        "staging": "2026-10-02T09:10:00Z",
        "prod": "2026-10-05T09:10:00Z",
    }
    assert [
        (r["vulnerability"], r["environment"], r["component"], r["version"], r["since"])
        for r in report["exposures"]
    ] == [
        (vulnerability, environment, "ads", "1.1.0", since[environment])
        for vulnerability in (
            LOG4SHELL,  # 10.0
            "GHSA-7rjr-3q55-vv33",  # 9.0
            "GHSA-57j2-w4cx-62h2",  # 7.5
            "GHSA-8489-44mv-ggj8",  # 6.6
        )
        for environment in ("dev", "staging", "prod")
    ]
    assert {(r["team"], r["pager"]) for r in report["exposures"]} == {("growth", "growth-oncall")}
    assert (report["exposure_count"], report["hidden_count"], report["truncated"]) == (12, 0, False)
    # The rows of one environment are that environment's exposure, team filtered.
    prod = vulnerabilities.exposure(shop, "prod", team="growth")["exposures"]
    assert [r for r in report["exposures"] if r["environment"] == "prod"] == [
        {**r, "environment": "prod"} for r in prod
    ]


def test_a_teams_exposure_applies_statements_made_for_one_environment_there_only(shop):
    from app.access.scopes import Actor
    from app.vulns import vex

    rows = vulnerabilities.team_exposure(shop, "payments")["exposures"]
    # payment 1.5.0 (requests 2.31.0) runs in staging since shop 1.0.3 and in prod since
    # the second try of 1.0.3; dev runs payment 1.5.1 (requests 2.32.3, fixed).
    assert [(r["vulnerability"], r["environment"], r["version"], r["since"]) for r in rows] == [
        ("GHSA-9wx4-h78v-vm56", "staging", "1.5.0", "2026-10-13T09:10:00Z"),
        ("GHSA-9wx4-h78v-vm56", "prod", "1.5.0", "2026-10-16T09:10:00Z"),
    ]
    statement = {
        "vulnerability": "CVE-2024-35195",
        "component": "payment",
        "environment": "staging",
        "status": "not_affected",
        "justification": "requires_configuration",
        "at": "2026-11-01T00:00:00Z",
    }
    vex.set_statements(shop, [statement], Actor("tests"))
    report = vulnerabilities.team_exposure(shop, "payments")
    assert [r["environment"] for r in report["exposures"]] == ["prod"]
    assert report["hidden_count"] == 1
    everything = vulnerabilities.team_exposure(shop, "payments", all=True)["exposures"]
    assert [(r["environment"], (r["vex"] or {}).get("justification")) for r in everything] == [
        ("staging", "requires_configuration"),
        ("prod", None),
    ]


def test_a_teams_exposure_over_the_api_and_the_cli(client, shop, mercator):
    response = client.get("/api/v1/teams/growth/vulnerabilities?limit=2")
    assert response.status_code == 200
    assert response.get_json() == vulnerabilities.team_exposure(shop, "growth", limit=2)
    assert response.get_json()["truncated"] is True
    assert client.get("/api/v1/teams/nobody/vulnerabilities").status_code == 404
    with pytest.raises(NotFound):
        vulnerabilities.team_exposure(shop, "nobody")
    mercator("vuln", "import", "app/vulns/samples")
    lines = mercator("vuln", "exposure", "--team", "payments").stdout.splitlines()
    header, *rows = lines[lines.index("exposures:") + 1 :]
    assert header.split()[:5] == ["VULNERABILITY", "SCORE", "PACKAGE", "FIXED", "ENVIRONMENT"]
    assert [row.split()[4] for row in rows] == ["staging", "prod"]
    listed = json.loads(mercator("vuln", "exposure", "--team", "payments", "-o", "json").stdout)
    assert [r["environment"] for r in listed["exposures"]] == ["staging", "prod"]
    mercator("vuln", "exposure", expect=2)


def test_an_unknown_environment_is_not_found(shop):
    with pytest.raises(NotFound):
        vulnerabilities.exposure(shop, "mars")


# -- exposure at T and windows -----------------------------------------------------------
def test_were_we_exposed_to_cve_2021_44228_on_2026_10_10_where_and_how_long(shop):
    report = vulnerabilities.windows(shop, "CVE-2021-44228", "2026-10-10T00:00:00Z")
    assert report["vulnerabilities"] == [LOG4SHELL]
    at = {(r["environment"], r["component"], r["version"], r["from"]) for r in report["exposed_at"]}
    assert at == {
        ("dev", "ads", "1.1.0", "2026-10-01T09:10:00Z"),
        ("dev", "catalog", "3.4.0", "2026-10-01T09:10:00Z"),
        ("staging", "ads", "1.1.0", "2026-10-02T09:10:00Z"),
        ("staging", "catalog", "3.4.0", "2026-10-02T09:10:00Z"),
        ("prod", "ads", "1.1.0", "2026-10-05T09:10:00Z"),
        ("prod", "catalog", "3.4.0", "2026-10-05T09:10:00Z"),
    }
    catalog = {
        r["environment"]: r["until"] for r in report["windows"] if r["component"] == "catalog"
    }
    # catalog 3.4.0 stopped counting when shop 1.0.3 (catalog 3.5.0) was deployed; the
    # failed prod deployment of 10-15 changed nothing.
    assert catalog == {
        "dev": "2026-10-12T09:10:00Z",
        "staging": "2026-10-13T09:10:00Z",
        "prod": "2026-10-16T09:10:00Z",
    }
    # ads 1.1.0 still runs everywhere: one open window per environment, from the first.
    prod = next(e for e in report["environments"] if e["environment"] == "prod")
    assert prod["windows"] == [{"from": "2026-10-05T09:10:00Z", "until": None}]
    assert prod["exposed_now"] is True
    assert prod["exposed_seconds"] > 56 * 86_400  # 2026-10-05 to this run, at least 2026-12-01


def test_exposure_before_the_first_deployment_is_empty(shop):
    report = vulnerabilities.windows(shop, LOG4SHELL, "2026-09-30T00:00:00Z")
    assert report["exposed_at"] == []


def test_a_vulnerability_no_version_ever_ran_has_no_windows(shop):
    report = vulnerabilities.windows(shop, "CVE-2022-22965")  # spring-beans: in no SBOM
    assert report["environments"] == [] and report["windows"] == []


def test_an_unknown_vulnerability_is_not_found_and_a_bad_time_is_refused(shop):
    with pytest.raises(NotFound):
        vulnerabilities.windows(shop, "CVE-1999-0001")
    with pytest.raises(Invalid, match="at must be an ISO 8601"):
        vulnerabilities.windows(shop, LOG4SHELL, "yesterday")


# -- import rules ------------------------------------------------------------------------
def test_a_cve_alias_finds_its_osv_record(shop):
    shown = vulnerabilities.show(shop, "CVE-2021-44228")
    (record,) = shown["records"]
    assert record["id"] == LOG4SHELL and record["score"] == 10.0
    assert {p["purl"] for p in record["packages"]} == {ADS_LOG4J}
    assert record["affected"][1]["ranges"] == [
        {"type": "ECOSYSTEM", "events": [["introduced", "2.0-beta9"], ["fixed", "2.3.1"]]}
    ]


def test_importing_the_same_records_again_changes_nothing(shop, raw_cypher):
    before = raw_cypher("MATCH (v:Vulnerability)-[a]-() RETURN count(a) AS n")
    again = vulnerabilities.import_records(shop, all_samples())
    assert again["unchanged"] == 8 and again["created"] == again["updated"] == 0
    assert again["affects"] == 0
    assert raw_cypher("MATCH (v:Vulnerability)-[a]-() RETURN count(a) AS n") == before


def test_a_newer_record_replaces_the_older_and_an_older_one_is_ignored(shop, raw_cypher):
    newer = sample(LOG4SHELL)
    newer["modified"] = "2026-01-01T00:00:00Z"
    # Pretend the advisory widened: 2.15.0 and up stay affected until 2.17.1.
    newer["affected"][0]["ranges"][0]["events"][1] = {"fixed": "2.17.1"}
    newer["aliases"] = ["CVE-2021-44228", "LOG4SHELL-TEST"]
    older = copy.deepcopy(newer)
    older["modified"] = "2020-01-01T00:00:00Z"
    older["affected"] = []
    assert vulnerabilities.import_records(shop, [newer])["updated"] == 1
    assert vulnerabilities.import_records(shop, [older])["unchanged"] == 1
    (record,) = vulnerabilities.show(shop, "LOG4SHELL-TEST")["records"]
    assert record["modified"] == "2026-01-01T00:00:00Z"
    assert len(record["affected"]) == 3  # not doubled by the replacement
    assert record["packages"] == [
        {
            "purl": ADS_LOG4J,
            "range": "ECOSYSTEM >=2.13.0 <2.17.1",
            "where": "affected[0].ranges[0]",
            "fixed": "2.17.1",
        }
    ]


def test_a_withdrawn_record_stops_counting(shop):
    withdrawn = sample(LOG4SHELL)
    withdrawn["modified"] = "2026-01-01T00:00:00Z"
    withdrawn["withdrawn"] = "2026-01-01T00:00:00Z"
    assert vulnerabilities.import_records(shop, [withdrawn])["withdrawn"] == 1
    rows = vulnerabilities.exposure(shop, "prod")["exposures"]
    assert LOG4SHELL not in {r["vulnerability"] for r in rows}
    assert vulnerabilities.show(shop, LOG4SHELL)["records"][0]["packages"] == []


def test_an_sbom_attached_after_the_records_is_matched_when_it_arrives(graph, raw_cypher):
    vulnerabilities.import_records(graph, all_samples())
    demo.load(LocalCatalog(graph))  # its SBOMs arrive after the records
    assert affects(raw_cypher, LOG4SHELL) == {ADS_LOG4J}
    assert affects(raw_cypher, "GHSA-8489-44mv-ggj8") == {ADS_LOG4J}  # 2.17.1 is the fix
    assert affects(raw_cypher, "GHSA-9wx4-h78v-vm56") == {"pkg:pypi/requests@2.31.0"}
    assert affects(raw_cypher, "GHSA-j8r2-6x86-q33q") == set()  # fixed in 2.31.0


def test_npm_packages_match_with_npm_names_and_versions(graph, raw_cypher):
    catalog = LocalCatalog(graph)
    catalog.put_team("web", {})
    for version, lodash in (("1.0.0", "4.17.20"), ("1.0.1", "4.17.21")):
        catalog.register("shopfront", {"version": version, "kind": "service", "owner": "web"})
        sbom = {
            "bomFormat": "CycloneDX",
            "specVersion": "1.6",
            "components": [
                {
                    "type": "library",
                    "name": "lodash",
                    "version": lodash,
                    "purl": f"pkg:npm/lodash@{lodash}",
                }
            ],
        }
        catalog.attach_sbom("shopfront", version, json.dumps(sbom).encode(), None, False)
    vulnerabilities.import_records(graph, [sample("GHSA-35jh-r3h4-6jhm")])
    assert affects(raw_cypher, "GHSA-35jh-r3h4-6jhm") == {"pkg:npm/lodash@4.17.20"}


# -- versions by each ecosystem's rules, as univers says ----------------------------------
#: (OSV ecosystem, introduced, fixed, versions to ask about)
RANGES = [
    (
        "Maven",
        "2.0-beta9",
        "2.3.1",
        ["2.0-alpha1", "2.0-beta9", "2.0-rc1", "2.0", "2.3", "2.3.1", "2.3.0.1", "2.14.1"],
    ),
    ("Maven", "0", "5.2.20.RELEASE", ["5.2.19.RELEASE", "5.2.20", "5.2.20.RELEASE", "5.3.0"]),
    (
        "PyPI",
        "2.3.0",
        "2.31.0",
        ["2.2.9", "2.3.0", "2.30.0", "2.31.0rc1", "2.31.0", "2.31.0.post1", "3.0.0"],
    ),
    ("npm", "0", "4.17.21", ["4.17.20", "4.17.21-beta.1", "4.17.21", "5.0.0"]),
    ("Go", "0", "1.9.1", ["v1.9.0", "v1.9.1", "v1.10.0", "v0.0.0-20210101000000-abcdefabcdef"]),
    (
        "Debian",
        "0",
        "1.1.1n-0+deb11u4",
        ["1.1.1n-0+deb11u3", "1.1.1n-0+deb11u4", "1:1.0.0-1", "1.1.1n-0+deb11u4~bpo1"],
    ),
    ("RubyGems", "5.2.0", "5.2.4.3", ["5.1.9", "5.2.0", "5.2.4.2", "5.2.4.3", "6.0.0.rc1"]),
    ("NuGet", "0", "13.0.1", ["12.0.3", "13.0.1-beta1", "13.0.1", "13.0.2"]),
]


@pytest.mark.parametrize("ecosystem, introduced, fixed, versions", RANGES)
def test_osv_ranges_admit_what_univers_ranges_contain(ecosystem, introduced, fixed, versions):
    record = osv.parse(
        {
            "id": "TEST-1",
            "modified": "2026-01-01T00:00:00Z",
            "affected": [
                {
                    "package": {"ecosystem": ecosystem, "name": "pkg"},
                    "ranges": [
                        {
                            "type": "ECOSYSTEM",
                            "events": [{"introduced": introduced}, {"fixed": fixed}],
                        }
                    ],
                }
            ],
        }
    )
    (affected,) = record.affected
    scheme = affected.purl_type
    bounds = f"<{fixed}" if introduced == "0" else f">={introduced}|<{fixed}"
    univers_range = RANGE_CLASS_BY_SCHEMES[scheme].from_string(f"vers:{scheme}/{bounds}")
    answers = []
    for text in versions:
        version = ecosystems.version(scheme, text)
        try:
            expected = version is not None and version in univers_range
        except InvalidVersion:
            expected = False
        assert (affected.admits(text) is not None) == expected, (ecosystem, text)
        answers.append(expected)
    assert True in answers and False in answers  # each case asks both ways


def test_last_affected_and_explicit_versions():
    record = osv.parse(
        {
            "id": "TEST-2",
            "modified": "2026-01-01T00:00:00Z",
            "affected": [
                {
                    "package": {"ecosystem": "PyPI", "name": "Some_Package"},
                    "ranges": [
                        {
                            "type": "ECOSYSTEM",
                            "events": [{"introduced": "1.0"}, {"last_affected": "1.4"}],
                        }
                    ],
                    "versions": ["0.9.1"],
                }
            ],
        }
    )
    (affected,) = record.affected
    assert affected.key == "pypi:some-package" == ecosystems.of_purl("pkg:pypi/some.package@1")[0]
    assert affected.admits("1.4") == ("ECOSYSTEM >=1.0 <=1.4", None, "affected[0].ranges[0]")
    assert affected.admits("1.4.1") is None and affected.admits("0.9") is None
    assert affected.admits("0.9.1") == ("=0.9.1", None, "affected[0].versions")


# -- bad input ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "change, field",
    [
        (lambda r: r["severity"][0].update(score="CVSS:3.1/AV:X"), "severity[0].score"),
        (
            lambda r: r["affected"][0]["package"].update(ecosystem="Fortran"),
            "affected[0].package.ecosystem",
        ),
        (
            lambda r: r["affected"][2]["ranges"][0].update(
                type="SEMVER", events=[{"introduced": "0"}, {"fixed": "banana"}]
            ),
            "affected[2].ranges[0].events[1].fixed",
        ),
        (lambda r: r.pop("modified"), "modified"),
        (
            lambda r: r["affected"][0]["ranges"][0].update(type="SOMETIMES"),
            "affected[0].ranges[0].type",
        ),
    ],
)
def test_a_bad_record_is_refused_naming_record_and_field_and_nothing_is_written(
    client, raw_cypher, change, field
):
    bad = sample(LOG4SHELL)
    change(bad)
    batch = {"records": [sample("GHSA-35jh-r3h4-6jhm"), bad]}
    response = client.post("/api/v1/vulnerabilities", json=batch)
    assert response.status_code == 400, response.get_json()
    message = response.get_json()["error"]["message"]
    assert LOG4SHELL in message and field in message
    assert raw_cypher("MATCH (v:Vulnerability) RETURN count(v) AS n") == [{"n": 0}]


def test_the_api_takes_a_batch_with_an_admin_token_only(client, anonymous_client, make_token):
    records = {"records": [sample("GHSA-35jh-r3h4-6jhm")]}
    register_only = {"Authorization": f"Bearer {make_token('register')}"}
    assert anonymous_client.post("/api/v1/vulnerabilities", json=records).status_code == 401
    response = anonymous_client.post("/api/v1/vulnerabilities", json=records, headers=register_only)
    assert response.status_code == 403
    done = client.post("/api/v1/vulnerabilities", json=records)
    assert done.status_code == 200 and done.get_json()["created"] == 1
    shown = client.get("/api/v1/vulnerabilities/CVE-2021-23337").get_json()
    assert shown["records"][0]["id"] == "GHSA-35jh-r3h4-6jhm"


def test_the_api_reports_match_the_services(client, graph):
    demo.load(LocalCatalog(graph))
    client.post("/api/v1/vulnerabilities", json={"records": all_samples()})
    exposure = client.get("/api/v1/environments/prod/vulnerabilities").get_json()
    assert exposure == vulnerabilities.exposure(graph, "prod")
    windows = client.get("/api/v1/vulnerabilities/CVE-2021-44228/windows?at=2026-10-10T00:00:00Z")
    assert windows.status_code == 200
    assert len(windows.get_json()["exposed_at"]) == 6
    assert client.get("/api/v1/environments/mars/vulnerabilities").status_code == 404


# -- files, folders, archives ------------------------------------------------------------
def test_a_zip_member_larger_than_the_limit_is_skipped_by_what_was_read(tmp_path, monkeypatch):
    monkeypatch.setattr(sources, "MAX_RECORD_BYTES", 1000)
    archive = tmp_path / "all.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        out.writestr("big.json", json.dumps({"id": "X", "details": " " * 5000}))
        out.writestr("GHSA-35jh-r3h4-6jhm.json", json.dumps(sample("GHSA-35jh-r3h4-6jhm")))
    found = {f.origin.rsplit(":", 1)[1]: f for f in sources.read(archive)}
    assert "larger than 1000 bytes" in found["big.json"].problem
    assert found["GHSA-35jh-r3h4-6jhm.json"].record["id"] == "GHSA-35jh-r3h4-6jhm"


@pytest.fixture(params=["local", "remote"])
def mercator(request, settings, graph):
    env = {
        "MERCATOR_NEO4J_URI": settings.neo4j_uri,
        "MERCATOR_NEO4J_USER": settings.neo4j_user,
        "MERCATOR_NEO4J_PASSWORD": settings.neo4j_password,
    }
    assert CliRunner().invoke(cli, ["demo", "load"], env=env).exit_code == 0
    prefix = []
    if request.param == "remote":
        prefix = ["--url", request.getfixturevalue("base_url")]
        env = {**env, "MERCATOR_TOKEN": request.getfixturevalue("admin_token")}

    def run(*args: str, expect: int = 0):
        result = CliRunner().invoke(cli, [*prefix, *args], env=env)
        assert result.exit_code == expect, result.output
        return result

    return run


def test_cli_imports_an_archive_skipping_bad_records_and_lists_prod_exposure(mercator, tmp_path):
    archive = tmp_path / "all.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for path in sorted(SAMPLES.glob("*.json")):
            out.write(path, path.name)
        out.writestr("broken.json", "{not json")
        out.writestr("PYSEC-0000-0.json", json.dumps({"id": "PYSEC-0000-0"}))
    result = mercator("vuln", "import", str(archive), "-o", "json", expect=2)
    assert json.loads(result.stdout)["created"] == 8
    assert json.loads(result.stdout)["skipped"] == 2
    assert "broken.json: is not JSON" in result.stderr
    assert "PYSEC-0000-0: modified must be an RFC 3339 time" in result.stderr
    again = json.loads(mercator("vuln", "import", str(SAMPLES), "-o", "json").stdout)
    assert again["unchanged"] == 8 and again["skipped"] == 0

    table = mercator("vuln", "exposure", "--environment", "prod").stdout
    first = table.split("exposures:")[1].strip().splitlines()[1]
    assert first.split() == [
        LOG4SHELL,
        "10.0",
        ADS_LOG4J,
        "2.15.0",
        "ads",
        "1.1.0",
        "2026-10-05T09:10:00Z",  # since ads 1.1.0 came; shop 1.0.3 redeployed it
        "growth",
        "growth-oncall",
    ]
    windows = mercator("vuln", "windows", "CVE-2021-44228", "--at", "2026-10-10T00:00:00Z").stdout
    assert "exposed_at:" in windows and "2026-10-16T09:10:00Z" in windows
    shown = mercator("vuln", "show", "CVE-2021-44228").stdout
    assert "ECOSYSTEM introduced 2.13.0 fixed 2.15.0" in shown and ADS_LOG4J in shown
    mercator("vuln", "show", "CVE-1999-0001", expect=3)


def test_the_team_page_lists_its_open_vulnerabilities_in_every_environment(client, shop):
    html = client.get("/teams/payments").get_data(as_text=True)
    section = html[html.index('id="exposure-title"') :]
    assert "GHSA-9wx4-h78v-vm56" in section
    assert section.index("/environments/staging") < section.index("/environments/prod")
    assert "/environments/dev" not in section
    assert client.get("/teams/nobody").status_code == 404


def test_a_large_environments_exposure_sorts_its_rows_without_their_imports(graph, raw_cypher):
    """Exposure now sorts its worst rows where they hold only themselves: sorted inside
    the subquery that finds them, each row also held every running version it imported,
    and a large environment's exposure ran out of transaction memory (the test server's
    717 MiB). Here 3,000 running versions of one team's components, each with the same
    vulnerable package: 3,000 rows, for the environment and for the team."""
    raw_cypher(
        "CREATE (e:Environment {name: 'big'}) "
        "CREATE (p:Package {purl: 'pkg:maven/org.example/shared@1.0.0', name: 'shared'}) "
        "CREATE (v:Vulnerability {id: 'GHSA-big', aliases: [], summary: 'x', score: 9.8}) "
        "CREATE (v)-[:AFFECTS {range: '<2', fixed: '2.0.0'}]->(p) "
        "CREATE (t:Team {name: 'big-team'}) "
        "WITH e, p, t UNWIND range(1, 3000) AS n "
        "CREATE (t)<-[:OWNED_BY]-(c:Component {name: 'svc-' + n})"
        "-[:HAS_VERSION]->(cv:ComponentVersion {component: 'svc-' + n, version: '1.0.0'}) "
        "CREATE (cv)-[:CONTAINS]->(p) "
        "CREATE (e)-[:RUNS {since: datetime('2026-11-01T00:00:00Z') + duration({minutes: n})}]"
        "->(cv)"
    )
    for exposed in (
        vulnerabilities.exposure(graph, "big", limit=1000),
        vulnerabilities.team_exposure(graph, "big-team", limit=1000),
    ):
        assert exposed["exposure_count"] == 3000
        rows = exposed["exposures"]
        assert len(rows) == 1000
        assert [r["component"] for r in rows[:2]] == ["svc-1", "svc-2"]  # longest running first
        assert {(r["vulnerability"], r["package"], r["fixed"], r["team"]) for r in rows} == {
            ("GHSA-big", "pkg:maven/org.example/shared@1.0.0", "2.0.0", "big-team")
        }
