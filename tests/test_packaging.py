"""What ships: the wheel carries the Cypher, the Neo4j manifest and the web catalog's files
(templates, CSS, and the front-end build `make install` made); compose stays valid."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from app.graph import cypher

REPO = Path(__file__).resolve().parent.parent


def test_wheel_ships_cypher_the_neo4j_manifest_and_the_web_catalog(tmp_path):
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--wheel-dir",
            str(tmp_path),
            str(REPO),
        ],
        check=True,
    )
    (wheel,) = tmp_path.glob("mercator-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for query in cypher.names():
        assert f"app/cypher/{query}.cypher" in names
    assert "app/neo4j/pom.xml" in names
    assert {
        "app/web/templates/base.html",
        "app/web/static/style.css",
        "app/web/static/map.js",
    } <= names
    # built by `make install` and ignored by git, shipped all the same
    assert "app/web/static/vendor/cytoscape.min.js" in names


def test_docker_compose_file_is_valid():
    if (
        shutil.which("docker")
        and subprocess.run(["docker", "compose", "version"], capture_output=True).returncode == 0
    ):
        command = ["docker", "compose", "config", "-q"]
    else:
        command = ["docker-compose", "config", "-q"]
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
