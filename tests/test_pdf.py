"""PDF export through LibreOffice with the table of contents and the other indexes updated."""

from __future__ import annotations

import re
import shutil
import subprocess
import threading
from pathlib import Path

import docx
import pytest
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from lxml import etree

from qreport.errors import QreportError
from qreport.report import pdf as pdfmod
from qreport.report.pdf import MISSING_SOFFICE, convert_to_pdf, soffice_available

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

HEADINGS = [("第一章 学校概况", 1), ("一、基本情况", 2), ("第二章 学生发展", 1)]

needs_office = pytest.mark.skipif(
    not soffice_available(),
    reason="LibreOffice (soffice) with Python-UNO is not installed: "
    "apt-get install libreoffice-writer-nogui python3-uno",
)
needs_pdftotext = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="pdftotext is not installed: apt-get install poppler-utils"
)


def _field(paragraph, instr: str) -> None:
    """A complex field with an empty result, as python-docx code writes a TOC."""
    for kind in ("begin", "instr", "separate", "end"):
        run = paragraph.add_run()
        if kind == "instr":
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = instr
        else:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        run._r.append(el)


def _page_break(doc) -> None:
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _toc_docx(path: Path) -> None:
    doc = docx.Document()
    doc.add_paragraph("目录")
    _field(doc.add_paragraph(), ' TOC \\o "1-3" \\h \\z \\u ')
    for text, level in HEADINGS:
        _page_break(doc)
        doc.add_heading(text, level=level)
        doc.add_paragraph("正文。")
    doc.save(path)


def _pages(pdf: Path) -> list[str]:
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True)
    return out.stdout.split("\f")


def _entry(page: str, text: str) -> int | None:
    """The page number printed after `text` in a TOC page (dot leaders or spaces between)."""
    flat = re.sub(r"[ \t]+", "", page)
    m = re.search(re.escape(text.replace(" ", "")) + r"[.…·\s]*(\d+)\s*$", flat, flags=re.M)
    return int(m.group(1)) if m else None


@needs_office
@needs_pdftotext
def test_toc_is_filled_with_page_numbers(tmp_path: Path) -> None:
    source = tmp_path / "报告.docx"
    _toc_docx(source)
    pdf = tmp_path / "out" / "报告.pdf"
    convert_to_pdf(source, pdf, timeout=180)

    assert pdf.read_bytes().startswith(b"%PDF-")
    pages = _pages(pdf)
    toc = pages[0]
    assert "目录" in toc
    assert [_entry(toc, text) for text, _ in HEADINGS] == [2, 3, 4]
    # The headings are really on those pages.
    for (text, _), number in zip(HEADINGS, (2, 3, 4), strict=True):
        assert text.replace(" ", "") in re.sub(r"\s+", "", pages[number - 1])
    # Nothing but the PDF is left in the output folder.
    assert [p.name for p in pdf.parent.iterdir()] == ["报告.pdf"]


@needs_office
@needs_pdftotext
def test_long_toc_and_lists_of_tables_and_cases(tmp_path: Path) -> None:
    """A TOC running to several pages shifts the body; the numbers must still be right.

    Lists of tables (captions numbered by SEQ fields) and of cases (a paragraph style) are TOC
    fields too and are updated with it.
    """
    doc = docx.Document()
    case_style = doc.styles.add_style("案例标题", WD_STYLE_TYPE.PARAGRAPH)
    doc.add_paragraph("目录")
    _field(doc.add_paragraph(), ' TOC \\o "1-3" \\h \\z \\u ')
    doc.add_paragraph("表格目录")
    _field(doc.add_paragraph(), ' TOC \\h \\z \\c "表" ')
    doc.add_paragraph("案例目录")
    _field(doc.add_paragraph(), ' TOC \\h \\z \\t "案例标题,1" ')
    for i in range(1, 61):
        _page_break(doc)
        doc.add_heading(f"第{i}章", level=1)
        if i % 20 == 0:
            caption = doc.add_paragraph("表", style="Caption")
            _field(caption, " SEQ 表 \\* ARABIC ")
            caption.add_run(f" 数据{i}")
            doc.add_paragraph(f"案例{i}", style=case_style)
    source = tmp_path / "long.docx"
    doc.save(source)
    pdf = tmp_path / "long.pdf"
    convert_to_pdf(source, pdf, timeout=240)

    pages = _pages(pdf)
    front = "\n".join(pages[:3])
    flat = [re.sub(r"[ \t]+", "", page) for page in pages]
    chapter_page = {
        i: n for n, page in enumerate(flat, 1) for i in range(1, 61) if f"\n第{i}章\n" in "\n" + page
    }
    assert len(chapter_page) == 60
    for i in (1, 2, 30, 60):
        assert _entry(front, f"第{i}章") == chapter_page[i], i
    assert chapter_page[1] > 2  # the TOC itself took more than one page
    for i in (20, 40, 60):
        assert _entry(front, f"数据{i}") == chapter_page[i]
        assert _entry(front, f"案例{i}") == chapter_page[i]


