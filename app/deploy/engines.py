"""Deployment engines: what an environment runs to deploy, built as argv lists.

An environment's engine is a kind (`none`, `command`, `helm`, `gitops`) and a
configuration (checked by `app.catalog.engine_settings`). This module turns a deployment
into the exact commands to run (a `gitops` engine commits instead: `app.deploy.gitops`) —
nothing here starts a process (that is `app.deploy.runner`), so dry runs and tests see
precisely what a worker would execute.

Commands are argv lists handed to the operating system without a shell: a deployment's
fields reach a `command` engine as `{placeholder}`s replaced inside single arguments, as
environment variables and as a JSON file, never as shell text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.catalog.engine_settings import (
    DEFAULT_TIMEOUT,
    KINDS,
    PLACEHOLDER,
    REDACTED,
    argument_problem,
    chart_problem,
    check,
    decode,
)
from app.errors import Invalid
from app.graph.sealing import Sealer

#: Variables a command always receives from the worker's own environment (nothing else
#: leaks through, e.g. not the Neo4j password; name more with `inherit_env`).
BASE_ENV = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "TZ")
#: How a dry run shows a variable from the worker's own environment: by name only (its
#: value is the API server's, e.g. a cloud key named in `inherit_env`).
INHERITED = "(inherited)"


def secrets(config: dict[str, Any]) -> list[str]:
    """The secret values of a configuration, longest first (for scrubbing logs)."""
    return sorted((v for v in config.get("secret_env", {}).values() if v), key=len, reverse=True)


def scrub(text: str, secret_values: list[str]) -> str:
    """`text` with every secret value replaced by ***."""
    for value in secret_values:
        text = text.replace(value, REDACTED)
    return text


def configured(environment: dict[str, Any], sealer: Sealer) -> tuple[str, dict[str, Any]]:
    """(kind, checked configuration, its secrets opened by `sealer`) of an Environment
    node's engine."""
    kind = environment.get("engine")
    if kind not in KINDS:
        raise Invalid(
            f"environment {environment['name']!r} has no engine to run deployments "
            f"(engine: {kind!r}); set one with `mercator env set-engine`",
            {"environment": [environment["name"]]},
        )
    return kind, check(kind, decode(environment.get("engine_config"), sealer))


def document(row: dict[str, Any]) -> dict[str, Any]:
    """The deployment as an engine sees it (MERCATOR_DEPLOYMENT_FILE holds it as JSON),
    from a `deploy/work` row."""
    props, environment = row["props"], row["environment"]
    # A set queued for an application whose version is derived only once it succeeds:
    # the application is known, its version not yet.
    application = row["application"] or {"application": props.get("pending_application")}
    return {
        "id": props["id"],
        "application": application.get("application"),
        "version": application.get("version"),
        "by": props.get("by"),
        "environment": {
            key: environment.get(key) for key in ("name", "stage", "cluster", "namespace")
        },
        "components": row["components"],
    }


@dataclass
class Plan:
    """What a worker runs for one deployment: commands in order, each an argv, with the
    environment they get; the first that fails ends the deployment. `shown_commands` and
    `shown_env` are the same as a dry run may show them (see `plan`)."""

    kind: str
    commands: list[list[str]]
    env: dict[str, str]
    timeout: float
    working_dir: str | None = None
    secret_values: list[str] = field(default_factory=list)
    shown_commands: list[list[str]] = field(default_factory=list)
    shown_env: dict[str, str] = field(default_factory=dict)
    #: Component versions the engine leaves out, each {component, version, reason}: helm
    #: installs only those with a chart, and saying so beats silently deploying fewer.
    skipped: list[dict[str, str]] = field(default_factory=list)

    def shown(self) -> dict[str, Any]:
        """The plan as a dry run prints it: secrets hidden, the caller's values verbatim."""
        return {
            "engine": self.kind,
            "commands": self.shown_commands,
            "skipped": self.skipped,
            "env": dict(sorted(self.shown_env.items())),
            "timeout": self.timeout,
        }


def plan(
    kind: str,
    config: dict[str, Any],
    deployment: dict[str, Any],
    deployment_file: str,
    worker_env: dict[str, str],
) -> Plan:
    """The commands that deploy `deployment` (see `deployment_document`) with this engine.

    `deployment_file` is where the worker writes the deployment as JSON; `worker_env` the
    worker's own environment, of which only BASE_ENV and `inherit_env` pass through.

    What a dry run shows is built the same way from the configuration with its secrets
    scrubbed, and the deployment's own fields as they came: the caller's values never go
    through the scrubber, whose answer (`guess:***` or not) would confirm a guessed secret.
    Inherited variables are shown by name only (`INHERITED`).
    """
    environment = deployment["environment"]
    fields = {
        "deployment_id": deployment["id"],
        "application": deployment.get("application") or "",
        "version": deployment.get("version") or "",
        "environment": environment["name"],
        "stage": environment.get("stage") or "",
        "cluster": environment.get("cluster") or "",
        "namespace": environment.get("namespace") or "",
        "deployment_file": deployment_file,
    }
    secret_values = secrets(config)
    hidden = _scrubbed(config, secret_values)
    inherited = inherited_env(config, worker_env)
    own = {f"MERCATOR_{name.upper()}": value for name, value in fields.items()}
    own["MERCATOR_COMPONENTS"] = " ".join(
        f"{c['component']}={c['version']}" for c in deployment["components"]
    )
    own["MERCATOR_BY"] = deployment.get("by") or ""
    env = process_env(config, worker_env, own)
    shown_env = {
        **dict.fromkeys(inherited, INHERITED),
        **own,
        **hidden.get("env", {}),
        **hidden.get("secret_env", {}),
    }
    timeout = float(config.get("timeout", DEFAULT_TIMEOUT))
    commands = _commands(kind, config, fields, deployment, timeout)
    shown_commands = _commands(kind, hidden, fields, deployment, timeout)
    return Plan(
        kind,
        commands,
        env,
        timeout,
        config.get("working_dir"),
        secret_values,
        shown_commands,
        shown_env,
        helm_skipped(deployment) if kind == "helm" else [],
    )


