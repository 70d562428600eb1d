"""Native charts declared in report.toml, each followed by its numbered caption (图N-M title)."""

from __future__ import annotations

import importlib

from docx.document import Document

from qreport.catalog.indicators import Catalog, Indicator
from qreport.model import Dataset
from qreport.report import styles
from qreport.report.captions import Numbering
from qreport.report.chartfit import Axis, fit_bars, value_axis
from qreport.report.numformat import rounded
from qreport.report.spec import ChartSpec, Item, fill

YEARS = ("previous", "current")


def _series_name(
    item: Item, which: str, catalog: Catalog, year_names: dict[str, str], **names: object
) -> str:
    name = fill(item.label, **names) if item.label else catalog[item.id].name
    return f"{year_names[which]}{name}" if item.year == "both" else name


def _drawn(value: float | None) -> float | None:
    """The value as the report prints it (half up from the exact value), so the chart's own
    renderer never rounds a 14.375 down to 14.37."""
    return rounded(value, 2)


def chart_data(
    spec: ChartSpec,
    dataset: Dataset,
    catalog: Catalog,
    labels: dict[str, str],
    year_names: dict[str, str],
    **names: object,
) -> tuple[list[str], list[tuple[str, list[float | None]]]]:
    """(categories, series) of a chart; every value straight from the dataset."""
    if spec.categories == "schools":
        categories = [labels[s.name] for s in dataset.schools]
        series = []
        for item in spec.items:
            for which in YEARS if item.year == "both" else (item.year,):
                values = [_drawn(dataset.value(item.id, which, s.name)) for s in dataset.schools]
                # one item over two years: the caption names it, the legend only the years
                alone = len(spec.items) == 1 and item.year == "both"
                name = year_names[which] if alone else _series_name(item, which, catalog, year_names, **names)
                series.append((name, values))
        return categories, series
    if all(item.year == "both" for item in spec.items):  # the items compared over the two years
        categories = [fill(i.label, **names) if i.label else catalog[i.id].name for i in spec.items]
        return categories, [
            (year_names[w], [_drawn(dataset.value(i.id, w)) for i in spec.items]) for w in YEARS
        ]
    categories = [_series_name(item, item.year, catalog, year_names, **names) for item in spec.items]
    values = [
        _drawn(dataset.value(i.id, "previous" if i.year == "previous" else "current")) for i in spec.items
    ]
    return categories, [(fill(spec.series_label, **names), values)]


def years_drawn(spec: ChartSpec, dataset: Dataset) -> list[str]:
    """The years ("previous", "current") for which some item of the chart has a value."""
    scope = [s.name for s in dataset.schools] if spec.categories == "schools" else [None]
    return [
        which
        for which in YEARS
        if any(
            dataset.value(item.id, which, school) is not None
            for item in spec.items
            if item.year in (which, "both")
            for school in scope
        )
    ]


def chart_title(spec: ChartSpec, dataset: Dataset, year_names: dict[str, str], **names: object) -> str:
    """The chart's title with {years} naming only the years it draws."""
    drawn = years_drawn(spec, dataset) or list(YEARS)
    return fill(spec.title, **{**names, "years": "、".join(year_names[w] for w in drawn)})


def write_chart(
    doc: Document,
    spec: ChartSpec,
    chapter: int,
    dataset: Dataset,
    catalog: Catalog,
    labels: dict[str, str],
    year_names: dict[str, str],
    numbering: Numbering,
    warnings: list[str],
    **names: object,
) -> None:
    try:
        charts = importlib.import_module("qreport.report.wordml.charts")
    except ImportError:  # the chart writer is optional until it ships
        warnings.append(f"图表“{spec.id}”未生成：图表模块不可用。")
        return
    categories, series = chart_data(spec, dataset, catalog, labels, year_names, **names)
    # a year nobody reported (no 2023 双师型 figures) is left out rather than drawn as empty gaps,
    # and {years} in the caption then names only the year drawn
    series = [(name, values) for name, values in series if any(v is not None for v in values)]
    title = chart_title(spec, dataset, year_names, **names)
    # a chart of nothing (or a pie of zeros) says nothing; leave it out rather than draw an empty frame
    if not categories or all(not v for _, values in series for v in values):
        warnings.append(f"图表“{title}”没有任何数据，已略去。")
        return
    paragraph = doc.add_paragraph(style=styles.PICTURE)
    number_format = spec.number_format or _catalog_format(spec, catalog)
    if spec.type == "pie":
        charts.add_pie_chart(
            doc, paragraph, title=title, categories=categories, values=series[0][1],
            width_cm=spec.width_cm, height_cm=spec.height_cm, number_format=number_format,
        )  # fmt: skip
    else:
        style, height = fit_bars(
            categories, series, orientation=spec.orientation, labels=spec.labels, width_cm=spec.width_cm,
            height_cm=spec.height_cm, number_format=number_format, axis=_value_axis(spec, series, catalog),
        )  # fmt: skip
        charts.add_bar_chart(
            doc, paragraph, title=title, categories=categories, series=series, width_cm=spec.width_cm,
            height_cm=height, number_format=number_format, style=style,
        )  # fmt: skip
    doc.add_paragraph(numbering.caption("图", chapter, title), style=styles.FIGURE_CAPTION)


def _catalog_format(spec: ChartSpec, catalog: Catalog) -> str:
    """The items' decimals as the catalog declares them: "0" for whole numbers, else "0.00"."""
    places = max(_decimals(catalog[item.id]) for item in spec.items)
    return "0." + "0" * places if places else "0"


def _decimals(indicator: Indicator) -> int:
    if indicator.decimals is not None:
        return indicator.decimals
    return 0 if indicator.is_integer else 2


def _value_axis(spec: ChartSpec, series: list[tuple[str, list[float | None]]], catalog: Catalog) -> Axis:
    """Percentages (unit % in the catalog) on 0–100 by 20, whole numbers in whole steps, unless the
    spec bounds the axis itself."""
    indicators = [catalog[item.id] for item in spec.items]
    values = [v for _, vs in series for v in vs if v is not None]
    return value_axis(
        values,
        percent=all(i.unit == "%" for i in indicators),
        whole=all(_decimals(i) == 0 for i in indicators),
        minimum=spec.axis_min,
        maximum=spec.axis_max,
        major_unit=spec.major_unit,
    )
