"""What every SBOM reader produces: packages keyed by canonical purl, the dependency
edges between them, and the digest of that content; limits, and problems gathered into
one `Invalid`."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from packageurl import PackageURL

from app.errors import Invalid

MAX_PACKAGES = 100_000


#: Longest purl and package name taken (characters): both are indexed, and Neo4j refuses
#: to index a string beyond about 8 KB; real ones are a few hundred characters at most.
MAX_KEY_LENGTH = 2048


CYCLONEDX = "CycloneDX"


SPDX = "SPDX"


MAX_PROBLEMS = 100  # problems named in one Invalid's details


SCOPE_RANK = {None: 0, "excluded": 1, "optional": 2, "required": 3}


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


class Problems:
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


def canonical_purl(text: str) -> PackageURL:
    """The purl in `text`, normalised on parsing; its `to_string()` is the canonical form."""
    purl = PackageURL.from_string(text)
    if len(purl.to_string()) > MAX_KEY_LENGTH:
        raise ValueError(f"longer than {MAX_KEY_LENGTH} characters")
    return purl


def name_problem(name: Any) -> str | None:
    if isinstance(name, str) and len(name) > MAX_KEY_LENGTH:
        return f"longer than {MAX_KEY_LENGTH} characters"
    return None


def too_many(count: int) -> None:
    if count > MAX_PACKAGES:
        raise Invalid(
            f"the SBOM lists {count} packages, more than the limit of {MAX_PACKAGES}",
            {"sbom": [f"more than {MAX_PACKAGES} packages"]},
        )


class Collected:
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
        if SCOPE_RANK[scope] > SCOPE_RANK[self.scopes[key]]:
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
