"""The folder where gunicorn's worker processes (and `mercator serve`'s deployment worker)
keep their Prometheus values, so that /metrics adds them up.

Kept apart from `app.observability.metrics` on purpose: prometheus-client decides at
import whether values go to files, so this must run before that module is first imported
by any process that forks workers.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import MutableMapping
from pathlib import Path

ENV = "PROMETHEUS_MULTIPROC_DIR"


def prepare(env: MutableMapping[str, str] = os.environ) -> Path:
    """Make `env` name an empty folder for the metrics of the processes about to start:
    the one PROMETHEUS_MULTIPROC_DIR names, else a new private temporary folder. Files left
    there by an earlier run are removed (their counts would be added to this run's)."""
    named = env.get(ENV)
    folder = Path(named) if named else Path(tempfile.mkdtemp(prefix="mercator-metrics-"))
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.db"):
        stale.unlink()
    env[ENV] = str(folder)
    return folder
