"""How a bar chart fits its page: orientation, size, value labels and value axis, decided from its data.

Word and LibreOffice draw a native chart when the document is opened and neither keeps the value
labels of neighbouring bars apart, nor school names under narrow columns from being rotated or
skipped. So the report decides ahead, from the text widths it would print: value labels only when
every label fits its bar (the figures are otherwise in the table next to the chart), columns only
when every category name fits under its column on one line (else horizontal bars, one row per
category, the chart growing with the number of categories up to a page), and a value axis a reader
can compare by (0–100 for percentages, whole steps for counts).

Widths are estimates for the chart's serif CJK face: a CJK character is one em, a digit, point or
Latin letter about 0.6 em; names in rows stay apart at 1.2 em from baseline to baseline.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

from qreport.report.wordml.charts import BarStyle

Orientation = Literal["auto", "columns", "bars"]
LabelPolicy = Literal["auto", "values", "none"]

PT_PER_CM = 72 / 2.54
BODY_PT = 9.0  # category names, legend, axis
MIN_LABEL_PT = 8.0  # smaller value labels are left out rather than printed unreadably
MIN_CATEGORY_PT = 6.5  # a school name is never smaller than this
GLYPH_EM = 1.2  # rows of names need this much height per em to stay apart
MAX_HEIGHT_CM = 21.0  # a chart and its caption on one A4 page of 225 mm text height
# Space the chart spends outside its plot area, in cm: legend under the chart, value-axis labels,
# margins. Measured on LibreOffice's automatic layout at 9 pt.
LEGEND_CM = 1.0
MARGIN_CM = 0.5
BAR_CM = 0.22  # a horizontal bar's thickness when the chart can grow
COLUMN_GAP = 80  # % of a bar between clusters when value labels are shown: wider bars
PLAIN_GAP = 150  # Word's default


@dataclass(frozen=True)
class Axis:
    """The value axis; None leaves a bound to Word/LibreOffice."""

    minimum: float | None = 0
    maximum: float | None = None
    major_unit: float | None = None
    number_format: str | None = None  # None: as the values


def text_width_pt(text: str, size_pt: float) -> float:
    return sum(1.0 if ord(ch) > 0x2E7F else 0.6 for ch in text) * size_pt


def label_text(value: float, number_format: str) -> str:
    """`value` as an Excel format like "0", "0.00" or "General" prints it."""
    if number_format == "General":
        return str(int(value)) if float(value).is_integer() else f"{value:.2f}".rstrip("0")
    decimals = len(number_format.split(".", 1)[1].rstrip("%")) if "." in number_format else 0
    text = f"{value:,.{decimals}f}" if "," in number_format else f"{value:.{decimals}f}"
    return text + ("%" if number_format.endswith("%") else "")


def nice_step(span: float, *, whole: bool) -> float:
    """A 1/2/5 × 10^k step dividing `span` into about five parts (at least 1 for whole numbers)."""
    if span <= 0:
        return 1.0
    raw = span / 5
    power = 10 ** math.floor(math.log10(raw))
    step: float = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    return max(step, 1.0) if whole else step


def value_axis(
    values: Sequence[float], *, percent: bool, whole: bool, minimum: float | None, maximum: float | None,
    major_unit: float | None,
) -> Axis:  # fmt: skip
    """Percentages 0–100 by 20 (unless a value is outside); else from 0 in 1/2/2.5/5 steps (whole
    steps for whole numbers) with room above the tallest bar for its label; what the spec says wins."""
    top = max(values, default=0.0)
    low = min(values, default=0.0)
    if percent and low >= 0 and top <= 100:
        return Axis(
            minimum=0 if minimum is None else minimum,
            maximum=100 if maximum is None else maximum,
            major_unit=20 if major_unit is None else major_unit,
            number_format="0",
        )
    floor = minimum if minimum is not None else (0 if low >= 0 else None)
    if maximum is None and major_unit is None and low >= 0:
        step = nice_step(top, whole=whole)
        ceiling = math.ceil(top / step) * step
        if ceiling - top < 0.1 * ceiling:  # room above the tallest bar for its label
            ceiling += step
        return Axis(
            minimum=floor, maximum=ceiling or step, major_unit=step, number_format="0" if whole else None
        )
    return Axis(minimum=floor, maximum=maximum, major_unit=major_unit)


def fit_bars(
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    *,
    orientation: Orientation,
    labels: LabelPolicy,
    width_cm: float,
    height_cm: float,
    number_format: str,
    axis: Axis,
) -> tuple[BarStyle, float]:
    """The chart's style and height (cm) at `width_cm`."""
    n = len(categories)
    count = max(len(series), 1)
    names_pt = max((text_width_pt(c, BODY_PT) for c in categories), default=0.0)
    texts = [label_text(v, number_format) for _, values in series for v in values if v is not None]
    widest_label = max((len(t) for t in texts), default=0)
    axis_pt = text_width_pt("0" * max(widest_label, 3), BODY_PT) + 0.4 * PT_PER_CM
    plot_w = (width_cm - 2 * MARGIN_CM) * PT_PER_CM - axis_pt
    horizontal = orientation == "bars" or (orientation == "auto" and names_pt > 0.9 * plot_w / max(n, 1))
    if not horizontal:
        show, size, gap = _column_labels(texts, labels, plot_w / max(n, 1), count)
        style = replace(_axis(axis), value_labels=show, label_pt=size, gap_width=gap)
        return style, height_cm
    overhead = LEGEND_CM + 2 * MARGIN_CM + 0.6  # + the value axis' labels
    wanted = n * (count + PLAIN_GAP / 100) * BAR_CM + overhead
    height = min(max(height_cm, wanted), max(MAX_HEIGHT_CM, height_cm))
    row_pt = (height - overhead) * PT_PER_CM / max(n, 1)
    category_pt = max(MIN_CATEGORY_PT, min(BODY_PT, math.floor(row_pt / GLYPH_EM * 2) / 2))
    bar_pt = row_pt / (count + PLAIN_GAP / 100)
    fits = bar_pt >= 1.15 * MIN_LABEL_PT
    show = labels == "values" or (labels == "auto" and fits and bool(texts))
    size = max(MIN_LABEL_PT, min(BODY_PT, math.floor(bar_pt / 1.15 * 2) / 2))
    style = replace(_axis(axis), horizontal=True, value_labels=show, label_pt=size, category_pt=category_pt)
    return style, height


def _column_labels(
    texts: list[str], labels: LabelPolicy, slot_pt: float, count: int
) -> tuple[bool, float, int]:
    """Whether column value labels are shown, at what size and gap: each label within its bar."""
    if labels == "none" or not texts:
        return False, BODY_PT, PLAIN_GAP
    widest = max(texts, key=lambda t: text_width_pt(t, 1))
    for gap in (PLAIN_GAP, COLUMN_GAP):
        bar_pt = slot_pt / (count + gap / 100)
        for size in (BODY_PT, 8.5, MIN_LABEL_PT):
            if text_width_pt(widest, size) <= bar_pt:
                return True, size, gap
    return labels == "values", MIN_LABEL_PT, COLUMN_GAP if labels == "values" else PLAIN_GAP


def _axis(axis: Axis) -> BarStyle:
    return BarStyle(
        axis_min=axis.minimum,
        axis_max=axis.maximum,
        major_unit=axis.major_unit,
        axis_format=axis.number_format,
    )
