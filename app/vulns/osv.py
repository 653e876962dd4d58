"""OSV records (https://ossf.github.io/osv-schema/): read, checked, and asked whether a
version is affected.

A record is checked whole before anything is written: its id and `modified` time, its
times, its CVSS vectors (scored by the `cvss` library), each affected package's ecosystem
and each range event's version in that ecosystem's rules. A problem is an `Invalid` that
names the record and the field (`affected[0].ranges[1].events[2].fixed`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC
from typing import Any

import cvss

from app.core import times
from app.errors import Invalid
from app.vulns import ecosystems

#: Range types compared here; GIT ranges name commits, which no purl version does.
RANGE_TYPES = {"SEMVER", "ECOSYSTEM", "GIT"}
EVENT_KINDS = ("introduced", "fixed", "last_affected", "limit")
#: CVSS vector types, newest first: the newest one a record gives is its score.
CVSS_TYPES = {"CVSS_V4": cvss.CVSS4, "CVSS_V3": cvss.CVSS3, "CVSS_V2": cvss.CVSS2}
MAX_ID_LENGTH = 200


@dataclass(frozen=True)
class Range:
    type: str  # SEMVER, ECOSYSTEM or GIT
    events: tuple[tuple[str, str], ...]  # (kind, version) in the record's order
    where: str  # its place in the record, e.g. affected[0].ranges[1]


@dataclass(frozen=True)
class Affected:
    ecosystem: str  # as OSV spells it, e.g. Maven, Debian:11
    name: str
    purl_type: str
    key: str  # see ecosystems.key
    ranges: tuple[Range, ...]
    versions: tuple[str, ...]
    where: str

    def admits(self, text: str) -> tuple[str, str | None, str] | None:
        """(range label, first fixed version or None, place in the record) when version
        `text` of this package is affected, else None."""
        for found in (self._in_range(r, text) for r in self.ranges if r.type != "GIT"):
            if found:
                return found
        if text in self.versions:
            return f"={text}", None, f"{self.where}.versions"
        wanted = ecosystems.version(self.purl_type, text)
        if wanted is not None and any(
            ecosystems.version(self.purl_type, listed) == wanted for listed in self.versions
        ):
            return f"={text}", None, f"{self.where}.versions"
        return None

    def _in_range(self, span: Range, text: str) -> tuple[str, str | None, str] | None:
        """The OSV evaluation: walk the events sorted by version; an `introduced` at or
        below the version opens, a `fixed` at or below (or a `last_affected` below) closes."""
        semver = span.type == "SEMVER"
        at = ecosystems.version(self.purl_type, text, semver)
        if at is None:
            return None
        events = sorted(
            ((_event_version(self.purl_type, v, semver), kind, v) for kind, v in span.events),
            key=lambda e: (e[0] is not None, e[0]) if e[0] is not None else (False, 0),
        )
        opened: str | None = None
        for parsed, kind, raw in events:
            if kind == "introduced" and (parsed is None or at >= parsed):
                opened = raw
            elif kind != "introduced" and parsed is not None and _closes(kind, parsed, at):
                opened = None
        if opened is None:
            return None
        closing = next(
            (
                (kind, raw)
                for parsed, kind, raw in events
                if kind != "introduced"
                and parsed is not None
                and (parsed > at or (kind == "last_affected" and parsed == at))
            ),
            None,
        )
        label = span.type + ("" if opened == "0" else f" >={opened}")
        fixed = None
        if closing:
            kind, raw = closing
            label += f" <={raw}" if kind == "last_affected" else f" <{raw}"
            fixed = raw if kind == "fixed" else None
        return label, fixed, span.where


def _closes(kind: str, parsed, at) -> bool:
    """Whether a fixed, limit or last_affected event at `parsed` ends the range by `at`."""
    return at > parsed if kind == "last_affected" else at >= parsed


def _event_version(purl_type: str, text: str, semver: bool):
    """An event's version; None stands for "0" (before every version)."""
    return None if text == "0" else ecosystems.version(purl_type, text, semver)


@dataclass(frozen=True)
class Record:
    id: str
    modified: str  # canonical ISO 8601
    published: str | None
    withdrawn: str | None
    aliases: tuple[str, ...]
    summary: str | None
    details: str | None
    severity_type: str | None
    severity_vector: str | None
    score: float | None
    rating: str | None  # Critical, High, ... from the vector, else the feed's own word
    references: tuple[str, ...]
    affected: tuple[Affected, ...]

    def row(self) -> dict[str, Any]:
        """The record as the parameters of cypher/vulns/store.cypher."""
        return {
            "id": self.id,
            "modified": self.modified,
            "published": self.published,
            "withdrawn": self.withdrawn,
            "aliases": list(self.aliases),
            "summary": self.summary,
            "details": self.details,
            "severity_type": self.severity_type,
            "severity_vector": self.severity_vector,
            "score": self.score,
            "rating": self.rating,
            "references": list(self.references),
            "affected": [affected_row(a) for a in self.affected],
        }


