"""OpenVEX in: the statements of an OpenVEX (v0.2.0) JSON document.

Each statement names a vulnerability (`vulnerability.name`, with `aliases`), the products
it is about, a `status`, and for `not_affected` a `justification` or an
`impact_statement`. A product is a purl (`@id`, or `identifiers.purl`): an SBOM's package
with exactly that purl (the statement then holds in every component version containing
it), or else the component named as the purl's name, at the purl's version (no version:
every version of it) — as a CycloneDX VEX names a component by its name and version. A
product's `subcomponents` (purls of packages) narrow a statement about a component to
those packages in it. The time is the statement's `last_updated` or `timestamp`, else
the document's `timestamp`; the impact and action statements become the detail.

Everything is checked before anything is written: a missing or unknown status, a
not_affected statement without a reason, a product that is no purl or matches nothing in
the catalog is a 400 naming the statement's index and field, and the whole document is
recorded or nothing.
"""

from __future__ import annotations

from typing import Any

from packageurl import PackageURL

from app.access.scopes import Actor
from app.core import times
from app.errors import Invalid
from app.graph import Graph, Tx
from app.vulns import vex

CONTEXT = "https://openvex.dev/ns"
#: OpenVEX's justifications (its spec's list; CycloneDX's are not OpenVEX's).
JUSTIFICATIONS = (
    "component_not_present",
    "vulnerable_code_not_present",
    "vulnerable_code_not_in_execute_path",
    "vulnerable_code_cannot_be_controlled_by_adversary",
    "inline_mitigations_already_exist",
)


def is_openvex(document: Any) -> bool:
    """Whether a JSON document says it is OpenVEX (its `@context`)."""
    context = document.get("@context") if isinstance(document, dict) else None
    return isinstance(context, str) and context.startswith(CONTEXT)


def import_openvex(
    graph: Graph, document: Any, environment: str | None, actor: Actor
) -> dict[str, int]:
    """Record an OpenVEX document's statements, optionally for one environment only; all
    or nothing."""
    claims = _claims(document)

    def work(tx: Tx) -> dict[str, int]:
        return vex.record_in(tx, _statements(tx, claims, environment), actor)

    return graph.write_tx(work)


def _refuse(where: str, problem: str) -> Invalid:
    return Invalid(f"{where}: {problem}", {where: [problem]})


def _claims(document: Any) -> list[tuple[str, dict[str, Any], list]]:
    """Each statement as (where, what it says as `vex.parse` takes it, what it names as
    (where, product purl, subcomponent purl or None)), checked for shape."""
    if not is_openvex(document):
        raise _refuse("@context", f"an OpenVEX document's @context starts with {CONTEXT}")
    statements = document.get("statements")
    if not isinstance(statements, list) or not statements:
        raise _refuse("statements", "must be a non-empty list")
    document_at = document.get("timestamp")
    claims = []
    for i, raw in enumerate(statements):
        where = f"statements[{i}]"
        if not isinstance(raw, dict):
            raise _refuse(where, "must be an object")
        said = _said(raw, where)
        at = raw.get("last_updated") or raw.get("timestamp") or document_at
        if at is not None:
            said["at"] = at
        products = raw.get("products")
        if not isinstance(products, list) or not products:
            raise _refuse(f"{where}.products", "must be a non-empty list of products")
        named = []
        for j, product in enumerate(products):
            place = f"{where}.products[{j}]"
            purl = _purl(product, place)
            subcomponents = product.get("subcomponents") if isinstance(product, dict) else None
            if not subcomponents:
                named.append((place, purl, None))
                continue
            if not isinstance(subcomponents, list):
                raise _refuse(f"{place}.subcomponents", "must be a list of subcomponents")
            for k, sub in enumerate(subcomponents):
                sub_place = f"{place}.subcomponents[{k}]"
                named.append((sub_place, purl, _purl(sub, sub_place)))
        claims.append((where, said, named))
    if sum(len(named) for _, _, named in claims) > vex.MAX_BATCH:
        problem = f"at most {vex.MAX_BATCH} (statement, product) pairs in one document"
        raise _refuse("statements", problem)
    return claims


