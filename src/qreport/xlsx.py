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

import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError
from xml.etree.ElementTree import fromstring as fast_fromstring

from defusedxml import ElementTree as SafeET

from qreport.safety import MAX_TOTAL_UNCOMPRESSED, open_checked, refuse

NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
NS_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
NS_XDR = "{http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing}"
NS_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
PERCENT_BUILTIN = {9, 10}
_REF = re.compile(r"([A-Z]+)(\d+)")
_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)


def _plain_xml(data: bytes) -> bool:
    """True when the C parser is safe on `data`: no document type declaration, and an ASCII-compatible
    encoding, where the byte search for one is reliable. Expat also reads UTF-16 (a byte-order mark or
    NUL bytes at the start), in which "<!DOCTYPE" does not appear as such bytes."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:4]:
        return False
    return not _DOCTYPE.search(data)


@dataclass
class Cell:
    value: str | float | bool | None
    formula: bool = False
    cached: bool = True  # False: a formula whose result was never calculated and saved
    percent: bool = False  # shown with a percent number format (0.9114 displayed as 91.14%)
    error: str | None = None  # "#DIV/0!" etc.


@dataclass
class Sheet:
    name: str
    cells: dict[tuple[int, int], Cell] = field(default_factory=dict)
    pictures: dict[int, tuple[str, bytes]] = field(default_factory=dict)  # row -> (name, bytes)

    @property
    def max_row(self) -> int:
        return max((r for r, _ in self.cells), default=0)

    def get(self, row: int, col: int) -> Cell | None:
        return self.cells.get((row, col))

    def value(self, row: int, col: int) -> str | float | bool | None:
        cell = self.cells.get((row, col))
        return None if cell is None else cell.value

    def rows(self) -> dict[int, dict[int, Cell]]:
        out: dict[int, dict[int, Cell]] = {}
        for (r, c), cell in self.cells.items():
            out.setdefault(r, {})[c] = cell
        return out


def column_letter(col: int) -> str:
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def cell_ref(row: int, col: int) -> str:
    return f"{column_letter(col)}{row}"


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


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
        data = self.read(name)
        try:
            if _plain_xml(data):
                return fast_fromstring(data)
            return SafeET.fromstring(data)  # raises EntitiesForbidden on any entity declaration
        except ParseError as exc:
            raise refuse("corrupt", self.path, detail=f"{name}: {exc}") from None
        except Exception as exc:  # defusedxml raises DTDForbidden / EntitiesForbidden
            if type(exc).__module__.startswith("defusedxml"):
                raise refuse("corrupt", self.path, detail=f"{name} 含有不安全的 XML 结构") from None
            raise

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


def _shared_strings(pkg: _Package) -> list[str]:
    name = "xl/sharedStrings.xml"
    if name not in pkg.names:
        return []
    out = []
    for si in pkg.xml(name).iter(f"{NS_MAIN}si"):
        # Text is si/t or the t of each rich-text run si/r/t; phonetic readings (si/rPh/t) are not text.
        parts = [t.text or "" for t in si.findall(f"{NS_MAIN}t")]
        parts += [t.text or "" for t in si.findall(f"{NS_MAIN}r/{NS_MAIN}t")]
        out.append("".join(parts))
    return out


def _percent_styles(pkg: _Package) -> list[bool]:
    name = "xl/styles.xml"
    if name not in pkg.names:
        return []
    root = pkg.xml(name)
    custom: dict[int, str] = {}
    numfmts = root.find(f"{NS_MAIN}numFmts")
    if numfmts is not None:
        for nf in numfmts:
            custom[int(nf.get("numFmtId", "0"))] = nf.get("formatCode", "")
    xfs = root.find(f"{NS_MAIN}cellXfs")
    out = []
    for xf in [] if xfs is None else list(xfs):
        fid = int(xf.get("numFmtId", "0"))
        code = re.sub(r'"[^"]*"|\\.', "", custom.get(fid, ""))
        out.append(fid in PERCENT_BUILTIN or "%" in code)
    return out


def _parse_sheet(pkg: _Package, part: str, name: str, strings: list[str], percent: list[bool]) -> Sheet:
    sheet = Sheet(name)
    root = pkg.xml(part)
    data = root.find(f"{NS_MAIN}sheetData")
    for row_el in [] if data is None else data:
        row_no = int(row_el.get("r", "0") or 0)
        col_no = 0
        for c in row_el:
            ref = c.get("r")
            if ref is None:
                col_no += 1
            elif not len(c):
                continue  # a styled empty cell: most of a template, skipped cheaply
            elif m := _REF.match(ref):
                col_no, row_no = _col_index(m.group(1)), int(m.group(2))
            cell = _parse_cell(c, strings, percent)
            if cell is not None:
                sheet.cells[(row_no, col_no)] = cell
    return sheet


def _parse_cell(c: Element, strings: list[str], percent: list[bool]) -> Cell | None:
    kind = c.get("t", "n")
    f = c.find(f"{NS_MAIN}f")
    v = c.find(f"{NS_MAIN}v")
    style = int(c.get("s", "0") or 0)
    is_pct = style < len(percent) and percent[style]
    formula = f is not None
    if kind == "inlineStr":
        is_el = c.find(f"{NS_MAIN}is")
        text = "" if is_el is None else "".join(t.text or "" for t in is_el.iter(f"{NS_MAIN}t"))
        return Cell(text, formula=formula)
    if v is None or v.text is None:
        if formula:
            return Cell(None, formula=True, cached=False)
        return None  # a styled empty cell
    raw = v.text
    if kind == "s":
        idx = int(raw)
        return Cell(strings[idx] if 0 <= idx < len(strings) else "", formula=formula)
    if kind in ("str", "inlineStr"):
        return Cell(raw, formula=formula)
    if kind == "b":
        return Cell(raw == "1", formula=formula)
    if kind == "e":
        return Cell(raw, formula=formula, error=raw)
    try:
        return Cell(float(raw), formula=formula, percent=is_pct)
    except ValueError:
        return Cell(raw, formula=formula)


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
    """Sheets by name, in workbook order (all, or those in `only`). Pictures only for `pictures_in`."""
    zf = open_checked(path)
    with zf:
        pkg = _Package(path, zf)
        try:
            book = pkg.xml("xl/workbook.xml")
            rels = pkg.rels("xl/workbook.xml")
            strings = _shared_strings(pkg)
            percent = _percent_styles(pkg)
            sheets: dict[str, Sheet] = {}
            for sh in book.iter(f"{NS_MAIN}sheet"):
                name = sh.get("name", "")
                part = rels.get(sh.get(f"{NS_REL}id", ""), "")
                if part not in pkg.names or (only is not None and name not in only):
                    continue  # a chart sheet, a dangling entry, or a sheet no rule reads
                sheet = _parse_sheet(pkg, part, name, strings, percent)
                if name in pictures_in:
                    sheet.pictures = _pictures(pkg, part)
                sheets[name] = sheet
        except (KeyError, ValueError, IndexError, zipfile.BadZipFile, EOFError) as exc:
            raise refuse("corrupt", path, detail=str(exc) or type(exc).__name__) from None
    return sheets
