"""SBOMs attached to component versions, and where a package runs."""

from __future__ import annotations

import json
import threading

import pytest
from click.testing import CliRunner

from app.admin import demo
from app.cli import cli
from app.cli.catalogs import LocalCatalog
from app.errors import TimedOut
from app.graph import Graph
from app.graph.db import connect
from app.sbom import packages
from app.sbom.document import MAX_PACKAGES
from tests.catalog import counts, register
from tests.test_http_basics import assert_error_shape

CDX = "application/vnd.cyclonedx+json"
LOG4J_OLD = "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"
LOG4J_API_OLD = "pkg:maven/org.apache.logging.log4j/log4j-api@2.14.1"
JACKSON = "pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.12.3"


def cyclonedx(*packages: tuple[str, list[str]], scope: str = "required", indent=None) -> bytes:
    """A CycloneDX 1.6 document listing (purl, [purls it depends on])."""
    components = []
    for purl, _ in packages:
        name, _, version = purl.rpartition("@")
        components.append(
            {
                "type": "library",
                "bom-ref": purl,
                "purl": purl,
                "scope": scope,
                "name": name.rsplit("/", 1)[-1],
                "version": version,
                "licenses": [{"license": {"id": "Apache-2.0"}}],
            }
        )
    return json.dumps(
        {
            "bomFormat": "CycloneDX",
            "specVersion": "1.6",
            "version": 1,
            "components": components,
            "dependencies": [{"ref": p, "dependsOn": d} for p, d in packages],
        },
        indent=indent,
    ).encode()


def attach(client, component, version, body: bytes, content_type=CDX, query=""):
    return client.put(
        f"/api/v1/components/{component}/versions/{version}/sbom{query}",
        data=body,
        content_type=content_type,
    )


@pytest.fixture
def svc(client):
    register(client, "svc", "1.0.0")
    return client


def test_attach_writes_packages_scopes_and_their_dependencies(svc, raw_cypher):
    response = attach(
        svc, "svc", "1.0.0", cyclonedx((LOG4J_OLD, [LOG4J_API_OLD]), (LOG4J_API_OLD, []))
    )
    assert response.status_code == 201, response.get_json()
    summary = response.get_json()
    assert (summary["format"], summary["spec_version"], summary["packages"]) == (
        "CycloneDX",
        "1.6",
        2,
    )
    assert summary["digest"].startswith("sha256:")
    contains = raw_cypher(
        "MATCH (v:ComponentVersion)-[c:CONTAINS]->(p:Package) "
        "RETURN v.component AS c, p.purl AS purl, c.scope AS scope, "
        "p.ecosystem AS eco, p.licenses AS licenses"
    )
    assert {(r["c"], r["purl"], r["scope"], r["eco"], tuple(r["licenses"])) for r in contains} == {
        ("svc", LOG4J_OLD, "required", "maven", ("Apache-2.0",)),
        ("svc", LOG4J_API_OLD, "required", "maven", ("Apache-2.0",)),
    }
    edges = raw_cypher(
        "MATCH (a:Package)-[:DEPENDS_ON]->(b:Package) RETURN a.purl AS a, b.purl AS b"
    )
    assert edges == [{"a": LOG4J_OLD, "b": LOG4J_API_OLD}]
    assert svc.get("/api/v1/components/svc/versions/1.0.0/sbom").get_json()["packages"] == 2


