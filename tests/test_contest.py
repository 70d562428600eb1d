"""The skills-contest table for students and teachers (表1-6 of the reference) and its 备注 column:
the 备注 a school types in 补充指标 is read, checked, carried in the dataset and a roll-up, and
printed beside the school's rows of the 师生 table."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import docx
import pytest
from hostile_files import put_text
from openpyxl import load_workbook
from pydantic import ValidationError
from typer.testing import CliRunner

from qreport.budgets import MAX_REMARK_CHARS
from qreport.catalog.indicators import load_catalog, parse_catalog
from qreport.cli.app import app
from qreport.compile.build import build
from qreport.compile.dataset import dumps, parse_dataset, read_dataset, write_dataset
from qreport.compile.rollup import build_from_datasets
from qreport.errors import ConfigError, InputError
from qreport.model import School
from qreport.report.chapter_tables import indicator_grid
from qreport.report.spec import ReportSpec, TableSpec, load_spec
from qreport.workbook import layout
from qreport.workbook.reader import read_school
from qreport.workbook.template import template_workbook

import builders
from builders import edit, good_school, header_row, row_of

CATALOG = load_catalog(2024)
ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "bayannur"
SHEET = "补充指标"
SPORTS = "世界级：3 金、1 银、2 铜；国家级 47 金、39 银、18 铜；区级：70 金、48 银、79 铜"
FIRST = "世界技能铜奖 1 项，金砖国家三等奖 1 项，自治区优胜奖 4 项"
WUYUAN = "一带一路金砖国家幼儿照护国赛三等奖"
runner = CliRunner()


@pytest.fixture(autouse=True, scope="module")
def _cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    builders.use_cache_dir(tmp_path_factory.mktemp("builders"))


def _remark_cell(wb: Any, ind_id: str) -> Any:
    ws, row = row_of(wb, ind_id)
    _, cols = header_row(ws, layout.ID_HEADER)
    return ws.cell(row=row, column=cols["备注"])


def _type_remark(path: Path, ind_id: str, text: str) -> str:
    """Type `text` in the 备注 cell of `ind_id`'s row; the cell's reference."""
    with edit(path) as wb:
        cell = _remark_cell(wb, ind_id)
        cell.value = text
        return str(cell.coordinate)


def _cells(cell_range: Any) -> list[str]:
    from openpyxl.utils import get_column_letter

    return [f"{get_column_letter(c)}{r}" for r, c in cell_range.cells]


def _codes(school: School) -> list[tuple[str, str | None, str | None]]:
    return [(f.code, f.cell, f.indicator) for f in school.findings]


# -- the catalog and the template -------------------------------------------------------------------


def test_catalog_declares_the_remarks_column_and_the_rows_that_take_one() -> None:
    table = CATALOG.get_table("S")
    assert table.remarks is not None and table.remarks.header == "备注"
    assert CATALOG.remark_ids == tuple(
        f"{who}_awards_prov_{n}" for who in ("student", "teacher") for n in (1, 2, 3)
    )


@pytest.mark.parametrize(
    ("edit_toml", "needle"),
    [
        (lambda t: t.replace("\nremarks = {", "\nxremarks = {"), "xremarks"),
        (lambda t: t.replace("\nremarks = {", "\n# remarks = {"), "没有 remarks"),
        (lambda t: t.replace(", remark = true", ""), "没有 remark = true"),
    ],
    ids=["unknown key", "row without column", "column without rows"],
)
def test_catalog_refuses_remarks_that_do_not_fit_together(edit_toml: Any, needle: str) -> None:
    from qreport.catalog.indicators import CATALOGS
    from qreport.errors import CatalogError

    text = (CATALOGS / "2024.toml").read_text(encoding="utf-8")
    with pytest.raises(CatalogError, match=needle):
        parse_catalog(edit_toml(text), "test.toml")


def test_template_writes_the_remarks_column_open_only_on_the_rows_that_take_one() -> None:
    wb = template_workbook(CATALOG)
    ws = wb[SHEET]
    head, cols = header_row(ws, layout.ID_HEADER)
    assert list(cols)[-2:] == ["备注", layout.NOTE_HEADER]  # before the notes, after the years
    for ind in CATALOG.get_table("S").indicators:
        _, row = row_of(wb, ind.id)
        cell = ws.cell(row=row, column=cols["备注"])
        note = ws.cell(row=row, column=cols[layout.NOTE_HEADER]).value
        assert cell.protection.locked is (not ind.remark), ind.id
        assert ("备注" in note) is ind.remark, note
        if ind.remark:
            assert f"最多 {MAX_REMARK_CHARS} 字" in note
    (length,) = [dv for dv in ws.data_validations.dataValidation if dv.type == "textLength"]
    letter = ws.cell(row=head, column=cols["备注"]).column_letter
    takers = {f"{letter}{row_of(wb, i)[1]}" for i in CATALOG.remark_ids}
    assert {c for r in length.sqref.ranges for c in _cells(r)} == takers
    assert length.formula1 == str(MAX_REMARK_CHARS)
    assert any("备注" in str(c.value) for c in wb[layout.GUIDE_SHEET]["B"])


# -- the reader ---------------------------------------------------------------------------------------


def test_a_typed_remark_is_read_with_its_whitespace_folded(tmp_path: Path) -> None:
    path = good_school(tmp_path)
    with edit(path) as wb:
        _remark_cell(wb, "student_awards_prov_1").value = "  世界技能铜奖 1 项，\n金砖国家三等奖 1 项  "
        _remark_cell(wb, "teacher_awards_prov_3").value = 3  # a number is its text
    school = read_school(path, CATALOG)
    assert school.remarks == {
        "student_awards_prov_1": "世界技能铜奖 1 项， 金砖国家三等奖 1 项",
        "teacher_awards_prov_3": "3",
    }
    assert school.findings == []


def test_remark_on_a_row_with_no_awards_is_fine(tmp_path: Path) -> None:
    path = good_school(tmp_path, values={"student_awards_prov_1": (0, 0)})
    with edit(path) as wb:
        _remark_cell(wb, "student_awards_prov_1").value = SPORTS
    school = read_school(path, CATALOG)
    assert school.remarks == {"student_awards_prov_1": SPORTS} and school.findings == []


def test_workbook_without_the_column_still_reads(tmp_path: Path) -> None:
    path = good_school(tmp_path)
    with edit(path) as wb:
        ws = wb[SHEET]
        head, cols = header_row(ws, layout.ID_HEADER)
        ws.delete_cols(cols["备注"])
    school = read_school(path, CATALOG)
    assert school.findings == [] and school.remarks == {}
    assert school.values["student_awards_prov_1"].current == builders.VALUES["student_awards_prov_1"][1]


def test_moved_column_is_found_by_its_header(tmp_path: Path) -> None:
    path = good_school(tmp_path)
    with edit(path) as wb:
        ws = wb[SHEET]
        head, cols = header_row(ws, layout.ID_HEADER)
        ws.cell(row=head, column=cols["备注"]).value = None  # the old column loses its header
        col = builders.add_column(wb, SHEET, "备 注")  # a new one far right, spaced
        _, row = row_of(wb, "teacher_awards_prov_2")
        ws.cell(row=row, column=col).value = "全国教学能力比赛二等奖 1 项"
    school = read_school(path, CATALOG)
    assert school.remarks == {"teacher_awards_prov_2": "全国教学能力比赛二等奖 1 项"}


def test_control_characters_are_removed_and_named(tmp_path: Path) -> None:
    path = good_school(tmp_path)
    ref = _type_remark(path, "student_awards_prov_2", "占位")
    put_text(path, SHEET, ref, "国赛\x01二等奖\x1b[31m")
    school = read_school(path, CATALOG)
    assert school.remarks == {"student_awards_prov_2": "国赛二等奖[31m"}
    assert ("control_chars", ref, None) in _codes(school)


def test_a_remark_at_the_budget_is_carried_whole(tmp_path: Path) -> None:
    path = good_school(tmp_path)
    with edit(path) as wb:
        _remark_cell(wb, "student_awards_prov_1").value = "奖" * MAX_REMARK_CHARS
    school = read_school(path, CATALOG)
    assert school.remarks == {"student_awards_prov_1": "奖" * MAX_REMARK_CHARS}
    assert not school.findings


def test_too_long_remark_is_an_error_naming_the_cell_and_is_not_carried(tmp_path: Path) -> None:
    path = good_school(tmp_path)
    ref = _type_remark(path, "student_awards_prov_1", "奖" * (MAX_REMARK_CHARS + 1))
    school = read_school(path, CATALOG)
    assert school.remarks == {}
    (found,) = school.findings
    assert (found.code, found.severity, found.sheet, found.cell) == ("remark_too_long", "error", SHEET, ref)
    assert str(MAX_REMARK_CHARS) in found.message and "学生技能大赛自治区及以上一等奖" in found.message


def test_validate_json_names_the_cell_of_a_too_long_remark(tmp_path: Path) -> None:
    path = good_school(tmp_path)
    ref = _type_remark(path, "teacher_awards_prov_1", "奖" * 300)
    result = runner.invoke(app, ["validate", str(path), "--json"])
    assert result.exit_code == 1
    (found,) = json.loads(result.output)
    assert (found["sheet"], found["cell"], found["indicator"], found["code"]) == (
        SHEET,
        ref,
        "teacher_awards_prov_1",
        "remark_too_long",
    )


def test_text_on_a_row_that_takes_no_remark_is_a_warning(tmp_path: Path) -> None:
    path = good_school(tmp_path)
    ref = _type_remark(path, "enrolment", "含五年一贯制")
    school = read_school(path, CATALOG)
    assert school.remarks == {}
    (found,) = school.findings
    assert (found.code, found.severity, found.cell) == ("remark_not_taken", "warning", ref)
    assert "招生数" in found.message and "学生技能大赛自治区及以上一等奖" in found.message


# -- the dataset ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def example() -> Any:
    return build(EXAMPLE, workers=1)


def test_example_schools_carry_the_references_remarks(example: Any) -> None:
    remarks = {s.short_name: s.remarks for s in example.dataset.schools}
    assert remarks["市体校"] == {"student_awards_prov_1": SPORTS}
    assert remarks["市一职"] == {"student_awards_prov_1": FIRST}
    assert remarks["五原职高"] == {"student_awards_prov_3": WUYUAN}
    assert sum(bool(r) for r in remarks.values()) == 3


def test_tables_workbook_lists_the_remarks(example: Any, tmp_path: Path) -> None:
    from qreport.compile.summary import tables_workbook

    wb = tables_workbook(example.dataset, example.catalog)
    path = tmp_path / "汇总表.xlsx"
    wb.save(path)
    rows = list(load_workbook(path)["备注"].iter_rows(values_only=True))
    assert rows[0] == ("学校", "指标代码", "指标", "备注")
    assert ("市体校", "student_awards_prov_1", "学生技能大赛自治区及以上一等奖", SPORTS) in rows
    assert len(rows) == 4


def test_dataset_round_trip_keeps_remarks(example: Any, tmp_path: Path) -> None:
    path = tmp_path / "市.json"
    write_dataset(example.dataset, example.catalog, path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert all("remarks" in s for s in data["schools"])
    stored = read_dataset(path)
    by_short = {s.short_name: s for s in stored.schools}
    assert by_short["市体校"].remarks == {"student_awards_prov_1": SPORTS}
    assert by_short["市职校"].remarks == {}


def test_dataset_without_remarks_still_reads(example: Any) -> None:
    data = json.loads(dumps(example.dataset, example.catalog))
    for s in data["schools"]:
        del s["remarks"]
    assert all(s.remarks == {} for s in parse_dataset(data).schools)


@pytest.mark.parametrize(
    ("value", "needle"),
    [
        (["世界级"], "schools[3]（巴彦淖尔市体育运动学校）.remarks 应为对象"),
        ({"student_awards_prov_1": 3}, "remarks.student_awards_prov_1 应为文本"),
        ({"student_awards_prov_1": "奖" * 40_000}, "remarks.student_awards_prov_1 有 40000 个字符"),
    ],
)
def test_dataset_reader_checks_remarks(example: Any, value: object, needle: str) -> None:
    data = json.loads(dumps(example.dataset, example.catalog))
    data["schools"][3]["remarks"] = value
    with pytest.raises(InputError) as err:
        parse_dataset(data, "市.json")
    assert needle in str(err.value)


def test_dataset_reader_gates_remark_text(example: Any) -> None:
    data = json.loads(dumps(example.dataset, example.catalog))
    data["schools"][3]["remarks"] = {
        "student_awards_prov_1": "世界级\x00：3 金",
        "student_awards_prov_2": " ",
    }
    (school,) = [s for s in parse_dataset(data).schools if s.short_name == "市体校"]
    assert school.remarks == {"student_awards_prov_1": "世界级：3 金"}


def test_roll_up_prints_each_citys_remarks_after_the_schools_short_names(
    example: Any, tmp_path: Path
) -> None:
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    write_dataset(example.dataset, example.catalog, a)
    data = json.loads(a.read_text(encoding="utf-8"))
    data["region"]["name"] = "另一市"
    for s in data["schools"]:
        s["remarks"] = {}
    b.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    config = tmp_path / "自治区.toml"
    config.write_text('[region]\nname = "内蒙古自治区"\n', encoding="utf-8")
    up = build_from_datasets([a, b], config_path=config)
    units = {s.name: s.remarks for s in up.dataset.schools}
    assert units["另一市"] == {}
    assert units["内蒙古自治区巴彦淖尔市"] == {
        "student_awards_prov_1": f"市一职：{FIRST}\n市体校：{SPORTS}",
        "student_awards_prov_3": f"五原职高：{WUYUAN}",
    }
    # the roll-up's own dataset carries them on, and reads back
    top = tmp_path / "区.json"
    write_dataset(up.dataset, up.catalog, top)
    (city,) = [s for s in read_dataset(top).schools if s.name == "内蒙古自治区巴彦淖尔市"]
    assert city.remarks["student_awards_prov_3"] == f"五原职高：{WUYUAN}"


def test_roll_up_keeps_a_huge_remark_within_one_cell(example: Any, tmp_path: Path) -> None:
    from qreport.budgets import MAX_CELL_CHARS

    a = tmp_path / "a.json"
    data = json.loads(dumps(example.dataset, example.catalog))
    template = data["schools"][0]
    data["schools"] = [
        {
            **template,
            "name": f"学校{k}",
            "short_name": f"校{k}",
            "remarks": {"student_awards_prov_1": "奖" * 200},
        }
        for k in range(200)
    ]
    a.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    up = build_from_datasets([a])
    text = up.dataset.schools[0].remarks["student_awards_prov_1"]
    assert len(text) <= MAX_CELL_CHARS and text.startswith("校0：奖") and "另有" in text
    top = tmp_path / "区.json"
    write_dataset(up.dataset, up.catalog, top)
    assert read_dataset(top).schools[0].remarks["student_awards_prov_1"] == text


# -- the report table -----------------------------------------------------------------------------------


def _contest_table(path: Path) -> Any:
    document = docx.Document(str(path))
    (table,) = [
        t for t in document.tables if t.rows[0].cells[0].text == "学校" and "类别" in t.rows[0].cells[1].text
    ]
    return document, table


def _merged(table: Any, row: int, col: int) -> str | None:
    """The cell's vertical merge in the XML: "restart" (a tall cell begins), "continue" or None."""
    tc = table.rows[row]._tr.tc_lst[col]
    return None if tc.tcPr is None or tc.tcPr.vMerge is None else tc.tcPr.vMerge.val