def affected_row(affected: Affected) -> dict[str, Any]:
    return {
        "key": affected.key,
        "ecosystem": affected.ecosystem,
        "name": affected.name,
        "where": affected.where,
        "versions": list(affected.versions),
        "ranges": json.dumps(
            [{"type": r.type, "events": [list(e) for e in r.events]} for r in affected.ranges]
        ),
    }


def affected_of_row(row: dict[str, Any]) -> Affected:
    """An `Affected` back from its stored node (checked when it was stored)."""
    ecosystem = row["ecosystem"]
    ranges = json.loads(row["ranges"])
    return Affected(
        ecosystem=ecosystem,
        name=row["name"],
        purl_type=ecosystems.purl_type(ecosystem),
        key=row["key"],
        ranges=tuple(
            Range(r["type"], tuple((k, v) for k, v in r["events"]), f"{row['where']}.ranges[{i}]")
            for i, r in enumerate(ranges)
        ),
        versions=tuple(row["versions"]),
        where=row["where"],
    )


class _Problems:
    def __init__(self) -> None:
        self.found: dict[str, list[str]] = {}

    def add(self, field: str, problem: str) -> None:
        self.found.setdefault(field, []).append(problem)


def parse(raw: Any, origin: str = "record") -> Record:
    """A checked `Record` from one OSV JSON object; `origin` names it in errors until its
    id is known (a file, an archive member, a position in a batch)."""
    problems = _Problems()
    if not isinstance(raw, dict):
        raise Invalid(f"{origin}: an OSV record is a JSON object", {"record": origin})
    record_id = raw.get("id")
    if not isinstance(record_id, str) or not record_id.strip() or len(record_id) > MAX_ID_LENGTH:
        problems.add("id", f"must be a non-empty string of at most {MAX_ID_LENGTH} characters")
        record_id = None
    name = record_id or origin
    modified = _time(raw, "modified", problems, required=True)
    published = _time(raw, "published", problems)
    withdrawn = _time(raw, "withdrawn", problems)
    aliases = _strings(raw, "aliases", problems)
    summary = _text(raw, "summary", problems)
    details = _text(raw, "details", problems)
    severity = _severity(raw.get("severity"), problems)
    rating = severity[3]
    if rating is None:
        specific = raw.get("database_specific")
        if isinstance(specific, dict) and isinstance(specific.get("severity"), str):
            rating = specific["severity"].capitalize()
    references = _references(raw.get("references"), problems)
    affected = _affected(raw.get("affected"), problems)
    if problems.found:
        fields = sorted(problems.found)
        said = "; ".join(f"{f} {', '.join(problems.found[f])}" for f in fields)
        raise Invalid(
            f"OSV record {name}: {said}",
            {"record": name, "fields": problems.found},
        )
    return Record(
        id=record_id,
        modified=modified,
        published=published,
        withdrawn=withdrawn,
        aliases=tuple(a for a in dict.fromkeys(aliases) if a != record_id),
        summary=summary,
        details=details,
        severity_type=severity[0],
        severity_vector=severity[1],
        score=severity[2],
        rating=rating,
        references=references,
        affected=affected,
    )


def _time(raw: dict, field: str, problems: _Problems, required: bool = False) -> str | None:
    value = raw.get(field)
    if value is None and not required:
        return None
    parsed = times.parse(value)
    if parsed is None:
        problems.add(field, "must be an RFC 3339 time, e.g. 2021-12-10T00:40:56Z")
        return None
    return times.parsed_text(parsed.astimezone(UTC))


def _text(raw: dict, field: str, problems: _Problems) -> str | None:
    value = raw.get(field)
    if value is not None and not isinstance(value, str):
        problems.add(field, "must be a string")
        return None
    return value


def _strings(raw: dict, field: str, problems: _Problems, where: str = "") -> list[str]:
    value = raw.get(field) or []
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        problems.add(f"{where}.{field}" if where else field, "must be a list of non-empty strings")
        return []
    return value


