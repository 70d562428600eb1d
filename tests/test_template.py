"""The blank school workbook: layout from the catalog, guard rails, formulas, pre-filling."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.utils import range_boundaries
from openpyxl.worksheet.worksheet import Worksheet

from qreport.atomic import write_atomic, write_text_atomic
from qreport.catalog import formula
from qreport.catalog.indicators import load_catalog
from qreport.catalog.outline import load_outline
from qreport.compile.dataset import parse_dataset
from qreport.errors import InputError
from qreport.workbook import layout
from qreport.workbook.fill import fill_workbook
from qreport.workbook.template import INPUT_FILL, LISTS_SHEET, number_rule, write_template

CATALOG = load_catalog(2024)
PREV, CUR = CATALOG.column_names()
SOFFICE = shutil.which("soffice")
needs_soffice = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
PROTECTED = (layout.GUIDE_SHEET, layout.INFO_SHEET, *CATALOG.sheets)


# -- helpers ------------------------------------------------------------------------------------


def header(ws: Worksheet) -> tuple[int, dict[str, int]]:
    """Header row and {text: column} of a sheet, found by its 指标代码 cell."""
    for row in ws.iter_rows(max_row=20):
        texts = {c.value: c.column for c in row if isinstance(c.value, str)}
        if layout.ID_HEADER in texts:
            return row[0].row, texts
    raise AssertionError(f"no {layout.ID_HEADER} header in {ws.title}")


def id_rows(ws: Worksheet) -> dict[str, list[int]]:
    head, cols = header(ws)
    rows: dict[str, list[int]] = {}
    for (value,) in ws.iter_rows(
        min_row=head + 1, min_col=cols[layout.ID_HEADER], max_col=cols[layout.ID_HEADER]
    ):
        if value.value:
            rows.setdefault(value.value, []).append(value.row)
    return rows


def cell_of(wb: Workbook, ind_id: str, column: str, qualified: bool = False) -> str:
    ws = wb[CATALOG[ind_id].sheet]
    _, cols = header(ws)
    (row,) = id_rows(ws)[ind_id]
    ref = f"{ws.cell(row=row, column=cols[column]).coordinate}"
    return f"'{ws.title}'!{ref}" if qualified else ref


def validations_of(ws: Worksheet, coordinate: str) -> list:
    return [dv for dv in ws.data_validations.dataValidation if coordinate in dv.sqref]


def soffice_convert(src: Path, fmt: str, outdir: Path) -> Path:
    """Convert with LibreOffice in its own profile, so parallel runs do not share an instance."""
    profile = outdir / "lo-profile"
    result = subprocess.run(
        [str(SOFFICE), f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", fmt,
         "--outdir", str(outdir), str(src)],
        capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    out = outdir / f"{src.stem}.{fmt.split(':')[0]}"
    assert result.returncode == 0 and out.exists(), f"soffice failed: {result.stdout}\n{result.stderr}"
    return out


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "学校填报表.xlsx"
    write_template(path, CATALOG)
    return path


@pytest.fixture(scope="module")
def wb(template: Path) -> Workbook:
    return load_workbook(template)


# -- layout -------------------------------------------------------------------------------------


def test_sheets_in_order_and_only_the_helper_hidden(wb: Workbook) -> None:
    expected = [layout.GUIDE_SHEET, layout.INFO_SHEET, *CATALOG.sheets, *layout.LIST_SHEETS]
    assert wb.sheetnames == [*expected, LISTS_SHEET]
    assert [ws.title for ws in wb.worksheets if ws.sheet_state != "visible"] == [LISTS_SHEET]
    assert wb.active.title == layout.GUIDE_SHEET


def test_every_typed_indicator_has_exactly_one_row_in_its_sheet(wb: Workbook) -> None:
    seen: dict[str, list[str]] = {}
    for sheet in CATALOG.sheets:
        for ind_id, rows in id_rows(wb[sheet]).items():
            seen.setdefault(ind_id, []).extend([sheet] * len(rows))
    for ind in CATALOG.typed:
        assert seen.get(ind.id) == [ind.sheet], ind.id
    assert set(seen) == set(CATALOG.by_id)  # derived ones shown too, nothing else


@pytest.mark.parametrize("table", CATALOG.table, ids=lambda t: t.sheet)
def test_indicator_sheet_headers_and_rows_in_catalog_order(wb: Workbook, table) -> None:
    ws = wb[table.sheet]
    head, cols = header(ws)
    texts = [c.value for c in ws[head] if c.value]
    years = [CUR, layout.SAMPLE_HEADER] if table.sample else [PREV, CUR]
    remarks = [table.remarks.header] if table.remarks else []
    assert texts == ["序号", "指标", "单位", layout.ID_HEADER, *years, *remarks, layout.NOTE_HEADER]
    assert list(id_rows(ws)) == [i.id for i in table.indicators]
    for ind in table.indicators:
        (row,) = id_rows(ws)[ind.id]
        assert ws.cell(row=row, column=cols["指标"]).value == ind.label
        assert (ws.cell(row=row, column=cols["单位"]).value or "") == ind.unit
    assert ws.freeze_panes == f"E{head + 1}"
    assert ws["A1"].value.endswith(table.title)


def test_appendix_titles_are_numbered(wb: Workbook) -> None:
    assert wb["计分卡"]["A1"].value == "表1 人才培养质量计分卡"
    assert wb["落实政策"]["A1"].value == "表6 落实政策表"


def test_row_notes_explain_the_checks(wb: Workbook) -> None:
    def note(ind_id: str) -> str:
        ws = wb[CATALOG[ind_id].sheet]
        _, cols = header(ws)
        return ws.cell(row=id_rows(ws)[ind_id][0], column=cols[layout.NOTE_HEADER]).value

    assert "不得大于“毕业去向落实人数”" in note("further_study")
    assert "之和" in note("resource_libs") and "“国家级数量”" in note("resource_libs")
    assert "必填" in note("graduates")
    assert "计算用" in note("placed_in_province")
    assert "自动计算" in note("placed_in_province_rate")
    assert "万元" in note("special_funds")


def test_info_sheet_labels_in_column_a_and_year_prefilled(wb: Workbook) -> None:
    ws = wb[layout.INFO_SHEET]
    labels = {c.value: c.row for (c,) in ws.iter_rows(min_col=1, max_col=1) if c.value in layout.INFO_LABELS}
    assert list(labels) == list(layout.INFO_LABELS)
    assert ws.cell(row=labels["填报年度"], column=2).value == CATALOG.year
    assert ws.cell(row=labels["学校名称"], column=2).value is None
    assert all(not ws.cell(row=r, column=2).protection.locked for r in labels.values())


def test_guide_explains_how_to_fill(wb: Workbook) -> None:
    text = "\n".join(str(c.value) for row in wb[layout.GUIDE_SHEET].iter_rows() for c in row if c.value)
    for needle in (
        "浅黄色",
        "“-”或“/”",
        "97.2 表示 97.2%",
        "万元",
        "指标代码",
        "qreport validate",
        "职成教科",
        "灰色",
    ):
        assert needle in text


# -- formulas -----------------------------------------------------------------------------------


def test_rate_formula_refers_to_its_operands(wb: Workbook) -> None:
    ws = wb["计分卡"]
    for column in (PREV, CUR):
        f = ws[cell_of(wb, "placed_in_province_rate", column)].value
        num, den = cell_of(wb, "placed_in_province", column), cell_of(wb, "graduates_placed", column)
        assert f.startswith("=")
        assert f"{num}/{den}*100" in f.replace(" ", "")


@pytest.mark.parametrize("ind", CATALOG.derived, ids=lambda i: i.id)
def test_derived_cells_hold_locked_formulas_over_the_right_cells(wb: Workbook, ind) -> None:
    ws = wb[ind.sheet]
    for column in (PREV, CUR):
        cell = ws[cell_of(wb, ind.id, column)]
        assert isinstance(cell.value, str) and cell.value.startswith("=")
        assert cell.protection.locked
        refs = set(re.findall(r"(?:'[^']+'!)?\$?[A-Z]{1,2}\$?\d+", cell.value))
        expected = {
            cell_of(wb, op, column, qualified=CATALOG[op].sheet != ind.sheet)
            for op in formula.operands(ind.formula)
        }
        assert refs == expected


def test_cross_sheet_reference(wb: Workbook) -> None:
    f = wb["教学资源"][cell_of(wb, "student_teacher_ratio", CUR)].value
    assert cell_of(wb, "fulltime_students", CUR, qualified=True) in f
    assert "'落实政策'!" in f


# -- guard rails --------------------------------------------------------------------------------


def test_indicator_input_cells_carry_number_validation(wb: Workbook) -> None:
    for ind in CATALOG.typed:
        ws = wb[ind.sheet]
        columns = [CUR] if ws.title == "满意度" else [PREV, CUR]
        for column in columns:
            coord = cell_of(wb, ind.id, column)
            (dv,) = validations_of(ws, coord)
            assert dv.type == "custom" and dv.showErrorMessage and dv.allow_blank
            assert '="-"' in dv.formula1 and '="/"' in dv.formula1 and "ISNUMBER" in dv.formula1
            assert ("<=100" in dv.formula1) == (ind.kind == "pct")
            assert ("INT(" in dv.formula1) == (ind.kind == "int")
            assert re.search(r"[\u4e00-\u9fff]", dv.error) and re.search(r"[\u4e00-\u9fff]", dv.prompt)
            first = re.match(r"IF\(OR\(([A-Z]+\d+)=", dv.formula1).group(1)
            assert str(dv.sqref).split(":")[0] == first  # formula relative to its range's first cell


def test_sample_column_is_validated_whole_numbers(wb: Workbook) -> None:
    ws = wb["满意度"]
    _, cols = header(ws)
    row = id_rows(ws)["sat_students"][0]
    coord = ws.cell(row=row, column=cols[layout.SAMPLE_HEADER]).coordinate
    (dv,) = validations_of(ws, coord)
    assert "INT(" in dv.formula1
    assert not ws[coord].protection.locked


@pytest.mark.parametrize("sheet", PROTECTED)
def test_only_input_cells_are_unlocked_and_they_are_marked(wb: Workbook, sheet: str) -> None:
    ws = wb[sheet]
    assert ws.protection.sheet and not ws.protection.password
    unlocked = 0
    for row in ws.iter_rows():
        for cell in row:
            is_input = cell.fill.fgColor.rgb == INPUT_FILL.fgColor.rgb and cell.fill.fill_type == "solid"
            assert cell.protection.locked != is_input, cell.coordinate
            unlocked += not cell.protection.locked
    if sheet != layout.GUIDE_SHEET:
        assert unlocked > 0


def test_typed_cells_unlocked_derived_locked(wb: Workbook) -> None:
    for ind in CATALOG.indicators:
        cell = wb[ind.sheet][cell_of(wb, ind.id, CUR)]
        assert cell.protection.locked != ind.typed, ind.id


def test_print_setup_and_fonts(wb: Workbook) -> None:
    ws = wb["计分卡"]
    assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    assert ws.print_title_rows
    fonts = {c.font.name for row in ws.iter_rows() for c in row if c.value is not None}
    assert fonts == {"宋体"}


# -- list sheets --------------------------------------------------------------------------------


def list_header(ws: Worksheet, first: str) -> int:
    for row in ws.iter_rows(max_row=20):
        if row[0].value == first:
            return row[0].row
    raise AssertionError(first)


def test_majors_sheet(wb: Workbook) -> None:
    ws = wb[layout.MAJORS_SHEET]
    head = list_header(ws, "专业代码")
    assert tuple(c.value for c in ws[head] if c.value) == layout.MAJORS_HEADERS
    assert ws.cell(row=head + 1, column=1).number_format == "@"
    assert ws.cell(row=head + 59, column=1).fill.fgColor.rgb == INPUT_FILL.fgColor.rgb
    adjust_col = layout.MAJORS_HEADERS.index("调整情况") + 1
    coord = ws.cell(row=head + 1, column=adjust_col).coordinate
    (dv,) = validations_of(ws, coord)
    assert dv.type == "list" and dv.formula1 == '"' + ",".join(layout.ADJUST_CHOICES) + '"'


def test_texts_sheet_sections_dropdown_from_outline(wb: Workbook) -> None:
    ws = wb[layout.TEXT_SHEET]
    head = list_header(ws, "章节")
    assert tuple(c.value for c in ws[head] if c.value) == layout.TEXT_HEADERS
    assert ws.cell(row=head + 1, column=1).number_format == "@"  # so 1.10 is not read as 1.1
    (dv,) = validations_of(ws, f"A{head + 1}")
    assert dv.type == "list"
    name = wb.defined_names[dv.formula1]
    ((sheet, ref),) = name.destinations
    min_col, min_row, _, max_row = range_boundaries(ref.replace("$", ""))
    listed = [wb[sheet].cell(row=r, column=min_col).value for r in range(min_row, max_row + 1)]
    assert listed == list(load_outline().numbers)
    assert all(isinstance(v, str) for v in listed)


def test_cases_sheet(wb: Workbook) -> None:
    ws = wb[layout.CASES_SHEET]
    head = list_header(ws, "章")
    assert tuple(c.value for c in ws[head] if c.value) == layout.CASES_HEADERS
    (dv,) = validations_of(ws, f"A{head + 1}")
    assert dv.formula1 == '"1,2,3,4,5,6,7"'
    assert sum(1 for (c,) in ws.iter_rows(min_row=head + 1, max_col=1) if not c.protection.locked) >= 20


# -- pre-filling --------------------------------------------------------------------------------


def dataset(year: int = 2023) -> dict:
    def school(name: str, short: str, graduates: float | None) -> dict:
        return {
            "name": name,
            "short_name": short,
            "file": f"{short}.xlsx",
            "values": {
                "graduates": {"previous": 300, "current": graduates},
                "monthly_income": {"previous": 3000.5, "current": 3100.25},
                "placed_in_province_rate": {"previous": 50.0, "current": 60.0},
                "sat_students": {"previous": 90.0, "current": 95.5},
                "fulltime_students": {"previous": 1000, "current": None},
            },
        }

    return {
        "year": year,
        "city": {},
        "schools": [school("甲职业学校", "甲校", 320.0), school("乙职业学校", "乙校", 150)],
    }


def test_school_name_prefilled(tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    write_template(path, CATALOG, school="巴彦淖尔市某职业学校")
    ws = load_workbook(path)[layout.INFO_SHEET]
    assert ws["B4"].value == "巴彦淖尔市某职业学校" and ws["A4"].value == "学校名称"


def test_previous_column_prefilled_from_dataset(tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    write_template(path, CATALOG, school="乙职业学校", previous=parse_dataset(dataset()))
    wb = load_workbook(path)
    assert wb["计分卡"][cell_of(wb, "graduates", PREV)].value == 150
    assert wb["计分卡"][cell_of(wb, "monthly_income", PREV)].value == 3100.25
    assert wb["计分卡"][cell_of(wb, "graduates", CUR)].value is None  # this year is the school's to type
    assert wb["落实政策"][cell_of(wb, "fulltime_students", PREV)].value is None  # null stays blank
    assert wb["计分卡"][cell_of(wb, "placed_in_province_rate", PREV)].value.startswith(
        "="
    )  # never overwritten
    info = wb[layout.INFO_SHEET]
    assert (info["B4"].value, info["B5"].value) == ("乙职业学校", "乙校")


def test_previous_with_a_single_school_needs_no_name(tmp_path: Path) -> None:
    data = dataset()
    data["schools"] = data["schools"][:1]
    path = tmp_path / "t.xlsx"
    write_template(path, CATALOG, previous=parse_dataset(data))
    wb = load_workbook(path)
    assert wb["计分卡"][cell_of(wb, "graduates", PREV)].value == 320
    assert wb[layout.INFO_SHEET]["B4"].value == "甲职业学校"


@pytest.mark.parametrize(
    ("data", "school", "needle"),
    [
        (dataset(2024), "甲职业学校", "2024 年"),
        (dataset(2022), "甲职业学校", "需要 2023 年"),
        (dataset(), "丙职业学校", "甲职业学校、乙职业学校"),
        (dataset(), None, "--school"),
        ({"year": 2023}, "甲职业学校", "格式"),
    ],
)
def test_unusable_previous_dataset_is_refused(
    tmp_path: Path, data: dict, school: str | None, needle: str
) -> None:
    path = tmp_path / "t.xlsx"
    with pytest.raises(InputError) as err:
        write_template(path, CATALOG, school=school, previous=parse_dataset(data))
    assert needle in err.value.message
    assert not path.exists() and list(tmp_path.iterdir()) == []


# -- written whole or not at all ----------------------------------------------------------------


def test_failed_write_keeps_the_old_file_and_leaves_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "out.xlsx"
    write_text_atomic(target, "old")

    def broken(tmp: Path) -> None:
        assert tmp.parent.parent == tmp_path and tmp.suffix == ".xlsx"
        assert tmp.parent.name.startswith(".qreport-tmp-")  # one hidden folder, removed whatever happens
        tmp.write_text("half")
        raise OSError("disk full")

    with pytest.raises(OSError):
        write_atomic(target, broken)
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.xlsx"]


def test_new_file_gets_ordinary_permissions(tmp_path: Path) -> None:
    target = tmp_path / "t.xlsx"
    write_template(target, CATALOG)
    mask = os.umask(0)
    os.umask(mask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~mask


# -- LibreOffice --------------------------------------------------------------------------------


@needs_soffice
def test_template_converts_to_pdf_cleanly(template: Path, tmp_path: Path) -> None:
    pdf = soffice_convert(template, "pdf", tmp_path)
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 10_000


@needs_soffice
def test_libreoffice_recalculates_the_derived_rates_like_python(tmp_path: Path) -> None:
    path = tmp_path / "school.xlsx"
    write_template(path, CATALOG)
    inputs = {
        "graduates": (400, 420),
        "graduates_placed": (380, 411),
        "placed_in_province": (300, 317),
        "employed_primary": (10, "-"),
        "employed_secondary": (100, 120),
        "employed_tertiary": (150, 160),
        "fulltime_students": (2000, 2150),
        "fulltime_teachers": (110, 123),
        "equipment_value": (15000000, 16500000.5),
    }
    fill_workbook(path, values=inputs)
    out_dir = tmp_path / "lo"
    recalculated = load_workbook(soffice_convert(path, "xlsx", out_dir), data_only=True)
    wb = load_workbook(path)
    for which, column in (("previous", PREV), ("current", CUR)):
        numbers = {k: v[0 if which == "previous" else 1] for k, v in inputs.items()}
        numbers = {k: v for k, v in numbers.items() if isinstance(v, int | float)}
        for ind_id in (
            "placed_in_province_rate",
            "student_teacher_ratio",
            "equipment_value_per_student",
            "employed_total",
        ):
            ind = CATALOG[ind_id]
            expected = formula.evaluate(ind.formula, numbers)
            got = recalculated[ind.sheet][cell_of(wb, ind_id, column)].value
            if expected is None:
                assert got in (None, ""), (ind_id, which, got)
            else:
                assert got == pytest.approx(expected, rel=1e-12), (ind_id, which)
    # an operand left blank gives a blank rate, not 0
    assert recalculated["计分卡"][cell_of(wb, "self_employment_rate", CUR)].value in (None, "")


@needs_soffice
def test_validation_rule_accepts_numbers_and_not_applicable_marks_in_libreoffice(tmp_path: Path) -> None:
    cases = [
        ("int", 5, True), ("int", 0, True), ("int", 2.5, False), ("int", -1, False), ("int", "-", True),
        ("int", "/", True), ("int", "－", True), ("int", "abc", False), ("int", "12人", False),
        ("dec", 2.5, True), ("dec", -0.1, False), ("dec", "/", True),
        ("pct", 97.2, True), ("pct", 100, True), ("pct", 100.5, False), ("pct", 0.5, True), ("pct", "-", True),
    ]  # fmt: skip
    wb = Workbook()
    ws = wb.active
    for row, (kind, value, _) in enumerate(cases, 1):
        ws.cell(row=row, column=1, value=value)
        ws.cell(row=row, column=2, value="=" + number_rule(kind, f"A{row}"))
    src = tmp_path / "rules.xlsx"
    wb.save(src)
    got = load_workbook(soffice_convert(src, "xlsx", tmp_path / "lo"), data_only=True).active
    results = [
        (kind, value, bool(got.cell(row=r, column=2).value)) for r, (kind, value, _) in enumerate(cases, 1)
    ]
    assert results == [(kind, value, ok) for kind, value, ok in cases]


def test_texts_with_pictures_are_read_and_a_sheet_without_those_columns_still_is(tmp_path: Path) -> None:
    from openpyxl.drawing.image import Image as XlImage

    from qreport.workbook.reader import read_school

    from builders import good_school
    from report_fixtures import png

    path = good_school(tmp_path, texts=[
        {"section": "1.1", "content": "正文", "image": "图.png", "caption": "图题"},
        {"section": "1.2", "caption": "粘贴的图"},
    ])  # fmt: skip
    wb = load_workbook(path)
    ws = wb[layout.TEXT_SHEET]
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 4).value == "粘贴的图")
    ws.add_image(XlImage(str(png(tmp_path / "p.png"))), f"C{row}")
    wb.save(path)
    school = read_school(path, CATALOG)
    first, pasted = school.texts
    assert (first.image, first.caption, pasted.image, pasted.caption) == ("图.png", "图题", None, "粘贴的图")
    assert pasted.row in school.pictures[layout.TEXT_SHEET]

    ws = wb[layout.TEXT_SHEET]  # last year's two-column sheet
    ws.delete_cols(3, 2)
    wb.save(path)
    school = read_school(path, CATALOG)
    assert [t.content for t in school.texts] == ["正文", ""]
    assert not [f for f in school.findings if f.sheet == layout.TEXT_SHEET]
