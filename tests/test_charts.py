"""Native Word charts: package parts, relationships, embedded workbook, chart XML, rendering."""

from __future__ import annotations

import dataclasses
import io
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest
from docx.document import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from qreport.catalog.indicators import load_catalog
from qreport.errors import ConfigError
from qreport.model import Dataset
from qreport.report import styles
from qreport.report.captions import Numbering
from qreport.report.chartfit import MAX_HEIGHT_CM, Axis, fit_bars, label_text, text_width_pt, value_axis
from qreport.report.figures import chart_title, write_chart
from qreport.report.spec import ChartSpec, Item, fill, load_spec
from qreport.report.wordml.charts import CHART_FONT, BarStyle, add_bar_chart, add_pie_chart

from report_fixtures import make_config, make_dataset

NS = {
    "c": "http://schemas.openxmlformats.org/drawingml/2006/chart",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
}
R_ID = f"{{{NS['r']}}}id"

SCHOOLS = ["第一职业学校", "第二职业学校", "第三职业学校"]
ENROLMENT = [("2023年", [1200.0, 980.0, None]), ("2024年", [1300.0, 1010.0, 560.0])]
MAJORS = ["加工制造类", "信息技术类", "财经商贸类"]
DESTINATIONS = ["升学", "就业", "其他"]


def _build(path: Path) -> None:
    doc = docx.Document()
    doc.add_heading("图表", level=1)
    add_bar_chart(
        doc,
        doc.add_paragraph(),
        title="各校在校生人数",
        categories=SCHOOLS,
        series=ENROLMENT,
    )
    add_bar_chart(
        doc,
        doc.add_paragraph(),
        title="专业大类分布",
        categories=MAJORS,
        series=[("专业数", [5, 7, 3])],
        style=BarStyle(horizontal=True),
        width_cm=14,
        height_cm=6,
    )
    add_pie_chart(
        doc,
        doc.add_paragraph(),
        title="毕业生去向",
        categories=DESTINATIONS,
        values=[60.5, 30.0, 9.5],
        number_format="0.0",
    )
    doc.save(path)


@pytest.fixture(scope="module")
def chart_docx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("charts") / "charts.docx"
    _build(path)
    return path


def _charts_by_rid(document) -> dict[str, object]:
    return {rid: rel.target_part for rid, rel in document.part.rels.items() if rel.reltype == RT.CHART}


def _xml(part) -> etree._Element:
    return etree.fromstring(part.blob)


def _texts(root: etree._Element, path: str) -> list[str]:
    return [el.text for el in root.xpath(path, namespaces=NS)]


def test_parts_relationships_and_content_types(chart_docx: Path) -> None:
    document = docx.Document(str(chart_docx))
    charts = _charts_by_rid(document)
    assert sorted(str(p.partname) for p in charts.values()) == [
        "/word/charts/chart1.xml",
        "/word/charts/chart2.xml",
        "/word/charts/chart3.xml",
    ]
    for chart_part in charts.values():
        assert chart_part.content_type == CT.DML_CHART
        packages = [rel for rel in chart_part.rels.values() if rel.reltype == RT.PACKAGE]
        assert len(packages) == 1
        xlsx = packages[0].target_part
        assert re.fullmatch(r"/word/embeddings/Microsoft_Excel_Sheet\d\.xlsx", str(xlsx.partname))
        assert xlsx.content_type == CT.SML_SHEET
        external = _xml(chart_part).find("c:externalData", NS)
        assert external.get(R_ID) == packages[0].rId
        assert external.find("c:autoUpdate", NS).get("val") == "0"

    # [Content_Types].xml declares the chart parts and the embedded workbooks.
    with zipfile.ZipFile(chart_docx) as z:
        types = etree.fromstring(z.read("[Content_Types].xml"))
        names = set(z.namelist())
    ns = {"t": "http://schemas.openxmlformats.org/package/2006/content-types"}
    overrides = {o.get("PartName"): o.get("ContentType") for o in types.findall("t:Override", ns)}
    defaults = {d.get("Extension"): d.get("ContentType") for d in types.findall("t:Default", ns)}
    for n in (1, 2, 3):
        assert overrides[f"/word/charts/chart{n}.xml"] == CT.DML_CHART
        xlsx_name = f"/word/embeddings/Microsoft_Excel_Sheet{n}.xlsx"
        assert overrides.get(xlsx_name, defaults.get("xlsx")) == CT.SML_SHEET
        assert xlsx_name[1:] in names


