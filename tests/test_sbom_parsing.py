"""Reading SBOMs (app/sbom/): real CycloneDX ones generated from this project's
own environment by cyclonedx-py, hand-written SPDX 2.3 ones, and the ways a file can be
wrong. No Neo4j here."""

from __future__ import annotations

import copy
import json
import socket
import subprocess
import sys
from importlib.metadata import version as installed_version
from pathlib import Path

import pytest

from app.errors import Invalid
from app.sbom import cyclonedx as cyclonedx_reader
from app.sbom import parsing
from app.sbom.cyclonedx import CYCLONEDX_VERSIONS, compile_schema
from app.sbom.document import MAX_PACKAGES, Package, Sbom
from app.sbom.parsing import MAX_BYTES, parse

ROOT = Path(__file__).resolve().parent.parent


def as_bytes(document: object) -> bytes:
    return json.dumps(document).encode()


def by_purl(result: Sbom) -> dict[str, Package]:
    return {package.purl: package for package in result.packages}


def invalid(data: bytes, content_type: str | None = None) -> Invalid:
    with pytest.raises(Invalid) as caught:
        parse(data, content_type)
    return caught.value


# --- real CycloneDX SBOMs of this project's environment ------------------------------------


@pytest.fixture(scope="module")
def environment_sboms(tmp_path_factory) -> dict[str, bytes]:
    """CycloneDX 1.4, 1.5 and 1.6 JSON of the interpreter running the tests, as a pipeline
    would make them (the project itself, from pyproject.toml, as metadata.component)."""
    folder = tmp_path_factory.mktemp("sboms")
    made = {}
    for spec in ("1.4", "1.5", "1.6"):
        out = folder / f"environment-{spec}.json"
        subprocess.run(
            [sys.executable, "-m", "cyclonedx_py", "environment",
             "--pyproject", str(ROOT / "pyproject.toml"), "--spec-version", spec,
             "--output-format", "JSON", "--output-reproducible", "--output-file", str(out),
             sys.executable],
            check=True, capture_output=True, timeout=300,
        )  # fmt: skip
        made[spec] = out.read_bytes()
    return made


@pytest.mark.parametrize("spec", ["1.4", "1.5", "1.6"])
def test_real_environment_sbom_lists_installed_packages_and_their_dependencies(
    environment_sboms, spec
):
    result = parse(environment_sboms[spec], "application/vnd.cyclonedx+json")

    assert (result.format, result.spec_version) == ("CycloneDX", spec)
    packages = by_purl(result)
    for name in ("flask", "click", "neo4j", "packageurl-python"):
        purl = f"pkg:pypi/{name}@{installed_version(name)}"
        assert purl in packages, purl
        assert packages[purl].version == installed_version(name)
        assert packages[purl].ecosystem == "pypi"
    flask = packages[f"pkg:pypi/flask@{installed_version('flask')}"]
    assert flask.name.lower() == "flask"
    assert "BSD-3-Clause" in flask.licenses
    assert flask.scope in (None, "required")
    assert (flask.purl, f"pkg:pypi/click@{installed_version('click')}") in result.dependencies
    assert (
        flask.purl,
        f"pkg:pypi/werkzeug@{installed_version('werkzeug')}",
    ) in result.dependencies
    # The SBOM describes the project itself: it is not one of its packages.
    assert not any(p.name == "mercator" for p in result.packages)
    assert all(a in packages and b in packages for a, b in result.dependencies)
    assert list(result.packages) == sorted(result.packages, key=lambda p: p.purl)
    assert list(result.dependencies) == sorted(set(result.dependencies))
    assert result.digest.startswith("sha256:") and len(result.digest) == 7 + 64


def test_the_same_environment_in_another_spec_version_has_the_same_packages(environment_sboms):
    results = [parse(data) for data in environment_sboms.values()]
    assert {r.packages for r in results} == {results[0].packages}
    assert {r.dependencies for r in results} == {results[0].dependencies}


def test_real_sbom_reformatted_has_the_same_digest(environment_sboms):
    original = environment_sboms["1.6"]
    document = json.loads(original)
    document["components"].reverse()
    reordered = json.dumps(document, indent=4, sort_keys=True).encode()
    assert reordered != original
    assert parse(reordered).digest == parse(original).digest


