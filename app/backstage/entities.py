"""Mercator's catalog as Backstage entities, and Backstage descriptor files into the catalog.

Export: each team is a `Group`, each application a `System`, each component a `Component`
(its kind as `spec.type`, its owner, the first application whose latest version includes it
as `spec.system`, what its latest version depends on — else what it declares — as
`spec.dependsOn`), with annotations naming the Mercator record, the latest version and where
it runs now, and a link to its page.
Backstage names are at most 63 characters of letters and digits separated by single `-`,
`_` or `.`; a Mercator name that is not one is shortened to one (`mercator.dev/name` keeps
it), and references use the shortened name.

Import (descriptor files on disk or at http(s) URLs, `Location` targets followed either way):
`Group` → team (`spec.profile.email`, chat and pager from annotations), `System` →
application (owner), `Component` → component (`spec.type` → kind, description, owner,
lifecycle, `spec.system` → membership of that application), `Resource` → a component of kind
database or infrastructure. `spec.dependsOn` (components and resources) and the providers of
the APIs in `consumesApis` become the component's declared dependencies: Backstage has no
versions, so they are kept on the component, and its next version registered without
dependencies of its own gets them (`app.catalog.registration`). Each entity is checked
here, in Python, by Backstage's rules for the fields Mercator reads; an invalid one is named
with its file and line and left out, the rest go in. The write is the catalog import
(`app.transfer.importer`): a second import of the same files changes nothing.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

import requests
import yaml

from app.catalog import applications
from app.core import naming
from app.errors import Invalid
from app.graph import Graph
from app.transfer import format as transfer_format
from app.transfer import importer

API_VERSION = "backstage.io/v1alpha1"
API_VERSIONS = ("backstage.io/v1alpha1", "backstage.io/v1beta1")
ANNOTATION = "mercator.dev"
NAME_MAX = 63
#: Backstage's rule for names (metadata.name, and the name part of a reference).
_NAME = re.compile(r"^([A-Za-z0-9][-_.]?)*[A-Za-z0-9]$")
#: Backstage's rule for annotation keys: an optional DNS prefix, a slash, a name.
_ANNOTATION_KEY = re.compile(r"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?"
                             r"[A-Za-z0-9]([-_.A-Za-z0-9]*[A-Za-z0-9])?$")  # fmt: skip

#: Component spec.type → Mercator kind (any other type reads as a service).
COMPONENT_KINDS = {
    "service": "service",
    "website": "service",
    "library": "library",
    "database": "database",
    "job": "job",
    "cronjob": "job",
    "binary": "binary",
    "config": "config",
    "infrastructure": "infrastructure",
}
#: Annotations an imported team's chat and pager are read from, first found wins.
CHAT_ANNOTATIONS = (f"{ANNOTATION}/chat", "slack.com/channel", "slack.com/channel-id")
PAGER_ANNOTATIONS = (f"{ANNOTATION}/pager", "pagerduty.com/service-id", "opsgenie.com/team")


# -- export -------------------------------------------------------------------------------
def backstage_name(name: str) -> str:
    """A Mercator name as a valid Backstage name (the same when it already is one)."""
    if len(name) <= NAME_MAX and _NAME.fullmatch(name):
        return name
    squeezed = re.sub(r"[-_.]{2,}", lambda m: m.group(0)[0], name)[:NAME_MAX]
    return squeezed.strip("-_.") or "unnamed"


def export_entities(graph: Graph, base_url: str) -> list[dict[str, Any]]:
    """Every team, application and component as Backstage entities; `base_url` is where
    Mercator's web pages are (links and annotations point there)."""
    base = base_url.rstrip("/")
    entities = [_group(row["props"], base) for row in graph.read("backstage/teams")]
    entities += [_system(row, base) for row in graph.read("backstage/applications")]
    entities += [_component(row, base) for row in graph.read("backstage/components")]
    return entities


def _metadata(name: str, description: str | None, page: str, annotations: dict) -> dict:
    metadata: dict[str, Any] = {
        "name": backstage_name(name),
        "annotations": {f"{ANNOTATION}/name": name, **annotations},
        "links": [{"url": page, "title": "Mercator"}],
    }
    if description:
        metadata["description"] = description
    return metadata


def _owner(team: str | None) -> str:
    return f"group:default/{backstage_name(team)}" if team else "group:default/unowned"