def test_inline_drawings_point_at_the_charts(chart_docx: Path) -> None:
    document = docx.Document(str(chart_docx))
    charts = _charts_by_rid(document)
    body = document.element.body
    inlines = body.findall(".//wp:inline", NS)
    assert len(inlines) == 3
    ids = [inline.find("wp:docPr", NS).get("id") for inline in inlines]
    assert len(set(ids)) == 3
    rids = []
    for inline in inlines:
        data = inline.find("a:graphic/a:graphicData", NS)
        assert data.get("uri") == "http://schemas.openxmlformats.org/drawingml/2006/chart"
        rids.append(data.find("c:chart", NS).get(R_ID))
    assert set(rids) == set(charts)
    extent = inlines[1].find("wp:extent", NS)
    assert (int(extent.get("cx")), int(extent.get("cy"))) == (14 * 360000, 6 * 360000)
    descr = [inline.find("wp:docPr", NS).get("descr") for inline in inlines]
    assert descr == ["各校在校生人数", "专业大类分布", "毕业生去向"]


def test_embedded_workbooks_hold_the_data(chart_docx: Path) -> None:
    document = docx.Document(str(chart_docx))
    charts = sorted(_charts_by_rid(document).values(), key=lambda p: str(p.partname))
    sheets = []
    for chart_part in charts:
        xlsx = next(r.target_part for r in chart_part.rels.values() if r.reltype == RT.PACKAGE)
        wb = openpyxl.load_workbook(io.BytesIO(xlsx.blob))
        sheets.append([list(row) for row in wb.worksheets[0].iter_rows(values_only=True)])

    enrol = sheets[0]
    assert enrol[0][1:] == ["2023年", "2024年"]
    assert [row[0] for row in enrol[1:]] == SCHOOLS
    assert [row[1] for row in enrol[1:]] == [1200, 980, None]  # None stays a blank cell
    assert [row[2] for row in enrol[1:]] == [1300, 1010, 560]

    assert [row[0] for row in sheets[1][1:]] == MAJORS
    assert [row[1] for row in sheets[1][1:]] == [5, 7, 3]

    assert [row[0] for row in sheets[2][1:]] == DESTINATIONS
    assert [row[1] for row in sheets[2][1:]] == [60.5, 30, 9.5]


