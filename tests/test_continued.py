"""Tables that run over a page: split where LibreOffice broke them, 续表 and the header rows on the
next page (the layout itself is checked from the PDF in test_layout.py)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx as python_docx

from qreport.report import styles
from qreport.report.continued import apply, replan, table_rows
from qreport.report.dump import dump_docx
from qreport.report.wordml.grid import Cell, Grid, merged_down, table_xml


def _report_with(grid: Grid, caption: str, path: Path) -> bytes:
    document = styles.styled_document(styles.Typography(*_typography()))
    document.add_paragraph(caption, style=styles.TABLE_CAPTION)
    from docx.oxml import parse_xml

    tbl = parse_xml(table_xml(grid, size=10.5, style_id="TableText", caption=caption))
    document.element.body._insert_tbl(tbl)
    document.add_paragraph("注：…", style=styles.TABLE_META)
    document.save(str(path))
    return path.read_bytes()


def _typography() -> tuple[object, object]:
    from qreport.catalog.config import Fonts, Sizes

    return Fonts(), Sizes()


def _long_grid(rows: int = 40) -> Grid:
    groups = merged_down([str(1 + k // 4) for k in range(rows)])
    body = [[groups[k], Cell(f"指标{k}", align="left"), Cell(str(k))] for k in range(rows)]
    return Grid([[Cell("序号"), Cell("指标"), Cell("数值")]], body)


def test_replan_keeps_what_fit_and_starts_a_part_per_page_a_little_shorter() -> None:
    tables = [(1, 5), (1, 40)]
    # table 1: 12 rows on its first page, 25 on the next (without a 续表 line), 3 on the third
    pages = {0: [3] * 6, 1: [3] * 13 + [4] * 25 + [5] * 3}
    plan = replan({}, pages, tables)
    assert plan == {1: [12, 23, 5]}
    # laid out again as planned: every part on one page, so the plan stands
    again = {0: [3] * 6, 1: [3] * 13, 2: [4] * 24, 3: [5] * 6}
    assert replan(plan, again, tables) == plan
    # a part that still ran over passes its last rows on
    over = {0: [3] * 6, 1: [3] * 13, 2: [4] * 22 + [5] * 2, 3: [6] * 6}
    assert replan(plan, over, tables) == {1: [12, 21, 7]}


def test_replan_leaves_tables_that_fit_and_tables_it_could_not_measure() -> None:
    assert replan({}, {0: [7] * 10}, [(1, 9)]) == {}
    assert replan({0: [5, 4]}, {}, [(1, 9)]) == {0: [5, 4]}


def test_a_split_table_continues_under_a_continued_caption_with_its_header_rows(tmp_path: Path) -> None:
    original = _report_with(_long_grid(), "表1-5 各校指标", tmp_path / "a.docx")
    assert table_rows(original) == [(1, 40)]
    split = apply(original, {0: [10, 30]})
    (tmp_path / "b.docx").write_bytes(split)
    dump = dump_docx(tmp_path / "b.docx")
    first, second = dump.split("[续表题] ⤓ 续表1-5 各校指标\n")
    assert first.count("| 序号 | 指标 | 数值 |") == 1 and second.count("| 序号 | 指标 | 数值 |") == 1
    assert "| 指标9 | 9 |" in first and "| 指标10 | 10 |" in second
    # the group 3 (rows 8-11) is merged across the cut: it starts again with its number
    assert "| 3 | 指标10 | 10 |" in second
    assert second.index("指标39") < second.index("注：…")  # the note follows the last part
    reopened = python_docx.Document(io.BytesIO(split))
    assert len(reopened.tables) == 2
    with zipfile.ZipFile(io.BytesIO(split)) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    assert xml.count('w:tblCaption w:val="表1-5 各校指标"') == 2


def test_the_continued_caption_is_not_listed_as_a_table() -> None:
    from qreport.report.frontmatter import TABLES_FIELD

    assert styles.CONTINUED_CAPTION not in TABLES_FIELD and styles.TABLE_CAPTION in TABLES_FIELD
