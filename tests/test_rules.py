"""Rule functions on hand-made `School` objects, where a workbook would be overkill."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from qreport.catalog.indicators import load_catalog
from qreport.catalog.outline import load_outline
from qreport.check import figures, rules
from qreport.findings import Finding
from qreport.model import Case, MajorRow, School, TextBlock, YearValue
from qreport.workbook.template import places

import builders

CATALOG = load_catalog(2024)
OUTLINE = load_outline()
PLACES = places(CATALOG)


def make(
    values: dict[str, tuple[float | None, float | None]] | None = None,
    *,
    samples: dict[str, int | None] | None = None,
    na: set[str] = frozenset(),  # type: ignore[assignment]
    majors: list[MajorRow] | None = None,
    texts: list[TextBlock] | None = None,
    cases: list[Case] | None = None,
    path: str = "",
    **kw: Any,
) -> School:
    """A school as the reader would leave it: values, and the cell each value was read from."""
    values = values or {}
    cells: dict[str, dict[str, str]] = {}
    for ind_id in values:
        place = PLACES[ind_id]
        refs = {w: place.cell(w, place.sheet) for w in ("previous", "current") if place.cell(w, place.sheet)}
        cells[ind_id] = {w: f"{place.sheet}!{ref}" for w, ref in refs.items()}
        if CATALOG.get_table(CATALOG[ind_id].table).sample:
            cells[ind_id]["sample"] = f"{place.sheet}!F{place.row}"
    return School(
        file="学校.xlsx",
        path=path,
        values={k: YearValue(previous=p, current=c) for k, (p, c) in values.items()},
        samples=samples or {},
        na={"current": set(na)},
        cells=cells,
        majors=majors or [],
        texts=texts or [],
        cases=cases or [],
        **kw,
    )


def run(rule: rules.Rule, school: School) -> list[tuple[str, str | None, str | None]]:
    return [(f.code, f.cell, f.indicator) for f in rule(school, CATALOG, OUTLINE)]


def ranges(school: School, catalog: Any, outline: Any) -> Iterator[Finding]:
    """Impossible values (rules.value_ranges) and implausible ones (the catalog's [[plausible]])."""
    yield from rules.value_ranges(school, catalog, outline)
    yield from figures.plausible(school, catalog, outline)


def codes(found: Iterator[Finding] | list[Finding]) -> list[str]:
    return [f.code for f in found]


SAT = [i.id for i in CATALOG.typed if i.kind == "pct"]


# -- value ranges -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ind", "previous", "current", "expected"),
    [
        ("employed_primary", -1, 10, [("negative", "E12", "employed_primary")]),
        ("employed_primary", 12, -0.5, [("negative", "F12", "employed_primary")]),
        ("courses", 126, 132.5, [("not_integer", "F10", "courses")]),
        ("monthly_income", 3650.5, 3820.25, []),  # dec may have decimals
        ("courses", 0, 0, []),
        ("special_funds", 100000, 99999.5, []),  # 10 亿元 is the limit, inclusive
        ("special_funds", 860, 100000.01, [("wan_yuan_large", "F6", "special_funds")]),
        ("equipment_value", 28650000, 31200000, []),  # 元, not 万元
    ],
)
def test_value_ranges(ind: str, previous: float, current: float, expected: list) -> None:
    assert run(ranges, make({ind: (previous, current)})) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (100, []),
        (100.01, ["pct_out_of_range"]),
        (0, []),
        (0.95, ["pct_fraction"]),
        (1, ["pct_fraction"]),
        (1.5, []),
    ],
)
def test_percent_among_percents(value: float, expected: list[str]) -> None:
    values = {i: (None, 96.0) for i in SAT}
    values["sat_parents"] = (None, value)
    assert codes(ranges(make(values), CATALOG, OUTLINE)) == expected


def test_every_rate_typed_as_a_fraction_is_an_error() -> None:
    """A school that typed all its rates as 0.965 (not 96.5) is told so for each, not waved through."""
    values = {i: (None, 0.9 + k / 200) for k, i in enumerate(SAT)}
    found = list(ranges(make(values), CATALOG, OUTLINE))
    assert sorted(f.indicator for f in found if f.code == "pct_fraction") == sorted(SAT)


def test_negative_wins_over_other_range_findings() -> None:
    """One finding per value: a negative 万元 amount is reported as negative only."""
    assert codes(ranges(make({"special_funds": (None, -200000)}), CATALOG, OUTLINE)) == ["negative"]


# -- blanks and samples -------------------------------------------------------------------------


