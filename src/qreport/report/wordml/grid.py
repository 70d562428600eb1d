"""A table as plain data (header rows, body rows, spans, widths) and its rendering into Word.

Chapter tables, appendix tables and the findings list are all built as a `Grid` first, so their
layout can be tested without Word, and rendered by one function with the same typography: header
rows repeated on every page, rows never split across pages, fixed column widths.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, TypeVar
from xml.sax.saxutils import escape

from docx.document import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.table import Table

from qreport.report import styles
from qreport.textgate import gate

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
    note: str = ""  # a 注：paragraph printed directly under the table (figures that leave schools out)

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
    """Append `grid` as a Word table at the end of the document body."""
    tbl = parse_xml(table_xml(grid, size=size, style_id=doc.styles[styles.TABLE_TEXT].style_id))
    doc.element.body._insert_tbl(tbl)
    return Table(tbl, doc._body)


def table_xml(grid: Grid, *, size: float, style_id: str) -> str:
    """`grid` as one piece of WordprocessingML (a w:tbl element with its namespace declared).

    Built as text rather than through python-docx's cell objects, which cost about half a
    millisecond a cell: a province's tables have hundreds of thousands. Layout: fixed column
    widths, header rows repeated on every page, rows never split, spans as gridSpan/vMerge.
    """
    widths_pt, chosen = fit_columns(grid, size)
    twips = [round(w * 20) for w in widths_pt]
    half_points = round(chosen * 2)
    continued: dict[tuple[int, int], int] = {}  # (row, col) -> colspan of a cell merged from above
    for r, row in enumerate(grid.rows):
        for c, cell in enumerate(row):
            if cell is not None and cell.rowspan > 1:
                for below in range(r + 1, r + cell.rowspan):
                    continued[(below, c)] = cell.colspan
    out = [f"<w:tbl {nsdecls('w')}>", _tbl_pr(sum(twips))]
    out.append("<w:tblGrid>" + "".join(f'<w:gridCol w:w="{w}"/>' for w in twips) + "</w:tblGrid>")
    last = len(grid.rows) - 1
    for r, row in enumerate(grid.rows):
        header = r < len(grid.header)
        # a 注 under the table stays on the page of the table's last row
        keep = "<w:keepNext/>" if grid.note and r == last else ""
        out.append("<w:tr><w:trPr><w:cantSplit/>" + ("<w:tblHeader/>" if header else "") + "</w:trPr>")
        for c, cell in enumerate(row):
            if (r, c) in continued:
                span = continued[(r, c)]
                out.append(_tc(sum(twips[c : c + span]), span, "continue", style_id, keep, ""))
            elif cell is not None:
                width = sum(twips[c : c + cell.colspan])
                merge = "restart" if cell.rowspan > 1 else ""
                jc = keep + ('<w:jc w:val="left"/>' if cell.align == "left" else "")
                out.append(_tc(width, cell.colspan, merge, style_id, jc, _run(cell, half_points, header)))
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


def paragraph_xml(style_id: str, text: str = "", *, space_after_twips: int | None = None) -> str:
    """A plain paragraph (a 续表 line, the air after a table) as WordprocessingML."""
    spacing = "" if space_after_twips is None else f'<w:spacing w:after="{space_after_twips}"/>'
    run = f"<w:r><w:t>{escape(gate(text))}</w:t></w:r>" if text else ""
    return f'<w:p {nsdecls("w")}><w:pPr><w:pStyle w:val="{escape(style_id)}"/>{spacing}</w:pPr>{run}</w:p>'


def _tbl_pr(width: int) -> str:
    edges = "".join(
        f'<w:{e} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
        for e in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    return (
        f'<w:tblPr><w:tblW w:w="{width}" w:type="dxa"/><w:jc w:val="center"/>'
        f'<w:tblBorders>{edges}</w:tblBorders><w:tblLayout w:type="fixed"/>'
        '<w:tblCellMar><w:left w:w="57" w:type="dxa"/><w:right w:w="57" w:type="dxa"/></w:tblCellMar>'
        '<w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" '
        'w:noHBand="0" w:noVBand="0"/></w:tblPr>'
    )


def _tc(width: int, span: int, merge: str, style_id: str, jc: str, run: str) -> str:
    span_xml = f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
    merge_xml = {"restart": '<w:vMerge w:val="restart"/>', "continue": "<w:vMerge/>"}.get(merge, "")
    return (
        f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{span_xml}{merge_xml}<w:vAlign w:val="center"/>'
        f'</w:tcPr><w:p><w:pPr><w:pStyle w:val="{escape(style_id)}"/>{jc}</w:pPr>{run}</w:p></w:tc>'
    )


def _run(cell: Cell, half_points: int, header: bool) -> str:
    """One run with the cell's text; line breaks kept."""
    bold = "<w:b/>" if cell.bold or header else ""
    lines = '</w:t><w:br/><w:t xml:space="preserve">'.join(
        escape(line) for line in gate(cell.text).split("\n")
    )
    return (
        f'<w:r><w:rPr>{bold}<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/></w:rPr>'
        f'<w:t xml:space="preserve">{lines}</w:t></w:r>'
    )
