"""The gitops engine against real git: a local bare repository is the remote, clones of
it play the people and the controller. Nothing of git is mocked."""

# ruff: noqa: E501  (the expected files and diffs hold real 71-character image digests)

from __future__ import annotations

import json
import os
import subprocess
import threading
from pathlib import Path

import pytest

from app.deploy import gitops, kubernetes_sync
from app.deploy.worker import Worker
from app.errors import Invalid
from tests.catalog import counts, put_environment, register
from tests.test_cli_deploy import mercator  # noqa: F401 (a fixture)
from tests.test_deploy_run import FAST, execute, full_log, running, set_engine, wait_for
from tests.test_http_basics import assert_error_shape

SECRET = "gh-t0ken-never-shown"

KUSTOMIZATION = """\
# Production overlay: Mercator sets the images, people the rest.
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - ../../base   # the shared base
images:
  # cart is pinned by digest
  - name: reg/cart
    newTag: "3.1.0"    # set by Mercator
    digest: 'sha256:000000000000000000000000000000000000000000000000000000000000c310'
  - name: reg/payment
    newName: reg/payment
    newTag: 1.0.0
    digest: sha256:000000000000000000000000000000000000000000000000000000000000a100
"""

VALUES = """\
# Helm values of the shop; keys in the order people like them.
payment:
  replicas: 3          # more in December
  image:
    repository: reg/payment   # our registry
    tag: '1.0.0'
    digest: "sha256:000000000000000000000000000000000000000000000000000000000000a100"
cart: {image: {tag: "3.1.0"}, replicas: 2}   # flow style, on purpose
ui:
    enabled: yes   # an odd indent and a YAML 1.1 boolean
"""


