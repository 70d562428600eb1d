"""A small, defensive .xlsx cell reader: values, cached formula results, percent formats, pictures.

Why not openpyxl here: reading is the hot path of `validate` and `build` (thousands of workbooks), and
the rules need to know what openpyxl's value API hides: a formula without a cached value, a percent
number format, an error value. Every XML part is parsed with entity
and DTD attacks ruled out: a part with a document type declaration goes to defusedxml, which refuses
it; a part without one cannot declare entities, so it is parsed by the C parser (defusedxml's own
parser is pure Python and several times slower). Every member is read with a size cap, whatever its
zip header claims.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast
from xml.etree.ElementTree import Element, ParseError
from xml.etree.ElementTree import fromstring as fast_fromstring

from defusedxml import ElementTree as SafeET
from python_calamine import CalamineError, CalamineWorkbook

from qreport.budgets import (
    MAX_CELL_CHARS,
    MAX_SHEET_CELLS,
    MAX_SHEET_COLUMNS,
    MAX_SHEET_ROWS,
    MAX_STYLES,
    MAX_TEXT_LINES,
    MAX_TOTAL_UNCOMPRESSED,
)
from qreport.errors import original
from qreport.mark import mark_of
from qreport.textgate import controls_in, gate, is_clean
from qreport.workbook.safety import open_checked, refuse

NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
NS_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
NS_XDR = "{http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing}"
NS_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
PERCENT_BUILTIN = {9, 10}
_REF = re.compile(r"([A-Z]+)(\d+)")
_REF_ATTR = re.compile(rb'\br="([A-Z]+)([0-9]+)"')
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_PLAIN_FORMULA = re.compile(rb"<f[\s>/]")  # the same without a namespace prefix: a fast literal search
_CACHED = re.compile(rb"<(?:\w+:)?v>([^<]+)</")
# A formula element straight followed by the cell's end (or an empty value): no saved result.
_UNCACHED_TAIL = (
    rb"\b[^>]*(?:/>|>[^<]*</(?:\w+:)?f>)\s*(?:<(?:\w+:)?v\s*/>|<(?:\w+:)?v>\s*</(?:\w+:)?v>)?\s*</(?:\w+:)?c>"
)
_UNCACHED = re.compile(rb"<(?:\w+:)?f" + _UNCACHED_TAIL)
_PLAIN_UNCACHED = re.compile(rb"<f" + _UNCACHED_TAIL)  # where no tag has a prefix: the same matches
_CELL_END = re.compile(rb"</(?:\w+:)?c>")  # a cell holding a formula always has a closing tag
_ERROR_CELL = re.compile(rb'<(?:\w+:)?c\b([^>]*\bt="e"[^>/]*)(?:/>|>(.*?)</(?:\w+:)?c>)', re.S)
_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)
_CELL_TAG = re.compile(rb"<(?:\w+:)?c[\s/>]")
_ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s/>]")
# The usual sheet part, each found by a literal search: a cell or row tag not led by its reference,
# and a reference other than one letter and at most four digits (column Z, row 9999 at most).
_CELL_WITHOUT_REF = re.compile(rb'<c(?![\w:.-]| r=")')
_ROW_WITHOUT_REF = re.compile(rb'<row(?![\w:.-]| r=")')
_NOT_SMALL_REF = re.compile(rb' r="(?![A-Za-z]?[0-9]{1,4}")')
_PREFIXED = re.compile(rb":(?:c |row)")
# literal searches as compiled patterns: several times faster than `in` for needles this short
_PREFIXED_F = re.compile(rb":f")
_ERROR_TYPE = re.compile(rb't="e"')
_ANY_REF = re.compile(rb'\sr="([A-Za-z]*)([0-9]+)"')
_STYLE_ATTR = re.compile(rb'<(?:\w+:)?c\b[^>]*?\ss="(\d+)"')


def _plain_xml(data: bytes) -> bool:
    """True when the C parser is safe on `data`: no document type declaration, and an ASCII-compatible
    encoding, where the byte search for one is reliable. Expat also reads UTF-16 (a byte-order mark or
    NUL bytes at the start), in which "<!DOCTYPE" does not appear as such bytes."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:4]:
        return False
    return not _DOCTYPE.search(data)