def test_city_report_prints_students_and_teachers_with_remarks_and_totals(tmp_path: Path) -> None:
    out, data = tmp_path / "报告.docx", tmp_path / "数据集.json"
    code = runner.invoke(
        app, ["build", str(EXAMPLE), "-o", str(out), "--dataset", str(data), "--quiet"]
    ).exit_code
    assert code == 0
    schools = json.loads(data.read_text(encoding="utf-8"))["schools"]
    assert [s["remarks"] for s in schools if s["short_name"] == "市体校"] == [
        {"student_awards_prov_1": SPORTS}
    ]
    document, table = _contest_table(out)
    rows = [[c.text for c in r.cells] for r in table.rows]
    assert rows[0] == ["学校", "类别", *["自治区及以上获奖等级"] * 3, *["市级获奖等级"] * 3, "备注"]
    assert rows[1][2:8] == ["一等奖", "二等奖", "三等奖"] * 2
    body = rows[2:]
    assert len(body) == 2 * 7 + 2
    assert [r[1] for r in body] == ["学生", "教师"] * 8
    assert body[0] == ["市一职", "学生", "7", "14", "11", "16", "12", "17", FIRST]
    assert body[1] == ["市一职", "教师", "1", "2", "4", "7", "1", "0", ""]
    assert body[6][0] == "市体校" and body[6][8] == SPORTS and body[6][2:8] == ["0"] * 6
    assert body[10][0] == "五原职高" and body[10][8] == WUYUAN
    assert body[-2][:8] == ["合计", "学生", "12", "24", "32", "38", "42", "66"]
    assert body[-1][:8] == ["合计", "教师", "2", "10", "14", "20", "7", "0"]
    for r in range(2, len(table.rows), 2):  # each school's name over its two rows
        assert (_merged(table, r, 0), _merged(table, r + 1, 0)) == ("restart", "continue")
        assert _merged(table, r, 1) is None and _merged(table, r + 1, 1) is None
    captions = [p.text for p in document.paragraphs if "师生技能大赛获奖情况统计表" in p.text]
    assert (
        captions
        and captions[-1].startswith("表1-")
        and captions[-1].endswith("2024年各职业学校师生技能大赛获奖情况统计表")
    )
    assert "教师教学能力大赛获奖情况统计表" in "".join(p.text for p in document.paragraphs)  # 6.6 keeps 表6-2


