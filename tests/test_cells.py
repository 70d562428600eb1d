"""Cell parsing: examples first, then properties over the whole input space (hypothesis)."""

from __future__ import annotations

import math

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from qreport.workbook.cells import Parsed, display, parse_cell, parse_text
from qreport.workbook.layout import NOT_APPLICABLE

FULL_WIDTH = str.maketrans("0123456789,.-", "０１２３４５６７８９，．－")
STATUSES = {"number", "text_number", "blank", "na", "not_number", "ambiguous"}
# Text between two numbers. Commas are covered separately: "1,234" is a grouping, "12,15" is not.
SEPARATORS = ["-", "~", "～", "—", "至", "到", "、", "/", ";", "；", " ", "  ", "和", "或", "+", "*", "×", ":", "\n", "人", "(", "）"]  # fmt: skip
UNITS = ["人", "个", "元", "万元", "门", "项", "本", "学时", "人次", "%", "％"]


@pytest.mark.parametrize(
    ("raw", "status", "value"),
    [
        (None, "blank", None),
        (3275, "number", 3275.0),
        (97.2, "number", 97.2),
        (0, "number", 0.0),
        (True, "not_number", None),
        (float("nan"), "not_number", None),
        (float("inf"), "not_number", None),
        ("3275", "text_number", 3275.0),
        ("3,275", "text_number", 3275.0),
        ("1,234,567.5", "text_number", 1234567.5),
        ("３２７５", "text_number", 3275.0),
        ("３，２７５", "text_number", 3275.0),
        ("12人", "text_number", 12.0),
        ("12 人", "text_number", 12.0),
        ("97.2%", "text_number", 97.2),
        ("2448.71万元", "text_number", 2448.71),
        (" 3275 ", "text_number", 3275.0),
        ("3 275", "text_number", 3275.0),  # a space as thousands separator
        (".5", "text_number", 0.5),
        ("-3", "text_number", -3.0),
        ("1e3", "text_number", 1000.0),
        ("12-15", "ambiguous", None),
        ("约100", "ambiguous", None),
        ("100左右", "ambiguous", None),
        ("1,23", "ambiguous", None),
        ("0,100", "ambiguous", None),  # not a thousands grouping (a decimal comma, or two numbers)
        ("12 15", "ambiguous", None),
        ("2023 2024", "ambiguous", None),
        ("12/15", "ambiguous", None),
        ("无", "not_number", None),
        ("1e999", "not_number", None),  # would be inf: no count, and not valid JSON
        ("9" * 400, "not_number", None),
        ("1e-999", "text_number", 0.0),
        ("暂无", "not_number", None),
        ("abc", "not_number", None),
        ("-", "na", None),
        ("/", "na", None),
        ("－", "na", None),
        ("／", "na", None),
        ("—", "na", None),
        (" - ", "na", None),
        ("", "blank", None),
        ("   ", "blank", None),
        ("\u3000", "blank", None),
    ],
)
def test_examples(raw: object, status: str, value: float | None) -> None:
    parsed = parse_cell(raw)
    assert parsed.status == status
    assert parsed.value == value


def test_percent_flag_only_for_a_percent_sign() -> None:
    assert parse_text("97.2%").percent and parse_text("97.2％").percent
    assert not parse_text("97.2").percent and not parse_text("12人").percent


# -- properties ---------------------------------------------------------------------------------


@given(st.floats(allow_nan=False, allow_infinity=False) | st.integers(min_value=-(10**15), max_value=10**15))
def test_any_finite_number_round_trips(x: float) -> None:
    assert parse_cell(x) == Parsed("number", float(x))


@given(st.integers(min_value=-(10**12), max_value=10**12))
@example(0)
@example(-1)
def test_integer_text_grouped_and_full_width_read_the_same(n: int) -> None:
    for text in (str(n), f"{n:,}", str(n).translate(FULL_WIDTH), f"{n:,}".translate(FULL_WIDTH)):
        parsed = parse_text(text)
        assert parsed.status == "text_number", text
        assert parsed.value == n, text


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_float_text_reads_the_same_value(x: float) -> None:
    parsed = parse_text(repr(x))
    assert parsed.status == "text_number"
    assert parsed.value == x


@given(st.integers(min_value=0, max_value=10**9), st.sampled_from(UNITS))
def test_number_with_unit_reads_the_number(n: int, unit: str) -> None:
    parsed = parse_text(f"{n}{unit}")
    assert (parsed.status, parsed.value) == ("text_number", n)
    assert parsed.percent == (unit in ("%", "％"))


@given(
    st.integers(min_value=0, max_value=10**6),
    st.integers(min_value=0, max_value=10**6),
    st.sampled_from(SEPARATORS),
    st.sampled_from(["", "约", "大约", "共"]),
    st.sampled_from(["", "人", "左右", "个"]),
)
@example(12, 15, "-", "", "")
@example(12, 15, " ", "", "")
@example(2023, 2024, " ", "", "")
def test_two_separated_numbers_are_never_read_as_one(
    a: int, b: int, sep: str, before: str, after: str
) -> None:
    text = f"{before}{a}{sep}{b}{after}"
    parsed = parse_text(text)
    if (
        sep == " "
        and len(str(b)) == 3
        and len(str(a)) <= 3
        and a > 0
        and not before
        and after in ("", "人", "个")
    ):
        # "3 275" is a thousands grouping, read as 3275 (like "3,275")
        assert (parsed.status, parsed.value) == ("text_number", float(f"{a}{b}")), text
        return
    assert parsed.status == "ambiguous", text
    assert parsed.value is None


@given(st.integers(min_value=0, max_value=10**6), st.integers(min_value=0, max_value=10**6))
def test_comma_separated_numbers_are_grouping_or_ambiguous(a: int, b: int) -> None:
    """ "1,234" is a grouped number; "12,15" is two numbers and never read as 1215."""
    for text in (f"{a},{b}", f"{a}，{b}"):  # a full-width comma is a comma
        parsed = parse_text(text)
        if len(str(b)) == 3 and len(str(a)) <= 3 and a > 0:
            assert (parsed.status, parsed.value) == ("text_number", float(f"{a}{b}")), text
        else:
            assert parsed.status == "ambiguous", text


@given(
    st.sampled_from(NOT_APPLICABLE),
    st.text(" \t\u3000\xa0", max_size=3),
    st.text(" \t\u3000\xa0", max_size=3),
)
def test_not_applicable_markers(marker: str, left: str, right: str) -> None:
    assert parse_text(left + marker + right) == Parsed("na")


@given(st.text(" \t\n\r\u3000\xa0\u2002\u2003", max_size=20))
def test_whitespace_only_is_blank(text: str) -> None:
    assert parse_text(text) == Parsed("blank")
    assert parse_cell(text) == Parsed("blank")


@given(st.text() | st.from_regex(r"\A[+-]?\d{1,400}(\.\d*)?([eE][+-]?\d{1,4})?\Z"))
def test_never_raises_for_any_text(text: str) -> None:
    parsed = parse_text(text)
    assert parsed.status in STATUSES
    assert parsed.has_value == (parsed.status == "text_number")
    if parsed.value is not None:
        assert math.isfinite(parsed.value)


@given(st.none() | st.booleans() | st.integers() | st.floats() | st.text() | st.binary())
def test_parse_cell_never_raises(raw: object) -> None:
    parsed = parse_cell(raw)
    assert parsed.status in STATUSES
    assert parsed.has_value == (parsed.status in ("number", "text_number"))


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_display_of_integers_has_no_decimal_point(n: int) -> None:
    assert display(float(n)) == str(n)
    assert parse_text(display(float(n))).value == n
