"""The catalog from the terminal: register, create, record, list and show.

Each command gathers its flags into the same request the HTTP API takes and hands it to
`state.catalog` (the services, or a remote Mercator with --url), then prints the result.
"""

from __future__ import annotations

import shlex
from typing import Any

import click

from app.cli import ci_env
from app.cli.base import Context, cli, pass_context
from app.cli.output import emit_page, emit_record, output_option
from app.core import paging, records
from app.core.records import KINDS, STAGES
from app.deploy.deployments import ALL_STATUSES, STATUSES
from app.errors import Invalid


def paging_options(function):
    """--offset and --limit, as every list command takes them."""
    function = click.option(
        "--offset", type=click.IntRange(0), default=0, show_default=True, help="Items to skip."
    )(function)
    return click.option(
        "--limit",
        type=click.IntRange(1, paging.MAX_LIMIT),
        default=paging.DEFAULT_LIMIT,
        show_default=True,
        help="Items per page.",
    )(function)


def _split_member(text: str, what: str = "COMPONENT@VERSION") -> tuple[str, str | None]:
    name, _, rest = text.partition("@")
    if not name:
        raise Invalid(f"expected {what}, got {text!r}")
    return name, rest or None


def _members(values: tuple[str, ...]) -> list[dict[str, str]]:
    members = []
    for value in values:
        name, version = _split_member(value)
        if version is None:
            raise Invalid(f"expected COMPONENT@VERSION, got {value!r}")
        members.append({"component": name, "version": version})
    return members


def _created(created: bool, what: str) -> None:
    click.echo(f"{what} {'created' if created else 'unchanged (already there)'}", err=True)


# -- components -------------------------------------------------------------------------
@cli.group()
def component() -> None:
    """Components and their versions."""


@component.command("register")
@click.argument("name")
@click.argument("version")
@click.option("--kind", type=click.Choice(KINDS), help="Kind of component (set once).")
@click.option("--owner", help="Owner team (created if new).")
@click.option("--description", help="What the component does.")
@click.option("--repository-url", help="Where its source lives.")
@click.option("--image", help="Container image repository.")
@click.option("--digest", help="Image digest (sha256:...).")
@click.option(
    "--git-repository",
    help="Git repository URL [CI: GITHUB_SERVER_URL/GITHUB_REPOSITORY, CI_PROJECT_URL, GIT_URL].",
)
@click.option("--git-commit", help="Commit SHA [CI: GITHUB_SHA, CI_COMMIT_SHA, GIT_COMMIT].")
@click.option("--git-branch", help="Branch [CI: GITHUB_REF_NAME, CI_COMMIT_REF_NAME, GIT_BRANCH].")
@click.option("--build-url", help="Link to the build [CI: the GitHub run, CI_JOB_URL, BUILD_URL].")
@click.option("--chart", help="Helm chart.")
@click.option("--chart-version", help="Helm chart version.")
@click.option("--created-at", help="Build time, ISO 8601 with time zone (default: now).")
@click.option(
    "--attr",
    "attributes",
    multiple=True,
    metavar="KEY=VALUE",
    help="A free key-value attribute (repeatable).",
)
@click.option(
    "--depends-on",
    "dependencies",
    multiple=True,
    metavar="COMPONENT[@RANGE]",
    help="A component this version needs, optionally with a version range, e.g. "
    "'currency@>=2.0.0 <3.0.0' (repeatable).",
)
@click.option(
    "--app",
    "applications",
    multiple=True,
    metavar="APPLICATION",
    help="Add the component to this application (repeatable).",
)
@click.option(
    "--no-derive",
    is_flag=True,
    help="Do not give applications holding this component a new version.",
)
@click.option("--no-ci-env", is_flag=True, help="Ignore the CI environment variables.")
@click.option(
    "--sbom",
    "sbom_file",
    type=click.File("rb"),
    help="Also attach this SBOM (CycloneDX or SPDX JSON) to the version.",
)
@output_option
@pass_context
def component_register(
    state: Context,
    name: str,
    version: str,
    attributes: tuple[str, ...],
    dependencies: tuple[str, ...],
    applications: tuple[str, ...],
    no_derive: bool,
    no_ci_env: bool,
    sbom_file,
    output: str,
    **fields: Any,
) -> None:
    """Register version VERSION of component NAME (after its image is pushed).

    Git and build details not given as flags are taken from the CI system's environment
    variables (GitHub Actions, GitLab CI, Jenkins). Registering the same content again
    changes nothing; the same version with other content is refused (exit code 4).
    """
    body: dict[str, Any] = {} if no_ci_env else ci_env.registration_defaults()
    body.update({key: value for key, value in fields.items() if value is not None})
    body["version"] = version
    body["attributes"] = _attributes(attributes)
    body["dependencies"] = [
        {"component": dep, "range": rng} for dep, rng in map(_split_member, dependencies)
    ]
    body["applications"] = list(applications)
    body["derive"] = not no_derive
    outcome = state.catalog.register(name, body)
    _created(outcome["created"], f"{name} {version}")
    if sbom_file is not None:
        summary, attached = state.catalog.attach_sbom(name, version, sbom_file.read(), None, False)
        outcome["sbom"] = {k: summary[k] for k in ("format", "spec_version", "packages")}
        click.echo(f"SBOM {'attached' if attached else 'unchanged'}", err=True)
    emit_record(outcome, output)