@dataclass(slots=True)
class Cell:
    value: str | float | bool | None
    cached: bool = True  # False: a formula whose result was never calculated and saved
    percent: bool = False  # shown with a percent number format (0.9114 displayed as 91.14%)
    error: str | None = None  # "#DIV/0!" etc.


@dataclass
class Sheet:
    """A sheet's non-empty values keyed (row, column), in reading order (row, then column), and the
    few cells whose values need more than the value: uncalculated formulas, errors, percent formats.

    Values are kept bare and a Cell is made on request: a workbook has about a thousand values and
    a national build reads thousands of workbooks."""

    name: str
    values: dict[tuple[int, int], str | float | bool] = field(default_factory=dict)
    marked: dict[tuple[int, int], Cell] = field(default_factory=dict)
    pictures: dict[int, tuple[str, bytes]] = field(default_factory=dict)  # row -> (name, bytes)
    # (row, column, finding code, message parameters): texts the reader had to clean or cut
    problems: list[tuple[int, int, str, dict[str, object]]] = field(default_factory=list)

    def get(self, row: int, col: int) -> Cell | None:
        cell = self.marked.get((row, col))
        if cell is not None:
            return cell
        value = self.values.get((row, col))
        return None if value is None else Cell(value)

    def value(self, row: int, col: int) -> str | float | bool | None:
        cell = self.marked.get((row, col))
        return self.values.get((row, col)) if cell is None else cell.value


def column_letter(col: int) -> str:
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def cell_ref(row: int, col: int) -> str:
    return f"{column_letter(col)}{row}"


def column_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


# Small parts parsed before, by their bytes: the schools of a city fill one template, so their
# workbook, relationship and styles parts are mostly the same bytes (parsing them was ~5% of a read).
_PARSED: dict[bytes, Element] = {}
_PARSED_SIZE = 32
_PARSED_BYTES = 64 * 1024


class _Package:
    def __init__(self, path: Path, zf: zipfile.ZipFile) -> None:
        self.path, self.zf = path, zf
        self.names = set(zf.namelist())
        self.read_total = 0

    def read(self, name: str) -> bytes:
        with self.zf.open(name) as fh:
            data = fh.read(MAX_TOTAL_UNCOMPRESSED - self.read_total + 1)
        self.read_total += len(data)
        if self.read_total > MAX_TOTAL_UNCOMPRESSED:
            raise refuse("zip_bomb", self.path, detail="解压后超过 100 MB")
        return data

    def xml(self, name: str) -> Element:
        return self.parse(name, self.read(name))

    def parse(self, name: str, data: bytes) -> Element:
        plain = _plain_xml(data)
        known = _PARSED.get(data) if plain else None
        if known is not None:  # read-only, as every caller uses a parsed part
            return known
        try:
            # defusedxml raises EntitiesForbidden on any entity declaration
            root = fast_fromstring(data) if plain else cast(Element, SafeET.fromstring(data))
        except ParseError as exc:
            raise refuse("corrupt", self.path, detail="内部文件不完整" + original(exc, name)) from None
        except Exception as exc:  # defusedxml raises DTDForbidden / EntitiesForbidden
            if type(exc).__module__.startswith("defusedxml"):
                raise refuse(
                    "corrupt", self.path, detail="含有不安全的 XML 结构" + original(exc, name)
                ) from None
            raise
        if plain and len(data) <= _PARSED_BYTES:
            if len(_PARSED) >= _PARSED_SIZE:
                _PARSED.pop(next(iter(_PARSED)))
            _PARSED[data] = root
        return root

    def rels(self, part: str) -> dict[str, str]:
        folder, base = posixpath.split(part)
        rels_name = posixpath.join(folder, "_rels", base + ".rels")
        if rels_name not in self.names:
            return {}
        out = {}
        for rel in self.xml(rels_name).iter(f"{NS_PKG_REL}Relationship"):
            target = rel.get("Target", "")
            if rel.get("TargetMode") == "External":
                continue
            resolved = (
                target.lstrip("/")
                if target.startswith("/")
                else posixpath.normpath(posixpath.join(folder, target))
            )
            out[rel.get("Id", "")] = resolved
        return out


