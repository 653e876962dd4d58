"""A short run of the load client (benchmarks/load.py) against gunicorn: pipelines
register and deploy while readers run reports; nothing may fail, and every acknowledged
version and deployment must be in the graph exactly once. (The figures of a longer run
live in benchmarks/results/; this test asserts no speed.)"""

from __future__ import annotations

import os

from benchmarks import load
from tests.headers import api_headers
from tests.live_api import served

SECONDS = float(os.environ.get("MERCATOR_LOAD_TEST_SECONDS", "25"))


def test_mixed_load_loses_and_duplicates_nothing(settings, graph, admin_token):
    with served(settings, workers=2, threads=4) as base_url:
        result = load.run(
            base_url, settings, SECONDS, pipelines=3, readers=3, headers=api_headers(admin_token)
        )
    assert result["errors"] == 0, result["error_samples"]
    assert result["kinds"]["register"]["requests"] > 0
    assert result["kinds"]["deploy"]["requests"] > 0
    verification = result["verification"]
    for kind in ("versions", "deployments"):
        assert verification[kind]["lost"] == 0, verification
        assert verification[kind]["duplicated"] == 0, verification
        assert verification[kind]["unexpected"] == 0, verification
        assert verification[kind]["found"] == verification[kind]["acknowledged"] > 0
    assert verification["application_versions"]["chains_exact"], verification
    assert result["exact"]
