"""Reading an uploaded SBOM: its packages, keyed by purl, and the dependencies between them.

Two formats are read, both as JSON: CycloneDX 1.4, 1.5 and 1.6, and SPDX 2.3. Whatever the
format, the result is one `Sbom`: packages sorted by canonical purl, one per purl, and the
dependency edges between them as purl pairs, plus a digest of that content so the same SBOM
attached twice is recognised whatever its key order or whitespace. Nothing here touches
Neo4j, Flask or click; anything that cannot be read is an `Invalid` naming the place.

Choices, and why:

- **Purls** are canonicalised by `packageurl-python` (type lower-cased, qualifiers sorted,
  percent-encoding normalised), so `pkg:PyPI/Flask@3.1.3` and `pkg:pypi/flask@3.1.3` are one
  package.
- **CycloneDX** documents are checked against the official JSON schema of their
  `specVersion`, the files `cyclonedx-python-lib` ships (no network: the schema's two
  references, to the SPDX licence list and JSF, resolve to files of the same package and any
  other reference is refused). The library's own `JsonStrictValidator` does work offline, but
  it runs the schema through `jsonschema`, whose `iri-reference` format check (an Earley
  parser) and quadratic `uniqueItems` make it take 5 s for a 330-package environment and
  about two minutes for 10,000 packages; the same schema compiled by `fastjsonschema`
  (format checks off: they are annotations in draft 7) takes about 0.6 s for 10,000 (the
  compilation, 0.6 s, is done once per specVersion and process). A whole parse measured
  0.9 s for 10,000 packages and 9.6 s for 100,000. The components are then walked here
  (the library's object model would cost more than it brings: only purl, name, version,
  licences, hashes and scope are kept).
- **SPDX** is read by the small strict reader below rather than `spdx-tools`: the library's
  document validation took 22 s for 10,000 packages (its parser alone is lenient about what
  it does not model), and it brings `rdflib` and friends for formats not accepted here. The
  reader checks the document's mandatory fields and the type of every field it reads.

Dependencies are kept only between packages: edges from or to the thing the SBOM describes
(CycloneDX `metadata.component`, services, SPDX files) are dropped, as are self-edges once
refs are translated to purls; cycles are kept. A package's name is the one the SBOM
declares (CycloneDX `name` without `group`, SPDX `name`), its version the purl's, else the
declared one. Duplicates of one purl are merged: licences and hashes are united, the smallest
name and version are kept, and the scope is the strongest one given (`required` >
`optional` > `excluded`; `None` only when none is given).
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from packageurl import PackageURL

from app.errors import Invalid

MAX_BYTES = 50 * 1024 * 1024
MAX_PACKAGES = 100_000
#: Longest purl and package name taken (characters): both are indexed, and Neo4j refuses
#: to index a string beyond about 8 KB; real ones are a few hundred characters at most.
MAX_KEY_LENGTH = 2048

CYCLONEDX = "CycloneDX"
SPDX = "SPDX"
CYCLONEDX_VERSIONS = ("1.4", "1.5", "1.6")
SPDX_VERSIONS = ("SPDX-2.3",)

NOT_AN_SBOM = "not a CycloneDX 1.4–1.6 or SPDX 2.3 JSON document"

# Media type -> the format it announces (None: either).
CONTENT_TYPES: dict[str, str | None] = {
    "application/json": None,
    "application/vnd.cyclonedx+json": CYCLONEDX,
    "application/spdx+json": SPDX,
}

MAX_PROBLEMS = 100  # problems named in one Invalid's details

_SCOPE_RANK = {None: 0, "excluded": 1, "optional": 2, "required": 3}

# SPDX checksum algorithms under the names CycloneDX gives them, so one package hashed in
# either format compares equal.
_SPDX_ALGORITHMS = {
    "SHA1": "SHA-1",
    "SHA224": "SHA-224",
    "SHA256": "SHA-256",
    "SHA384": "SHA-384",
    "SHA512": "SHA-512",
    "SHA3_256": "SHA3-256",
    "SHA3_384": "SHA3-384",
    "SHA3_512": "SHA3-512",
    "BLAKE2b-256": "BLAKE2b-256",
    "BLAKE2b-384": "BLAKE2b-384",
    "BLAKE2b-512": "BLAKE2b-512",
    "BLAKE3": "BLAKE3",
    "MD2": "MD2",
    "MD4": "MD4",
    "MD5": "MD5",
    "MD6": "MD6",
    "ADLER32": "ADLER32",
}
_SPDX_PURL_CATEGORIES = ("PACKAGE-MANAGER", "PACKAGE_MANAGER")
_SPDX_NO_LICENSE = ("NOASSERTION", "NONE")
_SPDX_DOCUMENT_FIELDS = ("SPDXID", "name", "dataLicense", "documentNamespace")


@dataclass(frozen=True)
class Package:
    purl: str  # canonical purl, the key
    name: str
    version: str | None
    ecosystem: str | None  # the purl type: "pypi", "maven", "npm", ...
    licenses: tuple[str, ...]  # SPDX ids, expressions or names; sorted, deduplicated
    hashes: tuple[tuple[str, str], ...]  # (algorithm, lower-case hex), sorted
    scope: str | None  # CycloneDX "required" | "optional" | "excluded"; None for SPDX/unset


@dataclass(frozen=True)
class Sbom:
    format: str  # "CycloneDX" or "SPDX"
    spec_version: str  # "1.4" | "1.5" | "1.6" | "2.3"
    packages: tuple[Package, ...]  # sorted by purl, one per purl
    dependencies: tuple[tuple[str, str], ...]  # (purl, purl it depends on), sorted, unique
    digest: str  # "sha256:<hex>" of the canonical (format, packages, dependencies)


def parse(data: bytes, content_type: str | None = None) -> Sbom:
    """Read a CycloneDX 1.4–1.6 or SPDX 2.3 JSON document.

    Raise `Invalid` (message says what is wrong, details name the place, e.g.
    ``{"components[12].purl": ["missing"]}``) for anything it cannot read.
    """
    announced, version_param = _content_type(content_type)
    if len(data) > MAX_BYTES:
        raise Invalid(
            f"the SBOM is {len(data)} bytes, more than the limit of {MAX_BYTES}",
            {"sbom": [f"larger than {MAX_BYTES} bytes"]},
        )
    return _parse(data, content_type, announced, version_param)


def _parse(
    data: bytes, content_type: str | None, announced: str | None, version_param: str | None
) -> Sbom:
    document = _load_json(data)
    if not isinstance(document, dict):
        raise Invalid(NOT_AN_SBOM, {"sbom": ["not a JSON object"]})
    if document.get("bomFormat") == CYCLONEDX:
        found = CYCLONEDX
    elif "spdxVersion" in document:
        found = SPDX
    else:
        raise Invalid(NOT_AN_SBOM, {"sbom": ["neither bomFormat CycloneDX nor spdxVersion"]})
    if announced is not None and announced != found:
        raise Invalid(
            f"the content type {content_type!r} announces {announced} but the document is {found}",
            {"content_type": [f"expected a {found} media type"]},
        )
    if found == CYCLONEDX:
        return _cyclonedx(document, version_param)
    return _spdx(document)


# --- input --------------------------------------------------------------------------------


def _content_type(content_type: str | None) -> tuple[str | None, str | None]:
    """The format a content type announces and its `version` parameter, if any."""
    if content_type is None:
        return None, None
    media, *params = (part.strip() for part in content_type.split(";"))
    media = media.lower()
    if media not in CONTENT_TYPES:
        raise Invalid(
            f"content type {content_type!r} is not accepted: send " + ", ".join(CONTENT_TYPES),
            {"content_type": [f"unsupported: {content_type}"]},
        )
    version = None
    for param in params:
        key, _, value = param.partition("=")
        if key.strip().lower() == "version":
            version = value.strip().strip('"')
    return CONTENT_TYPES[media], version


def _load_json(data: bytes) -> Any:
    try:
        text = bytes(data).decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Invalid(
            f"the SBOM is not UTF-8 text: byte {exc.start} cannot be decoded",
            {"sbom": [f"invalid UTF-8 at byte {exc.start}"]},
        ) from None
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno} column {exc.colno} (character {exc.pos})"
        raise Invalid(
            f"the SBOM is not valid JSON: {exc.msg} at {where}", {"sbom": [f"{exc.msg} at {where}"]}
        ) from None
    except (RecursionError, ValueError) as exc:
        raise Invalid(f"the SBOM is not valid JSON: {exc}", {"sbom": [str(exc)]}) from None


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


class _Problems:
    """Problems found so far, raised together as one Invalid."""

    def __init__(self) -> None:
        self.details: dict[str, list[str]] = {}
        self.first: str | None = None
        self.count = 0

    def add(self, path: str, problem: str, sentence: str) -> None:
        self.count += 1
        if self.first is None:
            self.first = sentence
        if len(self.details) < MAX_PROBLEMS or path in self.details:
            self.details.setdefault(path, []).append(problem)

    def raise_any(self) -> None:
        if self.count:
            more = f" (and {self.count - 1} more problems)" if self.count > 1 else ""
            raise Invalid(f"{self.first}{more}", self.details)


def _canonical_purl(text: str) -> PackageURL:
    """The purl in `text`, normalised on parsing; its `to_string()` is the canonical form."""
    purl = PackageURL.from_string(text)
    if len(purl.to_string()) > MAX_KEY_LENGTH:
        raise ValueError(f"longer than {MAX_KEY_LENGTH} characters")
    return purl


def _name_problem(name: Any) -> str | None:
    if isinstance(name, str) and len(name) > MAX_KEY_LENGTH:
        return f"longer than {MAX_KEY_LENGTH} characters"
    return None


def _too_many(count: int) -> None:
    if count > MAX_PACKAGES:
        raise Invalid(
            f"the SBOM lists {count} packages, more than the limit of {MAX_PACKAGES}",
            {"sbom": [f"more than {MAX_PACKAGES} packages"]},
        )


# --- merging and the result -------------------------------------------------------------


class _Collected:
    """Packages by purl, merged, and the dependency edges between them."""

    def __init__(self) -> None:
        self.names: dict[str, set[str]] = {}
        self.versions: dict[str, set[str]] = {}
        self.ecosystems: dict[str, str] = {}
        self.licenses: dict[str, set[str]] = {}
        self.hashes: dict[str, set[tuple[str, str]]] = {}
        self.scopes: dict[str, str | None] = {}
        self.edges: set[tuple[str, str]] = set()

    def add(
        self,
        purl: PackageURL,
        name: str,
        version: str | None,
        licenses: set[str],
        hashes: set[tuple[str, str]],
        scope: str | None,
    ) -> str:
        key = purl.to_string()
        if key not in self.names:
            self.names[key] = set()
            self.versions[key] = set()
            self.ecosystems[key] = purl.type
            self.licenses[key] = set()
            self.hashes[key] = set()
            self.scopes[key] = None
        self.names[key].add(name)
        chosen = purl.version or version
        if chosen:
            self.versions[key].add(chosen)
        self.licenses[key] |= licenses
        self.hashes[key] |= hashes
        if _SCOPE_RANK[scope] > _SCOPE_RANK[self.scopes[key]]:
            self.scopes[key] = scope
        return key

    def edge(self, source: str, target: str) -> None:
        if source != target:
            self.edges.add((source, target))

    def sbom(self, format: str, spec_version: str) -> Sbom:
        packages = tuple(
            Package(
                purl=key,
                name=min(self.names[key]),
                version=min(self.versions[key]) if self.versions[key] else None,
                ecosystem=self.ecosystems[key],
                licenses=tuple(sorted(self.licenses[key])),
                hashes=tuple(sorted(self.hashes[key])),
                scope=self.scopes[key],
            )
            for key in sorted(self.names)
        )
        dependencies = tuple(sorted(self.edges))
        return Sbom(
            format, spec_version, packages, dependencies, digest(format, packages, dependencies)
        )


def digest(
    format: str, packages: tuple[Package, ...], dependencies: tuple[tuple[str, str], ...]
) -> str:
    """sha256 of the canonical JSON of the content: same packages and edges, same digest."""
    canonical = {
        "format": format,
        "packages": [
            [
                p.purl,
                p.name,
                p.version,
                p.ecosystem,
                list(p.licenses),
                [list(h) for h in p.hashes],
                p.scope,
            ]
            for p in packages
        ],
        "dependencies": [list(edge) for edge in dependencies],
    }
    text = json.dumps(canonical, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


# --- CycloneDX ---------------------------------------------------------------------------


def _cyclonedx(document: dict[str, Any], version_param: str | None) -> Sbom:
    spec_version = document.get("specVersion")
    if spec_version not in CYCLONEDX_VERSIONS:
        supported = ", ".join(CYCLONEDX_VERSIONS)
        raise Invalid(
            f"CycloneDX specVersion {spec_version!r} is not supported: supported are {supported}",
            {"specVersion": [f"must be one of {supported}"]},
        )
    if version_param is not None and version_param != spec_version:
        raise Invalid(
            f"the content type announces CycloneDX {version_param} but specVersion is "
            f"{spec_version}",
            {"content_type": [f"version {version_param} differs from specVersion"]},
        )
    _too_many(sum(1 for _ in _components(document.get("components"), "components")))
    _validate_schema(document, spec_version)

    problems = _Problems()
    refs: dict[str, str] = {}  # bom-ref -> where it is declared
    package_of_ref: dict[str, str] = {}  # bom-ref -> purl, for packages only
    collected = _Collected()

    def declare(ref: Any, path: str) -> bool:
        if not isinstance(ref, str):
            return False
        if ref in refs:
            problems.add(
                f"{path}.bom-ref",
                f"duplicate of {refs[ref]}",
                f"bom-ref {ref!r} of {path} is already used by {refs[ref]}",
            )
            return False
        refs[ref] = path
        return True

    metadata = document.get("metadata") or {}
    if isinstance(metadata.get("component"), dict):
        for path, item in _components([metadata["component"]], "metadata.component"):
            declare(
                item.get("bom-ref"), path.replace("metadata.component[0]", "metadata.component")
            )
    for path, item in _services(document.get("services"), "services"):
        declare(item.get("bom-ref"), path)

    for path, item in _components(document.get("components"), "components"):
        name = item.get("name")
        text = item.get("purl")
        declared = declare(item.get("bom-ref"), path)
        if not text:
            problems.add(f"{path}.purl", "missing", f"component {path} ({name!r}) has no purl")
            continue
        try:
            purl = _canonical_purl(text)
        except ValueError as exc:
            problems.add(
                f"{path}.purl", f"not a purl: {exc}", f"component {path} ({name!r}): {exc}"
            )
            continue
        if _name_problem(name):
            problems.add(f"{path}.name", _name_problem(name), f"{path}.name: {_name_problem(name)}")
            continue
        key = collected.add(
            purl,
            name,
            item.get("version") or None,
            set(_cyclonedx_licenses(item.get("licenses"))),
            {(h["alg"], h["content"].lower()) for h in item.get("hashes") or ()},
            item.get("scope"),
        )
        if declared:
            package_of_ref[item["bom-ref"]] = key

    for index, entry in enumerate(document.get("dependencies") or ()):
        ref = entry["ref"]
        if ref not in refs:
            problems.add(
                f"dependencies[{index}].ref",
                f"unknown bom-ref {ref!r}",
                f"dependencies[{index}] names the unknown bom-ref {ref!r}",
            )
        for position, target in enumerate(entry.get("dependsOn") or ()):
            if target not in refs:
                problems.add(
                    f"dependencies[{index}].dependsOn[{position}]",
                    f"unknown bom-ref {target!r}",
                    f"dependencies[{index}] ({ref!r}) depends on the unknown bom-ref {target!r}",
                )
            elif ref in package_of_ref and target in package_of_ref:
                collected.edge(package_of_ref[ref], package_of_ref[target])
    problems.raise_any()
    return collected.sbom(CYCLONEDX, spec_version)


def _components(items: Any, path: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every component, nested ones too, in document order, with its path; defensive about
    shapes (the schema check names those). A stack, not recursion: nesting may be deep."""
    stack: list[tuple[str, Any]] = []

    def push(where: str, level: Any) -> None:
        if isinstance(level, list):
            stack.extend((f"{where}[{i}]", level[i]) for i in range(len(level) - 1, -1, -1))

    push(path, items)
    while stack:
        where, item = stack.pop()
        if isinstance(item, dict):
            yield where, item
            push(f"{where}.components", item.get("components"))


