"""A corpus of malformed workbooks, built in code: one row per way a school breaks its workbook.

Each row takes the good school, breaks one thing with openpyxl and names the finding that must come
out: code, sheet, cell, indicator and severity. Adding a rule adds a row.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import Workbook

from qreport.check.validate import FileResult, validate_files
from qreport.findings import CODES, Finding

import builders as b

Break = Callable[[Workbook], None]

INFO, MAJORS, TEXTS, CASES = "基本信息", "专业设置", "文字材料", "典型案例"


def run(path: Path) -> FileResult:
    (result,) = validate_files([path]).results
    assert result.school is not None, result.findings
    return result


def broken(school: Path, how: Break) -> FileResult:
    with b.edit(school) as wb:
        how(wb)
    return run(school)


def find(
    findings: list[Finding], code: str, sheet: str | None, cell: str | None, indicator: str | None
) -> Finding:
    for f in findings:
        if (f.code, f.sheet, f.cell, f.indicator) == (code, sheet, cell, indicator):
            return f
    listing = "\n".join(f"  {f.code} {f.sheet}!{f.cell} {f.indicator}: {f.message}" for f in findings)
    raise AssertionError(f"no {code} at {sheet}!{cell} ({indicator}); findings:\n{listing}")


def cur(ind: str, value: object) -> Break:
    return lambda wb: b.set_value(wb, ind, "current", value)


def prev(ind: str, value: object) -> Break:
    return lambda wb: b.set_value(wb, ind, "previous", value)


def info(label: str, value: object) -> Break:
    return lambda wb: b.set_info(wb, label, value)


def listed(sheet: str, header: str, value: object, n: int = 1) -> Break:
    return lambda wb: b.set_list(wb, sheet, header, n, value)


def both(*breaks: Break) -> Break:
    def apply(wb: Workbook) -> None:
        for how in breaks:
            how(wb)

    return apply


def duplicate_textbooks(wb: Workbook) -> None:
    ws, row = b.row_of(wb, "textbooks")
    b.copy_row_below(wb, ws.title, row, 60)


def unknown_id(wb: Workbook) -> None:
    wb["教学资源"]["D60"] = "textbooks_digital"
    wb["教学资源"]["F60"] = 3


# (how to break it, code, sheet, cell, indicator, severity)
CORPUS = [
    # -- numbers typed as text: read, with a warning saying what was read
    pytest.param(cur("course_hours", "9,020"), "number_as_text", "教学资源", "F11", "course_hours", "warning", id="grouped-thousands"),
    pytest.param(cur("courses", "１３２"), "number_as_text", "教学资源", "F10", "courses", "warning", id="full-width-digits"),
    pytest.param(cur("graduates", "436人"), "number_as_text", "计分卡", "F4", "graduates", "warning", id="number-with-unit"),
    pytest.param(cur("sat_parents", "97.92%"), "number_as_text", "满意度", "E15", "sat_parents", "warning", id="percent-sign-text"),
    pytest.param(prev("monthly_income", " 3650.5 "), "number_as_text", "计分卡", "E10", "monthly_income", "warning", id="padded-text-previous"),
    # -- text that is not one number
    pytest.param(cur("ip_projects", "12-15"), "ambiguous_number", "服务贡献", "F13", "ip_projects", "error", id="range-12-15"),
    pytest.param(cur("research_funds", "约100"), "ambiguous_number", "服务贡献", "F11", "research_funds", "error", id="about-100"),
    pytest.param(cur("intl_students", "无"), "not_a_number", "国际影响", "F11", "intl_students", "error", id="wu-none"),
    pytest.param(cur("monthly_income", "=3820"), "formula_no_cache", "计分卡", "F10", "monthly_income", "error", id="formula-no-cache"),
    pytest.param(cur("employed_large", "#DIV/0!"), "formula_error", "服务贡献", "F8", "employed_large", "error", id="error-value"),
    # -- value ranges
    pytest.param(cur("employed_primary", -3), "negative", "计分卡", "F12", "employed_primary", "error", id="negative"),
    pytest.param(cur("courses", 132.5), "not_integer", "教学资源", "F10", "courses", "error", id="non-integer-count"),
    pytest.param(cur("sat_parents", 107), "pct_out_of_range", "满意度", "E15", "sat_parents", "error", id="pct-over-100"),
    pytest.param(cur("sat_staff", 0.946), "pct_fraction", "满意度", "E13", "sat_staff", "error", id="pct-as-fraction"),
    pytest.param(cur("special_funds", 9205000), "wan_yuan_large", "落实政策", "F6", "special_funds", "error", id="wan-yuan-in-yuan"),
    # -- consistency
    pytest.param(cur("further_study", 500), "exceeds_parent", "计分卡", "F6", "further_study", "error", id="qizhong-over-parent"),
    pytest.param(prev("fulltime_teachers", 240), "exceeds_parent", "落实政策", "E9", "fulltime_teachers", "error", id="qizhong-over-parent-previous"),
    pytest.param(cur("resource_libs", 7), "parts_mismatch", "教学资源", "F18", "resource_libs", "error", id="sum-of-mismatch"),
    pytest.param(cur("training_hours", 13600), "yoy_jump", "服务贡献", "F19", "training_hours", "warning", id="yoy-x3-up"),
    pytest.param(cur("skill_certificates", 112), "yoy_jump", "落实政策", "F17", "skill_certificates", "warning", id="yoy-x3-down"),
    # -- blanks
    pytest.param(cur("textbooks_coop", None), "blank", "教学资源", "F44", "textbooks_coop", "warning", id="blank-input"),
    pytest.param(cur("fulltime_students", None), "blank_required", "落实政策", "F4", "fulltime_students", "error", id="blank-fulltime_students"),
    pytest.param(cur("fulltime_teachers", None), "blank_required", "落实政策", "F9", "fulltime_teachers", "error", id="blank-fulltime_teachers"),
    pytest.param(cur("staff_total", None), "blank_required", "落实政策", "F8", "staff_total", "error", id="blank-staff_total"),
    pytest.param(cur("graduates", None), "blank_required", "计分卡", "F4", "graduates", "error", id="blank-graduates"),
    pytest.param(cur("graduates", "  "), "blank_required", "计分卡", "F4", "graduates", "error", id="whitespace-is-blank"),
    # -- survey sheet
    pytest.param(lambda wb: b.set_value(wb, "sat_employers", "sample", None), "sample_missing", "满意度", "F14", "sat_employers", "warning", id="rate-without-sample"),
    pytest.param(lambda wb: b.set_value(wb, "sat_employers", "sample", "约80"), "sample_invalid", "满意度", "F14", "sat_employers", "error", id="sample-not-integer"),
    # -- layout
    pytest.param(lambda wb: b.delete_sheet(wb, "国际影响"), "sheet_missing", "国际影响", None, None, "error", id="sheet-deleted"),
    pytest.param(lambda wb: b.rename_sheet(wb, "服务贡献", "服务贡献表"), "sheet_missing", "服务贡献", None, None, "error", id="sheet-renamed"),
    pytest.param(lambda wb: b.delete_sheet(wb, MAJORS), "sheet_missing", MAJORS, None, None, "error", id="majors-sheet-deleted"),
    pytest.param(lambda wb: b.set_header(wb, "落实政策", "指标代码", None), "header_missing", "落实政策", None, None, "error", id="id-header-removed"),
    pytest.param(lambda wb: b.set_header(wb, "计分卡", "2023年", "上年"), "column_missing", "计分卡", None, None, "error", id="year-column-renamed"),
    pytest.param(lambda wb: b.set_header(wb, CASES, "图片", "照片"), "column_missing", CASES, None, None, "error", id="list-column-renamed"),
    pytest.param(lambda wb: b.delete_indicator_row(wb, "patent_transfers"), "indicator_missing", "服务贡献", None, "patent_transfers", "error", id="indicator-row-deleted"),
    pytest.param(duplicate_textbooks, "indicator_duplicate", "教学资源", "D60", "textbooks", "error", id="indicator-row-duplicated"),
    pytest.param(unknown_id, "indicator_unknown", "教学资源", "D60", None, "warning", id="unknown-id"),
    # -- 基本信息
    pytest.param(info("学校名称", None), "info_missing", INFO, "B4", None, "error", id="no-school-name"),
    pytest.param(info("学校简称", "  "), "info_missing", INFO, "B5", None, "error", id="no-short-name"),
    pytest.param(info("填报年度", None), "info_missing", INFO, "B10", None, "error", id="no-year"),
    pytest.param(lambda wb: b.delete_info_label(wb, "学校简称"), "info_missing", INFO, None, None, "error", id="short-name-line-deleted"),
    pytest.param(info("填报年度", 2023), "info_year_mismatch", INFO, "B10", None, "error", id="year-2023"),
    # -- 专业设置
    pytest.param(listed(MAJORS, "专业代码", "61010"), "major_code_format", MAJORS, "A4", None, "error", id="major-code-5-digits"),
    pytest.param(listed(MAJORS, "专业代码", "140800"), "major_code_category", MAJORS, "A4", None, "error", id="major-code-old-catalogue"),
    pytest.param(listed(MAJORS, "专业代码", "810101"), "major_code_category", MAJORS, "A4", None, "error", id="major-code-category"),
    pytest.param(listed(MAJORS, "专业代码", "610105", n=2), "major_duplicate", MAJORS, "A5", None, "error", id="major-duplicate"),
    pytest.param(listed(MAJORS, "专业名称", None), "major_name_missing", MAJORS, "B4", None, "warning", id="major-name-missing"),
    pytest.param(listed(MAJORS, "调整情况", "撤销"), "major_adjust_invalid", MAJORS, "G4", None, "error", id="major-adjust-invalid"),
    pytest.param(cur("majors", 9), "majors_count_mismatch", "教学资源", "F9", "majors", "error", id="majors-count"),
    pytest.param(listed(MAJORS, "本年在校生数", 400), "majors_students_mismatch", "落实政策", "F4", "fulltime_students", "warning", id="majors-students"),
    # -- 文字材料 and 典型案例
    pytest.param(listed(TEXTS, "章节", "8.1"), "section_unknown", TEXTS, "A4", None, "error", id="section-unknown"),
    pytest.param(listed(TEXTS, "内容", None, n=2), "text_empty", TEXTS, "B5", None, "warning", id="text-empty"),
    pytest.param(listed(CASES, "章", 9), "case_chapter_invalid", CASES, "A4", None, "error", id="case-chapter-9"),
    pytest.param(listed(CASES, "章", "第一章"), "case_chapter_invalid", CASES, "A4", None, "error", id="case-chapter-text"),
    pytest.param(listed(CASES, "正文", None), "case_incomplete", CASES, "B4", None, "warning", id="case-without-body"),
    pytest.param(listed(CASES, "图片", "不存在.png"), "case_image_missing", CASES, "D4", None, "warning", id="case-image-missing"),
]  # fmt: skip


# Exact messages for a few rows, and the value read for rows that still yield one (by row id).
MESSAGES = {
    "grouped-thousands": "“9,020”按 9020 读取。请直接填写数字 9020。",
    "about-100": "“约100”无法确定是哪个数字。请只填写一个数字，例如 100。",
    "wu-none": "“无”不是数字。请填写数字；不适用请填“-”。",
    "qizhong-over-parent": "升学人数（500）不能大于毕业去向落实人数（421）。请核对这两项。",
    "sum-of-mismatch": "专业教学资源库数（7）应等于国家级数量、省级数量、校级数量之和（6）。请核对这几项。",
    "blank-fulltime_students": "全日制在校生人数（2024年）未填写。它是计算比率的分母，必须填写数值。",
    "sheet-renamed": "缺少工作表“服务贡献”。请使用 qreport template 生成的模板，不要删除或重命名工作表。",
    "indicator-row-deleted": "找不到指标代码为 patent_transfers（专利转让数量）的行。请从模板中恢复该行，指标代码列不要修改。",
    "major-duplicate": "专业代码 610105 重复出现（另见第 4 行）。每个专业只填一行。",
}
VALUE_READ: dict[str, tuple[str, str, float | None]] = {
    "grouped-thousands": ("course_hours", "current", 9020),
    "full-width-digits": ("courses", "current", 132),
    "number-with-unit": ("graduates", "current", 436),
    "percent-sign-text": ("sat_parents", "current", 97.92),
    "padded-text-previous": ("monthly_income", "previous", 3650.5),
    "range-12-15": ("ip_projects", "current", None),  # never a guess
    "about-100": ("research_funds", "current", None),
    "wu-none": ("intl_students", "current", None),
    "formula-no-cache": ("monthly_income", "current", None),
    "negative": ("employed_primary", "current", -3),
    "pct-as-fraction": ("sat_staff", "current", 0.946),
}


@pytest.mark.parametrize(("how", "code", "sheet", "cell", "indicator", "severity"), CORPUS)
def test_malformed_workbook_gives_the_finding(
    request: pytest.FixtureRequest,
    school: Path,
    how: Break,
    code: str,
    sheet: str,
    cell: str | None,
    indicator: str | None,
    severity: str,
) -> None:
    result = broken(school, how)
    f = find(result.findings, code, sheet, cell, indicator)
    assert f.severity == severity == CODES[code][0]
    assert f.file == str(school)
    assert f.message and not any(ch in f.message for ch in "{}")  # every placeholder filled
    row = request.node.callspec.id
    if row in MESSAGES:
        assert f.message == MESSAGES[row]
    if row in VALUE_READ:
        ind, which, expected = VALUE_READ[row]
        assert result.school is not None
        value = result.school.values[ind].get(which)
        assert value == pytest.approx(expected) if expected is not None else value is None


def test_corpus_covers_enough_ways_to_break_a_workbook() -> None:
    assert len(CORPUS) >= 30
    assert len({p.values[1] for p in CORPUS}) >= 30  # distinct codes


def test_good_school_has_no_finding_at_all(school: Path) -> None:
    result = run(school)
    assert result.findings == []
    s = result.school
    assert s is not None
    assert (s.name, s.short_name, s.year) == ("巴彦淖尔市第一职业中等专业学校", "市一职", "2024")
    for ind in b.CATALOG.typed:
        previous, current = b.VALUES[ind.id]
        assert s.values[ind.id].current == current, ind.id
        if ind.sheet != "满意度":
            assert s.values[ind.id].previous == previous, ind.id
    assert s.samples == b.SAMPLES
    assert [m.code for m in s.majors] == [m["code"] for m in b.MAJORS]
    assert sum(m.students or 0 for m in s.majors) == b.VALUES["fulltime_students"][1]
    assert len([t for t in s.texts if t.content]) == len(b.TEXTS)
    assert [c.title for c in s.cases] == [c["title"] for c in b.CASES]


def test_good_school_with_overrides_is_rebuilt(make_school: Callable[..., Path]) -> None:
    path = make_school(
        "override.xlsx", values={"graduates": (420, 440)}, texts=[("1.2", "双优建设进展顺利。")]
    )
    result = run(path)
    assert result.findings == []
    assert result.school is not None
    assert result.school.values["graduates"].current == 440
    assert [t.section for t in result.school.texts] == ["1.2"]


# -- values read from what the school typed ------------------------------------------------------


@pytest.mark.parametrize("marker", ["-", "/", "－", "／"])
def test_not_applicable_is_no_value_and_not_blank(school: Path, marker: str) -> None:
    result = broken(school, both(cur("intl_students", marker), prev("intl_students", marker)))
    assert result.findings == []
    assert result.school is not None
    assert result.school.values["intl_students"].current is None
    assert "intl_students" in result.school.na["current"]


@pytest.mark.parametrize(("fraction", "fmt", "expected"), [(0.9114, "0.00%", 91.14), (0.97, "0%", 97.0)])
def test_percent_cell_fraction_is_read_in_percent_units_without_finding(
    school: Path, fraction: float, fmt: str, expected: float
) -> None:
    """Excel stores 91.14% as 0.9114; a pct indicator formatted as percent is read in percent units."""
    result = broken(school, lambda wb: b.set_percent(wb, "sat_students", "current", fraction, fmt))
    assert result.findings == []
    assert result.school is not None
    assert result.school.values["sat_students"].current == pytest.approx(expected)


def test_percent_formats_are_those_of_each_workbook_read(school: Path, tmp_path: Path) -> None:
    """Parsed parts are remembered between workbooks by their bytes (one template serves a city): a
    workbook read after one with other styles still reads its percent cells by its own styles."""
    plain = b.good_school(tmp_path / "plain")
    with b.edit(school) as wb:
        b.set_percent(wb, "sat_students", "current", 0.9114)
    typed = b.VALUES["sat_students"][1]
    for path, expected in [(plain, typed), (school, 91.14), (plain, typed), (school, 91.14)]:
        result = run(path)
        assert result.school is not None
        assert result.school.values["sat_students"].current == pytest.approx(expected)


def test_percent_format_on_a_count_is_not_scaled(school: Path) -> None:
    """Only percentage indicators are rescaled; a count shown with a % format keeps its value."""
    result = broken(school, lambda wb: b.set_percent(wb, "courses", "current", 132))
    assert result.findings == []
    assert result.school is not None
    assert result.school.values["courses"].current == 132


# -- layout changes that must be tolerated -------------------------------------------------------


def swap_year_columns(wb: Workbook) -> None:
    ws = wb["教学资源"]
    for row in range(3, ws.max_row + 1):  # from the header row down (rows 1-2 are merged titles)
        e, f = ws.cell(row=row, column=5), ws.cell(row=row, column=6)
        e.value, f.value = f.value, e.value


def move_header_down(wb: Workbook) -> None:
    b.insert_rows(wb, "落实政策", 1, 3)


TOLERATED = [
    pytest.param(lambda wb: b.insert_rows(wb, "计分卡", 4, 2), id="rows-inserted-above"),
    pytest.param(lambda wb: b.insert_rows(wb, "计分卡", 8, 3), id="rows-inserted-between"),
    pytest.param(lambda wb: b.swap_rows(wb, "计分卡", 4, 5), id="rows-moved"),
    pytest.param(lambda wb: b.swap_rows(wb, "满意度", 4, 15), id="survey-rows-moved"),
    pytest.param(lambda wb: b.hide_rows(wb, "计分卡", range(4, 12)), id="rows-hidden"),
    pytest.param(lambda wb: b.merge(wb, "计分卡", "G4:G8"), id="merged-note-cells"),
    pytest.param(lambda wb: b.merge(wb, "教学资源", "A60:F62"), id="merged-block-below"),
    pytest.param(lambda wb: b.add_sheet(wb, "备注", [["说明", "本表为学校自用"], ["指标代码", "graduates"]]), id="extra-sheet"),
    pytest.param(lambda wb: b.add_column(wb, "计分卡", "审核意见", {4: "已核", 5: "待核"}), id="extra-column"),
    pytest.param(swap_year_columns, id="year-columns-swapped"),
    pytest.param(lambda wb: wb["计分卡"].insert_cols(1, 2), id="columns-inserted-left"),
    pytest.param(lambda wb: setattr(wb["满意度"], "sheet_state", "hidden"), id="sheet-hidden"),
    pytest.param(lambda wb: wb.move_sheet("落实政策", offset=-4), id="sheets-reordered"),
    pytest.param(move_header_down, id="header-moved-down"),
    pytest.param(lambda wb: b.delete_sheet(wb, "填报说明"), id="guide-sheet-deleted"),
    pytest.param(info("填报年度", "2024年"), id="year-with-suffix"),
    pytest.param(listed(MAJORS, "专业代码", 610105), id="major-code-as-number"),
    pytest.param(listed(TEXTS, "章节", "１.３"), id="section-full-width"),
]  # fmt: skip


@pytest.mark.parametrize("how", TOLERATED)
def test_layout_change_is_tolerated_and_values_read_right(school: Path, how: Break) -> None:
    result = broken(school, how)
    assert result.findings == []
    s = result.school
    assert s is not None
    for ind_id in (
        "graduates",
        "graduates_placed",
        "courses",
        "sat_students",
        "sat_parents",
        "fulltime_students",
    ):
        previous, current = b.VALUES[ind_id]
        assert s.values[ind_id].current == current, ind_id
        if previous is not None:
            assert s.values[ind_id].previous == previous, ind_id


def test_findings_point_at_moved_rows(school: Path) -> None:
    """After rows are inserted, a finding names the cell where the value now is."""
    result = broken(school, both(lambda wb: b.insert_rows(wb, "计分卡", 4, 2), cur("graduates", "436人")))
    find(result.findings, "number_as_text", "计分卡", "F6", "graduates")


def test_edit_helper_is_faithful(school: Path, tmp_path: Path) -> None:
    """`builders.edit` reuses a memoized workbook; saving it must equal a fresh openpyxl round trip."""
    import shutil
    import zipfile

    from openpyxl import load_workbook

    fresh = tmp_path / "fresh.xlsx"
    shutil.copyfile(school, fresh)
    load_workbook(fresh).save(fresh)
    for _ in range(2):  # the second edit comes from the memo
        with b.edit(school) as wb:
            b.set_value(wb, "graduates", "current", b.VALUES["graduates"][1])
    with zipfile.ZipFile(fresh) as za, zipfile.ZipFile(school) as zb:
        assert za.namelist() == zb.namelist()
        for name in za.namelist():
            if name != "docProps/core.xml":  # holds the save time
                assert za.read(name) == zb.read(name), name


# -- text as Excel and WPS save it: a shared-string table ---------------------------------------


@pytest.mark.parametrize(
    "style",
    [{}, {"rich": True}, {"phonetic": True}, {"rich": True, "phonetic": True}],
    ids=["plain", "rich-runs", "phonetic", "rich-phonetic"],
)
def test_shared_strings_read_like_inline_strings(school: Path, style: dict[str, bool]) -> None:
    with b.edit(school) as wb:
        b.set_value(wb, "graduates", "current", "436人")
        b.set_list(wb, MAJORS, "专业代码", 2, "610301")  # a code as text, as the template formats it
    b.to_shared_strings(school, **style)
    with zipfile.ZipFile(school) as zf:
        assert b"<si>" in zf.read("xl/sharedStrings.xml")
        assert not any(b"inlineStr" in zf.read(n) for n in zf.namelist() if n.startswith("xl/worksheets/"))
    result = run(school)
    assert [(f.code, f.sheet, f.cell) for f in result.findings] == [("number_as_text", "计分卡", "F4")]
    s = result.school
    assert s is not None
    assert (s.name, s.short_name) == ("巴彦淖尔市第一职业中等专业学校", "市一职")
    assert s.values["graduates"].current == 436
    assert [m.name for m in s.majors] == [m["name"] for m in b.MAJORS]
    assert s.texts[0].content == b.TEXTS[0][1]
