"""How a number is printed in the report (contract): integers bare, everything else to two decimals.

Rounding is half-up on the decimal digits as typed, the way a reader rounds by hand, so 2448.705
prints as 2448.71 and never as 2448.70 because of binary floating point.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

NO_VALUE = "-"

_CENT = Decimal("0.01")
_TENTH = Decimal("0.1")


def _decimal(value: float) -> Decimal:
    return Decimal(repr(float(value)))


def fixed(value: float | None, places: int = 2) -> str:
    """`value` with exactly `places` decimals, half-up; `-` for no value."""
    if value is None:
        return NO_VALUE
    quantum = Decimal(1).scaleb(-places)
    text = f"{_decimal(value).quantize(quantum, rounding=ROUND_HALF_UP):f}"
    return text.removeprefix("-") if Decimal(text) == 0 else text


def format_value(value: float | None, kind: str | None = None) -> str:
    """A catalog value as printed: kind `int` without decimals, dec/pct/ratio with two.

    Without a kind, a whole number prints as an integer and anything else with two decimals. An
    `int` indicator that is not whole (say a city value divided out) keeps its two decimals rather
    than being silently rounded.
    """
    if value is None:
        return NO_VALUE
    whole = float(value).is_integer()
    if kind == "int" or (kind is None and whole):
        return str(int(value)) if whole else fixed(value)
    return fixed(value)


def percent_change(current: float | None, previous: float | None) -> float | None:
    """Change from `previous` to `current` in percent; None when it cannot be computed."""
    if current is None or previous is None or previous == 0:
        return None
    return (current - previous) / previous * 100


def one_decimal(value: float) -> str:
    """`value` with one decimal, half-up (for 较上年增长 4.5%)."""
    text = f"{_decimal(value).quantize(_TENTH, rounding=ROUND_HALF_UP):f}"
    return text.removeprefix("-") if Decimal(text) == 0 else text
