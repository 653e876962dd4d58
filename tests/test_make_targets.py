"""Each make command does its own set-up: `make run` installs what running needs (Java,
Maven, Graphviz, npm) as `make test` installs what testing needs, on a fresh machine."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _dry_run(target: str) -> list[str]:
    done = subprocess.run(
        ["make", "-n", "-B", target], cwd=REPO, capture_output=True, text=True, check=True
    )
    return done.stdout.splitlines()


def test_make_run_installs_what_running_needs_before_it_starts_anything():
    lines = _dry_run("run")
    deps = next(i for i, line in enumerate(lines) if "scripts/ensure-system-deps --run" in line)
    start = next(i for i, line in enumerate(lines) if "mercator neo4j start" in line)
    assert deps < start
    assert any("scripts/ensure-system-deps" in line and "--run" not in line
               for line in _dry_run("test"))


def test_the_run_subset_names_what_the_service_needs_and_not_the_test_tools(tmp_path):
    """On a machine with none of the tools (and no apt-get), the script lists them."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("bash", "id", "dirname"):
        os.symlink(shutil.which(tool), bin_dir / tool)

    def missing(*args: str) -> str:
        done = subprocess.run(
            ["bash", str(REPO / "scripts" / "ensure-system-deps"), *args],
            env={"PATH": str(bin_dir)}, capture_output=True, text=True,
        )
        assert done.returncode == 1, done.stderr
        return done.stderr

    run = missing("--run")
    for package in ("openjdk-17-jre-headless", "maven", "graphviz", "nodejs", "npm"):
        assert package in run
    assert "chromium" not in run and "docker-compose" not in run
    everything = missing()
    assert "chromium" in everything and "docker-compose" in everything