def test_partial_city_figures_are_marked_and_remarks_printed_in_the_contest_table(tmp_path: Path) -> None:
    folder = tmp_path / "市"
    good_school(
        folder, "甲.xlsx", info={"学校名称": "甲职业学校", "学校简称": "甲校", "学校标识码": "4115000001"}
    )
    good_school(folder, "乙.xlsx", info={"学校名称": "乙职业学校", "学校简称": "乙校", "学校标识码": "4115000002"},
                values={"teacher_awards_city_2": (1, None)})  # fmt: skip
    with edit(folder / "乙.xlsx") as wb:
        _remark_cell(wb, "student_awards_prov_3").value = "国赛三等奖 1 项"
        _remark_cell(wb, "student_awards_prov_1").value = "世界技能铜奖 1 项"
        _remark_cell(wb, "teacher_awards_prov_2").value = "国赛二等奖 1 项"
    result = build(folder, workers=1)
    spec = next(t for t in load_spec().tables if t.id == "contest_awards")
    (grid,) = indicator_grid(spec, result.dataset, result.catalog, {"甲职业学校": "甲校", "乙职业学校": "乙校"},
                             {"previous": "2023年", "current": "2024年"}, {"members": "各职业学校"})  # fmt: skip
    remarks = [row[-1].text if row[-1] else None for row in grid.body]
    # 乙校 (listed first): its students' two remarks a line each, in column order; its teachers' one
    assert [s.name for s in result.dataset.schools] == ["乙职业学校", "甲职业学校"]
    assert remarks == ["世界技能铜奖 1 项\n国赛三等奖 1 项", "国赛二等奖 1 项", "", "", "", ""]
    teachers_total = grid.body[-1]
    assert teachers_total[1] is not None and teachers_total[1].text == "教师"
    assert teachers_total[6] is not None and teachers_total[6].text.endswith("*")
    assert grid.note.startswith("注：") and "乙校" in grid.note and "教师教学能力大赛市级二等奖" in grid.note


