"""The catalog as the CLI sees it: the services on Neo4j directly, or a Mercator over HTTP.

Pipelines often reach only the HTTP API, operators usually reach Neo4j; `mercator
--url URL ...` (or `MERCATOR_URL`) switches the CLI from `LocalCatalog` to
`RemoteCatalog` and nothing else changes: both offer the same operations and raise the
same domain errors, so each command is written once.
"""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import quote

import requests

from app.access.scopes import Actor, local_actor
from app.catalog import applications, components, environments, registration, search, teams
from app.deploy import deployments, drift, kubernetes_sync, promotion
from app.errors import Unavailable, error_of_status
from app.graph import Graph
from app.reports import maps, matrix, reports
from app.sbom import export, packages
from app.sbom import vex as sbom_vex
from app.vulns import vex, vulnerabilities

Page = dict[str, Any]


#: Each report: the service function, and its HTTP path (path parameters in braces; the
#: other parameters go in the query string, under the names the API documents).
REPORTS: dict[str, tuple[Any, str, dict[str, str]]] = {
    "bom_application": (
        reports.bom_application_version,
        "/applications/{application}/versions/{version}/bom",
        {},
    ),
    "bom_component": (
        reports.bom_component_version,
        "/components/{component}/versions/{version}/bom",
        {},
    ),
    "blast_radius": (reports.blast_radius, "/components/{component}/blast-radius", {}),
    "diff_applications": (
        reports.diff_application_versions,
        "/applications/{application}/versions/{from_version}/diff",
        {"to_version": "to"},
    ),
    "diff_components": (
        reports.diff_component_versions,
        "/components/{component}/versions/{from_version}/diff",
        {"to_version": "to"},
    ),
    "diff_environments": (
        reports.diff_environments,
        "/environments/{left}/diff",
        {"right": "with"},
    ),
    "plan": (reports.deployment_plan, "/applications/{application}/versions/{version}/plan", {}),
    "inventory": (reports.inventory, "/environments/{environment}/inventory", {}),
    "where": (reports.where_runs, "/components/{component}/whereabouts", {}),
    "matrix": (matrix.matrix, "/matrix", {}),
    "map_application": (
        maps.application_version_map,
        "/applications/{application}/versions/{version}/map",
        {},
    ),
    "map_component": (maps.component_map, "/components/{component}/map", {}),
    "map_blast_radius": (maps.blast_radius_map, "/components/{component}/blast-radius/map", {}),
    "cyclonedx": (
        export.application_version_cyclonedx,
        "/applications/{application}/versions/{version}/sbom",
        {},
    ),
    "package_blast_radius": (
        packages.blast_radius,
        "/packages/blast-radius",
        {"version_range": "range"},
    ),
    "vulnerability": (vulnerabilities.show, "/vulnerabilities/{vulnerability}", {}),
    "exposure": (vulnerabilities.exposure, "/environments/{environment}/vulnerabilities", {}),
    "team_exposure": (vulnerabilities.team_exposure, "/teams/{team}/vulnerabilities", {}),
    "windows": (vulnerabilities.windows, "/vulnerabilities/{vulnerability}/windows", {}),
    "application_exposure": (
        vulnerabilities.application_exposure,
        "/applications/{application}/versions/{version}/vulnerabilities",
        {},
    ),
    "component_exposure": (
        vulnerabilities.component_exposure,
        "/components/{component}/versions/{version}/vulnerabilities",
        {},
    ),
    "plan_exposure": (
        vulnerabilities.plan_exposure,
        "/applications/{application}/versions/{version}/plan/vulnerabilities",
        {},
    ),
    "vex": (
        sbom_vex.application_version_vex,
        "/applications/{application}/versions/{version}/vex",
        {},
    ),
    "statements": (vex.history, "/vulnerabilities/{vulnerability}/statements", {}),
}


