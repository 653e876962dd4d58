"""Mercator's ranges agree with npm's own `semver` package (node-semver) on every pair.

The README says the range grammar is npm's, so npm is the oracle: a deterministic generator
writes ranges of every form (comparators, carets, tildes, x-ranges, hyphen ranges with
partial and wildcard ends, `||`, pre-release tags, build metadata, and some unreadable
tokens) and versions near what each range names, one node process judges all of them with
`validRange` and `satisfies`, and app/core/semver.py must give the same answers: zero
disagreements on validity and on admission, zero exceptions.

The generator keeps to npm's grammar. Mercator's own extensions stay outside it and are
pinned in tests/test_semver.py: leading zeros and more than three parts for calendar
versions (`>= 2024.05`), and refusing an empty range or an empty `||` alternative (npm
reads those as `*`). Pre-release identifiers are letters-first or plain numbers (`rc.1`,
`alpha`, `0`): a version key orders those as npm does.
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from pathlib import Path

import pytest

from app.core.semver import Range, RangeError

ORACLE = Path(__file__).parent / "oracles" / "node-semver"
PAIRS = 120_000

TAGS = ["0", "1", "2", "10", "alpha", "alpha.1", "alpha.beta", "beta", "beta.2", "beta.11",
        "rc", "rc.0", "rc.1", "rc.2", "rc.10", "pre", "x", "dev.3"]
OPERATORS = ["", "=", "<", "<=", ">", ">=", "~", "~>", "^"]
WILDCARDS = ["x", "X", "*"]
UNREADABLE = [">>1", "abc", "1.2.3-", "1..2", "~~1", "^^1", "1.2.3.x", "=>1", "1.x.2", "x.1",
              "1.2-rc", "<>1", "1.2.3-rc..1", "v", "-", "1.2.", "^x.y", "1.2.3+", "!1"]


def _oracle() -> Path:
    """The pinned node-semver, installed with `npm ci` unless `make install` already did."""
    installed = ORACLE / "node_modules" / "semver" / "package.json"
    lock = ORACLE / "package-lock.json"
    if not installed.exists() or installed.stat().st_mtime < lock.stat().st_mtime:
        npm = shutil.which("npm")
        if npm is None:
            pytest.fail("npm is needed for the node-semver oracle: scripts/ensure-system-deps")
        subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
                       cwd=ORACLE, check=True, timeout=300)
        installed.touch()
    return ORACLE / "judge.js"


class _Generator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.named: list[tuple[int, int, int]] = []

    def number(self) -> int:
        return self.rng.choice([0, 0, 1, 1, 2, 2, 3, 4, 10])

    def numbers(self) -> tuple[int, int, int]:
        triple = (self.number(), self.number(), self.number())
        self.named.append(triple)
        return triple

    def full(self) -> str:
        major, minor, patch = self.numbers()
        text = f"{major}.{minor}.{patch}"
        if self.rng.random() < 0.35:
            text += "-" + self.rng.choice(TAGS)
        if self.rng.random() < 0.05:
            text += "+build." + str(self.rng.randint(1, 9))
        return ("v" if self.rng.random() < 0.08 else "") + text

    def partial(self) -> str:
        """A version with fewer parts or wildcards: `1`, `1.2`, `1.x`, `1.2.*`, `*`."""
        major, minor, patch = self.numbers()
        shape = self.rng.randrange(7)
        wildcard = self.rng.choice(WILDCARDS)
        if shape == 0:
            return str(major)
        if shape == 1:
            return f"{major}.{minor}"
        if shape == 2:
            return f"{major}.{wildcard}"
        if shape == 3:
            return f"{major}.{minor}.{wildcard}"
        if shape == 4:
            return f"{major}.{wildcard}.{wildcard}"
        if shape == 5:
            return wildcard
        return f"{wildcard}.{wildcard}"

    def version_in_range(self) -> str:
        return self.full() if self.rng.random() < 0.6 else self.partial()

    def comparator(self) -> str:
        if self.rng.random() < 0.03:
            return self.rng.choice(UNREADABLE)
        op = self.rng.choice(OPERATORS)
        space = " " if op and self.rng.random() < 0.15 else ""
        return op + space + self.version_in_range()

    def alternative(self) -> str:
        if self.rng.random() < 0.25:
            return f"{self.version_in_range()} - {self.version_in_range()}"
        count = self.rng.choice([1, 1, 2, 2, 3])
        return " ".join(self.comparator() for _ in range(count))

    def range(self) -> str:
        count = self.rng.choice([1, 1, 1, 2, 2, 3])
        separator = self.rng.choice([" || ", "||", " ||  "])
        return separator.join(self.alternative() for _ in range(count))

    def versions(self, count: int) -> list[str]:
        """Versions near the numbers the range named (each, its neighbours, their
        pre-releases), and a few anywhere."""
        named, self.named = self.named, []
        versions = []
        for _ in range(count):
            if named and self.rng.random() < 0.8:
                major, minor, patch = self.rng.choice(named)
                delta = self.rng.choice([(0, 0, 0), (0, 0, 0), (0, 0, 1), (0, 1, 0), (1, 0, 0),
                                         (0, 0, -1), (0, -1, 0), (-1, 0, 0)])
                major, minor, patch = (max(0, n + d) for n, d in
                                       zip((major, minor, patch), delta, strict=True))
            else:
                major, minor, patch = self.number(), self.number(), self.number()
            version = f"{major}.{minor}.{patch}"
            if self.rng.random() < 0.45:
                version += "-" + self.rng.choice(TAGS)
            versions.append(version)
        return versions


def generate(pairs: int, per_range: int = 40, seed: int = 20) -> list[tuple[str, list[str]]]:
    generator = _Generator(seed)
    cases = []
    for _ in range(pairs // per_range):
        text = generator.range()
        cases.append((text, generator.versions(per_range)))
    return cases


def _mercator(text: str, versions: list[str]) -> tuple[bool, str]:
    try:
        parsed = Range.parse(text)
    except RangeError:
        return False, "0" * len(versions)
    return True, "".join("1" if parsed.contains(v) else "0" for v in versions)


def test_ranges_agree_with_node_semver():
    judge = _oracle()
    cases = generate(PAIRS)
    assert sum(len(versions) for _, versions in cases) >= 100_000
    answers = json.loads(
        subprocess.run(["node", str(judge)], input=json.dumps(cases), capture_output=True,
                       text=True, check=True, timeout=120).stdout
    )
    assert len(answers) == len(cases)
    disagreements = []
    for (text, versions), (npm_valid, npm_admitted) in zip(cases, answers, strict=True):
        valid, admitted = _mercator(text, versions)
        if valid != (npm_valid is not None):
            disagreements.append(f"{text!r}: valid in Mercator {valid}, npm {npm_valid!r}")
            continue
        for version, ours, theirs in zip(versions, admitted, npm_admitted, strict=True):
            if ours != theirs:
                disagreements.append(
                    f"{text!r} (npm: {npm_valid!r}) {version}: Mercator {ours}, npm {theirs}"
                )
    assert not disagreements, f"{len(disagreements)} disagreements:\n" + "\n".join(
        disagreements[:40]
    )


@pytest.mark.parametrize(
    ("text", "version", "inside"),
    [
        ("^1.2", "2.0.0-rc.1", False),
        ("1.x", "2.0.0-rc.1", False),
        ("1.2 - 2.3", "2.0.0-rc.1", False),
        (">=1.0.0 <2.0.0", "2.0.0-rc.1", False),
        (">=1.0.0 <2.0.0", "1.5.0-rc.1", False),
        (">=2.0.0-rc.0 <3", "2.0.0-rc.1", True),
        ("^2.0.0-rc.0", "2.0.1-rc.1", False),
        ("<x", "1.0.0", False),
        ("1.3 - *", "9.0.0", True),
        ("1.3 - *", "1.2.9", False),
        ("2.0.3 - x", "2.0.3", True),
        ("* - 3.2", "3.2.9", True),
        ("* - 3.2", "3.3.0", False),
    ],
)
def test_npm_rules_on_the_issue_examples(text, version, inside):
    assert Range.parse(text).contains(version) is inside
