"""Deployments: the history that builds each environment's inventory."""

from __future__ import annotations

import marshmallow as ma
from flask import Response, jsonify, url_for
from flask_smorest import Blueprint
from marshmallow import fields, validate

from app.api.auth import actor, requires
from app.api.fields import (
    MemberIn,
    Name,
    PagingArgs,
    Str,
    StrictBoolean,
    Time,
    Version,
    optional,
    page_of,
)
from app.core import records
from app.deploy import deployments, promotion
from app.deploy.deployments import ALL_STATUSES, LOG_KEEP, LOG_OFFSET_MAX, STATUSES
from app.errors import Invalid
from app.http.context import graph


# -- schemas ---------------------------------------------------------------------------
class DeploymentListArgs(PagingArgs):
    environment = Str()
    application = Str()
    component = Str(metadata={"description": "Deployments that included a version of it"})
    status = Str(validate=validate.OneOf(ALL_STATUSES))
    since = Str(
        metadata={
            "format": "date-time",
            "description": "Started (or queued) at or after this time, ISO 8601 with time zone",
        }
    )
    until = Str(
        metadata={
            "format": "date-time",
            "description": "Started (or queued) before this time, ISO 8601 with time zone",
        }
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
    started_at = optional(
        "When it started, ISO 8601 with time zone (default: now)", metadata={"format": "date-time"}
    )
    finished_at = optional(
        "When it finished (default: now); the inventory changes at this time",
        metadata={"format": "date-time"},
    )
    by = optional("Who deployed")
    engine = optional("How: helm, argocd, kubectl, ...")
    log_url = optional("Link to the deployment log")


Deployment = records.DEPLOYMENT.schema("Deployment")


class ComponentRef(ma.Schema):
    component = Str()
    version = Str()


class DeploymentDetail(Deployment):
    components = fields.List(fields.Nested(ComponentRef))
    pending_application = Str(
        allow_none=True,
        metadata={
            "description": "A set of component versions run by an engine for an application "
            "none of whose versions holds that set: the application whose version it matches "
            "or derives once it succeeds (then `application` names that version). A "
            "deployment that fails, is cancelled or times out derives nothing."
        },
    )
    queued_at = Time(allow_none=True)
    worker = Str(allow_none=True, metadata={"description": "The worker that ran it"})
    heartbeat_at = Time(allow_none=True, metadata={"description": "Its worker's last heartbeat"})
    exit_code = fields.Integer(allow_none=True)
    reason = Str(allow_none=True, metadata={"description": "Why it ended as it did"})
    commit = Str(allow_none=True, metadata={"description": "gitops: the commit it pushed"})
    observed_at = Time(
        allow_none=True, metadata={"description": "gitops: when the cluster was seen running it"}
    )
    observed_by = Str(allow_none=True, metadata={"description": "gitops: who saw it (sync)"})
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
    skipped = fields.List(
        fields.Dict(keys=Str(), values=Str()),
        metadata={
            "description": "Component versions the engine leaves out, each {component, "
            "version, reason} (helm: those without a chart)"
        },
    )
    env = fields.Dict(keys=Str(), values=Str(), metadata={"description": "Secrets as ***"})
    timeout = fields.Float()
    deployment = fields.Dict(metadata={"description": "The deployment file's content"})
    repository = Str(metadata={"description": "gitops: the repository it would push to"})
    branch = Str(metadata={"description": "gitops: its branch"})
    path = Str(metadata={"description": "gitops: the folder the files are in"})
    success = Str(metadata={"description": "gitops: on_push or on_observed"})
    changes = fields.List(
        fields.Dict(), metadata={"description": "gitops: {component, file, key, before, after}"}
    )
    message = Str(allow_none=True, metadata={"description": "gitops: the commit message"})
    diff = Str(metadata={"description": "gitops: the diff it would commit (empty: no change)"})


class PromotionIn(ma.Schema):
    application = Name(required=True, metadata={"description": "The application to promote"})
    source = Name(
        required=True,
        data_key="from",
        metadata={"description": "The environment whose running version is promoted"},
    )
    target = Name(
        required=True,
        data_key="to",
        metadata={"description": "The environment it is deployed to, through its engine"},
    )
    version = Version(
        load_default=None,
        allow_none=True,
        metadata={"description": "Refuse unless this is the version the source runs"},
    )
    id = Str(load_default=None, allow_none=True, metadata={"description": "Idempotency key"})
    by = Str(load_default=None, allow_none=True, metadata={"description": "Who promotes"})
    dry_run = StrictBoolean(
        load_default=False,
        metadata={"description": "Answer the target engine's plan (gitops: the diff) only"},
    )


class Promoted(ma.Schema):
    environment = Str(metadata={"description": "The source environment"})
    version = Str(metadata={"description": "The application version it runs, promoted"})


class PromotionRun(DeploymentRun):
    promoted_from = fields.Nested(Promoted)


class PromotionDryRun(DryRun):
    promoted_from = fields.Nested(Promoted)


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


DeploymentPage = page_of(Deployment, "DeploymentPage")


blp = Blueprint(
    "deployments",
    __name__,
    url_prefix="/api/v1/deployments",
    description="Deployments and their history",
)


@blp.route("")
@blp.arguments(DeploymentListArgs, location="query")
@blp.response(200, DeploymentPage)
@blp.alt_response(400, schema="Error", description="A bad status or time")
def list_deployments(args):
    """List deployments, newest first, filtered by environment, application, component,
    status, or when they started (`since`, `until`)."""
    return deployments.list_deployments(graph(), **args)


@blp.route("", methods=["POST"])
@requires("deploy")
@blp.arguments(DeploymentIn)
@blp.response(201, DeploymentDetail, description="Recorded")
@blp.alt_response(
    200,
    schema=DeploymentDetail,
    description="Already recorded (or queued) with this id and content; nothing changed. "
    "With dry_run: a DryRun, the commands the engine would run",
)
@blp.alt_response(
    202,
    schema=DeploymentRun,
    description="execute: queued for the environment's engine; follow status_url",
)
@blp.alt_response(400, schema="Error", description="Invalid, or the environment has no engine")
@blp.alt_response(404, schema="Error", description="Unknown environment or version")
@blp.alt_response(409, schema="Error", description="The id is recorded with other content")
def record_deployment(body):
    """Record a deployment that happened, or run one through the environment's engine.

    Recorded: a succeeded deployment moves the environment's inventory to the deployed
    versions; a failed one does not; both stay in the history. A set of component versions
    with an `application` is matched to that application's version with exactly that set,
    or derives a new application version.

    `execute: true` (no status or times): the deployment is queued (202) and a worker runs
    the environment's engine; it goes queued → running → succeeded | failed | cancelled |
    timed_out, and only a succeeded one moves the inventory. One deployment runs per
    environment at a time: a later one waits (`ahead` lists what goes first). With
    `dry_run: true` the answer (200) is the engine's commands, and nothing is written.
    """
    execute, dry_run = body.pop("execute"), body.pop("dry_run")
    if not execute:
        if dry_run:
            raise Invalid("dry_run needs execute", {"dry_run": ["only with execute: true"]})
        deployment, created = deployments.record(graph(), body, actor=actor())
        return deployment, 201 if created else 200
    deployment, created = deployments.enqueue(graph(), body, dry_run=dry_run, actor=actor())
    if dry_run:
        return _json(DryRun().dump(deployment), 200)
    run = DeploymentRun().dump({**deployment, **_urls(deployment["id"])})
    return _json(run, 202 if created else 200)


#: Promotions are a collection of their own: under /deployments, "promote" would read as a
#: deployment id too (GET /deployments/promote).
promotions = Blueprint(
    "promotions",
    __name__,
    url_prefix="/api/v1/promotions",
    description="Promotions: deploy what one environment runs to another",
)


@promotions.route("", methods=["POST"])
@requires("deploy")
@promotions.arguments(PromotionIn)
@promotions.response(202, PromotionRun, description="Queued for the target's engine")
@promotions.alt_response(
    200,
    schema=PromotionRun,
    description="Already queued with this id; with dry_run: a PromotionDryRun",
)
@promotions.alt_response(400, schema="Error")
@promotions.alt_response(404, schema="Error", description="Unknown application or environment")
@promotions.alt_response(
    409,
    schema="Error",
    description="The source has no succeeded deployment of the application that it still "
    "runs (or not of the version given)",
)
def promote(body):
    """Promote: deploy to `to` the version of the application that `from` runs now,
    through `to`'s engine. Refused unless `from`'s latest deployment of the application
    succeeded and `from` still runs every component version of it."""
    dry_run = body.pop("dry_run")
    deployment, created = promotion.promote(
        graph(),
        body["application"],
        body["source"],
        body["target"],
        body["version"],
        dry_run=dry_run,
        deployment_id=body["id"],
        by=body["by"],
        actor=actor(),
    )
    if dry_run:
        return _json(PromotionDryRun().dump(deployment), 200)
    return _json(
        PromotionRun().dump({**deployment, **_urls(deployment["id"])}), 202 if created else 200
    )


def _urls(deployment_id: str) -> dict[str, str]:
    return {
        "status_url": url_for("deployments.get_deployment", deployment_id=deployment_id),
        "log_stream_url": url_for("deployments.get_log", deployment_id=deployment_id),
    }


def _json(body: dict, status: int) -> Response:
    """A body in another shape than the endpoint's main response schema (documented above)."""
    response = jsonify(body)
    response.status_code = status
    return response


@blp.route("/<deployment_id>")
@blp.response(200, DeploymentDetail)
@blp.alt_response(404, schema="Error")
def get_deployment(deployment_id):
    """One deployment: what went where, when, by whom, and how it ended."""
    return deployments.get(graph(), deployment_id)


@blp.route("/<deployment_id>/log")
@blp.arguments(LogArgs, location="query")
@blp.response(200, DeploymentLog)
@blp.alt_response(404, schema="Error")
def get_log(args, deployment_id):
    """The engine's log of a deployment from character `offset` on.

    Stream it by asking again with `offset` = the answer's `next_offset` until `done`.
    Only the last part of a long log is kept (see `start`); secrets are scrubbed.
    """
    return deployments.log(graph(), deployment_id, **args)


@blp.route("/<deployment_id>/cancel", methods=["POST"])
@requires("deploy")
@blp.response(200, DeploymentDetail, description="Queued: cancelled now")
@blp.alt_response(
    202,
    schema=DeploymentDetail,
    description="Running: its worker kills the engine's processes at its next heartbeat",
)
@blp.alt_response(404, schema="Error")
@blp.alt_response(409, schema="Error", description="It has already ended")
def cancel_deployment(deployment_id):
    """Cancel a queued or running deployment; the inventory stays as it was."""
    deployment = deployments.cancel(graph(), deployment_id, actor=actor())
    return deployment, 202 if deployment["status"] == "running" else 200