@needs_office
def test_timeout_leaves_nothing_behind(tmp_path: Path) -> None:
    source = tmp_path / "a.docx"
    _toc_docx(source)
    pdf = tmp_path / "a.pdf"
    pdf.write_bytes(b"%PDF-old")
    with pytest.raises(QreportError, match="秒内未完成"):
        convert_to_pdf(source, pdf, timeout=0.2)
    assert pdf.read_bytes() == b"%PDF-old"  # the previous PDF is untouched
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.docx", "a.pdf"]


@needs_office
@needs_pdftotext
def test_parallel_runs_do_not_collide(tmp_path: Path) -> None:
    errors: list[BaseException] = []

    def run(n: int) -> None:
        try:
            source = tmp_path / f"{n}.docx"
            _toc_docx(source)
            convert_to_pdf(source, tmp_path / f"{n}.pdf", timeout=180)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    for n in range(2):
        assert _entry(_pages(tmp_path / f"{n}.pdf")[0], HEADINGS[0][0]) == 2


def test_missing_libreoffice_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdfmod, "_find_soffice", lambda: None)
    source = tmp_path / "a.docx"
    docx.Document().save(source)
    assert soffice_available() is False
    with pytest.raises(QreportError) as info:
        convert_to_pdf(source, tmp_path / "a.pdf")
    assert info.value.message == MISSING_SOFFICE
    assert "libreoffice-writer-nogui" in info.value.message
    assert not (tmp_path / "a.pdf").exists()


@needs_office
def test_not_a_docx(tmp_path: Path) -> None:
    source = tmp_path / "bad.docx"
    source.write_bytes(b"not a zip")
    with pytest.raises(QreportError, match="不是有效的 Word"):
        convert_to_pdf(source, tmp_path / "bad.pdf")
    with pytest.raises(QreportError, match="找不到"):
        convert_to_pdf(tmp_path / "missing.docx", tmp_path / "bad.pdf")
    assert not (tmp_path / "bad.pdf").exists()


def _body(inner: str) -> bytes:
    return f'<w:document xmlns:w="{W}"><w:body>{inner}</w:body></w:document>'.encode()


def _run(kind: str) -> str:
    return f'<w:r><w:fldChar w:fldCharType="{kind}"/></w:r>'


INSTR = '<w:r><w:instrText xml:space="preserve"> TOC \\o "1-3" </w:instrText></w:r>'


def _result_texts(xml: bytes) -> list[str]:
    root = etree.fromstring(xml)
    return [t.text for t in root.iter(f"{{{W}}}t")]


def test_empty_toc_fields_get_a_placeholder_result() -> None:
    empty = _body(f"<w:p>{_run('begin')}{INSTR}{_run('separate')}{_run('end')}</w:p>")
    fixed = pdfmod._fill_empty_tocs(empty)
    assert fixed is not None and _result_texts(fixed) == [" "]

    no_separate = _body(f"<w:p>{_run('begin')}{INSTR}{_run('end')}</w:p>")
    fixed = pdfmod._fill_empty_tocs(no_separate)
    kinds = [el.get(f"{{{W}}}fldCharType") for el in etree.fromstring(fixed).iter(f"{{{W}}}fldChar")]
    assert kinds == ["begin", "separate", "end"] and _result_texts(fixed) == [" "]

    simple = _body('<w:p><w:fldSimple w:instr=" TOC \\h \\z \\c &quot;表&quot; "/></w:p>')
    fixed = pdfmod._fill_empty_tocs(simple)
    root = etree.fromstring(fixed)
    assert root.find(f".//{{{W}}}fldSimple") is None
    assert "".join(root.itertext()).strip() == 'TOC \\h \\z \\c "表"'

    # Untouched: a TOC that has a result, and fields that are not TOCs.
    filled = _body(f"<w:p>{_run('begin')}{INSTR}{_run('separate')}<w:r><w:t>x</w:t></w:r>{_run('end')}</w:p>")
    assert pdfmod._fill_empty_tocs(filled) is None
    page = '<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
    assert (
        pdfmod._fill_empty_tocs(_body(f"<w:p>{_run('begin')}{page}{_run('separate')}{_run('end')}</w:p>"))
        is None
    )
