"""Semantic versions and the ranges a dependency may declare (`>=2.0.0 <3.0.0`, `^1.2`).

A `DEPENDS_ON {range}` says which versions of the depended-on component a build works
with. The grammar is npm's, which pipelines already write: comparators (`>`, `>=`, `<`,
`<=`, `=`), caret and tilde ranges, x-ranges (`1.x`, `1.2.*`), hyphen ranges
(`1.2 - 2.0`) and `||` alternatives, read and applied by npm's rules (node-semver), which
tests/test_semver_npm.py checks on generated pairs. As in npm, a pre-release (`2.0.0-rc.1`)
satisfies a range only when a comparator of the same alternative names a pre-release of the
same major.minor.patch (`>=2.0.0-rc.0`), so `^1.2` admits no pre-release.

Beyond npm, calendar versions work: numbers may have leading zeros (`>= 2024.05`) or more
than three parts (`>=1.2.3.4`), and versions that are not semantic (`2024.06`, `latest`) are
compared by their numeric parts. Unlike npm, an empty range or an empty `||` alternative is
refused rather than read as `*`.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, replace
from functools import total_ordering

_VERSION = re.compile(
    r"^v?(?P<nums>\d+(?:\.\d+)*)(?:-(?P<pre>[0-9A-Za-z.\-]+))?(?:\+[0-9A-Za-z.\-]+)?$"
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
    """`op` one of `<`, `<=`, `>`, `>=`, `=`; `version` None for npm's "any" comparator."""

    op: str
    version: Version | None
    #: written with a `v` (`>=v0.0.0`), which keeps npm from reading `>=0.0.0` as `*`
    v_prefix: bool = False


_ANY = _Comparator("=", None)
#: npm's null set (`<0.0.0-0`): no version at all.
_NOTHING = _Comparator("<", Version((0, 0, 0), (0,)))
_FROM_ZERO = _Comparator(">=", Version((0, 0, 0)))


@dataclass(frozen=True)
class Interval:
    """Keys between `low` and `high`; each bound inclusive or not. With `prereleases`
    false, a pre-release key (one not ending in `~`) is outside even between the bounds."""

    low: str = NO_LOWER
    low_inclusive: bool = True
    high: str = NO_UPPER
    high_inclusive: bool = False
    prereleases: bool = True

    def contains(self, key: str) -> bool:
        above = key > self.low or (self.low_inclusive and key == self.low)
        below = key < self.high or (self.high_inclusive and key == self.high)
        return above and below and (self.prereleases or key.endswith("~"))

    @property
    def empty(self) -> bool:
        return self.low > self.high or (
            self.low == self.high and not (self.low_inclusive and self.high_inclusive)
        )

    @classmethod
    def of(cls, comparators: tuple[_Comparator, ...]) -> Interval:
        """The intersection of comparators: the highest lower and the lowest upper bound."""
        interval = cls()
        for comparator in comparators:
            if comparator.version is None:
                continue
            interval = interval.within(comparator.op, comparator.version.key)
        return interval

    def within(self, op: str, key: str) -> Interval:
        """This interval narrowed by one comparator (`op` `key`)."""
        interval = self
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
        sets = []
        for part in _SPACES.sub(" ", text.strip()).split("||"):
            part = part.strip()
            if not part:
                raise RangeError(f"empty alternative in range {text!r}")
            sets.append(_parse_set(part, text))
        # npm: when one alternative is `*` alone, the range is `*` (no pre-release at all)
        if len(sets) > 1 and any(s == [_ANY] for s in sets):
            sets = [[_ANY]]
        return cls(tuple(i for s in sets for i in _intervals(s)), text)

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
            "range_prerelease": [i.prereleases for i in self.intervals],
        }


@functools.lru_cache(maxsize=4096)
def range_problem(text: str) -> str | None:
    """Why `text` is not a valid range, or None. Cached: an import checks the same few
    hundred range texts tens of thousands of times."""
    try:
        Range.parse(text)
    except RangeError as exc:
        return str(exc)
    return None


