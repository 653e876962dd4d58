"""/metrics on `mercator serve` with two gunicorn workers: the counts of every worker are
added up (prometheus-client's multiprocess mode), whichever worker answers the scrape."""

from __future__ import annotations

import json

import requests
from prometheus_client.mmap_dict import MmapedDict

from app.admin import demo
from app.cli.catalogs import LocalCatalog
from tests.live_api import served
from tests.test_observability import QUERIES, REQUESTS, samples, value

BOM = "/api/v1/applications/shop/versions/1.0.0/bom"
BOM_ROUTE = "/api/v1/applications/<name>/versions/<version>/bom"


def _bom_requests(path) -> float:
    """The BOM requests one process counted, from its own values file (where each bucket
    holds its own observations, not the running total)."""
    total = 0.0
    for key, count, *_ in MmapedDict.read_all_values_from_file(str(path)):
        _, sample, labels, _ = json.loads(key)
        if sample == "mercator_http_request_duration_seconds_bucket":
            total += count if labels.get("route") == BOM_ROUTE else 0
    return total


def test_counts_add_up_across_two_gunicorn_workers(settings, graph, tmp_path, monkeypatch):
    demo.load(LocalCatalog(graph))
    # Where the server's processes keep their values; serve empties it first.
    folder = tmp_path / "metrics"
    folder.mkdir()
    (folder / "counter_1.db").write_bytes(b"left by an earlier run")
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(folder))
    with served(settings, workers=2) as base:
        for _ in range(30):
            # A new connection each time, so both workers get some of them.
            response = requests.get(base + BOM, timeout=30, headers={"Connection": "close"})
            assert response.status_code == 200
        scrapes = [requests.get(base + "/metrics", timeout=30) for _ in range(6)]
        by_process = {path.stem: _bom_requests(path) for path in folder.glob("histogram_*.db")}
    # Both web server processes answered some: the totals below are sums, not one's count.
    assert sum(by_process.values()) == 30
    assert len([n for n in by_process.values() if n]) == 2, by_process

    for scrape in scrapes:
        assert scrape.status_code == 200
        found = samples(scrape.text)
        assert value(found, REQUESTS, method="GET", route=BOM_ROUTE, status="200") == 30
        assert value(found, QUERIES, query="reports/bom_application_version") == 30
        assert value(found, "mercator_catalog_nodes", kind="components") == 13
        assert value(found, "mercator_catalog_nodes", kind="teams") == 5
