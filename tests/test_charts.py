"""Native Word charts: package parts, relationships, embedded workbook, chart XML, rendering."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from lxml import etree

from qreport.report.wordml.charts import CHART_FONT, add_bar_chart, add_pie_chart

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
        horizontal=True,
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

    for root, title in ((bar, "各校在校生人数"), (hbar, "专业大类分布"), (pie, "毕业生去向")):
        assert "".join(_texts(root, "c:chart/c:title//a:t")) == title
        assert root.xpath("c:chart/c:autoTitleDeleted/@val", namespaces=NS) == ["0"]
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
    for label in ["各校在校生人数", "专业大类分布", "毕业生去向", *SCHOOLS, *MAJORS, *DESTINATIONS, "2024年"]:
        assert label in flat, label
    # Data labels are drawn.
    for value in ("1300", "1010", "560"):
        assert value in flat