# --- hand-written CycloneDX ------------------------------------------------------------------


def cyclonedx(spec: str = "1.6", components=None, dependencies=None, **extra) -> dict:
    document = {
        "bomFormat": "CycloneDX",
        "specVersion": spec,
        "version": 1,
        "metadata": {
            "component": {"type": "application", "bom-ref": "app", "name": "payment"}
        },
        "components": components if components is not None else [
            {"type": "library", "bom-ref": "a", "name": "log4j-core", "group": "org.apache",
             "version": "2.17.0", "purl": "pkg:maven/org.apache/log4j-core@2.17.0",
             "scope": "required", "licenses": [{"license": {"id": "Apache-2.0"}}],
             "hashes": [{"alg": "SHA-256", "content": "AB" * 32}],
             "components": [
                 {"type": "library", "bom-ref": "a1", "name": "log4j-api",
                  "version": "2.17.0", "purl": "pkg:maven/org.apache/log4j-api@2.17.0",
                  "scope": "optional", "licenses": [{"expression": "Apache-2.0 OR MIT"}]},
             ]},
            {"type": "library", "bom-ref": "b", "name": "left-pad", "version": "1.3.0",
             "purl": "pkg:npm/left-pad@1.3.0", "licenses": [{"license": {"name": "WTFPL"}}]},
        ],
        "dependencies": dependencies if dependencies is not None else [
            {"ref": "app", "dependsOn": ["a", "b"]},
            {"ref": "a", "dependsOn": ["a1", "a"]},
            {"ref": "a1", "dependsOn": ["b"]},
            {"ref": "b", "dependsOn": []},
        ],
    }  # fmt: skip
    document.update(extra)
    return document


def test_cyclonedx_components_nested_licenses_hashes_scope_and_package_edges_only():
    result = parse(as_bytes(cyclonedx()))

    assert result.packages == (
        Package("pkg:maven/org.apache/log4j-api@2.17.0", "log4j-api", "2.17.0", "maven",
                ("Apache-2.0 OR MIT",), (), "optional"),
        Package("pkg:maven/org.apache/log4j-core@2.17.0", "log4j-core", "2.17.0", "maven",
                ("Apache-2.0",), (("SHA-256", "ab" * 32),), "required"),
        Package("pkg:npm/left-pad@1.3.0", "left-pad", "1.3.0", "npm", ("WTFPL",), (), None),
    )  # fmt: skip
    # app (metadata.component) -> a/b is gone, a -> a is a self-edge.
    assert result.dependencies == (
        ("pkg:maven/org.apache/log4j-api@2.17.0", "pkg:npm/left-pad@1.3.0"),
        ("pkg:maven/org.apache/log4j-core@2.17.0", "pkg:maven/org.apache/log4j-api@2.17.0"),
    )


def test_purls_are_canonical_and_duplicates_merge():
    components = [
        {"type": "library", "bom-ref": "x1", "name": "Flask", "version": "3.1.3",
         "purl": "pkg:PyPI/Flask@3.1.3", "scope": "optional",
         "licenses": [{"license": {"id": "BSD-3-Clause"}}],
         "hashes": [{"alg": "SHA-256", "content": "aa" * 32}]},
        {"type": "library", "bom-ref": "x2", "name": "flask", "version": "3.1.3",
         "purl": "pkg:pypi/flask@3.1.3", "scope": "required",
         "licenses": [{"license": {"id": "BSD-3-Clause"}}, {"license": {"name": "Custom"}}],
         "hashes": [{"alg": "SHA-1", "content": "bb" * 20}]},
        {"type": "library", "bom-ref": "c", "name": "click", "purl": "pkg:pypi/click@8.1.7"},
    ]  # fmt: skip
    dependencies = [{"ref": "x1", "dependsOn": ["c", "x2"]}, {"ref": "x2", "dependsOn": ["c"]}]
    result = parse(as_bytes(cyclonedx(components=components, dependencies=dependencies)))

    flask = by_purl(result)["pkg:pypi/flask@3.1.3"]
    assert len(result.packages) == 2
    assert flask.licenses == ("BSD-3-Clause", "Custom")
    assert flask.hashes == (("SHA-1", "bb" * 20), ("SHA-256", "aa" * 32))
    assert flask.scope == "required"
    assert by_purl(result)["pkg:pypi/click@8.1.7"].version == "8.1.7"  # from the purl
    assert result.dependencies == (("pkg:pypi/flask@3.1.3", "pkg:pypi/click@8.1.7"),)


