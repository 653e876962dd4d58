"""Three-way drift of a gitops environment on real git: each kind of disagreement between
what the repository declares, what the cluster was last seen running and what Mercator
records is crafted and must be named, with its cause."""

# ruff: noqa: F811  (pytest fixtures imported from other test modules)

# ruff: noqa: E501  (image references hold real 71-character digests)

from __future__ import annotations

from pathlib import Path

from app.deploy import kubernetes_sync
from tests.test_cli_deploy import mercator  # noqa: F401 (a fixture)
from tests.test_deploy_run import set_engine
from tests.test_gitops import deploy, git, kubectl, kustomize_engine, remote, shop  # noqa: F401
from tests.test_http_basics import assert_error_shape

PAYMENT_100 = "reg/payment@sha256:000000000000000000000000000000000000000000000000000000000000a100"
PAYMENT_110 = "reg/payment@sha256:000000000000000000000000000000000000000000000000000000000000a110"
CART_310 = "reg/cart@sha256:000000000000000000000000000000000000000000000000000000000000c310"
CART_320 = "reg/cart@sha256:000000000000000000000000000000000000000000000000000000000000c320"


def drift(client) -> dict:
    response = client.get("/api/v1/environments/prod/drift")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def by_component(report: dict) -> dict[str, dict]:
    return {item["component"]: item for item in report["components"]}


def kinds(report: dict, component: str) -> list[str]:
    return [d["kind"] for d in by_component(report)[component]["differences"]]


def messages(report: dict, component: str) -> list[str]:
    return [d["message"] for d in by_component(report)[component]["differences"]]


def sync(graph, *images: str) -> dict:
    return kubernetes_sync.kubernetes(graph, "prod", kubectl(list(images)))


def commit_by_hand(bare: Path, tmp: Path, old: str, new: str) -> None:
    """Someone changes the overlay outside Mercator."""
    clone = tmp / "hand"
    git("clone", "--quiet", str(bare), str(clone))
    overlay = clone / "overlays" / "prod" / "kustomization.yaml"
    text = overlay.read_text()
    assert old in text
    overlay.write_text(text.replace(old, new))
    git("commit", "--quiet", "-am", "by hand", cwd=clone)
    git("push", "--quiet", "origin", "main", cwd=clone)


def test_each_disagreement_is_named_with_its_cause(shop, graph, remote, tmp_path):
    kustomize_engine(shop, remote)
    assert deploy(shop, graph, "1.0.1")["status"] == "succeeded"  # declared already: no commit
    never = drift(shop)
    assert [d["kind"] for d in never["differences"]] == ["never_observed"]
    assert all(c["in_sync"] for c in never["components"])  # Git and Mercator agree

    sync(graph, PAYMENT_100, CART_310)
    agreed = drift(shop)
    assert agreed["in_sync"], agreed
    assert agreed["commit"] == git("rev-parse", "main", cwd=remote).strip()
    assert by_component(agreed)["payment"]["declared"]["version"] == "1.0.0"
    assert by_component(agreed)["payment"]["observed"][0]["workloads"] == ["Deployment/shop/app-0"]

    # Mercator commits payment 1.1.0; the controller has not applied it.
    assert deploy(shop, graph, "1.0.2")["status"] == "succeeded"
    behind = drift(shop)
    assert kinds(behind, "payment") == ["cluster_behind"]
    (said,) = messages(behind, "payment")
    assert said.startswith("declared 1.1.0 and recorded, cluster runs 1.0.0 since ")
    assert said.endswith(": the controller has not synced")
    assert by_component(behind)["cart"]["in_sync"] and not behind["in_sync"]

    sync(graph, PAYMENT_110, CART_310)
    assert drift(shop)["in_sync"]

    # Someone commits cart 3.2.0 outside Mercator; nothing else knows yet.
    commit_by_hand(
        remote,
        tmp_path,
        "newTag: \"3.1.0\"    # set by Mercator\n    digest: 'sha256:000000000000000000000000000000000000000000000000000000000000c310'",
        "newTag: \"3.2.0\"    # set by Mercator\n    digest: 'sha256:000000000000000000000000000000000000000000000000000000000000c320'",
    )
    ahead = drift(shop)
    assert kinds(ahead, "cart") == ["git_differs"]
    assert messages(ahead, "cart") == [
        "declared 3.2.0, Mercator records 3.1.0 and the cluster runs it: a commit the "
        "controller has not applied, or a deployment that bypassed Git"
    ]

    # The controller rolls it out: both versions run for a moment (sync records nothing).
    sync(graph, PAYMENT_110, CART_310, CART_320)
    rolling = drift(shop)
    assert kinds(rolling, "cart") == ["rollout", "git_differs"]
    assert "cluster runs 3.1.0 and 3.2.0 of cart at once" in messages(rolling, "cart")[0]

    # Then only 3.2.0 runs and sync records it: all three agree again.
    sync(graph, PAYMENT_110, CART_320)
    assert drift(shop)["in_sync"]

    # Mercator is told cart 3.1.0 was deployed (a pipeline recording it): the inventory is the odd one.
    recorded = shop.post(
        "/api/v1/deployments",
        json={
            "environment": "prod",
            "status": "succeeded",
            "components": [{"component": "cart", "version": "3.1.0"}],
        },
    )
    assert recorded.status_code == 201, recorded.get_json()
    stale = drift(shop)
    assert kinds(stale, "cart") == ["inventory_behind"]
    assert messages(stale, "cart")[0].startswith("declared 3.2.0 and the cluster runs it since ")
    assert messages(stale, "cart")[0].endswith(
        "Mercator records 3.1.0: run `mercator sync kubernetes` to record it"
    )

    # A digest no version has, and an image no version has in the cluster.
    commit_by_hand(
        remote,
        tmp_path / "again",
        "c320'",
        "ffff'",
    )
    sync(graph, PAYMENT_110, CART_320, "reg/stranger:9")
    odd = drift(shop)
    assert kinds(odd, "cart") == ["declared_unknown"]
    assert messages(odd, "cart") == [
        f"Git declares tag 3.2.0 with digest sha256:{'0' * 60}ffff, which no version of cart has"
    ]
    assert by_component(odd)["cart"]["declared"]["version"] is None
    assert odd["differences"] == [
        {
            "kind": "unknown_image",
            "message": "cluster runs an image no version has: reg/stranger:9 in Deployment/shop/app-2",
        }
    ]


