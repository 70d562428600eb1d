"""The one text gate: every string from an input passes `gate` before it reaches XML or a terminal.

Workbooks, configs, datasets, narrative files and file names may hold characters that XML cannot
carry (C0 controls, lone surrogates, U+FFFE) or that a terminal obeys (ESC sequences that recolour
or retitle it, carriage returns that overwrite a line, C1 controls). For a document such characters
are removed; for a person reading a message they are shown as escapes (`\\x01`), so a value is
never hidden nor able to act. Line breaks and tabs survive; CR LF and lone CR become LF.
"""

from __future__ import annotations

import os
import re

# XML 1.0 forbids C0 except TAB LF CR, lone surrogates, U+FFFE, U+FFFF; DEL and C1 are legal XML
# but terminal controls (0x9B is an 8-bit CSI), never typed on purpose.
_CONTROL = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff"
_REMOVED = re.compile(f"[{_CONTROL}]")
# Shown escaped to a reader: the controls above, CR, and the bidirectional overrides that can make
# a terminal show text in another order than it is stored.
_HIDDEN = re.compile(f"[{_CONTROL}\r\u202a-\u202e\u2066-\u2069]")
_CRLF = re.compile("\r\n?")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def gate(text: str, *, shown: bool = False) -> str:
    """`text` made safe: for XML (controls removed), or `shown` to a person (controls escaped)."""
    if shown:
        return _HIDDEN.sub(_escape, text) if _HIDDEN.search(text) else text
    if "\r" in text:
        text = _CRLF.sub("\n", text)
    return _REMOVED.sub("", text) if _REMOVED.search(text) else text


_XML_BAD_REF = re.compile(r"&#(?:x([0-9a-fA-F]+)|([0-9]+));")


def _bad_ref(match: re.Match[str]) -> str:
    code = int(match.group(1), 16) if match.group(1) else int(match.group(2))
    return "" if code > 0x10FFFF or _REMOVED.match(chr(code)) else match.group()


def gate_xml(data: bytes) -> bytes:
    """An XML part (UTF-8) through the gate: characters XML cannot carry removed, whether typed raw
    or as character references, so a strict parser (openpyxl's) can read a part a lenient one read."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return data
    if _REMOVED.search(text) is None and "&#" not in text:
        return data
    return _XML_BAD_REF.sub(_bad_ref, _REMOVED.sub("", text)).encode("utf-8")


def is_clean(text: str) -> bool:
    """True when `gate(text)` is `text`: nothing to remove or warn about."""
    return _REMOVED.search(text) is None and "\r" not in text


def controls_in(text: str) -> str:
    """The controls `text` holds, each once and shown escaped: for a message naming them."""
    seen = dict.fromkeys(m.group() for m in _REMOVED.finditer(text))
    return " ".join(_HIDDEN.sub(_escape, ch) for ch in seen)


def file_label(path: str | os.PathLike[str]) -> str:
    """A file name as a person should read it. A name that is not UTF-8 on disk (a GBK name from a
    zip packed on Windows) arrives with surrogate escapes; it is decoded as GB18030 when that reads,
    else its undecodable bytes are shown escaped."""
    text = os.fspath(path)
    if any("\udc80" <= ch <= "\udcff" for ch in text):
        raw = os.fsencode(text)
        try:
            text = raw.decode("gb18030")
        except UnicodeDecodeError:
            text = raw.decode("utf-8", "backslashreplace")
    return gate(text, shown=True)