def test_chart_xml(chart_docx: Path) -> None:
    document = docx.Document(str(chart_docx))
    bar, hbar, pie = (
        _xml(p) for p in sorted(_charts_by_rid(document).values(), key=lambda p: str(p.partname))
    )

    # Series names and Chinese category labels in the caches.
    assert _texts(bar, "//c:ser/c:tx//c:strCache/c:pt/c:v") == ["2023年", "2024年"]
    assert _texts(bar, "//c:ser[1]/c:cat//c:strCache/c:pt/c:v") == SCHOOLS
    first = bar.xpath("//c:ser[1]/c:val//c:numCache", namespaces=NS)[0]
    assert first.find("c:ptCount", NS).get("val") == "3"
    # The missing value is a gap: no point with idx 2.
    assert [pt.get("idx") for pt in first.findall("c:pt", NS)] == ["0", "1"]
    assert _texts(first, "c:pt/c:v") == ["1200", "980"]
    assert _texts(bar, "//c:ser[2]/c:val//c:numCache/c:pt/c:v") == ["1300", "1010", "560"]
    assert _texts(hbar, "//c:cat//c:strCache/c:pt/c:v") == MAJORS
    assert _texts(pie, "//c:cat//c:strCache/c:pt/c:v") == DESTINATIONS
    assert _texts(pie, "//c:val//c:numCache/c:pt/c:v") == ["60.5", "30", "9.5"]

    # Kind of chart.
    assert bar.xpath("//c:barChart/c:barDir/@val", namespaces=NS) == ["col"]
    assert bar.xpath("//c:barChart/c:grouping/@val", namespaces=NS) == ["clustered"]
    assert hbar.xpath("//c:barChart/c:barDir/@val", namespaces=NS) == ["bar"]
    assert pie.xpath("//c:pieChart", namespaces=NS)

    for root in (bar, hbar, pie):
        # no title inside the chart: the report's caption under it names it
        assert root.find("c:chart/c:title", NS) is None
        assert root.xpath("c:chart/c:autoTitleDeleted/@val", namespaces=NS) == ["1"]
        assert root.xpath("c:chart/c:legend/c:legendPos/@val", namespaces=NS) == ["b"]
        assert root.xpath("//c:dLbls/c:showVal/@val", namespaces=NS) == ["1"]
        assert root.xpath("c:chart/c:dispBlanksAs/@val", namespaces=NS) == ["gap"]
        # Chinese-capable typeface for Latin and East Asian text in the chart's text properties.
        def_rpr = root.find("c:txPr/a:p/a:pPr/a:defRPr", NS)
        assert def_rpr.find("a:latin", NS).get("typeface") == CHART_FONT
        assert def_rpr.find("a:ea", NS).get("typeface") == CHART_FONT
        assert root.find("c:roundedCorners", NS).get("val") == "0"

    for root in (bar, hbar):
        assert root.xpath("//c:valAx/c:scaling/c:min/@val", namespaces=NS) in (["0"], ["0.0"])
        # Axis ids are unsigned ints and the two axes cross each other.
        ax_ids = root.xpath("//c:barChart/c:axId/@val", namespaces=NS)
        assert all(v.isdigit() for v in ax_ids) and len(set(ax_ids)) == 2
        assert sorted(root.xpath("//c:crossAx/@val", namespaces=NS)) == sorted(ax_ids)
    # Horizontal bars list the first category at the top.
    assert hbar.xpath("//c:catAx/c:scaling/c:orientation/@val", namespaces=NS) == ["maxMin"]
    assert pie.xpath("//c:dLbls/c:numFmt/@formatCode", namespaces=NS) == ["0.0"]


def test_more_charts_after_reopening_get_fresh_names_and_ids(chart_docx: Path, tmp_path: Path) -> None:
    document = docx.Document(str(chart_docx))
    cell = document.add_table(rows=1, cols=1).cell(0, 0)
    add_pie_chart(document, cell.paragraphs[0], title="第四个", categories=["甲", "乙"], values=[1, None])
    add_bar_chart(
        document, document.add_paragraph(), title="第五个", categories=["甲"], series=[("值", [None])]
    )
    out = tmp_path / "more.docx"
    document.save(out)

    reopened = docx.Document(str(out))
    names = sorted(str(p.partname) for p in _charts_by_rid(reopened).values())
    assert names == [f"/word/charts/chart{n}.xml" for n in range(1, 6)]
    with zipfile.ZipFile(out) as z:
        embedded = sorted(n for n in z.namelist() if n.startswith("word/embeddings/"))
    assert embedded == [f"word/embeddings/Microsoft_Excel_Sheet{n}.xlsx" for n in range(1, 6)]
    ids = [el.get("id") for el in reopened.element.body.iter(f"{{{NS['wp']}}}docPr")]
    assert len(ids) == 5 and len(set(ids)) == 5


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"categories": [], "series": [("a", [])]}, "category"),
        ({"categories": ["甲"], "series": []}, "series"),
        ({"categories": ["甲", "乙"], "series": [("a", [1])]}, "1 values for 2"),
    ],
)
def test_bad_bar_input(kwargs: dict, message: str) -> None:
    doc = docx.Document()
    with pytest.raises(ValueError, match=message):
        add_bar_chart(doc, doc.add_paragraph(), title="t", **kwargs)