class LocalCatalog:
    """Operations run by the services against Neo4j. Whoever holds the Neo4j credentials
    may do anything: writes are recorded as done by `actor` (default: ``local:<login>``)."""

    def __init__(self, graph: Graph, actor: Actor | None = None) -> None:
        self.graph = graph
        self.actor = actor or local_actor()

    def register(self, component: str, body: dict[str, Any]) -> dict[str, Any]:
        return registration.register(self.graph, {**body, "component": component}, actor=self.actor)

    def create_application_version(
        self, application: str, body: dict[str, Any]
    ) -> tuple[dict, bool]:
        return applications.create_application_version(
            self.graph, application, **body, actor=self.actor
        )

    def add_component(self, application: str, component: str, version: str) -> tuple[dict, bool]:
        return applications.add_component(
            self.graph, application, component, version, actor=self.actor
        )

    def remove_component(self, application: str, component: str) -> dict:
        return applications.remove_component(self.graph, application, component, actor=self.actor)

    def record_deployment(self, body: dict[str, Any]) -> tuple[dict, bool]:
        return deployments.record(self.graph, body, actor=self.actor)

    def execute_deployment(self, body: dict[str, Any], dry_run: bool) -> tuple[dict, bool]:
        return deployments.enqueue(self.graph, body, dry_run=dry_run, actor=self.actor)

    def cancel_deployment(self, deployment_id: str) -> dict:
        return deployments.cancel(self.graph, deployment_id, actor=self.actor)

    def deployment_log(self, deployment_id: str, offset: int) -> dict:
        return deployments.log(self.graph, deployment_id, offset)

    def set_engine(self, name: str, kind: str, config: dict[str, Any]) -> dict:
        return environments.set_engine(self.graph, name, kind, config, actor=self.actor)

    def drift(self, environment: str) -> dict:
        return drift.drift(self.graph, environment, dict(os.environ))

    def promote(self, body: dict[str, Any]) -> tuple[dict, bool]:
        return promotion.promote(
            self.graph,
            body["application"],
            body["from"],
            body["to"],
            body.get("version"),
            dry_run=body.get("dry_run", False),
            deployment_id=body.get("id"),
            by=body.get("by"),
            actor=self.actor,
        )

    def sync_kubernetes(self, environment: str, document: Any, **options: Any) -> dict:
        return kubernetes_sync.kubernetes(
            self.graph, environment, document, **options, actor=self.actor
        )

    def put_team(self, name: str, body: dict[str, Any]) -> tuple[dict, bool]:
        return teams.upsert(self.graph, name, **body, actor=self.actor)

    def put_environment(self, name: str, body: dict[str, Any]) -> tuple[dict, bool]:
        return environments.upsert(self.graph, name, **body, actor=self.actor)

    def list(self, resource: str, **filters: Any) -> Page:
        listing = {
            "teams": teams.list_teams,
            "components": components.list_components,
            "applications": applications.list_applications,
            "environments": environments.list_environments,
            "deployments": deployments.list_deployments,
            "packages": packages.list_packages,
        }[resource]
        return listing(self.graph, **filters)

    def get(self, resource: str, name: str) -> dict[str, Any]:
        getter = {
            "teams": teams.get,
            "components": components.get,
            "applications": applications.get,
            "environments": environments.get,
            "deployments": deployments.get,
        }[resource]
        return getter(self.graph, name)

    def component_versions(self, name: str, **paging: Any) -> Page:
        return components.list_versions(self.graph, name, **paging)

    def component_version(self, name: str, version: str) -> dict[str, Any]:
        return components.get_version(self.graph, name, version)

    def application_versions(self, name: str, **paging: Any) -> Page:
        return applications.list_versions(self.graph, name, **paging)

    def application_version(self, name: str, version: str) -> dict[str, Any]:
        return applications.get_version(self.graph, name, version)

    def report(self, which: str, /, **params: Any) -> dict[str, Any]:
        return REPORTS[which][0](self.graph, **params)

    def attach_sbom(
        self, component: str, version: str, data: bytes, content_type: str | None, replace: bool
    ) -> tuple[dict, bool]:
        return packages.attach(
            self.graph, component, version, data, content_type, replace, actor=self.actor
        )

    def sbom(self, component: str, version: str) -> dict[str, Any]:
        return packages.get(self.graph, component, version)

    def import_vulnerabilities(self, records: list[dict[str, Any]]) -> dict[str, int]:
        return vulnerabilities.import_records(self.graph, records)

    def set_vex_statements(self, statements: list[dict[str, Any]]) -> dict[str, int]:
        return vex.set_statements(self.graph, statements, self.actor)

    def import_vex(self, document: Any, environment: str | None) -> dict[str, int]:
        return sbom_vex.import_document(self.graph, document, environment, self.actor)

    def search(self, text: str, limit: int) -> dict[str, Any]:
        return search.by_name(self.graph, text, limit)


