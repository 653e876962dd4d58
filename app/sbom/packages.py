"""SBOMs attached to component versions, and "where does this package run?".

An SBOM (CycloneDX or SPDX JSON, read by `parsing.parse`) becomes `Package` nodes keyed by
purl, `CONTAINS {scope}` edges from the component version, and `Package DEPENDS_ON
Package` edges from the SBOM's dependency graph, and the AFFECTS edges known
vulnerabilities give the packages the graph had not seen — all in one transaction, so an attach
happens whole or not at all. A version's SBOM is immutable like the version: the same one
again is a no-op, another one a conflict unless the caller asks to replace it.
"""

from __future__ import annotations

from typing import Any

from app.access.scopes import Actor
from app.core import paging, semver
from app.errors import Conflict, Invalid, NotFound
from app.graph import Graph, Tx
from app.reports.reports import (
    DEFAULT_APPLICATION_LIMIT,
    DEFAULT_CONSUMER_LIMIT,
    impact_page_problems,
    impact_sorted,
    list_offset,
)
from app.sbom import document, parsing
from app.vulns import matching

#: Packages written per query inside the one attach transaction (bounds query memory).
CHUNK = 5_000


def attach(
    graph: Graph,
    component: str,
    version: str,
    data: bytes,
    content_type: str | None = None,
    replace: bool = False,
    *,
    actor: Actor | None = None,
) -> tuple[dict, bool]:
    """Attach the SBOM in `data` to a component version; returns (summary, created).
    A token limited to some components may attach only to theirs."""
    document = parsing.parse(data, content_type)

    def work(tx: Tx) -> bool:
        held = tx.single("sbom/sbom_of_version", component=component, version=version)
        if held is None:
            raise _no_version(component, version)
        if actor is not None:
            actor.check_components({component: held["owner"]})
        if held["digest"] == document.digest:
            return False
        if held["digest"] is not None and not replace:
            raise Conflict(
                f"{component} {version} already has another SBOM ({held['format']} "
                f"{held['spec_version']}, {held['packages']} packages); versions are "
                "immutable — attach with replace to overwrite it",
                {"registered": held["digest"], "given": document.digest},
            )
        tx.run("sbom/detach", component=component, version=version)
        # The query parameters are built a chunk at a time: a dict per package for all of
        # them at once cost about as much as the SBOM's own text.
        for start in range(0, len(document.packages), CHUNK):
            tx.run(
                "sbom/contain",
                component=component,
                version=version,
                packages=[_row(p) for p in document.packages[start : start + CHUNK]],
            )
        matching.match_packages(tx, [package.purl for package in document.packages])
        for start in range(0, len(document.dependencies), CHUNK):
            tx.run(
                "sbom/link",
                dependencies=[
                    {"from": a, "to": b} for a, b in document.dependencies[start : start + CHUNK]
                ],
            )
        tx.run(
            "sbom/record_sbom",
            component=component,
            version=version,
            digest=document.digest,
            format=document.format,
            spec_version=document.spec_version,
            attached_by=None if actor is None else actor.name,
        )
        return True

    created = graph.write_tx(work)
    return get(graph, component, version), created


def get(graph: Graph, component: str, version: str) -> dict[str, Any]:
    """Which SBOM a component version holds: format, digest, when, how many packages."""
    rows = graph.read("sbom/sbom_of_version_read", component=component, version=version)
    if not rows:
        raise _no_version(component, version)
    held = rows[0]
    return {"component": component, "version": version, **held}


#: Which application versions a package blast radius lists (its `applications_rule`):
#: each application's latest version and every version deployed now ...
LATEST_OR_DEPLOYED = "latest_or_deployed"
#: ... or every version that includes an affected component version (`all_versions`).
ALL_VERSIONS = "all_versions"


