"""The `mercator` command line: help everywhere, and the skeleton commands on real Neo4j."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from app.cli import cli
from app.graph import schema


def _commands(group: click.Group, prefix: tuple[str, ...] = ()):
    for name, command in group.commands.items():
        yield (*prefix, name)
        if isinstance(command, click.Group):
            yield from _commands(command, (*prefix, name))


ALL_COMMANDS = sorted(_commands(cli))


@pytest.fixture
def env(settings, tmp_path):
    """Environment variables that point the CLI at the test Neo4j."""
    return {
        "MERCATOR_NEO4J_URI": settings.neo4j_uri,
        "MERCATOR_NEO4J_USER": settings.neo4j_user,
        "MERCATOR_NEO4J_PASSWORD": settings.neo4j_password,
        "MERCATOR_NEO4J_HOME": str(tmp_path / "no-local-server"),
    }


def test_top_level_help_lists_the_commands():
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    for name in ("serve", "neo4j", "db", "version"):
        assert name in result.output


@pytest.mark.parametrize("path", ALL_COMMANDS, ids=" ".join)
def test_every_command_has_help(path):
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage: " in result.output
    summary = result.output.split("\n\n")[1].strip()
    assert summary, f"{' '.join(path)} has no description"


def test_version_names_mercator_the_driver_and_the_server(env, graph):
    result = CliRunner().invoke(cli, ["version", "--neo4j"], env=env)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("mercator ")
    assert "neo4j-driver 6." in result.output
    assert "5.26." in result.output and "community" in result.output


def test_db_init_and_status(env, graph):
    runner = CliRunner()
    result = runner.invoke(cli, ["db", "init"], env=env)
    assert result.exit_code == 0, result.output
    assert f"schema version {schema.SCHEMA_VERSION} applied" in result.output
    status = runner.invoke(cli, ["db", "status"], env=env)
    assert status.exit_code == 0
    assert "component_version_key_unique" in status.output


def test_db_reset_asks_first_and_deletes_on_yes(env, graph, raw_cypher):
    raw_cypher("CREATE (:Team {name: 'payments'})")
    runner = CliRunner()
    refused = runner.invoke(cli, ["db", "reset"], env=env, input="n\n")
    assert refused.exit_code != 0
    assert raw_cypher("MATCH (t:Team) RETURN count(t) AS n") == [{"n": 1}]
    done = runner.invoke(cli, ["db", "reset", "--yes"], env=env)
    assert done.exit_code == 0 and "deleted 1 nodes" in done.output
    assert raw_cypher("MATCH (t:Team) RETURN count(t) AS n") == [{"n": 0}]


def test_unreachable_neo4j_is_a_clear_error_and_exit_code_5(env):
    env = {**env, "MERCATOR_NEO4J_URI": "bolt://127.0.0.1:9", "MERCATOR_RETRY_TIME": "0"}
    result = CliRunner().invoke(cli, ["db", "init"], env=env)
    assert result.exit_code == 5
    assert "error: Neo4j is not reachable" in result.output
    assert "Traceback" not in result.output


def test_neo4j_status_of_a_server_that_is_not_running(env):
    result = CliRunner().invoke(cli, ["neo4j", "status"], env=env)
    assert result.exit_code == 1
    assert result.output.startswith("stopped")


def test_version_can_show_the_settings_without_the_password(env):
    result = CliRunner().invoke(
        cli, ["version", "--settings"], env={**env, "MERCATOR_NEO4J_PASSWORD": "s3cret-value"}
    )
    assert result.exit_code == 0
    assert '"neo4j_password": "***"' in result.stdout
    assert "s3cret-value" not in result.stdout