def test_same_sbom_again_is_a_no_op_another_is_409_unless_replaced(svc, raw_cypher):
    assert attach(svc, "svc", "1.0.0", cyclonedx((LOG4J_OLD, []))).status_code == 201
    before = counts(raw_cypher)
    again = attach(svc, "svc", "1.0.0", cyclonedx((LOG4J_OLD, []), indent=4))
    assert again.status_code == 200
    assert counts(raw_cypher) == before
    other = cyclonedx((LOG4J_API_OLD, []))
    error = assert_error_shape(attach(svc, "svc", "1.0.0", other), 409, "conflict")
    assert "replace" in error["message"]
    assert counts(raw_cypher) == before
    replaced = attach(svc, "svc", "1.0.0", other, query="?replace=true")
    assert replaced.status_code == 201
    purls = raw_cypher("MATCH (:ComponentVersion)-[:CONTAINS]->(p) RETURN p.purl AS p")
    assert purls == [{"p": LOG4J_API_OLD}]


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        (b"{not json", CDX, 400),
        (
            json.dumps({"bomFormat": "CycloneDX", "specVersion": "1.2", "components": []}).encode(),
            CDX,
            400,
        ),
        (
            json.dumps(
                {
                    "bomFormat": "CycloneDX",
                    "specVersion": "1.6",
                    "components": [
                        {"type": "library", "name": "a", "bom-ref": "r", "purl": "pkg:npm/a@1"},
                        {"type": "library", "name": "b", "bom-ref": "r", "purl": "pkg:npm/b@1"},
                    ],
                }
            ).encode(),
            CDX,
            400,
        ),
        (b"<bom/>", "application/xml", 415),
    ],
)
def test_bad_sboms_are_refused_and_write_nothing(svc, raw_cypher, body, content_type, status):
    before = counts(raw_cypher)
    response = attach(svc, "svc", "1.0.0", body, content_type)
    assert response.status_code == status, response.get_json()
    assert response.get_json()["error"]["message"]
    assert counts(raw_cypher) == before


def test_a_component_without_purl_is_named_and_nothing_is_written(svc, raw_cypher):
    body = json.dumps(
        {
            "bomFormat": "CycloneDX",
            "specVersion": "1.5",
            "components": [{"type": "library", "name": "vendored-lib", "version": "0.3"}],
        }
    ).encode()
    error = assert_error_shape(attach(svc, "svc", "1.0.0", body), 400, "invalid")
    assert "components[0].purl" in error["details"]
    assert raw_cypher("MATCH (p:Package) RETURN count(p) AS n") == [{"n": 0}]


def test_spdx_packages_and_relationships(svc, raw_cypher):
    body = json.dumps(
        {
            "spdxVersion": "SPDX-2.3",
            "SPDXID": "SPDXRef-DOCUMENT",
            "dataLicense": "CC0-1.0",
            "name": "svc-1.0.0",
            "documentNamespace": "https://sbom.example.com/svc-1.0.0",
            "creationInfo": {"created": "2026-11-20T10:00:00Z", "creators": ["Tool: build"]},
            "packages": [
                {
                    "SPDXID": "SPDXRef-a",
                    "name": "a",
                    "versionInfo": "1.0",
                    "licenseConcluded": "MIT",
                    "downloadLocation": "NOASSERTION",
                },
                {
                    "SPDXID": "SPDXRef-b",
                    "name": "b",
                    "versionInfo": "2.0",
                    "downloadLocation": "NOASSERTION",
                    "externalRefs": [
                        {
                            "referenceCategory": "PACKAGE-MANAGER",
                            "referenceType": "purl",
                            "referenceLocator": "pkg:npm/b@2.0",
                        }
                    ],
                },
            ],
            "relationships": [
                {
                    "spdxElementId": "SPDXRef-b",
                    "relationshipType": "DEPENDENCY_OF",
                    "relatedSpdxElement": "SPDXRef-a",
                },
                {
                    "spdxElementId": "SPDXRef-DOCUMENT",
                    "relationshipType": "DESCRIBES",
                    "relatedSpdxElement": "SPDXRef-a",
                },
            ],
        }
    ).encode()
    response = attach(svc, "svc", "1.0.0", body, "application/spdx+json")
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["format"] == "SPDX"
    assert raw_cypher(
        "MATCH (a:Package)-[:DEPENDS_ON]->(b:Package) RETURN a.purl AS a, b.purl AS b"
    ) == [{"a": "pkg:generic/a@1.0", "b": "pkg:npm/b@2.0"}]


