"""The scenarios of issue 11, end to end on copies of the example city (examples/bayannur): each
ends in a finding or a marked figure, and every printed figure is the exact value rounded half up."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from openpyxl.workbook import Workbook

from qreport.catalog.config import find_config
from qreport.catalog.indicators import load_catalog
from qreport.compile.build import BuildResult, build
from qreport.compile.dataset import to_json
from qreport.report import write_report
from qreport.report.dump import dump_docx

from builders import append_list_row, edit, set_value

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "bayannur"
ARTS = "巴彦淖尔市艺术学校.xlsx"  # 市艺校
VOCATIONAL = "巴彦淖尔职业技术学校.xlsx"  # 市职校
SPORTS = "巴彦淖尔市体育运动学校.xlsx"  # 市体校
WUYUAN = "五原县高级职业中学.xlsx"  # 五原职高

CATALOG = load_catalog(2024)
Edit = Callable[[Workbook], None]


def city(tmp_path: Path, edits: dict[str, Edit], only: list[str] | None = None, *, config_lines: str = "",
         extra: dict[str, str] | None = None) -> tuple[BuildResult, str]:  # fmt: skip
    """A copy of the example city with some workbooks changed, built, its report dumped as text."""
    folder = tmp_path / "city"
    shutil.copytree(EXAMPLE, folder)
    for name, content in (extra or {}).items():
        (folder / name).write_text(content, encoding="utf-8")
    if config_lines:
        toml = folder / "qreport.toml"
        toml.write_text(config_lines + toml.read_text(encoding="utf-8"), encoding="utf-8")
    if only is not None:
        for book in folder.glob("*.xlsx"):
            if book.name not in only:
                book.unlink()
        (folder / "qreport.toml").write_text(
            (folder / "qreport.toml").read_text(encoding="utf-8").split("[[schools]]")[0], encoding="utf-8"
        )
    for name, change in edits.items():
        with edit(folder / name) as wb:
            change(wb)
    result = build(folder, workers=1)
    out = tmp_path / "r.docx"
    write_report(result.dataset, find_config(folder, None), result.catalog, out, outline=result.outline)
    return result, dump_docx(out)


def values(*changes: tuple[str, str, Any]) -> Edit:
    def change(wb: Workbook) -> None:
        for ind, which, value in changes:
            set_value(wb, ind, which, value)

    return change


def row(text: str, caption: str, label: str) -> str:
    """The first table row starting with `label` after the caption `caption`."""
    start = text.index(
        caption, text.index("[附表题]") if caption.startswith("表") and "-" not in caption else 0
    )
    for line in text[start:].splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if len(cells) > 2 and label in cells[:3]:
            return line
    raise AssertionError(f"no row {label} under {caption}")


def note_after(text: str, caption: str) -> str:
    start = text.index(caption, text.index("[附表题]"))
    tail = text[start:]
    end = tail.index("</table>")
    after = tail[end:].splitlines()[1]
    return after


def codes(result: BuildResult, code: str) -> list[Any]:
    return [f for f in result.findings if f.code == code]


# -- 2. a `-` on one side of a rate ------------------------------------------------------------------


def test_dash_on_one_side_of_a_rate_gives_the_like_for_like_rate_marked(tmp_path: Path) -> None:
    result, text = city(tmp_path, {VOCATIONAL: values(("major_teachers", "current", "-"))})
    line = row(text, "表3 教学资源表", "“双师型”教师比例")
    data = to_json(result.dataset, result.catalog)
    rate = data["city"]["dual_teacher_rate"]["current"]
    parts = data["provenance"]["dual_teacher_rate"]["current"]["parts"]
    assert rate == parts["dual_teachers"] / parts["major_teachers"] * 100
    assert line.rstrip(" |").endswith("*")
    assert data["provenance"]["dual_teacher_rate"]["current"]["missing"] == ["巴彦淖尔职业技术学校"]
    note = note_after(text, "表3 教学资源表")
    assert note.startswith("[表头说明] 注：") and "市职校" in note and "“双师型”教师比例" in note
    warned = codes(result, "partial_city_value")
    assert any("市职校" in f.message or "巴彦淖尔职业技术学校" in f.message for f in warned)


def test_dash_on_one_side_of_the_placement_rate_warns_naming_both_cells(tmp_path: Path) -> None:
    result, text = city(tmp_path, {WUYUAN: values(("placed_in_province", "current", "-"))})
    warned = [f for f in codes(result, "rate_one_sided") if f.file == WUYUAN]
    assert [(f.indicator, f.cell) for f in warned] == [("placed_in_province", "F8")]
    assert "毕业去向落实人数（F5）" in warned[0].message
    assert row(text, "表1 人才培养质量计分卡", "毕业生本省去向落实率").rstrip(" |").endswith("*")


# -- 3. `-` for a denominator every school has ---------------------------------------------------------


def test_dash_for_students_is_an_error_and_the_ratio_stays_like_for_like(tmp_path: Path) -> None:
    result, text = city(tmp_path, {SPORTS: values(("fulltime_students", "current", "-"))})
    errors = [f for f in codes(result, "na_always") if f.file == SPORTS]
    assert [(f.indicator, f.severity) for f in errors] == [("fulltime_students", "error")]
    data = to_json(result.dataset, result.catalog)
    parts = data["provenance"]["student_teacher_ratio"]["current"]["parts"]
    assert (
        data["city"]["student_teacher_ratio"]["current"]
        == parts["fulltime_students"] / parts["fulltime_teachers"]
    )
    assert row(text, "表3 教学资源表", "生师比").rstrip(" |").endswith("*")


# -- 4. an empty previous-year column -----------------------------------------------------------------


def blank_previous(wb: Workbook) -> None:
    """The school leaves its whole previous-year column blank."""
    for ind in CATALOG.typed:
        if not CATALOG.get_table(ind.table).sample:
            set_value(wb, ind.id, "previous", None)


def test_blank_previous_column_warns_once_per_sheet_and_marks_the_previous_year(tmp_path: Path) -> None:
    result, text = city(tmp_path, {ARTS: blank_previous})
    warned = [f for f in codes(result, "previous_blank") if f.file == ARTS]
    assert len(warned) == len({f.sheet for f in warned}) >= 5  # one per sheet, not one per cell
    line = row(text, "表6 落实政策表", "教职工总数")
    cells = [c.strip() for c in line.strip("|").split("|")]
    assert cells[-2].endswith("*") and not cells[-1].endswith("*")  # 2023 marked, 2024 complete
    assert "市艺校" in note_after(text, "表6 落实政策表")
    groups = [f for f in codes(result, "partial_city_value") if "2023年" in f.message]
    assert len(groups) == 1 and "巴彦淖尔市艺术学校" in groups[0].message


# -- 5. a missing weight ------------------------------------------------------------------------------


def test_missing_weight_warns_and_the_mean_covers_the_others_marked(tmp_path: Path) -> None:
    result, text = city(tmp_path, {ARTS: values(("employed_tertiary", "current", "-"))})
    warned = [f for f in codes(result, "weight_missing") if f.file == ARTS]
    assert [f.indicator for f in warned] == ["monthly_income"]
    assert result.dataset.value("monthly_income") is not None
    assert row(text, "表1 人才培养质量计分卡", "月收入").rstrip(" |").endswith("*")


# -- 6. a percent typed as a fraction -----------------------------------------------------------------


def test_percent_typed_as_a_fraction_is_an_error_suggesting_the_percent(tmp_path: Path) -> None:
    result, _text = city(tmp_path, {VOCATIONAL: values(("sat_students", "current", 0.972))})
    errors = [f for f in codes(result, "pct_fraction") if f.file == VOCATIONAL]
    assert errors and errors[0].severity == "error" and "是否应填 97.2？" in errors[0].message
    assert result.has_errors


# -- 7. prose with gaps ------------------------------------------------------------------------------

GAPS = ("-%", "-人", "-本", "-元", "-个", "-门", "-项", "-学时", "-万元", "个百分点", "为-", "-，", "-。")


def gapped_dataset(tmp_path: Path, keep: Callable[[int], bool]) -> Any:
    """The report fixtures' city with only the indicators `keep(k)` selects, re-aggregated."""
    from qreport.compile.aggregate import aggregate, derive, units_of
    from qreport.model import YearValue

    from report_fixtures import make_dataset

    dataset = make_dataset(tmp_path)
    kept = {ind.id for k, ind in enumerate(CATALOG.typed) if keep(k)}
    values = {}
    for s in dataset.schools:
        typed = {
            i.id: (s.values[i.id] if i.id in kept and i.id in s.values else YearValue())
            for i in CATALOG.typed
        }
        values[s.name] = derive(typed, CATALOG)
        s.majors = [] if "majors" not in kept else s.majors
    dataset.school_values = values
    dataset.city, dataset.provenance = aggregate(units_of(dataset.schools, values), CATALOG)
    return dataset