def git(*args: str, cwd: Path | str | None = None) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Alice",
        "GIT_AUTHOR_EMAIL": "alice@example.com",
        "GIT_COMMITTER_NAME": "Alice",
        "GIT_COMMITTER_EMAIL": "alice@example.com",
    }
    done = subprocess.run(
        ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout


@pytest.fixture
def remote(tmp_path) -> Path:
    """A bare repository on branch main holding an overlay and a values file."""
    bare = tmp_path / "deploy.git"
    git("init", "--quiet", "--bare", "--initial-branch=main", str(bare))
    seed = tmp_path / "seed"
    git("clone", "--quiet", str(bare), str(seed))
    (seed / "overlays" / "prod").mkdir(parents=True)
    (seed / "overlays" / "prod" / "kustomization.yaml").write_text(KUSTOMIZATION)
    (seed / "values.yaml").write_text(VALUES)
    git("checkout", "--quiet", "-b", "main", cwd=seed)
    git("add", ".", cwd=seed)
    git("commit", "--quiet", "-m", "the first declaration", cwd=seed)
    git("push", "--quiet", "origin", "main", cwd=seed)
    return bare


def remote_file(bare: Path, path: str, ref: str = "main") -> str:
    return git("show", f"{ref}:{path}", cwd=bare)


def head(bare: Path) -> str:
    return git("rev-parse", "main", cwd=bare).strip()


@pytest.fixture
def shop(client):
    """shop 1.0.1 = payment 1.0.0 + cart 3.1.0, 1.0.2 = payment 1.1.0 + cart 3.1.0,
    1.0.3 = payment 1.1.0 + cart 3.2.0; every version has an image and a digest."""
    put_environment(client, "prod", stage="prod", cluster="eu-1", namespace="shop")
    for component, version, digest, apps in (
        (
            "payment",
            "1.0.0",
            "sha256:000000000000000000000000000000000000000000000000000000000000a100",
            ["shop"],
        ),
        (
            "cart",
            "3.1.0",
            "sha256:000000000000000000000000000000000000000000000000000000000000c310",
            ["shop"],
        ),
        (
            "payment",
            "1.1.0",
            "sha256:000000000000000000000000000000000000000000000000000000000000a110",
            [],
        ),
        (
            "cart",
            "3.2.0",
            "sha256:000000000000000000000000000000000000000000000000000000000000c320",
            [],
        ),
    ):
        register(
            client,
            component,
            version,
            applications=apps,
            image=f"reg/{component}",
            digest=digest,
        )
    return client


def kustomize_engine(client, bare: Path, **config):
    return set_engine(
        client,
        "prod",
        "gitops",
        repository=str(bare),
        path="overlays/prod",
        components={
            "payment": {"format": "kustomize", "file": "kustomization.yaml", "name": "reg/payment"},
            "cart": {"format": "kustomize", "file": "kustomization.yaml", "name": "reg/cart"},
        },
        author_name="Mercator Bot",
        author_email="bot@example.com",
        **config,
    )


def deploy(client, graph, version: str) -> dict:
    queued = execute(client, environment="prod", version=version)
    assert Worker(graph, FAST).run_next() == queued["id"]
    return client.get(queued["status_url"]).get_json()


def test_a_kustomize_deployment_commits_only_the_changed_lines_and_a_rollback_restores_them(
    shop, graph, remote
):
    kustomize_engine(shop, remote)
    done = deploy(shop, graph, "1.0.2")
    assert done["status"] == "succeeded", full_log(shop, done["id"])
    assert done["commit"] == head(remote)
    assert remote_file(remote, "overlays/prod/kustomization.yaml") == KUSTOMIZATION.replace(
        "newTag: 1.0.0", "newTag: 1.1.0"
    ).replace(
        "digest: sha256:000000000000000000000000000000000000000000000000000000000000a100",
        "digest: sha256:000000000000000000000000000000000000000000000000000000000000a110",
    )
    assert remote_file(remote, "values.yaml") == VALUES  # a file nobody named is untouched
    message = git("log", "-1", "--format=%B", "main", cwd=remote)
    assert message.splitlines()[0] == "Deploy shop 1.0.2 to prod"
    assert "- payment: 1.0.0 → 1.1.0" in message
    assert (
        "digest: sha256:000000000000000000000000000000000000000000000000000000000000a100 → sha256:000000000000000000000000000000000000000000000000000000000000a110"
        in message
    )
    assert "cart" not in message  # it did not change
    assert f"Mercator-Deployment: {done['id']}" in message
    assert "Mercator-Application: shop 1.0.2" in message
    author = git("log", "-1", "--format=%an <%ae>", "main", cwd=remote).strip()
    assert author == "Mercator Bot <bot@example.com>"
    log = full_log(shop, done["id"])
    # The diff is in the log: the two payment lines, nothing else.
    assert (
        "-    newTag: 1.0.0\n-    digest: sha256:000000000000000000000000000000000000000000000000000000000000a100\n"
        in log
    )
    assert (
        "+    newTag: 1.1.0\n+    digest: sha256:000000000000000000000000000000000000000000000000000000000000a110\n"
        in log
    )
    assert f"pushed {done['commit']} to main" in log
    assert running(shop, "prod") == {"payment": "1.1.0", "cart": "3.1.0"}

    # Rollback is one more deployment: a new commit, the earlier bytes, history kept.
    back = deploy(shop, graph, "1.0.1")
    assert back["status"] == "succeeded"
    assert remote_file(remote, "overlays/prod/kustomization.yaml") == KUSTOMIZATION
    assert git("rev-list", "--count", "main", cwd=remote).strip() == "3"
    assert git("rev-parse", f"{back['commit']}^", cwd=remote).strip() == done["commit"]
    assert running(shop, "prod") == {"payment": "1.0.0", "cart": "3.1.0"}


def test_helm_values_keep_comments_order_quoting_and_flow_style(shop, graph, remote):
    set_engine(
        shop,
        "prod",
        "gitops",
        repository=str(remote),
        default={
            "format": "helm",
            "file": "values.yaml",
            "tag": "{component}.image.tag",
            "digest": "{component}.image.digest",
        },
        components={"cart": {"format": "helm", "file": "values.yaml", "tag": "cart.image.tag"}},
    )
    done = deploy(shop, graph, "1.0.3")
    assert done["status"] == "succeeded", full_log(shop, done["id"])
    expected = (
        VALUES.replace("tag: '1.0.0'", "tag: '1.1.0'")
        .replace(
            'digest: "sha256:000000000000000000000000000000000000000000000000000000000000a100"',
            'digest: "sha256:000000000000000000000000000000000000000000000000000000000000a110"',
        )
        .replace('{tag: "3.1.0"}', '{tag: "3.2.0"}')
    )
    assert remote_file(remote, "values.yaml") == expected
    diff = git("show", "--format=", "--unified=0", "main", cwd=remote)
    changed = [line for line in diff.splitlines() if line[:1] in "+-" and line[:3] not in "+++---"]
    assert changed == [  # one hunk: the three adjacent lines, removed then added
        "-    tag: '1.0.0'",
        '-    digest: "sha256:000000000000000000000000000000000000000000000000000000000000a100"',
        '-cart: {image: {tag: "3.1.0"}, replicas: 2}   # flow style, on purpose',
        "+    tag: '1.1.0'",
        '+    digest: "sha256:000000000000000000000000000000000000000000000000000000000000a110"',
        '+cart: {image: {tag: "3.2.0"}, replicas: 2}   # flow style, on purpose',
    ]
    message = git("log", "-1", "--format=%B", "main", cwd=remote)
    assert "- cart: 3.1.0 → 3.2.0" in message and "- payment: 1.0.0 → 1.1.0" in message


def test_a_plain_yaml_key_takes_the_whole_image_reference(tmp_path):
    (tmp_path / "app.yaml").write_text("spec:\n  # pinned\n  image: reg/cart:3.1.0 # old\n")
    config = {
        "components": {
            "cart": {
                "format": "yaml",
                "file": "app.yaml",
                "key": "spec.image",
                "value": "reference",
            }
        }
    }
    deployment = {
        "components": [
            {
                "component": "cart",
                "version": "3.2.0",
                "image": "reg/cart",
                "digest": "sha256:000000000000000000000000000000000000000000000000000000000000000c",
            }
        ]
    }
    (change,) = gitops.edit(str(tmp_path), config, deployment)
    assert (tmp_path / "app.yaml").read_text() == (
        "spec:\n  # pinned\n  image: reg/cart:3.2.0@sha256:000000000000000000000000000000000000000000000000000000000000000c # old\n"
    )
    assert (change.before, change.after) == (
        "reg/cart:3.1.0",
        "reg/cart:3.2.0@sha256:000000000000000000000000000000000000000000000000000000000000000c",
    )
    assert gitops.edit(str(tmp_path), config, deployment) == []  # once is enough


def test_a_deployment_the_repository_declares_already_makes_no_commit(shop, graph, remote):
    kustomize_engine(shop, remote)
    before = head(remote)
    done = deploy(shop, graph, "1.0.1")
    assert done["status"] == "succeeded"
    assert head(remote) == before and done["commit"] == before
    assert "nothing to change" in full_log(shop, done["id"])
    assert running(shop, "prod") == {"payment": "1.0.0", "cart": "3.1.0"}


def test_a_push_in_between_is_fetched_and_both_changes_survive(
    shop, graph, remote, tmp_path, monkeypatch
):
    """Someone pushes right after the engine's clone (a post-checkout hook of a global git
    configuration the engine's git inherits): the first push is refused as not a
    fast-forward, the engine fetches, edits again and pushes on top."""
    hooks = tmp_path / "templates" / "hooks"
    hooks.mkdir(parents=True)
    other = tmp_path / "someone"
    marker = tmp_path / "pushed-once"
    hook = hooks / "post-checkout"
    hook.write_text(
        "#!/bin/sh\n"
        f'[ -e "{marker}" ] && exit 0\n'
        f'touch "{marker}"\n'
        "unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE\n"
        f'git clone --quiet "{remote}" "{other}" && cd "{other}" &&\n'
        "sed -i 's/replicas: 3 /replicas: 9 /' values.yaml &&\n"
        "git commit --quiet -am 'more replicas' && git push --quiet origin main\n"
    )
    hook.chmod(0o755)
    config = tmp_path / "gitconfig"
    config.write_text(f"[init]\n\ttemplateDir = {tmp_path / 'templates'}\n")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    kustomize_engine(shop, remote, inherit_env=["GIT_CONFIG_GLOBAL"])

    done = deploy(shop, graph, "1.0.2")
    assert marker.exists()
    assert done["status"] == "succeeded", full_log(shop, done["id"])
    log = full_log(shop, done["id"])
    assert "main moved since the clone (attempt 1 of 3)" in log
    assert "replicas: 9 " in remote_file(remote, "values.yaml")  # theirs
    assert "newTag: 1.1.0" in remote_file(remote, "overlays/prod/kustomization.yaml")  # ours
    subjects = git("log", "--format=%s", "main", cwd=remote).splitlines()
    assert subjects == ["Deploy shop 1.0.2 to prod", "more replicas", "the first declaration"]
    assert done["commit"] == head(remote)


def test_the_push_secret_is_never_shown_in_logs_answers_or_reasons(shop, graph, remote):
    """A server hook prints the token it received: what git prints is scrubbed."""
    hook = remote / "hooks" / "pre-receive"
    hook.write_text(
        '#!/bin/sh\necho "auth with $DEPLOY_TOKEN"\necho "denied $DEPLOY_TOKEN"\nexit 1\n'
    )
    hook.chmod(0o755)
    shown = kustomize_engine(shop, remote, secret_env={"DEPLOY_TOKEN": SECRET})
    assert shown["engine_config"]["secret_env"] == {"DEPLOY_TOKEN": "***"}
    dry = shop.post(
        "/api/v1/deployments",
        json={
            "environment": "prod",
            "application": "shop",
            "version": "1.0.2",
            "execute": True,
            "dry_run": True,
        },
    )
    assert dry.status_code == 200 and SECRET not in dry.get_data(as_text=True)
    before = head(remote)
    done = deploy(shop, graph, "1.0.2")
    log = full_log(shop, done["id"])
    # The push was refused for good (a hook, not a moved branch): no retry, nothing moved.
    assert done["status"] == "failed" and "attempt 1 of" not in log
    assert "auth with ***" in log and SECRET not in log
    assert "pre-receive hook declined" in done["reason"] and SECRET not in done["reason"]
    answers = [
        shop.get(f"/api/v1/deployments/{done['id']}").get_data(as_text=True),
        shop.get("/api/v1/environments/prod").get_data(as_text=True),
        shop.get("/api/v1/deployments?environment=prod").get_data(as_text=True),
    ]
    assert all(SECRET not in answer for answer in answers)
    assert head(remote) == before and running(shop, "prod") == {}


def test_a_dry_run_shows_the_diff_and_writes_nothing(shop, remote, raw_cypher):
    kustomize_engine(shop, remote)
    before, nodes = head(remote), counts(raw_cypher)
    response = shop.post(
        "/api/v1/deployments",
        json={
            "environment": "prod",
            "application": "shop",
            "version": "1.0.2",
            "execute": True,
            "dry_run": True,
        },
    )
    assert response.status_code == 200, response.get_json()
    plan = response.get_json()
    assert plan["engine"] == "gitops" and plan["branch"] == "main"
    assert (
        "-    newTag: 1.0.0\n-    digest: sha256:000000000000000000000000000000000000000000000000000000000000a100\n"
        in plan["diff"]
    )
    assert (
        "+    newTag: 1.1.0\n+    digest: sha256:000000000000000000000000000000000000000000000000000000000000a110\n"
        in plan["diff"]
    )
    assert [(c["component"], c["key"], c["before"], c["after"]) for c in plan["changes"]] == [
        ("payment", "images[reg/payment].newTag", "1.0.0", "1.1.0"),
        (
            "payment",
            "images[reg/payment].digest",
            "sha256:000000000000000000000000000000000000000000000000000000000000a100",
            "sha256:000000000000000000000000000000000000000000000000000000000000a110",
        ),
    ]
    assert "- payment: 1.0.0 → 1.1.0" in plan["message"]
    assert head(remote) == before and counts(raw_cypher) == nodes


@pytest.mark.parametrize(
    ("config", "key"),
    [
        (
            {"components": {"cart": {"format": "helm", "file": "v.yaml", "tag": "a.b"}}},
            "repository",
        ),
        ({"repository": "/r", "components": {}}, "components"),
        (
            {"repository": "/r", "components": {"cart": {"format": "json", "file": "x"}}},
            "components.cart",
        ),
        (
            {
                "repository": "/r",
                "components": {"cart": {"format": "helm", "file": "../../etc/x", "tag": "a"}},
            },
            "components.cart",
        ),
        ({"repository": "/r", "default": {"format": "yaml", "file": "a.yaml"}}, "default"),
        ({"repository": "/r", "default": {"format": "helm", "file": "a.yaml"}}, "default"),
        (
            {
                "repository": "/r",
                "branch": "-x",
                "default": {"format": "yaml", "file": "a", "key": "k"},
            },
            "branch",
        ),
        (
            {
                "repository": "/r",
                "success": "on_hope",
                "default": {"format": "yaml", "file": "a", "key": "k"},
            },
            "success",
        ),
        (
            {
                "repository": "/r",
                "push_attempts": 0,
                "default": {"format": "yaml", "file": "a", "key": "k"},
            },
            "push_attempts",
        ),
        (
            {
                "repository": "/r",
                "password_env": "TOKEN",
                "default": {"format": "yaml", "file": "a", "key": "k"},
            },
            "password_env",
        ),
        (
            {
                "repository": "/r",
                "message": "{secret}",
                "default": {"format": "yaml", "file": "a", "key": "k"},
            },
            "message",
        ),
    ],
)
def test_a_bad_configuration_is_refused_naming_the_key(shop, raw_cypher, config, key):
    before = shop.get("/api/v1/environments/prod").get_json()
    response = shop.put(
        "/api/v1/environments/prod/engine", json={"kind": "gitops", "config": config}
    )
    error = assert_error_shape(response, 400, "invalid")
    assert key in error["details"], error
    assert shop.get("/api/v1/environments/prod").get_json() == before


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"branch": "release"}, "Remote branch release not found"),
        ({"path": "overlays/staging"}, "no file overlays/staging/kustomization.yaml"),
        (
            {
                "components": {
                    "payment": {
                        "format": "kustomize",
                        "file": "kustomization.yaml",
                        "name": "reg/pay",
                    }
                }
            },
            "no images entry named 'reg/pay'",
        ),
        ({"repository": "/nowhere/at/all.git"}, "repository '/nowhere/at/all.git' does not exist"),
    ],
)
def test_a_repository_fault_fails_the_deployment_with_the_reason(
    shop, graph, remote, change, expected
):
    config = {
        "repository": str(remote),
        "path": "overlays/prod",
        "default": {"format": "kustomize", "file": "kustomization.yaml", "name": "reg/{component}"},
        **change,
    }
    set_engine(shop, "prod", "gitops", **config)
    before = head(remote)
    done = deploy(shop, graph, "1.0.2")
    assert done["status"] == "failed"
    assert expected in full_log(shop, done["id"]) and expected in done["reason"]
    assert head(remote) == before and running(shop, "prod") == {}


