"""annotate: a marked copy of a workbook; the input is never touched."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.comments import Comment

from qreport.catalog.indicators import load_catalog
from qreport.errors import InputError, UnreadableWorkbook
from qreport.findings import Finding, finding
from qreport.workbook import layout
from qreport.workbook.annotate import (
    AUTHOR,
    ERROR_FILL,
    SUMMARY_HEADERS,
    SUMMARY_SHEET,
    WARNING_FILL,
    annotate,
)
from qreport.workbook.fill import fill_workbook
from qreport.workbook.template import INPUT_FILL, write_template

CATALOG = load_catalog(2024)


@pytest.fixture(scope="module")
def blank(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    path = tmp_path_factory.mktemp("blank") / "t.xlsx"
    write_template(path, CATALOG)
    fill_workbook(
        path,
        info={"学校名称": "甲职业学校"},
        values={"graduates": (400, 420), "graduates_placed": (380, 430)},
    )
    return path.read_bytes()


@pytest.fixture
def school(blank: bytes, tmp_path: Path) -> Path:
    folder = tmp_path / "报送"
    folder.mkdir()
    path = folder / "甲职业学校.xlsx"
    path.write_bytes(blank)
    return path


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def sample_findings(file: str) -> list[Finding]:
    return [
        finding("exceeds_parent", file, sheet="计分卡", cell="F5", indicator="graduates_placed",
                label="毕业去向落实人数", value=430, parent="毕业生人数", parent_value=420),
        finding("blank", file, sheet="计分卡", cell="F5", indicator="graduates_placed", label="毕业去向落实人数", column="2024年"),
        finding("blank", file, sheet="计分卡", cell="F6", indicator="further_study", label="其中：升学人数", column="2024年"),
        finding("info_missing", file, sheet=layout.INFO_SHEET, cell="B5", label="学校简称"),
        finding("majors_count_mismatch", file, typed=3, listed=0),  # no cell
        finding("blank", file, sheet="不存在的表", cell="A1", label="x", column="2024年"),  # sheet gone
    ]  # fmt: skip


def test_cells_get_colour_and_comment_by_severity(school: Path, tmp_path: Path) -> None:
    findings = sample_findings(school.name)
    out = annotate(school, findings, tmp_path / "标注")
    assert out == tmp_path / "标注" / school.name
    wb = load_workbook(out)
    ws = wb["计分卡"]
    # error and warning on one cell: error wins; both messages in the comment
    assert ws["F5"].fill.fgColor.rgb == ERROR_FILL.fgColor.rgb
    assert ws["F5"].comment.author == AUTHOR
    assert findings[0].message in ws["F5"].comment.text and findings[1].message in ws["F5"].comment.text
    assert "【错误】" in ws["F5"].comment.text and "【警告】" in ws["F5"].comment.text
    assert ws["F6"].fill.fgColor.rgb == WARNING_FILL.fgColor.rgb
    assert ws["F6"].comment.text == f"【警告】{findings[2].message}"
    assert wb[layout.INFO_SHEET]["B5"].fill.fgColor.rgb == ERROR_FILL.fgColor.rgb
    # cells without findings keep their look and have no comment
    assert ws["F4"].fill.fgColor.rgb == INPUT_FILL.fgColor.rgb and ws["F4"].comment is None
    assert ws["F4"].value == 420  # data kept


def test_input_file_is_never_modified(school: Path, tmp_path: Path) -> None:
    before, mtime = digest(school), school.stat().st_mtime_ns
    annotate(school, sample_findings(school.name), tmp_path / "out")
    assert digest(school) == before and school.stat().st_mtime_ns == mtime
    assert sorted(p.name for p in school.parent.iterdir()) == [school.name]


def test_summary_sheet_first_and_lists_every_finding(school: Path, tmp_path: Path) -> None:
    findings = sample_findings(str(school))
    wb = load_workbook(annotate(school, findings, tmp_path / "out"))
    assert wb.sheetnames[0] == SUMMARY_SHEET and wb.active.title == SUMMARY_SHEET
    assert wb.sheetnames[1:] == load_workbook(school).sheetnames
    ws = wb[SUMMARY_SHEET]
    rows = list(ws.iter_rows(values_only=True))
    head = rows.index(SUMMARY_HEADERS)
    listed = [r for r in rows[head + 1 :] if r[0] is not None]
    assert len(listed) == len(findings)
    assert [r[4] for r in listed] == ["错误", "错误", "错误", "警告", "警告", "警告"]  # errors first
    by_message = {r[5]: r for r in listed}
    for f in findings:
        _, file, sheet, cell, level, _ = by_message[f.message]
        assert (file, sheet, cell, level) == (school.name, f.sheet, f.cell, "错误" if f.is_error else "警告")
    assert "错误 3 项，警告 3 项" in rows[1][0]
    # a placed finding links to its cell
    row = next(r for r in ws.iter_rows(min_row=head + 2) if r[5].value == findings[2].message)
    assert row[3].hyperlink.location == "'计分卡'!F6"


def test_no_findings_still_writes_a_summary(school: Path, tmp_path: Path) -> None:
    ws = load_workbook(annotate(school, [], tmp_path / "out"))[SUMMARY_SHEET]
    assert "未发现问题。" in [c.value for row in ws.iter_rows() for c in row]


def test_only_one_summary_when_annotating_an_annotated_copy(school: Path, tmp_path: Path) -> None:
    first = annotate(school, sample_findings(school.name), tmp_path / "a")
    second = annotate(first, sample_findings(school.name)[:1], tmp_path / "b")
    wb = load_workbook(second)
    assert wb.sheetnames.count(SUMMARY_SHEET) == 1
    rows = [r for r in wb[SUMMARY_SHEET].iter_rows(min_row=4, values_only=True) if r[0] is not None]
    assert len(rows) == 1


def test_school_comment_is_kept_under_ours(school: Path, tmp_path: Path) -> None:
    copy = tmp_path / "with_comment.xlsx"
    wb = load_workbook(school)
    wb["计分卡"]["F6"].comment = Comment("含中职升高职", "张老师")
    wb.save(copy)
    ws = load_workbook(annotate(copy, sample_findings(copy.name), tmp_path / "out"))["计分卡"]
    assert ws["F6"].comment.text.startswith("【警告】")
    assert "含中职升高职" in ws["F6"].comment.text


def test_merged_cell_finding_goes_to_the_range_anchor(school: Path, tmp_path: Path) -> None:
    f = finding(
        "blank", school.name, sheet="计分卡", cell="C1", label="x", column="y"
    )  # inside merged title A1:G1
    ws = load_workbook(annotate(school, [f], tmp_path / "out"))["计分卡"]
    assert ws["A1"].comment is not None and ws["A1"].fill.fgColor.rgb == WARNING_FILL.fgColor.rgb


def test_refuses_to_overwrite_the_source(school: Path) -> None:
    before = digest(school)
    with pytest.raises(InputError, match="覆盖原文件"):
        annotate(school, sample_findings(school.name), school.parent)
    assert digest(school) == before


def test_xlsm_copy_is_saved_as_xlsx_beside_it(school: Path, blank: bytes) -> None:
    src = school.parent / "乙职业学校.xlsm"
    src.write_bytes(blank)
    out = annotate(src, sample_findings(src.name), school.parent)
    assert out == school.parent / f"{src.stem}.xlsx" and out != src
    assert load_workbook(out).sheetnames[0] == SUMMARY_SHEET


def test_unreadable_input_raises_and_writes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "坏.xlsx"
    bad.write_bytes(b"not a workbook at all")
    with pytest.raises(UnreadableWorkbook):
        annotate(bad, [], tmp_path / "out")
    assert not (tmp_path / "out" / "坏.xlsx").exists()


def test_pictures_pasted_in_cases_survive_in_the_copy(school: Path, tmp_path: Path) -> None:
    from openpyxl.drawing.image import Image as XlImage
    from PIL import Image

    picture = tmp_path / "photo.png"
    Image.new("RGB", (40, 30), "red").save(picture)
    wb = load_workbook(school)
    wb[layout.CASES_SHEET].add_image(XlImage(str(picture)), "D4")
    with_picture = tmp_path / "with_picture.xlsx"
    wb.save(with_picture)
    out = annotate(with_picture, sample_findings(with_picture.name), tmp_path / "out")
    assert len(load_workbook(out)[layout.CASES_SHEET]._images) == 1
