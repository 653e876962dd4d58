"""What ships: the wheel carries the Cypher and the Neo4j manifest; compose stays valid."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from app.graph import cypher

REPO = Path(__file__).resolve().parent.parent


def test_wheel_ships_every_cypher_file_and_the_neo4j_manifest(tmp_path):
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
