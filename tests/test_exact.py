"""Exact figures: every derived and city rate is the exact value rounded half up, never a binary
neighbour of it (14.375 prints 14.38)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qreport.catalog import formula
from qreport.catalog.indicators import load_catalog
from qreport.compile.aggregate import Unit, aggregate, derive
from qreport.exact import exact, exact_dot, exact_total, stored
from qreport.model import YearValue
from qreport.report.numformat import fixed, format_value, one_decimal, percent_change

CATALOG = load_catalog(2024)
RATES = [i for i in CATALOG.derived if i.formula and formula.divides(i.formula)]


def reference(value: Fraction, places: int = 2) -> str:
    """Half up on the exact fraction by an independent route: Decimal's own rounding, after a
    division at 60 digits (which cannot turn a non-half into a half for numbers of these sizes)."""
    with localcontext() as ctx:
        ctx.prec = 60
        quotient = Decimal(value.numerator) / Decimal(value.denominator)
        return f"{quotient.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP):f}"


@pytest.mark.parametrize(
    ("value", "printed"),
    [(23 / 160 * 100, "14.37"), (2300 / 160, "14.38"), (2448.705, "2448.71"), (0.125, "0.13"),
     (-14.375, "-14.38"), (1.005, "1.01"), (-0.001, "0.00")],
)  # fmt: skip
def test_fixed_rounds_the_value_a_float_stands_for(value: float, printed: str) -> None:
    # 23/160*100 computed in floats is 14.374999999999998, a different number: qreport never makes it
    assert fixed(value) == printed


def test_the_issue_figures_are_exact() -> None:
    values = {"self_employed": YearValue(23, 23), "graduates": YearValue(160, 160),
              "fitness_passed": YearValue(41, 41), "fitness_tested": YearValue(160, 160)}  # fmt: skip
    derived = derive(values, CATALOG)
    assert derived["self_employment_rate"].current == 14.375
    assert format_value(derived["self_employment_rate"].current, "pct") == "14.38"
    assert format_value(derived["fitness_pass_rate"].current, "pct") == "25.63"
    assert one_decimal(percent_change(429, 400)) == "7.3"  # exactly 7.25


counts = st.integers(0, 3000)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(counts, counts, counts, counts), min_size=1, max_size=6))
def test_derived_and_city_rates_match_a_fraction_reference(rows) -> None:  # type: ignore[no-untyped-def]
    """Random counts: each school's rate and the city rate, as printed, equal the exact fraction
    rounded half up."""
    units = []
    for k, (a, b, c, d) in enumerate(rows):
        typed = {"self_employed": YearValue(min(a, b), min(c, d)), "graduates": YearValue(b, d),
                 "fitness_passed": YearValue(min(a, c), a), "fitness_tested": YearValue(c, max(a, b))}  # fmt: skip
        units.append(Unit(f"校{k}", derive(typed, CATALOG), {}, {}))
    city, _ = aggregate(units, CATALOG)
    for ind, num, den in (("self_employment_rate", "self_employed", "graduates"),
                          ("fitness_pass_rate", "fitness_passed", "fitness_tested")):  # fmt: skip
        for which in ("previous", "current"):
            for u in units:
                n, d = u.values[num].get(which), u.values[den].get(which)
                got = format_value(u.values[ind].get(which), "pct")
                assert got == ("-" if not d else reference(Fraction(int(n)) * 100 / int(d)))
            n_sum = sum(int(u.values[num].get(which)) for u in units)
            d_sum = sum(int(u.values[den].get(which)) for u in units)
            got = format_value(city[ind].get(which), "pct")
            assert got == ("-" if not d_sum else reference(Fraction(n_sum * 100, d_sum)))


decimals = st.integers(0, 10**8).map(lambda n: float(Decimal(n).scaleb(-3)))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(decimals, st.integers(1, 5000)), min_size=1, max_size=8))
def test_weighted_means_and_sums_of_typed_decimals_are_exact(rows) -> None:  # type: ignore[no-untyped-def]
    """Typed decimals (元 with three places): the city sum and the weighted mean, as printed, equal
    the exact values rounded half up."""
    units = [
        Unit(
            f"校{k}",
            derive(
                {
                    "appropriation_per_student": YearValue(v, v),
                    "special_funds": YearValue(v, v),
                    "fulltime_students": YearValue(w, w),
                },
                CATALOG,
            ),
            {},
            {},
        )  # fmt: skip
        for k, (v, w) in enumerate(rows)
    ]
    city, _ = aggregate(units, CATALOG)
    exact_values = [(Fraction(Decimal(repr(v))), w) for v, w in rows]
    total = sum((v for v, _ in exact_values), Fraction(0))
    mean = sum((v * w for v, w in exact_values), Fraction(0)) / sum(w for _, w in exact_values)
    assert format_value(city["special_funds"].current, "dec") == reference(total)
    assert format_value(city["appropriation_per_student"].current, "dec") == reference(mean)


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 10**6), st.integers(0, 10**6))
def test_year_on_year_change_is_exact(before: int, after: int) -> None:
    change = percent_change(after, before)
    assert change is not None
    assert one_decimal(abs(change)) == reference(abs(Fraction(after - before, before) * 100), 1)


def test_decimals_declared_in_the_catalog_are_printed() -> None:
    """Bandwidth, 课均学生数 and 人日 print whole, as the reference does; other dec figures keep two."""
    from qreport.catalog.indicators import load_catalog
    from qreport.report.numformat import indicator_value

    catalog = load_catalog(2024)
    whole = {i.id for i in catalog.indicators if i.decimals == 0}
    assert {"internet_bandwidth", "backbone_bandwidth", "quality_course_avg_learners"} <= whole
    assert indicator_value(8783, catalog["internet_bandwidth"]) == "8783"
    assert indicator_value(235.5, catalog["quality_course_avg_learners"]) == "236"  # half up
    assert indicator_value(24069.525, catalog["equipment_value_per_student"]) == "24069.53"
    assert indicator_value(3321, catalog["enrolment"]) == "3321"
    assert indicator_value(None, catalog["internet_bandwidth"]) == "-"


typed_numbers = st.one_of(
    st.none(),
    st.integers(-(10**12), 10**12).map(float),
    decimals,
    st.floats(-1e12, 1e12, allow_nan=False, allow_infinity=False),
    st.sampled_from([0.0, -0.0, 1e-300, 5e-324, 0.1, 1 / 3]),
)
expressions = st.sampled_from(sorted({i.formula for i in CATALOG.derived if i.formula} |
                                     {"a - b", "a / (b - c)", "(a + 0.5) * b / c", "a / b / c"}))  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(expressions, st.dictionaries(st.sampled_from(["a", "b", "c"]), typed_numbers), st.data())
def test_evaluate_is_the_stored_exact_value(expr: str, letters: dict[str, float | None], data) -> None:  # type: ignore[no-untyped-def]
    """The fast evaluator every school's rates are made with gives the float of the exact value, the
    same float (and None, and never -0.0) as evaluating with Fractions."""
    values = {op: data.draw(typed_numbers) for op in formula.operands(expr)} | letters
    got = formula.evaluate(expr, values)
    want = stored(formula.evaluate_exact(expr, values))
    assert repr(got) == repr(want)


numbers = st.one_of(
    st.integers(-(10**15), 10**15).map(float),
    decimals,
    st.floats(-1e300, 1e300, allow_nan=False),
    st.integers(-9, 9),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(numbers, numbers), max_size=8))
def test_decimal_sums_and_products_are_the_fraction_ones(pairs: list[tuple[float, float]]) -> None:
    values, weights = [v for v, _ in pairs], [w for _, w in pairs]
    assert exact_total(values) == sum(map(exact, values), Fraction(0))
    assert exact_dot(values, weights) == sum((exact(v) * exact(w) for v, w in pairs), Fraction(0))
