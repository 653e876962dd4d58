"""A small, realistic world to explore: an online shop, its teams and three environments.

`mercator demo load` writes it through the same catalog operations pipelines use (so it
also works against a remote Mercator with --url), with fixed times and deployment ids:
loading it twice changes nothing.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from collections.abc import Callable
from typing import Any

from app.errors import Invalid

TEAMS = {
    "storefront": {
        "email": "storefront@shop.example",
        "chat": "#storefront",
        "pager": "storefront-oncall",
    },
    "payments": {"email": "payments@shop.example", "chat": "#payments", "pager": "payments-oncall"},
    "fulfilment": {
        "email": "fulfilment@shop.example",
        "chat": "#fulfilment",
        "pager": "fulfilment-oncall",
    },
    "growth": {"email": "growth@shop.example", "chat": "#growth", "pager": "growth-oncall"},
    "platform": {"email": "platform@shop.example", "chat": "#platform", "pager": "platform-oncall"},
}

#: name: (kind, owner, description, dependencies as {component: range or None})
COMPONENTS: dict[str, tuple[str, str, str, dict[str, str | None]]] = {
    "shop-config": ("config", "platform", "Feature flags and settings of the shop", {}),
    "shop-db": ("database", "platform", "Schema migrations of the shop database", {}),
    "cache": ("infrastructure", "platform", "Redis cache for carts", {}),
    "currency": ("service", "payments", "Converts prices between currencies", {}),
    "catalog": ("service", "storefront", "Products and their prices", {"shop-db": ">=40 <50"}),
    "cart": ("service", "storefront", "Shopping carts", {"cache": None}),
    "email": ("service", "fulfilment", "Order confirmations", {}),
    "shipping": ("service", "fulfilment", "Shipping quotes and tracking", {"currency": ">=2.0.0"}),
    "payment": (
        "service",
        "payments",
        "Card payments",
        {"currency": ">=2.0.0 <3.0.0", "shop-db": ">=40"},
    ),
    "recommendation": ("service", "growth", "Product recommendations", {"catalog": "^3.0.0"}),
    "ads": ("service", "growth", "Contextual ads", {"catalog": None}),
    "checkout": (
        "service",
        "payments",
        "Places orders",
        {
            "cart": "^4.0.0",
            "catalog": "^3.0.0",
            "currency": ">=2.0.0 <3.0.0",
            "shipping": None,
            "email": None,
            "payment": "^1.4.0",
            "shop-config": None,
        },
    ),
    "frontend": (
        "service",
        "storefront",
        "The web shop",
        {
            "cart": "^4.0.0",
            "catalog": "^3.0.0",
            "currency": None,
            "recommendation": None,
            "shipping": None,
            "checkout": None,
            "ads": None,
            "shop-config": None,
        },
    ),
}

#: The first version of each component (they make shop 1.0.0), then the releases that
#: followed, in order; each release derives the next shop version.
FIRST = {
    "shop-config": "2026.09",
    "shop-db": "41",
    "cache": "7.2.4",
    "currency": "2.3.0",
    "catalog": "3.4.0",
    "cart": "4.1.0",
    "email": "1.2.0",
    "shipping": "2.0.1",
    "payment": "1.4.2",
    "recommendation": "0.9.0",
    "ads": "1.1.0",
    "checkout": "5.0.0",
    "frontend": "8.2.0",
}
RELEASES = [
    ("payment", "1.5.0"),
    ("catalog", "3.5.0"),
    ("shop-config", "2026.10"),
    ("cart", "4.2.0"),
    ("currency", "2.4.0"),
    ("frontend", "8.3.0"),
    ("shop-db", "42"),
    ("payment", "1.5.1"),
]

ENVIRONMENTS = {
    "dev": {"stage": "dev", "cluster": "dev-eu-1", "namespace": "shop", "engine": "command"},
    "staging": {
        "stage": "staging",
        "cluster": "staging-eu-1",
        "namespace": "shop",
        "engine": "command",
    },
    "prod": {
        "stage": "prod",
        "cluster": "prod-eu-1",
        "namespace": "shop",
        "engine": "helm",
        "description": "Production, EU",
    },
}

#: The engine of dev and staging: a fixed script that only says what it deploys, so
#: `mercator deploy shop 1.0.8 --to staging --wait` runs end to end on a laptop. The
#: deployment's values reach it as variables, never as script text. prod keeps helm: try
#: `mercator deploy shop 1.0.8 --to prod --dry-run`.
DEMO_ENGINE = {
    "command": [
        "sh",
        "-c",
        'echo "deploying $MERCATOR_APPLICATION $MERCATOR_VERSION to $MERCATOR_ENVIRONMENT"; '
        'for member in $MERCATOR_COMPONENTS; do echo "  rolled out $member"; sleep 0.1; done; '
        "echo done",
    ],
    "timeout": 120,
}

#: SBOMs of some versions: (component, version) -> [(purl, license, depends on purls)].
#: ads and catalog 3.4.0 carry a log4j-core that `log4j-core <2.17.1` finds; catalog 3.5.0
#: has the fixed one.
_LOG4J_OLD = "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"
_LOG4J_API_OLD = "pkg:maven/org.apache.logging.log4j/log4j-api@2.14.1"
_LOG4J_NEW = "pkg:maven/org.apache.logging.log4j/log4j-core@2.17.1"
_LOG4J_API_NEW = "pkg:maven/org.apache.logging.log4j/log4j-api@2.17.1"
_JACKSON = "pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.12.3"
SBOMS: dict[tuple[str, str], list[tuple[str, str, list[str]]]] = {
    ("ads", "1.1.0"): [
        (_LOG4J_OLD, "Apache-2.0", [_LOG4J_API_OLD]),
        (_LOG4J_API_OLD, "Apache-2.0", []),
        (_JACKSON, "Apache-2.0", []),
    ],
    ("catalog", "3.4.0"): [
        (_LOG4J_OLD, "Apache-2.0", [_LOG4J_API_OLD]),
        (_LOG4J_API_OLD, "Apache-2.0", []),
    ],
    ("catalog", "3.5.0"): [
        (_LOG4J_NEW, "Apache-2.0", [_LOG4J_API_NEW]),
        (_LOG4J_API_NEW, "Apache-2.0", []),
    ],
    ("payment", "1.5.0"): [
        ("pkg:pypi/flask@3.0.0", "BSD-3-Clause", ["pkg:pypi/click@8.1.7"]),
        ("pkg:pypi/click@8.1.7", "BSD-3-Clause", []),
        ("pkg:pypi/requests@2.31.0", "Apache-2.0", []),
    ],
    ("payment", "1.5.1"): [
        ("pkg:pypi/flask@3.0.3", "BSD-3-Clause", ["pkg:pypi/click@8.1.7"]),
        ("pkg:pypi/click@8.1.7", "BSD-3-Clause", []),
        ("pkg:pypi/requests@2.32.3", "Apache-2.0", []),
    ],
}

#: (id, environment, shop version, status, finished at)
DEPLOYMENTS = [
    ("demo-1", "dev", "1.0.0", "succeeded", "2026-10-01T09:10:00Z"),
    ("demo-2", "staging", "1.0.0", "succeeded", "2026-10-02T09:10:00Z"),
    ("demo-3", "prod", "1.0.0", "succeeded", "2026-10-05T09:10:00Z"),
    ("demo-4", "dev", "1.0.3", "succeeded", "2026-10-12T09:10:00Z"),
    ("demo-5", "staging", "1.0.3", "succeeded", "2026-10-13T09:10:00Z"),
    ("demo-6", "prod", "1.0.3", "failed", "2026-10-15T09:10:00Z"),
    ("demo-7", "prod", "1.0.3", "succeeded", "2026-10-16T09:10:00Z"),
    ("demo-8", "dev", "1.0.6", "succeeded", "2026-10-22T09:10:00Z"),
    ("demo-9", "staging", "1.0.6", "succeeded", "2026-10-24T09:10:00Z"),
    ("demo-10", "dev", "1.0.8", "succeeded", "2026-11-02T09:10:00Z"),
]


def load(catalog: Any, say: Callable[[str], None] = lambda message: None) -> dict[str, int]:
    """Write the demo world through `catalog` (a LocalCatalog or RemoteCatalog)."""
    for name, contacts in TEAMS.items():
        catalog.put_team(name, contacts)
    for day, (name, version) in enumerate(FIRST.items(), start=1):
        catalog.register(name, _registration(name, version, f"2026-09-{day:02d}T08:00:00Z"))
    catalog.create_application_version(
        "shop",
        {
            "version": "1.0.0",
            "owner": "storefront",
            "description": "The online shop",
            "components": [{"component": c, "version": v} for c, v in FIRST.items()],
        },
    )
    for day, (name, version) in enumerate(RELEASES, start=1):
        catalog.register(name, _registration(name, version, f"2026-10-{day * 3:02d}T08:00:00Z"))
    for (name, version), packages in SBOMS.items():
        catalog.attach_sbom(
            name,
            version,
            _cyclonedx(name, version, packages),
            "application/vnd.cyclonedx+json",
            False,
        )
    for name, details in ENVIRONMENTS.items():
        catalog.put_environment(name, details)
        if details["engine"] == "command":
            catalog.set_engine(name, "command", DEMO_ENGINE)
    for deployment_id, environment, version, status, finished in DEPLOYMENTS:
        started = finished.replace("09:10", "09:02")
        catalog.record_deployment(
            {
                "id": deployment_id,
                "environment": environment,
                "application": "shop",
                "version": version,
                "status": status,
                "started_at": started,
                "finished_at": finished,
                "by": "release-bot",
                "engine": "helm",
                "log_url": f"https://ci.shop.example/deployments/{deployment_id}",
            }
        )
    say(
        f"demo loaded: {len(TEAMS)} teams, {len(COMPONENTS)} components, "
        f"{len(FIRST) + len(RELEASES)} component versions, {len(ENVIRONMENTS)} environments, "
        f"{len(DEPLOYMENTS)} deployments"
    )
    return {
        "teams": len(TEAMS),
        "components": len(COMPONENTS),
        "component_versions": len(FIRST) + len(RELEASES),
        "environments": len(ENVIRONMENTS),
        "deployments": len(DEPLOYMENTS),
    }


#: Where `gitops` writes each component prod runs: a Kustomize images entry per image,
#: and the schema and the settings (no image) as keys of a plain YAML file.
GITOPS_WRITERS = {
    "default": {
        "format": "kustomize",
        "file": "kustomization.yaml",
        "name": "registry.shop.example/shop/{component}",
    },
    "components": {
        "shop-db": {"format": "yaml", "file": "versions.yaml", "key": "schema.shop-db"},
        "shop-config": {"format": "yaml", "file": "versions.yaml", "key": "settings.shop-config"},
    },
}


def gitops(catalog: Any, folder: str, say: Callable[[str], None] = lambda message: None) -> str:
    """Switch the demo's prod to a `gitops` engine against a local repository created in
    `folder` (a bare repository, `shop-deploy.git`, as a controller's remote would be),
    declaring what prod runs now; the repository's path. Run again, it keeps the
    repository (and what was committed to it) and sets the engine again."""
    repository = os.path.join(os.path.abspath(folder), "shop-deploy.git")
    if not os.path.exists(repository):
        running = {
            r["component"]: r["version"] for r in catalog.get("environments", "prod")["running"]
        }
        if not running:
            raise Invalid("prod runs nothing: load the demo first (`mercator demo load`)")
        _create_repository(repository, running)
        say(f"created {repository}: overlays/prod declares what prod runs")
    catalog.set_engine(
        "prod",
        "gitops",
        {
            "repository": repository,
            "branch": "main",
            "path": "overlays/prod",
            **GITOPS_WRITERS,
            "author_name": "Mercator",
            "author_email": "mercator@shop.example",
            "success": "on_push",
        },
    )
    say("prod deploys through git now: mercator promote shop --from staging --to prod --wait")
    return repository


def _create_repository(repository: str, running: dict[str, str]) -> None:
    images = [name for name in sorted(running) if name not in GITOPS_WRITERS["components"]]
    kustomization = [
        "# Production overlay of the shop. Mercator sets the images; people the rest.",
        "apiVersion: kustomize.config.k8s.io/v1beta1",
        "kind: Kustomization",
        "namespace: shop",
        "resources:",
        "  - ../../base",
        "images:",
    ]
    for name in images:
        version = running[name]
        kustomization += [
            f"  - name: registry.shop.example/shop/{name}",
            f"    newTag: {json.dumps(version)}",
            f"    digest: sha256:{_fake_sha(name, version, 64)}",
        ]
    versions = [
        "# Versions of what is not an image: the schema migrations and the settings.",
        "schema:",
        f"  shop-db: {json.dumps(running.get('shop-db', ''))}",
        "settings:",
        f"  shop-config: {json.dumps(running.get('shop-config', ''))}",
    ]
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Platform",
        "GIT_AUTHOR_EMAIL": "platform@shop.example",
        "GIT_COMMITTER_NAME": "Platform",
        "GIT_COMMITTER_EMAIL": "platform@shop.example",
    }

    def git(*args: str, cwd: str | None = None) -> None:
        done = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise Invalid(f"git {args[0]} failed: {done.stderr.strip()}")

    git("init", "--quiet", "--bare", "--initial-branch=main", repository)
    with tempfile.TemporaryDirectory(prefix="mercator-demo-") as seed:
        git("clone", "--quiet", repository, seed)
        overlay = os.path.join(seed, "overlays", "prod")
        os.makedirs(overlay)
        for name, lines in (("kustomization.yaml", kustomization), ("versions.yaml", versions)):
            with open(os.path.join(overlay, name), "w", encoding="utf-8") as file:
                file.write("\n".join(lines) + "\n")
        git("checkout", "--quiet", "-b", "main", cwd=seed)
        git("add", ".", cwd=seed)
        git("commit", "--quiet", "-m", "Declare what prod runs", cwd=seed)
        git("push", "--quiet", "origin", "main", cwd=seed)


def _registration(name: str, version: str, created_at: str) -> dict[str, Any]:
    kind, owner, description, dependencies = COMPONENTS[name]
    body: dict[str, Any] = {
        "version": version,
        "kind": kind,
        "owner": owner,
        "description": description,
        "repository_url": f"https://git.shop.example/shop/{name}",
        "git_repository": f"https://git.shop.example/shop/{name}",
        "git_commit": _fake_sha(name, version),
        "git_branch": "main",
        "build_url": f"https://ci.shop.example/{name}/builds/{version}",
        "created_at": created_at,
        "dependencies": [{"component": c, "range": r} for c, r in dependencies.items()],
        "attributes": {"team": owner, "tier": "critical" if owner == "payments" else "standard"},
    }
    if kind in {"service", "infrastructure"}:
        body.update(
            image=f"registry.shop.example/shop/{name}",
            digest="sha256:" + _fake_sha(name, version, 64),
            chart=name,
            chart_version=f"0.{len(version)}.0",
        )
    if kind == "config":
        body["attributes"].update({"checkout.express": "on", "currency.default": "EUR"})
    return body


def _cyclonedx(name: str, version: str, packages: list[tuple[str, str, list[str]]]) -> bytes:
    """A small CycloneDX 1.6 SBOM, as a build's SBOM generator would write it."""

    def component(purl: str, license_id: str) -> dict[str, Any]:
        package, _, package_version = purl.rpartition("@")
        return {
            "type": "library",
            "bom-ref": purl,
            "name": package.rsplit("/", 1)[-1],
            "version": package_version,
            "purl": purl,
            "scope": "required",
            "licenses": [{"license": {"id": license_id}}],
        }

    return json.dumps(
        {
            "bomFormat": "CycloneDX",
            "specVersion": "1.6",
            "version": 1,
            "metadata": {
                "component": {
                    "type": "application",
                    "bom-ref": f"{name}@{version}",
                    "name": name,
                    "version": version,
                }
            },
            "components": [component(purl, license_id) for purl, license_id, _ in packages],
            "dependencies": [{"ref": purl, "dependsOn": needs} for purl, _, needs in packages],
        }
    ).encode()


def _fake_sha(name: str, version: str, length: int = 40) -> str:
    """A stable hex string standing in for a commit or digest."""
    import hashlib

    return hashlib.sha256(f"{name}@{version}".encode()).hexdigest()[:length]
