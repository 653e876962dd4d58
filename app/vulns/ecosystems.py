"""Each ecosystem's names and versions: how an OSV `affected.package` and a purl meet.

OSV names a package by ecosystem and name (`Maven` `org.apache.logging.log4j:log4j-core`),
an SBOM by purl (`pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1`). Both become one
*key* (`maven:org.apache.logging.log4j:log4j-core`) with the ecosystem's own rules about
case and separators, so a record finds its packages by an indexed equality. Versions are
compared by `univers`, which knows each ecosystem's ordering (Maven's qualifiers, PEP 440,
npm semver, Go's `v` prefix and pseudo-versions, Debian epochs and tildes, ...).
"""

from __future__ import annotations

import re
from functools import lru_cache

from packageurl import PackageURL
from univers import versions as uv

#: OSV ecosystem (the part before any `:release`) -> (purl type, univers version class).
ECOSYSTEMS: dict[str, tuple[str, type[uv.Version]]] = {
    "Maven": ("maven", uv.MavenVersion),
    "PyPI": ("pypi", uv.PypiVersion),
    "npm": ("npm", uv.SemverVersion),
    "Go": ("golang", uv.GolangVersion),
    "Debian": ("deb", uv.DebianVersion),
    "RubyGems": ("gem", uv.RubygemsVersion),
    "NuGet": ("nuget", uv.NugetVersion),
    "crates.io": ("cargo", uv.SemverVersion),
    "Packagist": ("composer", uv.ComposerVersion),
    "Hex": ("hex", uv.SemverVersion),
}
VERSION_CLASS = {purl_type: cls for purl_type, cls in ECOSYSTEMS.values()}
#: Purl types whose names compare without case.
_CASELESS = {"pypi", "npm", "nuget", "composer", "hex"}


def purl_type(ecosystem: str) -> str | None:
    """The purl type of an OSV ecosystem (`Debian:11` is Debian's), None when unknown."""
    known = ECOSYSTEMS.get(ecosystem.split(":", 1)[0])
    return known[0] if known else None


def key(purl_type: str, name: str) -> str:
    """The matching key of a package `name` as OSV spells it, in the purl type's rules."""
    if purl_type == "pypi":  # PEP 503: runs of -, _ and . are one separator
        name = re.sub(r"[-_.]+", "-", name)
    if purl_type in _CASELESS:
        name = name.lower()
    return f"{purl_type}:{name}"


@lru_cache(maxsize=65_536)
def of_purl(purl: str) -> tuple[str, str | None]:
    """(key, version) of a purl; key '' when its ecosystem is not one matched here or it
    does not parse (stored that way, so the package is not looked at again)."""
    try:
        parsed = PackageURL.from_string(purl)
    except ValueError:
        return "", None
    if parsed.type not in VERSION_CLASS:
        return "", parsed.version
    if parsed.namespace and parsed.type == "maven":
        name = f"{parsed.namespace}:{parsed.name}"
    elif parsed.namespace and parsed.type in {"npm", "golang", "composer"}:
        name = f"{parsed.namespace}/{parsed.name}"
    else:
        name = parsed.name
    return key(parsed.type, name), parsed.version


@lru_cache(maxsize=262_144)
def version(purl_type: str, text: str, semver: bool = False) -> uv.Version | None:
    """`text` as a comparable version of the ecosystem (or as semver for an OSV SEMVER
    range), None when it is not a valid one."""
    cls = uv.SemverVersion if semver else VERSION_CLASS[purl_type]
    if semver:
        text = text.removeprefix("v")  # Go's tags; OSV SEMVER ranges spell none
    try:
        return cls(text)
    except Exception:  # noqa: BLE001 - univers raises whatever its parsers raise
        return None
