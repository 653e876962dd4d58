"""What an environment's deployment engine setting may hold: its kind and configuration.

An environment's engine is a kind (`none`, `command`, `helm`, `gitops`) and a
configuration, stored on the Environment node. This module checks configurations and hides
their secrets, so the catalog can keep and show them; `app.deploy.engines` turns them into
commands, and `app.deploy.gitops` into commits.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from app.core import naming
from app.errors import Invalid
from app.graph.sealing import Sealer

KINDS = ("none", "command", "helm", "gitops")
#: Seconds a deployment may run when its engine configuration names no timeout.
DEFAULT_TIMEOUT = 600
MAX_TIMEOUT = 24 * 3600
REDACTED = "***"
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_BRANCH = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_./-]*$")
PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
#: What `{placeholder}` may name in a command template.
PLACEHOLDERS = (
    "deployment_id",
    "application",
    "version",
    "environment",
    "stage",
    "cluster",
    "namespace",
    "deployment_file",
)

#: A Helm chart reference: `oci://...`, a path (`/...`, `./...`, `../...`), or
#: `repo/name` / a bare name (a local chart, or one after `chart_prefix`) whose parts
#: start with a letter or digit. Never an option (`-...`) and never whitespace.
_CHART_REF = re.compile(
    r"oci://[^\s/][^\s]*"
    r"|\.{0,2}/[^\s]*"
    r"|[A-Za-z0-9][A-Za-z0-9._-]*(?:/[A-Za-z0-9][A-Za-z0-9._-]*)*"
)
#: Configuration values helm gets as arguments of its own: checked like any argument.
_ARGUMENT_KEYS = ("kube_context", "namespace", "chart_prefix", "release_prefix")

#: Keys each kind's configuration may hold (unknown keys are refused, so typos show).
_KEYS = {
    "none": {"timeout"},
    "command": {"command", "env", "secret_env", "inherit_env", "timeout", "working_dir"},
    "helm": {
        "helm",
        "kube_context",
        "namespace",
        "chart_prefix",
        "release_prefix",
        "extra_args",
        "env",
        "secret_env",
        "inherit_env",
        "timeout",
    },
    "gitops": {
        "repository",
        "branch",
        "path",
        "components",
        "default",
        "author_name",
        "author_email",
        "message",
        "username",
        "password_env",
        "env",
        "secret_env",
        "inherit_env",
        "success",
        "observe_timeout",
        "push_attempts",
        "timeout",
    },
}
#: How a gitops engine writes a component's version (see `app.deploy.gitops`), with the
#: keys each way takes: (required, optional).
GITOPS_FORMATS = {
    "kustomize": ({"file"}, {"name", "new_name"}),
    "helm": ({"file"}, {"tag", "digest", "repository"}),
    "yaml": ({"file", "key"}, {"value"}),
}
#: What a `yaml` writer puts at its key.
GITOPS_VALUES = ("version", "digest", "image", "reference")
GITOPS_SUCCESS = ("on_push", "on_observed")
MAX_PUSH_ATTEMPTS = 10
#: Placeholders of a gitops commit message's first line.
MESSAGE_PLACEHOLDERS = ("deployment_id", "application", "version", "environment", "target")


def check(kind: str, config: dict[str, Any] | None) -> dict[str, Any]:
    """The configuration of an engine of `kind`, checked; raises Invalid naming each problem."""
    config = dict(config or {})
    problems: dict[str, list[str]] = {}

    def problem(key: str, message: str | None) -> None:
        if message:
            problems.setdefault(key, []).append(message)

    if kind not in KINDS:
        raise Invalid(f"engine must be one of {', '.join(KINDS)}", {"kind": [kind]})
    for key in sorted(set(config) - _KEYS[kind]):
        problem(key, f"unknown for a {kind} engine; known: {', '.join(sorted(_KEYS[kind]))}")
    timeout = config.get("timeout", DEFAULT_TIMEOUT)
    if not isinstance(timeout, int | float) or isinstance(timeout, bool):
        problem("timeout", "must be a number of seconds")
    elif not 0 < timeout <= MAX_TIMEOUT:
        problem("timeout", f"must be more than 0 and at most {MAX_TIMEOUT} seconds")
    if kind == "command":
        command = config.get("command")
        if not _strings(command) or not command:
            problem("command", "must be a non-empty list of strings (an argv, no shell)")
        else:
            for argument in command:
                for name in PLACEHOLDER.findall(argument):
                    if name not in PLACEHOLDERS:
                        problem("command", f"unknown placeholder {{{name}}}")
    for key in ("env", "secret_env"):
        value = config.get(key, {})
        if not isinstance(value, dict) or not all(
            isinstance(k, str) and _ENV_NAME.match(k) and isinstance(v, str)
            for k, v in value.items()
        ):
            problem(key, "must map variable names to string values")
    for key in ("inherit_env", "extra_args"):
        if not _strings(config.get(key, [])):
            problem(key, "must be a list of strings")
    for key in ("helm", "kube_context", "namespace", "chart_prefix", "release_prefix"):
        if key in config and not isinstance(config[key], str):
            problem(key, "must be a string")
        elif key in _ARGUMENT_KEYS and key in config:
            problem(key, argument_problem(config[key]))
    if "working_dir" in config and not isinstance(config["working_dir"], str):
        problem("working_dir", "must be a string")
    if kind == "gitops":
        _check_gitops(config, problem)
    if problems:
        raise Invalid(f"the {kind} engine configuration is invalid", problems)
    return config


def argument_problem(value: str) -> str | None:
    """Why `value` may not be one argument of an engine's command line: it would read as
    an option, or holds whitespace or control characters (None when it may)."""
    if value.startswith("-"):
        return "must not start with - (it would read as an option)"
    if any(char.isspace() or not char.isprintable() for char in value):
        return "must not hold whitespace or control characters"
    return None


def chart_problem(value: object) -> str | None:
    """Why `value` is not a Helm chart reference (`repo/name`, `oci://...` or a path)."""
    if not isinstance(value, str):
        return "must be a string"
    problem = argument_problem(value)
    if problem:
        return problem
    if not _CHART_REF.fullmatch(value):
        return "must be a chart reference: repo/name, oci://registry/path or a path"
    return None


def chart_version_problem(value: object) -> str | None:
    """Why `value` is not a chart version (as component versions are)."""
    return naming.version_problem(value)


def _check_gitops(config: dict[str, Any], problem) -> None:
    """A gitops configuration: where the repository is, how each component is written,
    who commits, and when a push counts as deployed."""
    if not isinstance(config.get("repository"), str) or not config["repository"].strip():
        problem("repository", "required: the Git repository's URL or local path")
    elif config["repository"].startswith("-"):
        problem("repository", "must not start with '-'")
    branch = config.get("branch", "main")
    if not isinstance(branch, str) or not _BRANCH.match(branch) or ".." in branch:
        problem("branch", "must be a branch name (letters, digits, '/', '.', '_', '-')")
    if "path" in config and _relative_problem(config["path"], allow_empty=True):
        problem("path", _relative_problem(config["path"], allow_empty=True))
    for key in ("author_name", "author_email", "message", "username"):
        if key in config and (not isinstance(config[key], str) or not config[key].strip()):
            problem(key, "must be a non-empty string")
    if isinstance(config.get("message"), str):
        for name in PLACEHOLDER.findall(config["message"]):
            if name not in MESSAGE_PLACEHOLDERS:
                problem("message", f"unknown placeholder {{{name}}}")
    if "password_env" in config and config["password_env"] not in config.get("secret_env", {}):
        problem("password_env", "must name a variable of secret_env")
    if config.get("success", "on_push") not in GITOPS_SUCCESS:
        problem("success", f"must be one of {', '.join(GITOPS_SUCCESS)}")
    observe = config.get("observe_timeout", DEFAULT_TIMEOUT)
    if not isinstance(observe, int | float) or isinstance(observe, bool):
        problem("observe_timeout", "must be a number of seconds")
    elif not 0 < observe <= MAX_TIMEOUT:
        problem("observe_timeout", f"must be more than 0 and at most {MAX_TIMEOUT} seconds")
    attempts = config.get("push_attempts", 3)
    if type(attempts) is not int or not 1 <= attempts <= MAX_PUSH_ATTEMPTS:
        problem("push_attempts", f"must be a whole number from 1 to {MAX_PUSH_ATTEMPTS}")
    writers = config.get("components", {})
    if not isinstance(writers, dict) or not all(isinstance(k, str) for k in writers):
        problem("components", "must map component names to how each is written")
        writers = {}
    if not writers and "default" not in config:
        problem("components", "say how at least one component is written (or give a default)")
    for name, writer in sorted(writers.items()):
        for message in _writer_problems(writer):
            problem(f"components.{name}", message)
    if "default" in config:
        for message in _writer_problems(config["default"]):
            problem("default", message)


def _writer_problems(writer: Any) -> list[str]:
    """What is wrong with one component's writer ({format, file, ...})."""
    if not isinstance(writer, dict):
        return ["must be an object with a format and a file"]
    kind = writer.get("format")
    if kind not in GITOPS_FORMATS:
        return [f"format must be one of {', '.join(GITOPS_FORMATS)}"]
    required, optional = GITOPS_FORMATS[kind]
    problems = [f"{key} is required for {kind}" for key in sorted(required - set(writer))]
    problems += [
        f"{key} is unknown for {kind}; known: {', '.join(sorted(required | optional))}"
        for key in sorted(set(writer) - required - optional - {"format"})
    ]
    for key, value in sorted(writer.items()):
        if key in ("format", "new_name"):
            continue
        if not isinstance(value, str) or not value.strip():
            problems.append(f"{key} must be a non-empty string")
        elif key == "file" and _relative_problem(value):
            problems.append(f"file {_relative_problem(value)}")
        elif key in ("tag", "digest", "repository", "key") and not all(value.split(".")):
            problems.append(f"{key} must be a dotted key path such as cart.image.tag")
        else:
            problems += [
                f"unknown placeholder {{{name}}} in {key}; only {{component}}"
                for name in PLACEHOLDER.findall(value)
                if name != "component"
            ]
    if "new_name" in writer and not isinstance(writer["new_name"], bool):
        problems.append("new_name must be true or false")
    if kind == "helm" and not {"tag", "digest", "repository"} & set(writer):
        problems.append("give at least one of tag, digest, repository")
    if kind == "yaml" and writer.get("value", "version") not in GITOPS_VALUES:
        problems.append(f"value must be one of {', '.join(GITOPS_VALUES)}")
    return problems