def _said(raw: dict[str, Any], where: str) -> dict[str, Any]:
    vulnerability = raw.get("vulnerability")
    if isinstance(vulnerability, str):  # OpenVEX before v0.2.0 named it with a string
        vulnerability = {"name": vulnerability}
    if not isinstance(vulnerability, dict):
        raise _refuse(f"{where}.vulnerability", "must be an object with a name")
    name = vulnerability.get("name") or vulnerability.get("@id")
    if not isinstance(name, str) or not name.strip():
        raise _refuse(f"{where}.vulnerability.name", "missing")
    aliases = vulnerability.get("aliases") or []
    if not isinstance(aliases, list) or not all(isinstance(a, str) and a for a in aliases):
        raise _refuse(f"{where}.vulnerability.aliases", "must be a list of names")
    status = raw.get("status")
    if status is None:
        raise _refuse(f"{where}.status", "missing")
    if status not in vex.STATUSES:
        raise _refuse(f"{where}.status", f"{status!r} is none of {', '.join(vex.STATUSES)}")
    justification = raw.get("justification")
    if justification is not None and justification not in JUSTIFICATIONS:
        raise _refuse(
            f"{where}.justification",
            f"{justification!r} is none of OpenVEX's {', '.join(JUSTIFICATIONS)}",
        )
    if justification is not None and status != "not_affected":
        raise _refuse(f"{where}.justification", "only a not_affected statement has one")
    texts = {}
    for field in ("impact_statement", "action_statement"):
        value = raw.get(field)
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise _refuse(f"{where}.{field}", "must be a non-empty string")
        texts[field] = value.strip() if value else None
    if status == "not_affected" and justification is None and texts["impact_statement"] is None:
        raise _refuse(
            f"{where}.justification",
            "a not_affected statement needs a justification or an impact_statement",
        )
    detail = texts["impact_statement"]
    if texts["action_statement"]:
        action = f"action: {texts['action_statement']}"
        detail = f"{detail} ({action})" if detail else action
    return {
        "vulnerability": name.strip(),
        "aliases": aliases,
        "status": status,
        "justification": justification,
        "detail": detail,
    }


def _purl(product: Any, where: str) -> str:
    """The purl a product or subcomponent is identified by, or `Invalid` naming `where`."""
    if isinstance(product, str):  # OpenVEX before v0.2.0 listed products as strings
        product = {"@id": product}
    if not isinstance(product, dict):
        raise _refuse(where, "must be an object with an @id")
    identifiers = product.get("identifiers") or {}
    purl = product.get("@id")
    if purl is None and isinstance(identifiers, dict):
        purl = identifiers.get("purl")
    if not isinstance(purl, str):
        raise _refuse(f"{where}.@id", "missing: a product is named by a purl")
    try:
        PackageURL.from_string(purl)
    except ValueError as exc:
        raise _refuse(
            f"{where}.@id", f"{purl!r} is no purl ({exc}); only purls name what the catalog holds"
        ) from None
    return purl


def _statements(
    tx: Tx, claims: list[tuple[str, dict[str, Any], list]], environment: str | None
) -> list[vex.Statement]:
    """The statements the claims make about what their purls name in the catalog, or one
    `Invalid` naming every product (or subcomponent) that matches nothing."""
    purls = sorted(
        {purl for _, _, named in claims for _, product, sub in named for purl in (product, sub)}
        - {None}
    )
    found = {
        row["purl"]: row
        for row in tx.run("vulns/vex_products", products=[_product(purl) for purl in purls])
    }
    now = times.now()
    statements, problems = [], {}
    for where, said, named in claims:
        for place, product, sub in named:
            subject = _subject(found[product])
            if subject is None:
                problems[f"{place.split('.subcomponents')[0]}.@id"] = [
                    f"{product} matches no package and no component version of the catalog"
                ]
                continue
            if sub is not None:
                if "component" not in subject:
                    problems[f"{place}.@id"] = ["a package's subcomponents are not tracked"]
                    continue
                if not found[sub]["package"]:
                    problems[f"{place}.@id"] = [f"{sub} is no package of the catalog"]
                    continue
                subject = {**subject, "package": sub}
            statement = {**said, **subject, "environment": environment}
            statements.append(vex.parse(statement, where, "openvex", now))
    if problems:
        named = "; ".join(f"{k}: {v[0]}" for k, v in list(problems.items())[:3])
        raise Invalid(
            f"{len(problems)} products match nothing: {named}",
            dict(list(problems.items())[: vex.MAX_PROBLEMS]),
        )
    return statements


def _product(purl: str) -> dict[str, Any]:
    parsed = PackageURL.from_string(purl)
    return {"purl": purl, "name": parsed.name, "version": parsed.version}


def _subject(row: dict[str, Any]) -> dict[str, Any] | None:
    """What a product's purl names: a package, a component (version), or nothing."""
    if row["package"]:
        return {"package": row["purl"]}
    if row["component"] and row["version"]:
        product = _product(row["purl"])
        return {"component": product["name"], "version": product["version"]}
    return None
