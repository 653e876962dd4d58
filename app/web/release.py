"""The pages a release manager keeps open: the version matrix (what runs where, and what
has not reached the next stage) and the deployments, each with its log."""

from __future__ import annotations

from flask import jsonify, render_template, request

from app.core.records import STAGES
from app.deploy import deployments
from app.http.context import graph
from app.reports import matrix
from app.web.blueprint import bp
from app.web.pages import MAX_CHOICES, PAGE, int_arg, utc

#: How often a running deployment's page asks for more of its log, in milliseconds.
LOG_POLL_MS = 1000


@bp.get("/matrix")
def matrix_page():
    return _matrix(request.args.get("application") or None)


@bp.get("/applications/<name>/matrix")
def application_matrix_page(name: str):
    return _matrix(name)


def _matrix(application: str | None):
    g = graph()
    at = request.args.get("at") or None
    found = matrix.matrix(
        g,
        application=application,
        team=request.args.get("team") or None,
        stage=request.args.get("stage") or None,
        at=utc(at),
        offset=int_arg("offset", 0),
        limit=PAGE,
    )
    choices = matrix.choices(g, MAX_CHOICES)
    return render_template(
        "matrix.html",
        matrix=found,
        at=at,
        stages=STAGES,
        application_choices=choices["applications"],
        team_choices=choices["teams"],
        fixed_application=request.view_args.get("name"),
    )


@bp.get("/deployments")
def deployment_list():
    found = deployments.list_deployments(
        graph(),
        environment=request.args.get("environment") or None,
        application=request.args.get("application") or None,
        component=request.args.get("component") or None,
        status=request.args.get("status") or None,
        since=utc(request.args.get("since") or None),
        until=utc(request.args.get("until") or None),
        offset=int_arg("offset", 0),
        limit=PAGE,
    )
    return render_template(
        "deployments.html",
        page=found,
        statuses=deployments.ALL_STATUSES,
        filters={
            key: request.args.get(key, "")
            for key in ("environment", "application", "component", "status", "since", "until")
        },
    )


@bp.get("/deployments/<deployment_id>")
def deployment_page(deployment_id: str):
    g = graph()
    deployment = deployments.get(g, deployment_id)
    return render_template(
        "deployment.html",
        deployment=deployment,
        moves=deployments.moves(g, deployment_id),
        log=deployments.log(g, deployment_id) if deployment["log_size"] else None,
        recorded=deployment["queued_at"] is None,
        poll_ms=LOG_POLL_MS,
    )


@bp.get("/deployments/<deployment_id>/log.json")
def deployment_log(deployment_id: str):
    """The log from `offset` on, for the deployment page to follow a running deployment
    without reloading (the same answer as the API's log, without a token: the web
    catalog is open only while reads are)."""
    return jsonify(deployments.log(graph(), deployment_id, int_arg("offset", 0)))