def _relative_problem(path: Any, allow_empty: bool = False) -> str | None:
    """Why `path` is not a relative path inside the repository (None when it is)."""
    if not isinstance(path, str):
        return "must be a string"
    if not path and allow_empty:
        return None
    parts = path.replace("\\", "/").split("/")
    if not path or path.startswith("/") or ".." in parts:
        return "must be a relative path inside the repository (no '..')"
    return None


def _strings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def redacted(config: dict[str, Any] | None) -> dict[str, Any] | None:
    """The configuration as it may be shown: every `secret_env` value replaced by ***."""
    if config is None:
        return None
    shown = dict(config)
    if "secret_env" in shown:
        shown["secret_env"] = {key: REDACTED for key in shown["secret_env"]}
    return shown


def encode(config: dict[str, Any], sealer: Sealer) -> str:
    """How a configuration is stored on the Environment node (Neo4j has no map
    properties): JSON, with each `secret_env` value sealed (see app/graph/sealing.py)."""
    return json.dumps(_secrets_through(config, sealer.seal), sort_keys=True)


def decode(stored: str | None, sealer: Sealer | None = None) -> dict[str, Any]:
    """The configuration an Environment node stores, its secrets opened by `sealer`
    (without one they stay as stored: enough for `redacted`)."""
    config = json.loads(stored) if stored else {}
    return config if sealer is None else _secrets_through(config, sealer.open)


def resealed(stored: str, sealer: Sealer) -> str:
    """A stored configuration with every secret sealed again with the first key."""
    return json.dumps(_secrets_through(json.loads(stored), sealer.reseal), sort_keys=True)


def _secrets_through(config: dict[str, Any], change: Callable[[str], str]) -> dict[str, Any]:
    if not config.get("secret_env"):
        return config
    return {
        **config,
        "secret_env": {name: change(value) for name, value in config["secret_env"].items()},
    }