def _group(props: dict[str, Any], base: str) -> dict[str, Any]:
    annotations = {f"{ANNOTATION}/{key}": props[key] for key in ("chat", "pager") if props.get(key)}
    spec: dict[str, Any] = {"type": "team", "children": []}
    if props.get("email"):
        spec["profile"] = {"email": props["email"]}
    page = f"{base}/teams/{props['name']}"
    return _entity("Group", _metadata(props["name"], None, page, annotations), spec)


def _system(row: dict[str, Any], base: str) -> dict[str, Any]:
    props = row["props"]
    annotations = {}
    if props.get("latest_version"):
        annotations[f"{ANNOTATION}/latest-version"] = props["latest_version"]
    page = f"{base}/applications/{props['name']}"
    metadata = _metadata(props["name"], props.get("description"), page, annotations)
    return _entity("System", metadata, {"owner": _owner(row["owner"])})


def _component(row: dict[str, Any], base: str) -> dict[str, Any]:
    props = row["props"]
    annotations = {}
    if props.get("latest_version"):
        annotations[f"{ANNOTATION}/latest-version"] = props["latest_version"]
    if row["running"]:
        annotations[f"{ANNOTATION}/running"] = ", ".join(
            f"{r['environment']}={r['version']}" for r in row["running"]
        )
    if props.get("repository_url"):
        annotations[f"{ANNOTATION}/repository-url"] = props["repository_url"]
    page = f"{base}/components/{props['name']}"
    spec: dict[str, Any] = {
        "type": props.get("kind") or "service",
        "lifecycle": props.get("lifecycle") or "production",
        "owner": _owner(row["owner"]),
    }
    systems = row["systems"] or ([props["system"]] if props.get("system") else [])
    if systems:
        spec["system"] = f"system:default/{backstage_name(systems[0])}"
    # What the latest version depends on; until a version says, what the component declares.
    depends_on = row["depends_on"] or row["declared"]
    if depends_on:
        spec["dependsOn"] = [f"component:default/{backstage_name(d)}" for d in depends_on]
    metadata = _metadata(props["name"], props.get("description"), page, annotations)
    return _entity("Component", metadata, spec)


def _entity(kind: str, metadata: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any]:
    return {"apiVersion": API_VERSION, "kind": kind, "metadata": metadata, "spec": spec}


# -- import -------------------------------------------------------------------------------
@dataclass
class Found:
    """What descriptor files hold: the entities Mercator reads, and what it refused."""

    teams: dict[str, dict[str, Any]] = field(default_factory=dict)
    applications: dict[str, dict[str, Any]] = field(default_factory=dict)
    components: dict[str, dict[str, Any]] = field(default_factory=dict)
    details: dict[str, dict[str, Any]] = field(default_factory=dict)  # lifecycle, system, ...
    #: component → [(kind, name) of spec.dependsOn], its provided and consumed APIs
    depends_on: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    provides: dict[str, list[str]] = field(default_factory=dict)  # API → its providers
    consumes: dict[str, list[str]] = field(default_factory=dict)  # component → APIs
    refused: list[str] = field(default_factory=list)  # "file:line: Kind name: why"
    skipped: list[str] = field(default_factory=list)  # entities Mercator has no record for


#: Seconds one fetch of a URL may take, and the largest descriptor file fetched.
FETCH_TIMEOUT = 10.0
FETCH_MAX_BYTES = 10 * 1024 * 1024
#: Descriptor files one import reads at most: Locations may point at each other at length.
FILES_MAX = 5000
#: A descriptor file: a path on disk, or an http(s) URL.
Source = Path | str


def is_url(text: object) -> bool:
    return isinstance(text, str) and text.startswith(("http://", "https://"))


def raw_url(url: str) -> str:
    """Where a file a URL names can be read as it is: a GitHub or GitLab page of a file in a
    repository (`…/blob/<ref>/<path>`, what Backstage users paste as a `url` location)
    becomes its raw download; any other URL is itself."""
    parts = urlsplit(url)
    segments = parts.path.split("/")
    if parts.netloc == "github.com" and len(segments) > 4 and segments[3] == "blob":
        path = "/".join(segments[:3] + segments[4:])
        return urlunsplit(("https", "raw.githubusercontent.com", path, "", ""))
    if "/-/blob/" in parts.path:
        return urlunsplit(parts._replace(path=parts.path.replace("/-/blob/", "/-/raw/", 1)))
    return url


