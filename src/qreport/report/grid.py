"""A table as plain data (header rows, body rows, spans, widths) and its rendering into Word.

Chapter tables, appendix tables and the findings list are all built as a `Grid` first, so their
layout can be tested without Word, and rendered by one function with the same typography: header
rows repeated on every page, rows never split across pages, fixed column widths.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, TypeVar

from docx.document import Document
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt
from docx.table import Table, _Row
from docx.table import _Cell as _DocxCell

from qreport.report import ooxml, styles

Align = Literal["left", "center"]
T = TypeVar("T")


@dataclass(frozen=True)
class Cell:
    text: str
    rowspan: int = 1
    colspan: int = 1
    align: Align = "center"
    bold: bool = False


Row = list[Cell | None]  # None: a position covered by a span from above or from the left


@dataclass
class Grid:
    header: list[Row]
    body: list[Row]
    widths: list[float] | None = None  # relative, scaled to the text width; None: fitted to the content
    font_size: float | None = None  # None: the configured size, smaller when a wide table needs it

    def __post_init__(self) -> None:
        columns = len(self.rows[0]) if self.rows else 0
        for row in self.rows:
            if len(row) != columns:
                raise ValueError(f"row has {len(row)} cells, table has {columns} columns")
        if self.widths is not None and len(self.widths) != columns:
            self.widths = None  # a declared width list that no longer fits the columns is ignored

    @property
    def columns(self) -> int:
        return len(self.rows[0]) if self.rows else 0

    @property
    def rows(self) -> list[Row]:
        return [*self.header, *self.body]


MAX_SCHOOL_COLUMNS = 8  # more schools side by side do not fit A4 portrait; the rest go to a 续表


def school_chunks(schools: list[T], *, with_total: bool) -> list[list[T]]:
    """Schools split evenly into tables of at most MAX_SCHOOL_COLUMNS columns (the total counts)."""
    columns = len(schools) + int(with_total)
    parts = max(1, -(-columns // MAX_SCHOOL_COLUMNS))
    size = -(-len(schools) // parts) if schools else 0
    return [schools[k : k + size] for k in range(0, len(schools), size)] if schools else [[]]


def merged_down(texts: list[str]) -> list[Cell | None]:
    """A column in which equal runs of a text (a group label, a 序号) become one tall cell."""
    out: list[Cell | None] = []
    i = 0
    while i < len(texts):
        j = i + 1
        while j < len(texts) and texts[j] == texts[i] and texts[i]:
            j += 1
        out.append(Cell(texts[i], rowspan=j - i))
        out.extend([None] * (j - i - 1))
        i = j
    return out


# Text widths in em: a CJK character is one em, digits and Latin letters about half.
_PADDING_EM = 0.8  # cell margins and a little air
_LABEL_EM = 6.0  # a row label may wrap, but keeps at least this many characters a line
_SMALLEST = (9.0, 8.0)  # sizes tried, in turn, when a wide table does not fit at the configured one


def text_em(text: str) -> float:
    return sum(0.6 if ch.isascii() else 1.0 for ch in text)


def _longest_line(text: str) -> float:
    return max((text_em(line) for line in text.splitlines() or [""]), default=0.0)


def _needs(grid: Grid) -> tuple[list[float], list[float]]:
    """Per column, in em: the least width (numbers must not break) and the wished width (no wrapping)."""
    least = [2.0 + _PADDING_EM] * grid.columns
    wish = [2.0 + _PADDING_EM] * grid.columns
    for r, row in enumerate(grid.rows):
        for c, cell in enumerate(row):
            if cell is None or cell.colspan > 1:
                continue
            width = _longest_line(cell.text) + _PADDING_EM
            if r < len(grid.header):
                # a header may take two lines rather than widen a column of short numbers
                wish[c] = max(wish[c], _longest_line(cell.text) / 2 + _PADDING_EM)
                continue
            wish[c] = max(wish[c], width)
            if cell.align == "center" and cell.text.isascii():
                least[c] = max(least[c], width)  # numbers and codes stay on one line
            elif cell.align == "left":
                least[c] = max(least[c], min(width, _LABEL_EM + _PADDING_EM))  # labels wrap, not to slivers
    return least, wish


def fit_columns(grid: Grid, size: float) -> tuple[list[float], float]:
    """Column widths in points summing to the text width, and the font size that lets them fit."""
    available = styles.TEXT_WIDTH.pt
    if grid.widths is not None:
        scale = sum(grid.widths)
        return [available * w / scale for w in grid.widths], grid.font_size or size
    least, wish = _needs(grid)
    candidates = [grid.font_size] if grid.font_size else [size, *(s for s in _SMALLEST if s < size)]
    for pt in candidates:
        lo, hi = [w * pt for w in least], [w * pt for w in wish]
        if sum(hi) <= available:
            return [available * w / sum(hi) for w in hi], pt
        if sum(lo) <= available:
            spare = available - sum(lo)
            extra = [h - low for h, low in zip(hi, lo, strict=True)]
            return [low + spare * e / sum(extra) for low, e in zip(lo, extra, strict=True)], pt
    pt = candidates[-1]
    lo = [w * pt for w in least]
    return [available * w / sum(lo) for w in lo], pt


def render(doc: Document, grid: Grid, *, size: float) -> Table:
    """Append `grid` as a Word table at the end of the document body.

    Cells are reached through the row elements, and merges are made last: python-docx's
    `table.cell()` walks the whole table on every call, which made a 1,000-school table quadratic.
    """
    rows = grid.rows
    widths_pt, chosen = fit_columns(grid, size)
    table = doc.add_table(rows=len(rows), cols=grid.columns)
    font_size = Pt(chosen)
    style_id = doc.styles[styles.TABLE_TEXT].style_id  # looked up once, not per cell
    merges = []
    for r, (row, tr) in enumerate(zip(rows, table._tbl.tr_lst, strict=True)):
        tcs = tr.tc_lst
        for c, cell in enumerate(row):
            if cell is None:
                continue
            _write(_DocxCell(tcs[c], table), cell, font_size, style_id, header=r < len(grid.header))
            if cell.rowspan > 1 or cell.colspan > 1:
                merges.append((r, c, r + cell.rowspan - 1, c + cell.colspan - 1))
    for r, c, r2, c2 in reversed(merges):
        table.cell(r, c).merge(table.cell(r2, c2))
    ooxml.set_table_layout(table, [Pt(w) for w in widths_pt])
    ooxml.set_table_borders(table)
    ooxml.set_cell_margins(table)
    ooxml.center_table(table)
    for r, tr in enumerate(table._tbl.tr_lst):
        row_obj = _Row(tr, table)
        ooxml.cant_split(row_obj)
        if r < len(grid.header):
            ooxml.repeat_as_header(row_obj)
    return table


def _write(target, cell: Cell, size: Pt, style_id: str, *, header: bool) -> None:  # type: ignore[no-untyped-def]
    target.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    paragraph = target.paragraphs[0]
    paragraph._p.get_or_add_pPr().style = style_id
    if cell.align == "left":
        paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
    run = paragraph.add_run(cell.text)
    run.font.size = size
    if cell.bold or header:
        run.bold = True
