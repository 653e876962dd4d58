"""Version ranges as pipelines write them, and the keys that let Cypher check them."""

from __future__ import annotations

import pytest

from app.core.naming import next_version
from app.core.semver import Range, RangeError, version_key


@pytest.mark.parametrize(
    ("text", "version", "inside"),
    [
        (">=2.0.0 <3.0.0", "2.5.1", True),
        (">=2.0.0 <3.0.0", "3.0.0", False),
        ("^1.2", "1.9.0", True),
        ("^1.2", "2.0.0", False),
        ("^0.2.3", "0.3.0", False),
        ("~1.2.3", "1.2.9", True),
        ("~1.2.3", "1.3.0", False),
        ("1.x", "1.4.4", True),
        ("1.2 - 2.3", "2.3.9", True),
        ("1.2 - 2.3", "2.4.0", False),
        ("<2.17.1", "2.17.0", True),
        ("<2.17.1", "2.17.1", False),
        ("1.0.0 || >=3", "3.1", True),
        ("1.0.0 || >=3", "2.0.0", False),
        ("*", "0.0.1", True),
        (">= 2024.05", "2024.06", True),
        (">=1.0.0", "1.0.0-rc1", False),
        (">1.2", "1.2.5", False),
        (">1.2", "1.3.0", True),
        ("=1.2.3", "1.2.4", False),
        (">=1.0.0-rc.2", "1.0.0-rc.10", True),
        (">=40 <50", "41", True),
        (">=1.0.0", "latest", False),
    ],
)
def test_range_contains(text, version, inside):
    assert Range.parse(text).contains(version) is inside


@pytest.mark.parametrize("text", ["", "  ", ">>1", "1.0 ||", "abc", "^x.y"])
def test_unreadable_ranges_are_refused(text):
    with pytest.raises(RangeError):
        Range.parse(text)


def test_version_keys_sort_like_versions():
    ordered = [
        "0.9.0",
        "1.0.0-alpha",
        "1.0.0-rc.2",
        "1.0.0-rc.10",
        "1.0.0",
        "1.2",
        "1.10.0",
        "2024.06",
        "2024.10",
    ]
    keys = [version_key(v) for v in ordered]
    assert keys == sorted(keys)
    assert version_key("1.2") == version_key("1.2.0")
    assert version_key("latest") is None


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("1.4.2", "1.4.3"),
        ("7", "8"),
        ("2024.06", "2024.07"),
        ("1.0.0-rc9", "1.0.0-rc10"),
        ("1.09", "1.10"),
        ("stable", "stable.1"),
    ],
)
def test_next_application_version(before, after):
    assert next_version(before) == after
