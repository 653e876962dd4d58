"""The demo's prod switched to a gitops engine on a local repository it creates: a
promotion from staging commits exactly the components that differ, and the inventory, the
history and the drift agree afterwards."""

# ruff: noqa: F811  (pytest fixtures imported from other test modules)

from __future__ import annotations

import json
from pathlib import Path

from app.admin import demo
from app.cli.catalogs import LocalCatalog
from tests.test_cli_deploy import mercator  # noqa: F401 (a fixture)
from tests.test_gitops import git


def members(graph, version: str) -> dict[str, str]:
    shown = LocalCatalog(graph).application_version("shop", version)
    return {m["component"]: m["version"] for m in shown["components"]}


def test_promote_on_the_demo_commits_only_what_changes(graph, tmp_path, mercator):  # noqa: F811
    catalog = LocalCatalog(graph)
    demo.load(catalog)
    repository = Path(demo.gitops(catalog, str(tmp_path)))
    assert demo.gitops(catalog, str(tmp_path)) == str(repository)  # again: kept as it is
    first = git("rev-parse", "main", cwd=repository).strip()
    before = json.loads(mercator("env", "drift", "prod", "-o", "json").stdout)
    assert all(c["in_sync"] for c in before["components"]), before  # Git declares what prod runs
    assert [d["kind"] for d in before["differences"]] == ["never_observed"]  # no cluster here

    old, new = members(graph, "1.0.3"), members(graph, "1.0.6")  # prod, staging
    changed = sorted(c for c in new if old.get(c) != new[c])
    assert changed  # the demo's staging is ahead of prod
    done = mercator("promote", "shop", "--from", "staging", "--to", "prod", "--wait")
    assert "promoting shop 1.0.6 from staging to prod" in done.stderr

    head = git("rev-parse", "main", cwd=repository).strip()
    assert git("rev-list", "--count", f"{first}..{head}", cwd=repository).strip() == "1"
    diff = git("diff", "--unified=0", first, head, cwd=repository)
    removed = [
        line for line in diff.splitlines() if line.startswith("-") and not line.startswith("---")
    ]
    added = [
        line for line in diff.splitlines() if line.startswith("+") and not line.startswith("+++")
    ]
    images = [c for c in changed if c not in demo.GITOPS_WRITERS["components"]]
    # Each changed image: its tag and its digest line; each changed key: its one line.
    assert len(added) == len(removed) == 2 * len(images) + len(changed) - len(images)
    for component in images:
        assert f'+    newTag: "{new[component]}"' in added
        assert f"+    digest: sha256:{demo._fake_sha(component, new[component], 64)}" in added
    message = git("log", "-1", "--format=%B", head, cwd=repository)
    assert message.startswith("Deploy shop 1.0.6 to prod\n")
    assert (
        sorted(line.split(":")[0][2:] for line in message.splitlines() if line.startswith("- "))
        == changed
    )

    shown = json.loads(mercator("env", "show", "prod", "-o", "json").stdout)
    assert {r["component"]: r["version"] for r in shown["running"]} == new
    latest = catalog.list("deployments", environment="prod", limit=1)["items"][0]
    deployment = catalog.get("deployments", latest["id"])
    assert (deployment["status"], deployment["commit"]) == ("succeeded", head)
    assert deployment["application"] == {"application": "shop", "version": "1.0.6"}
    after = json.loads(mercator("env", "drift", "prod", "-o", "json").stdout)
    assert after["commit"] == head
    assert all(c["in_sync"] for c in after["components"]), after
    assert {c["component"]: c["declared"]["version"] for c in after["components"]} == new
