"""Reconciling what a Kubernetes cluster runs with the catalog's inventory.

Input is what `kubectl get deployments,statefulsets,daemonsets -A -o json` prints. Each
container image is matched to a component version by digest (`image@sha256:...`), else
by repository and tag (the tag being the version, with or without a leading `v`). Then:

- versions that run but the catalog places elsewhere (catalog says X, Y runs) are
  recorded as one succeeded deployment `by` "sync", through the same recording as any
  deployment, so the inventory follows its usual rule;
- what the cluster runs is kept as the environment's observation (`OBSERVED` edges, and
  the images no version has), which the three-way drift (`app.deploy.drift`) compares
  with what Git declares and what the inventory records;
- a gitops deployment to this environment that waits for the cluster (success rule
  `on_observed`) and whose every version now runs — by digest, when it has one — is
  marked observed, and its worker ends it succeeded; the versions it covers are then not
  recorded again as a "sync" deployment;
- images no component version is known by are reported as unknown, components running
  two versions at once (a rollout in progress) as conflicting (not recorded), and
  components the catalog places here whose image no workload runs as not running.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from app.access.scopes import Actor
from app.catalog import environments
from app.core import times
from app.deploy import deployments
from app.errors import Invalid
from app.graph import Graph, Tx

WORKLOAD_KINDS = ("Deployment", "StatefulSet", "DaemonSet")
ENGINE = "kubernetes-sync"


def parse_image(ref: str) -> dict[str, str | None]:
    """repository, tag and digest of an image reference.

    >>> parse_image("registry:5000/shop/payment:1.5.1@sha256:ab")["repository"]
    'registry:5000/shop/payment'
    """
    name, _, digest = ref.partition("@")
    slash = name.rfind("/")
    colon = name.rfind(":")
    if colon > slash:
        repository, tag = name[:colon], name[colon + 1 :]
    else:
        repository, tag = name, None if digest else "latest"
    return {"ref": ref, "repository": repository, "tag": tag, "digest": digest or None}


_JSON_TYPES = {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    return next((name for kind, name in _JSON_TYPES.items() if isinstance(value, kind)), "a number")


def _shaped(value: Any, kind: type, path: str) -> Any:
    """`value` when it is of JSON type `kind` or absent (null); else `Invalid` naming `path`."""
    if value is None or isinstance(value, kind):
        return value
    problem = f"expected {_JSON_TYPES[kind]}, not {_json_type(value)}"
    raise Invalid(f"{path}: {problem}", {path: [problem]})


def workloads(document: Any, namespace: str | None) -> list[dict[str, Any]]:
    """Containers of the document's workloads (in `namespace`, when given). Each field read
    must have the type kubectl gives it; `Invalid` names the first that does not."""
    if not isinstance(document, dict) or not isinstance(document.get("items"), list):
        raise Invalid("expected the JSON of `kubectl get ... -o json`: an object with items")
    found = []
    for index, item in enumerate(document["items"]):
        if not isinstance(item, dict) or item.get("kind") not in WORKLOAD_KINDS:
            continue
        at = f"items[{index}]"
        metadata = _shaped(item.get("metadata"), dict, f"{at}.metadata") or {}
        for key in ("name", "namespace"):
            _shaped(metadata.get(key), str, f"{at}.metadata.{key}")
        spec = _shaped(item.get("spec"), dict, f"{at}.spec") or {}
        template = _shaped(spec.get("template"), dict, f"{at}.spec.template") or {}
        pod = _shaped(template.get("spec"), dict, f"{at}.spec.template.spec") or {}
        containers = _shaped(pod.get("containers"), list, f"{at}.spec.template.spec.containers")
        if namespace and metadata.get("namespace") != namespace:
            continue
        for number, container in enumerate(containers or []):
            place = f"{at}.spec.template.spec.containers[{number}]"
            _shaped(container, dict, place)
            if container is None or container.get("image") is None:
                raise Invalid(f"{place}: a container without an image", {place: ["no image"]})
            _shaped(container.get("image"), str, f"{place}.image")
            _shaped(container.get("name"), str, f"{place}.name")
            found.append(
                {
                    "workload": f"{item['kind']}/{metadata.get('namespace')}/"
                    f"{metadata.get('name')}",
                    "container": container.get("name"),
                    "image": container["image"],
                }
            )
    return found


def kubernetes(
    graph: Graph,
    environment: str,
    document: Any,
    by: str = "sync",
    dry_run: bool = False,
    all_namespaces: bool = False,
    *,
    actor: Actor | None = None,
) -> dict[str, Any]:
    """Reconcile environment `environment` with a kubectl document; the drift report, and
    the id of the deployment that recorded what moved (None when nothing did, or dry_run).
    `actor` records that deployment, as for `deployments.record`."""
    place = environments.get(graph, environment)
    containers = workloads(document, None if all_namespaces else place.get("namespace"))
    images = {c["image"]: parse_image(c["image"]) for c in containers}
    matches = {
        row["ref"]: (row["by_digest"], "digest") if row["by_digest"] else (row["by_tag"], "tag")
        for row in graph.read("deploy/sync_match_images", images=list(images.values()))
    }
    observed: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    by_digest: set[tuple[str, str]] = set()
    unknown, ambiguous = [], []
    for container in containers:
        found, how = matches[container["image"]]
        if not found:
            unknown.append(container)
        elif len(found) > 1:
            ambiguous.append({**container, "candidates": found})
        else:
            observed[found[0]["component"]][found[0]["version"]].append(
                f"{container['workload']} ({how})"
            )
            if how == "digest":
                by_digest.add((found[0]["component"], found[0]["version"]))
    catalog = graph.read("deploy/sync_catalog_images", environment=environment)
    catalog_version = {row["component"]: row["version"] for row in catalog}
    running_repositories = {image["repository"] for image in images.values()}
    moved, conflicting, in_sync = [], [], []
    for component, versions in sorted(observed.items()):
        if len(versions) > 1:
            conflicting.append({"component": component, "running": dict(versions)})
            continue
        ((version, seen_in),) = versions.items()
        if catalog_version.get(component) == version:
            in_sync.append({"component": component, "version": version})
        else:
            moved.append(
                {
                    "component": component,
                    "catalog": catalog_version.get(component),
                    "running": version,
                    "seen_in": seen_in,
                }
            )
    not_running = [
        {"component": row["component"], "version": row["version"]}
        for row in catalog
        if row["component"] not in observed
        and row["image"]
        and row["image"] not in running_repositories
    ]
    confirmed = (
        []
        if dry_run
        else graph.write_tx(lambda tx: _observe(tx, environment, observed, by_digest, unknown, by))
    )
    covered = {component for row in confirmed for component in row["components"]}
    recorded_moves = [m for m in moved if m["component"] not in covered]
    deployment_id = None
    if recorded_moves and not dry_run:
        recorded, _ = deployments.record(
            graph,
            {
                "environment": environment,
                "status": "succeeded",
                "components": [
                    {"component": m["component"], "version": m["running"]} for m in recorded_moves
                ],
                "by": by,
                "engine": ENGINE,
            },
            actor=actor,
        )
        deployment_id = recorded["id"]
    return {
        "environment": environment,
        "containers": len(containers),
        "in_sync": in_sync,
        "moved": moved,
        "conflicting": conflicting,
        "unknown": unknown,
        "ambiguous": ambiguous,
        "not_running": not_running,
        "deployment": deployment_id,
        "observed": [row["id"] for row in confirmed],
        "dry_run": dry_run,
    }


def _observe(
    tx: Tx,
    environment: str,
    observed: dict[str, dict[str, list[str]]],
    by_digest: set[tuple[str, str]],
    unknown: list[dict[str, Any]],
    by: str,
) -> list[dict[str, Any]]:
    """Keep what the cluster runs as the environment's observation, then mark observed the
    gitops deployments waiting for it; the deployments so marked."""
    tx.run(
        "deploy/observe",
        environment=environment,
        by=by,
        at=times.now(),
        observed=[
            {
                "component": component,
                "version": version,
                "by_digest": (component, version) in by_digest,
                "workloads": sorted({seen.rsplit(" (", 1)[0] for seen in seen_in}),
            }
            for component, versions in observed.items()
            for version, seen_in in versions.items()
        ],
        unknown=[{"image": c["image"], "workload": c["workload"]} for c in unknown],
    )
    return [
        {**row, "components": [m["component"] for m in row["components"]]}
        for row in tx.run("deploy/confirm_observed", environment=environment, by=by)
        if row["observed"]
    ]


def observe_component(
    tx: Tx,
    environment: str,
    component: str,
    version: str,
    *,
    by: str,
    at: str,
    by_digest: bool,
) -> dict[str, Any] | None:
    """The cluster was seen running one component version (a controller's CDEvent): keep
    it as that component's observation, mark observed the gitops deployments waiting for
    it (when it completes what they pushed), and return the waiting deployment that
    deployed this very version (None when none does: the event is a deployment of its
    own), with `observed` saying whether it is now complete."""
    tx.run(
        "deploy/observe_one",
        environment=environment,
        component=component,
        version=version,
        by=by,
        at=at,
        by_digest=by_digest,
    )
    member = {"component": component, "version": version}
    return next(
        (
            row
            for row in tx.run("deploy/confirm_observed", environment=environment, by=by)
            if member in row["components"]
        ),
        None,
    )
