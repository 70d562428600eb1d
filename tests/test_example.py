"""The committed example city (examples/bayannur): it validates, its city figures are the reference's
wherever the reference agrees with itself, rates are recomputed from counts, and it cannot drift from
its generator or from docs/reconciliation.md."""

from __future__ import annotations

import importlib.util
import math
import sys
from pathlib import Path
from types import ModuleType

import pytest
from openpyxl import load_workbook

from qreport.check.validate import validate_files
from qreport.compile.build import BuildResult, build
from qreport.compile.dataset import to_json
from qreport.workbook.reader import read_school

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "bayannur"
SCRIPT = ROOT / "examples" / "make_example.py"
DOC = ROOT / "docs" / "reconciliation.md"

# The deliberate warnings, documented in docs/reconciliation.md: (workbook, finding code).
EXPECTED_WARNINGS = {
    ("巴彦淖尔职业技术学校.xlsx", "yoy_jump"),  # 表1-7: 升入本科 11 -> 3
}


@pytest.fixture(scope="module")
def maker() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_example", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_example"] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def result() -> BuildResult:
    return build(EXAMPLE, workers=1)


@pytest.fixture(scope="module")
def data(result: BuildResult) -> dict:
    return to_json(result.dataset, result.catalog)


def workbooks(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.xlsx"))


# -- validation ------------------------------------------------------------------------------------


def test_example_has_seven_schools_and_its_config() -> None:
    assert len(workbooks(EXAMPLE)) == 7
    assert (EXAMPLE / "qreport.toml").is_file()


def test_example_validates_without_errors() -> None:
    validation = validate_files(workbooks(EXAMPLE))
    errors = [f for f in validation.findings if f.is_error]
    assert errors == []
    assert validation.exit_code == 0
    warnings = {(Path(f.file).name, f.code) for f in validation.findings}
    assert warnings == EXPECTED_WARNINGS


def test_deliberate_warnings_are_documented(maker: ModuleType) -> None:
    assert set(maker.WARNING_REASONS) == {code for _file, code in EXPECTED_WARNINGS}
    doc = DOC.read_text(encoding="utf-8")
    for _file, code in EXPECTED_WARNINGS:
        assert code in doc


def test_build_has_no_errors_and_finds_every_expected_school(result: BuildResult) -> None:
    assert not result.has_errors
    assert [s.short_name for s in result.dataset.schools] == [
        "市一职", "市职校", "市艺校", "市体校", "前旗职中", "五原职高", "杭后职教",
    ]  # fmt: skip
    assert result.dataset.region.name == "内蒙古自治区巴彦淖尔市"
    assert result.dataset.region.code == "150800"


# -- city figures against the reference --------------------------------------------------------------

# (indicator, year, the reference's figure): every one reproduced exactly (to the printed decimals).
REPRODUCED = [
    ("graduates", "current", 3173),
    ("graduates", "previous", 3221),  # 表1; 表1-5's 总计 cell prints 3321, its schools sum to 3221
    ("graduates_placed", "current", 3170),
    ("further_study", "current", 2841),
    ("bachelor_admits", "current", 557),
    ("bachelor_admits", "previous", 432),  # 表1-7; 表1 prints 389
    ("monthly_income", "current", 2448.71),
    ("monthly_income", "previous", 3085.70),
    ("employed_total", "current", 328),
    ("self_employment_rate", "current", 0.69),
    ("promotion_rate_3y", "current", 21.18),
    ("promotion_rate_3y", "previous", 23.56),
    ("fulltime_students", "current", 9060),
    ("fulltime_students", "previous", 10130),  # 表1-5; 表6 prints 10112
    ("staff_total", "current", 1467),
    ("staff_total", "previous", 1452),
    ("staff_quota", "current", 1492),
    ("fulltime_teachers", "current", 962),
    ("fulltime_teachers", "previous", 1006),
    ("student_teacher_ratio", "current", 9.42),
    ("senior_dual_teacher_rate", "current", 2.77),
    ("enrolment", "current", 3321),
    ("enrolment", "previous", 3313),
    ("majors", "current", 53),
    ("courses", "current", 700),
    ("course_hours", "current", 129823),
    ("quality_course_avg_learners", "current", 236),
    ("quality_course_avg_learners", "previous", 648),
    ("practice_stations_per_student", "previous", 1.32),
    ("first_employed", "current", 335),
    ("employed_west_northeast", "current", 251),
    ("training_hours", "current", 233526),
    ("training_income", "current", 686.60),
    ("fitness_pass_rate", "current", 84.71),
    ("fitness_pass_rate", "previous", 90.81),
    ("special_funds", "current", 5785.82),
    ("appropriation_per_student", "current", 2261.35),
    # 表1-6 合计 (its 市级三等奖 prints 68; the schools' figures sum to 66)
    ("student_awards_prov_1", "current", 12),
    ("student_awards_prov_2", "current", 24),
    ("student_awards_prov_3", "current", 32),
    ("student_awards_city_1", "current", 38),
    ("student_awards_city_2", "current", 42),
    ("student_awards_city_3", "current", 66),
    # 表6-2 合计
    ("teacher_awards_prov_1", "current", 2),
    ("teacher_awards_prov_2", "current", 10),
    ("teacher_awards_prov_3", "current", 14),
    ("teacher_awards_city_1", "current", 20),
    ("teacher_awards_city_2", "current", 7),
    ("teacher_awards_city_3", "current", 0),
    # 表5-1 合计
    ("enterprise_equipment_value", "current", 11.5),
    ("open_practice_centers", "current", 7),
    ("industry_mentors", "current", 23),
    ("craftsman_mentors", "current", 3),
    ("mentor_hours", "current", 670),
    ("mentor_pay", "current", 23.6),
    ("internship_funds", "current", 624.22),
    ("internship_insurance", "current", 4.96),
    ("internship_funds", "previous", 51),
    ("mentor_pay", "previous", 80.70),
]


@pytest.mark.parametrize(("indicator", "which", "expected"), REPRODUCED)
def test_city_figure_matches_the_reference(data: dict, indicator: str, which: str, expected: float) -> None:
    value = data["city"][indicator][which]
    assert value is not None
    assert round(value, 2) == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize(
    ("indicator", "which"),
    [
        ("dual_teacher_rate", "previous"),  # not collected in 2023: every school typed "-"
        ("senior_dual_teacher_rate", "previous"),
        ("appropriation_per_student", "previous"),
        ("special_funds", "previous"),
        ("coop_courses", "previous"),
        ("intl_adopted", "previous"),
        ("sat_staff", "current"),  # "-" for every school, as in 表2
    ],
)
def test_what_the_reference_left_blank_stays_null(data: dict, indicator: str, which: str) -> None:
    assert data["city"][indicator][which] is None


def _sum(data: dict, indicator: str, which: str = "current") -> float:
    return math.fsum(s["values"][indicator][which] for s in data["schools"])


@pytest.mark.parametrize(
    ("rate", "numerator", "denominator", "factor"),
    [
        ("dual_teacher_rate", "dual_teachers", "major_teachers", 100),
        ("senior_title_rate", "senior_title_teachers", "fulltime_teachers", 100),
        ("placed_in_province_rate", "placed_in_province", "graduates_placed", 100),
        ("fitness_pass_rate", "fitness_passed", "fitness_tested", 100),
        ("student_teacher_ratio", "fulltime_students", "fulltime_teachers", 1),
        ("practice_stations_per_student", "practice_stations", "fulltime_students", 1),
        ("equipment_value_per_student", "equipment_value", "fulltime_students", 1),
    ],
)
def test_city_rates_are_recomputed_from_summed_counts(data: dict, rate: str, numerator: str, denominator: str,
                                                      factor: int) -> None:  # fmt: skip
    expected = _sum(data, numerator) / _sum(data, denominator) * factor
    assert data["city"][rate]["current"] == pytest.approx(expected, rel=1e-12)


def test_city_rates_are_not_means_of_school_rates(data: dict, maker: ModuleType) -> None:
    """The reference's 57.4 (双师型) and 26.98 (高级职称) are plain means of the rates 表6-1 prints per school."""
    for rate, printed_total in (("dual_teacher_rate", 57.4), ("senior_title_rate", 26.98)):
        printed = maker.SCHOOL_RATES[rate]
        assert math.fsum(printed) / len(printed) == pytest.approx(printed_total, abs=0.01)
        assert abs(data["city"][rate]["current"] - printed_total) > 1
    assert round(data["city"]["dual_teacher_rate"]["current"], 2) == 62.11  # 359 / 578
    assert round(data["city"]["senior_title_rate"]["current"], 2) == 29.31  # 282 / 962


def test_weighted_means_use_their_weights(data: dict) -> None:
    for indicator, weight in (
        ("monthly_income", "employed_total"),
        ("appropriation_per_student", "fulltime_students"),
    ):
        schools = data["schools"]
        expected = math.fsum(
            s["values"][indicator]["current"] * s["values"][weight]["current"] for s in schools
        )
        expected /= _sum(data, weight)
        assert data["city"][indicator]["current"] == pytest.approx(expected, rel=1e-12)


def test_majors_are_distinct_codes_not_a_sum(data: dict) -> None:
    codes = set().union(*(s["majors"]["current"] for s in data["schools"]))
    assert data["city"]["majors"]["current"] == len(codes) == 53
    assert _sum(data, "majors") == 73
    assert data["city"]["majors"]["previous"] == 54  # the reference's 74 is the sum of school counts


def test_case_pictures_named_and_pasted(result: BuildResult) -> None:
    by_short = {s.short_name: s for s in result.dataset.schools}
    sports = by_short["市体校"]
    (case,) = sports.cases
    assert case.image is None and case.row in sports.pictures["典型案例"]  # pasted onto its row
    named = [c.image for s in result.dataset.schools for c in s.cases if c.image]
    assert len(named) == 2
    for name in named:
        data = (EXAMPLE / name).read_bytes()
        assert data.startswith(b"\xff\xd8") and 5_000 < len(data) < 30_000  # a small JPEG


def test_section_photos_named_and_pasted(result: BuildResult) -> None:
    """文字材料 rows carry photos as cases do: a file named in 图片, or a picture pasted on the row."""
    by_short = {s.short_name: s for s in result.dataset.schools}
    art = [t for t in by_short["市艺校"].texts if t.caption]
    assert art and art[0].image is None and art[0].row in by_short["市艺校"].pictures["文字材料"]
    named = [t for s in result.dataset.schools for t in s.texts if t.image]
    assert len(named) == 4 and all((EXAMPLE / t.image).is_file() for t in named if t.image)


def test_retired_major_row_is_listed_but_not_counted(result: BuildResult) -> None:
    hanghou = read_school(EXAMPLE / "杭锦后旗职业教育中心.xlsx", result.catalog)
    retired = [m for m in hanghou.majors if m.code == "140800"]
    assert retired and retired[0].adjustment == "停办" and not retired[0].open_current
    assert sum(m.students or 0 for m in hanghou.majors) == 1735


# -- no drift ------------------------------------------------------------------------------------------


def _cells(path: Path) -> dict[str, list[tuple]]:
    wb = load_workbook(path)
    return {ws.title: [tuple(row) for row in ws.iter_rows(values_only=True)] for ws in wb.worksheets}


def _images(path: Path) -> dict[str, int]:
    wb = load_workbook(path)
    return {ws.title: len(ws._images) for ws in wb.worksheets}


def test_regenerating_gives_the_committed_example(maker: ModuleType, tmp_path: Path) -> None:
    maker.generate(tmp_path)
    committed = sorted(p.relative_to(EXAMPLE) for p in EXAMPLE.rglob("*") if p.is_file())
    fresh = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    assert fresh == committed
    for rel in committed:
        if rel.suffix == ".xlsx":
            assert _cells(tmp_path / rel) == _cells(EXAMPLE / rel), rel
            assert _images(tmp_path / rel) == _images(EXAMPLE / rel), rel
        elif rel.suffix == ".jpg":  # the same drawing; encoders of other Pillow versions may differ a bit
            assert _pixels(tmp_path / rel) == pytest.approx(_pixels(EXAMPLE / rel), abs=4), rel
        else:
            assert (tmp_path / rel).read_bytes() == (EXAMPLE / rel).read_bytes(), rel


def _pixels(path: Path) -> list[float]:
    """Mean colour of each 20×20 block: what the picture shows, not how it was encoded."""
    from PIL import Image, ImageStat

    with Image.open(path) as image:
        rgb = image.convert("RGB")
        w, h = rgb.size
        return [
            v
            for y in range(0, h - 19, 20)
            for x in range(0, w - 19, 20)
            for v in ImageStat.Stat(rgb.crop((x, y, x + 20, y + 20))).mean
        ]


def test_reconciliation_doc_is_current(maker: ModuleType) -> None:
    assert maker.reconciliation_markdown(EXAMPLE) == DOC.read_text(encoding="utf-8"), (
        "docs/reconciliation.md is stale: run `python examples/make_example.py --reconcile`"
    )
