"""Native Word charts (DrawingML chart parts) for the report.

A chart drawn as a picture needs Chinese fonts on the machine that draws it; a native chart is
drawn by Word (or LibreOffice) when the document is opened, with the reader's fonts, and the
reader can restyle it or "edit data" on it. python-docx has no chart support, so this module
borrows python-pptx's chart machinery — the chart XML writer, its chart object model for the
title/legend/labels/axes, and its embedded-workbook writer — and wires the result into the
Word package itself:

    document.xml  --chart-->  /word/charts/chartN.xml  --package-->  /word/embeddings/….xlsx

and an inline ``wp:inline`` drawing in a run of the given paragraph that points at the chart.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.part import Part, XmlPart
from docx.oxml import parse_xml as docx_parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm
from lxml import etree
from pptx.chart.chart import Chart
from pptx.chart.data import CategoryChartData
from pptx.chart.plot import _BasePlot
from pptx.chart.xmlwriter import ChartXmlWriter
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION
from pptx.oxml import parse_xml as pptx_parse_xml
from pptx.util import Pt as PptPt

if TYPE_CHECKING:
    from docx.document import Document
    from docx.text.paragraph import Paragraph

__all__ = ["CHART_FONT", "BarStyle", "add_bar_chart", "add_pie_chart"]

#: Typeface written into every chart's text properties, for Latin and East Asian text alike.
#: Word substitutes a font the reader has when this one is missing; LibreOffice does the same.
CHART_FONT = "宋体"

_C = "http://schemas.openxmlformats.org/drawingml/2006/chart"
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_CHART_URI = _C

_CHART_PARTNAME = "/word/charts/chart%d.xml"
_XLSX_PARTNAME = "/word/embeddings/Microsoft_Excel_Sheet%d.xlsx"

_BODY_PT = 9


@dataclass(frozen=True)
class BarStyle:
    """How a bar chart is drawn (report/chartfit.py decides it from the data and the page).

    `gap_width` is the space between clusters in % of a bar; `axis_*` bound the value axis (None:
    automatic) and `axis_format` is the Excel format of its tick labels (None: as the values).
    """

    horizontal: bool = False
    value_labels: bool = True
    label_pt: float = _BODY_PT
    category_pt: float = _BODY_PT
    gap_width: int = 150
    axis_min: float | None = 0
    axis_max: float | None = None
    major_unit: float | None = None
    axis_format: str | None = None


def add_bar_chart(
    doc: Document,
    paragraph: Paragraph,
    *,
    title: str,
    categories: list[str],
    series: list[tuple[str, list[float | None]]],
    width_cm: float = 15,
    height_cm: float = 8,
    number_format: str = "General",
    style: BarStyle = BarStyle(),
) -> None:
    """Append a clustered column chart (bars when `style.horizontal`) to `paragraph`.

    `series` is ``[(name, values), …]`` with one value per category; None leaves a gap (the
    point is omitted, and its workbook cell left blank). `number_format` is an Excel number
    format for the values and their data labels, e.g. ``"0.0"`` or ``"0.0%"``. `title` is the
    chart's description (alt text); the chart draws no title, its caption says it.
    """
    if not series:
        raise ValueError("a bar chart needs at least one series")
    _check_categories(categories)
    for name, values in series:
        _check_values(values, len(categories), what=f"series {name!r}")
    chart_data = CategoryChartData(number_format=number_format)
    chart_data.categories = [str(c) for c in categories]
    for name, values in series:
        chart_data.add_series(str(name), [_clean(v) for v in values])
    chart_type = XL_CHART_TYPE.BAR_CLUSTERED if style.horizontal else XL_CHART_TYPE.COLUMN_CLUSTERED
    _embed_chart(
        doc,
        paragraph,
        chart_type=chart_type,
        chart_data=chart_data,
        title=title,
        width_cm=width_cm,
        height_cm=height_cm,
        style=style,
    )


def add_pie_chart(
    doc: Document,
    paragraph: Paragraph,
    *,
    title: str,
    categories: list[str],
    values: list[float | None],
    width_cm: float = 12,
    height_cm: float = 8,
    number_format: str = "General",
) -> None:
    """Append a pie chart of `values` (one per category; None omits the slice) to `paragraph`.

    Slices are labelled with their value and percentage; the legend names the categories. `title`
    is the chart's description (alt text) and its series' name; the chart draws no title.
    """
    _check_categories(categories)
    _check_values(values, len(categories), what="values")
    chart_data = CategoryChartData(number_format=number_format)
    chart_data.categories = [str(c) for c in categories]
    chart_data.add_series(str(title) or "系列1", [_clean(v) for v in values])
    _embed_chart(
        doc,
        paragraph,
        chart_type=XL_CHART_TYPE.PIE,
        chart_data=chart_data,
        title=title,
        width_cm=width_cm,
        height_cm=height_cm,
        style=BarStyle(),
    )


# -- validation -----------------------------------------------------------------------------------


def _check_categories(categories: Sequence[str]) -> None:
    if not categories:
        raise ValueError("a chart needs at least one category")


def _check_values(values: Sequence[float | None], n: int, *, what: str) -> None:
    if len(values) != n:
        raise ValueError(f"{what} has {len(values)} values for {n} categories")


def _clean(value: float | None) -> float | None:
    """None, NaN and infinities become gaps; everything else a plain number."""
    if value is None:
        return None
    number = float(value)
    if not math.isfinite(number):
        return None
    return int(number) if number.is_integer() and abs(number) < 2**53 else number


# -- chart XML ------------------------------------------------------------------------------------


def _chart_xml(chart_type: XL_CHART_TYPE, chart_data: CategoryChartData, style: BarStyle) -> etree._Element:
    """The `c:chartSpace` element for `chart_data`, styled for a Chinese report.

    No title in the chart: the report's caption under it (图N-M …) names it, as in a printed report.
    """
    chart_space = pptx_parse_xml(ChartXmlWriter(chart_type, chart_data).xml.encode("utf-8"))
    chart = Chart(chart_space, None)
    is_pie = chart_type == XL_CHART_TYPE.PIE

    # Text properties for the whole chart: size and a Chinese-capable typeface.
    chart.font.size = PptPt(_BODY_PT)
    _set_typeface(chart.font._rPr)
    chart.has_title = False  # c:autoTitleDeleted = 1: Word would otherwise print the series name

    chart.has_legend = True
    chart.legend.position = XL_LEGEND_POSITION.BOTTOM
    chart.legend.include_in_layout = False

    plot = chart.plots[0]
    plot.vary_by_categories = is_pie
    plot.has_data_labels = is_pie or style.value_labels
    if plot.has_data_labels:
        _data_labels(plot, chart_data.number_format, is_pie=is_pie, size_pt=style.label_pt)
    if not is_pie:
        _bar_axes(chart, style)
        _positive_axis_ids(chart_space)
        _fix_axes(chart_space, reverse_categories=chart_type == XL_CHART_TYPE.BAR_CLUSTERED)

    _add_head(chart_space)
    _add_frame(chart_space)
    chart_space.get_or_add_externalData()  # r:id is set once the workbook part is related
    return chart_space


def _data_labels(plot: _BasePlot, number_format: str, *, is_pie: bool, size_pt: float) -> None:
    labels = plot.data_labels
    labels.number_format = number_format
    # Bars: an explicit format must not defer to the source (LibreOffice ignores the cached
    # one). Pies: a label holds value and percentage, and one unlinked format would apply to
    # both (0.6 for 60 %), so the value keeps its source format and the percentage its own.
    labels.number_format_is_linked = is_pie or number_format == "General"
    labels.show_value = True
    labels.font.size = PptPt(size_pt)
    _set_typeface(labels.font._rPr)
    if is_pie:
        labels.show_percentage = True
        labels.position = XL_LABEL_POSITION.BEST_FIT
    else:
        labels.position = XL_LABEL_POSITION.OUTSIDE_END


def _bar_axes(chart: Chart, style: BarStyle) -> None:
    """Value-axis bounds and steps, gaps between clusters, and category names at their size, every
    one of them shown (c:tickLblSkip = 1: never skipped or staggered)."""
    plot = chart.plots[0]
    plot.gap_width = style.gap_width
    value_axis = chart.value_axis
    value_axis.has_major_gridlines = True
    value_axis.minimum_scale = style.axis_min
    value_axis.maximum_scale = style.axis_max
    value_axis.major_unit = style.major_unit
    if style.axis_format is not None:
        value_axis.tick_labels.number_format = style.axis_format
        value_axis.tick_labels.number_format_is_linked = False
    category_axis = chart.category_axis
    category_axis.tick_labels.font.size = PptPt(style.category_pt)
    _set_typeface(category_axis.tick_labels.font._rPr)
    cat_ax = category_axis._element
    # an explicit rotation of 0: names are never turned, and LibreOffice then draws every one
    # (it hides "overlapping" names otherwise, judging by line height, not by the glyphs)
    body_pr = cat_ax.find(f"{{{_C}}}txPr/{{{_A}}}bodyPr")
    body_pr.set("rot", "0")
    body_pr.set("vert", "horz")
    skip = cat_ax.find(f"{{{_C}}}tickLblSkip")
    if skip is None:
        skip = etree.Element(f"{{{_C}}}tickLblSkip")
        # CT_CatAx: … lblAlgn, lblOffset, tickLblSkip, tickMarkSkip, noMultiLvlLbl, extLst
        anchor = next(
            (c for c in cat_ax if etree.QName(c).localname in {"tickMarkSkip", "noMultiLvlLbl", "extLst"}),
            None,
        )
        if anchor is None:
            cat_ax.append(skip)
        else:
            anchor.addprevious(skip)
    skip.set("val", "1")


def _set_typeface(rPr: etree._Element) -> None:
    """Give an `a:rPr`/`a:defRPr` the chart typeface for Latin and East Asian text."""
    rPr.set("lang", "zh-CN")
    rPr.set("altLang", "en-US")
    for tag in ("latin", "ea", "cs"):
        old = rPr.find(f"{{{_A}}}{tag}")
        if old is not None:
            rPr.remove(old)
    # CT_TextCharacterProperties: ln, fill, effect, highlight, uLnTx|uLn, uFillTx|uFill,
    # latin, ea, cs, sym, hlinkClick, hlinkMouseOver, rtl, extLst.
    after = {"sym", "hlinkClick", "hlinkMouseOver", "rtl", "extLst"}
    anchor = next((child for child in rPr if etree.QName(child).localname in after), None)
    for tag in ("latin", "ea", "cs"):
        font = etree.Element(f"{{{_A}}}{tag}", typeface=CHART_FONT)
        if anchor is None:
            rPr.append(font)
        else:
            anchor.addprevious(font)


def _positive_axis_ids(chart_space: etree._Element) -> None:
    """Replace python-pptx's negative axis ids: `c:axId` is an unsigned int in the schema."""
    ids: dict[str, str] = {}
    for el in chart_space.iter(f"{{{_C}}}axId", f"{{{_C}}}crossAx"):
        old = el.get("val")
        if old not in ids:
            ids[old] = str(500000 + len(ids) + 1)
        el.set("val", ids[old])


