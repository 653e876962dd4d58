"""Running deployments from the terminal: `mercator deploy APP VERSION --to ENV`, following
one (`--wait`, `deploy log --follow`), cancelling, setting an environment's engine, and
`mercator worker`.

With --url everything goes through the API (a `mercator worker` runs the engine). Locally,
`--wait` also runs the deployment in this process — claimed from the graph like any
worker would, so a running `mercator worker` is never raced.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sys
import threading
import time
from typing import Any

import click

from app.catalog import engine_settings
from app.cli import ci_env
from app.cli.base import Context, cli, pass_context
from app.cli.catalog import _members, deploy, environment
from app.cli.output import as_json, emit_record, output_option
from app.deploy.deployments import STATUSES
from app.errors import Invalid, MercatorError

#: Seconds between two looks at a followed deployment.
FOLLOW_INTERVAL = 0.5


@deploy.command("run")
@click.argument("application")
@click.argument("version")
@click.option(
    "--to", "environment_name", required=True, metavar="ENVIRONMENT", help="Where to deploy."
)
@click.option(
    "--wait",
    is_flag=True,
    help="Follow it to its end: status and log; exit 1 unless "
    "it succeeds. Without --url, run it in this process.",
)
@click.option("--dry-run", is_flag=True, help="Print the engine's commands; run and write nothing.")
@click.option("--id", "deployment_id", help="Idempotency key, e.g. the pipeline run id.")
@click.option("--by", help="Who deploys [CI: GITHUB_ACTOR, GITLAB_USER_LOGIN, USER].")
@output_option
@pass_context
def deploy_run(
    state: Context,
    application: str,
    version: str,
    environment_name: str,
    wait: bool,
    dry_run: bool,
    deployment_id: str | None,
    by: str | None,
    output: str,
) -> None:
    """Deploy VERSION of application APPLICATION to ENVIRONMENT through its engine.

    The deployment is queued; a worker (a `mercator worker`, such as the one `mercator
    serve` starts, or this command with --wait) runs the environment's engine, one
    deployment per environment at a time. Only a succeeded deployment moves the
    environment's inventory. Exit codes with --wait: 0 succeeded, 1 failed, cancelled or
    timed out.
    """
    body = {
        "environment": environment_name,
        "application": application,
        "version": version,
        "id": deployment_id,
        "by": by or ci_env.deployer(),
    }
    _start(state, body, wait, dry_run, output)


@deploy.command("components")
@click.argument("members", nargs=-1, required=True, metavar="COMPONENT@VERSION...")
@click.option("--to", "environment_name", required=True, metavar="ENVIRONMENT")
@click.option(
    "--app",
    "application",
    help="Application whose version the set is (or derives, once it succeeds).",
)
@click.option("--wait", is_flag=True, help="Follow it to its end (see `deploy run`).")
@click.option("--dry-run", is_flag=True, help="Print the engine's commands; run and write nothing.")
@click.option("--id", "deployment_id", help="Idempotency key, e.g. the pipeline run id.")
@click.option("--by", help="Who deploys [CI: GITHUB_ACTOR, GITLAB_USER_LOGIN, USER].")
@output_option
@pass_context
def deploy_components(
    state: Context,
    members: tuple[str, ...],
    environment_name: str,
    application: str | None,
    wait: bool,
    dry_run: bool,
    deployment_id: str | None,
    by: str | None,
    output: str,
) -> None:
    """Deploy a set of component versions to ENVIRONMENT through its engine."""
    body = {
        "environment": environment_name,
        "application": application,
        "components": _members(members),
        "id": deployment_id,
        "by": by or ci_env.deployer(),
    }
    _start(state, body, wait, dry_run, output)


@cli.command("promote")
@click.argument("application")
@click.option(
    "--from", "source", required=True, metavar="ENVIRONMENT", help="Promote what runs here."
)
@click.option("--to", "target", required=True, metavar="ENVIRONMENT", help="Deploy it here.")
@click.option("--version", help="Refuse unless this is the version the source runs.")
@click.option("--wait", is_flag=True, help="Follow it to its end (see `deploy run`).")
@click.option("--dry-run", is_flag=True, help="Show the plan (gitops: the diff) only.")
@click.option("--id", "deployment_id", help="Idempotency key, e.g. the pipeline run id.")
@click.option("--by", help="Who promotes [CI: GITHUB_ACTOR, GITLAB_USER_LOGIN, USER].")
@output_option
@pass_context
def promote(
    state: Context,
    application: str,
    source: str,
    target: str,
    version: str | None,
    wait: bool,
    dry_run: bool,
    deployment_id: str | None,
    by: str | None,
    output: str,
) -> None:
    """Deploy to --to the version of APPLICATION that --from runs now, through --to's
    engine: its plan (for gitops the diff it commits) is shown first. Refused unless
    --from's latest deployment of APPLICATION succeeded and --from still runs all of it.
    Exit codes with --wait as for `deploy run`."""
    body = {
        "application": application,
        "from": source,
        "to": target,
        "version": version,
        "id": deployment_id,
        "by": by or ci_env.deployer(),
    }
    plan, _ = state.catalog.promote({**body, "dry_run": True})
    promoted = plan["promoted_from"]
    click.echo(f"promoting {application} {promoted['version']} from {source} to {target}", err=True)
    if dry_run or output != "json":  # one JSON document per command
        _print_plan(plan, output)
    if dry_run:
        return
    deployment, created = state.catalog.promote(body)
    _queued(state, deployment, created, wait, output)


def _start(state: Context, body: dict[str, Any], wait: bool, dry_run: bool, output: str) -> None:
    deployment, created = state.catalog.execute_deployment(body, dry_run)
    if dry_run:
        _print_plan(deployment, output)
        return
    _queued(state, deployment, created, wait, output)


def _queued(
    state: Context, deployment: dict[str, Any], created: bool, wait: bool, output: str
) -> None:
    if not created:
        click.echo(
            f"deployment {deployment['id']} exists already ({deployment['status']})", err=True
        )
    if not wait:
        _say_queued(deployment)
        emit_record(deployment, output)
        return
    status = follow(state, deployment["id"], created=deployment)
    if status != "succeeded":
        sys.exit(1)


def _print_plan(plan: dict[str, Any], output: str) -> None:
    if output == "json":
        click.echo(as_json(plan))
        return
    if plan["engine"] == "gitops":
        click.echo(
            f"# engine gitops: {plan['repository']} branch {plan['branch']}, success "
            f"{plan['success']}; nothing was committed"
        )
        if not plan["changes"]:
            click.echo("# nothing to change: the branch declares these versions already")
            return
        click.echo("".join(f"# {line}\n" for line in plan["message"].splitlines()), nl=False)
        click.echo(plan["diff"], nl=False)
        return
    click.echo(f"# engine {plan['engine']}, timeout {plan['timeout']:g} s; nothing was run")
    for name, value in plan["env"].items():
        if name.startswith("MERCATOR_") or value == engine_settings.REDACTED:
            click.echo(f"# {name}={value}")
    for left_out in plan["skipped"]:
        click.echo(f"# skipped {left_out['component']} {left_out['version']}: {left_out['reason']}")
    for argv in plan["commands"]:
        click.echo(" ".join(_quote(arg) for arg in argv))


def _quote(argument: str) -> str:
    import shlex

    return shlex.quote(argument)


def _say_queued(deployment: dict[str, Any]) -> None:
    ahead = deployment.get("ahead") or []
    behind = f", behind {', '.join(ahead)}" if ahead else ""
    click.echo(f"deployment {deployment['id']}: {deployment['status']}{behind}", err=True)


def follow(state: Context, deployment_id: str, created: dict[str, Any] | None = None) -> str:
    """Print a deployment's status changes (stderr) and log (stdout) until it ends; without
    --url, also run it here when it is its turn. Ctrl-C cancels it. Returns its status.

    `created` is the deployment as its creation answered: its state is said first, before a
    worker (this one, without --url) can move it on, so the id is always on screen."""
    stop = threading.Event()
    last = None
    if created is not None:
        last = _describe(created)
        click.echo(f"deployment {deployment_id}: {last}", err=True)
    local = None
    if not state.url:
        local = threading.Thread(target=_run_here, args=(state, deployment_id, stop), daemon=True)
        local.start()
    offset = 0
    try:
        while True:
            try:
                deployment = state.catalog.get("deployments", deployment_id)
                chunk = state.catalog.deployment_log(deployment_id, offset)
            except KeyboardInterrupt:
                _cancel_on_interrupt(state, deployment_id)
                continue
            if chunk["start"] > offset:
                click.echo(f"[... {chunk['start'] - offset} characters dropped ...]", err=True)
            click.echo(chunk["text"], nl=False)
            offset = chunk["next_offset"]
            described = _describe(deployment)
            if described != last:
                click.echo(f"deployment {deployment_id}: {described}", err=True)
                last = described
            if chunk["done"] and deployment["status"] in STATUSES:
                return deployment["status"]
            try:
                time.sleep(FOLLOW_INTERVAL)
            except KeyboardInterrupt:
                _cancel_on_interrupt(state, deployment_id)
    finally:
        stop.set()
        if local is not None:
            local.join()


def _describe(deployment: dict[str, Any]) -> str:
    status = deployment["status"]
    if status == "queued":
        ahead = deployment.get("ahead") or []
        return f"queued, behind {', '.join(ahead)}" if ahead else "queued"
    if status == "running":
        return f"running on {deployment.get('worker')}"
    exit_code = deployment.get("exit_code")
    details = [f"exit code {exit_code}"] if exit_code is not None else []
    if deployment.get("reason") and status != "succeeded":
        details.append(deployment["reason"])
    return status + (f" ({'; '.join(details)})" if details else "")


def _cancel_on_interrupt(state: Context, deployment_id: str) -> None:
    click.echo(f"\ncancelling deployment {deployment_id} ...", err=True)
    try:
        state.catalog.cancel_deployment(deployment_id)
    except Exception as exc:  # it may have ended meanwhile; keep following
        click.echo(f"cancel: {exc}", err=True)


def _run_here(state: Context, deployment_id: str, stop: threading.Event) -> None:
    """Claim the deployment when it is its turn and run it, unless another worker does."""
    from app.deploy.worker import Worker

    worker = Worker(state.graph, state.settings.worker_settings())
    while not stop.is_set():
        worker.sweep()
        if worker.claim(only=deployment_id):
            worker.execute(deployment_id)
            return
        deployment = state.catalog.get("deployments", deployment_id)
        if deployment["status"] != "queued":
            return
        stop.wait(worker.settings.poll_interval)


@deploy.command("cancel")
@click.argument("deployment_id", metavar="ID")
@output_option
@pass_context
def deploy_cancel(state: Context, deployment_id: str, output: str) -> None:
    """Cancel a queued deployment, or stop a running one (its processes are killed)."""
    deployment = state.catalog.cancel_deployment(deployment_id)
    if deployment["status"] == "running":
        click.echo("cancel requested: its worker stops it at its next heartbeat", err=True)
    emit_record(deployment, output)


@deploy.command("log")
@click.argument("deployment_id", metavar="ID")
@click.option("--follow", "-f", "follow_it", is_flag=True, help="Keep printing until it ends.")
@click.option("--offset", type=click.IntRange(0), default=0, help="From this character on.")
@pass_context
def deploy_log(state: Context, deployment_id: str, follow_it: bool, offset: int) -> None:
    """Print a deployment's engine log (only its last 1 MiB is kept)."""
    while True:
        chunk = state.catalog.deployment_log(deployment_id, offset)
        if chunk.get("executed") is False:
            where = f"; its log_url is {chunk['log_url']}" if chunk.get("log_url") else ""
            click.echo(
                f"deployment {deployment_id} was recorded, not run by an engine: "
                f"it has no log{where}",
                err=True,
            )
            return
        click.echo(chunk["text"], nl=False)
        offset = chunk["next_offset"]
        if not follow_it or chunk["done"]:
            return
        time.sleep(FOLLOW_INTERVAL)


