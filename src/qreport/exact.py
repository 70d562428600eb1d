"""Exact arithmetic on the numbers schools type.

A stored float stands for the decimal it was typed or computed as: its shortest repr (2448.705, not
2448.70499999…). Rates, sums and means are computed on these exact values with `Fraction` and turned
into floats only when stored, so a figure such as 23/160 × 100 is 14.375 exactly, never
14.374999999999998; a printed figure is then rounded half up from it (qreport.report.numformat).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import (
    MAX_EMAX,
    MAX_PREC,
    MIN_EMIN,
    Context,
    Decimal,
    Inexact,
    InvalidOperation,
    Rounded,
    localcontext,
)
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
    columns with fractional values pay for exact arithmetic, in decimals (several times faster than
    adding Fractions, and as exact: each float is its shortest decimal repr, see `exact`)."""
    vals = list(values)
    if all(float(v).is_integer() for v in vals) and sum(abs(v) for v in vals) < 2**53:
        return Fraction(int(sum(vals)))
    with localcontext(_EXACT):
        return Fraction(sum((_decimal(v) for v in vals), Decimal(0)))


def exact_dot(values: Sequence[float], weights: Sequence[float]) -> Fraction:
    """The exact sum of value × weight over the pairs (a weighted mean's numerator)."""
    if all(float(v).is_integer() for v in values) and all(float(w).is_integer() for w in weights):
        return Fraction(sum(int(v) * int(w) for v, w in zip(values, weights, strict=True)))
    with localcontext(_EXACT):
        pairs = zip(values, weights, strict=True)
        return Fraction(sum((_decimal(v) * _decimal(w) for v, w in pairs), Decimal(0)))


# Decimal arithmetic that cannot round: any operation that would raises instead (never happens to
# sums and products of typed numbers, whose digits are few).
_EXACT = Context(prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN, traps=[Inexact, Rounded, InvalidOperation])


def _decimal(value: float | int) -> Decimal:
    """The decimal a stored number stands for, as `exact` reads it (a whole float as its integer)."""
    if isinstance(value, float) and not value.is_integer():
        return Decimal(repr(value))
    return Decimal(int(value))


def stored(value: Fraction | None) -> float | None:
    """A computed value as the dataset stores it: the nearest float (None beyond a float's range,
    which only a nonsensical denominator such as 1e-300 can produce)."""
    if value is None:
        return None
    try:
        return float(value)
    except OverflowError:
        return None