def test_a_dependency_cycle_is_kept():
    dependencies = [
        {"ref": "a", "dependsOn": ["b"]},
        {"ref": "b", "dependsOn": ["a1"]},
        {"ref": "a1", "dependsOn": ["a"]},
    ]
    result = parse(as_bytes(cyclonedx(dependencies=dependencies)))
    assert len(result.dependencies) == 3
    assert ("pkg:maven/org.apache/log4j-api@2.17.0", "pkg:maven/org.apache/log4j-core@2.17.0") in (
        result.dependencies
    )


def test_same_content_same_digest_other_content_other_digest():
    document = cyclonedx()
    reordered = json.loads(json.dumps(document, sort_keys=True))
    reordered["components"].reverse()
    reordered["dependencies"].reverse()
    pretty = json.dumps(reordered, indent=2, sort_keys=True).encode()
    digest = parse(as_bytes(document)).digest
    assert parse(pretty).digest == digest

    other_version = copy.deepcopy(document)
    other_version["components"][1]["purl"] = "pkg:npm/left-pad@1.3.1"
    other_edge = copy.deepcopy(document)
    other_edge["dependencies"][3]["dependsOn"] = ["a"]
    other_license = copy.deepcopy(document)
    other_license["components"][1]["licenses"] = [{"license": {"id": "MIT"}}]
    digests = {parse(as_bytes(d)).digest for d in (other_version, other_edge, other_license)}
    assert len(digests | {digest}) == 4


def test_component_without_purl_is_named():
    document = cyclonedx()
    del document["components"][0]["components"][0]["purl"]
    error = invalid(as_bytes(document))
    assert "components[0].components[0]" in error.message and "log4j-api" in error.message
    assert error.details == {"components[0].components[0].purl": ["missing"]}


def test_every_component_without_purl_is_named():
    components = [{"type": "library", "bom-ref": f"r{i}", "name": f"p{i}"} for i in range(3)]
    error = invalid(as_bytes(cyclonedx(components=components, dependencies=[])))
    assert set(error.details) == {f"components[{i}].purl" for i in range(3)}
    assert "2 more" in error.message


def test_duplicate_bom_ref_is_named():
    document = cyclonedx()
    document["components"][1]["bom-ref"] = "a1"
    error = invalid(as_bytes(document))
    assert error.message.startswith(
        "bom-ref 'a1' of components[1] is already used by components[0].components[0]"
    )
    assert error.details["components[1].bom-ref"] == ["duplicate of components[0].components[0]"]
    # ... and left-pad's own ref, 'b', is gone: the dependencies naming it are named too.
    assert error.details["dependencies[3].ref"] == ["unknown bom-ref 'b'"]


def test_bom_ref_shared_with_the_described_component_is_a_duplicate():
    document = cyclonedx()
    document["components"][1]["bom-ref"] = "app"
    assert "components[1].bom-ref" in invalid(as_bytes(document)).details


def test_dependencies_on_unknown_refs_are_named():
    dependencies = [{"ref": "a", "dependsOn": ["ghost"]}, {"ref": "nobody", "dependsOn": []}]
    error = invalid(as_bytes(cyclonedx(dependencies=dependencies)))
    assert error.details == {
        "dependencies[0].dependsOn[0]": ["unknown bom-ref 'ghost'"],
        "dependencies[1].ref": ["unknown bom-ref 'nobody'"],
    }


def test_edges_to_services_are_dropped():
    document = cyclonedx(
        services=[{"bom-ref": "svc", "name": "payments-api"}],
        dependencies=[{"ref": "a", "dependsOn": ["svc", "b"]}, {"ref": "svc", "dependsOn": ["b"]}],
    )
    result = parse(as_bytes(document))
    assert result.dependencies == (
        ("pkg:maven/org.apache/log4j-core@2.17.0", "pkg:npm/left-pad@1.3.0"),
    )


