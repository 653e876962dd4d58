"""VEX documents in (CycloneDX or OpenVEX, told apart by their own markers), CycloneDX
VEX out.

In: an OpenVEX document (its `@context`) is read by `app.vulns.openvex`. A CycloneDX
1.4–1.6 document (checked against the official schema of its specVersion, like an SBOM)
whose `vulnerabilities` carry an `analysis` (entries without one are listed, not
analysed, and skipped, so an export imports back). Each entry's `affects` refs name bom-
refs of the document's components; a component with a version is that registered
component version, one without is every version of the component, and a ref to something
nested inside a component (a package) counts for the component that holds it. Its
analysis state becomes the statement's status (`exploitable` → affected,
`resolved`/`resolved_with_pedigree` → fixed, `in_triage` → under_investigation,
`false_positive` → not_affected, its detail saying so), its time is the analysis's
`lastUpdated` or `firstIssued`, else the entry's `updated` or `published`, else the
document's timestamp. The whole document is recorded or nothing.

Out: an application version's vulnerabilities (every row of its exposure, not_affected
ones included) as a CycloneDX 1.6 VEX document, one entry per vulnerability and
component version carrying it, with the analysis of the statement that applies.
"""

from __future__ import annotations

from typing import Any

from app.access.scopes import Actor
from app.core import times
from app.errors import Invalid
from app.graph import Graph, Tx
from app.reports import reports
from app.sbom import cyclonedx
from app.sbom.export import TYPE_OF_KIND, document_of
from app.vulns import openvex, vex, vulnerabilities

#: CycloneDX analysis state → statement status.
STATUS_OF_STATE = {
    "not_affected": "not_affected",
    "false_positive": "not_affected",
    "exploitable": "affected",
    "resolved": "fixed",
    "resolved_with_pedigree": "fixed",
    "in_triage": "under_investigation",
}
#: Statement status → CycloneDX analysis state.
STATE_OF_STATUS = {
    "not_affected": "not_affected",
    "affected": "exploitable",
    "fixed": "resolved",
    "under_investigation": "in_triage",
}
#: OpenVEX justifications in CycloneDX's words (CycloneDX's own pass as they are).
CYCLONEDX_JUSTIFICATION = {
    "component_not_present": "code_not_present",
    "vulnerable_code_not_present": "code_not_present",
    "vulnerable_code_not_in_execute_path": "code_not_reachable",
    "vulnerable_code_cannot_be_controlled_by_adversary": "protected_by_mitigating_control",
    "inline_mitigations_already_exist": "protected_by_mitigating_control",
}
#: CVSS vector prefix → CycloneDX rating method.
METHOD_OF_VECTOR = {"CVSS:4.0/": "CVSSv4", "CVSS:3.1/": "CVSSv31", "CVSS:3.0/": "CVSSv3"}


def import_document(
    graph: Graph, document: Any, environment: str | None, actor: Actor
) -> dict[str, int]:
    """Record the statements of a VEX document, OpenVEX or CycloneDX, optionally for one
    environment only; all or nothing."""
    if openvex.is_openvex(document):
        return openvex.import_openvex(graph, document, environment, actor)
    return import_cyclonedx(graph, document, environment, actor)


def import_cyclonedx(
    graph: Graph, document: Any, environment: str | None, actor: Actor
) -> dict[str, int]:
    """Record the analyses of a CycloneDX VEX document as statements, optionally for one
    environment only; all or nothing."""
    statements = statements_of(document, environment)

    def work(tx: Tx) -> dict[str, int]:
        return vex.record_in(tx, statements, actor)

    return graph.write_tx(work)