@environment.command("set-engine")
@click.argument("name")
@click.argument("kind", type=click.Choice(engine_settings.KINDS))
@click.argument("command", nargs=-1)
@click.option(
    "--env",
    "env_pairs",
    multiple=True,
    metavar="NAME=VALUE",
    help="A variable for the engine's processes (repeatable).",
)
@click.option(
    "--secret-env",
    "secret_pairs",
    multiple=True,
    metavar="NAME[=VALUE]",
    help="A secret variable: passed to the engine, never shown, scrubbed from logs. "
    "Without =VALUE, its value is read from this shell's variable NAME (kept out of "
    "the shell history).",
)
@click.option(
    "--inherit-env",
    multiple=True,
    metavar="NAME",
    help="Pass this variable of the worker's environment through (e.g. KUBECONFIG).",
)
@click.option(
    "--timeout",
    type=float,
    help=f"Seconds a deployment may run [default: {engine_settings.DEFAULT_TIMEOUT}].",
)
@click.option("--working-dir", help="command: where the command runs.")
@click.option("--kube-context", help="helm: kube context (default: the environment's cluster).")
@click.option("--namespace", help="helm: namespace (default: the environment's namespace).")
@click.option("--chart-prefix", help="helm: put before each chart, e.g. oci://registry/charts/.")
@click.option("--release-prefix", help="helm: put before each release name (the component).")
@click.option("--helm", "helm_binary", help="helm: the helm executable [default: helm].")
@click.option("--config", "config_json", help="The whole configuration as JSON instead.")
@output_option
@pass_context
def env_set_engine(
    state: Context,
    name: str,
    kind: str,
    command: tuple[str, ...],
    env_pairs: tuple[str, ...],
    secret_pairs: tuple[str, ...],
    inherit_env: tuple[str, ...],
    config_json: str | None,
    output: str,
    **options: Any,
) -> None:
    """Set environment NAME's deployment engine KIND: none, command, helm or gitops.

    \b
    command: COMMAND is the argv run for each deployment (put it after --), e.g.
      mercator env set-engine staging command -- ./deploy.sh {application} {version}
    Placeholders: {deployment_id} {application} {version} {environment} {stage}
    {cluster} {namespace} {deployment_file}; the same reach it as MERCATOR_* variables,
    and MERCATOR_DEPLOYMENT_FILE names a JSON file with the whole deployment.
    helm: `helm upgrade --install` per component version with a chart.
    gitops: commits the versions to a Git repository; its configuration is --config JSON
    (repository, branch, path, components, ...: docs/deploy.md).
    """
    if config_json is not None:
        try:
            config = json.loads(config_json)
        except ValueError as exc:
            raise Invalid(f"--config is not JSON: {exc}") from exc
    else:
        config = {key: value for key, value in options.items() if value is not None}
        if "helm_binary" in config:
            config["helm"] = config.pop("helm_binary")
        if command:
            config["command"] = list(command)
        if env_pairs:
            config["env"] = _pairs(env_pairs, "--env")
        if secret_pairs:
            config["secret_env"] = _pairs(secret_pairs, "--secret-env", from_environment=True)
        if inherit_env:
            config["inherit_env"] = list(inherit_env)
    emit_record(state.catalog.set_engine(name, kind, config), output)


