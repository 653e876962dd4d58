"""Known vulnerabilities over HTTP: a batch of OSV records in (admin scope), the records
by id or alias, what runs exposed in an environment, what an application version or a
deployment plan would bring, one vulnerability's windows, and VEX statements in (register
scope: set one by one, or a CycloneDX VEX document) and out (CycloneDX VEX)."""

from __future__ import annotations

import json

import marshmallow as ma
from flask import Response, request
from flask_smorest import Blueprint
from marshmallow import fields, validate

from app.api.auth import actor, requires
from app.api.fields import Time
from app.http.context import graph
from app.sbom import vex as cyclonedx_vex
from app.vulns import vex, vulnerabilities

Str = fields.String

blp = Blueprint(
    "vulnerabilities",
    __name__,
    url_prefix="/api/v1",
    description="Known vulnerabilities (OSV) and where they run",
)


def _list(schema) -> fields.List:
    return fields.List(fields.Nested(schema))


class RecordsIn(ma.Schema):
    records = fields.List(
        fields.Dict(),
        required=True,
        validate=validate.Length(1, vulnerabilities.MAX_BATCH),
        metadata={"description": "OSV records (https://ossf.github.io/osv-schema/)"},
    )


class ImportSummary(ma.Schema):
    received = fields.Integer()
    created = fields.Integer()
    updated = fields.Integer(metadata={"description": "Held with an older `modified`"})
    unchanged = fields.Integer(metadata={"description": "Held with this or a later `modified`"})
    withdrawn = fields.Integer(metadata={"description": "Stored withdrawn: they match nothing"})
    affects = fields.Integer(metadata={"description": "AFFECTS edges written to packages"})


class AffectedEntry(ma.Schema):
    ecosystem = Str()
    name = Str()
    ranges = fields.List(fields.Dict(), metadata={"description": "{type, events: [[kind, v]]}"})
    versions = fields.List(Str())


class AffectedPackage(ma.Schema):
    purl = Str()
    range = Str(metadata={"description": "What admitted it, e.g. ECOSYSTEM >=2.13.0 <2.15.0"})
    where = Str(metadata={"description": "Its place in the record, e.g. affected[0].ranges[0]"})
    fixed = Str(allow_none=True)


class VulnerabilityRecord(ma.Schema):
    id = Str()
    aliases = fields.List(Str())
    summary = Str(allow_none=True)
    details = Str(allow_none=True)
    severity_type = Str(allow_none=True, metadata={"description": "CVSS_V4, CVSS_V3 or CVSS_V2"})
    severity_vector = Str(allow_none=True)
    score = fields.Float(allow_none=True, metadata={"description": "CVSS base score"})
    rating = Str(allow_none=True)
    published = Str(allow_none=True)
    modified = Str()
    withdrawn = Str(allow_none=True)
    references = fields.List(Str())
    affected = _list(AffectedEntry)
    packages = _list(AffectedPackage)


class StatementIn(ma.Schema):
    """One VEX statement; checked by the service, which names the field at fault."""

    class Meta:
        unknown = ma.INCLUDE

    vulnerability = Str(
        required=True,
        validate=validate.Length(min=1),
        metadata={"description": "OSV id or alias (CVE, GHSA)"},
    )
    aliases = fields.List(Str(), metadata={"description": "Other names it goes by"})
    component = Str(
        allow_none=True,
        validate=validate.Length(min=1),
        metadata={"description": "Omitted: only `package` says what it is about"},
    )
    version = Str(
        allow_none=True,
        validate=validate.Length(min=1),
        metadata={"description": "Omitted: every version of the component"},
    )
    package = Str(
        allow_none=True,
        validate=validate.Length(min=1),
        metadata={
            "description": "A package purl: the statement holds where it is contained "
            "(in `component` only, when given)"
        },
    )
    environment = Str(allow_none=True, metadata={"description": "Omitted: every environment"})
    status = Str(required=True, validate=validate.OneOf(vex.STATUSES))
    justification = Str(allow_none=True, validate=validate.OneOf(vex.JUSTIFICATIONS))
    detail = Str(allow_none=True, metadata={"description": "Why, in words (impact statement)"})
    at = Str(metadata={"format": "date-time", "description": "When it was said (default: now)"})


class StatementsIn(ma.Schema):
    statements = fields.List(
        fields.Nested(StatementIn), required=True, validate=validate.Length(1, vex.MAX_BATCH)
    )


class VexArgs(ma.Schema):
    environment = Str(
        load_default=None,
        metadata={"description": "The statements hold in this environment only"},
    )