def blast_radius(
    graph: Graph,
    purl: str | None = None,
    name: str | None = None,
    version_range: str | None = None,
    ecosystem: str | None = None,
    limit: int = DEFAULT_CONSUMER_LIMIT,
    all_versions: bool = False,
    offset: int = 0,
    application_limit: int = DEFAULT_APPLICATION_LIMIT,
    application_offset: int = 0,
) -> dict[str, Any]:
    """Where a package runs: by purl, or by name (and optionally a version range, e.g.
    `log4j-core` `<2.17.1`). The component versions containing it, then — as for a
    component's blast radius — the applications, environments and teams they reach.
    Both lists come a page at a time, all counted: the component versions (`offset`,
    `limit`) and the application versions (`application_offset`, `application_limit`);
    every affected version counts for the impact.

    The application versions are each application's latest and those deployed now
    ("what must we patch?"); with `all_versions`, every version that includes one (the
    audit's "which of our releases ever shipped it?"). The answer names the rule applied
    (`applications_rule`), since the two lists look alike."""
    if problems := impact_page_problems(limit, offset, application_limit, application_offset):
        raise Invalid("bad package blast radius parameters", problems)
    if (purl is None) == (name is None):
        raise Invalid(
            "give a purl, or a package name (with an optional range)",
            {"purl": ["give purl or name"], "name": ["give purl or name"]},
        )
    if version_range is not None and name is None:
        raise Invalid("a version range goes with a package name", {"range": ["needs name"]})
    if purl is not None:
        packages = [{"purl": purl}]
    else:
        problem = semver.range_problem(version_range) if version_range else None
        if problem:
            raise Invalid(f"range {problem}", {"range": [problem]})
        wanted = semver.Range.parse(version_range) if version_range else None
        packages = [
            p
            for p in graph.read("sbom/by_name", name=name, ecosystem=ecosystem)
            if wanted is None or (p["version"] and wanted.contains(p["version"]))
        ]
    purls = [p["purl"] for p in packages]

    found = impact_sorted(
        graph.read(
            "reports/package_blast_radius",
            purls=purls,
            offset=list_offset(offset),
            limit=limit,
            application_offset=list_offset(application_offset),
            application_limit=application_limit,
            all_versions=all_versions,
        )[0]
    )
    if purl is not None and not found["component_versions"]:
        _require_package(graph, purl)
    return {
        "query": {
            "purl": purl,
            "name": name,
            "range": version_range,
            "ecosystem": ecosystem,
            "all_versions": all_versions,
        },
        "packages": sorted(purls),
        "applications_rule": ALL_VERSIONS if all_versions else LATEST_OR_DEPLOYED,
        **found,
    }


def list_packages(
    graph: Graph,
    prefix: str | None = None,
    offset: int = 0,
    limit: int = paging.DEFAULT_LIMIT,
) -> dict[str, Any]:
    """The packages the SBOMs brought, by name and ecosystem, with their versions and
    licences: the way into a package's page without knowing its purl."""
    return paging.page(
        lambda skip, take: graph.read("sbom/package_list", prefix=prefix, offset=skip, limit=take),
        dict,
        offset,
        limit,
    )


def details(graph: Graph, purls: list[str]) -> list[dict[str, Any]]:
    """Name, version, ecosystem and licences of each package, and its other known versions."""
    return graph.read("sbom/package_details", purls=purls) if purls else []


def _no_version(component: str, version: str) -> NotFound:
    return NotFound(
        f"no version {version!r} of component {component!r}",
        {"component": component, "version": version},
    )


def _require_package(graph: Graph, purl: str) -> None:
    if not graph.read("sbom/exists", purl=purl):
        raise NotFound(f"no package {purl!r} in any SBOM", {"purl": purl})


def _row(package: document.Package) -> dict[str, Any]:
    return {
        "purl": package.purl,
        "name": package.name,
        "version": package.version,
        "ecosystem": package.ecosystem,
        "licenses": list(package.licenses),
        "hashes": [f"{alg}:{content}" for alg, content in package.hashes],
        "scope": package.scope,
    }