def _commands(
    kind: str,
    config: dict[str, Any],
    fields: dict[str, str],
    deployment: dict[str, Any],
    timeout: float,
) -> list[list[str]]:
    if kind == "none":
        return []
    if kind == "command":
        return [[_fill(arg, fields) for arg in config["command"]]]
    if kind != "helm":
        raise ValueError(f"a {kind} engine runs no plan of commands (see app.deploy.gitops)")
    commands = helm_commands(config, deployment, timeout)
    if not commands:
        raise Invalid(
            "none of the deployed component versions has a Helm chart to install",
            {"components": [c["component"] for c in deployment["components"]]},
        )
    return commands


def _scrubbed(config: dict[str, Any], secret_values: list[str]) -> dict[str, Any]:
    """The configuration as it may be shown: secret_env values ***, and any secret value
    written elsewhere in it (a command, an argument, a variable) scrubbed."""

    def hide(value: Any) -> Any:
        if isinstance(value, str):
            return scrub(value, secret_values)
        if isinstance(value, list):
            return [hide(item) for item in value]
        if isinstance(value, dict):
            return {key: hide(item) for key, item in value.items()}
        return value

    hidden = {key: hide(value) for key, value in config.items()}
    if "secret_env" in config:
        hidden["secret_env"] = {name: REDACTED for name in config["secret_env"]}
    return hidden


def inherited_env(config: dict[str, Any], worker_env: dict[str, str]) -> dict[str, str]:
    """What an engine's processes take from the worker's own environment: BASE_ENV and
    the configuration's `inherit_env`, nothing else."""
    passed = {*BASE_ENV, *config.get("inherit_env", [])}
    return {name: worker_env[name] for name in sorted(passed) if name in worker_env}


def process_env(
    config: dict[str, Any], worker_env: dict[str, str], fixed: dict[str, str]
) -> dict[str, str]:
    """The environment an engine's processes get: what they inherit, then `fixed` (what
    Mercator sets), then the configuration's `env` and `secret_env`."""
    return {
        **inherited_env(config, worker_env),
        **fixed,
        **config.get("env", {}),
        **config.get("secret_env", {}),
    }


def _fill(argument: str, fields: dict[str, str]) -> str:
    return PLACEHOLDER.sub(lambda m: fields.get(m.group(1), m.group(0)), argument)


NO_CHART = "no Helm chart: register the version with a chart to deploy it with helm"


def helm_commands(
    config: dict[str, Any], deployment: dict[str, Any], timeout: float
) -> list[list[str]]:
    """`helm upgrade --install` for each component version that has a chart, by component.

    Release = release_prefix + component; chart = chart_prefix + the version's chart; kube
    context and namespace from the configuration, else the environment's cluster and
    namespace. The image goes in as image.repository / image.tag (the version) /
    image.digest; `--wait` makes helm's exit code say whether the rollout finished.

    Flags come first, then `--` and the release and chart, so neither can read as an
    option; every value helm gets as an argument of its own is checked again here (charts
    and configurations stored before they were checked), and `Invalid` names the first
    that would read as an option or holds whitespace.
    """
    environment = deployment["environment"]
    context = config.get("kube_context") or environment.get("cluster")
    namespace = config.get("namespace") or environment.get("namespace")
    _refuse_options({"kube_context": context, "namespace": namespace})
    commands = []
    for member in deployment["components"]:
        if not member.get("chart"):
            continue
        component = member["component"]
        chart = config.get("chart_prefix", "") + member["chart"]
        problem = chart_problem(chart)
        if problem:
            raise Invalid(
                f"the chart of {component} {member['version']} cannot go to helm: {problem}",
                {f"{component}.chart": [problem]},
            )
        _refuse_options(
            {
                f"{component}.chart_version": member.get("chart_version"),
                f"{component}.release": config.get("release_prefix", "") + component,
            }
        )
        argv = [config.get("helm", "helm"), "upgrade", "--install"]
        if member.get("chart_version"):
            argv += ["--version", member["chart_version"]]
        if context:
            argv += ["--kube-context", context]
        if namespace:
            argv += ["--namespace", namespace]
        if member.get("image"):
            argv += ["--set", f"image.repository={_helm_value(member['image'])}"]
        argv += ["--set", f"image.tag={_helm_value(member['version'])}"]
        if member.get("digest"):
            argv += ["--set", f"image.digest={_helm_value(member['digest'])}"]
        argv += ["--wait", "--timeout", f"{int(timeout)}s", *config.get("extra_args", [])]
        argv += ["--", config.get("release_prefix", "") + component, chart]
        commands.append(argv)
    return commands


def helm_skipped(deployment: dict[str, Any]) -> list[dict[str, str]]:
    """The component versions `helm_commands` leaves out, with why."""
    return [
        {"component": m["component"], "version": m["version"], "reason": NO_CHART}
        for m in deployment["components"]
        if not m.get("chart")
    ]


def _refuse_options(values: dict[str, str | None]) -> None:
    """`Invalid` naming the first value that may not be one argument of helm's own."""
    for name, value in values.items():
        problem = value and argument_problem(value)
        if problem:
            raise Invalid(f"{name} cannot go to helm: {problem}", {name: [problem]})


def _helm_value(value: str) -> str:
    """A value for `--set key=value`: helm splits on commas and reads backslashes."""
    return value.replace("\\", "\\\\").replace(",", "\\,")