def test_blanks() -> None:
    school = make(
        {
            "graduates": (412, None),
            "textbooks": (4, None),
            "intl_students": (0, None),
            "courses": (None, 132),
        },
        na={"intl_students"},
    )
    assert run(rules.blanks, school) == [
        ("blank_required", "F4", "graduates"),
        ("blank", "F42", "textbooks"),
    ]  # `-` is not blank; a blank previous year is fine; indicators without a row are not reported here


def test_samples() -> None:
    school = make(
        {"sat_students": (None, 96.5), "sat_staff": (None, 94.6), "sat_parents": (None, None)},
        samples={"sat_students": 2860, "sat_staff": None, "sat_parents": None},
    )
    assert run(rules.samples, school) == [("sample_missing", "F13", "sat_staff")]


# -- consistency --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("child", "parent", "expected"),
    [
        ((421, 421), (421, 421), []),  # equal is fine
        ((421 + 1e-9, 5), (421, 5), []),  # within float tolerance
        ((422, 5), (421, 5), [("exceeds_parent", "E5", "graduates_placed")]),
        ((5, 500), (5, 421), [("exceeds_parent", "F5", "graduates_placed")]),
        ((5, 500), (5, None), []),  # nothing to compare with
    ],
)
def test_parents(child: tuple, parent: tuple, expected: list) -> None:
    assert run(rules.parents, make({"graduates_placed": child, "graduates": parent})) == expected


def test_sums() -> None:
    parts = {
        "resource_libs_national": (0, 0.1),
        "resource_libs_provincial": (2, 0.2),
        "resource_libs_school": (3, None),
    }
    assert run(rules.sums, make({"resource_libs": (6, 0.3), **parts})) == [
        ("parts_mismatch", "E18", "resource_libs")
    ]
    # a blank part: no sum to check that year
    assert run(rules.sums, make({"resource_libs": (5, 99), **parts})) == []
    # float noise is not a mismatch
    parts["resource_libs_school"] = (3, 0.0)
    assert run(rules.sums, make({"resource_libs": (5, 0.30000000000000004), **parts})) == []


@pytest.mark.parametrize(
    ("previous", "current", "jump"),
    [
        (100, 300, False),
        (100, 301, True),
        (300, 100, False),
        (301, 100, True),
        (0, 500, False),
        (5, 0, False),
        (None, 9, False),
        (-1, 9, False),
    ],
)
def test_jumps(previous: float | None, current: float, jump: bool) -> None:
    found = run(rules.jumps, make({"training_hours": (previous, current)}))
    assert found == ([("yoy_jump", "F19", "training_hours")] if jump else [])


# -- majors -------------------------------------------------------------------------------------


def major(
    code: str,
    row: int,
    *,
    students: float | None = 300,
    new: float | None = 3,
    adj: str = "未调",
    name: str = "专业",
) -> MajorRow:
    return MajorRow(
        code=code,
        name=name,
        year_set=2010,
        previous_classes=8,
        new_classes=new,
        students=students,
        adjustment=adj,
        row=row,
    )


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (major("720201", 4), []),
        (major("72020", 4), [("major_code_format", "A4")]),
        (major("7202011", 4), [("major_code_format", "A4")]),
        (major("72O201", 4), [("major_code_format", "A4")]),
        (major("", 4), [("major_code_format", "A4")]),
        (major("010100", 4), [("major_code_category", "A4")]),
        (major("180100", 4), [("major_code_category", "A4")]),
        (major("190100", 4), [("major_code_category", "A4")]),
        (major("600101", 4), [("major_code_category", "A4")]),
        (major("800101", 4), [("major_code_category", "A4")]),
        (major("610101", 4), []),
        (major("790101", 4), []),
        (major("720201", 4, name=""), [("major_name_missing", "B4")]),
        (major("720201", 4, adj="撤销"), [("major_adjust_invalid", "G4")]),
        (major("720201", 4, adj=""), []),
    ],
)
def test_major_codes(row: MajorRow, expected: list) -> None:
    found = [(f.code, f.cell) for f in rules.major_codes(make(majors=[row]), CATALOG, OUTLINE)]
    assert found == expected


def test_duplicate_major_names_the_first_row() -> None:
    school = make(majors=[major("720201", 4), major("730301", 5), major("720201", 9)])
    (f,) = rules.major_codes(school, CATALOG, OUTLINE)
    assert (f.code, f.cell) == ("major_duplicate", "A9")
    assert "第 4 行" in f.message