def test_an_sbom_over_50_mb_is_413(svc, raw_cypher):
    before = counts(raw_cypher)
    response = attach(svc, "svc", "1.0.0", b" " * (50 * 1024 * 1024 + 1))
    assert_error_shape(response, 413, "request_entity_too_large")
    assert counts(raw_cypher) == before


def test_an_sbom_at_the_package_limit_is_attached_whole_and_seen_whole(svc, raw_cypher):
    """An SBOM of MAX_PACKAGES packages and twice as many dependency edges (about 40 MB,
    read a component at a time): every package and edge is attached, on a server with 1 GB
    of heap (written in one transaction, it ran out of the server's 717 MiB of transaction
    memory). A reader looking meanwhile sees the version hold none of them or all."""
    from tests.test_sbom_parsing import generated

    count = MAX_PACKAGES
    body = generated(count)
    seen: list[int] = []
    attached = threading.Event()

    def look() -> None:
        while not attached.is_set():
            seen.extend(
                row["n"]
                for row in raw_cypher(
                    "MATCH (:ComponentVersion {component: 'svc', version: '1.0.0'})"
                    "-[c:CONTAINS]->() RETURN count(c) AS n"
                )
            )
            attached.wait(0.5)

    reader = threading.Thread(target=look)
    reader.start()
    try:
        response = attach(svc, "svc", "1.0.0", body)
    finally:
        attached.set()
        reader.join()
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["packages"] == count
    assert set(seen) <= {0, count} and seen.count(0) > 10  # one transaction publishes
    assert raw_cypher(
        "MATCH (:ComponentVersion {component: 'svc'})-[:CONTAINS]->(p:Package) "
        "RETURN count(p) AS n, count(DISTINCT p) AS distinct"
    ) == [{"n": count, "distinct": count}]
    # generated(): r{i} depends on r{i+1} and r{7i} (mod the count); self-edges dropped.
    edges = {(i, j) for i in range(count) for j in ((i + 1) % count, (i * 7) % count) if i != j}
    assert raw_cypher("MATCH (:Package)-[d:DEPENDS_ON]->(:Package) RETURN count(d) AS n") == [
        {"n": len(edges)}
    ]
    assert raw_cypher(
        "MATCH (a:Package {name: 'lib3'})-[:DEPENDS_ON]->(b:Package) RETURN b.name AS b ORDER BY b"
    ) == [{"b": "lib21"}, {"b": "lib4"}]


def test_an_attach_that_fails_before_it_is_published_leaves_the_previous_sbom(
    svc, raw_cypher, settings, _driver
):
    """The packages of an SBOM are written before it is published, a batch per
    transaction; when the publishing transaction fails (here: it waits for the version's
    lock, held by another transaction, past its time limit), the version still holds its
    previous SBOM, whole, and no version holds the new packages. Attaching again finishes."""
    assert (
        attach(
            svc, "svc", "1.0.0", cyclonedx((LOG4J_OLD, [LOG4J_API_OLD]), (LOG4J_API_OLD, []))
        ).status_code
        == 201
    )
    before = svc.get("/api/v1/components/svc/versions/1.0.0/sbom").get_json()
    newer = cyclonedx((JACKSON, [LOG4J_API_OLD]), (LOG4J_API_OLD, []))
    impatient = Graph(connect(settings), settings.neo4j_database, query_timeout=3, retry_time=0)
    try:
        with _driver.session(database=settings.neo4j_database) as session:
            holder = session.begin_transaction()
            holder.run(
                "MATCH (v:ComponentVersion {component: 'svc', version: '1.0.0'}) SET v.held = true"
            ).consume()
            try:
                with pytest.raises(TimedOut):
                    packages.attach(impatient, "svc", "1.0.0", newer, CDX, replace=True)
                # Written before the publish, and shared: the package, and what it depends on.
                assert raw_cypher(
                    "MATCH (p:Package {purl: $purl})-[:DEPENDS_ON]->(q) RETURN q.purl AS q",
                    purl=JACKSON,
                ) == [{"q": LOG4J_API_OLD}]
            finally:
                holder.rollback()
    finally:
        impatient.close()
    assert svc.get("/api/v1/components/svc/versions/1.0.0/sbom").get_json() == before
    assert {
        r["purl"]
        for r in raw_cypher(
            "MATCH (:ComponentVersion {component: 'svc'})-[:CONTAINS]->(p) RETURN p.purl AS purl"
        )
    } == {LOG4J_OLD, LOG4J_API_OLD}
    radius = svc.get(f"/api/v1/packages/blast-radius?purl={JACKSON}").get_json()
    assert radius["component_versions"] == []
    again = attach(svc, "svc", "1.0.0", newer, query="?replace=true")
    assert again.status_code == 201, again.get_json()
    assert again.get_json()["packages"] == 2
    radius = svc.get(f"/api/v1/packages/blast-radius?purl={JACKSON}").get_json()
    assert [(h["component"], h["version"]) for h in radius["component_versions"]] == [
        ("svc", "1.0.0")
    ]


