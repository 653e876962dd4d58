"""Marshmallow schemas of the reports: their query parameters and the shapes they answer."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from app.api.fields import Answer, PageOut, PagingArgs, Time, Version, rule
from app.core import paging, records, semver
from app.reports import maps, reports
from app.sbom.packages import ALL_VERSIONS, LATEST_OR_DEPLOYED

Str = fields.String
Int = fields.Integer


def _list(schema, **kwargs) -> fields.List:
    return fields.List(fields.Nested(schema), **kwargs)


class Report(ma.Schema):
    """A report's answer: documented field by field, and sent as the service shaped it.

    The services shape reports into exactly these fields (plain JSON values: times are
    text already), so dumping them again through marshmallow only copied them — and cost
    more than the query on a large BOM. `tests/test_report_schemas.py` checks on the demo
    that every report's answer is what its schema's dump would give."""

    def dump(self, obj, *, many=None):
        return obj

    def dump_checked(self, obj):
        """What marshmallow's own dump makes of `obj` (for the test)."""
        return super().dump(obj)


# -- parameters -------------------------------------------------------------------------
class ApplicationPageArgs(ma.Schema):
    """The page of application versions a blast radius lists (all of them are counted)."""

    application_limit = Int(
        load_default=reports.DEFAULT_APPLICATION_LIMIT,
        validate=validate.Range(1, reports.MAX_APPLICATION_LIMIT),
        metadata={"description": "Most application versions listed (by name and version)"},
    )
    application_offset = Int(
        load_default=0,
        validate=validate.Range(0, paging.MAX_OFFSET),
        metadata={"description": "Application versions skipped before the listed ones"},
    )


class BlastRadiusArgs(ApplicationPageArgs):
    version = Version(
        load_default=None,
        metadata={
            "description": "The changed version; consumers whose range excludes it are not "
            "affected. One not registered yet is evaluated as if it were (`hypothetical` "
            "in the answer). Omitted: any change of the component."
        },
    )
    depth = Int(
        load_default=reports.DEFAULT_DEPTH,
        validate=validate.Range(1, reports.MAX_DEPTH),
        metadata={"description": "How many dependency hops to follow"},
    )
    limit = Int(
        load_default=reports.DEFAULT_CONSUMER_LIMIT,
        validate=validate.Range(1, reports.MAX_CONSUMER_LIMIT),
        metadata={"description": "Most consumers listed (nearest first)"},
    )
    offset = Int(
        load_default=0,
        validate=validate.Range(0, paging.MAX_OFFSET),
        metadata={"description": "Consumers skipped before the listed ones (the next page)"},
    )


class VersionDiffArgs(ma.Schema):
    to = Str(required=True, metadata={"description": "The version to compare with"})


class ApplicationDiffArgs(VersionDiffArgs):
    to_application = Str(
        load_default=None,
        metadata={"description": "Compare with a version of another application (default: same)"},
    )


class EnvironmentDiffArgs(ma.Schema):
    # `with` is a Python keyword: the field is read from the query as "with".
    other = Str(
        required=True, data_key="with", metadata={"description": "The environment to compare with"}
    )


class PlanArgs(ma.Schema):
    environment = Str(required=True, metadata={"description": "Where it would be deployed"})


class InventoryArgs(ma.Schema):
    at = Str(
        load_default=None,
        metadata={
            "format": "date-time",
            "description": "A past time (ISO 8601 with time zone); omitted: now",
        },
    )


class WhereArgs(ma.Schema):
    version = Str(load_default=None, metadata={"description": "Only this version"})


class MatrixArgs(PagingArgs):
    application = Str(
        load_default=None, metadata={"description": "Only components of this application"}
    )
    team = Str(load_default=None, metadata={"description": "Only components this team owns"})
    stage = Str(
        load_default=None,
        metadata={"description": "Only environments of this stage (dev, test, staging, prod)"},
    )
    at = Str(
        load_default=None,
        metadata={
            "format": "date-time",
            "description": "A past time (ISO 8601 with time zone), the inventory's rule; "
            "omitted: now",
        },
    )


# -- answers ----------------------------------------------------------------------------
#: A component version in a bill of materials.
BomComponent = records.schema_of(
    "BomComponent",
    records.COMPONENT_VERSION.pick("component", "version"),
    records.COMPONENT.pick("kind", "owner"),
    records.COMPONENT_VERSION.pick("image", "digest", "git_repository", "git_commit", "attributes"),
)


class Requirement(ma.Schema):
    component = Str()
    version = Str()
    range = Str(allow_none=True)


