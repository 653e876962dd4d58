"""VEX statements: what someone who looked says about one vulnerability in one component
or package.

A statement is about a vulnerability (by any name its records go by: the OSV id, a CVE or
GHSA id, so a statement about the CVE counts for every record carrying that alias, even
one imported later; a statement may name aliases of its own, as OpenVEX's do), and a
subject: a component version, or every version of a component, or a package (a purl: it
holds in every component version containing that package), or one package inside a
component (version) — optionally in one environment only. Its status is one of OpenVEX's
(CycloneDX's analysis states map onto them, see `app.sbom.vex`): `not_affected` (with a
justification or a detail saying why), `affected`, `fixed`, `under_investigation`.

Statements are never overwritten: each is kept under its key (vulnerability, subject,
environment, time), so the history stays. The exposure reports apply, to each row, the
most specific statement that covers it — one for this environment before one for every
environment, then one naming the component before one naming only the package, one for
this version before one for every version, one naming the package before one that does
not — and among equally specific ones the latest. Recording the same statement again
changes nothing (pipelines retry); a different one under the same key is a conflict.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC
from typing import Any

from app.access.scopes import Actor
from app.core import times
from app.errors import Conflict, Forbidden, Invalid, NotFound
from app.graph import Graph, Tx

STATUSES = ("not_affected", "affected", "fixed", "under_investigation")
#: Why a component is not affected: CycloneDX 1.6's justifications and OpenVEX's, as
#: given (the CycloneDX export maps OpenVEX's onto its own, `app.sbom.vex`).
JUSTIFICATIONS = (
    "code_not_present",
    "code_not_reachable",
    "requires_configuration",
    "requires_dependency",
    "requires_environment",
    "protected_by_compiler",
    "protected_at_runtime",
    "protected_at_perimeter",
    "protected_by_mitigating_control",
    "component_not_present",
    "vulnerable_code_not_present",
    "vulnerable_code_not_in_execute_path",
    "vulnerable_code_cannot_be_controlled_by_adversary",
    "inline_mitigations_already_exist",
)
#: Most statements in one batch.
MAX_BATCH = 1_000
MAX_TEXT = 10_000
#: Most statement problems named in one refusal.
MAX_PROBLEMS = 50


@dataclass(frozen=True)
class Statement:
    vulnerability: str
    component: str | None
    version: str | None
    environment: str | None
    status: str
    justification: str | None
    detail: str | None
    at: str
    source: str
    #: A package purl: the statement holds where that package is contained.
    package: str | None = None
    #: Other names of the vulnerability the statement gives (OpenVEX `aliases`).
    aliases: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        parts = (self.vulnerability, self.component, self.version, self.environment, self.at)
        if self.package is not None:  # keys of statements about components stay as they were
            parts += (self.package,)
        return "\x1f".join(part or "" for part in parts)

    @property
    def subject(self) -> str:
        """The subject in words, for messages."""
        named = self.component if self.version is None else f"{self.component}@{self.version}"
        if self.package is None:
            return named
        return self.package if self.component is None else f"{self.package} in {named}"

    def row(self) -> dict[str, Any]:
        return {"key": self.key, **self.__dict__, "aliases": list(self.aliases)}

    def says(self) -> dict[str, Any]:
        return {"status": self.status, "justification": self.justification, "detail": self.detail}


def parse(raw: Any, where: str, source: str, default_at: str | None = None) -> Statement:
    """One checked statement from a JSON object, or `Invalid` naming `where` and the field."""
    if not isinstance(raw, dict):
        raise Invalid(f"{where} must be an object", {where: ["must be an object"]})
    known = {
        "vulnerability",
        "aliases",
        "component",
        "version",
        "package",
        "environment",
        "status",
        "justification",
        "detail",
        "at",
    }
    for field in sorted(set(raw) - known):
        raise Invalid(
            f"{where}.{field} is not a statement field", {f"{where}.{field}": ["unknown"]}
        )

    def text(field: str, required: bool = False, limit: int = 500) -> str | None:
        value = raw.get(field)
        if value is None and not required:
            return None
        if not isinstance(value, str) or not value.strip() or len(value) > limit:
            problem = f"must be a non-empty string of at most {limit} characters"
            raise Invalid(f"{where}.{field} {problem}", {f"{where}.{field}": [problem]})
        return value.strip()

    vulnerability = text("vulnerability", required=True)
    component = text("component")
    version = text("version")
    package = text("package", limit=2_000)
    if component is None and package is None:
        problem = "a statement names a component or a package (purl)"
        raise Invalid(f"{where}: {problem}", {f"{where}.component": [problem]})
    if version is not None and component is None:
        problem = "a version is a component's: name the component"
        raise Invalid(f"{where}.version: {problem}", {f"{where}.version": [problem]})
    if package is not None and not package.startswith("pkg:"):
        problem = "must be a purl (pkg:type/namespace/name@version)"
        raise Invalid(f"{where}.package {problem}", {f"{where}.package": [problem]})
    aliases = raw.get("aliases") or []
    if not isinstance(aliases, list) or not all(
        isinstance(a, str) and 0 < len(a.strip()) <= 500 for a in aliases
    ):
        problem = "must be a list of vulnerability names"
        raise Invalid(f"{where}.aliases {problem}", {f"{where}.aliases": [problem]})
    status = text("status", required=True)
    if status not in STATUSES:
        problem = f"must be one of {', '.join(STATUSES)}"
        raise Invalid(f"{where}.status {status!r} {problem}", {f"{where}.status": [problem]})
    justification = text("justification")
    if justification is not None and justification not in JUSTIFICATIONS:
        problem = f"must be one of {', '.join(JUSTIFICATIONS)}"
        raise Invalid(
            f"{where}.justification {justification!r} {problem}",
            {f"{where}.justification": [problem]},
        )
    detail = text("detail", limit=MAX_TEXT)
    if justification is not None and status != "not_affected":
        problem = "only a not_affected statement has a justification"
        raise Invalid(f"{where}.justification: {problem}", {f"{where}.justification": [problem]})
    if status == "not_affected" and justification is None and detail is None:
        problem = "a not_affected statement needs a justification or a detail saying why"
        raise Invalid(f"{where}: {problem}", {f"{where}.justification": [problem]})
    at = raw.get("at", default_at)
    if at is None:
        at = times.now()
    parsed = times.parse(at)
    if parsed is None:
        raise Invalid(f"{where}.at {times.PROBLEM}", {f"{where}.at": [times.PROBLEM]})
    return Statement(
        vulnerability=vulnerability,
        component=component,
        version=version,
        environment=text("environment"),
        status=status,
        justification=justification,
        detail=detail,
        at=times.parsed_text(parsed.astimezone(UTC)),
        source=source,
        package=package,
        aliases=tuple(sorted({a.strip() for a in aliases} - {vulnerability})),
    )


def check(raw_statements: Any, source: str = "api") -> list[Statement]:
    """The checked statements of a batch, or one `Invalid` naming every bad one."""
    if not isinstance(raw_statements, list) or not raw_statements:
        raise Invalid("statements must be a non-empty list", {"statements": ["empty"]})
    if len(raw_statements) > MAX_BATCH:
        problem = f"at most {MAX_BATCH}"
        raise Invalid(f"at most {MAX_BATCH} statements in one batch", {"statements": [problem]})
    now = times.now()  # one time for the statements of a batch that give none
    statements, problems = [], {}
    for index, raw in enumerate(raw_statements):
        try:
            statements.append(parse(raw, f"statements[{index}]", source, now))
        except Invalid as exc:
            problems.update(exc.details)
    if problems:
        named = "; ".join(list(problems)[:3])
        raise Invalid(
            f"{len(problems)} problems in the statements: {named}",
            dict(list(problems.items())[:MAX_PROBLEMS]),
        )
    return statements


def record(graph: Graph, statements: list[Statement], actor: Actor) -> dict[str, int]:
    """Record checked statements in one transaction, all or none: every component,
    version and environment they name must exist; returns how many were recorded anew
    and how many were already held."""

    def work(tx: Tx) -> dict[str, int]:
        return record_in(tx, statements, actor)

    return graph.write_tx(work)


def record_in(tx: Tx, statements: list[Statement], actor: Actor) -> dict[str, int]:
    """`record` within a transaction the caller holds (a VEX document's import)."""
    unique = list({s.key: s for s in statements}.values())
    found = {
        row["key"]: row for row in tx.run("vulns/vex_check", statements=[s.row() for s in unique])
    }
    missing: dict[str, list[str]] = {}
    for s in unique:
        row = found[s.key]
        if not row["component"]:
            missing.setdefault("component", []).append(s.component)
        elif not row["version"]:
            missing.setdefault("version", []).append(f"{s.component}@{s.version}")
        if not row["package"]:
            missing.setdefault("package", []).append(s.package)
        if not row["environment"]:
            missing.setdefault("environment", []).append(s.environment)
        held = row["held"]
        if held is not None and held != s.says():
            raise Conflict(
                f"a different statement about {s.vulnerability} in {s.subject} at {s.at} "
                f"is already recorded: {held['status']}",
                {"held": held, "statement": s.says()},
            )
    if actor.limited:
        everywhere = sorted({s.package for s in unique if s.component is None})
        if everywhere:
            raise Forbidden(
                "this token may speak only for its components, not for a package wherever "
                f"it is contained ({', '.join(everywhere)}): it is limited to "
                + actor.describe_limits(),
                {"packages": everywhere, "limits": actor.limits()},
            )
        actor.check_components({s.component: found[s.key]["owner"] for s in unique})
    if missing:
        named = "; ".join(f"{kind} {', '.join(sorted(set(v)))}" for kind, v in missing.items())
        raise NotFound(f"the statements name what the catalog does not hold: {named}", missing)
    fresh = [s for s in unique if found[s.key]["held"] is None]
    if fresh:
        tx.run("vulns/vex_store", statements=[s.row() for s in fresh], actor=actor.name)
    return {
        "received": len(statements),
        "recorded": len(fresh),
        "unchanged": len(unique) - len(fresh),
    }


def set_statements(graph: Graph, raw_statements: Any, actor: Actor) -> dict[str, int]:
    """Check and record a batch of statements given as JSON objects (the API, the CLI)."""
    return record(graph, check(raw_statements), actor)


def history(graph: Graph, vulnerability: str, component: str | None = None) -> dict[str, Any]:
    """Every statement about `vulnerability` (or another name of its records), newest first
    for each subject, the one in force marked `current`."""
    rows = graph.read("vulns/vex_statements", id=vulnerability, component=component)
    seen = set()
    for row in rows:
        subject = (row["component"], row["version"], row["package"], row["environment"])
        row["current"] = subject not in seen
        seen.add(subject)
    return {"vulnerability": vulnerability, "component": component, "statements": rows}
