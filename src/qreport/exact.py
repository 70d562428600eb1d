"""Exact arithmetic on the numbers schools type.

A stored float stands for the decimal it was typed or computed as: its shortest repr (2448.705, not
2448.70499999…). Rates, sums and means are computed on these exact values with `Fraction` and turned
into floats only when stored, so a figure such as 23/160 × 100 is 14.375 exactly, never
14.374999999999998; a printed figure is then rounded half up from it (qreport.report.numformat).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from fractions import Fraction

Number = float | int | Fraction | Decimal


def exact(value: Number) -> Fraction:
    """The exact value a stored number stands for: a float is read as its shortest decimal repr."""
    if isinstance(value, Fraction):
        return value
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, float):
        if value.is_integer():
            return Fraction(int(value))
        return Fraction(Decimal(repr(value)))
    return Fraction(value)


def exact_total(values: Iterable[float]) -> Fraction:
    """The exact sum of typed values, independent of their order.

    Whole numbers (nearly every count) are summed as floats, which is exact below 2**53; only
    columns with fractional values pay for exact arithmetic."""
    vals = list(values)
    if all(float(v).is_integer() for v in vals) and sum(abs(v) for v in vals) < 2**53:
        return Fraction(int(sum(vals)))
    return sum((exact(v) for v in vals), Fraction(0))


def stored(value: Fraction | None) -> float | None:
    """A computed value as the dataset stores it: the nearest float (None beyond a float's range,
    which only a nonsensical denominator such as 1e-300 can produce)."""
    if value is None:
        return None
    try:
        return float(value)
    except OverflowError:
        return None
