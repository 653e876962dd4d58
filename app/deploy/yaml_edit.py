"""Setting single values in a YAML file while keeping every other byte of it.

A GitOps repository is read and reviewed by people: a deployment that rewrites a whole
values file (reindenting it, requoting strings, dropping comments) makes every diff
unreadable. So a value is changed by splicing the text: ruamel.yaml's round-trip parser
says where the value's scalar starts (line and column), the scalar's end is found by the
YAML rules for its style (plain, 'single' or "double" quoted), and only those characters
are replaced, in the same quoting style. A key that the mapping lacks is added as one new
line after the mapping's last key; a removed key loses its own line only. The result is
parsed again and must equal the original data with exactly the asked change, else the
edit is refused — so a file this code cannot edit exactly is never written wrongly.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from app.errors import Invalid

#: The value that removes a key (e.g. a digest, when the new version has none).
REMOVE = object()

Path = Sequence[str | int]


def load(text: str, where: str) -> Any:
    """The round-trip document of `text` (`where` names it in errors)."""
    try:
        return YAML(typ="rt").load(text)
    except YAMLError as exc:
        raise Invalid(
            f"{where} is not YAML this engine can read: {exc}", {"file": [where]}
        ) from exc


def lookup(document: Any, path: Path) -> Any:
    """The node at `path`; raises KeyError or IndexError (or TypeError) when it is missing."""
    node = document
    for part in path:
        node = node[part]
    return node


def shown(path: Path) -> str:
    return ".".join(str(part) for part in path)


def set_values(
    text: str, changes: Sequence[tuple[Path, Any]], where: str, document: Any = None
) -> str:
    """`text` with each scalar at a path set to its string value (or removed: REMOVE);
    the parent of each path must exist. `document` is `text` loaded already, when the
    caller has it. All splices are found on the one parse and applied from the end, then
    the result is parsed once to check it."""
    document = load(text, where) if document is None else document
    lines = _line_starts(text)
    splices = [
        (start, index, end, new)
        for index, (path, value) in enumerate(changes)
        for start, end, new in _splice(text, document, lines, path, value, where)
    ]
    splices.sort()
    for (_, _, end, _), (start, _, _, _) in zip(splices, splices[1:], strict=False):
        if start < end:
            raise Invalid(f"{where}: two changes to the same value", {"file": [where]})
    edited = text
    for start, _, end, new in reversed(splices):
        edited = edited[:start] + new + edited[end:]
    if edited != text:
        _check(document, edited, changes, where)
    return edited


def _splice(text, document, lines, path: Path, value: Any, where: str):
    """[(start, end, replacement)] that sets `path` to `value` in `text` (none when it
    holds that value already)."""
    try:
        parent = lookup(document, path[:-1])
    except (KeyError, IndexError, TypeError) as exc:
        raise Invalid(
            f"{where}: no {shown(path[:-1]) or 'document'} to set {path[-1]} in",
            {"key": [shown(path)]},
        ) from exc
    key = path[-1]
    if not isinstance(parent, CommentedMap | CommentedSeq):
        raise Invalid(
            f"{where}: {shown(path[:-1])} is a value, not a mapping", {"key": [shown(path)]}
        )
    present = key in parent if isinstance(parent, CommentedMap) else key < len(parent)
    if present and parent[key] == value or not present and value is REMOVE:
        return []
    if present and isinstance(parent[key], CommentedMap | CommentedSeq):
        raise Invalid(
            f"{where}: {shown(path)} is a mapping or list, not a value", {"key": [shown(path)]}
        )
    flow = parent.fa.flow_style()
    if value is REMOVE:
        return [_remove(text, parent, key, lines, flow, where, path)]
    if not present:
        return [_add(text, parent, key, value, lines, flow, where, path)]
    if parent[key] is None:
        return [_fill_empty(text, parent, key, value, lines, where, path)]
    line, column = parent.lc.value(key) if isinstance(parent, CommentedMap) else parent.lc.item(key)
    start = lines[line] + column
    return [(start, scalar_end(text, start, flow), render(value, text[start], flow))]


def _line_starts(text: str) -> list[int]:
    starts = [0]
    for index, char in enumerate(text):
        if char == "\n":
            starts.append(index + 1)
    return starts


def _line_end(text: str, offset: int) -> int:
    """Offset just after the newline ending the line that holds `offset`."""
    newline = text.find("\n", offset)
    return len(text) if newline < 0 else newline + 1


def scalar_end(text: str, start: int, flow: bool) -> int:
    """Where the scalar starting at `start` ends, by its style's rules."""
    quote = text[start]
    if quote == '"':
        index = start + 1
        while index < len(text):
            if text[index] == "\\":
                index += 2
                continue
            if text[index] == '"':
                return index + 1
            index += 1
    elif quote == "'":
        index = start + 1
        while index < len(text):
            if text[index] == "'":
                if text[index + 1 : index + 2] == "'":
                    index += 2
                    continue
                return index + 1
            index += 1
    elif quote in "|>&!*":
        raise Invalid("a block scalar, anchor, alias or tag is not edited in place", {})
    else:
        end = _line_end(text, start)
        line = text[start:end].rstrip("\r\n")
        cut = len(line)
        comment = line.find(" #")
        if comment >= 0:
            cut = comment
        if flow:
            for stop in ",}]":
                found = line.find(stop)
                if 0 <= found < cut:
                    cut = found
        return start + len(line[:cut].rstrip())
    raise Invalid("an unterminated quoted scalar", {})


