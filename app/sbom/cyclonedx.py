"""CycloneDX 1.4–1.6 JSON: checked against the official schema of its specVersion (the
files cyclonedx-python-lib ships, compiled by fastjsonschema), then its components read
(see `app.sbom.parsing` for why); the components and dependencies one at a time, as
`app.sbom.streaming` reads them."""

from __future__ import annotations

import functools
import hashlib
import json
import threading
from collections.abc import Iterator
from typing import Any

from app.errors import Invalid
from app.sbom.document import (
    CYCLONEDX,
    Collected,
    Problems,
    Sbom,
    canonical_purl,
    name_problem,
    too_many,
)
from app.sbom.streaming import Json, Streamed

CYCLONEDX_VERSIONS = ("1.4", "1.5", "1.6")


def read(source: Json, document: dict[str, Any], version_param: str | None) -> Sbom:
    """The SBOM of the CycloneDX `document` (the outline of `source`, see
    `app.sbom.streaming`): its components and dependencies are read item by item, each
    checked against the schema as it comes, so only what is kept of them is held."""
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
    components = document.get("components")
    too_many(components.components if isinstance(components, Streamed) else 0)
    validate_schema(document, spec_version)

    problems = Problems()
    refs: dict[str, str] = {}  # bom-ref -> where it is declared
    package_of_ref: dict[str, str] = {}  # bom-ref -> purl, for packages only
    collected = Collected()

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
        for path, item in _tree("metadata.component", metadata["component"]):
            declare(item.get("bom-ref"), path)
    for path, item in _services(document.get("services"), "services"):
        declare(item.get("bom-ref"), path)

    for index, top in _checked_items(source, document, "components", spec_version):
        for path, item in _tree(f"components[{index}]", top):
            name = item.get("name")
            text = item.get("purl")
            declared = declare(item.get("bom-ref"), path)
            if not text:
                problems.add(f"{path}.purl", "missing", f"component {path} ({name!r}) has no purl")
                continue
            try:
                purl = canonical_purl(text)
            except ValueError as exc:
                problems.add(
                    f"{path}.purl", f"not a purl: {exc}", f"component {path} ({name!r}): {exc}"
                )
                continue
            if name_problem(name):
                problems.add(
                    f"{path}.name", name_problem(name), f"{path}.name: {name_problem(name)}"
                )
                continue
            key = collected.add(
                purl,
                name,
                item.get("version") or None,
                _cyclonedx_licenses(item.get("licenses")),
                {(h["alg"], h["content"].lower()) for h in item.get("hashes") or ()},
                item.get("scope"),
            )
            if declared:
                package_of_ref[item["bom-ref"]] = key

    for index, entry in _checked_items(source, document, "dependencies", spec_version):
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


def _checked_items(
    source: Json, document: dict[str, Any], key: str, spec_version: str
) -> Iterator[tuple[int, Any]]:
    """(index, item) of the top-level array `key`, read from `source` one at a time, each
    checked against the schema as the array's only item, and the array's `uniqueItems`
    by a digest of each item's canonical JSON (the schema validator would build a frozen
    copy of the whole array for it)."""
    if not isinstance(document.get(key), Streamed):
        return
    seen: set[bytes] = set()
    for index, item in enumerate(source.items(key)):
        validate_schema(
            {"bomFormat": CYCLONEDX, "specVersion": spec_version, key: [item]},
            spec_version,
            (f"{key}[0]", f"{key}[{index}]"),
        )
        canonical = json.dumps(item, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        fingerprint = hashlib.blake2b(canonical.encode("utf-8"), digest_size=16).digest()
        if fingerprint in seen:
            raise Invalid(
                f"not a valid CycloneDX {spec_version} document: {key} must contain unique "
                f"items ({key}[{index}] repeats an earlier one)",
                {key: ["must contain unique items"]},
            )
        seen.add(fingerprint)
        yield index, item


def _tree(path: str, item: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """A component and its nested ones, in document order, with their paths; defensive
    about shapes (the schema check names those). A stack, not recursion: nesting may be
    deep."""
    stack: list[tuple[str, Any]] = [(path, item)]
    while stack:
        where, item = stack.pop()
        if isinstance(item, dict):
            yield where, item
            nested = item.get("components")
            if isinstance(nested, list):
                stack.extend(
                    (f"{where}.components[{i}]", nested[i]) for i in range(len(nested) - 1, -1, -1)
                )


def _services(items: Any, path: str) -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(items, list):
        for index, item in enumerate(items):
            if isinstance(item, dict):
                yield f"{path}[{index}]", item
                yield from _services(item.get("services"), f"{path}[{index}].services")


def _cyclonedx_licenses(choices: Any) -> set[str]:
    return {
        choice["expression"]
        if "expression" in choice
        else choice["license"].get("id") or choice["license"]["name"]
        for choice in choices or ()
    }


def validate_schema(
    document: dict[str, Any], spec_version: str, renamed: tuple[str, str] | None = None
) -> None:
    """`Invalid` naming the first place where `document` breaks the schema; `renamed`:
    (prefix, actual) when `document` wraps an item checked alone (`components[0]` is
    `components[12]`)."""
    import fastjsonschema

    try:
        _schema_validator(spec_version)(document)
    except fastjsonschema.JsonSchemaValueException as exc:
        place = exc.name.removeprefix("data").removeprefix(".") or "document"
        problem = exc.message.removeprefix(exc.name).strip()
        if renamed is not None and (place == renamed[0] or place.startswith(renamed[0] + ".")):
            place = renamed[1] + place.removeprefix(renamed[0])
        raise Invalid(
            f"not a valid CycloneDX {spec_version} document: {place} {problem}", {place: [problem]}
        ) from None
    except RecursionError:
        raise Invalid(
            "the SBOM's components are nested too deeply", {"components": ["nested too deeply"]}
        ) from None


#: One compilation at a time: compiling a schema takes about 220 MiB and seconds, and the
#: first SBOMs a worker's threads take at once would each compile their own copy (three
#: at once took a worker from 101 to 844 MiB for 3 x 4.9 MiB of SBOM).
_COMPILING = threading.Lock()


def _schema_validator(spec_version: str):
    """The compiled schema of `spec_version`, compiled once per process."""
    with _COMPILING:
        return _compiled(spec_version)


@functools.cache
def _compiled(spec_version: str):
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
