"""Build and commit details from the environment variables CI systems set.

`mercator component register` and `mercator deploy record` fill what their flags leave
out from these, so a pipeline step needs no plumbing: GitHub Actions, GitLab CI and
Jenkins (and anything that sets BUILD_URL) are understood.
"""

from __future__ import annotations

import os
from collections.abc import Mapping


def registration_defaults(env: Mapping[str, str] | None = None) -> dict[str, str]:
    """git_repository, git_commit, git_branch and build_url found in `env`."""
    env = os.environ if env is None else env
    found: dict[str, str | None] = {}
    if env.get("GITHUB_ACTIONS") or env.get("GITHUB_SHA"):
        server, repository = env.get("GITHUB_SERVER_URL"), env.get("GITHUB_REPOSITORY")
        found["git_commit"] = env.get("GITHUB_SHA")
        found["git_branch"] = env.get("GITHUB_HEAD_REF") or env.get("GITHUB_REF_NAME")
        if server and repository:
            found["git_repository"] = f"{server}/{repository}"
            if env.get("GITHUB_RUN_ID"):
                found["build_url"] = f"{server}/{repository}/actions/runs/{env['GITHUB_RUN_ID']}"
    elif env.get("GITLAB_CI") or env.get("CI_COMMIT_SHA"):
        found["git_commit"] = env.get("CI_COMMIT_SHA")
        found["git_branch"] = env.get("CI_COMMIT_REF_NAME")
        found["git_repository"] = env.get("CI_PROJECT_URL")
        found["build_url"] = env.get("CI_JOB_URL") or env.get("CI_PIPELINE_URL")
    else:  # Jenkins and others
        found["git_commit"] = env.get("GIT_COMMIT")
        found["git_branch"] = env.get("GIT_BRANCH") or env.get("BRANCH_NAME")
        found["git_repository"] = env.get("GIT_URL")
    found.setdefault("build_url", None)
    found["build_url"] = found["build_url"] or env.get("BUILD_URL")
    return {key: value for key, value in found.items() if value}


def deployer(env: Mapping[str, str] | None = None) -> str | None:
    """Who runs this deployment, as the CI system names them."""
    env = os.environ if env is None else env
    for variable in ("GITHUB_ACTOR", "GITLAB_USER_LOGIN", "BUILD_USER_ID", "USER"):
        if env.get(variable):
            return env[variable]
    return None
