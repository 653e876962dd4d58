"""Reports are sent as their services shape them, without a second pass through
marshmallow (`report_schemas.Report`): safe only while every answer is exactly what its
documented schema would dump — no field missing, none extra, every value of its type.
Checked on the demo, for every report endpoint, and on inputs that reach each branch."""

from __future__ import annotations

from app.admin import demo
from app.api import report_schemas as schemas
from app.cli.catalogs import LocalCatalog

LOG4J = "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"

CASES = [
    ("/api/v1/applications/shop/versions/1.0.3/bom", schemas.ApplicationBom),
    ("/api/v1/components/payment/versions/1.5.0/bom", schemas.ComponentBom),
    ("/api/v1/components/payment/blast-radius?version=1.5.0&depth=5", schemas.BlastRadius),
    ("/api/v1/components/currency/blast-radius", schemas.BlastRadius),
    ("/api/v1/components/payment/versions/1.4.2/diff?to=1.5.0", schemas.ComponentChanges),
    ("/api/v1/components/payment/versions/1.5.0/diff?to=1.5.1", schemas.ComponentChanges),
    ("/api/v1/applications/shop/versions/1.0.1/diff?to=1.0.3", schemas.ApplicationDiff),
    ("/api/v1/applications/shop/versions/1.0.0/diff?to=1.0.1", schemas.ApplicationDiff),
    ("/api/v1/applications/shop/versions/1.0.3/plan?environment=prod", schemas.DeploymentPlan),
    ("/api/v1/environments/staging/diff?with=prod", schemas.EnvironmentDiff),
    ("/api/v1/environments/prod/inventory", schemas.InventoryReport),
    ("/api/v1/environments/prod/inventory?at=2026-10-10T00:00:00Z", schemas.InventoryReport),
    ("/api/v1/components/ads/whereabouts", schemas.Whereabouts),
    ("/api/v1/matrix", schemas.Matrix),
    ("/api/v1/matrix?stage=prod&at=2026-10-10T00:00:00Z&limit=3", schemas.Matrix),
    ("/api/v1/applications/shop/versions/1.0.3/map", schemas.GraphMap),
    ("/api/v1/components/payment/map", schemas.GraphMap),
    ("/api/v1/components/payment/blast-radius/map?version=1.5.0", schemas.GraphMap),
    (f"/api/v1/packages/blast-radius?purl={LOG4J}", schemas.PackageBlastRadius),
    ("/api/v1/packages/blast-radius?name=log4j-core&range=<2.17.1", schemas.PackageBlastRadius),
]


def test_every_report_is_what_its_schema_would_dump(client, graph):
    demo.load(LocalCatalog(graph))
    differing = []
    for path, schema in CASES:
        response = client.get(path)
        assert response.status_code == 200, (path, response.get_json())
        body = response.get_json()
        assert body, path  # not an empty answer, which would match any schema
        if schema().dump_checked(body) != body:
            differing.append(path)
    assert differing == []