def _intervals(comparators: list[_Comparator]) -> list[Interval]:
    """One alternative as intervals: its releases, and for each major.minor.patch that one
    of its comparators names with a pre-release, that version's pre-releases (npm's rule)."""
    whole = Interval.of(tuple(comparators))
    intervals = [replace(whole, prereleases=False)]
    allowed = {
        c.version.numbers
        for c in comparators
        if c.version is not None and c.version.pre
        and not (c.op == "<" and c.version.pre == (0,))  # `<2.0.0-0` admits none of 2.0.0's
    }
    for numbers in sorted(allowed):
        release = Version(numbers).key  # "…~": its pre-releases are the keys "…-…" below it
        block = whole.within(">", release[:-1] + "-").within("<", release)
        if not block.empty:
            intervals.append(block)
    return intervals


# The grammar, after npm's (node-semver's internal/re.js), with numbers read leniently:
# leading zeros and, for a whole version, more than three parts (calendar versions).
_SPACES = re.compile(r"\s+")
_ID = r"(?:\d*[A-Za-z-][0-9A-Za-z-]*|\d+)"
_PRE = rf"{_ID}(?:\.{_ID})*"
_BUILD = re.compile(r"\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*")
_PART = r"(?:\d+|[xX*])"
_PARTIAL = rf"(?P<prefix>[v=]*)(?P<parts>{_PART}(?:\.{_PART})*)(?:-(?P<pre>{_PRE}))?"
_TOKEN = re.compile(rf"^(?P<op><=|>=|<|>|=|~>|~|\^)?{_PARTIAL}$")
_HYPHEN = re.compile(
    rf"^(?P<low>[v=]*{_PART}(?:\.{_PART})*(?:-{_PRE})?) - "
    rf"(?P<high>[v=]*{_PART}(?:\.{_PART})*(?:-{_PRE})?)$"
)
# `>= 1.2`, `~ 1.2`, `^ 1.2`: an operator and its version may be apart
_OPERATOR_SPACE = re.compile(r"((?:<|>)=?|=) (?=[v=]*[0-9xX*])")
_TILDE_SPACE = re.compile(r"~>? ")
_CARET_SPACE = re.compile(r"\^ ")


@dataclass(frozen=True)
class _Partial:
    """A version as a range writes it: numbers up to the first wildcard, and whether a
    wildcard came (`1.2.x` -> (1, 2), wild; `1.2` -> (1, 2), not wild but partial)."""

    parts: tuple[int, ...]
    pre: tuple[int | str, ...]
    prefix: str

    @property
    def full(self) -> bool:
        return len(self.parts) >= 3


def _read_partial(prefix: str, parts_text: str, pre_text: str | None, token: str, whole: str
                  ) -> _Partial:
    pieces = parts_text.split(".")
    wild = [p in {"x", "X", "*"} for p in pieces]
    if len(pieces) > 3 and any(wild):
        raise RangeError(f"cannot read {token!r} in range {whole!r}")
    if any(wild):
        first = wild.index(True)
        if not all(wild[first:]):  # `1.x.2`, `x.1`: npm refuses a number after a wildcard
            raise RangeError(f"cannot read {token!r} in range {whole!r}")
        pieces = pieces[:first]
    if pre_text is not None and len(parts_text.split(".")) < 3:  # `1.2-rc`
        raise RangeError(f"cannot read {token!r} in range {whole!r}")
    pre = ()
    if pre_text is not None and len(pieces) >= 3:  # `1.2.x-rc`: npm drops the pre-release
        pre = tuple(int(p) if p.isdigit() else p for p in pre_text.split("."))
    return _Partial(tuple(int(p) for p in pieces), pre, prefix)


def _version(parts: tuple[int, ...], pre: tuple[int | str, ...] = ()) -> Version:
    return Version(parts + (0,) * (3 - len(parts)), pre)


