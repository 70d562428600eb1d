"""The example city's report as a reader sees it: rendered to PDF once and checked from the PDF itself.

Every 图/表/案例 is in its list with a page number, body text is set in a serif face and level-1
headings in a bold sans (the official faces or their open stand-ins), captions sit above tables and
below figures, no page but one before a chapter or the last is less than a third full, nothing is
wider than the text area, and a table runs over a page only when it does not fit on one, then
under a 续表 line and its header rows. The pages are kept as PNGs in test-output/layout/ (or
$QREPORT_TEST_OUTPUT/layout) for people to look at.
"""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pdf_geometry import CAPTION, Page, read_pages

from qreport.catalog.indicators import load_catalog
from qreport.compile.build import build
from qreport.outputs import write_outputs
from qreport.report import write_report
from qreport.report.continued import convert_with_continued_tables
from qreport.report.pdf import soffice_available
from qreport.report.styles import TEXT_HEIGHT
from qreport.report.wordml.grid import KEEP_HEIGHT

from report_fixtures import make_config, make_dataset

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = Path(os.environ.get("QREPORT_TEST_OUTPUT") or ROOT / "test-output") / "layout"

pytestmark = pytest.mark.skipif(
    not soffice_available() or shutil.which("pdftotext") is None or shutil.which("pdffonts") is None,
    reason="needs LibreOffice with Python-UNO and poppler-utils",
)


@pytest.fixture(scope="module")
def pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("layout")
    result = build(ROOT / "examples" / "bayannur")
    write_outputs(result, docx=out / "报告.docx", pdf=out / "报告.pdf")
    if shutil.which("pdftoppm"):
        if OUTPUT.exists():
            shutil.rmtree(OUTPUT)
        OUTPUT.mkdir(parents=True)
        subprocess.run(
            ["pdftoppm", "-png", "-r", "50", str(out / "报告.pdf"), str(OUTPUT / "page")], check=True
        )
    return out / "报告.pdf"


def _pages(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True)
    return text.stdout.split("\f")


def test_every_figure_table_and_case_is_listed_with_a_page_number(pdf: Path) -> None:
    pages = _pages(pdf)
    lists = "\n".join(
        p for p in pages[:12] if "表目录" in p or "图目录" in p or "案例目录" in p or "…" in p or "...." in p
    )
    joined: list[str] = []  # a long entry wraps: its page number is on the next line
    for line in lists.splitlines():
        if joined and not re.search(r"\d\s*$", joined[-1]) and not re.match(r"^\s*(表|图|案例)\s*\d", line):
            joined[-1] += line.strip()
        else:
            joined.append(line)
    entries = dict(re.findall(r"^\s*((?:表|图|案例)\s*\d+-\d+)\s.*?[.\s](\d+)\s*$", "\n".join(joined), re.M))
    body = "\n".join(pages[12:])
    captions = set(re.findall(r"^\s*((?:表|图|案例)\s*\d+-\d+)\s", body, re.M))
    assert captions, "no captions found in the body"
    missing = sorted(c for c in captions if c not in entries)
    assert not missing, f"not listed with a page number: {missing}"


def test_body_in_a_serif_face_and_chapter_headings_in_a_bold_sans(pdf: Path) -> None:
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    names = {line.split()[0].split("+")[-1] for line in fonts.splitlines()[2:] if line.strip()}
    official = {"FangSong", "SimSun", "SimHei", "KaiTi"}
    if not any(o.lower() in n.lower() for n in names for o in official):
        assert any("Serif" in n and "Bold" not in n for n in names), names  # 仿宋/宋体 → a serif
        assert any("Sans" in n and "Bold" in n for n in names), names  # 黑体 → a bold sans
    assert not any(n == "DejaVuSans" for n in names), names


def test_captions_above_tables_and_below_figures(pdf: Path) -> None:
    body = "\n".join(_pages(pdf)[12:])
    lines = [line.strip() for line in body.splitlines() if line.strip()]
    for k, line in enumerate(lines):
        if re.match(r"^图\s*\d+-\d+\s", line):
            assert k > 0  # a figure caption follows its picture, never opens the page's text
        if re.match(r"^表\s*\d+-\d+\s", line) and k + 1 < len(lines):
            assert not re.match(r"^(表|图)\s*\d+-\d+", lines[k + 1]), line  # a table follows its caption