@pytest.mark.parametrize(
    "keep", [lambda k: False, lambda k: k % 2 == 0, lambda k: k % 2 == 1], ids=["none", "even", "odd"]
)
def test_default_narrative_reads_well_with_values_missing(
    tmp_path: Path, keep: Callable[[int], bool]
) -> None:
    from report_fixtures import make_config

    dataset = gapped_dataset(tmp_path, keep)
    out = tmp_path / "r.docx"
    write_report(dataset, make_config(tmp_path), CATALOG, out)
    body = [line for line in dump_docx(out).splitlines() if line.startswith("[Normal]")]
    assert body
    for line in body:
        assert not any(gap in line for gap in GAPS), line


# -- 4. year-on-year sentences compare the same schools ----------------------------------------------


def test_year_on_year_sentence_compares_only_schools_with_both_years(tmp_path: Path) -> None:
    result, text = city(tmp_path, {ARTS: values(("fulltime_teachers", "previous", None))})
    sentence = next(line for line in text.splitlines() if "教职员额定编制" in line)
    assert "（按两年都有数据的学校比较，不含市艺校）" in sentence
    arts = result.dataset.school_values["巴彦淖尔市艺术学校"]["fulltime_teachers"].current
    others = [
        v["fulltime_teachers"] for n, v in result.dataset.school_values.items() if n != "巴彦淖尔市艺术学校"
    ]
    change = sum(v.current for v in others) - sum(v.previous for v in others)
    word = "增加" if change > 0 else "减少"
    assert f"较上年{word}{abs(int(change))}人（按两年都有数据的学校比较" in sentence
    assert arts is not None


