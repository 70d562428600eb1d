"""City aggregation: checked against an independent computation, and by properties."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qreport.catalog.indicators import load_catalog
from qreport.compile.aggregate import Unit, aggregate, derive, majors_taught
from qreport.exact import exact
from qreport.model import MajorRow, YearValue
from qreport.workbook.packed import Values

CATALOG = load_catalog(2024)


def unit(name: str, values: dict[str, tuple[float | None, float | None]], samples=None, majors=None) -> Unit:
    typed = {k: YearValue(previous=p, current=c) for k, (p, c) in values.items()}
    return Unit(name, derive(typed, CATALOG), samples or {}, majors_taught(majors or []))


SCHOOLS = [
    unit("甲校", {"graduates": (1112, 1240), "graduates_placed": (1100, 1238), "placed_in_province": (1000, 1200),
                 "dual_teachers": (100, 110), "major_teachers": (160, 180), "fulltime_students": (3326, 2955),
                 "fulltime_teachers": (250, 256), "monthly_income": (3000, 2500), "employed_primary": (1, 2),
                 "employed_secondary": (5, 6), "employed_tertiary": (40, 50), "appropriation_per_student": (2000, 2100),
                 "sat_students": (None, 87.6)},
         samples={"sat_students": 2000}),
    unit("乙校", {"graduates": (321, 165), "graduates_placed": (320, 160), "placed_in_province": (300, 150),
                 "dual_teachers": (90, 95), "major_teachers": (100, 110), "fulltime_students": (812, 793),
                 "fulltime_teachers": (170, 170), "monthly_income": (3500, 2600), "employed_primary": (0, 1),
                 "employed_secondary": (3, 4), "employed_tertiary": (20, 30), "appropriation_per_student": (2500, 2600),
                 "sat_students": (None, 91.14)},
         samples={"sat_students": 500}),
    unit("丙校", {"graduates": (23, 19), "graduates_placed": (23, 19), "placed_in_province": (20, 19),
                 "dual_teachers": (5, 6), "major_teachers": (12, 13), "fulltime_students": (49, 52),
                 "fulltime_teachers": (28, 28), "monthly_income": (None, None), "employed_primary": (0, 0),
                 "employed_secondary": (0, 0), "employed_tertiary": (0, 0), "appropriation_per_student": (9000, 9100),
                 "sat_students": (None, 95.45)},
         samples={"sat_students": 50}),
]  # fmt: skip


def independent(indicator: str, which: str) -> float:
    """The city value computed by hand, the way a statistician would."""
    v = {u.name: {k: yv.get(which) for k, yv in u.values.items()} for u in SCHOOLS}
    total = lambda k: sum(s[k] for s in v.values() if s[k] is not None)  # noqa: E731
    if indicator == "placed_in_province_rate":
        return total("placed_in_province") / total("graduates_placed") * 100
    if indicator == "dual_teacher_rate":
        return total("dual_teachers") / total("major_teachers") * 100
    if indicator == "student_teacher_ratio":
        return total("fulltime_students") / total("fulltime_teachers")
    if indicator == "monthly_income":
        pairs = [
            (s["monthly_income"], s["employed_total"]) for s in v.values() if s["monthly_income"] is not None
        ]
        return sum(a * b for a, b in pairs) / sum(b for _a, b in pairs)
    if indicator == "appropriation_per_student":
        return sum(s["appropriation_per_student"] * s["fulltime_students"] for s in v.values()) / total(
            "fulltime_students"
        )
    if indicator == "sat_students":
        return (87.6 * 2000 + 91.14 * 500 + 95.45 * 50) / 2550
    return total(indicator)


@pytest.mark.parametrize("which", ["previous", "current"])
@pytest.mark.parametrize(
    "indicator",
    ["graduates", "fulltime_students", "placed_in_province_rate", "dual_teacher_rate", "student_teacher_ratio",
     "monthly_income", "appropriation_per_student"],
)  # fmt: skip
def test_city_values_match_an_independent_computation(indicator: str, which: str) -> None:
    city, _ = aggregate(SCHOOLS, CATALOG)
    assert city[indicator].get(which) == pytest.approx(independent(indicator, which), rel=1e-12)


def test_rates_are_recomputed_not_averaged() -> None:
    city, prov = aggregate(SCHOOLS, CATALOG)
    mean_of_rates = sum(u.values["dual_teacher_rate"].current for u in SCHOOLS) / len(SCHOOLS)
    assert city["dual_teacher_rate"].current != pytest.approx(mean_of_rates)
    assert "不取各校比率的平均" in prov["dual_teacher_rate"]["current"].rule


def test_satisfaction_weighted_by_respondents_of_the_schools_that_gave_them() -> None:
    city, _ = aggregate(SCHOOLS, CATALOG)
    assert city["sat_students"].current == pytest.approx(independent("sat_students", "current"))
    partial = [SCHOOLS[0], Unit("丁校", SCHOOLS[1].values, {}, SCHOOLS[1].majors)]
    city, prov = aggregate(partial, CATALOG)
    assert city["sat_students"].current == 87.6  # 甲校 alone: 丁校 gave no respondents
    p = prov["sat_students"]["current"]
    assert p.schools == ["甲校"] and p.missing == ["丁校"] and p.count == 1
    assert p.partial(city["sat_students"].current)
    assert city["sat_students"].previous is None  # the survey sheet has no previous-year column


def test_value_no_rule_can_make_is_null_not_zero() -> None:
    city, prov = aggregate(SCHOOLS, CATALOG)
    assert city["intl_students"].current is None
    assert prov["intl_students"]["current"].note == "没有学校填报"
    assert city["majors"].current is None  # no school gave a majors list
    assert city["quality_course_avg_learners"].current is None


def test_distinct_majors_counts_codes_once_across_schools() -> None:
    rows_a = [
        MajorRow(code="720201", previous_classes=3, new_classes=1, students=100, adjustment="未调"),
        MajorRow(code="730301", previous_classes=0, new_classes=1, students=30, adjustment="新增"),
        MajorRow(code="140800", previous_classes=0, new_classes=0, students=None, adjustment="停办"),
    ]
    rows_b = [MajorRow(code="720201", previous_classes=2, new_classes=1, students=80, adjustment="未调")]
    units = [Unit("甲", {}, {}, majors_taught(rows_a)), Unit("乙", {}, {}, majors_taught(rows_b))]
    city, _ = aggregate(units, CATALOG)
    assert city["majors"].current == 2  # 720201 once, 730301; the closed 140800 not counted
    assert city["majors"].previous == 1  # only 720201 had classes the year before


def test_provenance_names_contributing_and_missing_schools() -> None:
    _, prov = aggregate(SCHOOLS, CATALOG)
    p = prov["monthly_income"]["current"]
    assert p.schools == ["甲校", "乙校"] and p.missing == ["丙校"]


values = st.one_of(st.none(), st.integers(0, 10**6).map(float), st.floats(0, 1e6, allow_nan=False))


@st.composite
def cities(draw):  # type: ignore[no-untyped-def]
    ids = ["graduates", "graduates_placed", "placed_in_province", "fulltime_students", "fulltime_teachers",
           "special_funds", "monthly_income", "employed_primary", "employed_secondary", "employed_tertiary"]  # fmt: skip
    n = draw(st.integers(1, 8))
    return [unit(f"校{i}", {k: (draw(values), draw(values)) for k in ids}) for i in range(n)]


@settings(max_examples=60, deadline=None)
@given(cities(), st.randoms())
def test_school_order_never_changes_a_city_value(units, rnd) -> None:  # type: ignore[no-untyped-def]
    shuffled = list(units)
    rnd.shuffle(shuffled)
    a, _ = aggregate(units, CATALOG)
    b, _ = aggregate(shuffled, CATALOG)
    assert a == b  # exact equality: exact sums are order-independent


@settings(max_examples=60, deadline=None)
@given(cities())
def test_city_sums_equal_the_sum_of_schools(units) -> None:  # type: ignore[no-untyped-def]
    city, _ = aggregate(units, CATALOG)
    for ind in ("graduates", "special_funds", "fulltime_students"):
        for which in ("previous", "current"):
            present = [u.values[ind].get(which) for u in units if u.values[ind].get(which) is not None]
            expected = float(sum(map(exact, present), Fraction(0))) if present else None
            assert city[ind].get(which) == expected  # exact: the typed decimals, not their binary sum


def test_a_ratio_takes_only_schools_with_every_operand() -> None:
    """市职校 typed `-` for 专业教师数: its 双师型教师数 must not enter the city 双师型教师比例."""
    a = unit("甲", {"dual_teachers": (10, 20), "major_teachers": (40, 40)})
    b = Unit("乙", derive({"dual_teachers": YearValue(50, 200), "major_teachers": YearValue(60, None)}, CATALOG),
             {}, {}, na={"current": {"major_teachers"}})  # fmt: skip
    city, prov = aggregate([a, b], CATALOG)
    assert city["dual_teacher_rate"].current == 50.0  # 20 / 40, not 220 / 40
    assert city["dual_teacher_rate"].previous == 60.0  # both schools: 60 / 100
    p = prov["dual_teacher_rate"]["current"]
    assert (
        p.schools == ["甲"] and p.missing == ["乙"] and p.parts == {"dual_teachers": 20, "major_teachers": 40}
    )
    assert prov["dual_teacher_rate"]["previous"].missing == []
    # a `-` covers a sum (nothing to add), a blank does not
    assert prov["major_teachers"]["current"].missing == [] and city["major_teachers"].current == 40


def test_a_weighted_mean_takes_only_schools_with_value_and_weight() -> None:
    a = unit("甲", {"monthly_income": (None, 3000), "employed_tertiary": (None, 10),
                   "employed_primary": (None, 0), "employed_secondary": (None, 0)})  # fmt: skip
    b = unit("乙", {"monthly_income": (None, 5000), "employed_tertiary": (None, None),
                   "employed_primary": (None, 0), "employed_secondary": (None, 0)})  # fmt: skip
    city, prov = aggregate([a, b], CATALOG)
    assert city["monthly_income"].current == 3000
    assert prov["monthly_income"]["current"].missing == ["乙"]
    assert prov["monthly_income"]["current"].parts == {"weight": 10}


def test_a_roll_up_counts_coverage_in_schools_and_keeps_ratios_like_for_like() -> None:
    from qreport.compile.aggregate import Lower

    low = {("dual_teacher_rate", "current"): Lower(3, ("乙校",), {"dual_teachers": 20, "major_teachers": 40}),
           ("graduates", "current"): Lower(4, ())}  # fmt: skip
    # the lower city sums include 乙校's 200 双师型 teachers, whose 专业教师数 is missing
    city_a = Unit("甲市", {"dual_teachers": YearValue(None, 220), "major_teachers": YearValue(None, 40),
                          "graduates": YearValue(None, 100)}, {}, {}, lower=low)  # fmt: skip
    city_b = unit(
        "乙市", {"dual_teachers": (None, 30), "major_teachers": (None, 60), "graduates": (None, 50)}
    )
    city, prov = aggregate([city_a, city_b], CATALOG)
    assert city["dual_teacher_rate"].current == 50.0  # (20 + 30) / (40 + 60)
    p = prov["dual_teacher_rate"]["current"]
    assert p.count == 4 and p.missing == ["甲市/乙校"]
    assert prov["graduates"]["current"].count == 5


def test_majors_of_the_previous_year_say_what_they_count() -> None:
    _, prov = aggregate(SCHOOLS, CATALOG)
    assert "上年有班级" in prov["majors"]["previous"].rule
    assert "本年开设" in prov["majors"]["current"].rule


@st.composite
def cities_with_gaps(draw):  # type: ignore[no-untyped-def]
    """Schools with blanks, `-` (not applicable) and decimals, so that city figures leave some out."""
    ids = ["graduates", "graduates_placed", "placed_in_province", "fulltime_students", "fulltime_teachers",
           "special_funds", "monthly_income", "employed_primary", "employed_secondary", "employed_tertiary",
           "dual_teachers", "major_teachers", "appropriation_per_student", "sat_students"]  # fmt: skip
    units = []
    for i in range(draw(st.integers(1, 8))):
        typed = {k: YearValue(draw(values), draw(values)) for k in ids if draw(st.integers(0, 5))}
        na = {"current": {k for k in ids if k not in typed and draw(st.booleans())}}
        samples = {"sat_students": draw(st.one_of(st.none(), st.integers(1, 500)))}
        units.append(Unit(f"校{i}", derive(typed, CATALOG), samples, majors_taught([]), na))
    return units


@settings(max_examples=80, deadline=None)
@given(cities_with_gaps())
def test_packed_schools_aggregate_as_plain_ones(units) -> None:  # type: ignore[no-untyped-def]
    """A build's schools arrive packed (their columns read as one slice); the city values and their
    provenance are those of the same schools as plain mappings."""
    packed = [Unit(u.name, Values(u.values), u.samples, u.majors, u.na) for u in units]
    assert aggregate(packed, CATALOG) == aggregate(units, CATALOG)