def _attributes(pairs: tuple[str, ...]) -> dict[str, str]:
    attributes = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise Invalid(f"expected KEY=VALUE for --attr, got {pair!r}")
        attributes[key] = value
    return attributes


@component.command("list")
@click.option("--prefix", help="Only names starting with this.")
@click.option("--kind", type=click.Choice(KINDS), help="Only this kind.")
@click.option("--owner", help="Only components of this team.")
@click.option("--environment", help="Only components running there now.")
@paging_options
@output_option
@pass_context
def component_list(state: Context, output: str, **filters: Any) -> None:
    """List components."""
    page = state.catalog.list("components", **filters)
    emit_page(page, records.COMPONENT.columns, output)


@component.command("show")
@click.argument("name")
@output_option
@pass_context
def component_show(state: Context, name: str, output: str) -> None:
    """Show a component: owner, latest version, dependencies, where it runs."""
    emit_record(state.catalog.get("components", name), output)


@component.command("versions")
@click.argument("name")
@paging_options
@output_option
@pass_context
def component_versions(state: Context, name: str, output: str, **paging: Any) -> None:
    """List the versions of component NAME, newest first."""
    page = state.catalog.component_versions(name, **paging)
    emit_page(page, records.COMPONENT_VERSION.columns, output)


@component.command("version")
@click.argument("name")
@click.argument("version")
@output_option
@pass_context
def component_version(state: Context, name: str, version: str, output: str) -> None:
    """Show one version of a component: build details, attributes, dependencies."""
    emit_record(state.catalog.component_version(name, version), output)


# -- applications -----------------------------------------------------------------------
@cli.group("app")
def application() -> None:
    """Applications and their versions."""


@application.command("list")
@click.option("--prefix", help="Only names starting with this.")
@click.option("--owner", help="Only applications of this team.")
@click.option("--environment", help="Only applications deployed there.")
@paging_options
@output_option
@pass_context
def app_list(state: Context, output: str, **filters: Any) -> None:
    """List applications."""
    page = state.catalog.list("applications", **filters)
    emit_page(page, records.APPLICATION.columns, output)


@application.command("show")
@click.argument("name")
@output_option
@pass_context
def app_show(state: Context, name: str, output: str) -> None:
    """Show an application: owner and latest version."""
    emit_record(state.catalog.get("applications", name), output)


@application.command("versions")
@click.argument("name")
@paging_options
@output_option
@pass_context
def app_versions(state: Context, name: str, output: str, **paging: Any) -> None:
    """List the versions of application NAME in version order, with predecessors."""
    page = state.catalog.application_versions(name, **paging)
    emit_page(page, (*records.APPLICATION_VERSION.columns, "component_count"), output)


@application.group("version")
def app_version() -> None:
    """One application version: show or create."""


@app_version.command("show")
@click.argument("name")
@click.argument("version")
@output_option
@pass_context
def app_version_show(state: Context, name: str, version: str, output: str) -> None:
    """Show application version VERSION of NAME with its component versions."""
    emit_record(state.catalog.application_version(name, version), output)


@app_version.command("create")
@click.argument("name")
@click.option(
    "--component",
    "members",
    multiple=True,
    required=True,
    metavar="COMPONENT@VERSION",
    help="A component version (repeatable).",
)
@click.option("--version", help="Version number (default: the latest's successor, or 1.0.0).")
@click.option("--owner", help="Owner team of the application.")
@click.option("--description", help="What the application is.")
@output_option
@pass_context
def app_version_create(
    state: Context, name: str, members: tuple[str, ...], output: str, **fields: Any
) -> None:
    """Create a version of application NAME from explicit component versions."""
    body = {key: value for key, value in fields.items() if value is not None}
    body["components"] = _members(members)
    version, created = state.catalog.create_application_version(name, body)
    _created(created, f"{name} {version['version']}")
    emit_record(version, output)