def test_bad_pie_input() -> None:
    doc = docx.Document()
    with pytest.raises(ValueError, match="2 values for 1"):
        add_pie_chart(doc, doc.add_paragraph(), title="t", categories=["甲"], values=[1, 2])


def test_renders_in_libreoffice(chart_docx: Path, tmp_path: Path) -> None:
    from qreport.report.pdf import convert_to_pdf, soffice_available

    if not soffice_available():
        pytest.skip("LibreOffice (soffice) with Python-UNO is not installed: chart rendering not checked")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed: chart rendering not checked")
    pdf = tmp_path / "charts.pdf"
    convert_to_pdf(chart_docx, pdf, timeout=180)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = re.sub(r"\s+", "", text)
    for label in [*SCHOOLS, *MAJORS, *DESTINATIONS, "2024年"]:
        assert label in flat, label
    assert "各校在校生人数" not in flat  # the title is the caption's, not the chart's
    # Data labels are drawn.
    for value in ("1300", "1010", "560"):
        assert value in flat


# -- what a reader can read: label policy, axes, orientation (report/chartfit.py) -----------------

SEVEN = ["市一职", "市职校", "市艺校", "市体校", "前旗职中", "五原职高", "杭后职教"]


def _fit(categories: list[str], series: list, **kwargs):  # type: ignore[no-untyped-def]
    options = {"orientation": "auto", "labels": "auto", "width_cm": 15.0, "height_cm": 8.0,
               "number_format": "0", "axis": Axis()}  # fmt: skip
    return fit_bars(categories, series, **(options | kwargs))


def test_value_labels_only_when_every_label_fits_its_bar() -> None:
    two_years = [("2023年", [108, 11, 4, 19, 82, 89, 119]), ("2024年", [155, 3, 10, 16, 114, 105, 154])]
    style, height = _fit(SEVEN, two_years)
    assert not style.horizontal and style.value_labels and height == 8.0
    # 7 schools × 4 series of four-digit counts: the labels would run into each other (the old 图1-4)
    four = [(f"s{k}", [3326, 812, 49, 320, 1680, 1730, 2213]) for k in range(4)]
    assert not _fit(SEVEN, four)[0].value_labels
    assert not _fit(SEVEN, [(f"s{k}", [87.6, 91.14, 95.45, 93.53, 87.88, 98.06, 91.58]) for k in range(4)],
                    number_format="0.00")[0].value_labels  # fmt: skip
    assert _fit(SEVEN, four, labels="values")[0].value_labels
    assert not _fit(SEVEN, two_years, labels="none")[0].value_labels


def test_columns_until_names_no_longer_fit_then_bars_that_grow_with_the_schools() -> None:
    for n in (12, 30, 60):
        names = [f"乌拉特前旗第{k}职业中学" for k in range(n)]
        style, height = _fit(names, [("2023年", [1.0] * n), ("2024年", [2.0] * n)])
        assert style.horizontal
        assert 8.0 <= height <= MAX_HEIGHT_CM
        rows_pt = (height - 2.6) * 72 / 2.54 / n
        assert style.category_pt * 1.2 <= rows_pt + 0.01  # names one above the other stay apart
        assert style.category_pt >= 6.5
    assert _fit([f"第{k}校" for k in range(30)], [("a", [1.0] * 30)])[1] > _fit(SEVEN, [("a", [1.0] * 7)])[1]
    assert not _fit(SEVEN, [("a", [1.0] * 7)])[0].horizontal
    assert _fit(SEVEN, [("a", [1.0] * 7)], orientation="bars")[0].horizontal


@pytest.mark.parametrize(
    ("values", "percent", "whole", "expected"),
    [
        ([87.6, 100.0, 95.45], True, False, Axis(0, 100, 20, "0")),
        ([12.0, 130.0], True, False, Axis(0, 150, 50, None)),  # a value above 100 is not cut off
        ([3313.0, 3321.0, 10130.0], False, True, Axis(0, 12500, 2500, "0")),
        ([1.0, 3.0], False, True, Axis(0, 4, 1, "0")),  # no 0.5 steps for counts
        ([1.46, 2.0], False, False, Axis(0, 2.5, 0.5, None)),
        ([-3.0, 2.0], False, False, Axis(None, None, None, None)),  # a negative value: automatic
    ],
)
def test_value_axis(values: list[float], percent: bool, whole: bool, expected: Axis) -> None:
    axis = value_axis(values, percent=percent, whole=whole, minimum=None, maximum=None, major_unit=None)
    assert axis == expected


