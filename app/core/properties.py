"""What Neo4j can store as a property, and how attributes and indexed text are held."""

from __future__ import annotations

import math
import re
from typing import Any

#: Longest image or digest taken (characters). Both are indexed (deployment sync looks
#: versions up by them), and Neo4j refuses to index a string beyond about 8 KB; a real
#: digest (``sha512:`` and 128 hex digits) or image repository is far shorter.
INDEXED_TEXT_MAX = 1024
#: The component version fields held to INDEXED_TEXT_MAX.
INDEXED_FIELDS = ("image", "digest")

#: Prefix of the node properties that hold a version's free key-value attributes, so they
#: show as `attr.region: eu` in Neo4j Browser and can be matched in Cypher.
ATTRIBUTE_PREFIX = "attr."


def is_text(value: str) -> bool:
    """Whether `value` has a UTF-8 form, the only one Neo4j stores: a string read from JSON
    (``"\\ud800"``) or a command line may hold an unpaired surrogate that has none."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def attribute_name_problem(name: Any) -> str | None:
    """Why `name` cannot name an attribute (it becomes part of a property key)."""
    if (
        not isinstance(name, str)
        or not name.strip()
        or any(ord(ch) < 32 for ch in name)
        or not is_text(name)
    ):
        return f"attribute name {name!r} is empty or has control characters"
    return None


def attribute_value_problem(value: Any) -> str | None:
    """Why Neo4j could not store `value` exactly as an attribute: only strings, booleans,
    64-bit integers and finite floats are kept as given (a larger integer would fail the
    write, not the check)."""
    if isinstance(value, str):
        return None if is_text(value) else "must be valid Unicode text (no unpaired surrogates)"
    if isinstance(value, bool):
        return None
    if isinstance(value, int) and -(2**63) <= value < 2**63:
        return None
    if isinstance(value, float) and math.isfinite(value):
        return None
    return "must be a string, a 64-bit integer, a finite number or a boolean"


def indexed_text_problem(value: Any) -> str | None:
    """Why `value` cannot be stored in an indexed field (image, digest)."""
    if isinstance(value, str) and len(value) > INDEXED_TEXT_MAX:
        return f"must be at most {INDEXED_TEXT_MAX} characters"
    return None


#: An OCI image digest, `algorithm:encoded` (the OCI image spec's descriptor grammar).
_DIGEST = re.compile(r"^(?P<algorithm>[a-z0-9]+(?:[+._-][a-z0-9]+)*):(?P<encoded>[a-zA-Z0-9=_-]+)$")
#: Lengths of the registered algorithms' lowercase hex encodings.
DIGEST_HEX_LENGTHS = {"sha256": 64, "sha512": 128}
_GIT_COMMIT = re.compile(r"^[0-9a-fA-F]{7,64}$")


def digest_problem(value: Any) -> str | None:
    """Why `value` is not an image digest as OCI writes it (`sha256:` and 64 lowercase hex
    digits, `sha512:` and 128): a placeholder (`sha256:…`, ``""``) is refused, not stored."""
    if not isinstance(value, str):
        return None
    match = _DIGEST.match(value)
    if not match:
        return "must be an OCI digest, algorithm:encoded (sha256: and 64 lowercase hex digits)"
    length = DIGEST_HEX_LENGTHS.get(match.group("algorithm"))
    if length and not re.fullmatch(rf"[0-9a-f]{{{length}}}", match.group("encoded")):
        return f"a {match.group('algorithm')} digest is {length} lowercase hex digits"
    return None


def git_commit_problem(value: Any) -> str | None:
    """Why `value` is not a git commit id: 7 to 64 hex digits (abbreviated to SHA-256)."""
    if isinstance(value, str) and not _GIT_COMMIT.match(value):
        return "must be a git commit id, 7 to 64 hex digits"
    return None