@application.command("add")
@click.argument("name")
@click.argument("member", metavar="COMPONENT@VERSION")
@output_option
@pass_context
def app_add(state: Context, name: str, member: str, output: str) -> None:
    """Add a component version to application NAME (or replace its version): a new
    application version."""
    (entry,) = _members((member,))
    version, created = state.catalog.add_component(name, entry["component"], entry["version"])
    _created(created, f"{name} {version['version']}")
    emit_record(version, output)


@application.command("remove")
@click.argument("name")
@click.argument("component_name", metavar="COMPONENT")
@output_option
@pass_context
def app_remove(state: Context, name: str, component_name: str, output: str) -> None:
    """Remove a component from application NAME: a new application version."""
    emit_record(state.catalog.remove_component(name, component_name), output)


# -- environments and teams -------------------------------------------------------------
@cli.group("env")
def environment() -> None:
    """Environments and what runs there."""


@environment.command("list")
@click.option("--prefix", help="Only names starting with this.")
@click.option("--stage", type=click.Choice(STAGES), help="Only this stage.")
@paging_options
@output_option
@pass_context
def env_list(state: Context, output: str, **filters: Any) -> None:
    """List environments."""
    page = state.catalog.list("environments", **filters)
    emit_page(page, (*records.ENVIRONMENT.columns, "running_count"), output)


@environment.command("show")
@click.argument("name")
@output_option
@pass_context
def env_show(state: Context, name: str, output: str) -> None:
    """Show an environment and the component versions running there now."""
    record = state.catalog.get("environments", name)
    config = record.get("engine_config")
    if output != "json" and isinstance(config, dict):
        # an argv as a shell would read it, not comma-joined
        record["engine_config"] = {
            key: shlex.join(value) if key in ARGV_SETTINGS and isinstance(value, list) else value
            for key, value in config.items()
        }
    emit_record(record, output)


#: Engine settings that hold an argv (see app.catalog.engine_settings).
ARGV_SETTINGS = ("command", "extra_args")


@environment.command("set")
@click.argument("name")
@click.option("--stage", type=click.Choice(STAGES), help="dev, test, staging or prod.")
@click.option("--cluster", help="Kubernetes cluster (kube context).")
@click.option("--namespace", help="Namespace.")
@click.option("--engine", help="Deployment engine: none, command or helm.")
@click.option("--description", help="What the environment is for.")
@output_option
@pass_context
def env_set(state: Context, name: str, output: str, **fields: Any) -> None:
    """Create environment NAME or update its details (others stay as they are)."""
    environment_record, created = state.catalog.put_environment(name, fields)
    _created(created, f"environment {name}")
    emit_record(environment_record, output)


@cli.group()
def team() -> None:
    """Owner teams and their contacts."""


@team.command("list")
@click.option("--prefix", help="Only names starting with this.")
@paging_options
@output_option
@pass_context
def team_list(state: Context, output: str, **filters: Any) -> None:
    """List teams."""
    page = state.catalog.list("teams", **filters)
    emit_page(page, (*records.TEAM.columns, "component_count"), output)


@team.command("show")
@click.argument("name")
@output_option
@pass_context
def team_show(state: Context, name: str, output: str) -> None:
    """Show a team: contacts, components and applications it owns."""
    emit_record(state.catalog.get("teams", name), output)


@team.command("set")
@click.argument("name")
@click.option("--email", help="Team email.")
@click.option("--chat", help="Chat channel.")
@click.option("--pager", help="Pager / on-call handle.")
@output_option
@pass_context
def team_set(state: Context, name: str, output: str, **fields: Any) -> None:
    """Create team NAME or update its contacts (others stay as they are)."""
    team_record, created = state.catalog.put_team(name, fields)
    _created(created, f"team {name}")
    emit_record(team_record, output)


