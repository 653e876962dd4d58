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


@dataclass(frozen=True, slots=True)  # slots: 100,000 of them without a __dict__ each
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
    """Packages by purl, merged, and the dependency edges between them. One small list
    per purl ([name, version, ecosystem, licenses, hashes, scope], the smallest name and
    version so far, licences and hashes as sorted tuples): a set per field and purl cost
    about 1 KB a package, more than the SBOM's own text."""

    def __init__(self) -> None:
        self.packages: dict[str, list[Any]] = {}
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
        chosen = purl.version or version or None
        held = self.packages.get(key)
        if held is None:
            self.packages[key] = [
                name,
                chosen,
                purl.type,
                tuple(sorted(licenses)),
                tuple(sorted(hashes)),
                scope,
            ]
            return key
        held[0] = min(held[0], name)
        if chosen is not None:
            held[1] = chosen if held[1] is None else min(held[1], chosen)
        if not licenses <= set(held[3]):
            held[3] = tuple(sorted(licenses.union(held[3])))
        if not hashes <= set(held[4]):
            held[4] = tuple(sorted(hashes.union(held[4])))
        if SCOPE_RANK[scope] > SCOPE_RANK[held[5]]:
            held[5] = scope
        return key

    def edge(self, source: str, target: str) -> None:
        if source != target:
            self.edges.add((source, target))

    def sbom(self, format: str, spec_version: str) -> Sbom:
        """The Sbom; what was collected is handed over as it is read (not held twice)."""
        packages = []
        for key in sorted(self.packages):
            name, version, ecosystem, licenses, hashes, scope = self.packages.pop(key)
            packages.append(Package(key, name, version, ecosystem, licenses, hashes, scope))
        dependencies = tuple(sorted(self.edges))
        self.edges = set()
        frozen = tuple(packages)
        del packages
        return Sbom(
            format, spec_version, frozen, dependencies, digest(format, frozen, dependencies)
        )


def digest(
    format: str, packages: tuple[Package, ...], dependencies: tuple[tuple[str, str], ...]
) -> str:
    """sha256 of the canonical JSON of the content: same packages and edges, same digest.
    The canonical JSON is `json.dumps({"dependencies": [[from, to], ...], "format": ...,
    "packages": [[purl, name, version, ecosystem, [licences], [[alg, hash]], scope], ...]},
    sort_keys=True, separators=(",", ":"), ensure_ascii=False)`; it is hashed a piece at a
    time, the same bytes, rather than built whole (for 100,000 packages that text and its
    lists cost more than the SBOM)."""
    sha = hashlib.sha256()

    def array(items) -> None:
        sha.update(b"[")
        for index, item in enumerate(items):
            if index:
                sha.update(b",")
            sha.update(_canonical(item).encode("utf-8"))
        sha.update(b"]")

    sha.update(b'{"dependencies":')
    array(list(edge) for edge in dependencies)
    sha.update(b',"format":' + _canonical(format).encode("utf-8") + b',"packages":')
    array(
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
    )
    sha.update(b"}")
    return "sha256:" + sha.hexdigest()


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