def test_bad_purl_is_named():
    document = cyclonedx()
    document["components"][1]["purl"] = "left-pad@1.3.0"
    error = invalid(as_bytes(document))
    assert list(error.details) == ["components[1].purl"]
    assert "not a purl" in error.details["components[1].purl"][0]


@pytest.mark.parametrize(
    ("change", "place"),
    [
        (lambda d: d["components"][1].update(hashes=[{"alg": "SHA-256", "content": "zz"}]),
         "components[1].hashes[0].content"),
        (lambda d: d["components"][1].update(scope="sometimes"), "components[1].scope"),
        (lambda d: d["components"][1].update(colour="blue"), "components[1]"),
        (lambda d: d["components"][1].pop("name"), "components[1]"),
        (lambda d: d.update(components={"a": 1}), "components"),
        # Components and dependencies are checked one at a time, as they are read: each is
        # named at its own place, a nested one too, and the arrays' uniqueItems still holds.
        (lambda d: d["components"][0]["components"][0].update(scope="never"),
         "components[0].components[0].scope"),
        (lambda d: d["dependencies"][2].update(dependsOn="b"), "dependencies[2].dependsOn"),
        (lambda d: d["components"].append(copy.deepcopy(d["components"][1])), "components"),
        (lambda d: d["dependencies"].append(dict(d["dependencies"][0])), "dependencies"),
        (lambda d: d["metadata"].update(colour="blue"), "metadata"),
    ],
)  # fmt: skip
def test_schema_violations_are_named(change, place):
    document = cyclonedx()
    change(document)
    error = invalid(as_bytes(document))
    assert error.message.startswith("not a valid CycloneDX 1.6 document")
    assert list(error.details) == [place]


@pytest.mark.parametrize("spec", ["1.2", "1.3", "1.7", "2.0", 1.5, None])
def test_unsupported_cyclonedx_versions_are_refused(spec):
    error = invalid(as_bytes(cyclonedx(spec=spec)))
    assert "1.4, 1.5, 1.6" in error.message
    assert "specVersion" in error.details


@pytest.mark.parametrize("spec", ["1.4", "1.5"])
def test_older_spec_versions_are_checked_against_their_own_schema(spec):
    document = cyclonedx(spec=spec)
    assert parse(as_bytes(document)).spec_version == spec
    # `scope` and `version` exist in 1.4 and 1.5, but 1.6's `omniborId` does not.
    document["components"][1]["omniborId"] = ["gitoid:blob:sha1:" + "a" * 40]
    assert "components[1]" in invalid(as_bytes(document)).details


