"""What Mercator says of itself: its installed version, shown in the API document and by
`mercator version`."""

from __future__ import annotations

from importlib import metadata


def version() -> str:
    try:
        return metadata.version("mercator")
    except metadata.PackageNotFoundError:
        return "0+unknown"
