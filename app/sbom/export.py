"""An application version's bill of materials as one CycloneDX 1.6 JSON document.

Other tools (Dependency-Track, Grype) take CycloneDX: the application version is the
document's subject, each of its component versions a component, with the packages from
its SBOM nested inside it. Bom-refs must be unique in a document, so a package brought by
two component versions appears under each with a ref qualified by that version.

What an SBOM said comes back out: a package's `group` (the purl's namespace: the Maven
groupId, the npm scope) and the dependencies between packages. A component version
depends directly only on the packages none of its other packages bring in (log4j-core,
not the log4j-api that log4j-core needs); a cycle with no such entry point is entered at
its smallest purl, so every package stays reachable from its component.
"""

from __future__ import annotations

from typing import Any

from cyclonedx.spdx import is_expression, is_supported_id
from packageurl import PackageURL

from app.graph import Graph
from app.reports import reports

SPEC_VERSION = "1.6"

#: CycloneDX component type of each kind of Mercator component.
TYPE_OF_KIND = {
    "service": "application",
    "database": "data",
    "config": "data",
    "library": "library",
    "binary": "application",
    "infrastructure": "platform",
    "job": "application",
    None: "application",
}


def application_version_cyclonedx(graph: Graph, application: str, version: str) -> dict:
    bom = reports.bom_application_version(graph, application, version)
    packages_of: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for package in bom["packages"]:
        for holder in package["brought_by"]:
            packages_of.setdefault((holder["component"], holder["version"]), []).append(
                {**package, "scope": holder["scope"]}
            )
    links_of: dict[tuple[str, str], dict[str, list[str]]] = {}
    for link in graph.read(
        "sbom/package_links_of_application_version", application=application, version=version
    ):
        needs = links_of.setdefault((link["component"], link["version"]), {})
        needs.setdefault(link["from"], []).append(link["to"])
    subject = f"{application}@{version}"
    components, dependencies = [], []
    for member in bom["components"]:
        key = (member["component"], member["version"])
        ref = f"{member['component']}@{member['version']}"
        held = packages_of.get(key, [])
        components.append(_component(ref, member, [_package(ref, p) for p in held]))
        needs = links_of.get(key, {})
        dependencies.append(
            {"ref": ref, "dependsOn": [f"{ref}|{purl}" for purl in _direct(held, needs)]}
        )
        dependencies += [
            {"ref": f"{ref}|{purl}", "dependsOn": [f"{ref}|{to}" for to in needs[purl]]}
            for purl in sorted(needs)
        ]
    dependencies.insert(0, {"ref": subject, "dependsOn": [c["bom-ref"] for c in components]})
    return {
        **document_of(application, version, bom["created_at"]),
        "components": components,
        "dependencies": dependencies,
    }


def document_of(application: str, version: str, created_at: str) -> dict[str, Any]:
    """The head of a CycloneDX document about an application version (its SBOM, its VEX):
    format, version and the metadata naming the application version as its subject."""
    return {
        "bomFormat": "CycloneDX",
        "specVersion": SPEC_VERSION,
        "version": 1,
        "metadata": {
            "timestamp": created_at,
            "component": {
                "type": "application",
                "bom-ref": f"{application}@{version}",
                "name": application,
                "version": version,
            },
            "tools": {"components": [{"type": "application", "name": "mercator"}]},
        },
    }


def _component(ref: str, member: dict[str, Any], nested: list[dict]) -> dict[str, Any]:
    component: dict[str, Any] = {
        "type": TYPE_OF_KIND.get(member["kind"], "application"),
        "bom-ref": ref,
        "name": member["component"],
        "version": member["version"],
    }
    if member["owner"]:
        component["supplier"] = {"name": member["owner"]}
    if member["digest"] and ":" in member["digest"]:
        algorithm, content = member["digest"].split(":", 1)
        if algorithm.lower() == "sha256":
            component["hashes"] = [{"alg": "SHA-256", "content": content}]
    properties = [
        {"name": f"mercator:attribute:{k}", "value": str(v)}
        for k, v in member["attributes"].items()
    ]
    for field in ("image", "git_repository", "git_commit"):
        if member.get(field):
            properties.append({"name": f"mercator:{field}", "value": member[field]})
    if properties:
        component["properties"] = properties
    if nested:
        component["components"] = nested
    return component


def _direct(held: list[dict[str, Any]], needs: dict[str, list[str]]) -> list[str]:
    """The purls a component version depends on directly: those no other package it holds
    depends on, then (for cycles) the smallest purl not yet reachable, until all are."""
    purls = sorted(p["purl"] for p in held)
    brought = {to for tos in needs.values() for to in tos}
    direct = [purl for purl in purls if purl not in brought]
    reached: set[str] = set()
    frontier = list(direct)
    while True:
        while frontier:
            purl = frontier.pop()
            if purl not in reached:
                reached.add(purl)
                frontier += needs.get(purl, [])
        unreached = [purl for purl in purls if purl not in reached]
        if not unreached:
            return direct
        direct.append(unreached[0])
        frontier.append(unreached[0])


def _package(holder: str, package: dict[str, Any]) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "type": "library",
        "bom-ref": f"{holder}|{package['purl']}",
        "name": package["name"] or package["purl"],
        "purl": package["purl"],
    }
    group = PackageURL.from_string(package["purl"]).namespace
    if group:
        entry["group"] = group
    if package["version"]:
        entry["version"] = package["version"]
    if package["scope"] in {"required", "optional", "excluded"}:
        entry["scope"] = package["scope"]
    if package["licenses"]:
        entry["licenses"] = [_license(text) for text in package["licenses"]]
    return entry


def _license(text: str) -> dict[str, Any]:
    """A known SPDX id as `id`, an SPDX expression as `expression`, anything else by name
    (the schema only admits listed SPDX ids)."""
    if is_supported_id(text):
        return {"license": {"id": text}}
    if " " in text and is_expression(text):
        return {"expression": text}
    return {"license": {"name": text}}