def test_school_report_shows_the_same_table_for_its_one_school(tmp_path: Path) -> None:
    out = tmp_path / "市体校.docx"
    code = runner.invoke(
        app, ["build", str(EXAMPLE / "巴彦淖尔市体育运动学校.xlsx"), "-o", str(out), "--quiet"]
    ).exit_code
    assert code == 0
    _, table = _contest_table(out)
    rows = [[c.text for c in r.cells] for r in table.rows][2:]
    assert rows == [
        ["市体校", "学生", "0", "0", "0", "0", "0", "0", SPORTS],
        ["市体校", "教师", "0", "0", "0", "1", "0", "0", ""],
    ]


# -- the table declaration -------------------------------------------------------------------------------


def _table(**kw: Any) -> dict[str, Any]:
    return {"id": "t", "section": "1.11", "caption": "c", **kw}


@pytest.mark.parametrize(
    ("table", "needle"),
    [
        (_table(kinds=["学生", "教师"], items=[{"ids": ["student_awards_prov_1"]}]), "ids 须有 2 个"),
        (_table(items=[{"ids": ["student_awards_prov_1", "teacher_awards_prov_1"]}]), "只有写了 kinds"),
        (_table(schools="columns", remarks="备注", items=[{"id": "graduates"}]), 'schools = "rows"'),
        (_table(items=[{}]), "须写 id"),
        (_table(items=[{"id": "a", "ids": ["b"]}]), "只写一个"),
    ],
)
def test_table_declaration_is_checked(table: dict[str, Any], needle: str) -> None:
    with pytest.raises(ValidationError, match=needle):
        TableSpec.model_validate(table)


def test_spec_check_names_unknown_ids_in_kinds_and_remarks_without_takers() -> None:
    spec = ReportSpec.model_validate(
        {"table": [
            _table(kinds=["学生", "教师"], remarks="备注",
                   items=[{"ids": ["student_awards_city_1", "teacher_awards_cty_1"]}]),
        ]}
    )  # fmt: skip
    with pytest.raises(ConfigError) as err:
        spec.check(CATALOG, "report.toml")
    assert "teacher_awards_cty_1，是否为 teacher_awards_city_1" in str(err.value)
    assert "没有一个指标收备注" in str(err.value)


def test_shipped_templates_use_row_groups() -> None:
    for path in (ROOT / "templates" / "report.toml", ROOT / "templates" / "school" / "report.toml"):
        spec = load_spec(path)
        spec.check(CATALOG, str(path))
        table = next(t for t in spec.tables if t.id == "contest_awards")
        assert table.kinds == ("学生", "教师") and table.remarks == "备注"