def read_files(sources: list[Source]) -> Found:
    """The entities of the descriptor files (several YAML documents each), each a path or
    an http(s) URL. A `Location`'s targets are followed: a relative one from where its file
    is (on disk, or on the same server), a URL by fetching it. A file on disk that is no
    YAML is Invalid; a URL that cannot be fetched or read is named in `refused` and the
    rest go in (its server may be away for a moment; the next import reads it)."""
    found, seen = Found(), set()
    queue: list[Source] = [s if is_url(s) else Path(s) for s in sources]
    with requests.Session() as http:
        while queue:
            source = queue.pop(0)
            source = source if isinstance(source, str) else source.resolve()
            if source in seen:
                continue
            if len(seen) >= FILES_MAX:
                found.refused.append(f"{source}: not read: an import reads {FILES_MAX} files")
                continue
            seen.add(source)
            try:
                documents = _documents(_fetch(http, source) if isinstance(source, str)
                                       else _read(source), source)  # fmt: skip
            except Invalid as error:
                if isinstance(source, Path):
                    raise
                found.refused.append(f"{source}: {error.message}")
                continue
            for line, entity in documents:
                where = f"{source}:{line}"
                problem = entity_problem(entity)
                if problem:
                    found.refused.append(f"{where}: {problem}")
                    continue
                if entity["kind"] == "Location":
                    for target in _location_targets(entity):
                        followed = _target(source, target)
                        if followed is None:
                            found.refused.append(
                                f"{where}: Location target {target!r}: only http(s) URLs and "
                                "relative paths are followed"
                            )
                        else:
                            queue.append(followed)
                    continue
                _take(found, entity, where)
    return found


def _target(source: Source, target: str) -> Source | None:
    """Where a Location's target is, read from `source`; None for a kind of target not
    followed (another URL scheme)."""
    if is_url(target):
        return raw_url(target)
    if "://" in target:
        return None
    if isinstance(source, str):
        return urljoin(source, target)
    return source.parent / target


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise Invalid(f"{path} cannot be read: {error}", {"path": [str(path)]}) from None


def _fetch(http: requests.Session, url: str) -> str:
    """The text at `url`; Invalid saying why when there is none to read."""
    try:
        with http.get(url, timeout=FETCH_TIMEOUT, stream=True) as answer:
            if answer.status_code != 200:
                raise Invalid(f"cannot be fetched: HTTP {answer.status_code}", {"url": [url]})
            body = answer.raw.read(FETCH_MAX_BYTES + 1, decode_content=True)
    except requests.RequestException as error:
        raise Invalid(f"cannot be fetched: {type(error).__name__}", {"url": [url]}) from None
    if len(body) > FETCH_MAX_BYTES:
        raise Invalid(f"is larger than {FETCH_MAX_BYTES} bytes", {"url": [url]})
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise Invalid("is not UTF-8 text", {"url": [url]}) from None


def _documents(text: str, source: Source) -> list[tuple[int, Any]]:
    try:
        nodes = list(yaml.compose_all(text, Loader=yaml.SafeLoader))
    except yaml.YAMLError as error:
        raise Invalid(
            f"{source} cannot be read as YAML: {error}", {"path": [str(source)]}
        ) from None
    loader = yaml.SafeLoader("")
    documents = []
    for node in nodes:
        if node is None:
            continue
        documents.append((node.start_mark.line + 1, loader.construct_document(node)))
    return documents


def _location_targets(entity: dict[str, Any]) -> list[str]:
    spec = entity.get("spec") or {}
    targets = list(spec.get("targets") or []) + ([spec["target"]] if spec.get("target") else [])
    return [t for t in targets if isinstance(t, str)]


def entity_problem(entity: Any) -> str | None:
    """Why Backstage's rules refuse the entity (for what Mercator reads), or None."""
    if not isinstance(entity, dict):
        return "an entity is a mapping"
    kind = entity.get("kind")
    label = f"{kind} {(entity.get('metadata') or {}).get('name')!r}" if kind else "entity"
    for problem in _envelope_problems(entity) or _spec_problems(kind, entity.get("spec")):
        return f"{label}: {problem}"
    return None