def _percent_styles(pkg: _Package) -> frozenset[int]:
    """The cell formats (indexes into cellXfs) that show a number as a percent."""
    name = "xl/styles.xml"
    if name not in pkg.names:
        return frozenset()
    root = pkg.xml(name)
    custom: dict[int, str] = {}
    numfmts = root.find(f"{NS_MAIN}numFmts")
    if numfmts is not None:
        for nf in numfmts:
            custom[int(nf.get("numFmtId", "0"))] = nf.get("formatCode", "")
    xfs = root.find(f"{NS_MAIN}cellXfs")
    if xfs is not None and len(xfs) > MAX_STYLES:
        raise refuse("too_many_styles", pkg.path, count=len(xfs), limit=MAX_STYLES)
    out = []
    for xf in [] if xfs is None else list(xfs):
        fid = int(xf.get("numFmtId", "0"))
        code = re.sub(r'"[^"]*"|\\.', "", custom.get(fid, ""))
        out.append(fid in PERCENT_BUILTIN or "%" in code)
    return frozenset(i for i, is_pct in enumerate(out) if is_pct)


def _cell_at(xml: bytes, pos: int) -> tuple[int, int, bytes, bytes] | None:
    """The cell around byte `pos` of a sheet part: (row, column, opening tag, whole element)."""
    start = xml.rfind(b"<c ", 0, pos)
    start = max(start, xml.rfind(b":c ", max(start, 0), pos))  # a prefixed tag after it, if any
    if start < 0:
        return None
    close = _CELL_END.search(xml, pos)
    element = xml[start : close.end() if close else len(xml)]
    tag = element[: element.find(b">") + 1]
    ref = _REF_ATTR.search(tag)
    if ref is None:
        return None  # a writer that omits cell references: values still come from calamine
    return int(ref.group(2)), column_number(ref.group(1).decode()), tag, element


def _uncached(xml: bytes) -> Iterator[re.Match[bytes]]:
    """Formula elements without a saved result. In a part where no tag name has a namespace prefix
    (no `:f`), every match starts at `<f`, which a literal search finds several times faster."""
    if _PREFIXED_F.search(xml) is None:
        return _PLAIN_UNCACHED.finditer(xml) if _PLAIN_FORMULA.search(xml) else iter(())
    return _UNCACHED.finditer(xml) if _FORMULA.search(xml) else iter(())


def _mark(sheet: Sheet, xml: bytes, percent_styles: frozenset[int]) -> None:
    """What calamine's values hide: formulas without a saved result, error values, and numbers shown
    in a percent format. Found by a byte scan of the sheet part, which touches only the few cells
    concerned."""
    for m in _uncached(xml):
        found = _cell_at(xml, m.start())
        if found is not None:
            row, col, _tag, element = found
            if _CACHED.search(element) is None:
                sheet.marked[(row, col)] = Cell(None, cached=False)
                sheet.values.pop((row, col), None)
    added = False
    for m in _ERROR_CELL.finditer(xml) if _ERROR_TYPE.search(xml) else ():
        ref = _REF_ATTR.search(m.group(1))
        if ref is None:
            continue
        body = m.group(2) or b""
        value = _CACHED.search(body)
        text = value.group(1).decode("utf-8", "replace") if value else "#VALUE!"
        key = (int(ref.group(2)), column_number(ref.group(1).decode()))
        sheet.marked[key] = Cell(text, error=text)
        added = added or key not in sheet.values
        sheet.values[key] = text
    if added:
        sheet.values = dict(sorted(sheet.values.items()))  # keep reading order, sorted once
    if not percent_styles:
        return
    # One pass over the cells that carry a style: the cost does not grow with the number of styles.
    for m in _STYLE_ATTR.finditer(xml):
        if int(m.group(1)) not in percent_styles:
            continue
        ref = _REF_ATTR.search(xml, m.start(), xml.find(b">", m.end()) + 1)
        if ref is None:
            continue
        key = (int(ref.group(2)), column_number(ref.group(1).decode()))
        number = sheet.values.get(key)
        if isinstance(number, float) and key not in sheet.marked:
            sheet.marked[key] = Cell(number, percent=True)


