"""The Helm chart in deploy/helm/mercator, checked by the real helm: `helm lint --strict`
and `helm template` with several value sets, and what the manifests say."""

from __future__ import annotations

import json

import pytest
import yaml

from tests.helm import CHART, helm

#: The least an install needs: where Neo4j is, and the Secret with its password.
MINIMAL = [
    "--set",
    "neo4j.uri=neo4j+s://abc.databases.neo4j.io",
    "--set",
    "neo4j.existingSecret=mercator-neo4j",
]
EVERYTHING = MINIMAL + [
    "--set",
    "ingress.enabled=true",
    "--set",
    "ingress.hosts[0].host=mercator.example.com",
    "--set",
    "autoscaling.enabled=true",
    "--set",
    "podDisruptionBudget.enabled=true",
    "--set",
    "image.digest=sha256:" + "a" * 64,
    "--set",
    "config.MERCATOR_READS_NEED_TOKEN=true",
    "--set",
    "secretEnv.MERCATOR_METRICS_TOKEN.secret=mercator-metrics",
    "--set",
    "secretEnv.MERCATOR_METRICS_TOKEN.key=token",
    "--set",
    "metrics.serviceMonitor.bearerTokenSecret.name=mercator-metrics",
    "--set",
    "metrics.serviceMonitor.bearerTokenSecret.key=token",
]
#: What `helm template` is told the cluster has: the Prometheus operator's CRD.
WITH_OPERATOR = ["--api-versions", "monitoring.coreos.com/v1/ServiceMonitor"]
PASSWORD_IN_VALUES = [
    "--set",
    "neo4j.uri=bolt://neo4j.db:7687",
    "--set",
    "neo4j.password=pw",
    "--set",
    "worker.replicas=0",
    "--set",
    "image.tag=0.1.0",
]


def render(tmp_path, *args: str) -> dict[tuple[str, str], dict]:
    out = helm("template", "shop", str(CHART), "--namespace", "tools", *args, home=tmp_path)
    docs = [d for d in yaml.safe_load_all(out.stdout) if d]
    return {(d["kind"], d["metadata"]["name"]): d for d in docs}


def containers(manifests: dict) -> list[dict]:
    return [
        c
        for (kind, _), doc in manifests.items()
        if kind == "Deployment"
        for c in doc["spec"]["template"]["spec"]["containers"]
    ]


@pytest.mark.parametrize(
    "values",
    [MINIMAL, EVERYTHING, PASSWORD_IN_VALUES],
    ids=["minimal", "everything", "password-in-values"],
)
def test_the_chart_passes_helm_lint_strict(tmp_path, values):
    linted = helm("lint", "--strict", str(CHART), *values, home=tmp_path, check=False)
    assert linted.returncode == 0, linted.stdout + linted.stderr
    assert "1 chart(s) linted, 0 chart(s) failed" in linted.stdout