class ExternalDependency(ma.Schema):
    component = Str()
    kind = Str(allow_none=True)
    owner = Str(allow_none=True)
    required_by = _list(Requirement)


class Bringer(ma.Schema):
    component = Str()
    version = Str()
    scope = Str(allow_none=True)


class BomPackage(ma.Schema):
    purl = Str()
    name = Str(allow_none=True)
    version = Str(allow_none=True)
    ecosystem = Str(allow_none=True)
    licenses = fields.List(Str(), allow_none=True)
    brought_by = _list(Bringer)


class ApplicationBom(Report):
    application = Str()
    version = Str()
    created_at = Time(allow_none=True)
    components = _list(BomComponent)
    external_dependencies = _list(ExternalDependency)
    packages = _list(BomPackage)


class DependencyDetail(ma.Schema):
    component = Str()
    range = Str(allow_none=True)
    kind = Str(allow_none=True)
    owner = Str(allow_none=True)


class Package(ma.Schema):
    purl = Str()
    name = Str(allow_none=True)
    version = Str(allow_none=True)
    ecosystem = Str(allow_none=True)
    licenses = fields.List(Str(), allow_none=True)
    scope = Str(allow_none=True)


class ComponentBom(Report, BomComponent):
    dependencies = _list(DependencyDetail)
    packages = _list(Package)


class Consumer(Answer):
    component = Str()
    version = Str()
    distance = Int(metadata={"description": "DependencyDetail hops from the changed component"})
    path = fields.List(Str(), metadata={"description": "One shortest path, changed first"})
    latest = fields.Boolean(metadata={"description": "Is its component's latest version"})


class AffectedApplication(Answer):
    application = Str()
    version = Str()
    latest = fields.Boolean()
    deployed_in = fields.List(Str())


class ComponentAt(Answer):
    component = Str()
    version = Str()


class AffectedEnvironment(Answer):
    """One environment where affected versions run now: how many, and at most 50 of them
    (a component's blast radius: those it lists — the changed version, then the page of
    consumers, nearest first; a package's: the first by component)."""

    environment = Str()
    stage = Str(allow_none=True)
    affected = fields.Integer(metadata={"description": "Affected versions running there"})
    running = _list(ComponentAt)
    truncated = fields.Boolean(metadata={"description": "More run there than are listed"})


class TeamToNotify(Answer):
    team = Str()
    email = Str(allow_none=True)
    chat = Str(allow_none=True)
    pager = Str(allow_none=True)
    owns = fields.List(Str())


class Impact(ma.Schema):
    """What the affected versions reach, as every blast radius answers it."""

    applications = _list(AffectedApplication)
    application_count = Int(metadata={"description": "Affected application versions, all of them"})
    applications_truncated = fields.Boolean(
        metadata={
            "description": "More application versions after the listed ones "
            "(`application_offset` + `application_limit`)"
        }
    )
    environments = _list(AffectedEnvironment)
    teams = _list(TeamToNotify)


class BlastRadius(Report, Answer, Impact):
    component = Str()
    version = Str(allow_none=True)
    hypothetical = fields.Boolean(
        metadata={
            "description": "The version is not registered: the consumers' ranges were tested "
            "against it as if it were"
        }
    )
    depth = Int()
    consumers = _list(Consumer)
    consumer_count = Int()
    truncated = fields.Boolean(
        metadata={"description": "More consumers after the listed ones (`offset` + `limit`)"}
    )


class Change(ma.Schema):
    component = Str()
    from_ = Str(attribute="from", data_key="from")
    to = Str()


class FieldChange(ma.Schema):
    field = Str()
    from_ = Str(attribute="from", data_key="from", allow_none=True)
    to = Str(allow_none=True)


class ComponentChanges(Report):
    component = Str()
    from_ = Str(attribute="from", data_key="from")
    to = Str()
    # Not named `fields`, which marshmallow's Schema uses itself.
    field_changes = fields.List(fields.Nested(FieldChange), attribute="fields", data_key="fields")
    attributes = fields.Dict(
        keys=Str(), values=fields.Dict(), metadata={"description": "added, removed, changed"}
    )
    dependencies = fields.Dict(
        keys=Str(),
        values=fields.List(fields.Raw()),
        metadata={"description": "added, removed, changed"},
    )
    packages = fields.Dict(
        keys=Str(),
        values=fields.List(fields.Raw()),
        allow_none=True,
        metadata={
            "description": "added, removed, upgraded; null when a version has no SBOM "
            "(see packages_unknown)"
        },
    )
    packages_unknown = Str(
        allow_none=True,
        metadata={
            "description": "Why packages is null: which version has no SBOM to compare "
            "(e.g. `1.4.2 has no SBOM`); null when both have one"
        },
    )