def test_all_three_differ_and_a_missing_entry_is_named(shop, graph, remote, tmp_path):
    kustomize_engine(shop, remote)
    assert deploy(shop, graph, "1.0.3")["status"] == "succeeded"  # payment 1.1.0, cart 3.2.0
    sync(graph, PAYMENT_100, CART_320)  # sync records payment 1.0.0 from the cluster
    commit_by_hand(remote, tmp_path, "reg/payment\n    newName", "reg/payments\n    newName")
    shop.post(
        "/api/v1/deployments",
        json={
            "environment": "prod",
            "status": "succeeded",
            "components": [{"component": "payment", "version": "1.1.0"}],
        },
    )
    report = drift(shop)
    assert kinds(report, "payment") == ["not_declared", "recorded_not_running"]
    assert messages(report, "payment")[0] == (
        "Git declares nothing for payment: overlays/prod/kustomization.yaml has no images "
        "entry named 'reg/payment'"
    )
    assert messages(report, "payment")[1].startswith(
        "Mercator records 1.1.0, cluster runs 1.0.0 since "
    )

    # Git declares cart 3.2.0, Mercator is told 3.1.0, the cluster runs no cart at all.
    shop.post(
        "/api/v1/deployments",
        json={
            "environment": "prod",
            "status": "succeeded",
            "components": [{"component": "cart", "version": "3.1.0"}],
        },
    )
    sync(graph, PAYMENT_100)
    report = drift(shop)
    assert kinds(report, "cart") == ["three_ways"]
    assert messages(report, "cart") == [
        "declared 3.2.0, Mercator records 3.1.0, cluster runs no cart: the repository was "
        "changed outside Mercator"
    ]


def test_drift_is_refused_for_an_environment_without_git(shop, client):
    error = assert_error_shape(client.get("/api/v1/environments/prod/drift"), 400, "invalid")
    assert "has engine None, not gitops" in error["message"]
    missing = assert_error_shape(client.get("/api/v1/environments/prdo/drift"), 404, "not_found")
    assert "did you mean prod" in missing["message"]


def test_the_cli_prints_the_drift(shop, graph, remote, mercator):  # noqa: F811
    kustomize_engine(shop, remote)
    assert deploy(shop, graph, "1.0.2")["status"] == "succeeded"
    sync(graph, PAYMENT_100, CART_310)  # records payment 1.0.0 back from the cluster
    lines = mercator("env", "drift", "prod").stdout.splitlines()
    assert lines[1].split() == ["COMPONENT", "DECLARED", "RECORDED", "CLUSTER"]
    assert ["payment", "1.1.0", "1.0.0", "1.0.0", "drift"] in [line.split() for line in lines]
    assert ["cart", "3.1.0", "3.1.0", "3.1.0"] in [line.split() for line in lines]
    assert any(
        line.startswith(
            "payment: declared 1.1.0, Mercator records 1.0.0 and the cluster runs it: a commit"
        )
        for line in lines
    )


def test_the_environment_page_shows_the_drift(shop, graph, remote):
    kustomize_engine(shop, remote)
    assert deploy(shop, graph, "1.0.2")["status"] == "succeeded"
    sync(graph, PAYMENT_110, CART_310, "reg/stranger:9")
    response = shop.get("/environments/prod")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="drift-title"' in html
    assert 'data-kind="unknown_image"' in html and "reg/stranger:9 in Deployment/shop/app-2" in html
    assert html.count('data-kind="') == 1  # payment and cart agree three ways
    sync(graph, PAYMENT_110, CART_310)
    assert "in sync</span>" in shop.get("/environments/prod").get_data(as_text=True)
    # An environment without Git has no drift section (and no clone on each view).
    set_engine(shop, "prod", "none")
    assert 'id="drift-title"' not in shop.get("/environments/prod").get_data(as_text=True)