def _pairs(pairs: tuple[str, ...], flag: str, from_environment: bool = False) -> dict[str, str]:
    found = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep and from_environment and key in os.environ:
            value = os.environ[key]
        elif not sep or not key:
            raise Invalid(f"expected NAME=VALUE for {flag}, got {pair!r}")
        found[key] = value
    return found


@cli.command()
@click.option(
    "--threads",
    type=click.IntRange(1),
    default=1,
    show_default=True,
    help="Deployments run at the same time (each environment runs one at a time).",
)
@pass_context
def worker(state: Context, threads: int) -> None:
    """Run queued deployments until stopped.

    SIGTERM or Ctrl-C stops it: nothing more is claimed, and a running deployment gets
    MERCATOR_WORKER_STOP_GRACE seconds (default 20) to end; one still running then has its
    engine's processes killed and ends failed, "abandoned", with its log. A second signal
    cuts the wait short.

    Any number of workers share the queue in Neo4j; each deployment is claimed by exactly
    one. `mercator serve` starts one beside the web server. Settings:
    MERCATOR_WORKER_POLL_INTERVAL, MERCATOR_WORKER_HEARTBEAT_INTERVAL,
    MERCATOR_WORKER_STALE_AFTER, MERCATOR_WORKER_STOP_GRACE.

    With MERCATOR_EVENT_SINKS set it also delivers the CDEvents Mercator emits to them
    (as `mercator events deliver`).
    """
    from app.deploy.worker import WorkerPool
    from app.observability import logs, multiproc

    logs.configure(state.settings.log_format, state.settings.log_level)
    state.graph.observers.append(logs.observe_query)
    if os.environ.get(multiproc.ENV):  # beside `mercator serve`'s web server: its /metrics
        from app.observability import metrics

        state.graph.observers.append(metrics.observe_query)
    settings = state.settings.worker_settings()
    pool = WorkerPool(state.graph, threads, settings)
    stop = threading.Event()

    def on_signal(_signum, _frame) -> None:
        if stop.is_set():
            pool.halt_event.set()
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    if state.settings.event_sinks:
        from app.outbox.sinks import Dispatcher

        dispatcher = Dispatcher(
            state.graph, list(state.settings.event_sinks), state.settings.delivery_settings()
        )
        # Before the first deployment is claimed, so that its events find the sinks; with
        # Neo4j away, the dispatcher's thread does it once Neo4j is back.
        with contextlib.suppress(MercatorError):
            dispatcher.sync()
        dispatcher.start(stop)
        click.echo(f"worker: delivering events to {', '.join(dispatcher.urls)}", err=True)
    pool.start()
    click.echo(f"worker: {threads} thread(s): {', '.join(w.id for w in pool.workers)}", err=True)
    pool.wait(stop)
    click.echo(
        f"worker: stopping; a running deployment gets {settings.stop_grace:g} s to end",
        err=True,
    )
    if not pool.stop():
        click.echo("worker: a deployment could not be ended in time", err=True)
        sys.exit(1)


