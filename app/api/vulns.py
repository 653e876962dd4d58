"""Known vulnerabilities over HTTP: a batch of OSV records in (admin scope), the records
by id or alias, what runs exposed in an environment, and one vulnerability's windows."""

from __future__ import annotations

import marshmallow as ma
from flask_smorest import Blueprint
from marshmallow import fields, validate

from app.api.auth import requires
from app.api.fields import Time
from app.http.context import graph
from app.vulns import vulnerabilities

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


class VulnerabilityDetail(ma.Schema):
    query = Str()
    records = _list(VulnerabilityRecord)


class ExposureArgs(ma.Schema):
    team = Str(load_default=None, metadata={"description": "Only the components of this team"})
    limit = fields.Integer(
        load_default=vulnerabilities.DEFAULT_LIMIT,
        validate=validate.Range(1, vulnerabilities.MAX_LIMIT),
        metadata={"description": "Most rows listed (the worst first)"},
    )


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
    component = Str()
    version = Str()
    since = Time(metadata={"description": "When this version started running there"})
    team = Str(allow_none=True)
    email = Str(allow_none=True)
    chat = Str(allow_none=True)
    pager = Str(allow_none=True)


class ExposureReport(ma.Schema):
    environment = Str()
    team = Str(allow_none=True)
    exposure_count = fields.Integer(metadata={"description": "Rows in all"})
    truncated = fields.Boolean(metadata={"description": "More rows than `limit`"})
    vulnerability_count = fields.Integer(metadata={"description": "In the rows listed"})
    exposures = _list(Exposure)


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
    package, component version, since when, the fixed version and the team to call."""
    return vulnerabilities.exposure(graph(), environment, args["team"], args["limit"])
