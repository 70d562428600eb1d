"""The example city's report as a reader sees it: rendered to PDF once and checked from the PDF itself.

Every 图/表/案例 is in its list with a page number, body text is set in a serif face and level-1
headings in a bold sans (the official faces or their open stand-ins), captions sit above tables and
below figures, and no page but one before a chapter or the last is less than a third full. The pages
are kept as PNGs in test-output/layout/ (or $QREPORT_TEST_OUTPUT/layout) for people to look at.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from qreport.compile.build import build
from qreport.outputs import write_outputs
from qreport.report.pdf import soffice_available

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
