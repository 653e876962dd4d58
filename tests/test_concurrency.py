"""Pipelines registering at the same moment over real HTTP: no lost update, no gap."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import requests

from app.core import naming

PIPELINES = 8
ROUNDS = 6


def test_concurrent_registrations_build_one_gap_free_chain(base_url, auth_headers):
    session = requests.Session()
    session.headers.update(auth_headers)
    components = [f"svc-{i}" for i in range(PIPELINES)]
    for name in components:  # shop 1.0.0 ... 1.0.7, each adding one component
        response = session.post(
            f"{base_url}/api/v1/components/{name}/versions",
            json={"version": "1.0.0", "applications": ["shop"]},
        )
        assert response.status_code == 201

    barrier = threading.Barrier(PIPELINES)

    def pipeline(name: str, version: str) -> int:
        barrier.wait()  # all eight fire at the same moment
        return requests.post(
            f"{base_url}/api/v1/components/{name}/versions",
            json={"version": version},
            headers=auth_headers,
            timeout=60,
        ).status_code

    for round_number in range(1, ROUNDS + 1):
        version = f"1.{round_number}.0"
        with ThreadPoolExecutor(PIPELINES) as pool:
            statuses = list(pool.map(pipeline, components, [version] * PIPELINES))
        assert statuses == [201] * PIPELINES

        chain = session.get(f"{base_url}/api/v1/applications/shop/versions?limit=500").json()
        versions = [(v["version"], v["previous"]) for v in chain["items"]]
        expected_count = PIPELINES + round_number * PIPELINES
        assert len(versions) == expected_count
        # Gap-free: 1.0.0, 1.0.1, ... each pointing at the one before.
        expected, previous = [], None
        number = "1.0.0"
        for _ in range(expected_count):
            expected.append((number, previous))
            previous, number = number, naming.next_version(number)
        assert versions == expected
        latest = session.get(
            f"{base_url}/api/v1/applications/shop/versions/{versions[-1][0]}"
        ).json()
        assert {m["component"]: m["version"] for m in latest["components"]} == {
            name: version for name in components
        }