def test_majors_cross_check_counts_majors_taught_this_year() -> None:
    majors = [
        major("720201", 4, students=300),
        major("730301", 5, students=0, new=2),  # new classes, no students yet: taught
        major("730701", 6, students=0, new=0, adj="停办"),  # closed: not taught
        major("740201", 7, students=120, adj="停办"),  # closed this year: not counted even with students
        major("610105", 8, students=None, new=None),  # nothing filled: not taught
    ]
    ok = make({"majors": (4, 2), "fulltime_students": (400, 420)}, majors=majors)
    assert run(rules.majors_cross_check, ok) == []
    wrong = make({"majors": (4, 3), "fulltime_students": (400, 421)}, majors=majors)
    assert run(rules.majors_cross_check, wrong) == [
        ("majors_count_mismatch", "F9", "majors"),
        ("majors_students_mismatch", "F4", "fulltime_students"),
    ]


def test_majors_cross_check_needs_a_majors_list() -> None:
    assert run(rules.majors_cross_check, make({"majors": (8, 8), "fulltime_students": (3120, 3275)})) == []


# -- texts and cases ----------------------------------------------------------------------------


def test_texts() -> None:
    school = make(texts=[
        TextBlock(section="1.1", content="内容", row=4),
        TextBlock(section="1.1.1", content="三级节", row=5),
        TextBlock(section="4", content="整章", row=6),
        TextBlock(section="1.15", content="内容", row=7),
        TextBlock(section="", content="没有节号", row=8),
        TextBlock(section="2.3", content="", row=9),
    ])  # fmt: skip
    found = list(rules.texts(school, CATALOG, OUTLINE))
    assert [(f.code, f.cell) for f in found] == [
        ("section_unknown", "A7"),
        ("section_unknown", "A8"),
        ("text_empty", "B9"),
    ]
    assert "“（空）”" in found[1].message
    assert "1.1、" in found[0].message and "1.1.1" not in found[0].message  # choices are the level-2 sections


def test_case_picture_must_sit_beside_the_workbook(tmp_path: Path) -> None:
    """A path in 图片 must not pull a file from elsewhere on the bureau's disk into the report."""
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "私人.png").write_bytes(b"png")
    (tmp_path / "city").mkdir()
    names = [str(tmp_path / "elsewhere" / "私人.png"), "../elsewhere/私人.png", "..", "."]
    school = make(
        path=str(tmp_path / "city" / "学校.xlsx"),
        cases=[Case(chapter=1, title="标题", body="正文", image=n, row=4 + i) for i, n in enumerate(names)],
    )
    found = list(rules.cases(school, CATALOG, OUTLINE))
    assert [(f.code, f.cell) for f in found] == [
        ("case_image_missing", f"D{4 + i}") for i in range(len(names))
    ]
    assert rules.picture_beside(tmp_path / "elsewhere", "私人.png") == tmp_path / "elsewhere" / "私人.png"


def test_cases(tmp_path: Path) -> None:
    (tmp_path / "有.png").write_bytes(builders.tiny_png())
    (tmp_path / "坏.png").write_bytes(b"png")
    school = make(
        path=str(tmp_path / "学校.xlsx"),
        cases=[
            Case(chapter=1, title="标题", body="正文", image="有.png", row=4),
            Case(chapter=2, title="", body="", row=5),
            Case(chapter=3, title="标题", body="正文", image="没有.png", row=6),
            Case(chapter=4, title="标题", body="正文", image="粘贴.png", row=7),
            Case(chapter=5, title="标题", body="正文", image="坏.png", row=8),
            Case(chapter=6, title="标题", body="正文", row=9),
        ],
        pictures={"典型案例": {7: ("image1.png", builders.tiny_png()), 9: ("image2.png", b"\x89PNG\r\n")}},
    )
    found = list(rules.cases(school, CATALOG, OUTLINE))
    assert [(f.code, f.cell) for f in found] == [
        ("case_incomplete", "B5"),
        ("case_image_missing", "D6"),
        ("picture_invalid", "D8"),
        ("picture_invalid", "D9"),
    ]
    assert "标题、正文" in found[0].message
    assert "坏.png" in found[2].message and "粘贴的图片" in found[3].message


# -- all rules ----------------------------------------------------------------------------------


def test_check_school_reports_in_rule_order() -> None:
    school = make({"graduates": (412, None), "employed_primary": (-1, 10), "training_hours": (100, 1000)})
    assert codes(rules.check_school(school, CATALOG, OUTLINE)) == ["negative", "blank_required", "yoy_jump"]


def test_an_empty_school_only_reports_nothing_it_cannot_see() -> None:
    """Without any row read (missing sheets are reported by the reader), rules stay silent."""
    assert rules.check_school(make(), CATALOG, OUTLINE) == []