def test_pruning_deletes_the_packages_no_version_contains_after_the_grace(
    svc, raw_cypher, settings, graph
):
    """A replaced SBOM leaves log4j-core and its dependency edge to log4j-api contained by
    no version: listed with no holder until pruned. Named in the last hour, it is spared
    (an attach in progress writes packages before it publishes them); with no grace it
    goes, with its edges, and every package a version contains stays."""
    first = cyclonedx((LOG4J_OLD, [LOG4J_API_OLD]), (LOG4J_API_OLD, []))
    assert attach(svc, "svc", "1.0.0", first).status_code == 201
    second = cyclonedx((LOG4J_API_OLD, []), (JACKSON, []))
    assert attach(svc, "svc", "1.0.0", second, query="?replace=true").status_code == 201
    listed = packages.list_packages(graph, prefix="log4j-core")["items"]
    assert [(p["name"], p["holders"]) for p in listed] == [("log4j-core", 0)]
    env = {
        "MERCATOR_NEO4J_URI": settings.neo4j_uri,
        "MERCATOR_NEO4J_PASSWORD": settings.neo4j_password,
    }
    spared = CliRunner().invoke(cli, ["db", "prune-packages"], env=env)
    assert (spared.exit_code, spared.output) == (0, "deleted 0 packages\n")
    pruned = CliRunner().invoke(cli, ["db", "prune-packages", "--grace", "0"], env=env)
    assert (pruned.exit_code, pruned.output) == (0, "deleted 1 packages\n")
    assert packages.list_packages(graph, prefix="log4j-core")["items"] == []
    held = raw_cypher("MATCH (p:Package) RETURN p.purl AS purl ORDER BY purl")
    assert [row["purl"] for row in held] == sorted([LOG4J_API_OLD, JACKSON])
    assert raw_cypher("MATCH ()-[d:DEPENDS_ON]->(:Package) RETURN count(d) AS n") == [{"n": 0}]
    bad = CliRunner().invoke(cli, ["db", "prune-packages", "--grace", "-1"], env=env)
    assert bad.exit_code == 2 and "--grace" in bad.output


def test_pruning_in_batches_reaches_every_orphan_past_the_kept_packages(
    svc, graph, raw_cypher, monkeypatch
):
    """Pruning reads the packages a batch at a time, in purl order, going on from where the
    last batch ended: orphans sorted between and after kept packages all go, across batch
    boundaries, and the kept ones stay."""
    purls = [f"pkg:npm/p{i}@1.0.0" for i in range(7)]
    assert attach(svc, "svc", "1.0.0", cyclonedx(*((p, []) for p in purls))).status_code == 201
    kept = purls[0::3]  # batches of two: p0 p1 | p2 p3 | p4 p5 | p6
    replaced = cyclonedx(*((p, []) for p in kept))
    assert attach(svc, "svc", "1.0.0", replaced, query="?replace=true").status_code == 201
    monkeypatch.setattr(packages, "PRUNE_BATCH", 2)
    assert packages.prune(graph, grace_seconds=0) == 4
    held = raw_cypher("MATCH (p:Package) RETURN p.purl AS purl ORDER BY purl")
    assert [row["purl"] for row in held] == kept