def test_schemas_compile_without_network(monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("the network was used")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    for spec in CYCLONEDX_VERSIONS:
        validate = compile_schema(spec)
        validate(cyclonedx(spec=spec))


# --- SPDX 2.3 ----------------------------------------------------------------------------------


def spdx(packages=None, relationships=None, **extra) -> dict:
    document = {
        "spdxVersion": "SPDX-2.3",
        "dataLicense": "CC0-1.0",
        "SPDXID": "SPDXRef-DOCUMENT",
        "name": "payment-1.5.1",
        "documentNamespace": "https://example.com/spdx/payment-1.5.1",
        "creationInfo": {"created": "2024-05-01T12:00:00Z", "creators": ["Tool: hand"]},
        "documentDescribes": ["SPDXRef-app"],
        "packages": packages if packages is not None else [
            {"SPDXID": "SPDXRef-app", "name": "payment", "versionInfo": "1.5.1",
             "downloadLocation": "NOASSERTION", "licenseConcluded": "NOASSERTION"},
            {"SPDXID": "SPDXRef-requests", "name": "requests", "versionInfo": "2.32.3",
             "downloadLocation": "https://pypi.org/project/requests",
             "licenseConcluded": "Apache-2.0", "licenseDeclared": "Apache-2.0",
             "checksums": [{"algorithm": "SHA256", "checksumValue": "CD" * 32},
                           {"algorithm": "MD5", "checksumValue": "ef" * 16}],
             "externalRefs": [
                 {"referenceCategory": "SECURITY", "referenceType": "cpe23Type",
                  "referenceLocator": "cpe:2.3:a:python:requests:2.32.3:*:*:*:*:*:*:*"},
                 {"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl",
                  "referenceLocator": "pkg:pypi/Requests@2.32.3"}]},
            {"SPDXID": "SPDXRef-urllib3", "name": "urllib3", "versionInfo": "2.2.1",
             "downloadLocation": "NOASSERTION", "licenseConcluded": "MIT",
             "licenseDeclared": "NONE",
             "externalRefs": [{"referenceCategory": "PACKAGE_MANAGER", "referenceType": "purl",
                               "referenceLocator": "pkg:pypi/urllib3@2.2.1"}]},
            {"SPDXID": "SPDXRef-blob", "name": "in house/blob", "versionInfo": "1.0 beta",
             "downloadLocation": "NONE", "licenseDeclared": "MIT OR Apache-2.0"},
        ],
        "files": [{"SPDXID": "SPDXRef-file", "fileName": "./app.py",
                   "checksums": [{"algorithm": "SHA1", "checksumValue": "00" * 20}]}],
        "relationships": relationships if relationships is not None else [
            {"spdxElementId": "SPDXRef-DOCUMENT", "relationshipType": "DESCRIBES",
             "relatedSpdxElement": "SPDXRef-app"},
            {"spdxElementId": "SPDXRef-app", "relationshipType": "CONTAINS",
             "relatedSpdxElement": "SPDXRef-requests"},
            {"spdxElementId": "SPDXRef-app", "relationshipType": "DEPENDS_ON",
             "relatedSpdxElement": "SPDXRef-requests"},
            {"spdxElementId": "SPDXRef-requests", "relationshipType": "DEPENDS_ON",
             "relatedSpdxElement": "SPDXRef-urllib3"},
            {"spdxElementId": "SPDXRef-blob", "relationshipType": "DEPENDENCY_OF",
             "relatedSpdxElement": "SPDXRef-urllib3"},
            {"spdxElementId": "SPDXRef-app", "relationshipType": "DEPENDS_ON",
             "relatedSpdxElement": "SPDXRef-file"},
            {"spdxElementId": "SPDXRef-app", "relationshipType": "DEPENDS_ON",
             "relatedSpdxElement": "NOASSERTION"},
        ],
    }  # fmt: skip
    document.update(extra)
    return document


def test_spdx_packages_with_and_without_purls_and_their_dependencies():
    result = parse(as_bytes(spdx()), "application/spdx+json")

    assert (result.format, result.spec_version) == ("SPDX", "2.3")
    assert result.packages == (
        Package("pkg:generic/in%20house/blob@1.0%20beta", "in house/blob", "1.0 beta", "generic",
                ("MIT OR Apache-2.0",), (), None),
        Package("pkg:generic/payment@1.5.1", "payment", "1.5.1", "generic", (), (), None),
        Package("pkg:pypi/requests@2.32.3", "requests", "2.32.3", "pypi", ("Apache-2.0",),
                (("MD5", "ef" * 16), ("SHA-256", "cd" * 32)), None),
        Package("pkg:pypi/urllib3@2.2.1", "urllib3", "2.2.1", "pypi", ("MIT",), (), None),
    )  # fmt: skip
    assert result.dependencies == (
        ("pkg:generic/payment@1.5.1", "pkg:pypi/requests@2.32.3"),
        ("pkg:pypi/requests@2.32.3", "pkg:pypi/urllib3@2.2.1"),
        ("pkg:pypi/urllib3@2.2.1", "pkg:generic/in%20house/blob@1.0%20beta"),
    )


def test_spdx_digest_ignores_order_and_whitespace():
    document = spdx()
    shuffled = json.loads(json.dumps(document, sort_keys=True))
    shuffled["packages"].reverse()
    shuffled["relationships"].reverse()
    assert parse(json.dumps(shuffled, indent=3).encode()).digest == parse(as_bytes(document)).digest
    changed = spdx()
    changed["packages"][2]["licenseConcluded"] = "BSD-3-Clause"
    assert parse(as_bytes(changed)).digest != parse(as_bytes(document)).digest


def test_spdx_cycle_kept():
    relationships = [
        {"spdxElementId": "SPDXRef-requests", "relationshipType": "DEPENDS_ON",
         "relatedSpdxElement": "SPDXRef-urllib3"},
        {"spdxElementId": "SPDXRef-requests", "relationshipType": "DEPENDENCY_OF",
         "relatedSpdxElement": "SPDXRef-urllib3"},
    ]  # fmt: skip
    result = parse(as_bytes(spdx(relationships=relationships)))
    assert result.dependencies == (
        ("pkg:pypi/requests@2.32.3", "pkg:pypi/urllib3@2.2.1"),
        ("pkg:pypi/urllib3@2.2.1", "pkg:pypi/requests@2.32.3"),
    )


@pytest.mark.parametrize(
    ("change", "place"),
    [
        (lambda d: d["packages"][1].pop("name"), "packages[1].name"),
        (lambda d: d["packages"][2].update(SPDXID="SPDXRef-requests"), "packages[2].SPDXID"),
        (lambda d: d["packages"][1]["externalRefs"][1].update(referenceLocator="requests"),
         "packages[1].externalRefs[1].referenceLocator"),
        (lambda d: d["packages"][1]["checksums"][0].update(checksumValue="not hex"),
         "packages[1].checksums[0].checksumValue"),
        (lambda d: d["relationships"][3].update(relatedSpdxElement="SPDXRef-ghost"),
         "relationships[3].relatedSpdxElement"),
        (lambda d: d.pop("documentNamespace"), "documentNamespace"),
        (lambda d: d.update(packages={}), "packages"),
    ],
)  # fmt: skip
def test_spdx_problems_are_named(change, place):
    document = spdx()
    change(document)
    assert place in invalid(as_bytes(document)).details


def test_other_spdx_versions_are_refused():
    error = invalid(as_bytes(spdx(spdxVersion="SPDX-2.2")))
    assert "SPDX-2.3" in error.message


# --- what is not an SBOM -----------------------------------------------------------------------


def test_malformed_json_says_where():
    error = invalid(b'{"bomFormat": "CycloneDX",\n "specVersion": "1.6",, }')
    assert "not valid JSON" in error.message and "line 2 column" in error.message


def test_malformed_json_late_in_a_large_array_says_where():
    text = as_bytes(cyclonedx()).decode()
    broken = text.replace('"name": "left-pad"', '"name": "left-pad",,', 1)
    error = invalid(("\n" * 3 + broken).encode())
    column = broken.index(",,") + 2
    assert f"at line 4 column {column}" in error.message and error.details["sbom"]


def test_truncated_json_is_refused_saying_so():
    error = invalid(as_bytes(cyclonedx())[:-40])
    assert "not valid JSON" in error.message and "at its end" in error.message


def test_a_large_array_given_twice_is_refused():
    text = as_bytes(cyclonedx()).decode()
    twice = text[:-1] + ', "components": []}'
    error = invalid(twice.encode())
    assert list(error.details) == ["components"]


def test_the_order_of_the_documents_keys_does_not_matter():
    """The components are read in a pass of their own: dependencies, services and the
    described component may come before or after them."""
    document = cyclonedx()
    reordered = {key: document[key] for key in reversed(list(document))}
    assert list(reordered)[0] == "dependencies"
    assert parse(as_bytes(reordered)) == parse(as_bytes(document))


def test_the_digest_is_the_sha256_of_the_canonical_content():
    """The digest is hashed a piece at a time; the bytes must be those of the one
    canonical JSON text, so SBOMs attached before keep their digest."""
    import hashlib

    result = parse(as_bytes(cyclonedx()))
    canonical = {
        "format": result.format,
        "packages": [[p.purl, p.name, p.version, p.ecosystem, list(p.licenses),
                      [list(h) for h in p.hashes], p.scope] for p in result.packages],
        "dependencies": [list(edge) for edge in result.dependencies],
    }  # fmt: skip
    text = json.dumps(canonical, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert result.digest == "sha256:" + hashlib.sha256(text.encode()).hexdigest()
    assert result.digest == PINNED_DIGEST


#: The digest of `cyclonedx()` as the parser gave it before it streamed.
PINNED_DIGEST = "sha256:b200b8b30de98260cff49ad23f8f1cda225b8269ec54032eed72b9e386809753"


def test_non_utf8_is_refused():
    error = invalid('{"name": "caf\u00e9"}'.encode("latin-1"))
    assert "UTF-8" in error.message


@pytest.mark.parametrize(
    "document", [{"hello": "world"}, [], "CycloneDX", {"bomFormat": "SWID"}, None]
)
def test_other_json_is_refused(document):
    assert invalid(as_bytes(document)).message == parsing.NOT_AN_SBOM


def test_payload_over_the_limit_is_refused_before_parsing(monkeypatch):
    def no_parsing(*args, **kwargs):
        raise AssertionError("an oversized payload was parsed")

    monkeypatch.setattr(parsing, "Json", no_parsing)
    error = invalid(b"{" + b" " * MAX_BYTES + b"}")
    assert str(MAX_BYTES) in error.message


def test_more_packages_than_the_limit_are_refused():
    components = [{"type": "library", "name": "x"}] * (MAX_PACKAGES + 1)
    error = invalid(as_bytes(cyclonedx(components=components, dependencies=[])))
    assert str(MAX_PACKAGES) in error.message


@pytest.mark.parametrize(
    "content_type",
    [None, "application/json", "application/json; charset=utf-8",
     "application/vnd.cyclonedx+json", "application/vnd.cyclonedx+json; version=1.6",
     "Application/VND.CycloneDX+JSON;version=1.6"],
)  # fmt: skip
def test_accepted_content_types(content_type):
    assert parse(as_bytes(cyclonedx()), content_type).format == "CycloneDX"


@pytest.mark.parametrize(
    ("content_type", "words"),
    [("text/plain", "text/plain"), ("application/xml", "application/xml"),
     ("application/vnd.cyclonedx+xml", "cyclonedx+xml"),
     ("application/spdx+json", "announces SPDX"),
     ("application/vnd.cyclonedx+json; version=1.5", "1.5")],
)  # fmt: skip
def test_refused_content_types(content_type, words):
    error = invalid(as_bytes(cyclonedx()), content_type)
    assert words in error.message and "content_type" in error.details


# --- size ---------------------------------------------------------------------------------------


def generated(count: int) -> bytes:
    components = [
        {"type": "library", "bom-ref": f"r{i}", "name": f"lib{i}", "version": "1.0.0",
         "purl": f"pkg:maven/com.example/lib{i}@1.0.0?type=jar", "scope": "required",
         "licenses": [{"license": {"id": "Apache-2.0"}}],
         "hashes": [{"alg": "SHA-256", "content": f"{i:064x}"}]}
        for i in range(count)
    ]  # fmt: skip
    dependencies = [
        {"ref": f"r{i}", "dependsOn": [f"r{(i + 1) % count}", f"r{(i * 7) % count}"]}
        for i in range(count)
    ]
    return as_bytes(cyclonedx(components=components, dependencies=dependencies))


def test_the_largest_accepted_sbom_parses_whole():
    """Speed is measured in benchmarks/parsing.py; here, that 100,000 packages read whole."""
    result = parse(generated(MAX_PACKAGES))
    assert len(result.packages) == MAX_PACKAGES
    assert ("pkg:maven/com.example/lib0@1.0.0?type=jar",
            "pkg:maven/com.example/lib1@1.0.0?type=jar") in result.dependencies  # fmt: skip


def test_threads_taking_their_first_sboms_at_once_share_one_compiled_schema():
    """Compiling a CycloneDX schema costs a worker about 220 MiB: three threads starting
    at once must not compile three."""
    import threading

    cyclonedx_reader._compiled.cache_clear()
    start = threading.Barrier(3)
    got = []

    def first_sbom() -> None:
        start.wait()
        got.append(cyclonedx_reader._schema_validator("1.5"))

    threads = [threading.Thread(target=first_sbom) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(got) == 3 and all(validator is got[0] for validator in got)
