"""Promotion: what one stage runs is deployed to the next through the next one's engine
(here a gitops engine on a real local repository), and refused when the source has not
run it successfully or no longer runs it."""

# ruff: noqa: F811  (pytest fixtures imported from other test modules)

# ruff: noqa: E501  (image references hold real 71-character digests)

from __future__ import annotations

import pytest

from app.deploy.worker import Worker
from tests.catalog import put_environment
from tests.test_cli_deploy import mercator  # noqa: F401 (a fixture)
from tests.test_deploy_run import FAST, running
from tests.test_gitops import (  # noqa: F401
    KUSTOMIZATION,
    git,
    head,
    kubectl,
    kustomize_engine,
    remote,
    remote_file,
    shop,
)
from tests.test_http_basics import assert_error_shape


def record(client, environment: str, status: str = "succeeded", **target) -> dict:
    body = {"environment": environment, "status": status, **target}
    response = client.post("/api/v1/deployments", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


@pytest.fixture
def stages(shop, remote):
    """staging (recorded only) runs shop 1.0.2; prod deploys through git."""
    put_environment(shop, "staging", stage="staging")
    record(shop, "staging", application="shop", version="1.0.2")
    kustomize_engine(shop, remote)
    return shop


def promote(client, expect: int = 202, **body) -> dict:
    response = client.post(
        "/api/v1/promotions",
        json={"application": "shop", "from": "staging", "to": "prod", **body},
    )
    assert response.status_code == expect, response.get_json()
    return response if expect >= 400 else response.get_json()


def test_promotion_commits_what_staging_runs_to_prods_repository(stages, graph, remote):
    before = head(remote)
    plan = promote(stages, 200, dry_run=True)
    assert plan["promoted_from"] == {"environment": "staging", "version": "1.0.2"}
    assert [c["component"] for c in plan["changes"]] == ["payment", "payment"]  # tag and digest
    assert head(remote) == before and running(stages, "prod") == {}

    queued = promote(stages)
    assert queued["promoted_from"] == {"environment": "staging", "version": "1.0.2"}
    assert queued["application"] == {"application": "shop", "version": "1.0.2"}
    assert queued["status"] == "queued" and queued["environment"] == "prod"
    assert Worker(graph, FAST).run_next() == queued["id"]
    done = stages.get(queued["status_url"]).get_json()
    assert done["status"] == "succeeded" and done["commit"] == head(remote) != before
    assert remote_file(remote, "overlays/prod/kustomization.yaml") == KUSTOMIZATION.replace(
        "newTag: 1.0.0", "newTag: 1.1.0"
    ).replace("0000a100", "0000a110")
    assert running(stages, "prod") == {"payment": "1.1.0", "cart": "3.1.0"}


def test_promotion_is_refused_unless_the_source_ran_it_and_still_runs_it(stages, graph, remote):
    before = head(remote)
    record(stages, "staging", status="failed", application="shop", version="1.0.3")
    failed = assert_error_shape(promote(stages, 409), 409, "conflict")
    assert "staging's latest deployment of shop 1.0.3" in failed["message"]
    assert "is failed, not succeeded" in failed["message"]

    # The version asked for is the one that succeeded there: that one may go.
    assert (
        promote(stages, 200, version="1.0.2", dry_run=True)["promoted_from"]["version"] == "1.0.2"
    )

    # Then staging gets cart 3.2.0 by itself: shop 1.0.2 no longer runs there as tried.
    record(stages, "staging", components=[{"component": "cart", "version": "3.2.0"}])
    stale = assert_error_shape(promote(stages, 409, version="1.0.2"), 409, "conflict")
    assert (
        stale["message"] == "staging no longer runs shop 1.0.2: it runs cart 3.2.0 instead of 3.1.0"
    )

    never = assert_error_shape(promote(stages, 409, version="1.0.1"), 409, "conflict")
    assert never["message"] == "staging has no deployment of shop 1.0.1 to promote"
    unknown = assert_error_shape(promote(stages, 404, **{"from": "stagin"}), 404, "not_found")
    assert "did you mean staging" in unknown["message"]
    same = assert_error_shape(promote(stages, 400, to="staging"), 400, "invalid")
    assert same["details"] == {"to": ["the same as from"]}
    bad = assert_error_shape(promote(stages, 400, version="not a version!"), 400, "invalid")
    assert "version" in str(bad["details"])
    assert head(remote) == before and running(stages, "prod") == {}
    listed = stages.get("/api/v1/deployments?environment=prod").get_json()
    assert listed["items"] == []  # nothing was queued


def test_the_cli_shows_the_diff_first_then_promotes_and_waits(stages, remote, mercator):  # noqa: F811
    done = mercator("promote", "shop", "--from", "staging", "--to", "prod", "--wait")
    assert "promoting shop 1.0.2 from staging to prod" in done.stderr
    diff_at = done.stdout.index("+    newTag: 1.1.0")
    assert done.stdout.index("# Deploy shop 1.0.2 to prod") < diff_at
    assert "succeeded" in done.stdout + done.stderr
    assert (
        git("log", "-1", "--format=%s", "main", cwd=remote).strip() == "Deploy shop 1.0.2 to prod"
    )
    assert running(stages, "prod") == {"payment": "1.1.0", "cart": "3.1.0"}
    refused = mercator("promote", "shop", "--from", "prod", "--to", "prod", expect=2)
    assert "the same as from" in refused.stderr or "promote to another" in refused.stderr
