"""Secrets at rest: engine secret_env values encrypted in the graph with MERCATOR_SECRET_KEY,
rotated on a command, and the local Neo4j's files readable by their owner only."""

from __future__ import annotations

import os
import stat
import subprocess
from dataclasses import replace

import pytest
from click.testing import CliRunner

from app import create_app
from app.catalog import environments
from app.cli import cli
from app.config import SettingError, Settings
from app.deploy import engines
from app.errors import Invalid, Unavailable
from app.graph.local_neo4j import private
from app.graph.sealing import Sealer, new_key

SECRET = "s3cret-registry-password"
CONFIG = {"command": ["./deploy.sh"], "secret_env": {"REGISTRY_PASSWORD": SECRET}}


def stored_config(raw_cypher, name: str = "prod") -> str:
    return raw_cypher(
        "MATCH (e:Environment {name: $name}) RETURN e.engine_config AS config", name=name
    )[0]["config"]


def environment_node(raw_cypher, name: str = "prod") -> dict:
    return raw_cypher("MATCH (e:Environment {name: $name}) RETURN e {.*} AS e", name=name)[0]["e"]


@pytest.fixture
def sealed(graph, monkeypatch):
    """The test graph sealing with a key of its own; returns the key."""
    key = new_key()
    monkeypatch.setattr(graph, "sealer", Sealer(key))
    environments.upsert(graph, "prod", stage="prod")
    return key


def test_a_secret_is_stored_encrypted_and_reaches_the_engine(graph, sealed, raw_cypher):
    environments.set_engine(graph, "prod", "command", CONFIG)
    stored = stored_config(raw_cypher)
    assert SECRET not in stored and '"fernet:' in stored
    _, config = engines.configured(environment_node(raw_cypher), graph.sealer)
    assert config["secret_env"] == {"REGISTRY_PASSWORD": SECRET}
    shown = environments.get(graph, "prod")["engine_config"]
    assert shown["secret_env"] == {"REGISTRY_PASSWORD": "***"}


def test_a_sealed_secret_without_its_key_is_a_clear_503_not_garbage(graph, sealed, raw_cypher):
    environments.set_engine(graph, "prod", "command", CONFIG)
    node = environment_node(raw_cypher)
    for keys in ("", new_key()):
        with pytest.raises(Unavailable, match="MERCATOR_SECRET_KEY"):
            engines.configured(node, Sealer(keys))


def test_the_api_stores_secrets_encrypted(settings, graph, make_token, raw_cypher):
    app = create_app(replace(settings, secret_key=new_key()))
    try:
        client = app.test_client()
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {make_token('admin')}"
        assert client.put("/api/v1/environments/prod", json={"stage": "prod"}).status_code in (
            200,
            201,
        )
        response = client.put(
            "/api/v1/environments/prod/engine", json={"kind": "command", "config": CONFIG}
        )
        assert response.status_code == 200, response.get_json()
        assert SECRET not in response.get_data(as_text=True)
        assert SECRET not in stored_config(raw_cypher)
    finally:
        app.extensions["mercator.graph"].close()


def test_rotation_reseals_every_secret_with_the_new_key(graph, sealed, monkeypatch, raw_cypher):
    environments.set_engine(graph, "prod", "command", CONFIG)
    environments.upsert(graph, "dev", stage="dev")
    monkeypatch.setattr(graph, "sealer", Sealer())  # dev's stored before a key was set
    environments.set_engine(graph, "dev", "command", CONFIG)
    assert SECRET in stored_config(raw_cypher, "dev")
    new = new_key()
    monkeypatch.setattr(graph, "sealer", Sealer(f"{new},{sealed}"))
    assert environments.reseal_secrets(graph) == 2
    for name in ("prod", "dev"):
        node = environment_node(raw_cypher, name)
        assert SECRET not in node["engine_config"]
        _, config = engines.configured(node, Sealer(new))  # the old key is no longer needed
        assert config["secret_env"]["REGISTRY_PASSWORD"] == SECRET
        with pytest.raises(Unavailable):
            engines.configured(node, Sealer(sealed))


def test_the_rotate_command_uses_the_key_from_a_file(settings, graph, raw_cypher, tmp_path):
    environments.upsert(graph, "prod", stage="prod")
    environments.set_engine(graph, "prod", "command", CONFIG)  # no key: in the clear
    key = new_key()
    key_file = tmp_path / "secret-key"
    key_file.write_text(key + "\n")
    env = {
        "MERCATOR_NEO4J_URI": settings.neo4j_uri,
        "MERCATOR_NEO4J_USER": settings.neo4j_user,
        "MERCATOR_NEO4J_PASSWORD": settings.neo4j_password,
        "MERCATOR_URL": None,
        "MERCATOR_SECRET_KEY_FILE": str(key_file),
    }
    result = CliRunner().invoke(cli, ["secrets", "rotate"], env=env)
    assert result.exit_code == 0, result.output
    assert "1 environment" in result.output
    node = environment_node(raw_cypher)
    assert SECRET not in node["engine_config"]
    assert engines.configured(node, Sealer(key))[1]["secret_env"]["REGISTRY_PASSWORD"] == SECRET


def test_the_key_setting_is_checked_and_never_shown():
    key = new_key()
    assert Settings.from_env({"MERCATOR_SECRET_KEY": key}).describe()["secret_key"] == "***"
    with pytest.raises(SettingError, match="Fernet"):
        Sealer("not-a-key")


def test_the_local_server_home_is_private_whatever_the_umask(tmp_path):
    home = tmp_path / "neo4j-home"
    old = os.umask(0o022)
    try:
        (home / "data" / "databases").mkdir(parents=True)
        store = home / "data" / "databases" / "neostore"
        store.write_text("secret_env in the clear")
        assert stat.S_IMODE(store.stat().st_mode) == 0o644
        with private(home):
            created = home / "data" / "created-by-neo4j"
            subprocess.run(["touch", str(created)], check=True)  # as the server's child
        assert os.umask(0o022) == 0o022  # the caller's umask is back
    finally:
        os.umask(old)
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    assert stat.S_IMODE((home / "data").stat().st_mode) == 0o700
    assert stat.S_IMODE(store.stat().st_mode) == 0o600
    assert stat.S_IMODE(created.stat().st_mode) == 0o600


def test_rotating_without_a_key_is_refused(graph):
    with pytest.raises(Invalid, match="MERCATOR_SECRET_KEY"):
        environments.reseal_secrets(graph)