def _services(items: Any, path: str) -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(items, list):
        for index, item in enumerate(items):
            if isinstance(item, dict):
                yield f"{path}[{index}]", item
                yield from _services(item.get("services"), f"{path}[{index}].services")


def _cyclonedx_licenses(choices: Any) -> Iterator[str]:
    for choice in choices or ():
        if "expression" in choice:
            yield choice["expression"]
        else:
            license = choice["license"]
            yield license.get("id") or license["name"]


def _validate_schema(document: dict[str, Any], spec_version: str) -> None:
    import fastjsonschema

    try:
        _schema_validator(spec_version)(document)
    except fastjsonschema.JsonSchemaValueException as exc:
        place = exc.name.removeprefix("data").removeprefix(".") or "document"
        problem = exc.message.removeprefix(exc.name).strip()
        raise Invalid(
            f"not a valid CycloneDX {spec_version} document: {place} {problem}", {place: [problem]}
        ) from None
    except RecursionError:
        raise Invalid(
            "the SBOM's components are nested too deeply", {"components": ["nested too deeply"]}
        ) from None


@functools.cache
def _schema_validator(spec_version: str):
    return compile_schema(spec_version)


def compile_schema(spec_version: str):
    """The official CycloneDX JSON schema of `spec_version`, compiled; reads only the files
    shipped in cyclonedx-python-lib, never the network."""
    import fastjsonschema
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.schema._res import BOM_JSON, CRYPTOGRAPHY_DEFS, JSF, SPDX_JSON

    bundled = {
        "spdx.SNAPSHOT.schema.json": SPDX_JSON,
        "jsf-0.82.SNAPSHOT.schema.json": JSF,
        "cryptography-defs.SNAPSHOT.schema.json": CRYPTOGRAPHY_DEFS,
    }

    def local(uri: str) -> Any:
        name = uri.rsplit("/", 1)[-1]
        if not uri.startswith("http://cyclonedx.org/schema/") or name not in bundled:
            raise LookupError(f"the CycloneDX schema refers to {uri}, which is not bundled")
        with open(bundled[name], encoding="utf-8") as file:
            return json.load(file)

    with open(BOM_JSON[SchemaVersion.from_version(spec_version)], encoding="utf-8") as file:
        schema = json.load(file)
    # use_default=False: the validator must not write the schema's defaults (scope
    # "required", ...) into the document: an unset scope stays None.
    return fastjsonschema.compile(
        schema, handlers={"http": local, "https": local}, use_formats=False, use_default=False
    )