class RemoteCatalog:
    """The same operations over a Mercator's HTTP API, with an API token (sent as
    `Authorization: Bearer`) when one is given."""

    def __init__(self, base_url: str, token: str | None = None, timeout: float = 60.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.http = requests.Session()
        if token:
            self.http.headers["Authorization"] = f"Bearer {token}"

    def register(self, component: str, body: dict[str, Any]) -> dict[str, Any]:
        return self._call("POST", f"/components/{_q(component)}/versions", body)[0]

    def create_application_version(
        self, application: str, body: dict[str, Any]
    ) -> tuple[dict, bool]:
        return self._call("POST", f"/applications/{_q(application)}/versions", body)

    def add_component(self, application: str, component: str, version: str) -> tuple[dict, bool]:
        return self._call(
            "POST",
            f"/applications/{_q(application)}/components",
            {"component": component, "version": version},
        )

    def remove_component(self, application: str, component: str) -> dict:
        path = f"/applications/{_q(application)}/components/{_q(component)}"
        return self._call("DELETE", path)[0]

    def record_deployment(self, body: dict[str, Any]) -> tuple[dict, bool]:
        return self._call("POST", "/deployments", body)

    def execute_deployment(self, body: dict[str, Any], dry_run: bool) -> tuple[dict, bool]:
        return self._call("POST", "/deployments", {**body, "execute": True, "dry_run": dry_run})

    def cancel_deployment(self, deployment_id: str) -> dict:
        return self._call("POST", f"/deployments/{_q(deployment_id)}/cancel")[0]

    def deployment_log(self, deployment_id: str, offset: int) -> dict:
        path = f"/deployments/{_q(deployment_id)}/log"
        return self._call("GET", path, params={"offset": offset})[0]

    def set_engine(self, name: str, kind: str, config: dict[str, Any]) -> dict:
        body = {"kind": kind, "config": config}
        return self._call("PUT", f"/environments/{_q(name)}/engine", body)[0]

    def drift(self, environment: str) -> dict:
        return self._call("GET", f"/environments/{_q(environment)}/drift")[0]

    def promote(self, body: dict[str, Any]) -> tuple[dict, bool]:
        return self._call("POST", "/promotions", body)

    def sync_kubernetes(self, environment: str, document: Any, **options: Any) -> dict:
        path = f"/environments/{_q(environment)}/sync/kubernetes"
        query = {k: str(v).lower() if isinstance(v, bool) else v for k, v in options.items()}
        return self._call("POST", path, document, params=query)[0]

    def put_team(self, name: str, body: dict[str, Any]) -> tuple[dict, bool]:
        return self._call("PUT", f"/teams/{_q(name)}", body)

    def put_environment(self, name: str, body: dict[str, Any]) -> tuple[dict, bool]:
        return self._call("PUT", f"/environments/{_q(name)}", body)

    def list(self, resource: str, **filters: Any) -> Page:
        return self._call("GET", f"/{resource}", params=filters)[0]

    def get(self, resource: str, name: str) -> dict[str, Any]:
        return self._call("GET", f"/{resource}/{_q(name)}")[0]

    def component_versions(self, name: str, **paging: Any) -> Page:
        return self._call("GET", f"/components/{_q(name)}/versions", params=paging)[0]

    def component_version(self, name: str, version: str) -> dict[str, Any]:
        return self._call("GET", f"/components/{_q(name)}/versions/{_q(version)}")[0]

    def application_versions(self, name: str, **paging: Any) -> Page:
        return self._call("GET", f"/applications/{_q(name)}/versions", params=paging)[0]

    def application_version(self, name: str, version: str) -> dict[str, Any]:
        return self._call("GET", f"/applications/{_q(name)}/versions/{_q(version)}")[0]

    def report(self, which: str, /, **params: Any) -> dict[str, Any]:
        _, template, renamed = REPORTS[which]
        in_path = {key for key in params if "{" + key + "}" in template}
        path = template.format(**{key: _q(params[key]) for key in in_path})
        query = {
            renamed.get(key, key): value for key, value in params.items() if key not in in_path
        }
        return self._call("GET", path, params=query)[0]

    def attach_sbom(
        self, component: str, version: str, data: bytes, content_type: str | None, replace: bool
    ) -> tuple[dict, bool]:
        path = f"/components/{_q(component)}/versions/{_q(version)}/sbom"
        return self._call(
            "PUT",
            path,
            params={"replace": str(replace).lower()},
            raw=data,
            content_type=content_type or "application/json",
        )

    def sbom(self, component: str, version: str) -> dict[str, Any]:
        return self._call("GET", f"/components/{_q(component)}/versions/{_q(version)}/sbom")[0]

    def import_vulnerabilities(self, records: list[dict[str, Any]]) -> dict[str, int]:
        return self._call("POST", "/vulnerabilities", {"records": records})[0]

    def set_vex_statements(self, statements: list[dict[str, Any]]) -> dict[str, int]:
        return self._call("POST", "/vex/statements", {"statements": statements})[0]

    def import_vex(self, document: Any, environment: str | None) -> dict[str, int]:
        return self._call("POST", "/vex", document, params={"environment": environment})[0]

    def search(self, text: str, limit: int) -> dict[str, Any]:
        return self._call("GET", "/search", params={"q": text, "limit": limit})[0]

    def _call(
        self,
        method: str,
        path: str,
        body: dict[str, Any] | None = None,
        params: dict[str, Any] | None = None,
        raw: bytes | None = None,
        content_type: str | None = None,
    ) -> tuple[Any, bool]:
        """(JSON body, created: 201 or 202) of one API call; errors raised as domain errors. `raw`
        sends bytes as they are (an SBOM upload) instead of `body` as JSON."""
        url = f"{self.base_url}/api/v1{path}"
        query = {k: v for k, v in (params or {}).items() if v is not None}
        headers = {"Content-Type": content_type} if content_type else None
        try:
            response = self.http.request(
                method,
                url,
                json=body,
                data=raw,
                params=query,
                headers=headers,
                timeout=self.timeout,
            )
        except requests.RequestException as exc:
            raise Unavailable(
                f"cannot reach Mercator at {self.base_url}", {"error": str(exc)}
            ) from exc
        if response.status_code < 400:
            return response.json(), response.status_code in (201, 202)
        try:
            error = response.json()["error"]
            message, details = error["message"], error.get("details")
        except (ValueError, KeyError, TypeError):
            message, details = f"HTTP {response.status_code} from {url}", None
        raise error_of_status(response.status_code)(message, details)


def _q(segment: str) -> str:
    """A path segment, quoted so a name can never change the URL's shape."""
    return quote(segment, safe="")
