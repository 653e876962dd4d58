"""The `mercator` command line: thin twins of the API over the same services.

Commands live in the submodules (`admin`: serve, neo4j, db, version; `catalog`: the
catalog's resources). Domain errors become a message on stderr and an exit code in one
place (`MercatorGroup.invoke`), so every command fails the same way.
"""

from __future__ import annotations

# The commands register themselves on `cli` when imported.
from app.cli import (  # noqa: F401
    admin,
    backstage,
    catalog,
    deploying,
    events,
    reports,
    sboms,
    tokens,
    transfer,
    vulns,
)
from app.cli.base import cli


def main() -> None:
    cli(prog_name="mercator")
