"""Tables that run over a page say 续表 on the next one, in the PDF and in the Word file.

Word and LibreOffice repeat a table's header rows on every page (w:tblHeader) but print no 续表.
So `--pdf` measures: LibreOffice lays the report out and reports the page of every table row
(`convert_to_pdf(table_pages=...)`); each table that runs over a page is split where it broke,
the rest continuing after a page break under a `续表N-M 标题` line and the header rows; then the
report is laid out again, until no table runs over a page (a few passes at most). The .docx
written beside the PDF carries the same splits. A report written without `--pdf` keeps whole
tables, whose header rows Word repeats on each page.
"""

from __future__ import annotations

import copy
import io
import zipfile
from pathlib import Path
from typing import cast

from lxml import etree

from qreport.report import styles
from qreport.report.pdf import BODY_PART, W_NS, convert_to_pdf, parse_part
from qreport.report.wordml.grid import continued_caption

MAX_PASSES = 4  # layouts; each split table gains a 续表 line per page, which may push a row on


def _w(tag: str) -> str:
    return f"{{{W_NS}}}{tag}"


def convert_with_continued_tables(docx: Path, pdf: Path, *, shown: Path | None = None) -> list[str]:
    """Convert `docx` (a file of ours: it is rewritten) to `pdf`, splitting every table that runs
    over a page with a 续表 line first. Returns convert_to_pdf's notes."""
    original = docx.read_bytes()
    tables = table_rows(original)
    plan: Plan = {}
    notes: list[str] = []
    for attempt in range(MAX_PASSES):
        pages: dict[int, list[int]] = {}
        notes = convert_to_pdf(docx, pdf, shown=shown, table_pages=pages)
        better = replan(plan, pages, tables)
        if better == plan or attempt == MAX_PASSES - 1:
            break
        plan = better
        docx.write_bytes(apply(original, plan))
    return notes


Plan = dict[int, list[int]]  # body table (in document order) -> body rows of each of its parts
SHIFT = 2  # rows a page loses to the 续表 line above its header rows (about two rows' height)


def table_rows(docx: bytes) -> list[tuple[int, int]]:
    """(header rows, body rows) of each table of the body of the .docx `docx`."""
    body = _body(_document(docx))
    out = []
    for tbl in body.iterchildren(_w("tbl")) if body is not None else ():
        rows = tbl.findall(_w("tr"))
        head = _header_rows(rows)
        out.append((head, len(rows) - head))
    return out


def replan(plan: Plan, pages: dict[int, list[int]], tables: list[tuple[int, int]]) -> Plan:
    """The parts each table should have, from the page of each row as laid out under `plan`.

    A part's rows on its first page stay (they fit, 续表 line and all). A page it filled further on
    (under the repeated header rows alone) becomes a part of SHIFT rows fewer; rows that ran onto a
    page part-way flow into the next part; the last part takes what is left."""
    better: Plan = {}
    measured = 0  # index of the laid-out table
    for k, (head, body) in enumerate(tables):
        parts = plan.get(k, [body])
        caps: list[int] | None = []  # rows each page can hold
        last_fits = False
        for part in parts:
            rows = pages.get(measured, [])
            measured += 1
            if caps is None or len(rows) != head + part:
                caps = None  # not laid out as planned: nothing to learn
                continue
            on_pages = _runs(rows[head:])
            caps += [on_pages[0], *(max(1, n - SHIFT) for n in on_pages[1:-1])]
            last_fits = len(on_pages) == 1
        if caps is not None and last_fits:
            caps.pop()  # the last page, which may have room to spare: whatever is left goes there
        if caps is None:
            if k in plan:
                better[k] = plan[k]
            continue
        sizes, left = [], body
        for cap in caps:
            take = min(cap, left)
            if take:
                sizes.append(take)
            left -= take
        if left:
            sizes.append(left)
        if len(sizes) > 1:
            better[k] = sizes
    return better


def _runs(pages: list[int]) -> list[int]:
    """Lengths of the runs of equal pages: [44, 44, 45, 45, 45] -> [2, 3]."""
    out: list[int] = []
    for k, page in enumerate(pages):
        if k and page == pages[k - 1]:
            out[-1] += 1
        else:
            out.append(1)
    return out or [0]