# -- 8. majors -------------------------------------------------------------------------------------


def add_major(code: str, name: str, adjustment: str = "未调") -> Edit:
    def change(wb: Workbook) -> None:
        append_list_row(wb, "专业设置", {"专业代码": code, "专业名称": name, "设置年份": 2020, "上年班级数": 1,
                                      "本年新招班级数": 1, "本年在校生数": 0, "调整情况": adjustment})  # fmt: skip

    return change


def test_same_code_different_names_across_schools_warns_naming_both(tmp_path: Path) -> None:
    result, _ = city(tmp_path, {VOCATIONAL: add_major("710201", "电子商务")})  # 计算机应用 elsewhere
    conflicts = codes(result, "major_name_conflict")
    assert len(conflicts) == 1 and "710201" in conflicts[0].message
    assert "电子商务" in conflicts[0].message and "计算机应用" in conflicts[0].message


def test_a_province_list_checks_codes_and_names(tmp_path: Path) -> None:
    """710299 电子商务 passes the shape and 专业大类 checks; the province's list knows better. The list
    here holds the example's majors."""
    listing = ["专业代码,专业名称"] + [
        f"{m.code},{m.name}" for s in build(EXAMPLE, workers=1).dataset.schools for m in s.majors
    ]
    result, _ = city(tmp_path, {VOCATIONAL: add_major("710299", "电子商务"), ARTS: add_major("730301", "财务会计")},
                     config_lines='majors_list = "专业目录.csv"\n', extra={"专业目录.csv": "\n".join(dict.fromkeys(listing))})  # fmt: skip
    unlisted = codes(result, "major_code_unlisted")
    assert [(f.file, f.severity) for f in unlisted] == [(VOCATIONAL, "error")]
    assert "710299" in unlisted[0].message and "专业目录.csv" in unlisted[0].message
    renamed = [f for f in codes(result, "major_name_unlisted") if f.file == ARTS]
    assert renamed and "会计事务" in renamed[0].message and "财务会计" in renamed[0].message