def test_the_spec_bounds_win() -> None:
    axis = value_axis([50.0], percent=True, whole=False, minimum=40, maximum=None, major_unit=10)
    assert (axis.minimum, axis.maximum, axis.major_unit) == (40, 100, 10)


@pytest.mark.parametrize(("value", "fmt", "text"), [(1002, "0", "1002"), (97.2, "0.00", "97.20"),
                                                    (94518.42, "#,##0", "94,518"), (2.5, "General", "2.5")])  # fmt: skip
def test_label_text(value: float, fmt: str, text: str) -> None:
    assert label_text(value, fmt) == text


def _chart_root(tmp_path: Path, style: BarStyle, n: int = 3) -> etree._Element:
    doc = docx.Document()
    add_bar_chart(
        doc, doc.add_paragraph(), title="t", categories=[f"校{k}" for k in range(n)],
        series=[("2023年", [1.0] * n), ("2024年", [2.0] * n)], style=style,
    )  # fmt: skip
    doc.save(tmp_path / "c.docx")
    with zipfile.ZipFile(tmp_path / "c.docx") as z:
        return etree.fromstring(z.read("word/charts/chart1.xml"))


def test_chart_xml_follows_the_style(tmp_path: Path) -> None:
    plain = _chart_root(tmp_path, BarStyle(value_labels=False, axis_min=0, axis_max=100, major_unit=20,
                                           axis_format="0", category_pt=7, gap_width=80))  # fmt: skip
    assert plain.find(".//c:barChart/c:dLbls", NS) is None  # no value labels at all
    assert plain.xpath("//c:valAx/c:scaling/c:max/@val", namespaces=NS) in (["100"], ["100.0"])
    assert plain.xpath("//c:valAx/c:majorUnit/@val", namespaces=NS) in (["20"], ["20.0"])
    assert plain.xpath("//c:valAx/c:numFmt/@formatCode", namespaces=NS) == ["0"]
    assert plain.xpath("//c:barChart/c:gapWidth/@val", namespaces=NS) == ["80"]
    # category names: set size, never rotated, none skipped
    assert plain.xpath("//c:catAx/c:txPr/a:bodyPr/@rot", namespaces=NS) == ["0"]
    assert plain.xpath("//c:catAx/c:txPr//a:defRPr/@sz", namespaces=NS) == ["700"]
    assert plain.xpath("//c:catAx/c:tickLblSkip/@val", namespaces=NS) == ["1"]
    labelled = _chart_root(tmp_path, BarStyle(value_labels=True, label_pt=8, axis_max=None))
    assert labelled.xpath("//c:dLbls/c:showVal/@val", namespaces=NS) == ["1"]
    assert labelled.xpath("//c:dLbls/c:txPr//a:defRPr/@sz", namespaces=NS) == ["800"]
    assert labelled.find(".//c:valAx/c:scaling/c:max", NS) is None
    # the schema order of c:catAx holds (Word refuses a chart part out of order)
    order = [etree.QName(c).localname for c in plain.find(".//c:catAx", NS)]
    assert order.index("tickLblSkip") < order.index("noMultiLvlLbl")
    assert order.index("txPr") < order.index("crossAx")


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("axis_min = 50\naxis_max = 10", "axis_max（10.0）须大于 axis_min（50.0）"),
        ('number_format = "0.0%%"', "number_format"),
        ('labels = "some"', "labels"),
        ("width_cm = 20", "width_cm"),
        ("major_unit = 0", "major_unit"),
    ],
)
def test_bad_chart_options_are_named_in_chinese(tmp_path: Path, entry: str, message: str) -> None:
    spec = tmp_path / "report.toml"
    spec.write_text(
        f'[[chart]]\nid = "c"\nsection = "1.1"\ntitle = "t"\nitems = [{{ id = "enrolment" }}]\n{entry}\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match=re.escape(message)):
        load_spec(spec)


# -- the charts as a reader sees them: rendered by LibreOffice, checked from the PDF ----------------

PLACES = ["临河区", "五原县", "磴口县", "乌拉特前旗", "乌拉特中旗", "乌拉特后旗", "杭锦后旗", "市"]
OUTPUT = Path(os.environ.get("QREPORT_TEST_OUTPUT") or Path(__file__).resolve().parent.parent / "test-output")
NAMES = {"year": 2024, "previous": 2023, "region": "巴彦淖尔市", "whole": "全市", "members": "各职业学校",
         "member": "学校", "years": "2023年、2024年"}  # fmt: skip


def many_schools(base: Dataset, n: int) -> Dataset:
    """`base` with `n` schools, each a copy of one of its schools under a new name."""
    schools, values = [], {}
    for k in range(n):
        source = base.schools[k % len(base.schools)]
        name = f"{PLACES[k % len(PLACES)]}第{k + 1}职业中学"
        schools.append(
            dataclasses.replace(source, name=name, short_name=f"{PLACES[k % len(PLACES)]}{k + 1}职中")
        )
        values[name] = base.school_values[source.name]
    return base.model_copy(update={"schools": schools, "school_values": values})


def _chart_pages(doc: Document, dataset: Dataset, *, per_school_only: bool) -> list[tuple[str, Dataset]]:
    pages = []
    numbering, catalog = Numbering(), load_catalog(2024)
    labels = {s.name: s.short_name for s in dataset.schools}
    years = {"previous": "2023年", "current": "2024年"}
    for spec in load_spec().charts:
        if per_school_only and spec.categories != "schools":
            continue
        first = len(doc.paragraphs)
        write_chart(doc, spec, 1, dataset, catalog, labels, years, numbering, [], **NAMES)
        doc.paragraphs[first].paragraph_format.page_break_before = True  # a chart to a page
        pages.append((fill(spec.title, **NAMES), dataset))
    return pages


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[tuple[str, Dataset]]]:
    """Every shipped chart over the example's seven schools, then each per-school chart over 60
    schools (max_schools), one to a page, through LibreOffice; pages kept as PNGs in test-output/charts."""
    from qreport.report.pdf import convert_to_pdf, soffice_available

    if not soffice_available():
        pytest.skip("LibreOffice (soffice) with Python-UNO is not installed: charts not rendered")
    out = tmp_path_factory.mktemp("rendered")
    base = make_dataset(out)
    config = make_config(out)
    doc = styles.styled_document(styles.Typography(config.report.fonts, config.report.sizes))
    pages = _chart_pages(doc, base, per_school_only=False)
    pages += _chart_pages(doc, many_schools(base, 60), per_school_only=True)
    doc.save(out / "charts.docx")
    convert_to_pdf(out / "charts.docx", out / "charts.pdf", timeout=300)
    if shutil.which("pdftoppm"):
        shown = OUTPUT / "charts"
        shutil.rmtree(shown, ignore_errors=True)
        shown.mkdir(parents=True)
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", str(out / "charts.pdf"), str(shown / "page")], check=True
        )
    return out / "charts.pdf", pages


