"""A table as plain data (header rows, body rows, spans, widths) and its rendering into Word.

Chapter tables, appendix tables and the findings list are all built as a `Grid` first, so their
layout can be tested without Word, and rendered by one function with the same typography: header
rows repeated on every page, rows never split across pages, fixed column widths.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal
from xml.sax.saxutils import escape

from docx.document import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.table import Table

from qreport.report import styles
from qreport.report.wordml import widths
from qreport.textgate import gate

Align = Literal["left", "center"]


@dataclass(frozen=True)
class Cell:
    text: str
    rowspan: int = 1
    colspan: int = 1
    align: Align = "center"
    bold: bool = False
    name: bool = False  # a name (a school's short name): never broken inside, if it can be helped


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


_SMALLEST = (9.0, 8.0)  # sizes tried, in turn, when a wide table does not fit at the configured one
SMALLEST = _SMALLEST[-1]  # below this a table is split into column blocks (续表) instead
KEEP_HEIGHT = 0.6 * styles.TEXT_HEIGHT.pt  # a table up to this tall is kept on one page


_Needs = tuple[list[float], list[float], list[float]]  # per column: least, wish, full


def _cell_needs(grid: Grid) -> tuple[_Needs, list[tuple[int, int, widths.Need]]]:
    """Per column, in em without padding, the needs of its own cells; and the cells spanning
    several columns. None depends on the font size, so a table measures its cells once."""
    n = grid.columns
    least, wish, full = [1.0] * n, [1.0] * n, [1.0] * n
    spanning: list[tuple[int, int, widths.Need]] = []
    for r, row in enumerate(grid.rows):
        for c, cell in enumerate(row):
            if cell is None:
                continue
            need = widths.cell_need(
                cell.text, free=cell.align == "left", header=r < len(grid.header), whole=cell.name
            )
            if cell.colspan > 1:
                spanning.append((c, cell.colspan, need))
                continue
            least[c], wish[c], full[c] = (
                max(least[c], need.least), max(wish[c], need.wish), max(full[c], need.full),
            )  # fmt: skip
    return (least, wish, full), spanning


def _needs(measured: tuple[_Needs, list[tuple[int, int, widths.Need]]], size: float) -> _Needs:
    """Per column, in em with padding at `size`: the least width (no segment broken), the wished
    width (headers on two lines at most) and the full width (every cell on one line)."""
    cells, spanning = measured
    pad = widths.padding(size)
    least, wish, full = [[w + pad for w in v] for v in cells]
    for c, span, need in spanning:  # a cell over several columns widens them evenly when it must
        for vector, asked in ((least, need.least), (wish, need.wish), (full, need.full)):
            short = asked + pad - sum(vector[c : c + span])
            for k in range(c, c + span) if short > 0 else ():
                vector[k] += short / span
    return least, wish, [max(f, w) for f, w in zip(full, wish, strict=True)]


def fit_columns(grid: Grid, size: float) -> tuple[list[float], float]:
    """Column widths in points summing to the text width, and the font size that lets them fit:
    the configured `size` if the columns fit at it, else 9 pt, else 8 pt (squeezed if even that
    is too narrow; `split_columns` avoids that)."""
    available = styles.TEXT_WIDTH.pt
    if grid.widths is not None:
        scale = sum(grid.widths)
        return [available * w / scale for w in grid.widths], grid.font_size or size
    sizes = [grid.font_size] if grid.font_size else [size, *(s for s in _SMALLEST if s < size)]
    measured = _cell_needs(grid)
    needs = {pt: _needs(measured, pt) for pt in sizes}  # least, wish, full
    # one line everywhere at the configured size; else headers on two lines and labels on few,
    # at the largest size that allows it; else every column at its least
    tries = [(2, sizes[0]), *((1, pt) for pt in sizes), *((0, pt) for pt in sizes)]
    for floor, pt in tries:
        if sum(needs[pt][floor]) * pt <= available + 1e-6:
            return [w * pt for w in widths.allocate(needs[pt][floor], *needs[pt][1:], available / pt)], pt
    least = needs[sizes[-1]][0]
    return [available * w / sum(least) for w in least], sizes[-1]


def least_widths(grid: Grid) -> list[float]:
    """Each column's least width in em (with padding): no segment of a cell broken."""
    return _needs(_cell_needs(grid), SMALLEST)[0]


def column_least(texts: Sequence[str]) -> float:
    """The least width in em (with padding) of a centred column: a name as its header, then body cells."""
    return widths.padding(SMALLEST) + max(
        (widths.cell_need(t, free=False, header=k == 0, whole=k == 0).least for k, t in enumerate(texts)),
        default=1.0,
    )