# --- SPDX --------------------------------------------------------------------------------


def _spdx(document: dict[str, Any]) -> Sbom:
    version = document.get("spdxVersion")
    if version not in SPDX_VERSIONS:
        raise Invalid(
            f"spdxVersion {version!r} is not supported: supported is SPDX-2.3",
            {"spdxVersion": ["must be SPDX-2.3"]},
        )
    problems = _Problems()

    def expect(value: Any, kind: type, path: str, required: bool = True) -> bool:
        if value is None and not required:
            return False
        if isinstance(value, kind) and (kind is not str or value):
            return True
        what = {str: "a non-empty string", list: "an array", dict: "an object"}[kind]
        problem = "missing" if value is None else f"must be {what}"
        problems.add(path, problem, f"{path}: {problem}")
        return False

    for field in _SPDX_DOCUMENT_FIELDS:
        expect(document.get(field), str, field)
    if expect(document.get("creationInfo"), dict, "creationInfo"):
        expect(document["creationInfo"].get("created"), str, "creationInfo.created")
    packages = document.get("packages")
    if not expect(packages, list, "packages", required=False):
        packages = []
    _too_many(len(packages))
    problems.raise_any()

    elements = {document["SPDXID"]: "document"}
    for kind in ("files", "snippets"):
        items = document.get(kind)
        if expect(items, list, kind, required=False):
            for index, item in enumerate(items):
                if isinstance(item, dict) and isinstance(item.get("SPDXID"), str):
                    elements[item["SPDXID"]] = f"{kind}[{index}]"

    collected = _Collected()
    package_of_id: dict[str, str] = {}
    for index, item in enumerate(packages):
        path = f"packages[{index}]"
        if not expect(item, dict, path):
            continue
        spdx_id, name, info = item.get("SPDXID"), item.get("name"), item.get("versionInfo")
        if not (
            expect(spdx_id, str, f"{path}.SPDXID")
            & expect(name, str, f"{path}.name")
            & (info is None or expect(info, str, f"{path}.versionInfo"))
        ):
            continue
        if spdx_id in elements:
            problems.add(
                f"{path}.SPDXID",
                f"duplicate of {elements[spdx_id]}",
                f"SPDXID {spdx_id!r} of {path} is already used by {elements[spdx_id]}",
            )
            continue
        elements[spdx_id] = path
        purl = _spdx_purl(item, path, problems, expect)
        if purl is None:
            continue
        if _name_problem(name):
            problems.add(f"{path}.name", _name_problem(name), f"{path}.name: {_name_problem(name)}")
            continue
        package_of_id[spdx_id] = collected.add(
            purl,
            name,
            info or None,
            _spdx_licenses(item, path, expect),
            _spdx_hashes(item, path, problems, expect),
            None,
        )

    relationships = document.get("relationships")
    if not expect(relationships, list, "relationships", required=False):
        relationships = []
    for index, item in enumerate(relationships):
        path = f"relationships[{index}]"
        if not expect(item, dict, path):
            continue
        kind = item.get("relationshipType")
        if kind not in ("DEPENDS_ON", "DEPENDENCY_OF"):
            continue
        ends = []
        for field in ("spdxElementId", "relatedSpdxElement"):
            value = item.get(field)
            if not expect(value, str, f"{path}.{field}"):
                break
            if (
                value not in elements
                and value not in _SPDX_NO_LICENSE
                and not value.startswith("DocumentRef-")
            ):
                problems.add(
                    f"{path}.{field}",
                    f"unknown element {value!r}",
                    f"{path} ({kind}) names the unknown element {value!r}",
                )
                break
            ends.append(package_of_id.get(value))
        else:
            source, target = ends if kind == "DEPENDS_ON" else reversed(ends)
            if source is not None and target is not None:
                collected.edge(source, target)
    problems.raise_any()
    return collected.sbom(SPDX, version.removeprefix("SPDX-"))