def test_unknown_version_is_404(svc):
    assert_error_shape(attach(svc, "svc", "9.9.9", cyclonedx((LOG4J_OLD, []))), 404, "not_found")


@pytest.fixture
def demo_shop(graph, client):
    demo.load(LocalCatalog(graph))
    return client


def test_where_does_log4j_below_2_17_1_run_and_who_owns_it(demo_shop):
    report = demo_shop.get("/api/v1/packages/blast-radius?name=log4j-core&range=<2.17.1")
    assert report.status_code == 200, report.get_json()
    body = report.get_json()
    assert body["packages"] == [LOG4J_OLD]
    assert {(h["component"], h["version"], h["hops"]) for h in body["component_versions"]} == {
        ("ads", "1.1.0", 0),
        ("catalog", "3.4.0", 0),
    }
    assert [
        (e["environment"], e["affected"], [(r["component"], r["version"]) for r in e["running"]])
        for e in body["environments"]
    ] == [(env, 1, [("ads", "1.1.0")]) for env in ("dev", "prod", "staging")]
    assert {t["team"] for t in body["teams"]} == {"growth", "storefront"}
    growth = next(t for t in body["teams"] if t["team"] == "growth")
    assert growth["pager"] == "growth-oncall"


def test_package_dependencies_lead_to_the_versions_that_pull_a_package_in(demo_shop):
    body = demo_shop.get(f"/api/v1/packages/blast-radius?purl={LOG4J_API_OLD}").get_json()
    assert {(h["component"], h["via"], h["hops"]) for h in body["component_versions"]} == {
        ("ads", LOG4J_API_OLD, 0),
        ("catalog", LOG4J_API_OLD, 0),
    }
    fixed = demo_shop.get("/api/v1/packages/blast-radius?name=log4j-core&range=>=2.17.1")
    assert {h["version"] for h in fixed.get_json()["component_versions"]} == {"3.5.0"}


def test_package_blast_radius_errors(demo_shop):
    assert_error_shape(demo_shop.get("/api/v1/packages/blast-radius"), 400, "invalid")
    assert_error_shape(
        demo_shop.get("/api/v1/packages/blast-radius?name=x&range=>>1"), 400, "invalid"
    )
    assert_error_shape(
        demo_shop.get("/api/v1/packages/blast-radius?purl=pkg:npm/nope@1"), 404, "not_found"
    )


def test_bom_and_diff_show_packages(demo_shop):
    bom = demo_shop.get("/api/v1/applications/shop/versions/1.0.0/bom").get_json()
    log4j = next(p for p in bom["packages"] if p["purl"] == LOG4J_OLD)
    assert {(b["component"], b["version"]) for b in log4j["brought_by"]} == {
        ("ads", "1.1.0"),
        ("catalog", "3.4.0"),
    }
    diff = demo_shop.get("/api/v1/components/payment/versions/1.5.0/diff?to=1.5.1").get_json()
    assert {(u["name"], u["from"], u["to"]) for u in diff["packages"]["upgraded"]} == {
        ("flask", "3.0.0", "3.0.3"),
        ("requests", "2.31.0", "2.32.3"),
    }


def test_a_diff_with_a_version_without_sbom_says_packages_are_unknown(demo_shop):
    """payment 1.4.2 has no SBOM: its diff must not list every package of 1.5.1 as added."""
    diff = demo_shop.get("/api/v1/components/payment/versions/1.4.2/diff?to=1.5.1").get_json()
    assert diff["packages"] is None
    assert diff["packages_unknown"] == "1.4.2 has no SBOM"
    back = demo_shop.get("/api/v1/components/payment/versions/1.5.1/diff?to=1.4.2").get_json()
    assert back["packages_unknown"] == "1.4.2 has no SBOM"
    neither = demo_shop.get("/api/v1/components/cart/versions/4.1.0/diff?to=4.2.0").get_json()
    assert neither["packages_unknown"] == "4.1.0 and 4.2.0 have no SBOM"
    known = demo_shop.get("/api/v1/components/payment/versions/1.5.0/diff?to=1.5.1").get_json()
    assert known["packages_unknown"] is None and known["packages"]["added"] == []
    app = demo_shop.get("/api/v1/applications/shop/versions/1.0.0/diff?to=1.0.1").get_json()
    payment = next(c for c in app["changed"] if c["component"] == "payment")
    assert payment["changes"]["packages"] is None
    assert payment["changes"]["packages_unknown"] == "1.4.2 has no SBOM"