def _chart_chars(page) -> list[dict]:  # type: ignore[no-untyped-def]
    """The characters of the chart on `page`: everything above its caption (图1-N …)."""
    caption = next(w for w in page.extract_words() if re.match(r"^图\d+-\d+", w["text"]))
    return [c for c in page.chars if c["bottom"] <= caption["top"] + 0.5 and c["text"].strip()]


def _overlaps(a: dict, b: dict) -> bool:  # type: ignore[type-arg]
    """Two glyphs' boxes cross, beyond the touching of neighbours in one word (10 % each side)."""
    dx = min(a["x1"], b["x1"]) - max(a["x0"], b["x0"])
    dy = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
    small_w = min(a["x1"] - a["x0"], b["x1"] - b["x0"])
    small_h = min(a["bottom"] - a["top"], b["bottom"] - b["top"])
    return dx > 0.2 * small_w and dy > 0.2 * small_h


def _pdf_pages(rendered):  # type: ignore[no-untyped-def]
    pdfplumber = pytest.importorskip("pdfplumber")
    path, pages = rendered
    with pdfplumber.open(path) as pdf:
        assert len(pdf.pages) == len(pages)
        yield from zip(pdf.pages, pages, strict=True)


def test_no_two_labels_in_a_chart_overlap(rendered) -> None:  # type: ignore[no-untyped-def]
    for page, (title, dataset) in _pdf_pages(rendered):
        chars = sorted(_chart_chars(page), key=lambda c: c["top"])
        assert chars, title
        clashes = [
            (a["text"], b["text"], round(a["top"]))
            for k, a in enumerate(chars)
            for b in chars[k + 1 :]
            if b["top"] < a["bottom"] and _overlaps(a, b)
        ]
        assert not clashes, f"{title} ({len(dataset.schools)} 校): {clashes[:5]}"