def kubectl(images: list[str]) -> dict:
    return {
        "items": [
            {
                "kind": "Deployment",
                "metadata": {"namespace": "shop", "name": f"app-{index}"},
                "spec": {"template": {"spec": {"containers": [{"name": "c", "image": image}]}}},
            }
            for index, image in enumerate(images)
        ]
    }


def test_on_observed_succeeds_once_sync_sees_the_pushed_digests(shop, graph, remote):
    kustomize_engine(shop, remote, success="on_observed", observe_timeout=60)
    queued = execute(shop, environment="prod", version="1.0.2")
    worker = threading.Thread(target=Worker(graph, FAST).run_next)
    worker.start()
    try:
        wait_for(lambda: "waiting up to 60 s" in full_log(shop, queued["id"]))
        # The controller has not applied it yet: the old payment runs; nothing is observed.
        old = kubernetes_sync.kubernetes(
            graph,
            "prod",
            kubectl(
                [
                    "reg/payment@sha256:000000000000000000000000000000000000000000000000000000000000a100",
                    "reg/cart@sha256:000000000000000000000000000000000000000000000000000000000000c310",
                ]
            ),
        )
        assert old["observed"] == []
        assert shop.get(queued["status_url"]).get_json()["status"] == "running"
        new = kubernetes_sync.kubernetes(
            graph,
            "prod",
            kubectl(
                [
                    "reg/payment@sha256:000000000000000000000000000000000000000000000000000000000000a110",
                    "reg/cart@sha256:000000000000000000000000000000000000000000000000000000000000c310",
                ]
            ),
        )
        assert new["observed"] == [queued["id"]]
    finally:
        worker.join(timeout=30)
    done = shop.get(queued["status_url"]).get_json()
    assert done["status"] == "succeeded" and done["commit"] == head(remote)
    assert done["observed_by"] == "sync" and done["observed_at"]
    assert "observed running by sync" in full_log(shop, queued["id"])
    assert running(shop, "prod") == {"payment": "1.1.0", "cart": "3.1.0"}


