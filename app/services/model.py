"""Facts of the graph model shared by the services: kinds, immutable fields, attributes."""

from __future__ import annotations

KINDS = ("service", "database", "config", "library", "binary", "infrastructure", "job")

#: The fields that make a component version what it is; registering a version again with
#: any of them different is refused. (`build_url` may differ between retries of one build.)
IMMUTABLE_FIELDS = (
    "image",
    "digest",
    "git_repository",
    "git_commit",
    "git_branch",
    "chart",
    "chart_version",
)

#: Prefix of the node properties that hold a version's free key-value attributes, so they
#: show as `attr.region: eu` in Neo4j Browser and can be matched in Cypher.
ATTRIBUTE_PREFIX = "attr."