def _extent(xml: bytes) -> tuple[int, int, int]:
    """(rows, columns, cells) a sheet part asks for, read from its XML before calamine allocates a
    dense grid for it: one cell at XFD1048576 would otherwise cost terabytes. Rows and cells without
    a reference are placed after the one before, so they count as extending the range."""
    # only unusual parts come here (`_usual` passes the rest): every tag counts, whatever the
    # whitespace or prefix, since a cell written `<c\nr="XFD1048576">` asks for as much as any
    cells, rows = len(_CELL_TAG.findall(xml)), len(_ROW_TAG.findall(xml))
    # r="5" of rows and r="B5" of cells, in one pass; a reference the pattern misses counts as
    # missing, which only widens the bound
    refs = _ANY_REF.findall(xml)
    max_row = max((int(digits) for _letters, digits in refs), default=0)
    letters = {col for col, _digits in refs if col}
    if any(len(col) > 3 for col in letters):
        return max_row, MAX_SHEET_COLUMNS + 1, cells
    max_col = max((column_number(col.upper().decode()) for col in letters), default=0)
    cell_refs = sum(1 for col, _digits in refs if col)
    if cell_refs < cells:  # a writer that omits references: bounded by the cells of the longest row
        max_col += max((len(_CELL_TAG.findall(r)) for r in _ROW_TAG.split(xml)), default=0)
    if len(refs) - cell_refs < rows:
        max_row += rows
    return max_row, max_col, cells


def _usual(xml: bytes) -> bool:
    """The sheet part Excel, WPS and openpyxl write, in four literal searches: every cell and row tag
    led by its reference, no namespace prefix, each reference within column Z and row 9999, and too
    few bytes for more cells than the budget (a cell takes at least 3). Anything else is measured in
    full by `_extent`."""
    return (
        len(xml) <= 3 * MAX_SHEET_CELLS
        and _CELL_WITHOUT_REF.search(xml) is None
        and _ROW_WITHOUT_REF.search(xml) is None
        and _NOT_SMALL_REF.search(xml) is None
        and _PREFIXED.search(xml) is None
    )


def _check_extent(path: Path, name: str, xml: bytes) -> None:
    if _usual(xml):
        return
    rows, cols, cells = _extent(xml)
    if rows > MAX_SHEET_ROWS or cols > MAX_SHEET_COLUMNS or cells > MAX_SHEET_CELLS:
        detail = (
            f"{rows} 行 × {cols} 列、{cells} 个单元格，上限为 {MAX_SHEET_ROWS} 行 × "
            f"{MAX_SHEET_COLUMNS} 列、{MAX_SHEET_CELLS} 个单元格"
        )
        raise refuse("sheet_too_large", path, sheet=name, detail=detail)


def _clean_text(sheet: Sheet, row: int, col: int, value: str) -> str:
    """A text cell through the text gate and the text budgets; what was changed is recorded."""
    if len(value) > MAX_CELL_CHARS:
        sheet.problems.append((row, col, "text_too_long", {"limit": MAX_CELL_CHARS, "count": len(value)}))
        value = value[:MAX_CELL_CHARS]
    if not is_clean(value):
        chars = controls_in(value)
        value = gate(value)
        if chars:
            sheet.problems.append((row, col, "control_chars", {"chars": chars}))
    lines = value.count("\n")
    if lines >= MAX_TEXT_LINES:
        sheet.problems.append(
            (row, col, "text_too_many_lines", {"limit": MAX_TEXT_LINES, "count": lines + 1})
        )
        value = "\n".join(value.split("\n", MAX_TEXT_LINES)[:MAX_TEXT_LINES])
    return value


def _values(book: CalamineWorkbook, name: str) -> Sheet:
    sheet = Sheet(name)
    rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
    values = sheet.values
    texts: list[tuple[int, int, str]] = []
    for r, row in enumerate(rows, 1):
        for c, value in enumerate(row, 1):
            if value == "" or value is None:
                continue
            if type(value) is float:  # exact types first: the common cells, cheaply
                values[(r, c)] = value
            elif type(value) is str:
                values[(r, c)] = value
                texts.append((r, c, value))
            elif isinstance(value, bool | float):
                values[(r, c)] = value
            elif isinstance(value, int):
                values[(r, c)] = float(value)
            else:
                values[(r, c)] = str(value)  # a date or time typed where a number belongs
    if not _all_plain([text for _r, _c, text in texts]):
        for r, c, text in texts:
            values[(r, c)] = _clean_text(sheet, r, c, text)
    return sheet