def _spdx_purl(item: dict[str, Any], path: str, problems: _Problems, expect) -> PackageURL | None:
    refs = item.get("externalRefs")
    if expect(refs, list, f"{path}.externalRefs", required=False):
        for position, ref in enumerate(refs):
            where = f"{path}.externalRefs[{position}]"
            if not expect(ref, dict, where):
                continue
            if (
                ref.get("referenceCategory") in _SPDX_PURL_CATEGORIES
                and ref.get("referenceType") == "purl"
            ):
                locator = ref.get("referenceLocator")
                if not expect(locator, str, f"{where}.referenceLocator"):
                    return None
                try:
                    return _canonical_purl(locator)
                except ValueError as exc:
                    problems.add(
                        f"{where}.referenceLocator",
                        f"not a purl: {exc}",
                        f"{where}.referenceLocator is not a purl: {exc}",
                    )
                    return None
    try:
        derived = PackageURL(type="generic", name=item["name"], version=item.get("versionInfo"))
        return _canonical_purl(derived.to_string())
    except ValueError as exc:
        problems.add(
            f"{path}.name",
            f"no purl can be derived: {exc}",
            f"{path} has no purl and none can be derived from its name: {exc}",
        )
        return None


def _spdx_licenses(item: dict[str, Any], path: str, expect) -> set[str]:
    found = set()
    for field in ("licenseConcluded", "licenseDeclared"):
        value = item.get(field)
        if expect(value, str, f"{path}.{field}", required=False) and value not in _SPDX_NO_LICENSE:
            found.add(value)
    return found


def _spdx_hashes(
    item: dict[str, Any], path: str, problems: _Problems, expect
) -> set[tuple[str, str]]:
    found = set()
    checksums = item.get("checksums")
    if expect(checksums, list, f"{path}.checksums", required=False):
        for position, checksum in enumerate(checksums):
            where = f"{path}.checksums[{position}]"
            if not expect(checksum, dict, where):
                continue
            algorithm, value = checksum.get("algorithm"), checksum.get("checksumValue")
            if not (
                expect(algorithm, str, f"{where}.algorithm")
                & expect(value, str, f"{where}.checksumValue")
            ):
                continue
            if algorithm not in _SPDX_ALGORITHMS:
                problems.add(
                    f"{where}.algorithm",
                    f"unknown algorithm {algorithm!r}",
                    f"{where} has the unknown algorithm {algorithm!r}",
                )
                continue
            if not all(c in "0123456789abcdefABCDEF" for c in value):
                problems.add(
                    f"{where}.checksumValue",
                    "must be hexadecimal",
                    f"{where}.checksumValue is not hexadecimal",
                )
                continue
            found.add((_SPDX_ALGORITHMS[algorithm], value.lower()))
    return found
