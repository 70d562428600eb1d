"""Native charts declared in report.toml, each followed by its numbered caption (图N-M title)."""

from __future__ import annotations

import importlib

from docx.document import Document

from qreport.catalog.indicators import Catalog
from qreport.model import Dataset
from qreport.report import styles
from qreport.report.captions import Numbering
from qreport.report.numformat import rounded
from qreport.report.spec import ChartSpec, Item, fill

YEARS = ("previous", "current")


def _series_name(item: Item, which: str, catalog: Catalog, years: dict[str, str], **names: object) -> str:
    name = fill(item.label, **names) if item.label else catalog[item.id].name
    return f"{years[which]}{name}" if item.year == "both" else name


def _drawn(value: float | None) -> float | None:
    """The value as the report prints it (half up from the exact value), so the chart's own
    renderer never rounds a 14.375 down to 14.37."""
    return rounded(value, 2)


def chart_data(
    spec: ChartSpec,
    dataset: Dataset,
    catalog: Catalog,
    labels: dict[str, str],
    years: dict[str, str],
    **names: object,
) -> tuple[list[str], list[tuple[str, list[float | None]]]]:
    """(categories, series) of a chart; every value straight from the dataset."""
    if spec.categories == "schools":
        categories = [labels[s.name] for s in dataset.schools]
        series = []
        for item in spec.items:
            for which in YEARS if item.year == "both" else (item.year,):
                values = [_drawn(dataset.value(item.id, which, s.name)) for s in dataset.schools]
                series.append((_series_name(item, which, catalog, years, **names), values))
        return categories, series
    if all(item.year == "both" for item in spec.items):  # the items compared over the two years
        categories = [fill(i.label, **names) if i.label else catalog[i.id].name for i in spec.items]
        return categories, [(years[w], [dataset.value(i.id, w) for i in spec.items]) for w in YEARS]
    categories = [_series_name(item, item.year, catalog, years, **names) for item in spec.items]
    values = [
        _drawn(dataset.value(i.id, "previous" if i.year == "previous" else "current")) for i in spec.items
    ]
    return categories, [(fill(spec.series_label, **names), values)]


def write_chart(
    doc: Document,
    spec: ChartSpec,
    chapter: int,
    dataset: Dataset,
    catalog: Catalog,
    labels: dict[str, str],
    years: dict[str, str],
    numbering: Numbering,
    warnings: list[str],
    **names: object,
) -> None:
    try:
        charts = importlib.import_module("qreport.report.wordml.charts")
    except ImportError:  # the chart writer is optional until it ships
        warnings.append(f"图表“{spec.id}”未生成：图表模块不可用。")
        return
    title = fill(spec.title, **names)
    categories, series = chart_data(spec, dataset, catalog, labels, years, **names)
    # a chart of nothing (or a pie of zeros) says nothing; leave it out rather than draw an empty frame
    if not categories or all(not v for _, values in series for v in values):
        warnings.append(f"图表“{title}”没有任何数据，已略去。")
        return
    paragraph = doc.add_paragraph(style=styles.PICTURE)
    size = {"width_cm": spec.width_cm, "height_cm": spec.height_cm, "number_format": spec.number_format}
    if spec.type == "pie":
        charts.add_pie_chart(doc, paragraph, title=title, categories=categories, values=series[0][1], **size)
    else:
        charts.add_bar_chart(doc, paragraph, title=title, categories=categories, series=series, **size)
    doc.add_paragraph(numbering.caption("图", chapter, title), style=styles.FIGURE_CAPTION)