def _all_plain(texts: list[str]) -> bool:
    """True when `_clean_text` leaves every text as it is, tested on all of a sheet's texts at once
    (hundreds of labels): none too long, nothing for the gate, fewer line breaks than the limit in all."""
    joined = "\n".join(texts)
    return (
        max(map(len, texts), default=0) <= MAX_CELL_CHARS
        and is_clean(joined)
        and joined.count("\n") < MAX_TEXT_LINES
    )


def _pictures(pkg: _Package, sheet_part: str) -> dict[int, tuple[str, bytes]]:
    """Pictures pasted onto a sheet, by the 1-based row of their top-left anchor."""
    out: dict[int, tuple[str, bytes]] = {}
    for drawing in pkg.rels(sheet_part).values():
        if "drawings/" not in drawing or drawing not in pkg.names:
            continue
        media = pkg.rels(drawing)
        for anchor in pkg.xml(drawing):
            frm = anchor.find(f"{NS_XDR}from")
            blip = next(anchor.iter(f"{NS_A}blip"), None)
            if frm is None or blip is None:
                continue
            row = int(frm.findtext(f"{NS_XDR}row", "0")) + 1
            target = media.get(blip.get(f"{NS_REL}embed", ""))
            if target and target in pkg.names and row not in out:
                out[row] = (posixpath.basename(target), pkg.read(target))
    return out


def read_workbook(
    path: Path, *, only: frozenset[str] | None = None, pictures_in: tuple[str, ...] = ()
) -> dict[str, Sheet]:
    """Sheets by name, in workbook order (all, or those in `only`). Pictures only for `pictures_in`.

    Every XML part is first read by qreport itself, with the size cap, and screened: one that could
    carry a DTD goes to defusedxml, which refuses it. Only then does calamine (Rust) read the values.
    """
    zf = open_checked(path)
    with zf:
        pkg = _Package(path, zf)
        try:
            parts = {n: pkg.read(n) for n in sorted(pkg.names) if n.endswith((".xml", ".rels", ".vml"))}
            for name, data in parts.items():
                if not _plain_xml(data):
                    pkg.parse(name, data)  # refuses any entity declaration
            book = pkg.xml("xl/workbook.xml")
            rels = pkg.rels("xl/workbook.xml")
            percent = _percent_styles(pkg)
            wanted = []
            for sh in book.iter(f"{NS_MAIN}sheet"):
                name = sh.get("name", "")
                part = rels.get(sh.get(f"{NS_REL}id", ""), "")
                if part in parts and (only is None or name in only):
                    wanted.append((name, part))  # not: a chart sheet, a dangling entry, a sheet no rule reads
            for name, part in wanted:
                _check_extent(path, name, parts[part])
            # read by content, not by name: a real .xlsx saved under another name is still read as one
            values = CalamineWorkbook.from_filelike(io.BytesIO(path.read_bytes())) if wanted else None
            sheets: dict[str, Sheet] = {}
            for name, part in wanted:
                assert values is not None
                sheet = _values(values, name)
                _mark(sheet, parts[part], percent)
                if name in pictures_in:
                    sheet.pictures = _pictures(pkg, part)
                sheets[name] = sheet
        except (
            KeyError,
            ValueError,
            IndexError,
            zipfile.BadZipFile,
            EOFError,
            zlib.error,
            CalamineError,
        ) as exc:
            raise refuse(
                "corrupt", path, detail="内容不完整或不是 Excel 保存的格式" + original(exc)
            ) from None
        except BaseException as exc:  # calamine's Rust panics arrive as pyo3's PanicException
            if type(exc).__name__ != "PanicException":
                raise
            raise refuse("corrupt", path, detail="读取程序出错" + original(exc)) from None
    return sheets


def identify(path: Path) -> tuple[str | None, list[str]]:
    """qreport's mark (None on a school's workbook) and the sheet names, without reading any cell.

    Raises UnreadableWorkbook like `read_workbook` for a file that is no readable .xlsx."""
    zf = open_checked(path)
    with zf:
        book = _Package(path, zf).xml("xl/workbook.xml")
        return mark_of(zf), [sh.get("name", "") for sh in book.iter(f"{NS_MAIN}sheet")]
