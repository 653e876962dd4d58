"""How catalog nodes read in the API, the CLI and exports: one shape per kind of thing.

Queries return node properties as they are stored (`v {.*}`); these functions turn them
into the documented shapes — attributes gathered from their `attr.` properties, internal
bookkeeping (`seq`, lock markers) left out — so every reader sees the same thing.
"""

from __future__ import annotations

from typing import Any

from app.core.properties import ATTRIBUTE_PREFIX, IMMUTABLE_FIELDS


def team(props: dict[str, Any]) -> dict[str, Any]:
    keys = ("name", "email", "chat", "pager", "created_at", "updated_by")
    return {key: props.get(key) for key in keys}


def component(props: dict[str, Any], owner: str | None) -> dict[str, Any]:
    return {
        "name": props["name"],
        "kind": props.get("kind"),
        "owner": owner,
        "description": props.get("description"),
        "repository_url": props.get("repository_url"),
        "latest_version": props.get("latest_version"),
        "version_count": props.get("version_count", 0),
        "created_at": props.get("created_at"),
    }


def component_version(
    props: dict[str, Any],
    previous: str | None = None,
    dependencies: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    shaped = {"component": props["component"], "version": props["version"]}
    shaped.update({name: props.get(name) for name in IMMUTABLE_FIELDS})
    shaped["build_url"] = props.get("build_url")
    shaped["created_at"] = props.get("created_at")
    shaped["attributes"] = {
        key[len(ATTRIBUTE_PREFIX) :]: value
        for key, value in sorted(props.items())
        if key.startswith(ATTRIBUTE_PREFIX)
    }
    if dependencies is not None:
        shaped["dependencies"] = sorted(dependencies, key=lambda d: d["component"])
    shaped["previous"] = previous
    shaped["registered_by"] = props.get("registered_by")
    return shaped


def application(props: dict[str, Any], owner: str | None) -> dict[str, Any]:
    return {
        "name": props["name"],
        "owner": owner,
        "description": props.get("description"),
        "latest_version": props.get("latest_version"),
        "version_count": props.get("version_count", 0),
        "created_at": props.get("created_at"),
    }


def application_version(props: dict[str, Any], previous: str | None) -> dict[str, Any]:
    return {
        "application": props["application"],
        "version": props["version"],
        "previous": previous,
        "reason": props.get("reason"),
        "created_at": props.get("created_at"),
        "created_by": props.get("created_by"),
    }


def environment(props: dict[str, Any]) -> dict[str, Any]:
    keys = (
        "name",
        "stage",
        "cluster",
        "namespace",
        "engine",
        "description",
        "created_at",
        "updated_by",
    )
    return {key: props.get(key) for key in keys}


def deployment(
    props: dict[str, Any], environment_name: str, application_version: dict[str, Any] | None
) -> dict[str, Any]:
    keys = (
        "id",
        "status",
        "started_at",
        "finished_at",
        "by",
        "engine",
        "log_url",
        "recorded_at",
        "recorded_by",
    )
    shaped = {key: props.get(key) for key in keys}
    shaped["environment"] = environment_name
    shaped["application"] = application_version
    return shaped
