"""fill_workbook: data lands where the reader looks, by id and header text, not by position."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from qreport.catalog.indicators import load_catalog
from qreport.workbook import layout
from qreport.workbook.fill import fill_workbook
from qreport.workbook.reader import read_school
from qreport.workbook.template import write_template

CATALOG = load_catalog(2024)
PREV, CUR = CATALOG.column_names()


@pytest.fixture(scope="module")
def blank(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    path = tmp_path_factory.mktemp("blank") / "t.xlsx"
    write_template(path, CATALOG)
    return path.read_bytes()


@pytest.fixture
def template(blank: bytes, tmp_path: Path) -> Path:
    path = tmp_path / "学校.xlsx"
    path.write_bytes(blank)
    return path


def value_at(ws: Worksheet, ind_id: str, column: str) -> object:
    """The value in `column` on the row whose 指标代码 is `ind_id`, found by searching (as the reader does)."""
    for row in ws.iter_rows(max_row=30):
        texts = {c.value: c.column for c in row if isinstance(c.value, str)}
        if layout.ID_HEADER in texts:
            head, cols = row[0].row, texts
            break
    for (cell,) in ws.iter_rows(
        min_row=head + 1, min_col=cols[layout.ID_HEADER], max_col=cols[layout.ID_HEADER]
    ):
        if cell.value == ind_id:
            return ws.cell(row=cell.row, column=cols[column]).value
    raise AssertionError(f"{ind_id} not in {ws.title}")


VALUES = {
    "graduates": (400, 420),
    "placed_in_province": (300, "-"),
    "monthly_income": (3200.5, None),
    "fulltime_teachers": (110, 123),
    "special_funds": (12.34, 56.78),
    "sat_students": (88.0, 97.2),
    "teacher_awards_city_3": (0, 2),
}


def test_values_land_in_the_year_columns_of_their_rows(template: Path) -> None:
    fill_workbook(template, values=VALUES, samples={"sat_students": 350})
    wb = load_workbook(template)
    for ind_id, (previous, current) in VALUES.items():
        ws = wb[CATALOG[ind_id].sheet]
        assert value_at(ws, ind_id, CUR) == current, ind_id
        if ind_id != "sat_students":
            assert value_at(ws, ind_id, PREV) == previous, ind_id
    assert value_at(wb["满意度"], "sat_students", layout.SAMPLE_HEADER) == 350
    assert PREV not in [c.value for c in wb["满意度"][3]]  # the survey's previous value went nowhere


def insert_row(ws: Worksheet) -> None:
    ws.insert_rows(6, amount=2)


def insert_column(ws: Worksheet) -> None:
    ws.insert_cols(1)


def move_rows_around(ws: Worksheet) -> None:
    # Swap the first two indicator rows' contents: ids (and labels) change places.
    for col in range(1, ws.max_column + 1):
        a, b = ws.cell(row=4, column=col), ws.cell(row=5, column=col)
        a.value, b.value = b.value, a.value


@pytest.mark.parametrize("edit", [insert_row, insert_column, move_rows_around])
def test_rows_and_columns_are_found_after_the_sheet_was_edited(template: Path, edit: Callable) -> None:
    wb = load_workbook(template)
    edit(wb["计分卡"])
    wb.save(template)
    values = {"graduates": (400, 420), "graduates_placed": (380, 411), "self_employed": (3, 4)}
    fill_workbook(template, values=values)
    ws = load_workbook(template)["计分卡"]
    for ind_id, (previous, current) in values.items():
        assert (value_at(ws, ind_id, PREV), value_at(ws, ind_id, CUR)) == (previous, current)


def test_reader_reads_back_what_was_filled(template: Path) -> None:
    fill_workbook(
        template,
        info={"学校名称": "巴彦淖尔市甲职业学校", "学校简称": "甲校", "学校标识码": "4115000001"},
        values=VALUES,
        samples={"sat_students": 350},
        majors=[
            {"code": "720201", "name": "计算机应用", "year_set": 2015, "previous_classes": 4,
             "new_classes": 2, "students": 310, "adjustment": "未调"},
            {"code": "610101", "name": "农业生产技术", "students": 0, "adjustment": "停办"},
        ],
        texts=[("1.10", "培养规模稳步扩大。"), ("2.1", "服务重大项目。")],
        cases=[{"chapter": 3, "title": "非遗进校园", "body": "正文……", "image": "a.jpg", "caption": "图说"}],
    )  # fmt: skip
    school = read_school(template, CATALOG)
    assert [f.code for f in school.findings if f.is_error] == []
    assert (school.name, school.short_name, school.code) == ("巴彦淖尔市甲职业学校", "甲校", "4115000001")
    assert school.values["graduates"].previous == 400 and school.values["graduates"].current == 420
    assert school.values["placed_in_province"].current is None  # "-" is not applicable
    assert school.values["special_funds"].current == pytest.approx(56.78)
    assert school.samples["sat_students"] == 350
    assert [(m.code, m.name, m.students, m.adjustment) for m in school.majors] == [
        ("720201", "计算机应用", 310, "未调"),
        ("610101", "农业生产技术", 0, "停办"),
    ]
    assert [(t.section, t.content) for t in school.texts] == [
        ("1.10", "培养规模稳步扩大。"),
        ("2.1", "服务重大项目。"),
    ]
    assert [(c.chapter, c.title, c.image, c.caption) for c in school.cases] == [
        (3, "非遗进校园", "a.jpg", "图说")
    ]


def test_info_goes_to_column_b_of_its_label(template: Path) -> None:
    fill_workbook(template, info={"填报人": "张三", "联系电话": "0478-1234567"})
    ws = load_workbook(template)[layout.INFO_SHEET]
    rows = {ws.cell(row=r, column=1).value: r for r in range(1, ws.max_row + 1)}
    assert ws.cell(row=rows["填报人"], column=2).value == "张三"
    assert ws.cell(row=rows["联系电话"], column=2).value == "0478-1234567"
    assert ws.cell(row=rows["填报年度"], column=2).value == CATALOG.year  # untouched


def test_lists_are_appended_below_rows_already_filled(template: Path) -> None:
    fill_workbook(template, majors=[{"code": "720201", "name": "甲"}], texts=[("1.1", "一")])
    fill_workbook(template, majors=[{"code": "720202", "name": "乙"}], texts=[("1.2", "二")])
    wb = load_workbook(template)
    majors = [r[:2] for r in wb[layout.MAJORS_SHEET].iter_rows(min_row=4, values_only=True) if r[0]]
    texts = [r[:2] for r in wb[layout.TEXT_SHEET].iter_rows(min_row=4, values_only=True) if r[0]]
    assert majors == [("720201", "甲"), ("720202", "乙")]
    assert texts == [("1.1", "一"), ("1.2", "二")]


def test_none_clears_and_strings_are_written_as_typed(template: Path) -> None:
    fill_workbook(template, values={"graduates": (400, 420)})
    fill_workbook(template, values={"graduates": ("400人", None)})
    ws = load_workbook(template)["计分卡"]
    assert (value_at(ws, "graduates", PREV), value_at(ws, "graduates", CUR)) == ("400人", None)


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [
        ({"values": {"placed_in_province_rate": (1, 2)}}, "计算得出"),
        ({"values": {"employed_total": (1, 2)}}, "计算得出"),
        ({"values": {"no_such_indicator": (1, 2)}}, "no_such_indicator"),
        ({"samples": {"graduates": 10}}, "样本数"),
        ({"info": {"校长": "李四"}}, "校长"),
        ({"majors": [{"code": "720201", "teacher": 3}]}, "teacher"),
    ],
)
def test_bad_requests_raise_value_error_and_leave_the_file_alone(
    template: Path, kwargs: dict, needle: str
) -> None:
    before = template.read_bytes()
    with pytest.raises(ValueError, match=needle):
        fill_workbook(template, **kwargs)
    assert template.read_bytes() == before
    assert [p.name for p in template.parent.iterdir()] == [template.name]


def test_fill_keeps_the_template_intact(template: Path) -> None:
    fill_workbook(template, values=VALUES)
    wb = load_workbook(template)
    ws = wb["计分卡"]
    assert ws.protection.sheet
    assert str(value_at(ws, "placed_in_province_rate", CUR)).startswith("=")
    assert len(ws.data_validations.dataValidation) > 0
    assert wb.sheetnames[:2] == [layout.GUIDE_SHEET, layout.INFO_SHEET]
