"""The Helm engine running the real helm binary end to end, as far as it goes without a
Kubernetes cluster: the worker runs `helm upgrade --install` with the chart, context and
values of the deployment; helm finds no cluster behind the kube context (it asks the
cluster for the release's history before it even reads the chart, --dry-run=client
included), and the deployment ends failed with helm's own words in its log."""

from __future__ import annotations

from app.deploy.worker import Worker
from tests.helm import TEST_CHARTS, helm_binary
from tests.live_api import free_port
from tests.test_deploy_run import FAST, execute, full_log, running, set_engine, shop  # noqa: F401

KUBECONFIG = """\
apiVersion: v1
kind: Config
clusters:
- name: eu-1
  cluster: {{server: "https://127.0.0.1:{port}"}}
contexts:
- name: eu-1
  context: {{cluster: eu-1, user: deployer}}
users:
- name: deployer
  user: {{token: test-only}}
current-context: eu-1
"""


def helm_engine(client, tmp_path, **config):
    """The staging environment (cluster eu-1) deploys with the real helm, against a kube
    context whose API server is a port nobody listens on."""
    kubeconfig = tmp_path / "kubeconfig"
    kubeconfig.write_text(KUBECONFIG.format(port=free_port()))
    env = {
        "KUBECONFIG": str(kubeconfig),
        "HELM_CACHE_HOME": str(tmp_path / "cache"),
        "HELM_CONFIG_HOME": str(tmp_path / "config"),
        "HELM_DATA_HOME": str(tmp_path / "data"),
    }
    return set_engine(client, "staging", "helm", helm=helm_binary(), env=env, timeout=30, **config)


def test_without_a_cluster_the_deployment_fails_with_helms_message(shop, graph, tmp_path):  # noqa: F811
    helm_engine(shop, tmp_path, chart_prefix=f"{TEST_CHARTS}/", release_prefix="shop-")
    queued = execute(shop)
    assert Worker(graph, FAST).run_next() == queued["id"]

    body = shop.get(queued["status_url"]).get_json()
    assert (body["status"], body["exit_code"], body["engine"]) == ("failed", 1, "helm")
    text = full_log(shop, queued["id"])
    # The exact command ran (the chart with the version's chart version, the context and
    # namespace of the environment) and helm said why it stopped.
    assert "upgrade --install --version 2.0.0 " in text
    assert f" -- shop-payment {TEST_CHARTS}/pay" in text  # positionals after --
    assert "--kube-context eu-1 --namespace shop" in text
    assert "Error: Kubernetes cluster unreachable" in text
    assert "connection refused" in text
    assert running(shop) == {}