def test_cli_attaches_and_finds_packages(settings, graph, tmp_path):
    env = {
        "MERCATOR_NEO4J_URI": settings.neo4j_uri,
        "MERCATOR_NEO4J_PASSWORD": settings.neo4j_password,
    }
    runner = CliRunner()
    assert runner.invoke(cli, ["component", "register", "svc", "1.0.0"], env=env).exit_code == 0
    path = tmp_path / "sbom.json"
    path.write_bytes(cyclonedx((LOG4J_OLD, [])))
    attached = runner.invoke(cli, ["sbom", "attach", "svc", "1.0.0", str(path)], env=env)
    assert attached.exit_code == 0, attached.output
    assert "attached" in attached.stderr
    again = runner.invoke(cli, ["sbom", "attach", "svc", "1.0.0", str(path)], env=env)
    assert "unchanged" in again.stderr
    found = runner.invoke(
        cli,
        [
            "report",
            "package-blast-radius",
            "--name",
            "log4j-core",
            "--range",
            "<2.17.1",
            "-o",
            "csv",
        ],
        env=env,
    )
    assert found.exit_code == 0, found.output
    assert f"svc,1.0.0,{LOG4J_OLD},{LOG4J_OLD},required,0" in found.stdout


def test_application_bom_exports_as_valid_cyclonedx_1_6(demo_shop):
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    response = demo_shop.get("/api/v1/applications/shop/versions/1.0.0/sbom")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.cyclonedx+json"
    text = response.get_data(as_text=True)
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(text) is None
    document = json.loads(text)
    assert document["metadata"]["component"]["name"] == "shop"
    ads = next(c for c in document["components"] if c["name"] == "ads")
    assert {p["purl"] for p in ads["components"]} >= {LOG4J_OLD}
    assert len(document["components"]) == 13
    refs = [c["bom-ref"] for c in document["components"]] + [
        p["bom-ref"] for c in document["components"] for p in c.get("components", [])
    ]
    assert len(refs) == len(set(refs))


def test_the_cyclonedx_export_keeps_groups_and_package_dependencies(demo_shop):
    """ads 1.1.0's SBOM says log4j-core needs log4j-api: the export nests it there rather
    than listing both as direct dependencies of ads, and keeps each package's group."""
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    text = demo_shop.get("/api/v1/applications/shop/versions/1.0.0/sbom").get_data(as_text=True)
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(text) is None
    document = json.loads(text)
    ads = next(c for c in document["components"] if c["name"] == "ads")
    groups = {p["name"]: p.get("group") for p in ads["components"]}
    assert groups == {
        "log4j-core": "org.apache.logging.log4j",
        "log4j-api": "org.apache.logging.log4j",
        "jackson-databind": "com.fasterxml.jackson.core",
    }
    needs = {d["ref"]: d["dependsOn"] for d in document["dependencies"]}
    assert needs["ads@1.1.0"] == [f"ads@1.1.0|{JACKSON}", f"ads@1.1.0|{LOG4J_OLD}"]
    assert needs[f"ads@1.1.0|{LOG4J_OLD}"] == [f"ads@1.1.0|{LOG4J_API_OLD}"]
    assert needs[f"catalog@3.4.0|{LOG4J_OLD}"] == [f"catalog@3.4.0|{LOG4J_API_OLD}"]
    assert len(needs) == len(document["dependencies"])  # one entry per ref


