"""`mercator token ...` on Neo4j, and the CLI's --url mode with and without a token."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from app.cli import cli


@pytest.fixture
def env(settings, graph):
    return {
        "MERCATOR_NEO4J_URI": settings.neo4j_uri,
        "MERCATOR_NEO4J_USER": settings.neo4j_user,
        "MERCATOR_NEO4J_PASSWORD": settings.neo4j_password,
        "MERCATOR_URL": None,
        "MERCATOR_TOKEN": None,
        "LOGNAME": "operator",
        "USER": "operator",
    }


def run(env, *args, expect=0, **extra):
    result = CliRunner().invoke(cli, list(args), env={**env, **extra})
    assert result.exit_code == expect, result.output
    return result


def test_create_prints_the_token_once_and_list_never_shows_it(env):
    created = run(
        env,
        "token",
        "create",
        "--name",
        "ci-payments",
        "--scope",
        "register",
        "--scope",
        "deploy",
        "--component-prefix",
        "payments-",
        "--expires",
        "90d",
    )
    token = created.stdout.strip()
    assert token.startswith("mrc_") and "\n" not in token
    assert "shown only now" in created.stderr
    listed = run(env, "token", "list", "-o", "json")
    (item,) = json.loads(listed.stdout)["items"]
    assert item["name"] == "ci-payments" and item["scopes"] == ["register", "deploy"]
    assert item["component_prefix"] == "payments-" and item["state"] == "active"
    assert item["created_by"] == "local:operator"
    assert token not in listed.stdout
    assert token not in run(env, "token", "list").stdout


def test_bad_token_requests_name_the_problem(env):
    result = run(
        env, "token", "create", "--name", "x", "--scope", "read", "--expires", "soon", expect=2
    )
    assert "expires" in result.output
    run(env, "token", "create", "--name", "ci", "--scope", "read")
    again = run(env, "token", "create", "--name", "ci", "--scope", "deploy", expect=4)
    assert "exists" in again.output
    assert "no token named 'nobody'" in run(env, "token", "revoke", "nobody", expect=3).output


def test_token_commands_refuse_url_mode(env):
    result = run(env, "--url", "http://127.0.0.1:9", "token", "list", expect=2)
    assert "works on Neo4j directly" in result.output


def test_url_mode_sends_the_token_and_records_its_name(env, base_url):
    remote = {**env, "MERCATOR_URL": base_url, "MERCATOR_NEO4J_URI": "bolt://127.0.0.1:9"}
    register = ("component", "register", "payment", "1.0.0", "--no-ci-env")
    missing = run(remote, *register, expect=7)
    assert "needs a valid API token" in missing.output
    reader = run(env, "token", "create", "--name", "dashboard", "--scope", "read").stdout.strip()
    lacking = run(remote, *register, expect=7, MERCATOR_TOKEN=reader)
    assert "lacks the 'register' scope" in lacking.output
    ci = run(env, "token", "create", "--name", "ci-build", "--scope", "register").stdout.strip()
    run(remote, *register, MERCATOR_TOKEN=ci)
    shown = run(remote, "component", "version", "payment", "1.0.0", "-o", "json")
    assert json.loads(shown.stdout)["registered_by"] == "ci-build"
    # --token works as well as the variable; a revoked token stops working at once.
    run(remote, "--token", ci, "component", "register", "payment", "1.0.1", "--no-ci-env")
    run(env, "token", "revoke", "ci-build")
    revoked = run(remote, *register[:3], "1.0.2", "--no-ci-env", expect=7, MERCATOR_TOKEN=ci)
    assert "needs a valid API token" in revoked.output


def test_local_mode_needs_no_token_and_records_the_login(env):
    run(env, "component", "register", "payment", "1.0.0", "--no-ci-env")
    shown = run(env, "component", "version", "payment", "1.0.0", "-o", "json")
    assert json.loads(shown.stdout)["registered_by"] == "local:operator"
