"""SBOMs attached to component versions, and "where does this package run?".

An SBOM (CycloneDX or SPDX JSON, read by `parsing.parse`) becomes `Package` nodes keyed by
purl, `CONTAINS {scope}` edges from the component version, `Package DEPENDS_ON Package`
edges from the SBOM's dependency graph, and the AFFECTS edges known vulnerabilities give
the packages the graph had not seen. A version's SBOM is immutable like the version: the
same one again is a no-op, another one a conflict unless the caller asks to replace it.

An SBOM at the limit (`MAX_PACKAGES`) does not fit one write transaction: on a server with
1 GB of heap (717 MiB of transaction memory) its single transaction ran out of memory, its
new Package nodes alone holding about 5 KB of transaction state each. So it is written in
two parts:

1. what packages are — Package nodes (with their vulnerability keys and AFFECTS edges) and
   the DEPENDS_ON edges between them — a batch per transaction. These are shared by every
   version that contains the packages, written by MERGE, and never removed when an SBOM is
   replaced, so writing them again changes nothing; they carry no trace of this SBOM;
2. the SBOM itself — the version's CONTAINS edges, the old ones removed, and its digest —
   in one transaction: about 370 MiB at the limit (measured on that server). Replacing an
   SBOM at the limit by another with none of its packages took 740 MiB, more than that
   server has: it fails whole (503) there, and fits the default server's (2 GB of heap,
   1.4 GiB of transaction memory).

Readers see a version's SBOM whole or not at all, and an attach that fails at any point
leaves the version's previous SBOM, if any, in place; attaching again finishes the work.
What a replaced SBOM or a failed attach leaves — packages no version contains — is
deleted by `prune`, which spares those an SBOM named lately (an attach in progress).
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

#: Rows per query (bounds query memory and the parameters built at once: a dict per
#: package for all of them at once cost about as much as the SBOM's own text).
CHUNK = 5_000

#: Packages written per transaction before the SBOM is published: 10,000 new ones took
#: about 135 MiB of transaction memory, their keys and matches included (measured).
PACKAGES_PER_TRANSACTION = 10_000

#: Dependency edges written per transaction before the SBOM is published: 50,000 new
#: ones took about 135 MiB of transaction memory (measured).
DEPENDENCIES_PER_TRANSACTION = 50_000


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
    A token limited to some components may attach only to theirs. What is allowed is
    checked before anything is written, and again, under the version's lock, when the
    SBOM is published."""
    sbom = parsing.parse(data, content_type)
    held = graph.read("sbom/sbom_of_version_read", component=component, version=version)
    if not _wanted(held[0] if held else None, component, version, sbom, replace, actor):
        return get(graph, component, version), False
    for start in range(0, len(sbom.packages), PACKAGES_PER_TRANSACTION):
        batch = sbom.packages[start : start + PACKAGES_PER_TRANSACTION]
        graph.write_tx(lambda tx, batch=batch: _add_packages(tx, batch))
    for start in range(0, len(sbom.dependencies), DEPENDENCIES_PER_TRANSACTION):
        batch = sbom.dependencies[start : start + DEPENDENCIES_PER_TRANSACTION]
        graph.write_tx(lambda tx, batch=batch: _link(tx, batch))

    def publish(tx: Tx) -> bool:
        held = tx.single("sbom/sbom_of_version", component=component, version=version)
        if not _wanted(held, component, version, sbom, replace, actor):
            return False  # a concurrent attach of the same SBOM came first
        tx.run("sbom/detach", component=component, version=version)
        contained = 0
        for start in range(0, len(sbom.packages), CHUNK):
            rows = [
                {"purl": p.purl, "scope": p.scope} for p in sbom.packages[start : start + CHUNK]
            ]
            row = tx.single("sbom/contain", component=component, version=version, packages=rows)
            contained += row["contained"]
        if contained != len(sbom.packages):  # only if packages were deleted meanwhile
            raise Conflict(
                f"{len(sbom.packages) - contained} packages of the SBOM were removed while it "
                "was attached (was the catalog emptied?); nothing was attached — attach it again",
                {"sbom": ["packages removed during the attach"]},
            )
        tx.run(
            "sbom/record_sbom",
            component=component,
            version=version,
            digest=sbom.digest,
            format=sbom.format,
            spec_version=sbom.spec_version,
            attached_by=None if actor is None else actor.name,
        )
        return True

    created = graph.write_tx(publish)
    return get(graph, component, version), created


def _wanted(
    held: dict[str, Any] | None,
    component: str,
    version: str,
    sbom: document.Sbom,
    replace: bool,
    actor: Actor | None,
) -> bool:
    """Whether `sbom` is to be written over what the version holds (`held`): False when it
    holds this very SBOM; NotFound, Forbidden or Conflict when it may not be."""
    if held is None:
        raise _no_version(component, version)
    if actor is not None:
        actor.check_components({component: held["owner"]})
    if held["digest"] == sbom.digest:
        return False
    if held["digest"] is not None and not replace:
        raise Conflict(
            f"{component} {version} already has another SBOM ({held['format']} "
            f"{held['spec_version']}, {held['packages']} packages); versions are "
            "immutable — attach with replace to overwrite it",
            {"registered": held["digest"], "given": sbom.digest},
        )
    return True


def _add_packages(tx: Tx, packages: tuple[document.Package, ...]) -> None:
    """Packages, and the matches of those the graph had not seen, in the caller's
    transaction (a package never exists unmatched)."""
    for start in range(0, len(packages), CHUNK):
        tx.run("sbom/add_packages", packages=[_row(p) for p in packages[start : start + CHUNK]])
    matching.match_packages(tx, [package.purl for package in packages])


def _link(tx: Tx, dependencies: tuple[tuple[str, str], ...]) -> None:
    for start in range(0, len(dependencies), CHUNK):
        tx.run(
            "sbom/link",
            dependencies=[{"from": a, "to": b} for a, b in dependencies[start : start + CHUNK]],
        )


#: Packages read per transaction by `prune`, at most as many deleted (each with its edges).
PRUNE_BATCH = 10_000
#: Seconds `prune` spares a package no version contains after an SBOM last named it: an
#: attach writes its packages before it publishes the SBOM (the largest took minutes).
PRUNE_GRACE_SECONDS = 3600


def prune(graph: Graph, grace_seconds: int = PRUNE_GRACE_SECONDS) -> int:
    """Delete the packages no component version contains and no SBOM named for
    `grace_seconds`, with their dependency and vulnerability edges; how many. Batched, as
    a graph's every package may be among them."""
    if grace_seconds < 0:
        raise Invalid("the grace must not be negative", {"grace_seconds": ["must be >= 0"]})
    total, after = 0, ""
    while True:
        batch = graph.write(
            "sbom/prune_packages", after=after, grace_seconds=grace_seconds, limit=PRUNE_BATCH
        )[0]
        total += batch["deleted"]
        if batch["scanned"] < PRUNE_BATCH:
            return total
        after = batch["last"]


def get(graph: Graph, component: str, version: str) -> dict[str, Any]:
    """Which SBOM a component version holds: format, digest, when, how many packages."""
    rows = graph.read("sbom/sbom_of_version_read", component=component, version=version)
    if not rows:
        raise _no_version(component, version)
    held = {key: value for key, value in rows[0].items() if key != "owner"}
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
    }