class StatementSummary(ma.Schema):
    received = fields.Integer()
    recorded = fields.Integer()
    unchanged = fields.Integer(metadata={"description": "Already recorded, the same"})


class Statement(ma.Schema):
    vulnerability = Str(metadata={"description": "The name the statement used"})
    component = Str(allow_none=True, metadata={"description": "null: wherever `package` is"})
    version = Str(allow_none=True, metadata={"description": "null: every version"})
    package = Str(allow_none=True, metadata={"description": "purl; null: every package"})
    environment = Str(allow_none=True, metadata={"description": "null: every environment"})
    status = Str()
    justification = Str(allow_none=True)
    detail = Str(allow_none=True)
    at = Time()
    source = Str(metadata={"description": "api, cyclonedx or openvex"})
    actor = Str()
    recorded_at = Time()
    current = fields.Boolean(metadata={"description": "The latest for its subject"})


class StatementsArgs(ma.Schema):
    component = Str(load_default=None)


class StatementHistory(ma.Schema):
    vulnerability = Str()
    component = Str(allow_none=True)
    statements = _list(Statement)


class VulnerabilityDetail(ma.Schema):
    query = Str()
    records = _list(VulnerabilityRecord)
    statements = _list(Statement)


class AllArgs(ma.Schema):
    all = fields.Boolean(
        load_default=False,
        metadata={"description": "Also list what a VEX statement says is not_affected"},
    )


class LimitArgs(AllArgs):
    limit = fields.Integer(
        load_default=vulnerabilities.DEFAULT_LIMIT,
        validate=validate.Range(1, vulnerabilities.MAX_LIMIT),
        metadata={"description": "Most rows listed (the worst first)"},
    )


class ExposureArgs(LimitArgs):
    team = Str(load_default=None, metadata={"description": "Only the components of this team"})


class ApplicationExposureArgs(LimitArgs):
    environment = Str(
        load_default=None,
        metadata={"description": "What it would bring to this environment"},
    )


class PlanArgs(AllArgs):
    environment = Str(required=True)


class AppliedStatement(ma.Schema):
    vulnerability = Str(metadata={"description": "The name the statement used"})
    component = Str(allow_none=True, metadata={"description": "null: wherever `package` is"})
    version = Str(allow_none=True, metadata={"description": "null: every version"})
    package = Str(allow_none=True, metadata={"description": "purl; null: every package"})
    environment = Str(allow_none=True, metadata={"description": "null: every environment"})
    status = Str()
    justification = Str(allow_none=True)
    detail = Str(allow_none=True)
    at = Time()


class Exposure(ma.Schema):
    vulnerability = Str()
    aliases = fields.List(Str())
    summary = Str(allow_none=True)
    score = fields.Float(allow_none=True)
    rating = Str(allow_none=True)
    severity = Str(allow_none=True, metadata={"description": "The CVSS vector"})
    package = Str(metadata={"description": "purl"})
    range = Str()
    fixed = Str(allow_none=True)
    environment = Str(metadata={"description": "Where it runs (a team's exposure)"})
    component = Str()
    version = Str()
    since = Time(
        allow_none=True,
        metadata={"description": "When this version started running there (null: it does not)"},
    )
    team = Str(allow_none=True)
    email = Str(allow_none=True)
    chat = Str(allow_none=True)
    pager = Str(allow_none=True)
    vex = fields.Nested(
        AppliedStatement,
        allow_none=True,
        metadata={"description": "The VEX statement that applies (null: none)"},
    )


class Counted(ma.Schema):
    all = fields.Boolean()
    exposure_count = fields.Integer(metadata={"description": "Rows in all"})
    hidden_count = fields.Integer(
        metadata={"description": "Rows a VEX statement says are not_affected (left out)"}
    )
    truncated = fields.Boolean(metadata={"description": "More rows than `limit`"})
    vulnerability_count = fields.Integer(metadata={"description": "In the rows listed"})
    exposures = _list(Exposure)


class ExposureReport(Counted):
    environment = Str()
    team = Str(allow_none=True)


class TeamExposureReport(Counted):
    team = Str()


class ApplicationExposureReport(Counted):
    application = Str()
    version = Str()
    environment = Str(allow_none=True)


class ComponentExposureReport(Counted):
    component = Str()
    version = Str()


class AffectedHit(ma.Schema):
    purl = Str()
    range = Str()
    fixed = Str(allow_none=True)


