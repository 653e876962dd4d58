"""A controller's CDEvents confirm an `on_observed` gitops deployment: the cluster is seen
running what was pushed, one service at a time, and no deployment of their own is
recorded for versions the waiting deployment pushed."""

# ruff: noqa: F811  (pytest fixtures imported from other test modules)

from __future__ import annotations

import threading

from app.deploy.worker import Worker
from tests.cdevents_fixtures import deployed, post
from tests.test_deploy_run import FAST, execute, full_log, running, wait_for
from tests.test_gitops import head, kustomize_engine, remote, shop  # noqa: F401

PAYMENT_110 = "sha256:000000000000000000000000000000000000000000000000000000000000a110"
CART_320 = "sha256:000000000000000000000000000000000000000000000000000000000000c320"
ARGO = "/argocd/shop-prod"


def outcome(client, *event) -> dict:
    response = post(client, deployed(*event, source=ARGO))
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_service_deployed_events_confirm_the_waiting_deployment(shop, graph, remote):
    kustomize_engine(shop, remote, success="on_observed", observe_timeout=60)
    queued = execute(shop, environment="prod", version="1.0.3")  # payment and cart change
    worker = threading.Thread(target=Worker(graph, FAST).run_next)
    worker.start()
    try:
        wait_for(lambda: "waiting up to 60 s" in full_log(shop, queued["id"]))
        first = outcome(shop, "deployed", "payment", "prod", "payment", PAYMENT_110)
        assert (first["action"], first["deployment"]) == ("seen", queued["id"])
        assert shop.get(queued["status_url"]).get_json()["status"] == "running"
        second = outcome(shop, "deployed", "cart", "prod", "cart", CART_320)
        assert (second["action"], second["deployment"]) == ("observed", queued["id"])
    finally:
        worker.join(timeout=30)
    done = shop.get(queued["status_url"]).get_json()
    assert done["status"] == "succeeded" and done["commit"] == head(remote)
    assert done["observed_by"] == ARGO
    assert running(shop, "prod") == {"payment": "1.1.0", "cart": "3.2.0"}
    history = shop.get("/api/v1/deployments?environment=prod").get_json()["items"]
    assert [d["id"] for d in history] == [queued["id"]]  # no cdevent-… deployment beside it
    report = shop.get("/api/v1/environments/prod/drift").get_json()
    assert report["in_sync"], report
    assert report["observed_by"] == ARGO


def test_an_event_nothing_waits_for_is_a_deployment_and_the_clusters_account(shop, graph, remote):
    kustomize_engine(shop, remote)
    recorded = outcome(shop, "deployed", "payment", "prod", "payment", PAYMENT_110)
    assert recorded["action"] == "deployed" and recorded["deployment"].startswith("cdevent-")
    assert running(shop, "prod") == {"payment": "1.1.0"}
    payment = next(
        c
        for c in shop.get("/api/v1/environments/prod/drift").get_json()["components"]
        if c["component"] == "payment"
    )
    assert [o["version"] for o in payment["observed"]] == ["1.1.0"]
    assert payment["observed"][0]["by"] == ARGO and payment["observed"][0]["by_digest"]
    assert payment["declared"]["version"] == "1.0.0"  # Git still says 1.0.0
    # Git says 1.0.0 while the cluster and Mercator say 1.1.0: a deployment bypassed Git.
    assert [d["kind"] for d in payment["differences"]] == ["git_differs"]