# -- deployments ------------------------------------------------------------------------
class _RunByDefault(click.Group):
    """`mercator deploy APP VERSION ...` means `mercator deploy run APP VERSION ...`: a first
    argument that names no subcommand starts `run` (an application named like a
    subcommand is deployed with `deploy run`)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and not args[0].startswith("-") and args[0] not in self.commands:
            args = ["run", *args]
        return super().parse_args(ctx, args)


@cli.group(cls=_RunByDefault)
def deploy() -> None:
    """Deployments: run them through an environment's engine, record them, follow them.

    \b
    mercator deploy APP VERSION --to ENV [--wait] [--dry-run]   (= deploy run ...)
    mercator deploy components C@V ... --to ENV [--wait]
    mercator deploy record --to ENV ...      a deployment that happened elsewhere
    mercator deploy list | show ID | log ID [-f] | cancel ID
    """


@deploy.command("record")
@click.option(
    "--to", "environment_name", required=True, metavar="ENVIRONMENT", help="Where it was deployed."
)
@click.option(
    "--app",
    "application_name",
    metavar="APPLICATION",
    help="Application deployed (with --version), or whose version the --component set is.",
)
@click.option("--version", help="Application version deployed.")
@click.option(
    "--component",
    "members",
    multiple=True,
    metavar="COMPONENT@VERSION",
    help="A component version deployed (repeatable), instead of --version.",
)
@click.option(
    "--status",
    type=click.Choice(STATUSES),
    default="succeeded",
    show_default=True,
    help="How it ended.",
)
@click.option("--id", "deployment_id", help="Idempotency key, e.g. the pipeline run id.")
@click.option("--started-at", help="ISO 8601 with time zone (default: now).")
@click.option("--finished-at", help="ISO 8601 with time zone (default: now).")
@click.option("--by", help="Who deployed [CI: GITHUB_ACTOR, GITLAB_USER_LOGIN, USER].")
@click.option("--engine", help="How: helm, argocd, kubectl, ...")
@click.option("--log-url", help="Link to the deployment log.")
@output_option
@pass_context
def deploy_record(
    state: Context,
    environment_name: str,
    application_name: str | None,
    members: tuple[str, ...],
    deployment_id: str | None,
    output: str,
    **fields: Any,
) -> None:
    """Record a deployment that happened: an application version or component versions.

    A succeeded deployment moves the environment's inventory; any other status only
    enters the history.
    """
    body = {key: value for key, value in fields.items() if value is not None}
    body.setdefault("by", ci_env.deployer())
    body.update(environment=environment_name, application=application_name, id=deployment_id)
    if members:
        body["components"] = _members(members)
    deployment, created = state.catalog.record_deployment(body)
    _created(created, f"deployment {deployment['id']}")
    emit_record(deployment, output)


@deploy.command("list")
@click.option("--environment", help="Only deployments to this environment.")
@click.option("--app", "application", help="Only deployments of this application.")
@click.option("--component", help="Only deployments that included this component.")
@click.option("--status", type=click.Choice(ALL_STATUSES), help="Only this status.")
@click.option("--since", help="Only those started at or after this time (ISO 8601).")
@click.option("--until", help="Only those started before this time (ISO 8601).")
@paging_options
@output_option
@pass_context
def deploy_list(state: Context, output: str, **filters: Any) -> None:
    """List deployments, newest first."""
    page = state.catalog.list("deployments", **filters)
    if output == "table":
        for item in page["items"]:
            app = item["application"]
            item["application"] = f"{app['application']} {app['version']}" if app else None
    emit_page(page, records.DEPLOYMENT.columns, output)


@deploy.command("show")
@click.argument("deployment_id", metavar="ID")
@output_option
@pass_context
def deploy_show(state: Context, deployment_id: str, output: str) -> None:
    """Show one deployment."""
    emit_record(state.catalog.get("deployments", deployment_id), output)


# -- demo -------------------------------------------------------------------------------
@cli.group()
def demo() -> None:
    """A small realistic world (an online shop) to explore."""


@demo.command("load")
@pass_context
def demo_load(state: Context) -> None:
    """Load the demo shop: 5 teams, 13 components, 3 environments, deployments.

    Loading it again changes nothing. Then try: `mercator env show prod`,
    `mercator app versions shop`, `mercator component show payment`.
    """
    from app.admin import demo as demo_world

    demo_world.load(state.catalog, say=click.echo)


@demo.command("gitops")
@click.option(
    "--folder",
    default=".mercator/demo-gitops",
    show_default=True,
    help="Where the local repository is created (on this machine).",
)
@pass_context
def demo_gitops(state: Context, folder: str) -> None:
    """Switch the demo's prod to a gitops engine against a local repository created here,
    declaring what prod runs now. Then try `mercator promote shop --from staging --to prod
    --wait` and `mercator env drift prod`."""
    from app.admin import demo as demo_world

    demo_world.gitops(state.catalog, folder, say=click.echo)


@cli.command("search")
@click.argument("text")
@click.option(
    "--limit", type=int, default=20, show_default=True, help="At most this many of each kind."
)
@output_option
@pass_context
def search_catalog(state: Context, text: str, limit: int, output: str) -> None:
    """Find components, applications, environments, teams and packages whose name contains
    TEXT (as typed; case counts)."""
    found = state.catalog.search(text, limit)
    if output == "json":
        emit_record(found, output)
        return
    rows = [{"kind": kind, **hit} for kind, hits in found["results"].items() for hit in hits]
    emit_page({"items": rows}, ("kind", "name", "detail", "key"), output)
