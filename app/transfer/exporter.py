"""Export: the whole catalog as one document (see `app.transfer.format`)."""

from __future__ import annotations

from typing import Any

from app.graph import Graph, Tx
from app.transfer.format import DERIVED_FIELDS, FORMAT, FORMAT_VERSION, KINDS_IN_ORDER


def export_catalog(graph: Graph) -> dict[str, Any]:
    """The whole catalog as one document, read in one transaction so that it is one
    consistent snapshot even while pipelines keep registering."""
    return graph.read_tx(_export)


def _export(tx: Tx) -> dict[str, Any]:
    keys = tx.single("transfer/keys")
    document: dict[str, Any] = {"format": FORMAT, "format_version": FORMAT_VERSION}
    for kind in KINDS_IN_ORDER:
        records = kind.lookup(tx.run, [kind.key_of(key) for key in keys[kind.name]])
        ordered = sorted(records.values(), key=lambda r, k=kind: [r[f] for f in k.order])
        document[kind.name] = [_public(record) for record in ordered]
    return document


def _public(record: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in record.items() if key not in DERIVED_FIELDS}