class PlanChange(ma.Schema):
    change = Str(metadata={"description": "introduced, fixed or kept"})
    vulnerability = Str()
    aliases = fields.List(Str())
    summary = Str(allow_none=True)
    score = fields.Float(allow_none=True)
    rating = Str(allow_none=True)
    component = Str()
    from_ = Str(
        attribute="from",
        data_key="from",
        allow_none=True,
        metadata={"description": "The version running now (null: none)"},
    )
    to = Str(metadata={"description": "The planned version"})
    packages = _list(AffectedHit)
    team = Str(allow_none=True)
    pager = Str(allow_none=True)
    vex = fields.Nested(AppliedStatement, allow_none=True)


class PlanExposure(ma.Schema):
    application = Str()
    version = Str()
    environment = Str()
    all = fields.Boolean()
    hidden_count = fields.Integer()
    introduced = _list(PlanChange)
    fixed = _list(PlanChange)
    kept = _list(PlanChange)


class WindowsArgs(ma.Schema):
    at = Str(
        load_default=None,
        metadata={"format": "date-time", "description": "Also say what was exposed at this time"},
    )


class Stretch(ma.Schema):
    environment = Str()
    stage = Str(allow_none=True)
    component = Str()
    version = Str()
    from_ = Time(attribute="from", data_key="from")
    until = Time(allow_none=True, metadata={"description": "null: still running"})
    deployment = Str()
    vulnerabilities = fields.List(Str())
    packages = fields.List(Str())
    team = Str(allow_none=True)
    pager = Str(allow_none=True)


class RunningNow(Stretch):
    since = Time(metadata={"description": "Since when that version runs there without a break"})


class Window(ma.Schema):
    from_ = Time(attribute="from", data_key="from")
    until = Time(allow_none=True)


class EnvironmentExposure(ma.Schema):
    environment = Str()
    stage = Str(allow_none=True)
    windows = _list(Window)
    exposed_seconds = fields.Integer(metadata={"description": "Total, open windows up to now"})
    exposed_now = fields.Boolean()


class WindowsReport(ma.Schema):
    query = Str()
    vulnerabilities = fields.List(Str(), metadata={"description": "The OSV records it names"})
    at = Time(allow_none=True)
    environments = _list(EnvironmentExposure)
    running = _list(RunningNow)
    windows = _list(Stretch)
    exposed_at = _list(Stretch)


@blp.route("/vulnerabilities", methods=["POST"])
@requires("admin")
@blp.arguments(RecordsIn)
@blp.response(200, ImportSummary)
@blp.alt_response(400, schema="Error", description="A record is not valid OSV; nothing written")
def import_vulnerabilities(body):
    """Store a batch of OSV records, whole or not at all, and match them with every SBOM
    package: the same record again changes nothing, a newer `modified` replaces it, a
    withdrawn one stops matching."""
    return vulnerabilities.import_records(graph(), body["records"])


@blp.route("/vulnerabilities/<vulnerability>")
@blp.response(200, VulnerabilityDetail)
@blp.alt_response(404, schema="Error")
def get_vulnerability(vulnerability):
    """The OSV records known by an id or alias (a CVE id finds its GHSA records), with the
    packages each affects."""
    return vulnerabilities.show(graph(), vulnerability)


@blp.route("/vulnerabilities/<vulnerability>/windows")
@blp.arguments(WindowsArgs, location="query")
@blp.response(200, WindowsReport)
@blp.alt_response(400, schema="Error")
@blp.alt_response(404, schema="Error")
def vulnerability_windows(args, vulnerability):
    """Exposure windows: every environment that ran an affected version, from when to when
    (from the deployment history), its total exposure, and what was exposed at `at`."""
    return vulnerabilities.windows(graph(), vulnerability, args["at"])


@blp.route("/environments/<environment>/vulnerabilities")
@blp.arguments(ExposureArgs, location="query")
@blp.response(200, ExposureReport)
@blp.alt_response(404, schema="Error")
def environment_exposure(args, environment):
    """Exposure now: the vulnerabilities in what the environment runs, worst first, with
    package, component version, since when, the fixed version, the team to call and the
    VEX statement that applies (not_affected rows only with `all`)."""
    return vulnerabilities.exposure(graph(), environment, args["team"], args["limit"], args["all"])


@blp.route("/teams/<team>/vulnerabilities")
@blp.arguments(LimitArgs, location="query")
@blp.response(200, TeamExposureReport)
@blp.alt_response(404, schema="Error")
def team_exposure(args, team):
    """Exposure now of the team's components in every environment, worst first, each row
    naming its environment (not_affected rows only with `all`)."""
    return vulnerabilities.team_exposure(graph(), team, args["limit"], args["all"])


