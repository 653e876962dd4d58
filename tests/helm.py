"""The real helm binary the suite runs: scripts/ensure-helm builds it into .mercator/bin
(`make test` runs that first); one on PATH does too. Missing, the tests that need it fail
saying how to get it, rather than being skipped."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
BUILT = REPO / ".mercator" / "bin" / "helm"
CHART = REPO / "deploy" / "helm" / "mercator"
TEST_CHARTS = Path(__file__).parent / "fixtures" / "charts"


def helm_binary() -> str:
    if BUILT.is_file():
        return str(BUILT)
    found = shutil.which("helm")
    if found is None:
        pytest.fail("no helm binary: run scripts/ensure-helm (it builds helm with Go)")
    return found


def helm(*args: str, home: Path, check: bool = True) -> subprocess.CompletedProcess:
    """Run helm with its config, cache and data under `home` (nothing of the user's)."""
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(home),
        "HELM_CONFIG_HOME": str(home / "config"),
        "HELM_CACHE_HOME": str(home / "cache"),
        "HELM_DATA_HOME": str(home / "data"),
    }
    done = subprocess.run(
        [helm_binary(), *args], capture_output=True, text=True, env=env, timeout=120
    )
    if check and done.returncode != 0:
        raise AssertionError(f"helm {' '.join(args)} failed:\n{done.stderr}")
    return done