def test_on_observed_times_out_when_the_cluster_never_runs_it(shop, graph, remote):
    kustomize_engine(shop, remote, success="on_observed", observe_timeout=1)
    done = deploy(shop, graph, "1.0.2")
    assert done["status"] == "timed_out"
    assert "not seen running the pushed versions in 1 s" in done["reason"]
    assert done["commit"] == head(remote)  # pushed, and said so
    assert running(shop, "prod") == {}


def test_the_cli_sets_a_gitops_engine_shows_its_diff_and_deploys(shop, remote, mercator):  # noqa: F811
    config = {
        "repository": str(remote),
        "path": "overlays/prod",
        "default": {"format": "kustomize", "file": "kustomization.yaml", "name": "reg/{component}"},
    }
    shown = mercator("env", "set-engine", "prod", "gitops", "--config", json.dumps(config))
    assert "gitops" in shown.stdout
    before = head(remote)
    plan = mercator("deploy", "shop", "1.0.2", "--to", "prod", "--dry-run").stdout
    assert plan.startswith(f"# engine gitops: {remote} branch main, success on_push")
    assert "# - payment: 1.0.0 → 1.1.0\n" in plan
    assert "+    newTag: 1.1.0\n" in plan and head(remote) == before
    mercator("deploy", "shop", "1.0.2", "--to", "prod", "--wait")
    assert "newTag: 1.1.0" in remote_file(remote, "overlays/prod/kustomization.yaml")
    assert running(shop, "prod") == {"payment": "1.1.0", "cart": "3.1.0"}


def test_yaml_values_are_spliced_in_their_own_quoting_and_odd_files_are_refused():
    from app.deploy import yaml_edit

    text = "a:\n  s: \"x\\\"y\"  # double\n  p: plain\n  q: 'it''s'\n  gone: 1\n  b: |\n    block\n"
    edited = yaml_edit.set_values(
        text,
        [
            (("a", "s"), 'new"one'),
            (("a", "p"), "1.10"),
            (("a", "q"), "ok's"),
            (("a", "gone"), yaml_edit.REMOVE),
        ],
        "f.yaml",
    )
    assert edited == (
        'a:\n  s: "new\\"one"  # double\n  p: "1.10"\n  q: \'ok\'\'s\'\n  b: |\n    block\n'
    )  # a plain 1.10 would read as a number: it is quoted
    with pytest.raises(Invalid, match="block scalar"):
        yaml_edit.set_values(text, [(("a", "b"), "x")], "f.yaml")
    with pytest.raises(Invalid, match="no a.c to set"):
        yaml_edit.set_values(text, [(("a", "c", "d"), "x")], "f.yaml")