def test_old_code_on_a_closed_row_is_no_finding_and_a_wrong_code_says_what_is_known(tmp_path: Path) -> None:
    result, _ = city(
        tmp_path, {ARTS: add_major("140800", "音乐", "停办"), SPORTS: add_major("123456", "体育运营")}
    )
    assert not [f for f in result.findings if f.file == ARTS and f.code.startswith("major_code")]
    wrong = [f for f in codes(result, "major_code_category") if f.file == SPORTS]
    assert len(wrong) == 1 and "2010" not in wrong[0].message and "“12”" in wrong[0].message


# -- 9. minor points -----------------------------------------------------------------------------------


def test_zero_respondents_is_one_error_saying_zero(tmp_path: Path) -> None:
    result, _ = city(tmp_path, {VOCATIONAL: values(("sat_students", "sample", 0))})
    about = [f for f in result.findings if f.file == VOCATIONAL and f.indicator == "sat_students"]
    assert [f.code for f in about] == ["sample_invalid"]
    assert "“0”" in about[0].message and "0.0" not in about[0].message


def test_rounding_of_an_exact_half_goes_up_in_the_printed_report(tmp_path: Path) -> None:
    """市艺校 alone: 23 of 160 graduates self-employed (14.375 %), 41 of 160 fit (25.625 %), enrolment
    400 → 429 (+7.25 %)."""
    result, text = city(
        tmp_path,
        {ARTS: values(("graduates", "previous", 160), ("graduates_placed", "previous", 160),
                      ("self_employed", "previous", 23), ("fitness_tested", "current", 160),
                      ("fitness_passed", "current", 41), ("enrolment", "previous", 400), ("enrolment", "current", 429))},
        only=[ARTS],
    )  # fmt: skip
    assert result.dataset.value("self_employment_rate", "previous") == 14.375
    assert row(text, "表1 人才培养质量计分卡", "自主创业率").split("|")[4].strip() == "14.38"
    assert row(text, "表6 落实政策表", "其中：学生体质测评合格率").split("|")[5].strip() == "25.63"
    assert "上年为14.38%" in text
    assert "招生429人，较上年增长7.3%" in text


# -- a roll-up counts coverage in schools, through the lower datasets ----------------------------------


def test_roll_up_counts_schools_and_keeps_ratios_like_for_like(tmp_path: Path) -> None:
    from qreport.compile.dataset import write_dataset
    from qreport.compile.rollup import build_from_datasets

    lower, _ = city(tmp_path, {VOCATIONAL: values(("major_teachers", "current", "-"))})
    whole = build(EXAMPLE, workers=1)
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    write_dataset(lower.dataset, lower.catalog, a)
    whole.dataset.region.name = "另一市"
    write_dataset(whole.dataset, whole.catalog, b)
    config = tmp_path / "自治区.toml"
    config.write_text('[region]\nname = "内蒙古自治区"\n', encoding="utf-8")
    up = build_from_datasets([a, b], config_path=config)
    p = up.dataset.provenance["dual_teacher_rate"]["current"]
    assert p.count == 13 and p.missing == ["内蒙古自治区巴彦淖尔市/巴彦淖尔职业技术学校"]
    low = lower.dataset.provenance["dual_teacher_rate"]["current"].parts
    full = whole.dataset.provenance["dual_teacher_rate"]["current"].parts
    expected = (
        (low["dual_teachers"] + full["dual_teachers"])
        / (low["major_teachers"] + full["major_teachers"])
        * 100
    )
    assert up.dataset.value("dual_teacher_rate") == pytest.approx(expected, rel=1e-12)
    assert up.dataset.provenance["graduates"]["current"].count == 14
