"""A JSON object read from a file one member at a time, its long arrays one item at a time.

A national dataset is about 60 MB of JSON; decoded whole into dicts it takes about 400 MB. Read this
way, only one school's dict exists at a time and the caller keeps what it needs in packed form. Any
valid JSON is accepted (pretty-printed or on one line); the text is decoded by the standard library's
C decoder, piece by piece.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, TextIO

CHUNK = 1 << 20  # characters read at a time
_WHITESPACE = " \t\n\r"
_NUMBER = frozenset("0123456789+-.eE")
_DECODER = json.JSONDecoder()
EMPTY = "empty file"


class JsonSyntaxError(ValueError):
    """Invalid JSON at line `line` (1-based) of the file."""

    def __init__(self, detail: str, line: int) -> None:
        super().__init__(f"{detail} (line {line})")
        self.detail, self.line = detail, line


class _Reader:
    def __init__(self, fh: TextIO) -> None:
        self._fh = fh
        self._buf = ""
        self._pos = 0
        self._eof = False
        self._lines = 0  # newlines in the text already dropped from the buffer

    def _more(self) -> bool:
        """Read more text (at least as much as is buffered, so a long value costs linear time)."""
        if self._eof:
            return False
        chunk = self._fh.read(max(CHUNK, len(self._buf) - self._pos))
        if not chunk:
            self._eof = True
            return False
        self._lines += self._buf.count("\n", 0, self._pos)
        self._buf = self._buf[self._pos :] + chunk
        self._pos = 0
        return True

    def error(self, detail: str, at: int | None = None) -> JsonSyntaxError:
        at = self._pos if at is None else at
        return JsonSyntaxError(detail, self._lines + self._buf.count("\n", 0, at) + 1)

    def peek(self) -> str:
        """The next character that is not whitespace ("" at the end of the text), not consumed."""
        while True:
            buf, pos = self._buf, self._pos
            while pos < len(buf) and buf[pos] in _WHITESPACE:
                pos += 1
            self._pos = pos
            if pos < len(buf):
                return buf[pos]
            if not self._more():
                return ""

    def expect(self, char: str) -> None:
        found = self.peek()
        if found != char:
            raise self.error(f"expected {char!r}, found {found or 'end of file'!r}")
        self._pos += 1

    def value(self) -> Any:
        """The next JSON value, decoded whole."""
        self.peek()
        while True:
            try:
                value, end = _DECODER.raw_decode(self._buf, self._pos)
            except json.JSONDecodeError as exc:
                if self._more():
                    continue  # the value may go on past the buffered text
                raise self.error(exc.msg, exc.pos) from None
            if self._cut(value, end) and self._more():
                continue  # a number cut by the end of the buffered text: 0. of 0.25
            self._pos = end
            return value

    def _cut(self, value: object, end: int) -> bool:
        """Whether `value` may be a number whose text goes on past the buffered text."""
        if self._eof or isinstance(value, bool) or not isinstance(value, int | float):
            return False
        return end >= len(self._buf) or self._buf[end] in _NUMBER

    def items(self) -> Iterator[Any]:
        """The items of the array that comes next, decoded one at a time."""
        self.expect("[")
        if self.peek() == "]":
            self._pos += 1
            return
        while True:
            yield self.value()
            if self.peek() == "]":
                self._pos += 1
                return
            self.expect(",")


def object_members(fh: TextIO, streamed: frozenset[str]) -> Iterator[tuple[str, Any]]:
    """(key, value) of the top-level JSON object in `fh`, in file order. The value of a key in
    `streamed` that holds an array is an iterator over its items: consume it before the next member.
    Raises JsonSyntaxError for invalid JSON and TypeError when the text is not a JSON object."""
    reader = _Reader(fh)
    if reader.peek() != "{":
        if reader.peek() == "":
            raise reader.error(EMPTY)
        raise TypeError(type(reader.value()).__name__)
    reader.expect("{")
    if reader.peek() == "}":
        reader.expect("}")
    else:
        while True:
            if reader.peek() != '"':
                raise reader.error("expected a member name in double quotes")
            key = reader.value()
            reader.expect(":")
            if key in streamed and reader.peek() == "[":
                items = reader.items()
                yield key, items
                for _ in items:  # what the caller left unread
                    pass
            else:
                yield key, reader.value()
            if reader.peek() == "}":
                reader.expect("}")
                break
            reader.expect(",")
    if reader.peek() != "":
        raise reader.error("extra text after the JSON object")
