"""Two environments declared in one repository, deployed at the same moment: their pushes
race (a pre-receive hook on the remote holds each push a while, so they overlap), the
loser is refused because the branch moved under it, fetches, edits again and pushes on
top. Both commits land; neither environment's change is lost."""

# ruff: noqa: F811  (pytest fixtures imported from other test modules)

from __future__ import annotations

import threading

from app.deploy.worker import Worker
from tests.catalog import put_environment
from tests.test_deploy_run import FAST, execute, full_log, running, set_engine
from tests.test_gitops import KUSTOMIZATION, git, remote, remote_file, shop  # noqa: F401

WRITERS = {
    "payment": {"format": "kustomize", "file": "kustomization.yaml", "name": "reg/payment"},
    "cart": {"format": "kustomize", "file": "kustomization.yaml", "name": "reg/cart"},
}


def test_concurrent_deployments_to_two_environments_of_one_repository_both_land(
    shop, graph, remote, tmp_path
):
    seed = tmp_path / "second-overlay"
    git("clone", "--quiet", str(remote), str(seed))
    (seed / "overlays" / "eu").mkdir(parents=True)
    (seed / "overlays" / "eu" / "kustomization.yaml").write_text(KUSTOMIZATION)
    git("add", ".", cwd=seed)
    git("commit", "--quiet", "-m", "an overlay for eu", cwd=seed)
    git("push", "--quiet", "origin", "main", cwd=seed)
    hook = remote / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\ncat >/dev/null\nsleep 1\n")
    hook.chmod(0o755)
    put_environment(shop, "eu", stage="prod")
    for environment, path in (("prod", "overlays/prod"), ("eu", "overlays/eu")):
        set_engine(
            shop, environment, "gitops", repository=str(remote), path=path, components=WRITERS
        )

    for version in ("1.0.2", "1.0.3"):
        queued = [execute(shop, environment=e, version=version) for e in ("prod", "eu")]
        workers = [threading.Thread(target=Worker(graph, FAST).run_next) for _ in queued]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=120)
        done = [shop.get(q["status_url"]).get_json() for q in queued]
        assert [d["status"] for d in done] == ["succeeded", "succeeded"], [
            full_log(shop, d["id"]) for d in done
        ]
        logs = [full_log(shop, d["id"]) for d in done]
        # They overlapped: exactly one of them found main moved and pushed again.
        assert sum("main moved since the clone" in log for log in logs) == 1, logs
        subjects = git("log", "--format=%s", "-2", "main", cwd=remote).splitlines()
        assert sorted(subjects) == [
            f"Deploy shop {version} to eu",
            f"Deploy shop {version} to prod",
        ]
        heads = {d["commit"] for d in done}
        assert git("rev-parse", "main", cwd=remote).strip() in heads and len(heads) == 2

    for path in ("overlays/prod", "overlays/eu"):
        declared = remote_file(remote, f"{path}/kustomization.yaml")
        assert "newTag: 1.1.0" in declared and 'newTag: "3.2.0"' in declared
    assert running(shop, "prod") == running(shop, "eu") == {"payment": "1.1.0", "cart": "3.2.0"}
    assert len(git("log", "--format=%H", "main", cwd=remote).splitlines()) == 2 + 4