def test_register_can_attach_the_sbom_in_the_same_command(settings, graph, tmp_path):
    env = {
        "MERCATOR_NEO4J_URI": settings.neo4j_uri,
        "MERCATOR_NEO4J_PASSWORD": settings.neo4j_password,
    }
    path = tmp_path / "bom.json"
    path.write_bytes(cyclonedx((LOG4J_OLD, [LOG4J_API_OLD]), (LOG4J_API_OLD, [])))
    result = CliRunner().invoke(
        cli,
        ["component", "register", "ads", "1.2.0", "--no-ci-env", "--sbom", str(path), "-o", "json"],
        env=env,
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["sbom"] == {
        "format": "CycloneDX",
        "spec_version": "1.6",
        "packages": 2,
    }


def test_all_versions_lists_every_release_that_shipped_a_package(client, settings):
    """Default: each application's latest version (and those deployed now); all_versions:
    every application version that includes an affected component version — the audit's
    "which of our releases ever shipped it?". The answer says which rule it applied."""
    register(client, "svc", "1.0.0", applications=["shop"])  # shop 1.0.0
    assert attach(client, "svc", "1.0.0", cyclonedx((LOG4J_OLD, []))).status_code == 201
    register(client, "ui", "1.0.0", applications=["shop"])  # shop 1.0.1
    register(client, "cron", "1.0.0", applications=["shop"])  # shop 1.0.2, the latest
    path = f"/api/v1/packages/blast-radius?purl={LOG4J_OLD}"

    def shipped(body):
        return [(a["application"], a["version"], a["latest"]) for a in body["applications"]]

    now = client.get(path).get_json()
    assert (now["applications_rule"], now["query"]["all_versions"]) == ("latest_or_deployed", False)
    assert shipped(now) == [("shop", "1.0.2", True)]
    ever = client.get(path + "&all_versions=true").get_json()
    assert (ever["applications_rule"], ever["query"]["all_versions"]) == ("all_versions", True)
    assert shipped(ever) == [
        ("shop", "1.0.0", False),
        ("shop", "1.0.1", False),
        ("shop", "1.0.2", True),
    ]
    assert ever["component_versions"] == now["component_versions"]
    assert_error_shape(client.get(path + "&all_versions=maybe"), 400, "invalid")

    env = {
        "MERCATOR_NEO4J_URI": settings.neo4j_uri,
        "MERCATOR_NEO4J_PASSWORD": settings.neo4j_password,
    }
    twin = CliRunner().invoke(
        cli,
        ["report", "package-blast-radius", "--purl", LOG4J_OLD, "--all-versions", "-o", "json"],
        env=env,
    )
    assert twin.exit_code == 0, twin.output
    assert json.loads(twin.stdout) == ever
    table = CliRunner().invoke(
        cli, ["report", "package-blast-radius", "--purl", LOG4J_OLD], env=env
    )
    assert "latest_or_deployed" in table.stdout


def test_the_package_list_names_each_package_with_its_versions_and_holders(demo_shop):
    listed = demo_shop.get("/api/v1/packages?prefix=log4j")
    assert listed.status_code == 200, listed.get_json()
    body = listed.get_json()
    assert [
        (
            p["name"],
            p["ecosystem"],
            [v["version"] for v in p["versions"]],
            p["licenses"],
            p["holders"],
        )
        for p in body["items"]
    ] == [
        ("log4j-api", "maven", ["2.14.1", "2.17.1"], ["Apache-2.0"], 3),
        ("log4j-core", "maven", ["2.14.1", "2.17.1"], ["Apache-2.0"], 3),
    ]
    assert body["items"][1]["versions"][0] == {
        "purl": LOG4J_OLD,
        "version": "2.14.1",
        "licenses": ["Apache-2.0"],
    }
    assert body["next_offset"] is None
    first = demo_shop.get("/api/v1/packages?limit=1").get_json()
    assert len(first["items"]) == 1 and first["next_offset"] == 1
    assert_error_shape(demo_shop.get("/api/v1/packages?limit=0"), 400, "invalid")