def render(value: str, style: str, flow: bool = False) -> str:
    """`value` as a YAML scalar in the style of the one it replaces (its first character)."""
    if style == "'":
        return "'" + value.replace("'", "''") + "'"
    if style == '"' or not _plain_safe(value, flow):
        return json.dumps(value, ensure_ascii=False)
    return value


def _plain_safe(value: str, flow: bool) -> bool:
    """Whether `value` written plain reads back as this very string."""
    if not value or value != value.strip() or "\n" in value or " #" in value or ": " in value:
        return False
    if flow and any(char in value for char in ",[]{}"):
        return False
    try:
        return YAML(typ="safe").load(f"k: {value}\n") == {"k": value}
    except YAMLError:
        return False


def _key_position(parent: Any, key: Any) -> tuple[int, int]:
    return parent.lc.key(key) if isinstance(parent, CommentedMap) else parent.lc.item(key)


def _remove(text, parent, key, lines, flow, where, path) -> str:
    if flow or not isinstance(parent, CommentedMap) or len(parent) < 2:
        raise Invalid(
            f"{where}: {shown(path)} cannot be removed in place (the only key, or a flow "
            "mapping); edit the file by hand once",
            {"key": [shown(path)]},
        )
    line, column = parent.lc.key(key)
    value_line, value_column = parent.lc.value(key)
    if parent[key] is not None:
        value_end = scalar_end(text, lines[value_line] + value_column, flow)
    else:
        value_end = lines[line] + column
    start = lines[line] + column
    if text[lines[line] : start].strip():  # "- key: value": keep the dash for the next key
        raise Invalid(
            f"{where}: {shown(path)} is the first key of a list item; it is not removed in place",
            {"key": [shown(path)]},
        )
    return lines[line], _line_end(text, value_end), ""


def _add(text, parent, key, value, lines, flow, where, path) -> str:
    if flow or not isinstance(parent, CommentedMap) or not parent:
        raise Invalid(
            f"{where}: {shown(path)} cannot be added in place (an empty or flow mapping, or a "
            "list); add it by hand once",
            {"key": [shown(path)]},
        )
    keys = list(parent)
    last = keys[-1]
    if isinstance(parent[last], CommentedMap | CommentedSeq):
        raise Invalid(
            f"{where}: {shown(path)} cannot be added after the nested {last}; add it by hand once",
            {"key": [shown(path)]},
        )
    _, column = parent.lc.key(keys[0])
    if parent[last] is None:
        after = lines[parent.lc.key(last)[0]]
    else:
        line, value_column = parent.lc.value(last)
        after = scalar_end(text, lines[line] + value_column, False)
    insert_at = _line_end(text, after)
    prefix = "" if text[:insert_at].endswith("\n") or not text else "\n"
    newline = "\r\n" if "\r\n" in text else "\n"
    new_line = (
        f"{prefix}{' ' * column}{render(str(key), '', False)}: {render(value, '', False)}{newline}"
    )
    return insert_at, insert_at, new_line


def _fill_empty(text, parent, key, value, lines, where, path) -> str:
    line, column = _key_position(parent, key)
    colon = text.find(":", lines[line] + column + len(str(key)))
    if colon < 0 or colon >= _line_end(text, lines[line] + column):
        raise Invalid(f"{where}: {shown(path)} cannot be set in place", {"key": [shown(path)]})
    return colon + 1, colon + 1, " " + render(value, "", False)


def plain(node: Any) -> Any:
    """The round-trip document as plain dicts, lists and scalars (for comparing)."""
    if isinstance(node, dict):
        return {key: plain(value) for key, value in node.items()}
    if isinstance(node, list):
        return [plain(value) for value in node]
    return node


def _check(document: Any, after: str, changes: Sequence[tuple[Path, Any]], where: str) -> None:
    """The edited text must read as the original with exactly these changes."""
    expected = plain(document)
    for path, value in changes:
        parent = lookup(expected, path[:-1])
        if value is REMOVE:
            if path[-1] in parent:
                del parent[path[-1]]
        else:
            parent[path[-1]] = value
    if plain(load(after, where)) != expected:
        raise Invalid(
            f"{where}: {', '.join(shown(path) for path, _ in changes)} could not be changed "
            "without changing anything else; edit the file by hand once",
            {"file": [where]},
        )