def _fix_axes(chart_space: etree._Element, *, reverse_categories: bool) -> None:
    """Explicit axis orientation; horizontal bars list the first category at the top.

    Reversing the category axis would move the value axis to the top, so the value axis is
    then made to cross at the maximum category, which is at the bottom.
    """
    for axis in chart_space.iter(f"{{{_C}}}catAx", f"{{{_C}}}valAx"):
        scaling = axis.find(f"{{{_C}}}scaling")
        orientation = scaling.find(f"{{{_C}}}orientation")
        if orientation is None:
            orientation = etree.Element(f"{{{_C}}}orientation")
            scaling.insert(0, orientation)  # CT_Scaling: logBase, orientation, max, min
            log_base = scaling.find(f"{{{_C}}}logBase")
            if log_base is not None:
                log_base.addnext(orientation)
        is_cat = etree.QName(axis).localname == "catAx"
        orientation.set("val", "maxMin" if is_cat and reverse_categories else "minMax")
        if not is_cat and reverse_categories:
            crosses = axis.find(f"{{{_C}}}crosses")
            if crosses is not None:
                crosses.set("val", "max")


def _add_head(chart_space: etree._Element) -> None:
    """`c:date1904`, `c:lang` and `c:roundedCorners` (Word rounds the frame when it is absent)."""
    for tag in ("date1904", "lang", "roundedCorners"):
        old = chart_space.find(f"{{{_C}}}{tag}")
        if old is not None:
            chart_space.remove(old)
    for pos, (tag, val) in enumerate((("date1904", "0"), ("lang", "zh-CN"), ("roundedCorners", "0"))):
        chart_space.insert(pos, etree.Element(f"{{{_C}}}{tag}", val=val))


