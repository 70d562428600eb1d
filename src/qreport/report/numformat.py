"""How a number is printed in the report (contract): integers bare, everything else to two decimals.

Every printed figure is the exact value (qreport.exact) rounded half up (四舍五入): 14.375 prints
14.38 and 2448.705 prints 2448.71, never a binary-floating-point neighbour.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from qreport.catalog.indicators import Indicator
from qreport.exact import Number, exact

NO_VALUE = "-"


def round_half_up(value: Number, places: int = 2) -> Decimal:
    """`value` rounded half up (away from zero: -14.375 → -14.38) to `places` decimals, from its
    exact value, as a reader rounds by hand."""
    x = exact(value)
    q = abs(x) * 10**places
    whole = q.numerator // q.denominator
    if q - whole >= Fraction(1, 2):
        whole += 1
    out = Decimal(-whole if x < 0 else whole)
    return out.scaleb(-places) if places else out


def fixed(value: Number | None, places: int = 2) -> str:
    """`value` with exactly `places` decimals, half-up; `-` for no value."""
    if value is None:
        return NO_VALUE
    text = f"{round_half_up(value, places):.{places}f}"
    return text.removeprefix("-") if Decimal(text) == 0 else text


def rounded(value: float | None, places: int = 2) -> float | None:
    """The float of the printed figure (for a chart, whose renderer would otherwise round itself)."""
    return None if value is None else float(round_half_up(value, places))


def format_value(value: Number | None, kind: str | None = None, decimals: int | None = None) -> str:
    """A catalog value as printed: with the indicator's declared `decimals` (catalog), else kind
    `int` without decimals and dec/pct/ratio with two.

    Without a kind, a whole number prints as an integer and anything else with two decimals. An
    `int` indicator that is not whole (say a city value divided out) keeps its two decimals rather
    than being silently rounded.
    """
    if value is None:
        return NO_VALUE
    x = exact(value)
    if decimals is not None:
        return fixed(x, decimals)
    whole = x.denominator == 1
    if kind == "int" or (kind is None and whole):
        return str(x.numerator) if whole else fixed(x)
    return fixed(x)


def indicator_value(value: Number | None, indicator: Indicator) -> str:
    """`value` printed as `indicator` declares (kind and decimals)."""
    return format_value(value, indicator.kind, indicator.decimals)


def percent_change(current: Number | None, previous: Number | None) -> Fraction | None:
    """Exact change from `previous` to `current` in percent; None when it cannot be computed."""
    if current is None or previous is None or previous == 0:
        return None
    before = exact(previous)
    return (exact(current) - before) / before * 100


def one_decimal(value: Number) -> str:
    """`value` with one decimal, half-up (for 较上年增长 4.5%)."""
    return fixed(value, 1)