def statements_of(document: Any, environment: str | None) -> list[vex.Statement]:
    """The checked statements a CycloneDX VEX document makes, or `Invalid` naming the place."""
    if not isinstance(document, dict) or document.get("bomFormat") != "CycloneDX":
        raise Invalid(
            "a VEX document must be a CycloneDX (bomFormat) or OpenVEX (@context) JSON object",
            {"document": ["bomFormat CycloneDX, or an OpenVEX @context"]},
        )
    spec_version = document.get("specVersion")
    if spec_version not in cyclonedx.CYCLONEDX_VERSIONS:
        supported = ", ".join(cyclonedx.CYCLONEDX_VERSIONS)
        raise Invalid(
            f"CycloneDX specVersion {spec_version!r} is not supported: supported are {supported}",
            {"specVersion": [f"must be one of {supported}"]},
        )
    cyclonedx.validate_schema(document, spec_version)
    subjects = _subjects(document)
    timestamp = (document.get("metadata") or {}).get("timestamp")
    raw: list[tuple[str, dict[str, Any]]] = []
    for i, entry in enumerate(document.get("vulnerabilities") or []):
        where = f"vulnerabilities[{i}]"
        if entry.get("analysis") is None:
            continue  # listed, not analysed (as an export lists what has no statement yet)
        analysis = entry["analysis"]
        state = analysis.get("state")
        if state is None:
            raise Invalid(
                f"{where}.analysis.state is missing", {f"{where}.analysis.state": ["missing"]}
            )
        if "id" not in entry:
            raise Invalid(f"{where}.id is missing", {f"{where}.id": ["missing"]})
        detail = analysis.get("detail")
        if state == "false_positive":
            detail = f"false positive: {detail}" if detail else "false positive"
        said = {
            "vulnerability": entry["id"],
            "status": STATUS_OF_STATE[state],
            "justification": analysis.get("justification"),
            "detail": detail,
            "environment": environment,
        }
        at = (
            analysis.get("lastUpdated")
            or analysis.get("firstIssued")
            or entry.get("updated")
            or entry.get("published")
            or timestamp
        )
        if at is not None:
            said["at"] = at
        if not entry.get("affects"):
            raise Invalid(f"{where}.affects names no component", {f"{where}.affects": ["empty"]})
        for j, affected in enumerate(entry["affects"]):
            ref = affected["ref"]
            if ref not in subjects:
                problem = f"bom-ref {ref!r} is no component of this document"
                raise Invalid(
                    f"{where}.affects[{j}].ref: {problem}", {f"{where}.affects[{j}].ref": [problem]}
                )
            component, version = subjects[ref]
            raw.append(
                (f"{where}.affects[{j}]", {**said, "component": component, "version": version})
            )
    if not raw:
        raise Invalid(
            "the document has no analysed vulnerabilities to record",
            {"vulnerabilities": ["no entry has an analysis"]},
        )
    if len(raw) > vex.MAX_BATCH:
        problem = f"at most {vex.MAX_BATCH} (vulnerability, component) statements"
        raise Invalid(
            f"the document makes {len(raw)} statements: {problem}", {"vulnerabilities": [problem]}
        )
    now = times.now()
    return [vex.parse(statement, where, "cyclonedx", now) for where, statement in raw]


def _subjects(document: dict[str, Any]) -> dict[str, tuple[str, str | None]]:
    """Each bom-ref of a top-level component, or of anything nested in one, → that
    component's (name, version)."""
    subjects: dict[str, tuple[str, str | None]] = {}

    def claim(item: dict[str, Any], subject: tuple[str, str | None]) -> None:
        if "bom-ref" in item:
            subjects[item["bom-ref"]] = subject
        for nested in item.get("components") or []:
            claim(nested, subject)

    for component in document.get("components") or []:
        claim(component, (component["name"], component.get("version")))
    return subjects


def application_version_vex(
    graph: Graph, application: str, version: str, environment: str | None = None
) -> dict[str, Any]:
    """An application version's vulnerabilities with the analysis of the statements that
    apply (those for `environment` too, when given), as CycloneDX 1.6 VEX."""
    exposure = vulnerabilities.application_exposure(
        graph, application, version, environment, limit=vulnerabilities.MAX_LIMIT, all=True
    )
    bom = reports.bom_application_version(graph, application, version)
    entries: dict[tuple[str, str], dict[str, Any]] = {}
    for row in exposure["exposures"]:
        ref = f"{row['component']}@{row['version']}"
        key = (row["vulnerability"], ref)
        if key not in entries:
            entries[key] = _vulnerability(row, ref)
    return {
        **document_of(application, version, bom["created_at"]),
        "components": [
            {
                "type": TYPE_OF_KIND.get(member["kind"], "application"),
                "bom-ref": f"{member['component']}@{member['version']}",
                "name": member["component"],
                "version": member["version"],
            }
            for member in bom["components"]
        ],
        "vulnerabilities": list(entries.values()),
    }


def _vulnerability(row: dict[str, Any], ref: str) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "bom-ref": f"{row['vulnerability']}|{ref}",
        "id": row["vulnerability"],
        "source": {"name": "OSV", "url": f"https://osv.dev/vulnerability/{row['vulnerability']}"},
    }
    if row["aliases"]:
        entry["references"] = [
            {"id": alias, "source": {"name": "OSV alias"}} for alias in row["aliases"]
        ]
    if row["score"] is not None and row["severity"]:
        method = next(
            (m for prefix, m in METHOD_OF_VECTOR.items() if row["severity"].startswith(prefix)),
            "CVSSv2",
        )
        entry["ratings"] = [
            {
                "score": row["score"],
                "severity": (row["rating"] or "unknown").lower(),
                "method": method,
                "vector": row["severity"],
            }
        ]
    if row["summary"]:
        entry["description"] = row["summary"]
    statement = row["vex"]
    if statement is not None:
        analysis: dict[str, Any] = {
            "state": STATE_OF_STATUS[statement["status"]],
            "lastUpdated": statement["at"],
        }
        if statement["justification"]:
            justification = statement["justification"]
            analysis["justification"] = CYCLONEDX_JUSTIFICATION.get(justification, justification)
        if statement["detail"]:
            analysis["detail"] = statement["detail"]
        entry["analysis"] = analysis
    entry["affects"] = [{"ref": ref}]
    return entry
