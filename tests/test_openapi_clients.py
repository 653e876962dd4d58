"""Clients made from the OpenAPI document, as users make them.

- Spectral, with its standard ``spectral:oas`` ruleset (npm's @stoplight/spectral-cli,
  pinned in tests/oracles/spectral), finds nothing to warn about.
- ``openapi-python-client`` generates a Python client (once per session) without a
  warning; tests/clients/pipeline.py, a pipeline written with it, type-checks with
  ``mypy --strict`` and registers, deploys and reads the inventory and the blast radius of
  a served Mercator (`tests.live_api.served`).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app import create_app
from app.config import Settings
from tests.live_api import REPO, served

SPECTRAL_HOME = REPO / "tests" / "oracles" / "spectral"
SPECTRAL = SPECTRAL_HOME / "node_modules" / ".bin" / "spectral"
PIPELINE = REPO / "tests" / "clients" / "pipeline.py"
BIN = Path(sys.executable).parent
#: openapi-python-client's settings, as docs/api.md gives them. The error schema's class
#: is renamed: a model named Error with a field named error generates a from_dict whose
#: local variables collide (mypy finds it). No post hooks: they only format with ruff.
CLIENT_CONFIG = {
    "package_name_override": "mercator_client",
    "class_overrides": {"Error": {"class_name": "ApiError", "module_name": "api_error"}},
    "post_hooks": [],
}


@pytest.fixture(scope="module")
def document() -> dict:
    return create_app(Settings()).test_client().get("/api/v1/openapi.json").get_json()


@pytest.fixture(scope="module")
def document_file(document, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("openapi") / "openapi.json"
    path.write_text(json.dumps(document, indent=1))
    return path


def spectral(path: Path) -> list[dict]:
    """Spectral's findings on the document at `path`, with the standard OpenAPI rules."""
    assert SPECTRAL.exists(), "`make install` installs Spectral (npm ci in tests/oracles/spectral)"
    findings = path.with_suffix(".spectral.json")
    run = subprocess.run(
        [str(SPECTRAL), "lint", "--ruleset", str(SPECTRAL_HOME / ".spectral.yaml")]
        + ["--format", "json", "--output", str(findings), str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert findings.exists(), run.stdout + run.stderr
    return json.loads(findings.read_text())


def test_spectral_finds_nothing_to_warn_about(document_file, document, tmp_path):
    findings = spectral(document_file)
    assert findings == [], [(f["code"], f["path"], f["message"]) for f in findings]
    # and it would: the same document with one operationId gone
    operation = document["paths"]["/api/v1/components/{name}/versions"]["post"]
    broken = tmp_path / "broken.json"
    broken.write_text(
        json.dumps(
            {
                **document,
                "paths": {
                    **document["paths"],
                    "/x": {"post": {k: v for k, v in operation.items() if k != "operationId"}},
                },
            }
        )
    )
    assert "operation-operationId" in {f["code"] for f in spectral(broken)}


@pytest.fixture(scope="module")
def generated_client(document_file, tmp_path_factory) -> Path:
    """The generated package `mercator_client`, in a folder to put on the path."""
    out = tmp_path_factory.mktemp("client")
    config = out / "config.json"
    config.write_text(json.dumps(CLIENT_CONFIG))
    run = subprocess.run(
        [
            str(BIN / "openapi-python-client"),
            "generate",
            "--path",
            str(document_file),
            "--meta",
            "none",
            "--output-path",
            str(out / "mercator_client"),
            "--config",
            str(config),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    said = run.stdout + run.stderr
    assert run.returncode == 0, said
    assert "warning" not in said.lower(), said
    return out


def test_the_generated_client_and_a_pipeline_using_it_type_check_strictly(
    generated_client, tmp_path
):
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--cache-dir",
            str(tmp_path / "cache"),
            str(PIPELINE),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "MYPYPATH": str(generated_client)},
        timeout=600,
    )
    assert run.returncode == 0, run.stdout + run.stderr


def test_a_pipeline_drives_the_served_api_through_the_generated_client(
    generated_client, client, settings, admin_token
):
    # What the pipeline finds: a staging environment, and shipping depending on currency.
    assert client.put("/api/v1/environments/staging", json={"stage": "staging"}).status_code == 201
    for name, version, owner, dependencies in (
        ("currency", "2.4.0", "payments", []),
        ("shipping", "2.0.1", "fulfilment", [{"component": "currency", "range": ">=2.0.0"}]),
    ):
        body = {"version": version, "owner": owner, "dependencies": dependencies}
        assert client.post(f"/api/v1/components/{name}/versions", json=body).status_code == 201
    with served(settings, workers=1, threads=2) as base_url:
        run = subprocess.run(
            [sys.executable, str(PIPELINE), base_url, admin_token],
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONPATH": str(generated_client)},
            timeout=120,
        )
    assert run.returncode == 0, run.stdout + run.stderr
    found = json.loads(run.stdout)
    assert found["registered"] == ["currency", "2.5.0", True]
    assert found["deployment"] == ["pipeline-42", "succeeded", "staging"]
    assert found["running"]["currency"] == "2.5.0"
    assert found["finished_at"] and found["since"]
    consumers = {c.split("@")[0] for c in found["consumers"]}
    assert "shipping" in consumers  # its range >=2.0.0 admits 2.5.0
    assert found["teams"] == ["fulfilment", "payments"]  # the consumer's and its own