@blp.route("/applications/<application>/versions/<version>/vulnerabilities")
@blp.arguments(ApplicationExposureArgs, location="query")
@blp.response(200, ApplicationExposureReport)
@blp.alt_response(404, schema="Error")
def application_exposure(args, application, version):
    """The vulnerabilities the application version carries, worst first; with
    `environment`, what it would bring there (that environment's VEX statements apply)."""
    return vulnerabilities.application_exposure(
        graph(), application, version, args["environment"], args["limit"], args["all"]
    )


@blp.route("/components/<component>/versions/<version>/vulnerabilities")
@blp.arguments(LimitArgs, location="query")
@blp.response(200, ComponentExposureReport)
@blp.alt_response(404, schema="Error")
def component_exposure(args, component, version):
    """The vulnerabilities the component version carries, worst first, with the VEX
    statements made for every environment (not_affected rows only with `all`)."""
    return vulnerabilities.component_exposure(
        graph(), component, version, args["limit"], args["all"]
    )


@blp.route("/applications/<application>/versions/<version>/plan/vulnerabilities")
@blp.arguments(PlanArgs, location="query")
@blp.response(200, PlanExposure)
@blp.alt_response(404, schema="Error")
def plan_exposure(args, application, version):
    """What deploying the application version to `environment` would do to its exposure:
    the vulnerabilities each added or changed component introduces, fixes or keeps."""
    return vulnerabilities.plan_exposure(
        graph(), application, version, args["environment"], args["all"]
    )


@blp.route("/applications/<application>/versions/<version>/vex")
@blp.arguments(VexArgs, location="query")
@blp.doc(
    responses={
        "200": {
            "description": "A CycloneDX 1.6 VEX document",
            "content": {
                "application/vnd.cyclonedx+json": {
                    "schema": {"$ref": "#/components/schemas/CycloneDxBom"}
                }
            },
        }
    }
)
@blp.alt_response(404, schema="Error")
def application_vex(args, application, version):
    """The application version's vulnerabilities as CycloneDX 1.6 VEX: one entry per
    vulnerability and component version, with the analysis of the statement that applies
    (those for `environment` too, when given)."""
    document = cyclonedx_vex.application_version_vex(
        graph(), application, version, args["environment"]
    )
    return Response(json.dumps(document, indent=2), mimetype="application/vnd.cyclonedx+json")


@blp.route("/vex/statements", methods=["POST"])
@requires("register")
@blp.arguments(StatementsIn)
@blp.response(200, StatementSummary)
@blp.alt_response(400, schema="Error")
@blp.alt_response(
    404, schema="Error", description="A component, version or environment named is unknown"
)
@blp.alt_response(409, schema="Error", description="A different statement has the same key")
def set_statements(body):
    """Record VEX statements, all or none. A statement is kept under (vulnerability,
    subject, environment, time): the same one again changes nothing, a later one for the
    same subject takes over and the earlier stays in the history."""
    return vex.set_statements(graph(), request.get_json()["statements"], actor())


@blp.route("/vex", methods=["POST"])
@requires("register")
@blp.arguments(VexArgs, location="query")
@blp.doc(
    requestBody={
        "required": True,
        "description": "A CycloneDX 1.4-1.6 JSON document with `vulnerabilities[].analysis`, "
        "or an OpenVEX (v0.2.0) JSON document (told apart by its `@context`)",
        "content": {
            "application/vnd.cyclonedx+json": {
                "schema": {"$ref": "#/components/schemas/CycloneDxBom"}
            },
            "application/json": {
                "schema": {
                    "oneOf": [
                        {"$ref": "#/components/schemas/CycloneDxBom"},
                        {
                            "type": "object",
                            "description": "OpenVEX, https://github.com/openvex/spec",
                            "required": ["@context", "statements"],
                        },
                    ]
                }
            },
        },
    }
)
@blp.response(200, StatementSummary)
@blp.alt_response(400, schema="Error")
@blp.alt_response(404, schema="Error")
@blp.alt_response(409, schema="Error")
def import_vex(args):
    """Record the statements of a VEX document, all or none: a CycloneDX document's
    analyses about the component versions its `affects` refs name, or an OpenVEX
    document's statements about the packages and component versions its product purls
    name. A statement, product or field at fault is a 400 naming it."""
    document = request.get_json(force=True, silent=True)
    return cyclonedx_vex.import_document(graph(), document, args["environment"], actor())


@blp.route("/vulnerabilities/<vulnerability>/statements")
@blp.arguments(StatementsArgs, location="query")
@blp.response(200, StatementHistory)
def vulnerability_statements(args, vulnerability):
    """Every VEX statement about the vulnerability (by any of its names), newest first for
    each subject; `current` marks the one in force."""
    return vex.history(graph(), vulnerability, args["component"])