# -- figures that would mislead (qreport.check.figures) ---------------------------------------------


def test_dash_where_an_indicator_always_applies_is_an_error() -> None:
    found = list(figures.not_applicable_always(make({"fulltime_students": (3000, None)}, na={"fulltime_students"}),
                                               CATALOG, OUTLINE))  # fmt: skip
    assert [(f.code, f.severity, f.indicator) for f in found] == [("na_always", "error", "fulltime_students")]
    assert "不能填“-”" in found[0].message


@pytest.mark.parametrize(
    ("ind", "value", "code", "suggest"),
    [("sat_students", 0.972, "pct_fraction", "97.2"), ("special_funds", 3105000, "wan_yuan_large", "310.5"),
     ("appropriation_per_student", 1.25, "yuan_small", "12500"), ("equipment_value", 3120, "yuan_small", "31200000")],
)  # fmt: skip
def test_implausible_values_suggest_what_was_meant(ind: str, value: float, code: str, suggest: str) -> None:
    found = list(figures.plausible(make({ind: (None, value)}), CATALOG, OUTLINE))
    assert [(f.code, f.severity) for f in found] == [(code, "error")]
    assert f"是否应填 {suggest}？" in found[0].message


def test_one_side_of_a_rate_left_out_names_both_cells() -> None:
    school = make({"dual_teachers": (90, 95), "major_teachers": (100, None), "senior_dual_teachers": (5, 6)},
                  na={"major_teachers"})  # fmt: skip
    found = list(figures.one_sided_rates(school, CATALOG, OUTLINE))
    assert [(f.code, f.indicator, f.cell) for f in found] == [("rate_one_sided", "major_teachers", "F5")]
    assert "“双师型”教师数（F6）" in found[0].message and "填了“-”" in found[0].message
    assert "“双师型”教师比例、高级“双师型”教师比例" in found[0].message
    # blank rather than `-`: said once, by this rule, not also as a plain blank
    blank = make({"dual_teachers": (90, 95), "major_teachers": (100, None)})
    assert codes(rules.check_school(blank, CATALOG, OUTLINE)) == ["rate_one_sided"]


def test_a_blank_previous_year_column_is_one_warning_per_sheet() -> None:
    school = make({"graduates": (None, 412), "graduates_placed": (None, 400), "special_funds": (None, 10),
                   "staff_total": (90, 91)})  # fmt: skip
    found = list(figures.previous_blank(school, CATALOG, OUTLINE))
    assert [(f.code, f.sheet, f.cell) for f in found] == [("previous_blank", "计分卡", "E4"),
                                                          ("previous_blank", "落实政策", "E6")]  # fmt: skip
    assert "2 个指标" in found[0].message


def test_a_weighted_value_without_its_weight_is_warned() -> None:
    school = make({"monthly_income": (3000, 3100), "employed_primary": (1, 1), "employed_secondary": (2, 2),
                   "employed_tertiary": (3, None)}, na={"employed_tertiary"})  # fmt: skip
    found = list(figures.weights(school, CATALOG, OUTLINE))
    assert [(f.code, f.indicator, f.cell) for f in found] == [("weight_missing", "monthly_income", "F10")]
    assert "毕业生面向三次产业就业人数" in found[0].message


def test_section_photos(tmp_path: Path) -> None:
    """文字材料 photos: named beside the workbook or pasted on the row; a photo alone is not an empty
    row; one without 图片说明 gets a caption made from the school and the file, and a warning."""
    (tmp_path / "有.png").write_bytes(builders.tiny_png())
    school = make(
        path=str(tmp_path / "学校.xlsx"),
        texts=[
            TextBlock(section="1.1", content="", image="有.png", caption="图题", row=4),
            TextBlock(section="1.1", content="文字", image="没有.png", caption="图题", row=5),
            TextBlock(section="1.2", content="", caption="粘贴的", row=6),
            TextBlock(section="1.2", content="", image="有.png", row=7),
            TextBlock(section="1.2", content="", row=8),
        ],
        pictures={"文字材料": {6: ("image1.png", builders.tiny_png())}},
        short_name="市一职",
    )
    found = list(rules.texts(school, CATALOG, OUTLINE))
    assert [(f.code, f.cell) for f in found] == [
        ("text_image_missing", "C5"),
        ("image_caption_missing", "D7"),
        ("text_empty", "B8"),
    ]
    assert "“市一职有”" in found[1].message
    assert school.texts[0].picture_caption("市一职") == "图题"
    assert (
        TextBlock(section="1.1", content="", image="市一职实训.jpg").picture_caption("市一职") == "市一职实训"
    )