def test_no_page_is_left_mostly_empty_except_before_a_chapter(pdf: Path) -> None:
    pages = _pages(pdf)
    body = pages[12:-1]
    short = []
    for k, page in enumerate(body[:-1]):
        lines = [line for line in page.splitlines() if line.strip()]
        following = pages[12 + k + 1].lstrip()
        next_opens_chapter = (
            bool(re.match(r"^[^\n]*\n*\s*(\d\.\s|表\s*1\s)", following)) or "1. " in following[:200]
        )
        if (
            len(lines) < 12
            and not next_opens_chapter
            and any(re.search(r"\d\.\s", line) for line in lines[:3]) is False
        ):
            short.append(k + 13)
    assert len(short) <= 2, f"pages less than a third full: {short}"


@pytest.fixture(scope="module")
def sixty(tmp_path_factory: pytest.TempPathFactory) -> list[Page]:
    """A city of 60 schools (max_schools): long tables of schools as rows, column blocks."""
    out = tmp_path_factory.mktemp("sixty")
    dataset = make_dataset(out)
    base = list(dataset.schools)
    for k in range(60 - len(base)):
        school = base[k % len(base)]
        twin = dataclasses.replace(
            school, name=f"{school.name}{k}", short_name=f"乌拉特前旗职中{k}"[-7:], cases=[], texts=[]
        )
        dataset.schools.append(twin)
        dataset.school_values[twin.name] = dataset.school_values[school.name]
    write_report(dataset, make_config(out), load_catalog(2024), out / "r.docx")
    convert_with_continued_tables(out / "r.docx", out / "r.pdf")
    return read_pages(out / "r.pdf")


@pytest.fixture(scope="module", params=["example", "sixty"])
def geometry(request: pytest.FixtureRequest) -> list[Page]:
    if request.param == "sixty":
        return request.getfixturevalue("sixty")  # type: ignore[no-any-return]
    return read_pages(request.getfixturevalue("pdf"))


def test_nothing_is_wider_than_the_text_area(geometry: list[Page]) -> None:
    # a full-width punctuation mark may hang into the margin at a line's end: less than 3 mm of ink
    wide = {p.number: round(p.overhang, 1) for p in geometry if p.overhang > 3.0}
    assert not wide, f"ink beyond the text area (page: mm): {wide}"


def _caption_number(text: str) -> str:
    found = re.match(r"^续?表 ?(\d+(?:-\d+)?)", text)
    return found.group(1) if found else ""


def test_a_table_runs_over_a_page_only_when_it_does_not_fit_and_says_continued(geometry: list[Page]) -> None:
    """A page that opens with a table part must open with `续表N-M …` and header rows, and a table
    split over pages (its header rows repeated as they were) must be too tall to keep on one page
    (parts measured between their rules). A column block of a table too wide for the page
    (续表 with the same row labels, other columns) may open a page."""
    heads: dict[str, str] = {}  # 表N-M -> the first text line of its header rows
    problems = []
    body = geometry[12:]
    for k, page in enumerate(body):
        lines = page.lines()
        for i, (_y, text) in enumerate(lines):
            if CAPTION.match(text) and text.startswith("表") and i + 1 < len(lines):
                after = [t for _, t in lines[i + 1 :] if not t.startswith("名称：")]
                heads.setdefault(_caption_number(text), after[0] if after else "")
        segments = page.segments()
        if not segments or k == 0:
            continue
        top = segments[0][0]
        above = [(y, t) for y, t in lines if y < top]
        if above and not above[-1][1].startswith("续表"):
            continue  # the page opens with text, a caption or a new table
        if not above:
            problems.append(f"第 {page.number} 页：表格续页没有“续表”标题")
            number = "?"
        else:
            number = _caption_number(above[-1][1])
            below = [t for y, t in lines if y > top]
            head = heads.get(number, "")
            if not below or not head or below[0].split()[0] != head.split()[0]:
                problems.append(f"第 {page.number} 页：续表{number} 没有重复表头（{below[:1]} / {head}）")
            elif below[0] != head:
                continue  # a column block: the same row labels beside other columns
        previous = body[k - 1].segments()
        height = (previous[-1][1] - previous[-1][0] if previous else 0) + segments[0][1] - segments[0][0]
        if height < 0.8 * KEEP_HEIGHT / TEXT_HEIGHT.pt * 225:  # mm: what is kept on one page, with slack
            problems.append(f"第 {page.number} 页：表{number} 仅约 {height:.0f} mm 高，却被拆在两页")
    assert not problems, problems
