"""`mercator report ...` on the demo, against Neo4j and over HTTP."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from app.cli import cli


@pytest.fixture(params=["local", "remote"])
def report(request, settings, graph):
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
        result = CliRunner().invoke(cli, [*prefix, "report", *args], env=env)
        assert result.exit_code == expect, result.output
        return result

    return run


def test_blast_radius_names_consumers_environments_and_whom_to_call(report):
    table = report("blast-radius", "payment", "--version", "1.5.0").stdout
    assert "checkout" in table and "payment → checkout@5.0.0" in table
    assert "payments-oncall" in table and "storefront" in table
    as_json = json.loads(report("blast-radius", "payment", "-o", "json").stdout)
    assert {c["component"] for c in as_json["consumers"]} == {"checkout", "frontend"}
    rows = list(csv.DictReader(io.StringIO(report("blast-radius", "payment", "-o", "csv").stdout)))
    assert {row["component"] for row in rows} == {"checkout", "frontend"}
    assert list(rows[0])[:3] == ["component", "version", "distance"]
    # The application versions a page at a time, all of them counted.
    paged = json.loads(
        report("blast-radius", "payment", "--application-limit", "1", "-o", "json").stdout
    )
    assert len(paged["applications"]) == 1 < paged["application_count"]
    assert paged["applications_truncated"]
    assert paged["applications"] == as_json["applications"][:1]


def test_csv_cells_are_plain_text_and_paths_read_changed_first(report):
    text = report("blast-radius", "currency", "-o", "csv").stdout
    assert "[" not in text and "True" not in text and "False" not in text
    rows = list(csv.DictReader(io.StringIO(text)))
    checkout = next(r for r in rows if r["component"] == "checkout")
    assert checkout["path"] == "currency → checkout@5.0.0"
    assert {r["latest"] for r in rows} == {"true", "false"}
    assert "currency → checkout@5.0.0" in report("blast-radius", "currency").stdout
    changed = report("diff", "app", "shop", "1.0.3", "1.0.8", "-o", "csv").stdout
    payment = next(r for r in csv.DictReader(io.StringIO(changed)) if r["component"] == "payment")
    assert payment["fields"] == "digest, git_commit"
    assert payment["packages"] == "flask 3.0.0 → 3.0.3, requests 2.31.0 → 2.32.3"


def test_the_bom_table_says_who_brings_each_package_and_the_diff_its_packages(report):
    bom = report("bom", "shop", "1.0.0").stdout
    assert "BROUGHT BY" in bom
    log4j = next(line for line in bom.splitlines() if "log4j-core@2.14.1" in line)
    assert log4j.rstrip().endswith("ads 1.1.0, catalog 3.4.0")
    own = report("bom", "ads", "1.1.0", "--component").stdout
    assert "BROUGHT BY" not in own and "SCOPE" in own
    diff = report("diff", "app", "shop", "1.0.3", "1.0.8").stdout
    assert "PACKAGES" in diff
    assert "flask 3.0.0 → 3.0.3, requests 2.31.0 → 2.32.3" in diff


def test_bom_diff_plan_inventory_and_where(report):
    assert "shop-config" in report("bom", "shop", "1.0.3").stdout
    assert "currency" in report("bom", "payment", "1.5.0", "--component").stdout
    diff = report("diff", "app", "shop", "1.0.3", "1.0.8").stdout
    assert "payment    1.5.0  1.5.1" in diff
    assert "digest, git_commit" in diff
    assert "cart       4.2.0  4.1.0" in report("diff", "env", "staging", "prod").stdout
    component_diff = report("diff", "component", "payment", "1.4.2", "1.5.1").stdout
    assert "git_commit" in component_diff
    assert "unknown — 1.4.2 has no SBOM" in component_diff
    assert "flask@3.0.3" not in component_diff
    first = report("diff", "app", "shop", "1.0.0", "1.0.1").stdout
    assert "unknown — 1.4.2 has no SBOM" in first
    plan = json.loads(report("plan", "shop", "1.0.8", "--to", "prod", "-o", "json").stdout)
    assert {c["component"] for c in plan["change"]} == {
        "cart",
        "currency",
        "frontend",
        "payment",
        "shop-db",
    }
    then = report("inventory", "prod", "--at", "2026-10-06T00:00:00Z", "-o", "csv").stdout
    payment = next(r for r in csv.DictReader(io.StringIO(then)) if r["component"] == "payment")
    assert (payment["version"], payment["since"], payment["deployment"]) == (
        "1.4.2", "2026-10-05T09:10:00Z", "demo-3"
    )
    where = report("where", "payment").stdout
    assert "prod (prod): now 1.5.0" in where and "demo-3" in where


def test_inventory_at_a_time_has_kind_and_owner_like_inventory_now(report):
    def rows(*args):
        text = report("inventory", "prod", *args, "-o", "csv").stdout
        return {row["component"]: row for row in csv.DictReader(io.StringIO(text))}

    now, then = rows(), rows("--at", "2026-10-06T00:00:00Z")
    assert then and set(then) <= set(now)
    for name, row in then.items():
        assert row["kind"] and row["owner"], row
        assert (row["kind"], row["owner"]) == (now[name]["kind"], now[name]["owner"])
    table = report("inventory", "prod", "--at", "2026-10-06T00:00:00Z").stdout
    payment = next(line for line in table.splitlines() if line.strip().startswith("payment "))
    assert now["payment"]["kind"] in payment and now["payment"]["owner"] in payment


def test_not_found_names_only_what_is_missing_and_suggests_the_nearest(report):
    typo = report("diff", "env", "staging", "prdo", expect=3).stderr
    assert "no environment named 'prdo'; did you mean prod?" in typo
    assert "staging" not in typo
    both = report("diff", "env", "stagign", "prdo", expect=3).stderr
    assert "no environment named 'stagign' or 'prdo'" in both
    assert "staging for 'stagign'" in both and "prod for 'prdo'" in both
    component = report("blast-radius", "paymnet", expect=3).stderr
    assert "no component named 'paymnet'; did you mean payment?" in component
    inventory = report("inventory", "prdo", expect=3).stderr
    assert "did you mean prod?" in inventory


def test_report_errors_have_exit_codes(report):
    missing = report("blast-radius", "nope", expect=3)
    assert "no component named 'nope'" in missing.stderr
    bad_time = report("inventory", "prod", "--at", "tuesday", expect=2)
    assert "ISO 8601" in bad_time.stderr


def test_matrix_shows_components_down_and_environments_across(report):
    lines = report("matrix").stdout.splitlines()
    header = lines[0].split()
    assert header[:3] == ["COMPONENT", "KIND", "OWNER"]
    assert header.index("DEV") < header.index("STAGING") < header.index("PROD")
    rows = {line.split()[0]: dict(zip(header, line.split(), strict=True)) for line in lines[1:]
            if line and not line.startswith("*")}
    # payment 1.5.1 reached dev only: differs from staging and is newer than prod
    assert (rows["payment"]["DEV"], rows["payment"]["STAGING"], rows["payment"]["PROD"]) == (
        "1.5.1*+", "1.5.0", "1.5.0")
    assert "* differs from the next stage" in lines[-1]
    grid = list(csv.DictReader(io.StringIO(report("matrix", "-o", "csv").stdout)))
    assert list(grid[0])[:3] == ["component", "kind", "owner"]
    payment = next(row for row in grid if row["component"] == "payment")
    assert (payment["dev"], payment["staging"], payment["prod"]) == ("1.5.1", "1.5.0", "1.5.0")
    as_json = json.loads(report("matrix", "--team", "payments", "--stage", "prod",
                                "-o", "json").stdout)
    assert [e["name"] for e in as_json["environments"]] == ["prod"]
    assert {row["component"] for row in as_json["components"]} == {
        "currency", "payment", "checkout"}
    before = json.loads(report("matrix", "--at", "2026-10-14T00:00:00Z", "-o", "json").stdout)
    prod = [e["name"] for e in before["environments"]].index("prod")
    payment = next(row for row in before["components"] if row["component"] == "payment")
    assert payment["cells"][prod]["version"] == "1.4.2"
    paged = report("matrix", "--limit", "2")
    assert len(paged.stdout.splitlines()) == 3 + ("* differs" in paged.stdout)
    assert "--offset 2" in paged.stderr
    assert "ISO 8601" in report("matrix", "--at", "tuesday", expect=2).stderr
    assert "no team named 'nobody'" in report("matrix", "--team", "nobody", expect=3).stderr
