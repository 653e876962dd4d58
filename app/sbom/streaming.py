"""An uploaded SBOM read as JSON in passes over its raw bytes, never as one tree of Python
objects.

`json.loads` of a whole SBOM costs 4 to 6 times its size in Python objects, and the schema
check's `uniqueItems` built a second, frozen copy of every component on top: three
maximal uploads at once took one worker far past the memory their bodies take. The raw
body is the most compact form of the document there is (and the request holds it anyway),
so it is read several times, each pass by `ijson` over its C backend (yajl; the
pure-Python backend is several times slower):

1. `Json.outline`: the whole document's events, which checks its syntax to the end before
   anything else is judged (as `json.loads` did), and builds every top-level value but
   the large arrays (`STREAMED`): each of those is a `Streamed` placeholder that knows how
   many items it holds;
2. `Json.items(key)`, once per large array the reader needs, yields its items one at a
   time, each built whole (a component with its nested ones, a dependency, a package),
   so at most one item's tree is alive beside what the reader keeps of the items before.

JSON is read as `json.loads` reads it: floats as floats (not `Decimal`), `NaN` and
`Infinity` refused, the last of a repeated key kept (a large array twice is refused: the
passes could not tell which one counts). A syntax error says where it is in lines and
columns, as `json.loads` said it.
"""

from __future__ import annotations

import codecs
import io
import re
from collections.abc import Iterator
from typing import Any

import ijson
from ijson.backends import python as pure_python

from app.errors import Invalid

#: Top-level keys whose array value is read item by item (CycloneDX components and
#: dependencies, SPDX packages, relationships, files and snippets): whichever the format.
STREAMED = frozenset(
    ("components", "dependencies", "packages", "relationships", "files", "snippets")
)

#: Prefix (in ijson's dotted form) of a CycloneDX component at any depth of nesting.
_COMPONENT = re.compile(r"components\.item(?:\.components\.item)*")

#: Bytes checked as UTF-8 at a time.
_UTF8_CHUNK = 1 << 20

_STARTS = frozenset(("start_map", "start_array"))
_ENDS = frozenset(("end_map", "end_array"))


class Streamed(list):
    """A large top-level array in the outline, left unread: an empty list (so a schema
    check of the outline sees an array there, and its items are checked one by one as they
    are read), with `count` (its items) and `components` (the objects among them and
    their nested `components`, at any depth: what CycloneDX's package limit counts)."""

    def __init__(self, count: int, components: int) -> None:
        super().__init__()
        self.count = count
        self.components = components


class Json:
    """The raw bytes of a JSON document, read in passes (see the module's docstring)."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.start = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
        _check_utf8(data)

    def _stream(self) -> io.BytesIO:
        stream = io.BytesIO(self.data)  # shares the bytes, copies nothing
        stream.seek(self.start)
        return stream

    def outline(self) -> Any:
        """The document with each large top-level array a `Streamed`; a document that is
        no JSON object is returned as None (after its syntax is checked)."""
        events = ijson.parse(self._stream(), use_float=True)
        try:
            _, event, _ = next(events)
            if event != "start_map":
                for _ in events:
                    pass
                return None
            document: dict[str, Any] = {}
            key = None
            for _, event, value in events:
                if event == "map_key":
                    key = value
                elif event == "end_map":
                    break
                elif event == "start_array" and key in STREAMED:
                    if isinstance(document.get(key), Streamed):
                        raise Invalid(
                            f"the SBOM holds {key} twice", {key: ["given twice in the document"]}
                        )
                    document[key] = _skipped(events, key == "components")
                elif event in _STARTS:
                    document[key] = _built(events, event)
                else:
                    document[key] = value
            for _ in events:  # anything after the object is an error the parser reports
                pass
            return document
        except ijson.JSONError as exc:  # an empty body too ("premature EOF")
            raise self._syntax_error(exc) from None

    def items(self, key: str) -> Iterator[Any]:
        """The items of the top-level array `key` (a `Streamed` of the outline), in order."""
        return ijson.items(self._stream(), f"{key}.item", use_float=True)

    def _syntax_error(self, exc: Exception) -> Invalid:
        """The syntax error, placed in lines and columns. yajl says what is wrong but not
        at which byte, so the place is found by the pure-Python backend, which says; it
        reads events only (nothing is built) and runs only for a document that fails."""
        what = str(exc).splitlines()[0] if str(exc) else "invalid JSON"
        position = None
        try:
            for _ in pure_python.basic_parse(self._stream(), use_float=True):
                pass
        except pure_python.UnexpectedSymbol as found:
            position = int(str(found).rsplit(" ", 1)[1])
        except ijson.IncompleteJSONError:  # it ended too soon
            return Invalid(
                f"the SBOM is not valid JSON: {what} at its end", {"sbom": [f"{what} at its end"]}
            )
        except ijson.JSONError:
            pass
        if position is None:
            return Invalid(f"the SBOM is not valid JSON: {what}", {"sbom": [what]})
        line, column = self._line_and_column(position)
        where = f"line {line} column {column} (character {position})"
        return Invalid(
            f"the SBOM is not valid JSON: {what} at {where}", {"sbom": [f"{what} at {where}"]}
        )

    def _line_and_column(self, position: int) -> tuple[int, int]:
        """Line and column (from 1) of character `position`, decoded a chunk at a time."""
        decoder = codecs.getincrementaldecoder("utf-8")()
        view = memoryview(self.data)[self.start :]
        line, line_start, seen = 1, 0, 0
        for offset in range(0, len(view), _UTF8_CHUNK):
            text = decoder.decode(view[offset : offset + _UTF8_CHUNK])[: position - seen]
            newlines = text.count("\n")
            if newlines:
                line += newlines
                line_start = seen + text.rfind("\n") + 1
            seen += len(text)
            if seen >= position:
                break
        return line, position - line_start + 1


def _check_utf8(data: bytes) -> None:
    """`Invalid` naming the first byte that is not UTF-8, checked a chunk at a time (a
    whole decoded copy would cost as much as the body again)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)
    for offset in range(0, len(data), _UTF8_CHUNK):
        pending = len(decoder.getstate()[0])
        try:
            decoder.decode(view[offset : offset + _UTF8_CHUNK])
        except UnicodeDecodeError as exc:
            _not_utf8(offset - pending + exc.start)
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        _not_utf8(len(data) - len(decoder.getstate()[0]))


def _not_utf8(byte: int) -> None:
    raise Invalid(
        f"the SBOM is not UTF-8 text: byte {byte} cannot be decoded",
        {"sbom": [f"invalid UTF-8 at byte {byte}"]},
    )


def _skipped(events: Iterator[tuple[str, str, Any]], components: bool) -> Streamed:
    """Read past the array whose `start_array` was just read, counting its items (and,
    for CycloneDX `components`, the component objects at any depth)."""
    depth, count, found = 1, 0, 0
    for prefix, event, _ in events:
        if depth == 1 and event != "end_array":
            count += 1
        if event in _STARTS:
            depth += 1
            if components and event == "start_map" and _COMPONENT.fullmatch(prefix):
                found += 1
        elif event in _ENDS:
            depth -= 1
            if depth == 0:
                break
    return Streamed(count, found)


def _built(events: Iterator[tuple[str, str, Any]], first: str) -> Any:
    """The object or array whose start (`first`) was just read, built whole."""
    builder = ijson.ObjectBuilder()
    builder.event(first, None)
    depth = 1
    for _, event, value in events:
        builder.event(event, value)
        if event in _STARTS:
            depth += 1
        elif event in _ENDS:
            depth -= 1
            if depth == 0:
                break
    return builder.value