def fits(grid: Grid) -> bool:
    """Whether the columns fit the text width at the smallest size, no segment broken."""
    return grid.widths is not None or _fit_at_smallest(least_widths(grid))


def _fit_at_smallest(least: Sequence[float]) -> bool:
    return bool(sum(least) * SMALLEST <= styles.TEXT_WIDTH.pt + 1e-6)


def column_blocks(lead: float, columns: Sequence[float], cuts: set[int] | None = None) -> list[range]:
    """The fewest runs of `columns` (least widths in em, with padding) that each fit the text
    width at the smallest size beside the `lead` columns every block repeats, as even as they can
    be; a block may end only before an index in `cuts` (all, when None)."""
    room = styles.TEXT_WIDTH.pt / SMALLEST - lead
    n = len(columns)
    ends = sorted({c for c in (range(1, n) if cuts is None else cuts) if 0 < c < n} | {n})
    greedy: list[range] = []
    start = 0
    while start < n:
        used, end = 0.0, start
        while end < n and used + columns[end] <= room:
            used += columns[end]
            end += 1
        fitting = [e for e in ends if start < e <= end]
        stop = fitting[-1] if fitting else min(e for e in ends if e > start)  # overfull: unavoidable
        greedy.append(range(start, stop))
        start = stop
    parts = len(greedy)
    if parts <= 1:
        return [range(n)]
    even = [round(k * n / parts) for k in range(parts + 1)]
    blocks = [range(even[k], even[k + 1]) for k in range(parts)]
    if all(b.stop in ends for b in blocks) and all(sum(columns[i] for i in b) <= room for b in blocks):
        return blocks
    return greedy


def split_columns(grid: Grid, lead: int) -> list[Grid]:
    """`grid` as it is when its columns fit at the smallest size; else as column blocks (续表),
    each repeating the first `lead` columns, all at the smallest size, the note under the last."""
    if grid.widths is not None:
        return [grid]
    least = least_widths(grid)  # measured once: whether it fits, and where blocks may end
    if _fit_at_smallest(least):
        return [grid]
    inside = _spanned(grid)
    cuts = {c - lead for c in range(lead + 1, grid.columns) if c not in inside}
    blocks = column_blocks(sum(least[:lead]), least[lead:], cuts)
    out = []
    for k, block in enumerate(blocks):
        keep = [*range(lead), *(lead + i for i in block)]
        header = [[row[c] for c in keep] for row in grid.header]
        body = [[row[c] for c in keep] for row in grid.body]
        out.append(Grid(header, body, font_size=SMALLEST, note=grid.note if k == len(blocks) - 1 else ""))
    return out


def _spanned(grid: Grid) -> set[int]:
    """Columns a cell spans into from the column on their left: no block may start there."""
    inside: set[int] = set()
    for row in grid.rows:
        for c, cell in enumerate(row):
            if cell is not None and cell.colspan > 1:
                inside.update(range(c + 1, c + cell.colspan))
    return inside


def table_height(grid: Grid, widths_pt: Sequence[float], size: float) -> float:
    """The table's estimated height in points: each row as tall as its tallest cell's lines."""
    total = 0.0
    if len(grid.rows) * widths.LINE_HEIGHT * size > KEEP_HEIGHT:
        return len(grid.rows) * widths.LINE_HEIGHT * size  # too tall in any case: not worth counting
    for row in grid.rows:
        lines = 1
        for c, cell in enumerate(row):
            if cell is None or cell.rowspan > 1:
                continue
            width = sum(widths_pt[c : c + cell.colspan]) / size - widths.padding(size)
            lines = max(lines, _line_count(cell, width))
        total += lines * widths.LINE_HEIGHT * size + 1
    return total


def _line_count(cell: Cell, width_em: float) -> int:
    if "\n" not in cell.text and widths.text_em(cell.text) <= width_em:
        return 1
    if cell.align == "left":
        return sum(
            max(1, math.ceil(widths.text_em(line) / max(width_em, 1.0))) for line in cell.text.split("\n")
        )
    return len(widths.wrap(cell.text, width_em, whole=cell.name))


def render(doc: Document, grid: Grid, *, size: float) -> Table:
    """Append `grid` as a Word table at the end of the document body."""
    tbl = parse_xml(table_xml(grid, size=size, style_id=doc.styles[styles.TABLE_TEXT].style_id))
    doc.element.body._insert_tbl(tbl)
    return Table(tbl, doc._body)