def _add_frame(chart_space: etree._Element) -> None:
    """No fill and no border around the chart: it sits on the page like a figure."""
    chart = chart_space.find(f"{{{_C}}}chart")
    if chart_space.find(f"{{{_C}}}spPr") is not None:
        return
    sp_pr = etree.SubElement(chart_space, f"{{{_C}}}spPr")
    etree.SubElement(sp_pr, f"{{{_A}}}noFill")
    ln = etree.SubElement(sp_pr, f"{{{_A}}}ln")
    etree.SubElement(ln, f"{{{_A}}}noFill")
    chart.addnext(sp_pr)  # CT_ChartSpace: … chart, spPr, txPr, externalData …


# -- package wiring -------------------------------------------------------------------------------


def _embed_chart(
    doc: Document,
    paragraph: Paragraph,
    *,
    chart_type: XL_CHART_TYPE,
    chart_data: CategoryChartData,
    title: str,
    width_cm: float,
    height_cm: float,
    style: BarStyle,
) -> None:
    if width_cm <= 0 or height_cm <= 0:
        raise ValueError("chart width and height must be positive")
    package = doc.part.package
    source_part = paragraph.part  # the document part, or a header/footer part

    chart_space = _chart_xml(chart_type, chart_data, style)
    xml = etree.tostring(chart_space, xml_declaration=True, encoding="UTF-8", standalone=True)

    xlsx_part = Part(package.next_partname(_XLSX_PARTNAME), CT.SML_SHEET, chart_data.xlsx_blob, package)
    chart_partname = package.next_partname(_CHART_PARTNAME)
    chart_part = XmlPart(chart_partname, CT.DML_CHART, docx_parse_xml(xml), package)
    xlsx_rId = chart_part.relate_to(xlsx_part, RT.PACKAGE)
    chart_part.element.find(f"{{{_C}}}externalData").set(f"{{{_R}}}id", xlsx_rId)
    chart_rId = source_part.relate_to(chart_part, RT.CHART)

    shape_id = _next_shape_id(doc, paragraph)
    inline = docx_parse_xml(
        _INLINE_XML.format(
            nsdecls=nsdecls("wp", "a", "c", "r"),
            cx=int(Cm(width_cm)),
            cy=int(Cm(height_cm)),
            id=shape_id,
            name=f"Chart {shape_id}",
            rId=chart_rId,
            uri=_CHART_URI,
        )
    )
    inline.find(qn("wp:docPr")).set("descr", title)
    paragraph.add_run()._r.add_drawing(inline)


_INLINE_XML = (
    '<wp:inline distT="0" distB="0" distL="0" distR="0" {nsdecls}>'
    '<wp:extent cx="{cx}" cy="{cy}"/>'
    '<wp:effectExtent l="0" t="0" r="0" b="0"/>'
    '<wp:docPr id="{id}" name="{name}"/>'
    "<wp:cNvGraphicFramePr/>"
    '<a:graphic><a:graphicData uri="{uri}"><c:chart r:id="{rId}"/></a:graphicData></a:graphic>'
    "</wp:inline>"
)


def _next_shape_id(doc: Document, paragraph: Paragraph) -> int:
    """A `wp:docPr` id unused anywhere in the package (body, headers, footers, notes)."""
    used = [0]
    for part in doc.part.package.iter_parts():
        if isinstance(part, XmlPart):
            ids = (el.get("id", "") for el in part.element.iter(qn("wp:docPr")))
            used.extend(int(v) for v in ids if v.isdigit())
    story_next = getattr(paragraph.part, "next_id", 1)
    return max(max(used) + 1, story_next)
