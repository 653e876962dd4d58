"""The benchmark's PostgreSQL works from a checkout in a folder other users cannot enter.

PostgreSQL refuses to run as root, so under root the benchmark runs it as `postgres`. A
checkout in a `mktemp -d` folder or under /root sits below a 0700 folder that user cannot
enter, so the cluster's data cannot live in the checkout: it lives in a temporary folder
`postgres` owns, outside it.
"""

from __future__ import annotations

import os
import socket

import pytest

from benchmarks.postgres import Cluster


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def private_checkout(tmp_path, monkeypatch):
    """A working folder below a 0700 parent, like a clone under /root."""
    parent = tmp_path / "private"
    checkout = parent / "mercator"
    checkout.mkdir(parents=True)
    parent.chmod(0o700)
    monkeypatch.chdir(checkout)
    return checkout


def test_the_cluster_runs_from_below_a_0700_folder_and_leaves_nothing(private_checkout):
    cluster = Cluster(None, _free_port())
    assert private_checkout.parent not in cluster.home.parents
    try:
        cluster.start()
        with cluster.connect() as conn:
            assert conn.execute("SELECT 1").fetchone() == (1,)
        if os.geteuid() == 0:
            assert cluster.home.owner() == Cluster.RUN_AS
    finally:
        cluster.remove()
    assert not cluster.home.exists()


@pytest.mark.skipif(os.geteuid() != 0, reason="only root hands the cluster to another user")
def test_a_home_its_user_cannot_reach_is_refused_naming_the_folder(private_checkout):
    cluster = Cluster(private_checkout / ".mercator" / "postgres", _free_port())
    with pytest.raises(RuntimeError, match="cannot enter .*private"):
        cluster.start()
