"""A school may insert columns in the list sheets: every finding still names the cell it is about."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from qreport.check.validate import validate_files
from qreport.workbook import layout

from builders import CASES, IMAGE_NAME, MAJORS, TEXTS, edit, good_school, header_row

# Each list-sheet finding and the column (by header) whose cell it must name.
EXPECTED_HEADER = {
    "major_code_format": "专业代码",
    "major_duplicate": "专业代码",
    "major_name_missing": "专业名称",
    "major_adjust_invalid": "调整情况",
    "section_unknown": "章节",
    "text_empty": "内容",
    "case_chapter_invalid": "章",
    "case_incomplete": "标题",
    "case_image_missing": "图片",
}

MARKERS = {layout.MAJORS_SHEET: "专业代码", layout.TEXT_SHEET: "章节", layout.CASES_SHEET: "章"}


def _faulty(tmp_path: Path) -> Path:
    majors: list[dict[str, Any]] = [
        *MAJORS,
        {"code": "12345", "name": "坏代码", "students": 0},
        {"code": "610105", "name": "重复", "students": 0},
        {"code": "620101", "name": "", "students": 0},
        {"code": "630101", "name": "调整错", "students": 0, "adjustment": "取消"},
    ]
    texts = [*TEXTS, ("9.9", "没有这一节。"), ("1.2", "")]
    cases = [
        *CASES,
        {"chapter": 2, "title": "", "body": "缺标题的案例。"},
        {"chapter": 3, "title": "缺图片", "body": "正文。", "image": "没有这张图.png"},
        {"chapter": 9, "title": "章号错", "body": "正文。"},
    ]
    return good_school(tmp_path, majors=majors, texts=texts, cases=cases)


def _located(path: Path) -> set[tuple[str, str, str, str]]:
    """(code, sheet, header above the named cell, first cell of that row) of each list-sheet finding."""
    result = validate_files([path])
    wb = load_workbook(path)
    out = set()
    for f in result.findings:
        if f.sheet not in MARKERS:
            continue
        assert f.cell is not None, f
        ws = wb[f.sheet]
        head, cols = header_row(ws, MARKERS[f.sheet])
        header = {col: text for text, col in cols.items()}.get(ws[f.cell].column, "")
        key_col = cols[MARKERS[f.sheet]]
        out.add((f.code, f.sheet, header, str(ws.cell(row=ws[f.cell].row, column=key_col).value)))
    return out


def test_findings_follow_columns_inserted_in_every_list_sheet(tmp_path: Path) -> None:
    plain = _faulty(tmp_path / "plain")
    moved = tmp_path / "moved" / plain.name
    moved.parent.mkdir()
    shutil.copyfile(plain, moved)
    (moved.parent / IMAGE_NAME).write_bytes((plain.parent / IMAGE_NAME).read_bytes())
    with edit(moved) as wb:
        for sheet in MARKERS:
            wb[sheet].insert_cols(2)  # between the first column and the rest
            wb[sheet].insert_cols(1)  # and before all of them

    before, after = _located(plain), _located(moved)
    assert {code for code, *_ in after} == set(EXPECTED_HEADER)
    assert after == before
    for code, _sheet, header, _key in after:
        assert header == EXPECTED_HEADER[code], code
