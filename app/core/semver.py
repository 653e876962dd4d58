"""Semantic versions and the ranges a dependency may declare (`>=2.0.0 <3.0.0`, `^1.2`).

A `DEPENDS_ON {range}` says which versions of the depended-on component a build works
with. The grammar is npm's, which pipelines already write: comparators (`>`, `>=`, `<`,
`<=`, `=`), caret and tilde ranges, x-ranges (`1.x`, `1.2.*`), hyphen ranges
(`1.2 - 2.0`) and `||` alternatives. Versions that are not semantic (`2024.06`, `latest`)
are compared by their numeric parts, so calendar versions work too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import total_ordering

_VERSION = re.compile(
    r"^v?(?P<nums>\d+(?:\.\d+)*)(?:-(?P<pre>[0-9A-Za-z.\-]+))?(?:\+[0-9A-Za-z.\-]+)?$"
)
_COMPARATOR = re.compile(
    r"^(?P<op><=|>=|<|>|=|\^|~)?\s*v?(?P<ver>[0-9xX*]+(?:\.[0-9xX*]+)*"
    r"(?:-[0-9A-Za-z.\-]+)?(?:\+[0-9A-Za-z.\-]+)?)$"
)


class RangeError(ValueError):
    """A version range that cannot be parsed."""


@total_ordering
@dataclass(frozen=True)
class Version:
    numbers: tuple[int, ...]
    pre: tuple[int | str, ...] = ()

    @classmethod
    def parse(cls, text: str) -> Version | None:
        """The version in `text`, or None when it has no numeric form."""
        match = _VERSION.match(text.strip())
        if not match:
            return None
        numbers = tuple(int(n) for n in match.group("nums").split("."))
        pre_text = match.group("pre")
        pre = tuple(int(p) if p.isdigit() else p for p in pre_text.split(".")) if pre_text else ()
        return cls(numbers, pre)

    @property
    def key(self) -> str:
        """A string that sorts like the version: numbers zero-padded (at least four parts,
        so 1.2 == 1.2.0), then `-pre.release` before `~` (a release sorts after its
        pre-releases). Stored on nodes and edges, it lets Cypher compare versions."""
        numbers = self.numbers + (0,) * (KEY_PARTS - len(self.numbers))
        text = ".".join(f"{n:0{KEY_WIDTH}d}" for n in numbers)
        if not self.pre:
            return text + "~"
        return (
            text
            + "-"
            + ".".join(f"{p:0{KEY_WIDTH}d}" if isinstance(p, int) else p for p in self.pre)
        )

    def __lt__(self, other: Version) -> bool:
        return self.key < other.key

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Version) and self.key == other.key

    def __hash__(self) -> int:
        return hash(self.key)


KEY_PARTS = 4
KEY_WIDTH = 10
#: Bounds of an interval with no lower / upper limit: below and above every key.
NO_LOWER, NO_UPPER = "", "~"


def version_key(text: str) -> str | None:
    """`Version.key` of `text`, or None when it is not a numeric version."""
    parsed = Version.parse(text)
    return parsed.key if parsed else None


@dataclass(frozen=True)
class _Comparator:
    op: str
    version: Version


@dataclass(frozen=True)
class Interval:
    """Keys between `low` and `high`; each bound inclusive or not."""

    low: str = NO_LOWER
    low_inclusive: bool = True
    high: str = NO_UPPER
    high_inclusive: bool = False

    def contains(self, key: str) -> bool:
        above = key > self.low or (self.low_inclusive and key == self.low)
        below = key < self.high or (self.high_inclusive and key == self.high)
        return above and below

    @classmethod
    def of(cls, comparators: tuple[_Comparator, ...]) -> Interval:
        """The intersection of comparators: the highest lower and the lowest upper bound."""
        interval = cls()
        for comparator in comparators:
            key, op = comparator.version.key, comparator.op
            if op in {">", ">=", "="} and (
                key > interval.low or (key == interval.low and op == ">")
            ):
                interval = replace(interval, low=key, low_inclusive=op != ">")
            if op in {"<", "<=", "="} and (
                key < interval.high or (key == interval.high and op == "<")
            ):
                interval = replace(interval, high=key, high_inclusive=op != "<")
        return interval


@dataclass(frozen=True)
class Range:
    """A union (`||`) of intervals, each the intersection of its comparators."""

    intervals: tuple[Interval, ...]
    text: str

    @classmethod
    def parse(cls, text: str) -> Range:
        if not text or not text.strip():
            raise RangeError("a range must not be empty")
        intervals = []
        for part in text.split("||"):
            part = part.strip()
            if not part:
                raise RangeError(f"empty alternative in range {text!r}")
            intervals.append(Interval.of(tuple(_parse_set(part, text))))
        return cls(tuple(intervals), text)

    def contains(self, version: str) -> bool:
        """Whether `version` satisfies the range; a non-numeric version satisfies none."""
        key = version_key(version)
        return key is not None and any(i.contains(key) for i in self.intervals)

    def bounds(self) -> dict[str, list]:
        """The intervals as parallel lists, the form stored on a `DEPENDS_ON` edge so the
        blast-radius Cypher can test a version key against them."""
        return {
            "range_low": [i.low for i in self.intervals],
            "range_low_inclusive": [i.low_inclusive for i in self.intervals],
            "range_high": [i.high for i in self.intervals],
            "range_high_inclusive": [i.high_inclusive for i in self.intervals],
        }


def range_problem(text: str) -> str | None:
    """Why `text` is not a valid range, or None."""
    try:
        Range.parse(text)
    except RangeError as exc:
        return str(exc)
    return None


def _parse_set(part: str, whole: str) -> list[_Comparator]:
    hyphen = re.match(r"^(\S+)\s+-\s+(\S+)$", part)
    if hyphen:
        low = _partial(hyphen.group(1), whole)
        high = _partial(hyphen.group(2), whole)
        comparators = [_Comparator(">=", _floor(low))]
        if len(high) < 3:  # `- 2.3` means `< 2.4.0`
            comparators.append(_Comparator("<", _bump(high, len(high) - 1)))
        else:
            comparators.append(_Comparator("<=", _floor(high)))
        return comparators
    tokens = re.sub(r"(<=|>=|<|>|=|\^|~)\s+", r"\1", part).split()
    comparators: list[_Comparator] = []
    for token in tokens:
        match = _COMPARATOR.match(token)
        if not match:
            raise RangeError(f"cannot read {token!r} in range {whole!r}")
        comparators.extend(_expand(match.group("op") or "", match.group("ver"), whole))
    return comparators


def _partial(text: str, whole: str) -> tuple[int, ...]:
    """Leading numeric parts of a possibly partial version (`1.2`, `1.x` -> (1,), `*` -> ())."""
    parts = []
    for piece in re.split(r"[-+]", text.lstrip("v"), maxsplit=1)[0].split("."):
        if piece in {"x", "X", "*"}:
            break
        if not piece.isdigit():
            raise RangeError(f"cannot read {text!r} in range {whole!r}")
        parts.append(int(piece))
    return tuple(parts)


def _floor(parts: tuple[int, ...]) -> Version:
    return Version(parts + (0,) * (3 - len(parts)))


def _bump(parts: tuple[int, ...], index: int) -> Version:
    bumped = list(parts[: index + 1])
    bumped[index] += 1
    return _floor(tuple(bumped))


def _expand(op: str, text: str, whole: str) -> list[_Comparator]:
    parts = _partial(text, whole)
    exact = Version.parse(text) if len(parts) >= 3 else None
    if not parts:  # `*`, `x`: anything
        return [_Comparator(">=", Version((0, 0, 0)))]
    if op == "^":
        first_nonzero = next((i for i, p in enumerate(parts) if p != 0), len(parts) - 1)
        return [
            _Comparator(">=", exact or _floor(parts)),
            _Comparator("<", _bump(parts, min(first_nonzero, len(parts) - 1))),
        ]
    if op == "~":
        index = 1 if len(parts) >= 2 else 0
        return [_Comparator(">=", exact or _floor(parts)), _Comparator("<", _bump(parts, index))]
    if len(parts) < 3:  # x-range: `1.2` == `1.2.x`
        low, high = _floor(parts), _bump(parts, len(parts) - 1)
        if op in {"", "="}:
            return [_Comparator(">=", low), _Comparator("<", high)]
        if op == ">":
            return [_Comparator(">=", high)]
        if op == "<=":
            return [_Comparator("<", high)]
        return [_Comparator(op, low)]
    return [_Comparator(op or "=", exact or _floor(parts))]