def _bumped(parts: tuple[int, ...], index: int) -> Version:
    """The first pre-release of the version after `parts` at `index` (`<2.0.0-0`)."""
    bumped = list(parts[: index + 1])
    bumped[index] += 1
    return _version(tuple(bumped), (0,))


def _parse_set(part: str, whole: str) -> list[_Comparator]:
    """One `||` alternative as npm desugars it into comparators."""
    part = _BUILD.sub("", part)
    hyphen = _HYPHEN.match(part)
    if hyphen:
        comparators = _hyphen(hyphen.group("low"), hyphen.group("high"), whole)
    else:
        part = _CARET_SPACE.sub("^", _TILDE_SPACE.sub("~", _OPERATOR_SPACE.sub(r"\1", part)))
        comparators = [c for token in part.split(" ") for c in _expand(token, whole)]
    if _NOTHING in comparators:
        return [_NOTHING]
    # npm reads `>=0.0.0` as `*` (which matters when it is an alternative on its own)
    real = [c for c in comparators if c.version is not None and c != _FROM_ZERO]
    return real or [_ANY]


def _end(text: str, whole: str) -> _Partial:
    match = re.fullmatch(_PARTIAL, text)
    if not match or match.group("prefix") not in {"", "v"}:
        raise RangeError(f"cannot read {text!r} in range {whole!r}")
    return _read_partial(match.group("prefix"), match.group("parts"), match.group("pre"),
                         text, whole)


def _hyphen(low_text: str, high_text: str, whole: str) -> list[_Comparator]:
    """`1.2 - 2.3` is `>=1.2.0 <2.4.0-0`; a wildcard end (`1.3 - *`) leaves that side open."""
    low, high = _end(low_text, whole), _end(high_text, whole)
    comparators = []
    if low.parts:
        literal = low.full and low.prefix == "v"
        comparators.append(_Comparator(">=", _version(low.parts, low.pre), literal))
    if not high.parts:
        pass
    elif not high.full:
        comparators.append(_Comparator("<", _bumped(high.parts, len(high.parts) - 1)))
    else:
        comparators.append(_Comparator("<=", _version(high.parts, high.pre)))
    return comparators or [_ANY]


def _expand(token: str, whole: str) -> list[_Comparator]:
    """One comparator as written (`^1.2`, `>=1.x`, `1.2.3`) as plain comparators."""
    match = _TOKEN.match(token)
    if not match:
        raise RangeError(f"cannot read {token!r} in range {whole!r}")
    op = match.group("op") or ""
    version = _read_partial(match.group("prefix"), match.group("parts"), match.group("pre"),
                            token, whole)
    parts, pre = version.parts, version.pre
    if op in {"^", "~", "~>"}:
        if not parts:  # `^*`, `~x`: anything
            return [_ANY]
        low = _Comparator(">=", _version(parts, pre))
        if op == "^":
            nonzero = next((i for i, p in enumerate(parts[:3]) if p != 0), None)
            if nonzero is None:  # `^0`, `^0.0` bump their last part; `^0.0.3` its patch
                nonzero = min(len(parts), 3) - 1
            return [low, _Comparator("<", _bumped(parts, nonzero))]
        return [low, _Comparator("<", _bumped(parts, 1 if len(parts) >= 2 else 0))]
    if version.full:
        if version.prefix not in {"", "v"}:
            raise RangeError(f"cannot read {token!r} in range {whole!r}")
        return [_Comparator(op or "=", _version(parts, pre), version.prefix == "v")]
    # an x-range: `1.2`, `1.x`, `>1.2`, `<=1`, `*`
    if not parts:
        return [_NOTHING] if op in {"<", ">"} else [_ANY]
    low, above = _version(parts), _bumped(parts, len(parts) - 1)
    if op in {"", "="}:
        return [_Comparator(">=", low), _Comparator("<", above)]
    if op == ">":
        return [_Comparator(">=", replace(above, pre=()))]
    if op == "<=":
        return [_Comparator("<", above)]
    if op == "<":
        return [_Comparator("<", replace(low, pre=(0,)))]
    return [_Comparator(">=", low)]
