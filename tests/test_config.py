"""Settings from the environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.config import DEV_PASSWORD, SettingError, Settings


def test_defaults_point_at_the_local_server():
    settings = Settings.from_env({})
    assert settings.neo4j_uri == "bolt://127.0.0.1:7687"
    assert settings.neo4j_password == DEV_PASSWORD != "neo4j"
    assert settings.local.home == Path(".mercator/neo4j")


def test_variables_override_defaults_and_the_uri_follows_the_local_port():
    settings = Settings.from_env(
        {
            "MERCATOR_NEO4J_BOLT_PORT": "7999",
            "MERCATOR_NEO4J_DATABASE": "catalog",
            "MERCATOR_WORKER_STOP_GRACE": "5",
            "MERCATOR_NEO4J_HEAP": "4g",
        }
    )
    assert settings.neo4j_uri == "bolt://127.0.0.1:7999"
    assert settings.neo4j_database == "catalog"
    assert settings.worker_stop_grace == 5.0
    assert settings.worker_settings().stop_grace == 5.0
    assert settings.local.heap == "4g"
    routed = Settings.from_env({"MERCATOR_NEO4J_URI": "neo4j://db.internal:7687"})
    assert routed.neo4j_uri == "neo4j://db.internal:7687"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("MERCATOR_NEO4J_BOLT_PORT", "seven"),
        ("MERCATOR_QUERY_TIMEOUT", "soon"),
        ("MERCATOR_READS_NEED_TOKEN", "maybe"),
    ],
)
def test_malformed_values_name_the_variable(name, value):
    with pytest.raises(SettingError, match=name):
        Settings.from_env({name: value})


def test_the_password_can_come_from_a_secret_file(tmp_path):
    secret = tmp_path / "neo4j-password"
    secret.write_text("from-the-file\n", encoding="utf-8")
    settings = Settings.from_env(
        {"MERCATOR_NEO4J_PASSWORD_FILE": str(secret), "MERCATOR_NEO4J_PASSWORD": "ignored"}
    )
    assert settings.neo4j_password == "from-the-file"
    with pytest.raises(SettingError, match="MERCATOR_NEO4J_PASSWORD_FILE"):
        Settings.from_env({"MERCATOR_NEO4J_PASSWORD_FILE": str(tmp_path / "missing")})


def test_reads_need_a_token_only_when_configured():
    assert Settings.from_env({}).reads_need_token is False
    assert Settings.from_env({"MERCATOR_READS_NEED_TOKEN": "true"}).reads_need_token is True


def test_describe_hides_the_password():
    described = Settings.from_env({"MERCATOR_NEO4J_PASSWORD": "s3cret"}).describe()
    assert described["neo4j_password"] == "***"
    assert "s3cret" not in repr(described)
