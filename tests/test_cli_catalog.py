"""The catalog from the terminal, against Neo4j directly and against the HTTP API."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from app.cli import cli
from app.cli.ci_env import deployer, registration_defaults


@pytest.fixture(params=["local", "remote"])
def mercator(request, settings, graph):
    """Run `mercator ...` against Neo4j (no token needed), or with --url against a running
    API with the admin token in MERCATOR_TOKEN."""
    env = {
        "MERCATOR_NEO4J_URI": settings.neo4j_uri,
        "MERCATOR_NEO4J_USER": settings.neo4j_user,
        "MERCATOR_NEO4J_PASSWORD": settings.neo4j_password,
        "GITHUB_ACTIONS": "",
        "GITHUB_SHA": "",
        "GITLAB_CI": "",
        "CI_COMMIT_SHA": "",
        "GIT_COMMIT": "",
        "BUILD_URL": "",
        "USER": "tester",
    }
    prefix = []
    if request.param == "remote":
        prefix = ["--url", request.getfixturevalue("base_url")]
        env["MERCATOR_NEO4J_URI"] = "bolt://127.0.0.1:9"  # remote mode must not need Neo4j
        env["MERCATOR_TOKEN"] = request.getfixturevalue("admin_token")

    def run(*args: str, expect: int = 0, extra_env: dict | None = None):
        result = CliRunner().invoke(cli, [*prefix, *args], env={**env, **(extra_env or {})})
        assert result.exit_code == expect, result.output
        return result

    return run


def _json(result):
    return json.loads(result.stdout)


def test_register_with_flags_and_ci_variables(mercator):
    github = {
        "GITHUB_ACTIONS": "true",
        "GITHUB_SHA": "abc1234",
        "GITHUB_REF_NAME": "main",
        "GITHUB_SERVER_URL": "https://github.com",
        "GITHUB_REPOSITORY": "acme/payment",
        "GITHUB_RUN_ID": "77",
    }
    result = mercator(
        "component",
        "register",
        "payment",
        "1.0.0",
        "--kind",
        "service",
        "--owner",
        "payments",
        "--digest",
        "sha256:" + "aa" * 32,
        "--attr",
        "region=eu",
        "--depends-on",
        "currency@>=2.0.0 <3.0.0",
        "--app",
        "shop",
        "-o",
        "json",
        extra_env=github,
    )
    body = _json(result)
    assert body["created"] is True
    assert body["application_versions"] == [
        {"application": "shop", "version": "1.0.0", "previous": None}
    ]
    version = _json(mercator("component", "version", "payment", "1.0.0", "-o", "json"))
    assert (version["git_commit"], version["git_branch"], version["git_repository"]) == (
        "abc1234",
        "main",
        "https://github.com/acme/payment",
    )
    assert version["build_url"] == "https://github.com/acme/payment/actions/runs/77"
    assert version["attributes"] == {"region": "eu"}
    assert version["dependencies"] == [{"component": "currency", "range": ">=2.0.0 <3.0.0"}]

    again = mercator(
        "component",
        "register",
        "payment",
        "1.0.0",
        "--kind",
        "service",
        "--owner",
        "payments",
        "--digest",
        "sha256:" + "aa" * 32,
        "--attr",
        "region=eu",
        "--depends-on",
        "currency@>=2.0.0 <3.0.0",
        "--app",
        "shop",
        extra_env=github,
    )
    assert "unchanged" in again.stderr


def test_conflict_and_invalid_input_have_their_exit_codes(mercator):
    mercator("component", "register", "payment", "1.0.0", "--digest", "sha256:" + "aa" * 32)
    conflict = mercator(
        "component", "register", "payment", "1.0.0", "--digest", "sha256:" + "bb" * 32, expect=4
    )
    assert "error: payment 1.0.0 is already registered" in conflict.stderr
    assert '"digest"' in conflict.stderr
    invalid = mercator("component", "register", "payment", "1 0", expect=2)
    assert "version" in invalid.stderr
    placeholder = mercator(
        "component", "register", "payment", "2.0.0", "--digest", "sha256:…", "--git-commit", "",
        expect=2,
    )
    assert "digest" in placeholder.stderr and "git_commit" in placeholder.stderr
    missing = mercator("component", "show", "nope", expect=3)
    assert "error: no component named 'nope'" in missing.stderr


def test_application_versions_environments_and_deployments(mercator):
    mercator("component", "register", "payment", "1.0.0")
    mercator("component", "register", "cart", "3.1.0")
    created = _json(
        mercator(
            "app",
            "version",
            "create",
            "shop",
            "--component",
            "payment@1.0.0",
            "--component",
            "cart@3.1.0",
            "--owner",
            "storefront",
            "-o",
            "json",
        )
    )
    assert created["version"] == "1.0.0"
    mercator("component", "register", "cart", "3.2.0")
    assert (
        _json(mercator("app", "versions", "shop", "-o", "json"))["items"][-1]["version"] == "1.0.1"
    )
    added = _json(mercator("app", "add", "shop", "cart@3.1.0", "-o", "json"))
    assert added["version"] == "1.0.2"
    removed = _json(mercator("app", "remove", "shop", "cart", "-o", "json"))
    assert [m["component"] for m in removed["components"]] == ["payment"]

    mercator("env", "set", "prod", "--stage", "prod", "--cluster", "eu-1")
    deployed = _json(
        mercator(
            "deploy",
            "record",
            "--to",
            "prod",
            "--app",
            "shop",
            "--version",
            "1.0.1",
            "--id",
            "run-1",
            "-o",
            "json",
        )
    )
    assert deployed["by"] == "tester" and deployed["status"] == "succeeded"
    failed = _json(
        mercator(
            "deploy",
            "record",
            "--to",
            "prod",
            "--component",
            "cart@3.1.0",
            "--status",
            "failed",
            "-o",
            "json",
        )
    )
    assert failed["application"] is None
    prod = _json(mercator("env", "show", "prod", "-o", "json"))
    assert {r["component"]: r["version"] for r in prod["running"]} == {
        "payment": "1.0.0",
        "cart": "3.2.0",
    }
    history = mercator("deploy", "list", "--environment", "prod")
    assert "run-1" in history.stdout and "shop 1.0.1" in history.stdout
    assert "failed" in history.stdout


def test_lists_print_readable_tables(mercator):
    mercator("team", "set", "payments", "--email", "pay@example.com")
    mercator(
        "component", "register", "payment", "1.0.0", "--kind", "service", "--owner", "payments"
    )
    table = mercator("component", "list", "--kind", "service").stdout.splitlines()
    assert table[0].split() == ["NAME", "KIND", "OWNER", "LATEST", "VERSION", "VERSION", "COUNT"]
    assert table[1].split() == ["payment", "service", "payments", "1.0.0", "1"]
    assert "pay@example.com" in mercator("team", "list").stdout
    assert mercator("env", "list").stdout.strip() == "(none)"


def test_remote_mode_reports_an_unreachable_api_clearly(settings):
    result = CliRunner().invoke(cli, ["--url", "http://127.0.0.1:9", "component", "list"])
    assert result.exit_code == 5
    assert "cannot reach Mercator at http://127.0.0.1:9" in result.stderr


def test_ci_variables_of_gitlab_and_jenkins():
    gitlab = registration_defaults(
        {
            "GITLAB_CI": "true",
            "CI_COMMIT_SHA": "f00",
            "CI_COMMIT_REF_NAME": "release",
            "CI_PROJECT_URL": "https://gitlab.example.com/shop/cart",
            "CI_JOB_URL": "https://gitlab.example.com/shop/cart/-/jobs/9",
        }
    )
    assert gitlab == {
        "git_commit": "f00",
        "git_branch": "release",
        "git_repository": "https://gitlab.example.com/shop/cart",
        "build_url": "https://gitlab.example.com/shop/cart/-/jobs/9",
    }
    jenkins = registration_defaults(
        {
            "GIT_COMMIT": "b4d",
            "GIT_BRANCH": "origin/main",
            "GIT_URL": "https://git.example.com/cart.git",
            "BUILD_URL": "https://jenkins.example.com/job/cart/3/",
        }
    )
    assert jenkins["build_url"] == "https://jenkins.example.com/job/cart/3/"
    assert jenkins["git_commit"] == "b4d"
    assert registration_defaults({}) == {}
    assert deployer({"GITLAB_USER_LOGIN": "ana", "USER": "root"}) == "ana"


def test_demo_loads_a_shop_and_loading_again_changes_nothing(mercator, raw_cypher):
    from tests.catalog import counts

    assert "demo loaded: 5 teams, 13 components" in mercator("demo", "load").stdout
    first = counts(raw_cypher)
    mercator("demo", "load")
    assert counts(raw_cypher) == first
    prod = _json(mercator("env", "show", "prod", "-o", "json"))
    running = {r["component"]: r["version"] for r in prod["running"]}
    assert len(running) == 13 and running["payment"] == "1.5.0"  # shop 1.0.3
    dev = _json(mercator("env", "show", "dev", "-o", "json"))
    assert {r["component"]: r["version"] for r in dev["running"]}["payment"] == "1.5.1"
    versions = _json(mercator("app", "versions", "shop", "-o", "json"))["items"]
    assert [v["version"] for v in versions] == [f"1.0.{n}" for n in range(9)]
    history = _json(mercator("deploy", "list", "--environment", "prod", "-o", "json"))
    assert [d["status"] for d in history["items"]] == ["succeeded", "failed", "succeeded"]
    payment = _json(mercator("component", "show", "payment", "-o", "json"))
    assert payment["owner"] == "payments"
    assert {r["environment"] for r in payment["running"]} == {"dev", "staging", "prod"}


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        (["component", "list", "--owner", "payments"], ["checkout", "currency", "payment"]),
        (["component", "show", "checkout"], ["payments", "shop-config"]),
        (["component", "versions", "payment"], ["1.5.1", "1.5.0", "1.4.2"]),
        (["component", "version", "payment", "1.5.0"], ["currency", ">=2.0.0 <3.0.0", "prod"]),
        (["app", "list"], ["shop", "storefront", "1.0.8"]),
        (["app", "show", "shop"], ["The online shop"]),
        (["app", "versions", "shop", "--limit", "2", "--offset", "7"], ["1.0.7", "1.0.8"]),
        (["app", "version", "show", "shop", "1.0.3"], ["shop-config", "2026.10"]),
        (["env", "list", "--stage", "prod"], ["prod", "prod-eu-1", "13"]),
        (["team", "list"], ["payments-oncall", "#growth"]),
        (["team", "show", "fulfilment"], ["email", "shipping"]),
        (["deploy", "list", "--status", "failed"], ["demo-6", "shop 1.0.3"]),
        (["deploy", "show", "demo-9"], ["staging", "release-bot", "recommendation"]),
    ],
)
def test_read_commands_on_the_demo(mercator, command, expected):
    mercator("demo", "load")
    result = mercator(*command)
    for text in expected:
        assert text in result.stdout, f"{text!r} not in:\n{result.stdout}"
    as_json = _json(mercator(*command, "-o", "json"))
    assert isinstance(as_json, dict)


def test_deploy_list_between_two_times(mercator):
    mercator("demo", "load")
    window = _json(mercator("deploy", "list", "--since", "2026-10-13T00:00:00Z",
                            "--until", "2026-10-16T09:02:00Z", "-o", "json"))
    # demo-7 started at 09:02 that day: until is exclusive
    assert [d["id"] for d in window["items"]] == ["demo-6", "demo-5"]
    bad = mercator("deploy", "list", "--until", "next week", expect=2)
    assert "until" in bad.stderr and "ISO 8601" in bad.stderr


def test_export_import_round_trip_through_the_cli(settings, graph, tmp_path):
    env = {
        "MERCATOR_NEO4J_URI": settings.neo4j_uri,
        "MERCATOR_NEO4J_USER": settings.neo4j_user,
        "MERCATOR_NEO4J_PASSWORD": settings.neo4j_password,
    }
    runner = CliRunner()
    assert runner.invoke(cli, ["demo", "load"], env=env).exit_code == 0
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    assert runner.invoke(cli, ["export", str(first)], env=env).exit_code == 0
    assert runner.invoke(cli, ["db", "reset", "--yes"], env=env).exit_code == 0
    imported = runner.invoke(cli, ["import", str(first), "--batch-size", "5"], env=env)
    assert imported.exit_code == 0, imported.output
    assert "component_versions: 21 created, 0 already there" in imported.stdout
    assert runner.invoke(cli, ["export", str(second)], env=env).exit_code == 0
    assert first.read_bytes() == second.read_bytes()

    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "format: mercator-catalog\nformat_version: 1\n"
        "component_versions:\n  - {component: api, version: '1 0'}\n"
    )
    refused = runner.invoke(cli, ["import", str(bad)], env=env)
    assert refused.exit_code == 2
    assert "component_versions[0].version" in refused.stderr


def test_env_show_prints_the_engine_argv_as_a_shell_reads_it(mercator):
    mercator("env", "set", "staging", "--stage", "staging")
    mercator(
        "env", "set-engine", "staging", "command", "--", "sh", "-c",
        'echo "deploying {application} {version}"',
    )
    shown = mercator("env", "show", "staging").stdout
    assert "command=sh -c 'echo \"deploying {application} {version}\"'" in shown
    assert "sh, -c" not in shown
    as_json = _json(mercator("env", "show", "staging", "-o", "json"))
    assert as_json["engine_config"]["command"] == [
        "sh", "-c", 'echo "deploying {application} {version}"'
    ]


def test_the_log_of_a_recorded_deployment_says_there_is_none(mercator):
    mercator("component", "register", "payment", "1.0.0")
    mercator("env", "set", "prod", "--stage", "prod")
    mercator(
        "deploy", "record", "--to", "prod", "--component", "payment@1.0.0", "--id", "run-1",
        "--log-url", "https://ci.example.com/run/1",
    )
    log = mercator("deploy", "log", "run-1")
    assert log.stdout == ""
    assert "deployment run-1 was recorded, not run by an engine: it has no log" in log.stderr
    assert "https://ci.example.com/run/1" in log.stderr


def test_package_list_shows_what_the_sboms_brought(mercator, tmp_path):
    core, api = (
        f"pkg:maven/org.apache.logging.log4j/log4j-{name}@2.14.1" for name in ("core", "api")
    )
    sbom = tmp_path / "sbom.json"
    sbom.write_text(
        json.dumps(
            {
                "bomFormat": "CycloneDX",
                "specVersion": "1.6",
                "components": [
                    {
                        "type": "library",
                        "bom-ref": purl,
                        "purl": purl,
                        "name": purl.rsplit("/", 1)[1].split("@")[0],
                        "version": "2.14.1",
                        "licenses": [{"license": {"id": "Apache-2.0"}}],
                    }
                    for purl in (core, api)
                ],
            }
        )
    )
    mercator("component", "register", "shop", "1.0.0", "--no-ci-env")
    mercator("sbom", "attach", "shop", "1.0.0", str(sbom))
    table = mercator("package", "list", "--prefix", "log4j").stdout.splitlines()
    assert table[0].split() == ["NAME", "ECOSYSTEM", "VERSIONS", "LICENSES", "HOLDERS"]
    assert [line.split() for line in table[1:]] == [
        ["log4j-api", "maven", "2.14.1", "Apache-2.0", "1"],
        ["log4j-core", "maven", "2.14.1", "Apache-2.0", "1"],
    ]
    page = _json(mercator("package", "list", "--limit", "1", "-o", "json"))
    assert [v["purl"] for v in page["items"][0]["versions"]] == [api]
    assert page["next_offset"] == 1
