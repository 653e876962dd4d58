"""Marshmallow schemas of the catalog API: what requests may hold and what responses hold.

Request schemas check structure and types (unknown fields are refused); the services
check the domain rules (name and version syntax, ranges, existence) and raise `Invalid`,
so the CLI, which calls the services directly, gets the same rules. Response schemas
document the shapes in the OpenAPI document.
"""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from app.access.scopes import SCOPES
from app.api import openapi
from app.catalog import engine_settings
from app.catalog.environments import STAGES
from app.core import naming, paging, properties, semver
from app.core.properties import KINDS
from app.deploy.deployments import ALL_STATUSES, LOG_KEEP, LOG_OFFSET_MAX, STATUSES

Str = fields.String


def rule(problem_of):
    """A marshmallow validator from a `naming` rule, so all bad fields are named at once."""

    def check(value):
        problem = problem_of(value)
        if problem:
            raise ma.ValidationError(problem)

    return check


def _syntax(problem_of, json_schema: dict):
    """A string field checked by a `naming` rule, its syntax shown in the OpenAPI document."""

    def field(**kwargs) -> fields.String:
        metadata = {**json_schema, **kwargs.pop("metadata", {})}
        return Str(validate=rule(problem_of), metadata=metadata, **kwargs)

    return field


class StrictBoolean(fields.Boolean):
    """JSON ``true`` or ``false`` only: marshmallow's Boolean also takes 0, 1, "yes" and
    "off", which the OpenAPI document (type boolean) does not allow."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


Name = _syntax(naming.name_problem, openapi.name_schema())
Version = _syntax(naming.version_problem, openapi.version_schema())


def _opt(description: str, metadata: dict | None = None) -> fields.String:
    """An optional, nullable string field."""
    return Str(
        load_default=None,
        allow_none=True,
        metadata={"description": description, **(metadata or {})},
    )


# -- requests ---------------------------------------------------------------------------
class PagingArgs(ma.Schema):
    offset = fields.Integer(
        load_default=0,
        validate=validate.Range(min=0, max=paging.MAX_OFFSET),
        metadata={"description": "Items to skip"},
    )
    limit = fields.Integer(
        load_default=paging.DEFAULT_LIMIT,
        validate=validate.Range(min=1, max=paging.MAX_LIMIT),
        metadata={"description": f"Page size (at most {paging.MAX_LIMIT})"},
    )


class PrefixArgs(PagingArgs):
    prefix = Str(metadata={"description": "Only names that start with this"})


class ComponentListArgs(PrefixArgs):
    kind = Str(validate=validate.OneOf(KINDS))
    owner = Str(metadata={"description": "Owner team name"})
    environment = Str(metadata={"description": "Only components with a version running there"})


class ApplicationListArgs(PrefixArgs):
    owner = Str(metadata={"description": "Owner team name"})
    environment = Str(metadata={"description": "Only applications deployed there"})


class EnvironmentListArgs(PrefixArgs):
    stage = Str(validate=validate.OneOf(STAGES))


class DeploymentListArgs(PagingArgs):
    environment = Str()
    application = Str()
    component = Str(metadata={"description": "Deployments that included a version of it"})
    status = Str(validate=validate.OneOf(ALL_STATUSES))


class DependencyIn(ma.Schema):
    component = Name(required=True, metadata={"description": "The component depended on"})
    range = Str(
        load_default=None,
        allow_none=True,
        validate=rule(semver.range_problem),
        metadata={"description": "Compatible versions of it, e.g. '>=2.0.0 <3.0.0' (npm syntax)"},
    )


#: What an attribute value may be (`properties.attribute_value_problem`), as JSON Schema.
ATTRIBUTE_VALUE = [
    {"type": "string"},
    {"type": "integer", "minimum": -(2**63), "maximum": 2**63 - 1},
    {"type": "number"},
    {"type": "boolean"},
]


class RegistrationIn(ma.Schema):
    version = Version(required=True, metadata={"example": "1.4.3"})
    kind = Str(
        validate=validate.OneOf(KINDS),
        load_default=None,
        allow_none=True,
        metadata={"description": "Set when the component is first registered"},
    )
    owner = Name(
        load_default=None, allow_none=True, metadata={"description": "Owner team (created if new)"}
    )
    description = _opt("What the component does")
    repository_url = _opt("Where its source lives")
    image = Str(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=properties.INDEXED_TEXT_MAX),
        metadata={
            "description": "Container image (repository)",
            "example": "registry.example.com/shop/payment",
        },
    )
    digest = Str(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=properties.INDEXED_TEXT_MAX),
        metadata={"description": "Image digest", "example": "sha256:4f1c..."},
    )
    git_repository = _opt("Git repository URL")
    git_commit = _opt("Git commit SHA")
    git_branch = _opt("Git branch")
    build_url = _opt("Link to the build")
    chart = _opt("Helm chart")
    chart_version = _opt("Helm chart version")
    created_at = _opt(
        "Build time, ISO 8601 with time zone (default: now)", metadata={"format": "date-time"}
    )
    attributes = fields.Dict(
        keys=Str(),
        values=fields.Raw(metadata={"anyOf": ATTRIBUTE_VALUE}),
        load_default=dict,
        metadata={
            "description": "Free key-value pairs: names without control characters; values "
            "strings, 64-bit integers, finite numbers or booleans"
        },
    )
    dependencies = fields.List(fields.Nested(DependencyIn), load_default=list)
    applications = fields.List(
        Name(),
        load_default=list,
        metadata={"description": "Applications to add the component to (created if new)"},
    )
    derive = StrictBoolean(
        load_default=True,
        metadata={
            "description": "Give every application whose latest version holds another version "
            "of this component a new version with this one"
        },
    )


class MemberIn(ma.Schema):
    component = Name(required=True)
    version = Version(required=True)


class ApplicationVersionIn(ma.Schema):
    version = Version(
        load_default=None,
        allow_none=True,
        metadata={"description": "Version number (default: the latest's successor, or 1.0.0)"},
    )
    components = fields.List(fields.Nested(MemberIn), required=True)
    owner = Name(
        load_default=None,
        allow_none=True,
        metadata={"description": "Owner team of the application (created if new)"},
    )
    description = _opt("What the application is")


class ComponentChangeIn(ma.Schema):
    component = Name(required=True)
    version = Version(required=True)


class TeamIn(ma.Schema):
    email = _opt("Team email", metadata={"example": "payments@example.com"})
    chat = _opt("Chat channel", metadata={"example": "#payments"})
    pager = _opt("Pager / on-call handle")


class EnvironmentIn(ma.Schema):
    stage = Str(validate=validate.OneOf(STAGES), load_default=None, allow_none=True)
    cluster = _opt("Kubernetes cluster (kube context)")
    namespace = _opt("Namespace")
    engine = _opt("Deployment engine: helm, command, none, ...")
    description = _opt("What the environment is for")


class EngineIn(ma.Schema):
    kind = Str(
        required=True,
        validate=validate.OneOf(engine_settings.KINDS),
        metadata={"description": "none (record only), command (a command template) or helm"},
    )
    config = fields.Dict(
        keys=Str(),
        load_default=None,
        allow_none=True,
        metadata={
            "description": "command: {command: [argv with {placeholders}], env, secret_env, "
            "inherit_env, timeout, working_dir}; helm: {helm, kube_context, namespace, "
            "chart_prefix, release_prefix, extra_args, env, secret_env, inherit_env, "
            "timeout}. secret_env values are never shown again (***) and are scrubbed "
            "from logs.",
            "example": {"command": ["./deploy.sh", "{version}"], "timeout": 600},
        },
    )


class DeploymentIn(ma.Schema):
    id = Name(
        load_default=None,
        allow_none=True,
        metadata={"description": "Idempotency key, e.g. the pipeline run id (default: generated)"},
    )
    environment = Name(required=True)
    execute = StrictBoolean(
        load_default=False,
        metadata={
            "description": "Run it through the environment's engine: queued now (202), run "
            "by a worker; leave out status and times"
        },
    )
    dry_run = StrictBoolean(
        load_default=False,
        metadata={"description": "With execute: answer the engine's commands; write nothing"},
    )
    status = Str(
        load_default=None,
        validate=validate.OneOf(STATUSES),
        metadata={"description": "How it ended (required unless execute)"},
    )
    application = Name(
        load_default=None,
        allow_none=True,
        metadata={
            "description": "Application deployed (with version), or to match/derive a version "
            "for the deployed components"
        },
    )
    version = Version(
        load_default=None,
        allow_none=True,
        metadata={"description": "Application version deployed"},
    )
    components = fields.List(
        fields.Nested(MemberIn),
        load_default=None,
        allow_none=True,
        metadata={"description": "Component versions deployed (instead of an application version)"},
    )
    started_at = _opt(
        "When it started, ISO 8601 with time zone (default: now)", metadata={"format": "date-time"}
    )
    finished_at = _opt(
        "When it finished (default: now); the inventory changes at this time",
        metadata={"format": "date-time"},
    )
    by = _opt("Who deployed")
    engine = _opt("How: helm, argocd, kubectl, ...")
    log_url = _opt("Link to the deployment log")


# -- responses --------------------------------------------------------------------------
class PageOut(ma.Schema):
    offset = fields.Integer()
    limit = fields.Integer()
    next_offset = fields.Integer(
        allow_none=True, metadata={"description": "Offset of the next page, or null"}
    )


def page_of(item: type[ma.Schema], name: str) -> type[ma.Schema]:
    return type(name, (PageOut,), {"items": fields.List(fields.Nested(item))})


class Dependency(ma.Schema):
    component = Str()
    range = Str(allow_none=True)


class Running(ma.Schema):
    environment = Str()
    version = Str()
    since = Str()


class Component(ma.Schema):
    name = Str()
    kind = Str(allow_none=True)
    owner = Str(allow_none=True)
    description = Str(allow_none=True)
    repository_url = Str(allow_none=True)
    latest_version = Str(allow_none=True)
    version_count = fields.Integer()
    created_at = Str(allow_none=True)


class ComponentDetail(Component):
    dependencies = fields.List(
        fields.Nested(Dependency), metadata={"description": "Of the latest version"}
    )
    running = fields.List(fields.Nested(Running))


class ComponentVersion(ma.Schema):
    component = Str()
    version = Str()
    image = Str(allow_none=True)
    digest = Str(allow_none=True)
    git_repository = Str(allow_none=True)
    git_commit = Str(allow_none=True)
    git_branch = Str(allow_none=True)
    chart = Str(allow_none=True)
    chart_version = Str(allow_none=True)
    build_url = Str(allow_none=True)
    created_at = Str(allow_none=True)
    attributes = fields.Dict(keys=Str(), values=fields.Raw())
    previous = Str(allow_none=True, metadata={"description": "Predecessor in registration order"})
    registered_by = Str(allow_none=True, metadata={"description": "The token that registered it"})


class RunningHere(ma.Schema):
    environment = Str()
    since = Str()


class ComponentVersionDetail(ComponentVersion):
    dependencies = fields.List(fields.Nested(Dependency))
    running = fields.List(fields.Nested(RunningHere))


class DerivedVersion(ma.Schema):
    application = Str()
    version = Str()
    previous = Str(allow_none=True)


class RegistrationOut(ma.Schema):
    component = Str()
    version = Str()
    created = fields.Boolean(metadata={"description": "False when it was registered before"})
    application_versions = fields.List(
        fields.Nested(DerivedVersion),
        metadata={"description": "Application versions this registration created"},
    )


class Application(ma.Schema):
    name = Str()
    owner = Str(allow_none=True)
    description = Str(allow_none=True)
    latest_version = Str(allow_none=True)
    version_count = fields.Integer()
    created_at = Str(allow_none=True)


class ApplicationVersion(ma.Schema):
    application = Str()
    version = Str()
    previous = Str(allow_none=True)
    reason = Str(allow_none=True, metadata={"description": "What made this version"})
    created_at = Str(allow_none=True)
    created_by = Str(allow_none=True, metadata={"description": "The token whose write made it"})


class ApplicationVersionSummary(ApplicationVersion):
    component_count = fields.Integer()


class Member(ma.Schema):
    component = Str()
    version = Str()
    kind = Str(allow_none=True)
    owner = Str(allow_none=True)
    image = Str(allow_none=True)
    digest = Str(allow_none=True)
    git_commit = Str(allow_none=True)


class ApplicationVersionDetail(ApplicationVersion):
    components = fields.List(fields.Nested(Member))


class Team(ma.Schema):
    name = Str()
    email = Str(allow_none=True)
    chat = Str(allow_none=True)
    pager = Str(allow_none=True)
    created_at = Str(allow_none=True)
    updated_by = Str(allow_none=True, metadata={"description": "The token that last wrote it"})


class TeamSummary(Team):
    component_count = fields.Integer()
    application_count = fields.Integer()


class TeamDetail(Team):
    components = fields.List(Str())
    applications = fields.List(Str())


class Environment(ma.Schema):
    name = Str()
    stage = Str(allow_none=True)
    cluster = Str(allow_none=True)
    namespace = Str(allow_none=True)
    engine = Str(allow_none=True)
    description = Str(allow_none=True)
    created_at = Str(allow_none=True)
    updated_by = Str(allow_none=True, metadata={"description": "The token that last wrote it"})


class EnvironmentSummary(Environment):
    running_count = fields.Integer()


class Inventory(ma.Schema):
    component = Str()
    version = Str()
    since = Str()
    deployment = Str(allow_none=True)


class EnvironmentDetail(Environment):
    engine_config = fields.Dict(
        allow_none=True, metadata={"description": "The engine's configuration, secrets as ***"}
    )
    running = fields.List(fields.Nested(Inventory))


class AppRef(ma.Schema):
    application = Str()
    version = Str()


class Deployment(ma.Schema):
    id = Str()
    environment = Str()
    status = Str()
    application = fields.Nested(AppRef, allow_none=True)
    started_at = Str(allow_none=True)
    finished_at = Str(allow_none=True)
    recorded_at = Str(allow_none=True)
    by = Str(allow_none=True, metadata={"description": "Who deployed (as the request said)"})
    recorded_by = Str(allow_none=True, metadata={"description": "The token that recorded it"})
    engine = Str(allow_none=True)
    log_url = Str(allow_none=True)


class ComponentRef(ma.Schema):
    component = Str()
    version = Str()


class DeploymentDetail(Deployment):
    components = fields.List(fields.Nested(ComponentRef))
    queued_at = Str(allow_none=True)
    worker = Str(allow_none=True, metadata={"description": "The worker that ran it"})
    heartbeat_at = Str(allow_none=True, metadata={"description": "Its worker's last heartbeat"})
    exit_code = fields.Integer(allow_none=True)
    reason = Str(allow_none=True, metadata={"description": "Why it ended as it did"})
    cancel_requested = fields.Boolean()
    log_size = fields.Integer(metadata={"description": "Characters of log the engine wrote"})
    ahead = fields.List(
        Str(),
        metadata={
            "description": "While queued: the deployments to the same environment that go "
            "first (running, then queued in order)"
        },
    )


class DeploymentRun(DeploymentDetail):
    status_url = Str(metadata={"description": "Where to follow it"})
    log_stream_url = Str(
        metadata={"description": "Its log; ask again with offset=next_offset to stream"},
    )


class DryRun(ma.Schema):
    engine = Str()
    commands = fields.List(fields.List(Str()), metadata={"description": "argv of each command"})
    env = fields.Dict(keys=Str(), values=Str(), metadata={"description": "Secrets as ***"})
    timeout = fields.Float()
    deployment = fields.Dict(metadata={"description": "The deployment file's content"})


class LogArgs(ma.Schema):
    offset = fields.Integer(
        load_default=0,
        validate=validate.Range(min=0, max=LOG_OFFSET_MAX),
        metadata={"description": "First character wanted: the last answer's next_offset"},
    )


class DeploymentLog(ma.Schema):
    id = Str()
    status = Str()
    done = fields.Boolean(metadata={"description": "The deployment has ended: stop streaming"})
    start = fields.Integer(
        metadata={
            "description": f"Offset of the first character returned (the log keeps its last "
            f"{LOG_KEEP} characters, so this can be later than the offset asked for)"
        }
    )
    text = Str()
    next_offset = fields.Integer()
    executed = fields.Boolean(
        metadata={"description": "Run by an engine; false: recorded, so it has no log here"}
    )
    log_url = Str(allow_none=True, metadata={"description": "Where the log is, if recorded"})


ComponentPage = page_of(Component, "ComponentPage")
ComponentVersionPage = page_of(ComponentVersion, "ComponentVersionPage")
ApplicationPage = page_of(Application, "ApplicationPage")
ApplicationVersionPage = page_of(ApplicationVersionSummary, "ApplicationVersionPage")
TeamPage = page_of(TeamSummary, "TeamPage")
EnvironmentPage = page_of(EnvironmentSummary, "EnvironmentPage")
DeploymentPage = page_of(Deployment, "DeploymentPage")


class SyncArgs(ma.Schema):
    dry_run = fields.Boolean(
        load_default=False, metadata={"description": "Report only; record nothing"}
    )
    all_namespaces = fields.Boolean(
        load_default=False,
        metadata={"description": "Consider every namespace, not only the environment's"},
    )
    by = Str(load_default="sync", metadata={"description": "Who the recorded deployment is by"})


class SyncReport(ma.Schema):
    environment = Str()
    containers = fields.Integer(metadata={"description": "Containers considered"})
    in_sync = fields.List(fields.Dict(), metadata={"description": "{component, version}"})
    moved = fields.List(
        fields.Dict(),
        metadata={"description": "{component, catalog, running, seen_in}: catalog says X, Y runs"},
    )
    conflicting = fields.List(
        fields.Dict(), metadata={"description": "{component, running}: two versions at once"}
    )
    unknown = fields.List(
        fields.Dict(), metadata={"description": "{workload, container, image} not in the catalog"}
    )
    ambiguous = fields.List(fields.Dict())
    not_running = fields.List(
        fields.Dict(), metadata={"description": "In the inventory, but no workload runs its image"}
    )
    deployment = Str(
        allow_none=True, metadata={"description": "The deployment that recorded what moved"}
    )
    dry_run = fields.Boolean()


# -- API tokens -------------------------------------------------------------------------
class TokenIn(ma.Schema):
    name = Name(required=True, metadata={"description": "Unique; writes record it as author"})
    scopes = fields.List(
        Str(validate=validate.OneOf(SCOPES)),
        required=True,
        validate=validate.Length(min=1),
        metadata={"description": f"One or more of {', '.join(SCOPES)}"},
    )
    component_prefix = _opt("Only components whose name starts with this (register, deploy)")
    team = _opt("Only components this team owns (register, deploy)")
    expires = _opt("Lifetime (90d, 12h, 30m) or an ISO 8601 time; omitted: never expires")


class Token(ma.Schema):
    name = Str()
    scopes = fields.List(Str())
    component_prefix = Str(allow_none=True)
    team = Str(allow_none=True)
    created_at = Str()
    created_by = Str(allow_none=True)
    expires_at = Str(allow_none=True)
    revoked_at = Str(allow_none=True)
    revoked_by = Str(allow_none=True)
    state = Str(metadata={"description": "active, expired or revoked"})


class TokenCreated(Token):
    token = Str(
        metadata={"description": "The token itself: shown only in this answer, stored as a hash"}
    )


TokenPage = page_of(Token, "TokenPage")