def _envelope_problems(entity: dict[str, Any]) -> list[str]:
    problems = []
    if not isinstance(entity.get("apiVersion"), str) or "/" not in entity["apiVersion"]:
        problems.append("apiVersion must be a group/version, e.g. backstage.io/v1alpha1")
    if not isinstance(entity.get("kind"), str) or not entity["kind"]:
        problems.append("kind must be a non-empty string")
    unknown = sorted(
        set(entity) - {"apiVersion", "kind", "metadata", "spec", "relations", "status"}
    )
    if unknown:
        problems.append(f"unknown root fields {', '.join(unknown)}")
    metadata = entity.get("metadata")
    if not isinstance(metadata, dict):
        return problems + ["metadata must be a mapping"]
    name = metadata.get("name")
    if not isinstance(name, str) or len(name) > NAME_MAX or not _NAME.fullmatch(name):
        problems.append(
            f"metadata.name {name!r} must be letters and digits separated by single - _ or ., "
            f"at most {NAME_MAX} characters"
        )
    namespace = metadata.get("namespace", "default")
    if not isinstance(namespace, str) or not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", namespace):
        problems.append(f"metadata.namespace {namespace!r} must be lowercase letters, digits, -")
    annotations = metadata.get("annotations", {})
    if not isinstance(annotations, dict):
        problems.append("metadata.annotations must be a mapping")
    else:
        for key, value in annotations.items():
            if not isinstance(key, str) or not _ANNOTATION_KEY.fullmatch(key):
                problems.append(f"metadata.annotations key {key!r} is not valid")
            elif not isinstance(value, str):
                problems.append(f"metadata.annotations.{key} must be a string")
    if "description" in metadata and not isinstance(metadata["description"], str):
        problems.append("metadata.description must be a string")
    return problems


#: Per kind Mercator reads: the spec fields Backstage requires to be non-empty strings.
_REQUIRED = {
    "Component": ("type", "lifecycle", "owner"),
    "System": ("owner",),
    "Group": ("type",),
    "Resource": ("type", "owner"),
    "API": ("type", "lifecycle", "owner", "definition"),
    "Location": (),
}


#: Per kind: the spec fields Backstage requires, when given, to be lists of references.
_REFERENCE_LISTS = {
    "Component": ("dependsOn", "providesApis", "consumesApis"),
    "Resource": ("dependsOn",),
}


