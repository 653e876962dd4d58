"""What a name and a version string may look like, and how version numbers advance.

Names and versions end up in URLs, shell variables, Helm release names and Cypher
parameters, so they are kept to printable characters without spaces or slashes. The
rules live here so the API's schemas and the services enforce exactly the same thing.
"""

from __future__ import annotations

import re

NAME_MAX = 200
VERSION_MAX = 128

#: The syntax of names and versions, as regular expressions both Python and JSON Schema
#: (the OpenAPI document) read alike. Matched against the whole string: Python's ``$``
#: alone would let a trailing newline through.
NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"
VERSION_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._+~-]*$"
_NAME = re.compile(NAME_PATTERN)
_VERSION = re.compile(VERSION_PATTERN)
_LAST_NUMBER = re.compile(r"(\d+)(?!.*\d)")


def name_problem(value: object) -> str | None:
    """Why `value` is not a valid name of a team, component, application or environment."""
    if not isinstance(value, str):
        return "must be a string"
    if not value.strip():
        return "must not be empty"
    if len(value) > NAME_MAX:
        return f"must be at most {NAME_MAX} characters"
    if not _NAME.fullmatch(value):
        return (
            "must start with a letter or digit and hold only letters, digits and . _ - "
            "(no spaces, slashes or control characters)"
        )
    return None


def version_problem(value: object) -> str | None:
    """Why `value` is not a valid version string."""
    if not isinstance(value, str):
        return "must be a string"
    if not value.strip():
        return "must not be empty"
    if len(value) > VERSION_MAX:
        return f"must be at most {VERSION_MAX} characters"
    if not _VERSION.fullmatch(value):
        return (
            "must start with a letter or digit and hold only letters, digits and . _ - + ~ "
            "(no spaces, slashes or control characters)"
        )
    return None


def next_version(version: str) -> str:
    """The successor of an application version: its last number plus one, keeping its width.

    >>> [next_version(v) for v in ("1.4.2", "7", "2024.06", "1.0.0-rc9", "1.09")]
    ['1.4.3', '8', '2024.07', '1.0.0-rc10', '1.10']
    >>> next_version("stable")
    'stable.1'
    """
    match = _LAST_NUMBER.search(version)
    if match is None:
        return f"{version}.1"
    digits = match.group(1)
    bumped = str(int(digits) + 1).zfill(len(digits))
    return version[: match.start(1)] + bumped + version[match.end(1) :]