def test_percent_axes_run_from_0_to_100(rendered) -> None:  # type: ignore[no-untyped-def]
    seen = 0
    for page, (title, _) in _pdf_pages(rendered):
        if "%" not in title:
            continue
        seen += 1
        caption_top = min(c["top"] for c in page.chars if c["text"] == "图")
        numbers = [float(w["text"]) for w in page.extract_words() if w["bottom"] <= caption_top
                   and re.fullmatch(r"\d+(\.\d+)?", w["text"])]  # fmt: skip
        ticks = sorted({n for n in numbers if n.is_integer()})
        assert {0, 20, 40, 60, 80, 100} <= set(ticks), title
        assert max(numbers) <= 100, title  # no 120 on the axis
    assert seen >= 2


def test_at_60_schools_every_school_name_is_printed_readably(rendered) -> None:  # type: ignore[no-untyped-def]
    checked = 0
    for page, (title, dataset) in _pdf_pages(rendered):
        if len(dataset.schools) != 60:
            continue
        checked += 1
        chars = _chart_chars(page)
        text = "".join(c["text"] for c in sorted(chars, key=lambda c: (round(c["top"]), c["x0"])))
        for school in dataset.schools:
            assert school.short_name in text, f"{title}: {school.short_name}"
        names = [c for c in chars if "\u4e00" <= c["text"] <= "\u9fff"]
        assert min(c["size"] for c in names) >= 6.4, title  # never shrunk past reading
    assert checked == len([c for c in load_spec().charts if c.categories == "schools"])


def test_above_max_schools_the_note_replaces_a_per_school_chart(tmp_path: Path) -> None:
    from qreport.report import write_report
    from qreport.report.dump import dump_docx

    base = make_dataset(tmp_path)
    years = {"previous": "2023年", "current": "2024年"}
    per_school = [
        chart_title(c, base, years, **NAMES) for c in load_spec().charts if c.categories == "schools"
    ]
    # the fixture has no 2023 仪器设备值: that chart's caption names 2024 only
    assert any(t.startswith("2024年各职业学校生均") for t in per_school)
    at_max = write_report(
        many_schools(base, 60), make_config(tmp_path), load_catalog(2024), tmp_path / "60.docx"
    )
    assert all(any(f.endswith(t) for f in at_max.figures) for t in per_school)
    above = write_report(
        many_schools(base, 61), make_config(tmp_path), load_catalog(2024), tmp_path / "61.docx"
    )
    text = dump_docx(tmp_path / "61.docx")
    for title in per_school:
        assert not any(f.endswith(title) for f in above.figures)
        assert f"（{title}：共 61 所学校，逐校数据不在报告中列出" in text
    assert any("全市毕业生去向" in f for f in above.figures)  # the city's own charts stay


