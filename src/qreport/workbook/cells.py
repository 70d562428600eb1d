"""Reading one typed cell: numbers, numbers typed as text, blanks and not-applicable markers.

Pure functions, no workbook access. The reader decides what a result means for an indicator.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from qreport.workbook.layout import NOT_APPLICABLE

Status = Literal["number", "text_number", "blank", "na", "not_number", "ambiguous"]

# Units and words a school may type after a number: "12人", "3,200元", "97.2%".
_SUFFIXES = (
    "万元", "人日", "学时", "课时", "人/门", "个/生", "元/生", "mbps", "人次", "人", "个", "元", "门", "项",
    "本", "次", "所", "名", "节", "%", "％",
)  # fmt: skip
_GROUPED = re.compile(r"^[+-]?[1-9]\d{0,2}(,\d{3})+(\.\d+)?$")  # "0,100" is no grouping
_PLAIN = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_ANY_NUMBER = re.compile(r"\d+(?:\.\d+)?")
# Digits on both sides of a space are one number only when the space groups thousands ("3 275").
_SPACED = re.compile(r"\d\s+\d")
_SPACE_GROUPED = re.compile(r"[+-]?[1-9]\d{0,2}(?: \d{3})+(?:\.\d+)?(?![\d.])")


@dataclass(frozen=True)
class Parsed:
    status: Status
    value: float | None = None
    percent: bool = False  # typed with a % sign

    @property
    def has_value(self) -> bool:
        return self.value is not None


def parse_cell(raw: object) -> Parsed:
    """Classify a cell value as read from the workbook (number, text, bool or None)."""
    if raw is None:
        return Parsed("blank")
    if isinstance(raw, bool):
        return Parsed("not_number")
    if isinstance(raw, int | float):
        if raw != raw or raw in (float("inf"), float("-inf")):  # NaN / inf never come from a real cell
            return Parsed("not_number")
        return Parsed("number", float(raw))
    return parse_text(str(raw))


def parse_text(text: str) -> Parsed:
    s = unicodedata.normalize("NFKC", text).strip()
    if not s:
        return Parsed("blank")
    if s in NOT_APPLICABLE or unicodedata.normalize("NFKC", s) in NOT_APPLICABLE:
        return Parsed("na")
    if _SPACED.search(s) and not _SPACE_GROUPED.match(s):
        return Parsed("ambiguous")  # "12 15", "2023 2024": two numbers, not one with a space in it
    compact = s.replace(" ", "").replace("\u3000", "")
    lowered = compact.lower()
    percent = False
    for suffix in _SUFFIXES:
        if lowered.endswith(suffix) and len(lowered) > len(suffix):
            percent = suffix in ("%", "％")
            compact = compact[: len(compact) - len(suffix)]
            break
    if _PLAIN.match(compact):
        return _text_number(compact, percent)
    if _GROUPED.match(compact):
        return _text_number(compact.replace(",", ""), percent)
    if _ANY_NUMBER.search(compact):
        return Parsed("ambiguous")  # "12-15", "约100", "1,23": more than one reading
    return Parsed("not_number")


def _text_number(text: str, percent: bool) -> Parsed:
    value = float(text)
    if not math.isfinite(value):  # "1e999", 400 nines: no count or amount, and not valid in JSON
        return Parsed("not_number")
    return Parsed("text_number", value, percent)


def display(value: float) -> str:
    """A number as a user would type it: 3173, 97.2."""
    return str(int(value)) if float(value).is_integer() else f"{value:.10g}"