class ChangedComponent(Change):
    changes = fields.Nested(ComponentChanges)


class ApplicationVersionRef(ma.Schema):
    application = Str()
    version = Str()


class ApplicationDiff(Report):
    from_ = fields.Nested(ApplicationVersionRef, attribute="from", data_key="from")
    to = fields.Nested(ApplicationVersionRef)
    added = _list(ComponentAt)
    removed = _list(ComponentAt)
    changed = _list(ChangedComponent)
    unchanged = Int()


class EnvironmentDifference(ma.Schema):
    component = Str()
    left = Str()
    right = Str()


class EnvironmentDiff(Report):
    left = Str()
    right = Str()
    only_left = _list(ComponentAt)
    only_right = _list(ComponentAt)
    different = _list(EnvironmentDifference)
    same = Int()


class DeploymentPlan(Report):
    application = Str()
    version = Str()
    environment = Str()
    add = _list(ComponentAt)
    change = _list(Change)
    unchanged = _list(ComponentAt)
    untouched = _list(
        ComponentAt, metadata={"description": "RunningComponent there, not in the application"}
    )


#: A component version running in an environment, since when and by which deployment.
RunningComponent = records.schema_of(
    "RunningComponent",
    records.COMPONENT_VERSION.pick("component", "version"),
    records.COMPONENT.pick("kind", "owner"),
    records.COMPONENT_VERSION.pick("image", "digest"),
    since=Time(
        required=True,
        metadata={"description": "Since when this version has run there without interruption"},
    ),
    deployment=Str(
        required=True, allow_none=True, metadata={"description": "The deployment that started it"}
    ),
    last_deployed_at=Time(
        required=True, metadata={"description": "When a deployment last touched it"}
    ),
    last_deployment=Str(
        required=True,
        allow_none=True,
        metadata={"description": "The latest deployment that touched it"},
    ),
)


class InventoryReport(Report, Answer):
    class Meta:
        optional = ("at",)  # only when asked for a past time

    environment = Str()
    stage = Str(allow_none=True)
    at = Time(allow_none=True)
    running = _list(RunningComponent)


class Period(ma.Schema):
    version = Str()
    from_ = Time(attribute="from", data_key="from")
    until = Time(allow_none=True)
    deployment = Str()


class Place(ma.Schema):
    environment = Str()
    stage = Str(allow_none=True)
    running_now = Str(allow_none=True)
    history = _list(Period)


class Whereabouts(Report):
    component = Str()
    environments = _list(Place)


# -- maps -------------------------------------------------------------------------------
class MapArgs(ma.Schema):
    format = Str(
        load_default="json",
        validate=validate.OneOf(maps.FORMATS),
        metadata={
            "description": "json (nodes and edges), dot (Graphviz), mermaid, or svg (drawn by "
            "Graphviz where it is installed)"
        },
    )


class ComponentMapArgs(MapArgs):
    depth = Int(
        load_default=2,
        validate=validate.Range(1, maps.MAX_MAP_DEPTH),
        metadata={"description": "Hops to follow each way"},
    )


class BlastRadiusMapArgs(MapArgs):
    version = Version(
        load_default=None,
        metadata={"description": "The changed version (one not registered: hypothetical)"},
    )
    depth = Int(load_default=reports.DEFAULT_DEPTH, validate=validate.Range(1, reports.MAX_DEPTH))


class MapNode(ma.Schema):
    id = Str()
    label = Str()
    kind = Str(allow_none=True)
    owner = Str(allow_none=True)
    member = fields.Boolean(metadata={"description": "Part of what the map is about"})
    highlight = fields.Boolean()
    distance = Int(
        allow_none=True, metadata={"description": "Hops from the change (blast radius maps)"}
    )
    environments = fields.List(
        Str(), metadata={"description": "Where it runs now (blast radius maps)"}
    )


class MapEdge(ma.Schema):
    source = Str(metadata={"description": "The node that depends (or runs)"})
    target = Str(metadata={"description": "The node depended on (or run)"})
    range = Str(allow_none=True, metadata={"description": "Version range, or what runs"})
    highlight = fields.Boolean(metadata={"description": "On a path from the change"})


class GraphMap(Report):
    title = Str()
    nodes = _list(MapNode)
    edges = _list(MapEdge)


# -- SBOMs and packages -----------------------------------------------------------------
class SbomArgs(ma.Schema):
    replace = fields.Boolean(
        load_default=False,
        metadata={"description": "Replace the SBOM the version already has (otherwise 409)"},
    )


