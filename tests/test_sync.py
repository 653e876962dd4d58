"""`mercator sync kubernetes`: reconciling the demo's staging with a kubectl document."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from app.admin import demo
from app.cli import cli
from app.cli.catalogs import LocalCatalog
from app.deploy.kubernetes_sync import parse_image
from tests.catalog import counts
from tests.test_http_basics import assert_error_shape

FIXTURE = Path(__file__).parent / "fixtures" / "kubectl" / "staging.json"


@pytest.fixture
def demo_shop(client, graph):
    demo.load(LocalCatalog(graph))
    return client


def _running(client, environment="staging"):
    body = client.get(f"/api/v1/environments/{environment}").get_json()
    return {r["component"]: r["version"] for r in body["running"]}


def _sync(client, query="", expect=200):
    response = client.post(
        f"/api/v1/environments/staging/sync/kubernetes{query}", json=json.loads(FIXTURE.read_text())
    )
    assert response.status_code == expect, response.get_json()
    return response.get_json()


def test_sync_records_what_moved_and_reports_drift(demo_shop):
    before = _running(demo_shop)
    assert (before["payment"], before["catalog"]) == ("1.5.0", "3.5.0")

    report = _sync(demo_shop)

    assert [(m["component"], m["catalog"], m["running"]) for m in report["moved"]] == [
        ("catalog", "3.5.0", "3.4.0"),
        ("payment", "1.5.0", "1.5.1"),
    ]
    assert report["moved"][1]["seen_in"] == ["Deployment/shop/payment (digest)"]
    assert report["moved"][0]["seen_in"] == ["Deployment/shop/catalog (tag)"]
    assert [c["component"] for c in report["in_sync"]] == ["cache", "cart", "checkout", "frontend"]
    assert report["conflicting"] == [
        {
            "component": "currency",
            "running": {
                "2.4.0": ["Deployment/shop/currency (tag)"],
                "2.3.0": ["Deployment/shop/currency-canary (tag)"],
            },
        }
    ]
    # Only the environment's namespace: not kube-system's exporter, not other-team's payment.
    assert report["unknown"] == [
        {
            "workload": "Deployment/shop/frontend",
            "container": "envoy",
            "image": "envoyproxy/envoy:v1.29.1",
        }
    ]
    assert [n["component"] for n in report["not_running"]] == [
        "ads",
        "email",
        "recommendation",
        "shipping",
    ]
    after = _running(demo_shop)
    assert (after["payment"], after["catalog"], after["currency"]) == ("1.5.1", "3.4.0", "2.4.0")
    assert {k: v for k, v in after.items() if k not in ("payment", "catalog")} == {
        k: v for k, v in before.items() if k not in ("payment", "catalog")
    }
    recorded = demo_shop.get(f"/api/v1/deployments/{report['deployment']}").get_json()
    assert (recorded["by"], recorded["engine"], recorded["status"]) == (
        "sync",
        "kubernetes-sync",
        "succeeded",
    )
    assert recorded["components"] == [
        {"component": "catalog", "version": "3.4.0"},
        {"component": "payment", "version": "1.5.1"},
    ]

    again = _sync(demo_shop)
    assert again["moved"] == [] and again["deployment"] is None


def test_dry_run_and_all_namespaces(demo_shop, raw_cypher):
    before = counts(raw_cypher)
    report = _sync(demo_shop, "?dry_run=true&all_namespaces=true")
    assert counts(raw_cypher) == before and report["deployment"] is None
    conflicting = {c["component"]: sorted(c["running"]) for c in report["conflicting"]}
    assert conflicting == {"currency": ["2.3.0", "2.4.0"], "payment": ["1.4.2", "1.5.1"]}
    assert {u["image"] for u in report["unknown"]} == {
        "envoyproxy/envoy:v1.29.1",
        "quay.io/prometheus/node-exporter:v1.7.0",
    }


def test_a_document_that_is_not_kubectl_output_is_refused(demo_shop, raw_cypher):
    before = counts(raw_cypher)
    response = demo_shop.post("/api/v1/environments/staging/sync/kubernetes", json=[1, 2])
    assert "kubectl" in assert_error_shape(response, 400, "invalid")["message"]
    response = demo_shop.post("/api/v1/environments/moon/sync/kubernetes", json={"items": []})
    assert_error_shape(response, 404, "not_found")
    assert counts(raw_cypher) == before


def _with(item: dict, path: str, value) -> dict:
    """`item` with the dotted `path` set to `value`."""
    changed = json.loads(json.dumps(item))
    *parents, last = (int(key) if key.isdigit() else key for key in path.split("."))
    place = changed
    for key in parents:
        place = place[key]
    place[last] = value
    return changed


WRONG_TYPES = [
    ("metadata", "x"),
    ("metadata.namespace", 5),
    ("metadata.name", ["n"]),
    ("spec", [1]),
    ("spec.template", True),
    ("spec.template.spec", "s"),
    ("spec.template.spec.containers", 5),
    ("spec.template.spec.containers", {"name": "c"}),
    ("spec.template.spec.containers.0", "image:1"),
    ("spec.template.spec.containers.0.name", 3),
    ("spec.template.spec.containers.0.image", {"ref": "x"}),
]


def test_a_workload_field_of_the_wrong_type_is_a_400_naming_it(demo_shop, raw_cypher):
    before = counts(raw_cypher)
    for path, value in WRONG_TYPES:
        document = json.loads(FIXTURE.read_text())
        document["items"][1] = _with(document["items"][1], path, value)
        response = demo_shop.post("/api/v1/environments/staging/sync/kubernetes", json=document)
        assert response.status_code == 400, (path, response.status_code)
        error = assert_error_shape(response, 400, "invalid")
        where = "items[1]." + re.sub(r"\.(\d+)", r"[\1]", path)
        assert list(error["details"]) == [where], (path, error)
        assert where in error["message"], (path, error)
    assert counts(raw_cypher) == before


def test_cli_sync_from_a_file(demo_shop, settings):
    env = {
        "MERCATOR_NEO4J_URI": settings.neo4j_uri,
        "MERCATOR_NEO4J_USER": settings.neo4j_user,
        "MERCATOR_NEO4J_PASSWORD": settings.neo4j_password,
    }
    result = CliRunner().invoke(
        cli, ["sync", "kubernetes", "--environment", "staging", "--file", str(FIXTURE)], env=env
    )
    assert result.exit_code == 0, result.output
    assert "moved      payment: catalog 1.5.0, runs 1.5.1" in result.stdout
    assert "unknown    Deployment/shop/frontend envoy: envoyproxy/envoy:v1.29.1" in result.stdout
    assert "conflict   currency: runs 2.4.0, 2.3.0" in result.stdout
    assert "recorded deployment" in result.stderr


@pytest.mark.parametrize(
    ("ref", "repository", "tag", "digest"),
    [
        ("nginx", "nginx", "latest", None),
        ("registry:5000/shop/payment:1.5.1", "registry:5000/shop/payment", "1.5.1", None),
        ("registry:5000/shop/payment@sha256:ab", "registry:5000/shop/payment", None, "sha256:ab"),
        ("reg/payment:v1@sha256:ab", "reg/payment", "v1", "sha256:ab"),
    ],
)
def test_image_references(ref, repository, tag, digest):
    assert parse_image(ref) == {"ref": ref, "repository": repository, "tag": tag, "digest": digest}