def _severity(value: Any, problems: _Problems):
    """(type, vector, score, rating) of the newest CVSS version the record gives."""
    if value is None:
        return None, None, None, None
    if not isinstance(value, list):
        problems.add("severity", "must be a list of {type, score}")
        return None, None, None, None
    best = None
    for index, entry in enumerate(value):
        field = f"severity[{index}]"
        if not isinstance(entry, dict) or not isinstance(entry.get("score"), str):
            problems.add(field, "must be an object with a type and a score (a vector)")
            continue
        kind = entry.get("type")
        if kind not in CVSS_TYPES:
            continue  # e.g. Ubuntu's own words: kept out of the score, not an error
        try:
            parsed = CVSS_TYPES[kind](entry["score"])
        except cvss.CVSSError as exc:
            problems.add(f"{field}.score", f"is not a valid {kind} vector ({exc})")
            continue
        score, rating = _score(parsed)
        rank = list(CVSS_TYPES).index(kind)
        if best is None or rank < best[0]:
            best = (rank, kind, entry["score"], score, rating)
    return (None, None, None, None) if best is None else best[1:]


def _score(parsed) -> tuple[float, str | None]:
    if isinstance(parsed, cvss.CVSS4):
        return float(parsed.base_score), parsed.severity
    if isinstance(parsed, cvss.CVSS3):
        return float(parsed.scores()[0]), parsed.severities()[0]
    return float(parsed.scores()[0]), None


def _references(value: Any, problems: _Problems) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(
        isinstance(r, dict) and isinstance(r.get("url"), str) for r in value
    ):
        problems.add("references", "must be a list of {type, url}")
        return ()
    return tuple(dict.fromkeys(r["url"] for r in value))


def _affected(value: Any, problems: _Problems) -> tuple[Affected, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        problems.add("affected", "must be a list")
        return ()
    found = []
    for index, entry in enumerate(value):
        where = f"affected[{index}]"
        package = entry.get("package") if isinstance(entry, dict) else None
        if not isinstance(package, dict):
            problems.add(f"{where}.package", "must be an object with ecosystem and name")
            continue
        ecosystem, name = package.get("ecosystem"), package.get("name")
        if not isinstance(name, str) or not name:
            problems.add(f"{where}.package.name", "must be a non-empty string")
            continue
        purl_type = ecosystems.purl_type(ecosystem) if isinstance(ecosystem, str) else None
        if purl_type is None:
            known = ", ".join(ecosystems.ECOSYSTEMS)
            problems.add(f"{where}.package.ecosystem", f"{ecosystem!r} is not one of {known}")
            continue
        ranges = _ranges(entry.get("ranges"), purl_type, where, problems)
        versions = _strings(entry, "versions", problems, where)
        found.append(
            Affected(
                ecosystem=ecosystem,
                name=name,
                purl_type=purl_type,
                key=ecosystems.key(purl_type, name),
                ranges=ranges,
                versions=tuple(versions),
                where=where,
            )
        )
    return tuple(found)


def _ranges(value: Any, purl_type: str, where: str, problems: _Problems) -> tuple[Range, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        problems.add(f"{where}.ranges", "must be a list")
        return ()
    found = []
    for index, entry in enumerate(value):
        place = f"{where}.ranges[{index}]"
        if not isinstance(entry, dict) or entry.get("type") not in RANGE_TYPES:
            problems.add(f"{place}.type", f"must be one of {', '.join(sorted(RANGE_TYPES))}")
            continue
        events = entry.get("events")
        if not isinstance(events, list) or not events:
            problems.add(f"{place}.events", "must be a non-empty list")
            continue
        kept = []
        for number, event in enumerate(events):
            field = f"{place}.events[{number}]"
            if not isinstance(event, dict) or len(event) != 1:
                problems.add(field, f"must be one of {', '.join(EVENT_KINDS)}: version")
                continue
            ((kind, text),) = event.items()
            if kind not in EVENT_KINDS or not isinstance(text, str) or not text:
                problems.add(field, f"must be one of {', '.join(EVENT_KINDS)}: version")
                continue
            if (
                entry["type"] != "GIT"
                and text != "0"
                and ecosystems.version(purl_type, text, entry["type"] == "SEMVER") is None
            ):
                rules = "semver" if entry["type"] == "SEMVER" else f"{purl_type}"
                problems.add(f"{field}.{kind}", f"{text!r} is not a {rules} version")
                continue
            kept.append((kind, text))
        if not any(kind == "introduced" for kind, _ in kept):
            problems.add(f"{place}.events", "must have an introduced event")
        found.append(Range(entry["type"], tuple(kept), place))
    return tuple(found)