def test_api_and_worker_run_as_non_root_with_probes_and_a_password_file(tmp_path):
    manifests = render(tmp_path, *MINIMAL)
    assert set(manifests) == {
        ("ConfigMap", "shop-mercator"),
        ("ServiceAccount", "shop-mercator"),
        ("Service", "shop-mercator"),
        ("Deployment", "shop-mercator-api"),
        ("Deployment", "shop-mercator-worker"),
    }
    api = manifests["Deployment", "shop-mercator-api"]["spec"]["template"]["spec"]
    (web,) = api["containers"]
    assert web["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}
    assert web["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
    assert web["args"][0] == "serve" and "--deploy-workers=0" in web["args"]
    worker = manifests["Deployment", "shop-mercator-worker"]["spec"]["template"]["spec"]
    assert worker["containers"][0]["args"] == ["worker", "--threads=1"]
    assert worker["terminationGracePeriodSeconds"] > 20  # MERCATOR_WORKER_STOP_GRACE
    for pod in (api, worker):
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert pod["securityContext"]["runAsUser"] != 0
        (volume,) = [v for v in pod["volumes"] if v["name"] == "neo4j-password"]
        assert volume["secret"]["secretName"] == "mercator-neo4j"
    for container in containers(manifests):
        assert container["securityContext"]["allowPrivilegeEscalation"] is False
        assert container["securityContext"]["readOnlyRootFilesystem"] is True
        assert container["securityContext"]["capabilities"]["drop"] == ["ALL"]
        assert container["image"] == "ghcr.io/mercator/mercator:0.1.0"
        assert not container["image"].endswith(":latest")
        # The password comes from the mounted file, never from an environment variable.
        assert "env" not in container
    config = manifests["ConfigMap", "shop-mercator"]["data"]
    assert config["MERCATOR_NEO4J_URI"] == "neo4j+s://abc.databases.neo4j.io"
    assert config["MERCATOR_NEO4J_PASSWORD_FILE"] == "/var/run/secrets/mercator/neo4j-password"
    assert "MERCATOR_NEO4J_PASSWORD" not in config


def test_the_optional_parts_render_when_asked(tmp_path):
    manifests = render(tmp_path, *EVERYTHING, *WITH_OPERATOR)
    kinds = {kind for kind, _ in manifests}
    assert {"Ingress", "HorizontalPodAutoscaler", "PodDisruptionBudget", "ServiceMonitor"} <= kinds
    assert "replicas" not in manifests["Deployment", "shop-mercator-api"]["spec"]  # the HPA's
    monitor = manifests["ServiceMonitor", "shop-mercator"]["spec"]["endpoints"][0]
    assert monitor["path"] == "/metrics"
    assert monitor["authorization"]["credentials"] == {"name": "mercator-metrics", "key": "token"}
    for container in containers(manifests):
        assert container["image"].endswith("@sha256:" + "a" * 64)
        assert container["env"] == [
            {
                "name": "MERCATOR_METRICS_TOKEN",
                "valueFrom": {"secretKeyRef": {"name": "mercator-metrics", "key": "token"}},
            }
        ]
    assert manifests["ConfigMap", "shop-mercator"]["data"]["MERCATOR_READS_NEED_TOKEN"] == "true"


def test_no_service_monitor_without_the_prometheus_operator(tmp_path):
    without = render(tmp_path, *EVERYTHING)
    assert not any(kind == "ServiceMonitor" for kind, _ in without)


def test_a_password_given_as_a_value_becomes_a_secret(tmp_path):
    manifests = render(tmp_path, *PASSWORD_IN_VALUES)
    secret = manifests["Secret", "shop-mercator-neo4j"]
    assert secret["data"] == {"password": "cHc="}
    assert ("Deployment", "shop-mercator-worker") not in manifests


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (["--set", "neo4j.existingSecret=s"], "neo4j.uri is required"),
        (["--set", "neo4j.uri=bolt://db:7687"], "set neo4j.existingSecret"),
        ([*MINIMAL, "--set", "image.tag=latest"], "/image/tag"),
        ([*MINIMAL, "--set", "api.replicas=0"], "/api/replicas"),
        ([*MINIMAL, "--set", "neo4j.uri=http://db:7474"], "/neo4j/uri"),
        ([*MINIMAL, "--set", "config.NOT_OURS=1"], "NOT_OURS"),
    ],
    ids=["no-uri", "no-password", "latest-tag", "no-replicas", "not-bolt", "foreign-setting"],
)
def test_bad_values_are_refused_naming_the_value(tmp_path, values, message):
    refused = helm("template", "shop", str(CHART), *values, home=tmp_path, check=False)
    assert refused.returncode != 0
    assert message in refused.stderr


def test_the_values_schema_is_json_and_covers_every_top_level_value():
    schema = json.loads((CHART / "values.schema.json").read_text())
    values = yaml.safe_load((CHART / "values.yaml").read_text())
    assert set(values) <= set(schema["properties"])
