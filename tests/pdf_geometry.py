"""Where things are on the pages of a rendered report: table rules, ink outside the text area,
words with their positions. Read from the PDF with poppler (pdftoppm, pdftotext -bbox) and Pillow,
in millimetres from the top-left corner of the page (A4, the report's GB/T 9704 margins)."""

from __future__ import annotations

import html
import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

DPI = 100
PX_MM = DPI / 25.4
LEFT, RIGHT, TOP, BOTTOM = 28.0, 210.0 - 26.0, 37.0, 297.0 - 35.0  # the text area
DARK = 160  # a grey level darker than this is ink (chart grid lines are lighter)
CAPTION = re.compile(r"^(续表|表|图) ?\d")  # as lines() joins words: 表 1-5 …, 续表 3 …, 图 1-2 …


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float


@dataclass(frozen=True)
class Page:
    number: int  # 1-based, as in the PDF
    rules: list[tuple[float, float]]  # (y, share of the text width) of each thin line across most of it
    overhang: float  # mm of ink left or right of the text area, between the top and bottom margins
    words: list[Word]

    def segments(self, gap: float = 30.0) -> list[tuple[float, float]]:
        """Runs of table rules no further apart than `gap` and not parted by a caption: one per
        table (part) on the page, top and bottom."""
        captions = [y for y, text in self.lines() if CAPTION.match(text)]
        out: list[tuple[float, float]] = []
        runs: list[list[tuple[float, bool]]] = []  # rules, and whether each spans the text width
        for y, share in self.rules:
            parted = any(runs[-1][-1][0] < c < y for c in captions) if runs else True
            if runs and y - runs[-1][-1][0] <= gap and not parted:
                runs[-1].append((y, share > 0.97))
            else:
                runs.append([(y, share > 0.97)])
        # a table's outer borders span the text width (a chart's grid lines are shorter)
        out = []
        for run in runs:
            whole = [y for y, full in run if full]
            if len(whole) > 1:
                out.append((whole[0], whole[-1]))
        return out

    def lines(self) -> list[tuple[float, str]]:
        """The page's text lines below the running header, top down: (y, words joined by spaces)."""
        rows: list[tuple[float, list[Word]]] = []
        for word in sorted(
            (w for w in self.words if TOP - 5 < w.y0 < BOTTOM + 5), key=lambda w: (w.y0, w.x0)
        ):
            if rows and abs(word.y0 - rows[-1][0]) < 1.5:
                rows[-1][1].append(word)
            else:
                rows.append((word.y0, [word]))
        return [(y, " ".join(w.text for w in sorted(ws, key=lambda w: w.x0))) for y, ws in rows]


def read_pages(pdf: Path) -> list[Page]:
    words = _words(pdf)
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["pdftoppm", "-gray", "-r", str(DPI), str(pdf), f"{tmp}/g"], check=True)
        images = sorted(Path(tmp).glob("g-*.pgm"), key=lambda p: int(p.stem.split("-")[1]))
        return [_page(k, Image.open(path), words.get(k, [])) for k, path in enumerate(images, start=1)]


def _page(number: int, image: Image.Image, words: list[Word]) -> Page:
    width, height = image.size
    ink = image.point(lambda v: 255 if v < DARK else 0)
    left, right = round(LEFT * PX_MM), round(RIGHT * PX_MM)
    top, bottom = round((TOP - 2) * PX_MM), round((BOTTOM + 2) * PX_MM)
    start = round(30 * PX_MM)  # below the running header's rule
    # each pixel row's share of ink across the text width: a table border fills most of it
    shares = ink.crop((left, start, right, bottom)).resize((1, bottom - start), Image.Resampling.BOX)
    values = [shares.getpixel((0, y)) for y in range(shares.height)]
    dark = [v > 0.5 * 255 for v in values]
    rules = [
        ((start + k) / PX_MM, values[k] / 255)
        for k, d in enumerate(dark)
        if d and not (k and dark[k - 1]) and not (k + 2 < len(dark) and dark[k + 2])  # thin, not a picture
    ]
    margin = round(1.5 * PX_MM)
    overhang = 0.0
    for box, side in (
        ((0, top, left - margin, bottom), "left"),
        ((right + margin, top, width, bottom), "right"),
    ):
        found = ink.crop(box).getbbox()
        if found:
            beyond = left - margin - found[0] if side == "left" else found[2]  # px past the margin band
            overhang = max(overhang, beyond / PX_MM + 1.5)
    return Page(number, rules, overhang, words)


def _words(pdf: Path) -> dict[int, list[Word]]:
    """Every word of `pdf` by page, from pdftotext -bbox (points, turned into millimetres)."""
    xml = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages: dict[int, list[Word]] = {}
    for k, page in enumerate(re.split(r"<page ", xml)[1:], start=1):
        found = re.findall(
            r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', page
        )
        pt = 25.4 / 72
        pages[k] = [
            Word(html.unescape(t), float(a) * pt, float(b) * pt, float(c) * pt, float(d) * pt)
            for a, b, c, d, t in found
        ]
    return pages