def _chart_in_chapter_6(dataset: Dataset, spec: ChartSpec) -> docx.document.Document:
    """A bare document holding `spec`'s chart and caption, numbered in chapter 6."""
    doc = docx.Document()
    doc.styles.add_style(styles.PICTURE, WD_STYLE_TYPE.PARAGRAPH)
    doc.styles.add_style(styles.FIGURE_CAPTION, WD_STYLE_TYPE.PARAGRAPH)
    labels = {s.name: s.short_name for s in dataset.schools}
    years = {"previous": "2023年", "current": "2024年"}
    write_chart(doc, spec, 6, dataset, load_catalog(2024), labels, years, Numbering(), [], **NAMES)
    return doc


def test_a_year_nobody_reported_is_left_out_and_one_item_is_named_by_its_years(tmp_path: Path) -> None:
    dataset = make_dataset(tmp_path)
    spec = ChartSpec(id="dual", section="6.6", title="“双师型”教师比例（%）",
                     items=(Item(id="dual_teacher_rate", year="both"), ))  # fmt: skip
    doc = _chart_in_chapter_6(dataset, spec)
    root = _xml(next(iter(_charts_by_rid(doc).values())))
    assert _texts(root, "//c:ser/c:tx//c:v") == ["2024年"]  # no 2023 figures: no empty 2023 series
    assert _texts(root, "//c:ser/c:cat//c:pt/c:v") == SEVEN
    assert root.xpath("//c:valAx/c:scaling/c:max/@val", namespaces=NS) in (["100"], ["100.0"])
    assert root.xpath("//c:dLbls/c:numFmt/@formatCode", namespaces=NS) == ["0.00"]  # the catalog's decimals
    assert doc.paragraphs[-1].text == "图6-1 “双师型”教师比例（%）"


@pytest.mark.parametrize(
    ("drop", "caption"),
    [(None, "图6-1 2023年、2024年毕业生人数"), ("previous", "图6-1 2024年毕业生人数")],
)
def test_years_in_a_chart_caption_are_the_years_it_draws(
    tmp_path: Path, drop: str | None, caption: str
) -> None:
    """{years} never names a year the chart leaves out for want of figures."""
    dataset = make_dataset(tmp_path)
    for values in [dataset.city, *dataset.school_values.values()]:
        values["graduates"] = {"previous": 400.0, "current": 429.0}
        if drop:
            values["graduates"][drop] = None
    spec = ChartSpec(id="g", section="6.6", title="{years}毕业生人数",
                     items=(Item(id="graduates", year="both"), ))  # fmt: skip
    doc = _chart_in_chapter_6(dataset, spec)
    assert doc.paragraphs[-1].text == caption


@settings(max_examples=200, deadline=None)
@given(
    n=st.integers(1, 60),
    count=st.integers(1, 4),
    name_len=st.integers(2, 12),
    top=st.floats(0.5, 2_000_000),
    width=st.floats(8, 15.6),
    height=st.floats(5, 12),
)
def test_fitted_charts_keep_their_promises(
    n: int, count: int, name_len: int, top: float, width: float, height: float
) -> None:
    names = [("职" * name_len)[: name_len - 1] + str(k % 10) for k in range(n)]
    series = [(f"s{j}", [top * (k + 1) / n for k in range(n)]) for j in range(count)]
    style, fitted = _fit(names, series, width_cm=width, height_cm=height, number_format="0.00")
    assert height <= fitted <= max(MAX_HEIGHT_CM, height)
    widest = max(text_width_pt(label_text(v, "0.00"), style.label_pt) for _, vs in series for v in vs)
    if not style.horizontal:
        assert fitted == height
        plot_pt = (width - 1.0) * 72 / 2.54
        slot = plot_pt / n / (count + style.gap_width / 100)
        if style.value_labels:  # each label within its own bar
            assert widest <= slot
        # every name fits under its column on one line
        assert max(text_width_pt(c, 9) for c in names) <= 0.9 * plot_pt / n
    else:
        assert style.category_pt >= 6.5
        row_pt = (fitted - 2.6) * 72 / 2.54 / n
        assert style.category_pt * 1.2 <= row_pt + 0.01 or style.category_pt == 6.5
        if style.value_labels:
            assert row_pt / (count + 1.5) >= 1.15 * style.label_pt - 0.01