class SbomSummary(ma.Schema):
    component = Str()
    version = Str()
    digest = Str(allow_none=True, metadata={"description": "sha256 of the SBOM's content"})
    format = Str(allow_none=True, metadata={"description": "CycloneDX or SPDX"})
    spec_version = Str(allow_none=True)
    attached_at = Time(allow_none=True)
    attached_by = Str(allow_none=True, metadata={"description": "The token that attached it"})
    packages = Int(metadata={"description": "Packages the version contains"})


class PackageBlastRadiusArgs(ApplicationPageArgs):
    purl = Str(load_default=None, metadata={"description": "One package, by purl"})
    name = Str(load_default=None, metadata={"description": "Packages by name, e.g. log4j-core"})
    range = Str(
        load_default=None,
        validate=rule(semver.range_problem),
        metadata={"description": "With name: their versions in this range, e.g. <2.17.1"},
    )
    ecosystem = Str(load_default=None, metadata={"description": "With name: e.g. maven, pypi"})
    limit = Int(
        load_default=reports.DEFAULT_CONSUMER_LIMIT,
        validate=validate.Range(1, reports.MAX_CONSUMER_LIMIT),
        metadata={"description": "Most component versions listed"},
    )
    offset = Int(
        load_default=0,
        validate=validate.Range(0, paging.MAX_OFFSET),
        metadata={"description": "Component versions skipped before the listed ones"},
    )
    all_versions = fields.Boolean(
        load_default=False,
        metadata={
            "description": "List every application version that includes an affected "
            "component version (which releases ever shipped it), not only each "
            "application's latest and those deployed now"
        },
    )


class PackageHolder(ma.Schema):
    package = Str(metadata={"description": "The package asked about"})
    component = Str()
    version = Str()
    via = Str(
        metadata={
            "description": "The package the version's SBOM lists (itself, or one depending on it)"
        }
    )
    scope = Str(allow_none=True)
    hops = Int(metadata={"description": "Package dependencies between via and package"})


class PackageQuery(ma.Schema):
    """The question as asked: a purl, or a name with a range and an ecosystem."""

    purl = Str(required=True, allow_none=True)
    name = Str(required=True, allow_none=True)
    range = Str(required=True, allow_none=True)
    ecosystem = Str(required=True, allow_none=True)
    all_versions = fields.Boolean(required=True)


class PackageBlastRadius(Report, Impact):
    query = fields.Nested(PackageQuery)
    packages = fields.List(Str(), metadata={"description": "The purls that matched"})
    applications_rule = Str(
        validate=validate.OneOf([LATEST_OR_DEPLOYED, ALL_VERSIONS]),
        metadata={
            "description": "Which application versions are listed: latest_or_deployed "
            "(each application's latest version and those deployed now) or all_versions "
            "(every version that includes an affected component version, asked with "
            "all_versions=true)"
        },
    )
    component_versions = _list(PackageHolder)
    component_version_count = Int(metadata={"description": "All of them, listed or not"})
    truncated = fields.Boolean(
        metadata={
            "description": "More component versions after the listed ones (`offset` + `limit`)"
        }
    )


# -- the version matrix -----------------------------------------------------------------
class MatrixEnvironment(Answer):
    name = Str()
    stage = Str(allow_none=True)


class Drift(Answer):
    next = fields.Boolean(
        metadata={"description": "Differs from the next stage's environments shown"}
    )
    prod = fields.Boolean(metadata={"description": "Differs from production's"})
    newer_than_prod = fields.Boolean(metadata={"description": "Newer than production's"})


class MatrixCell(Answer):
    environment = Str()
    version = Str()
    since = Time(metadata={"description": "Since when this version has run there"})
    deployment = Str(allow_none=True, metadata={"description": "The deployment that put it there"})
    drift = fields.Nested(Drift)


class MatrixRow(Answer):
    component = Str()
    kind = Str(allow_none=True)
    owner = Str(allow_none=True)
    cells = fields.List(
        fields.Nested(MatrixCell, allow_none=True),
        metadata={"description": "One per environment, in their order; null where it does not run"},
    )


class MatrixFilters(Answer):
    application = Str(allow_none=True)
    team = Str(allow_none=True)
    stage = Str(allow_none=True)


class Matrix(Report, PageOut):
    at = Time(allow_none=True, metadata={"description": "The time asked for; null: now"})
    filters = fields.Nested(MatrixFilters)
    environments = _list(MatrixEnvironment)
    components = _list(MatrixRow, metadata={"description": "One page of components, by name"})