@cli.group("sync")
def sync_group() -> None:
    """Reconcile the inventory with what really runs."""


@sync_group.command("kubernetes")
@click.option("--environment", "environment_name", required=True, metavar="ENVIRONMENT")
@click.option(
    "--file",
    "document_file",
    type=click.File("r"),
    help="kubectl's JSON (`kubectl get deployments,statefulsets,daemonsets -A -o json`) "
    "instead of running kubectl.",
)
@click.option("--context", help="kubectl context [default: the environment's cluster].")
@click.option("--all-namespaces", is_flag=True, help="Not only the environment's namespace.")
@click.option("--dry-run", is_flag=True, help="Report the drift; record nothing.")
@click.option("--by", default="sync", show_default=True, help="Who the recorded deployment is by.")
@output_option
@pass_context
def sync_kubernetes(
    state: Context,
    environment_name: str,
    document_file,
    context: str | None,
    output: str,
    **options: Any,
) -> None:
    """Match what the cluster runs to component versions (by digest, then repository and
    tag), record what moved as a deployment by `sync`, and report drift: images unknown to
    the catalog, components running two versions, catalog entries nothing runs."""
    if document_file is not None:
        document = json.load(document_file)
    else:
        if context is None:
            context = state.catalog.get("environments", environment_name).get("cluster")
        document = _kubectl(context)
    report = state.catalog.sync_kubernetes(environment_name, document, **options)
    if output == "json":
        click.echo(as_json(report))
        return
    for moved in report["moved"]:
        click.echo(
            f"moved      {moved['component']}: catalog {moved['catalog'] or '-'}, "
            f"runs {moved['running']}"
        )
    for item in report["conflicting"]:
        click.echo(f"conflict   {item['component']}: runs {', '.join(item['running'])}")
    for item in report["unknown"]:
        click.echo(f"unknown    {item['workload']} {item['container']}: {item['image']}")
    for item in report["not_running"]:
        click.echo(f"not found  {item['component']} {item['version']}: no workload runs it")
    click.echo(f"in sync    {len(report['in_sync'])} component(s)")
    if report["deployment"]:
        click.echo(f"recorded deployment {report['deployment']}", err=True)


