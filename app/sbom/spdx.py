"""SPDX 2.3 JSON, read by a small strict reader: the document's mandatory fields and the
type of every field it reads are checked (see `app.sbom.parsing` for why not spdx-tools)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from packageurl import PackageURL

from app.errors import Invalid
from app.sbom.document import (
    SPDX,
    Collected,
    Problems,
    Sbom,
    canonical_purl,
    name_problem,
    too_many,
)
from app.sbom.streaming import Json, Streamed

SPDX_VERSIONS = ("SPDX-2.3",)


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


def read(source: Json, document: dict[str, Any]) -> Sbom:
    """The SBOM of the SPDX `document` (the outline of `source`, see `app.sbom.streaming`):
    its packages, relationships, files and snippets are read item by item."""
    version = document.get("spdxVersion")
    if version not in SPDX_VERSIONS:
        raise Invalid(
            f"spdxVersion {version!r} is not supported: supported is SPDX-2.3",
            {"spdxVersion": ["must be SPDX-2.3"]},
        )
    problems = Problems()

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
    if expect(packages, list, "packages", required=False):
        too_many(packages.count)
    problems.raise_any()

    def items(key: str) -> Iterator[Any]:
        """The items of a top-level array (checked to be one by `expect` before)."""
        return source.items(key) if isinstance(document.get(key), Streamed) else iter(())

    elements = {document["SPDXID"]: "document"}
    for kind in ("files", "snippets"):
        if expect(document.get(kind), list, kind, required=False):
            for index, item in enumerate(items(kind)):
                if isinstance(item, dict) and isinstance(item.get("SPDXID"), str):
                    elements[item["SPDXID"]] = f"{kind}[{index}]"

    collected = Collected()
    package_of_id: dict[str, str] = {}
    for index, item in enumerate(items("packages")):
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
        if name_problem(name):
            problems.add(f"{path}.name", name_problem(name), f"{path}.name: {name_problem(name)}")
            continue
        package_of_id[spdx_id] = collected.add(
            purl,
            name,
            info or None,
            _spdx_licenses(item, path, expect),
            _spdx_hashes(item, path, problems, expect),
            None,
        )

    expect(document.get("relationships"), list, "relationships", required=False)
    for index, item in enumerate(items("relationships")):
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


def _spdx_purl(item: dict[str, Any], path: str, problems: Problems, expect) -> PackageURL | None:
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
                    return canonical_purl(locator)
                except ValueError as exc:
                    problems.add(
                        f"{where}.referenceLocator",
                        f"not a purl: {exc}",
                        f"{where}.referenceLocator is not a purl: {exc}",
                    )
                    return None
    try:
        derived = PackageURL(type="generic", name=item["name"], version=item.get("versionInfo"))
        return canonical_purl(derived.to_string())
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
    item: dict[str, Any], path: str, problems: Problems, expect
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
