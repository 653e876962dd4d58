"""The benchmark runner keeps working: one small run, end to end, against the test Neo4j and
a private PostgreSQL. Nothing here looks at a time; speed is what the runner reports."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_small_run_writes_its_results_and_postgres_agrees(settings, graph, tmp_path):
    # PostgreSQL refuses to run as root; the runner then runs it as `postgres` in a
    # temporary folder that user owns, outside the checkout (which may sit where others
    # cannot enter: tests/test_postgres_cluster.py).
    done = subprocess.run(
        [
            sys.executable, "benchmarks/run.py", "--size", "small",
            "--calls", "3", "--heavy-calls", "1", "--check", "3",
            "--registrations", "4", "--clients", "2",
            "--out", str(tmp_path),
            "--neo4j-uri", settings.neo4j_uri,
            "--neo4j-user", settings.neo4j_user,
            "--neo4j-password", settings.neo4j_password,
            "--postgres-port", str(free_port()),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]

    [written] = tmp_path.glob("*-small.json")
    result = json.loads(written.read_text())
    page = written.with_suffix(".md").read_text()

    comparison = result["postgres"]["comparison"]
    assert comparison["answers_matched"] is True
    assert set(comparison["reports"]) == {
        "bom_application_version",
        "bom_component_version",
        "blast_radius_depth_1",
        "blast_radius_depth_3",
        "blast_radius_depth_6",
        "blast_radius_hub_depth_6",
    }
    assert all(r["answers_checked"] >= 1 for r in comparison["reports"].values())
    assert "answers matched: True" in page

    # The same catalog was written by the floor and by Mercator: same relationships.
    assert result["import"]["relationships"] == result["floor"]["relationships"] > 0
    assert result["import"]["export_holds_every_record"] is True
    assert result["postgres"]["load"]["rows"]["component_version"] == 100

    for name in (
        "bom_application_version",
        "blast_radius_depth_6",
        "inventory_at",
        "package_blast_radius",
        "diff_environments",
    ):
        assert result["reports"]["latency"][name]["api"]["calls"] == 3, name
        assert f"| {name} |" in page
    assert result["registration"]["concurrent"]["calls"] == 8
    assert all(peak > 0 for peak in result["reports"]["memory"]["api_workers_peak_mib"])
    assert result["machine"]["cores"] >= 1 and result["run"]["load_average_1m"]["max"] >= 0
    assert result["versions"]["postgresql"].split(".")[0].isdigit()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