def apply(docx: bytes, plan: Plan) -> bytes:
    """The .docx `docx` with each table of `plan` split into its parts."""
    with zipfile.ZipFile(io.BytesIO(docx)) as zin:
        infos = zin.infolist()
        parts = {info.filename: zin.read(info) for info in infos}
    root = parse_part(parts[BODY_PART])
    body = _body(root)
    if body is not None:
        for k, tbl in enumerate(list(body.iterchildren(_w("tbl")))):
            if k in plan:
                _split(tbl, plan[k])
    parts[BODY_PART] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in infos:
            zout.writestr(info, parts[info.filename])
    return out.getvalue()


def _document(docx: bytes) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(docx)) as zin:
        xml = zin.read(BODY_PART)
    return parse_part(xml)


def _body(root: etree._Element) -> etree._Element | None:
    return root.find(_w("body"))


def _header_rows(rows: list[etree._Element]) -> int:
    head = 0
    while head < len(rows) and rows[head].find(f"{_w('trPr')}/{_w('tblHeader')}") is not None:
        head += 1
    return head


def _split(tbl: etree._Element, sizes: list[int]) -> None:
    """Split `tbl` into parts of `sizes` body rows, each after a 续表 line on a new page."""
    rows = tbl.findall(_w("tr"))
    head = _header_rows(rows)
    cuts = [head + sum(sizes[:k]) for k in range(1, len(sizes))]
    cuts = [c for c in cuts if head < c < len(rows)]
    caption_el = tbl.find(f"{_w('tblPr')}/{_w('tblCaption')}")
    caption = continued_caption(caption_el.get(_w("val"), "") if caption_el is not None else "")
    for cut in cuts:
        _restart_merges(rows, cut)
    anchor = tbl
    for start, end in zip(cuts, [*cuts[1:], len(rows)], strict=True):
        part = etree.Element(_w("tbl"))
        for el in (tbl.find(_w("tblPr")), tbl.find(_w("tblGrid"))):
            if el is not None:
                part.append(copy.deepcopy(el))
        for row in rows[:head]:
            part.append(copy.deepcopy(row))
        for row in rows[start:end]:
            part.append(row)  # moved
        line = _caption_paragraph(caption)
        anchor.addnext(line)
        line.addnext(part)
        anchor = part


def _caption_paragraph(text: str) -> etree._Element:
    p = etree.Element(_w("p"))
    ppr = etree.SubElement(p, _w("pPr"))
    etree.SubElement(ppr, _w("pStyle")).set(_w("val"), styles.style_id(styles.CONTINUED_CAPTION))
    etree.SubElement(ppr, _w("pageBreakBefore"))
    run = etree.SubElement(p, _w("r"))
    etree.SubElement(run, _w("t")).text = text
    return p


def _columns(row: etree._Element) -> list[tuple[int, etree._Element]]:
    """(grid column, w:tc) of each cell of `row`."""
    out, col = [], 0
    for tc in row.findall(_w("tc")):
        out.append((col, tc))
        span = tc.find(f"{_w('tcPr')}/{_w('gridSpan')}")
        col += int(span.get(_w("val"), "1")) if span is not None else 1
    return out


def _merge(tc: etree._Element) -> str:
    el = tc.find(f"{_w('tcPr')}/{_w('vMerge')}")
    if el is None:
        return ""
    return str(el.get(_w("val"), "continue"))


def _restart_merges(rows: list[etree._Element], cut: int) -> None:
    """A cell merged down across the cut starts again below it, with the text of the cell above."""
    for col, tc in _columns(rows[cut]):
        if _merge(tc) != "continue":
            continue
        for above in reversed(rows[:cut]):
            top = dict(_columns(above)).get(col)
            if top is not None and _merge(top) == "restart":
                for p in tc.findall(_w("p")):
                    tc.remove(p)
                for p in top.findall(_w("p")):
                    tc.append(copy.deepcopy(p))
                cast(etree._Element, tc.find(f"{_w('tcPr')}/{_w('vMerge')}")).set(_w("val"), "restart")
                break