@environment.command("drift")
@click.argument("name")
@output_option
@pass_context
def env_drift(state: Context, name: str, output: str) -> None:
    """Three-way drift of gitops environment NAME: per component, what Git declares (at
    the branch's head), what the cluster was last seen running (`sync kubernetes`,
    CDEvents) and what Mercator records, each difference named with its likely cause."""
    report = state.catalog.drift(name)
    if output == "json":
        click.echo(as_json(report))
        return
    click.echo(
        f"{report['environment']}: {report['repository']} {report['branch']} at "
        f"{(report['commit'] or 'unknown')[:12]}; cluster last seen "
        f"{report['observed_at'] or 'never'}"
    )
    click.echo(f"{'COMPONENT':<20} {'DECLARED':<12} {'RECORDED':<12} {'CLUSTER':<12}")
    for item in report["components"]:
        declared = (item["declared"] or {}).get("version") or "-"
        recorded = (item["recorded"] or {}).get("version") or "-"
        cluster = ",".join(o["version"] for o in item["observed"]) or "-"
        mark = "" if item["in_sync"] else "  drift"
        click.echo(f"{item['component']:<20} {declared:<12} {recorded:<12} {cluster:<12}{mark}")
    for item in report["components"]:
        for difference in item["differences"]:
            click.echo(f"{item['component']}: {difference['message']}")
    for difference in report["differences"]:
        click.echo(difference["message"])
    if report["in_sync"]:
        click.echo("in sync: Git, the cluster and Mercator agree")


def _kubectl(context: str | None) -> Any:
    import subprocess

    argv = ["kubectl", "get", "deployments,statefulsets,daemonsets", "-A", "-o", "json"]
    if context:
        argv += ["--context", context]
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise Invalid(f"cannot run kubectl: {exc}; give --file instead") from exc
    if done.returncode != 0:
        raise Invalid(f"kubectl failed: {done.stderr.strip()}", {"argv": argv})
    return json.loads(done.stdout)
