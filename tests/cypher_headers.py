"""Reading a query file's comment header the way the tests check it.

The `// Returns:` field names the query's result columns, in the order the query returns
them:

    // Returns: name, kind (its kind), dependencies ([{component, range}] of the latest
    //          version) — no row for an unknown name

- The field starts on the `// Returns:` line and goes on over the comment lines right
  after it that are indented (`//` then two spaces or more); `// :param ` and any other
  comment line with a single space after `//` ends it.
- Columns are separated by commas. Each is a bare name as the query returns it
  (`[A-Za-z_][A-Za-z0-9_]*`), optionally followed by an aside in parentheses, brackets or
  braces, which may nest and hold commas (what the value is: `([{component, version}])`).
- A ` — ` (em dash) outside any aside ends the list of columns: what follows is a note
  about rows (`— no row when ...`, `— one row per ...`).
- `nothing` (optionally with an aside) stands for no columns: schema statements and pure
  writes.
"""

from __future__ import annotations

import re

_FIELD = "// Returns:"
_CONTINUATION = re.compile(r"^//\s{2,}\S")
_COLUMN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_OPEN, _CLOSE = "([{", ")]}"


class HeaderError(ValueError):
    """A `// Returns:` field that does not follow the convention."""


def returns_field(text: str) -> str:
    """The `// Returns:` field of a query file, its continuation lines joined by spaces."""
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith(_FIELD)), None)
    if start is None:
        raise HeaderError("no '// Returns:' line")
    parts = [lines[start][len(_FIELD) :]]
    for line in lines[start + 1 :]:
        if not _CONTINUATION.match(line):
            break
        parts.append(line[2:])
    return " ".join(part.strip() for part in parts)


def returned_columns(text: str) -> list[str]:
    """The columns a query file's `// Returns:` field names, in order ([] for `nothing`)."""
    field = returns_field(text)
    outside, depth = [], 0
    for char in field:
        if char in _OPEN:
            depth += 1
        elif char in _CLOSE:
            depth -= 1
            if depth < 0:
                raise HeaderError(f"unbalanced {char!r} in // Returns: {field}")
        elif depth == 0:
            outside.append(char)
    if depth:
        raise HeaderError(f"unclosed aside in // Returns: {field}")
    listed = "".join(outside).split("—", 1)[0]
    columns = [item.strip() for item in listed.split(",")]
    if columns == ["nothing"]:
        return []
    malformed = [item for item in columns if not _COLUMN.fullmatch(item)]
    if malformed:
        raise HeaderError(
            f"// Returns: {field}\n  lists {malformed}, which are not bare column names "
            "(put what a column holds in parentheses after its name, and a note about rows "
            "after ' — ')"
        )
    duplicated = sorted({c for c in columns if columns.count(c) > 1})
    if duplicated:
        raise HeaderError(f"// Returns: {field}\n  names {duplicated} more than once")
    return columns
