"""The web benchmark reports a page's first (cold) call apart from the warm calls after it,
so a page that is slow only while Neo4j compiles its plans is neither hidden nor blamed."""

from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path

from werkzeug.serving import make_server

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import web  # noqa: E402


def test_the_first_call_is_timed_apart_from_the_warm_ones(tmp_path):
    calls = []

    def slow_first(environ, start_response):
        calls.append(environ["PATH_INFO"])
        if len(calls) == 1:
            time.sleep(0.4)  # cold: plans compiled, store read
        start_response("200 OK", [("Content-Type", "text/html")])
        return [b"<html>page</html>"]

    server = make_server("127.0.0.1", 0, slow_first)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        timed = web.server_times(f"http://127.0.0.1:{server.server_port}/page", 3)
    finally:
        server.shutdown()
    assert len(calls) == 4  # the first, then the three measured
    assert timed["first_ms"] >= 400
    assert timed["n"] == 3 and timed["p95"] < 400
    table = web.markdown(
        {
            "catalog": {"size": "small", "component_versions": 100},
            "load_average": {"mean": 1.0, "min": 1.0, "max": 1.0, "cores": 2},
            "cpu": {"busy_percent": 62.5, "steal_percent": 0.4, "spinning_processes": 1},
            "hub": "svc-00000",
            "environment": "env-00",
            "pages": {"home": {"path": "/", "server": timed}},
        }
    )
    assert "| page | path | first call ms | p50 ms | p95 ms |" in table
    assert "62.5 % busy, 0.4 % stolen by the host; `--busy 1`: 1 other process spinning" in table
    assert f"| home | `/` | {timed['first_ms']:,.0f} | {timed['median']:,.0f} |" in table


def test_the_sampler_sees_a_busy_core():
    """A run's CPU shares count what else kept the cores busy, which the load average
    reports late: one core spinning for half a second shows, as a share of all the cores."""
    with web.memory.Sampler({}) as sampler:
        until = time.perf_counter() + 0.5
        while time.perf_counter() < until:
            pass
    shares = sampler.cpu_summary()
    one_core = 100 / (os.cpu_count() or 1)
    assert shares["busy_percent"] >= 0.8 * one_core
    assert 0 <= shares["steal_percent"] <= 100 - shares["busy_percent"]
