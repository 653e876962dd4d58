"""A release pipeline written against the Python client generated from Mercator's OpenAPI
document (`openapi-python-client`), as a user would write it: register a component
version, record its deployment, read the environment's inventory, ask the blast radius.

tests/test_openapi_clients.py type-checks this file with ``mypy --strict`` against the
generated package, then runs it against a served Mercator:
``python pipeline.py BASE_URL TOKEN`` prints what it found as JSON. Every answer is read
through the generated models with no narrowing beyond "was it an error": that is what
`required` and nullability in the document buy a client.
"""

from __future__ import annotations

import json
import sys
from typing import TypeVar

from mercator_client import AuthenticatedClient
from mercator_client.api.components import register_component_version
from mercator_client.api.deployments import record_deployment
from mercator_client.api.reports import get_blast_radius, get_inventory
from mercator_client.models import (
    ApiError,
    DeploymentDetail,
    DeploymentIn,
    DeploymentInStatusType0,
    MemberIn,
    RegistrationIn,
    RegistrationInAttributes,
)

T = TypeVar("T")

DIGEST = "sha256:" + "4f1c" * 16
COMMIT = "9fceb02d0ae598e95dc970b74767f19372d61af8"


def answer(result: T | ApiError | None) -> T:
    """The answer, or exit with the API's error (its code and message)."""
    if isinstance(result, ApiError):
        sys.exit(f"{result.error.code}: {result.error.message}")
    if result is None:
        sys.exit("no answer the document describes")
    return result


def main(base_url: str, token: str) -> dict[str, object]:
    client = AuthenticatedClient(base_url=base_url, token=token, raise_on_unexpected_status=True)
    with client:
        attributes = RegistrationInAttributes()
        attributes["team_size"] = 4
        registered = answer(
            register_component_version.sync(
                "currency",
                client=client,
                body=RegistrationIn(
                    version="2.5.0",
                    image="registry.example.com/shop/currency",
                    digest=DIGEST,
                    git_commit=COMMIT,
                    attributes=attributes,
                ),
            )
        )
        deployed = answer(
            record_deployment.sync(
                client=client,
                body=DeploymentIn(
                    environment="staging",
                    id="pipeline-42",
                    status=DeploymentInStatusType0.SUCCEEDED,
                    components=[MemberIn(component="currency", version="2.5.0")],
                    by="pipeline",
                ),
            )
        )
        assert isinstance(deployed, DeploymentDetail)
        inventory = answer(get_inventory.sync("staging", client=client))
        radius = answer(get_blast_radius.sync("currency", client=client, version="2.5.0"))
        return {
            "registered": [registered.component, registered.version, registered.created],
            "derived": sorted(
                f"{v.application}@{v.version}" for v in registered.application_versions
            ),
            "deployment": [deployed.id, deployed.status, deployed.environment],
            "finished_at": deployed.finished_at.isoformat() if deployed.finished_at else None,
            "running": {r.component: r.version for r in inventory.running},
            "since": inventory.running[0].since.isoformat(),
            "consumers": sorted(f"{c.component}@{c.version}" for c in radius.consumers),
            "teams": sorted(t.team for t in radius.teams),
        }


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], sys.argv[2])))