def table_xml(grid: Grid, *, size: float, style_id: str, caption: str = "") -> str:
    """`grid` as one piece of WordprocessingML (a w:tbl element with its namespace declared).

    Built as text rather than through python-docx's cell objects, which cost about half a
    millisecond a cell: a province's tables have hundreds of thousands. Layout: fixed column
    widths, header rows repeated on every page, rows never split, spans as gridSpan/vMerge.
    `caption` (表1-5 标题) is the table's title for accessibility and for its 续表 lines.
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
    # a table that fits on a page is kept on one: each row's paragraphs keep with the next row
    together = table_height(grid, widths_pt, chosen) <= KEEP_HEIGHT
    out = [f"<w:tbl {nsdecls('w')}>", _tbl_pr(sum(twips), caption)]
    out.append("<w:tblGrid>" + "".join(f'<w:gridCol w:w="{w}"/>' for w in twips) + "</w:tblGrid>")
    last = len(grid.rows) - 1
    for r, row in enumerate(grid.rows):
        header = r < len(grid.header)
        # a 注 under the table stays on the page of the table's last row
        keep = "<w:keepNext/>" if (together and r < last) or (grid.note and r == last) else ""
        out.append("<w:tr><w:trPr><w:cantSplit/>" + ("<w:tblHeader/>" if header else "") + "</w:trPr>")
        for c, cell in enumerate(row):
            if (r, c) in continued:
                span = continued[(r, c)]
                out.append(_tc(sum(twips[c : c + span]), span, "continue", style_id, keep, ""))
            elif cell is not None:
                width = sum(twips[c : c + cell.colspan])
                merge = "restart" if cell.rowspan > 1 else ""
                jc = keep + ('<w:jc w:val="left"/>' if cell.align == "left" else "")
                text = _laid_out(cell, width / 20 / chosen - widths.padding(chosen))
                out.append(
                    _tc(width, cell.colspan, merge, style_id, jc, _run(text, cell, half_points, header))
                )
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


def _laid_out(cell: Cell, width_em: float) -> str:
    """A centred cell's text with a line break between segments wherever it must wrap; a
    left-aligned one as it is (the renderer wraps it)."""
    if cell.align == "left" or widths.text_em(cell.text) <= width_em:
        return cell.text
    return "\n".join(widths.wrap(cell.text, width_em, whole=cell.name))


def continued_caption(caption: str) -> str:
    """`表1-5 标题` → `续表1-5 标题`; no caption → `续表`."""
    return f"续{caption}" if caption.startswith("表") else "续表"


def paragraph_xml(style_id: str, text: str = "", *, space_after_twips: int | None = None) -> str:
    """A plain paragraph (a 续表 line, the air after a table) as WordprocessingML."""
    spacing = "" if space_after_twips is None else f'<w:spacing w:after="{space_after_twips}"/>'
    run = f"<w:r><w:t>{escape(gate(text))}</w:t></w:r>" if text else ""
    return f'<w:p {nsdecls("w")}><w:pPr><w:pStyle w:val="{escape(style_id)}"/>{spacing}</w:pPr>{run}</w:p>'


def _tbl_pr(width: int, caption: str) -> str:
    edges = "".join(
        f'<w:{e} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
        for e in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    return (
        f'<w:tblPr><w:tblW w:w="{width}" w:type="dxa"/><w:jc w:val="center"/>'
        f'<w:tblBorders>{edges}</w:tblBorders><w:tblLayout w:type="fixed"/>'
        '<w:tblCellMar><w:left w:w="57" w:type="dxa"/><w:right w:w="57" w:type="dxa"/></w:tblCellMar>'
        '<w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" '
        'w:noHBand="0" w:noVBand="0"/>'
        + (f'<w:tblCaption w:val="{escape(gate(caption), {chr(34): "&quot;"})}"/>' if caption else "")
        + "</w:tblPr>"
    )


def _tc(width: int, span: int, merge: str, style_id: str, jc: str, run: str) -> str:
    span_xml = f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
    merge_xml = {"restart": '<w:vMerge w:val="restart"/>', "continue": "<w:vMerge/>"}.get(merge, "")
    return (
        f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{span_xml}{merge_xml}<w:vAlign w:val="center"/>'
        f'</w:tcPr><w:p><w:pPr><w:pStyle w:val="{escape(style_id)}"/>{jc}</w:pPr>{run}</w:p></w:tc>'
    )


def _run(text: str, cell: Cell, half_points: int, header: bool) -> str:
    """One run with the cell's text; line breaks kept."""
    bold = "<w:b/>" if cell.bold or header else ""
    lines = '</w:t><w:br/><w:t xml:space="preserve">'.join(escape(line) for line in gate(text).split("\n"))
    return (
        f'<w:r><w:rPr>{bold}<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/></w:rPr>'
        f'<w:t xml:space="preserve">{lines}</w:t></w:r>'
    )