def _spec_problems(kind: str, spec: Any) -> list[str]:
    if kind not in _REQUIRED:
        return []
    if not isinstance(spec, dict):
        return ["spec must be a mapping"]
    problems = [
        f"spec.{name} must be a non-empty string"
        for name in _REQUIRED[kind]
        if not isinstance(spec.get(name), str) or not spec[name]
    ]
    if kind == "Group" and not isinstance(spec.get("children"), list):
        problems.append("spec.children must be a list")
    for name in ("system", "subcomponentOf"):
        if name in spec and (not isinstance(spec[name], str) or not spec[name]):
            problems.append(f"spec.{name} must be a non-empty string")
    for name in _REFERENCE_LISTS.get(kind, ()):
        value = spec.get(name, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            problems.append(f"spec.{name} must be a list of non-empty strings")
    return problems


def _ref_name(ref: str, default_kind: str) -> tuple[str, str]:
    """(kind, name) of an entity reference: `group:default/payments`, `payments`."""
    kind, _, rest = ref.rpartition(":") if ":" in ref else (default_kind, "", ref)
    return (kind or default_kind).lower(), rest.rpartition("/")[2]


def _take(found: Found, entity: dict[str, Any], where: str) -> None:
    metadata, spec, kind = entity["metadata"], entity.get("spec") or {}, entity["kind"]
    name, annotations = metadata["name"], metadata.get("annotations") or {}
    owner = None
    if isinstance(spec.get("owner"), str):
        owner_kind, owner_name = _ref_name(spec["owner"], "group")
        owner = owner_name if owner_kind == "group" else None
    if kind == "Group":
        profile = spec.get("profile") or {}
        found.teams[name] = {
            "name": name,
            "email": profile.get("email"),
            "chat": next((annotations[a] for a in CHAT_ANNOTATIONS if a in annotations), None),
            "pager": next((annotations[a] for a in PAGER_ANNOTATIONS if a in annotations), None),
        }
    elif kind == "System":
        found.applications[name] = {
            "name": name,
            "owner": owner,
            "description": metadata.get("description"),
        }
    elif kind in ("Component", "Resource"):
        if kind == "Component":
            component_kind = COMPONENT_KINDS.get(spec["type"], "service")
        else:
            component_kind = "database" if spec["type"] == "database" else "infrastructure"
        found.components[name] = {
            "name": name,
            "kind": component_kind,
            "owner": owner,
            "description": metadata.get("description"),
        }
        system = _ref_name(spec["system"], "system")[1] if spec.get("system") else None
        found.details[name] = {
            "name": name,
            "lifecycle": spec.get("lifecycle"),
            "system": system,
            "annotations": json.dumps(annotations, sort_keys=True),
        }
        found.depends_on[name] = [_ref_name(r, "component") for r in spec.get("dependsOn") or []]
        for api in spec.get("providesApis") or []:
            found.provides.setdefault(_ref_name(api, "api")[1], []).append(name)
        found.consumes[name] = [_ref_name(api, "api")[1] for api in spec.get("consumesApis") or []]
    else:
        found.skipped.append(f"{where}: {kind} {name!r} (Mercator keeps no {kind})")


def import_files(graph: Graph, paths: list[Source]) -> dict[str, Any]:
    """Import the descriptor files (see the module docstring). Returns the counts written,
    the entities refused (file:line and why), those skipped, the components that joined their
    system's application and those waiting for a first version to join it."""
    found = read_files(paths)
    teams = dict(found.teams)
    for record in (*found.applications.values(), *found.components.values()):
        if record["owner"] and record["owner"] not in teams:
            teams[record["owner"]] = {"name": record["owner"]}  # owners exist before they own
    for system in {d["system"] for d in found.details.values() if d["system"]}:
        found.applications.setdefault(system, {"name": system})
    document = {
        "format": transfer_format.FORMAT,
        "format_version": transfer_format.FORMAT_VERSION,
        "teams": sorted(teams.values(), key=lambda r: r["name"]),
        "components": sorted(found.components.values(), key=lambda r: r["name"]),
        "applications": sorted(found.applications.values(), key=lambda r: r["name"]),
    }
    counts = importer.import_catalog(graph, document)
    graph.write("backstage/describe_components", rows=sorted(found.details.values(), key=str))
    declared, unresolved = declared_dependencies(found)
    graph.write(
        "backstage/declare_dependencies",
        rows=[
            {"name": name, "dependencies": [{"component": d, "via": via} for d, via in deps]}
            for name, deps in sorted(declared.items())
        ],
    )
    joined, waiting = _join_systems(graph, found)
    return {
        "written": {k: counts[k] for k in ("teams", "components", "applications")},
        "declared": [
            f"{name} → {d} ({', '.join(via)})"
            for name, deps in sorted(declared.items())
            for d, via in deps
        ],
        "unresolved": unresolved,
        "joined": joined,
        "waiting": waiting,
        "refused": found.refused,
        "skipped": found.skipped,
    }


def declared_dependencies(
    found: Found,
) -> tuple[dict[str, list[tuple[str, list[str]]]], list[str]]:
    """Each component's declared dependencies — its `dependsOn` components and resources,
    and the providers of the APIs it consumes — as [(component, [how declared])], sorted;
    and what could not become one (another kind, an API nobody provides, a name Mercator
    cannot hold)."""
    declared: dict[str, list[tuple[str, list[str]]]] = {}
    unresolved: list[str] = []
    for name in sorted(found.depends_on):
        via: dict[str, list[str]] = {}
        for kind, target in found.depends_on[name]:
            if kind not in ("component", "resource"):
                unresolved.append(f"{name} depends on {kind}:{target}, which is no component")
                continue
            via.setdefault(target, []).append("dependsOn")
        for api in found.consumes.get(name, []):
            providers = found.provides.get(api, [])
            if not providers:
                unresolved.append(f"{name} consumes API {api}, which no component provides")
            for provider in providers:
                via.setdefault(provider, []).append(f"api:{api}")
        for target in sorted(via):
            problem = naming.name_problem(target)
            if target == name:
                continue  # providing what it consumes is no dependency
            if problem:
                unresolved.append(f"{name} depends on {target!r}, which {problem}")
                continue
            declared.setdefault(name, []).append((target, sorted(set(via[target]))))
        declared.setdefault(name, [])
    return declared, unresolved


def _join_systems(graph: Graph, found: Found) -> tuple[list[str], list[str]]:
    """Components with a version join their system's application (its latest version is
    added, unless the application holds a version of the component already); those without
    one wait: a registration naming the application (`applications: [shop]`) adds them."""
    joined, waiting = [], []
    wanted = {name: d["system"] for name, d in found.details.items() if d["system"]}
    if not wanted:
        return joined, waiting
    rows = graph.read("backstage/components")
    latest = {row["props"]["name"]: row["props"].get("latest_version") for row in rows}
    members = {row["props"]["name"]: set(row["systems"]) for row in rows}
    for component, system in sorted(wanted.items()):
        if system in members.get(component, set()):
            continue
        if latest.get(component) is None:
            waiting.append(f"{component} → {system}")
            continue
        applications.add_component(graph, system, component, latest[component])
        joined.append(f"{component} {latest[component]} → {system}")
    return joined, waiting
