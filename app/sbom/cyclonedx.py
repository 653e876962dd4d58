"""CycloneDX 1.4–1.6 JSON: checked against the official schema of its specVersion (the
files cyclonedx-python-lib ships, compiled by fastjsonschema), then its components read
(see `app.sbom.parsing` for why)."""

from __future__ import annotations

import functools
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

CYCLONEDX_VERSIONS = ("1.4", "1.5", "1.6")


def read(document: dict[str, Any], version_param: str | None) -> Sbom:
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
    too_many(sum(1 for _ in _components(document.get("components"), "components")))
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
            purl = canonical_purl(text)
        except ValueError as exc:
            problems.add(
                f"{path}.purl", f"not a purl: {exc}", f"component {path} ({name!r}): {exc}"
            )
            continue
        if name_problem(name):
            problems.add(f"{path}.name", name_problem(name), f"{path}.name: {name_problem(name)}")
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


def validate_schema(document: dict[str, Any], spec_version: str) -> None:
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
