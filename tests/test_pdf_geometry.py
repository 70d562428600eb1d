"""The page reader of the layout check finds table rules, table parts and ink in the margins."""

from __future__ import annotations

from pdf_geometry import LEFT, PX_MM, RIGHT, Word, _page
from PIL import Image, ImageDraw


def _blank() -> tuple[Image.Image, ImageDraw.ImageDraw]:
    image = Image.new("L", (round(210 * PX_MM), round(297 * PX_MM)), 255)
    return image, ImageDraw.Draw(image)


def _rule(draw: ImageDraw.ImageDraw, y_mm: float, left: float = LEFT, right: float = RIGHT) -> None:
    y = round(y_mm * PX_MM)
    draw.line([(round(left * PX_MM), y), (round(right * PX_MM), y)], fill=0, width=1)


def test_rules_make_table_parts_parted_by_captions() -> None:
    image, draw = _blank()
    for y in (50, 56, 62, 68):
        _rule(draw, y)
    for y in (90, 96, 102):
        _rule(draw, y)
    _rule(draw, 130, LEFT + 20, RIGHT - 20)  # a chart's grid line: shorter than the text width
    _rule(draw, 136, LEFT + 20, RIGHT - 20)
    caption = Word("表1-2", 90, 80, 100, 84)
    page = _page(1, image, [caption])
    assert [(round(a), round(b)) for a, b in page.segments()] == [(50, 68), (90, 102)]
    assert page.overhang == 0
    assert page.lines() == [(80, "表1-2")]


def test_ink_beyond_the_text_area_is_measured() -> None:
    image, draw = _blank()
    _rule(draw, 60, LEFT - 8, RIGHT)
    assert 7 < _page(1, image, []).overhang < 9
    image, draw = _blank()
    draw.rectangle(
        [round((RIGHT + 5) * PX_MM), round(100 * PX_MM), round((RIGHT + 6) * PX_MM), round(110 * PX_MM)],
        fill=0,
    )
    assert 5.5 < _page(1, image, []).overhang < 7.5
