"""Paragraph styles and page setup of an official document (GB/T 9704 model).

Every paragraph of the report gets one of the styles below, so a bureau can restyle the whole
document in Word by editing a style. Fonts are named for East Asian and Latin text alike on the
styles themselves (Word and WPS ignore `w:ascii` for Chinese characters).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

import docx
from docx.document import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.styles.style import ParagraphStyle

from qreport.catalog.config import Fonts, Sizes
from qreport.report.wordml import ooxml

# Built-in styles (Word recognises them by these names; TOC \o lists the headings).
BODY = "Normal"
HEADINGS = {1: "Heading 1", 2: "Heading 2", 3: "Heading 3", 4: "Heading 4"}
HEADER = "Header"
FOOTER = "Footer"
TOC_LEVELS = {1: "toc 1", 2: "toc 2", 3: "toc 3"}
LIST_BULLET = "List Bullet"

# The report's own styles. The caption styles are what the 表目录/图目录/案例目录 fields collect.
COVER_REGION = "封面地区"
COVER_TITLE = "封面标题"
COVER_LINE = "封面文字"
FRONT_TITLE = "前置标题"
FRONT_TEXT = "前置正文"
TABLE_CAPTION = "表题"
FIGURE_CAPTION = "图题"
CASE_TITLE = "案例标题"
APPENDIX_CAPTION = "附表题"
CONTINUED_CAPTION = "续表题"  # 续表1-5 标题 over a table's continuation: looks like 表题, not listed
TABLE_META = "表头说明"
TABLE_TEXT = "表格文字"
PICTURE = "图片"
DRAFT_MARK = "草稿标记"

# Style ids are ASCII so that every consumer of the XML can reference them safely.
_IDS = {
    COVER_REGION: "CoverRegion",
    COVER_TITLE: "CoverTitle",
    COVER_LINE: "CoverLine",
    FRONT_TITLE: "FrontTitle",
    FRONT_TEXT: "FrontText",
    TABLE_CAPTION: "TableCaption",
    FIGURE_CAPTION: "FigureCaption",
    CASE_TITLE: "CaseTitle",
    APPENDIX_CAPTION: "AppendixCaption",
    CONTINUED_CAPTION: "ContinuedCaption",
    TABLE_META: "TableMeta",
    TABLE_TEXT: "TableText",
    PICTURE: "Picture",
    DRAFT_MARK: "DraftMark",
    "toc 1": "TOC1",
    "toc 2": "TOC2",
    "toc 3": "TOC3",
}

# GB/T 9704: A4, text block 156 mm x 225 mm.
PAGE_WIDTH = Mm(210)
PAGE_HEIGHT = Mm(297)
MARGINS = {"top": Mm(37), "bottom": Mm(35), "left": Mm(28), "right": Mm(26)}
TEXT_WIDTH = Mm(210 - 28 - 26)
TEXT_HEIGHT = Mm(297 - 37 - 35)
LINE_PITCH = Pt(28)  # fixed line spacing of body text: 22 lines on a page of 225 mm


@dataclass(frozen=True)
class Typography:
    fonts: Fonts
    sizes: Sizes


_STYLED: dict[str, bytes] = {}  # typography -> a saved blank document with every style set up
_STYLE_IDS: dict[str, dict[tuple[str, object], str | None]] = {}  # typography -> style name -> id


def _key(typo: Typography) -> str:
    return typo.fonts.model_dump_json() + typo.sizes.model_dump_json()


def styled_document(typo: Typography) -> Document:
    """A new document with every style of the report set up. The setup runs once per typography
    and process; later documents are loaded from its saved bytes, which costs no more than a blank
    python-docx document (each school's own report of a city pays for the styles once)."""
    key = _key(typo)
    if key not in _STYLED:
        doc = docx.Document()
        setup(doc, typo)
        saved = io.BytesIO()
        doc.save(saved)
        _STYLED[key] = saved.getvalue()
    return docx.Document(io.BytesIO(_STYLED[key]))


def setup(doc: Document, typo: Typography) -> None:
    """Define every style the report uses and set A4 margins on the first section."""
    _defaults(doc, typo)
    _body(doc, typo)
    _headings(doc, typo)
    _front(doc, typo)
    _captions(doc, typo)
    _table_and_picture(doc, typo)
    _toc(doc, typo)
    _header_footer(doc, typo)
    page_setup(doc.sections[0])
    settings = doc.settings.element
    ooxml.update_fields_on_open(settings)
    ooxml.set_theme_east_asian_language(settings)


def page_setup(section) -> None:  # type: ignore[no-untyped-def]
    section.page_width = PAGE_WIDTH
    section.page_height = PAGE_HEIGHT
    section.top_margin = MARGINS["top"]
    section.bottom_margin = MARGINS["bottom"]
    section.left_margin = MARGINS["left"]
    section.right_margin = MARGINS["right"]
    section.header_distance = Mm(20)
    section.footer_distance = Mm(22)


def _defaults(doc: Document, typo: Typography) -> None:
    """Document defaults: body font and Chinese as the East Asian language (not the template's ja-JP)."""
    styles = doc.styles.element
    rpr = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    ooxml.set_fonts(rpr, typo.fonts.body)
    lang = rpr.find(qn("w:lang"))
    if lang is not None:
        lang.set(qn("w:val"), "en-US")
        lang.set(qn("w:eastAsia"), "zh-CN")


def _style(doc: Document, name: str, *, base: str | None = BODY) -> ParagraphStyle:
    try:
        style = doc.styles[name]
    except KeyError:
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        if name in _IDS:
            style.style_id = _IDS[name]
        style.quick_style = True
    if base and name != base:
        style.base_style = doc.styles[base]
    return cast(ParagraphStyle, style)


def _font(
    style: ParagraphStyle,
    font: str,
    size: float,
    *,
    bold: bool = False,
    color: RGBColor | None = None,
) -> None:
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.italic = False
    style.font.color.rgb = color or RGBColor(0, 0, 0)
    ooxml.set_fonts(style.element.get_or_add_rPr(), font)


def _spacing(
    style: ParagraphStyle,
    *,
    align: WD_ALIGN_PARAGRAPH | None = None,
    before: float = 0,
    after: float = 0,
    exact: float | None = None,
    indent_chars: int = 0,
    indent_pt: float = 0,
) -> None:
    pf = style.paragraph_format
    pf.space_before = Pt(before)
    pf.space_after = Pt(after)
    if exact is not None:
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        pf.line_spacing = Pt(exact)
    else:
        pf.line_spacing_rule = WD_LINE_SPACING.SINGLE
    if align is not None:
        pf.alignment = align
    # Every style states its first-line indent: most derive from Normal, which indents two characters.
    ooxml.set_first_line_chars(style.element.get_or_add_pPr(), indent_chars, int(Pt(indent_pt).twips))


def _body(doc: Document, typo: Typography) -> None:
    size = typo.sizes.body
    normal = _style(doc, BODY, base=None)
    _font(normal, typo.fonts.body, size)
    _spacing(
        normal,
        align=WD_ALIGN_PARAGRAPH.JUSTIFY,
        exact=LINE_PITCH.pt,
        indent_chars=2,
        indent_pt=2 * size,
    )
    normal.paragraph_format.widow_control = True
    bullet = _style(doc, LIST_BULLET)
    _font(bullet, typo.fonts.body, size)
    _spacing(bullet, exact=LINE_PITCH.pt, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    # the bullet hangs in the paragraph indent of body text; its text lines up one character further
    ind = bullet.element.get_or_add_pPr().get_or_add_ind()
    for attr in ("w:firstLineChars", "w:firstLine"):
        ind.attrib.pop(qn(attr), None)
    ind.set(qn("w:left"), str(int(Pt(3 * size).twips)))
    ind.set(qn("w:hanging"), str(int(Pt(size).twips)))


def _headings(doc: Document, typo: Typography) -> None:
    f, s = typo.fonts, typo.sizes
    specs = {
        1: (f.heading1, s.heading1, False),
        2: (f.heading2, s.heading2, False),
        3: (f.body, s.heading3, True),
        4: (f.body, s.body, True),
    }
    for level, (font, size, bold) in specs.items():
        style = _style(doc, HEADINGS[level])
        _font(style, font, size, bold=bold)
        _spacing(style, before=12 if level == 1 else 6, after=6 if level == 1 else 0, exact=LINE_PITCH.pt)
        style.paragraph_format.keep_with_next = True
        style.paragraph_format.keep_together = True
        # chapters begin on a new page, as in the printed report
        style.paragraph_format.page_break_before = level == 1
        ooxml.set_outline_level(style.element.get_or_add_pPr(), level - 1)


def _front(doc: Document, typo: Typography) -> None:
    f, s = typo.fonts, typo.sizes
    region = _style(doc, COVER_REGION)
    _font(region, f.title, s.title)
    _spacing(region, align=WD_ALIGN_PARAGRAPH.CENTER, before=150, after=12)
    title = _style(doc, COVER_TITLE)
    _font(title, f.title, s.title + 4)
    _spacing(title, align=WD_ALIGN_PARAGRAPH.CENTER, after=12)
    line = _style(doc, COVER_LINE)
    _font(line, f.heading2, s.heading1)
    _spacing(line, align=WD_ALIGN_PARAGRAPH.CENTER, after=6)
    front = _style(doc, FRONT_TITLE)
    _font(front, f.title, s.title)
    _spacing(front, align=WD_ALIGN_PARAGRAPH.CENTER, before=12, after=18)
    front.paragraph_format.keep_with_next = True
    text = _style(doc, FRONT_TEXT)
    _font(text, f.body, s.body)
    _spacing(text, exact=LINE_PITCH.pt + 4, align=WD_ALIGN_PARAGRAPH.LEFT)
    draft = _style(doc, DRAFT_MARK)
    _font(draft, f.heading1, s.title, bold=True, color=RGBColor(0xC0, 0, 0))
    _spacing(draft, align=WD_ALIGN_PARAGRAPH.CENTER, after=6)


def _captions(doc: Document, typo: Typography) -> None:
    f, s = typo.fonts, typo.sizes
    caption_size = max(s.table + 1.5, 12)
    captions = (
        (TABLE_CAPTION, True),
        (APPENDIX_CAPTION, True),
        (CONTINUED_CAPTION, True),
        (FIGURE_CAPTION, False),
    )
    for name, keep in captions:
        style = _style(doc, name)
        _font(style, f.heading1, caption_size)
        _spacing(style, align=WD_ALIGN_PARAGRAPH.CENTER, before=6, after=6 if keep else 12)
        # a table caption stays on the page of its table
        style.paragraph_format.keep_with_next = keep
    # appendix tables are listed in the main table of contents, like the printed report
    ooxml.set_outline_level(doc.styles[APPENDIX_CAPTION].element.get_or_add_pPr(), 0)
    case = _style(doc, CASE_TITLE)
    _font(case, f.heading1, s.body)
    _spacing(case, align=WD_ALIGN_PARAGRAPH.CENTER, before=12, after=6, exact=LINE_PITCH.pt)
    case.paragraph_format.keep_with_next = True


def _table_and_picture(doc: Document, typo: Typography) -> None:
    f, s = typo.fonts, typo.sizes
    text = _style(doc, TABLE_TEXT)
    _font(text, f.table, s.table)
    _spacing(text, align=WD_ALIGN_PARAGRAPH.CENTER)
    meta = _style(doc, TABLE_META)
    _font(meta, f.table, max(s.table, 12))
    _spacing(meta, align=WD_ALIGN_PARAGRAPH.LEFT, after=3)
    meta.paragraph_format.keep_with_next = True
    # pictures need automatic line height: an exact line pitch would crop them to one line
    picture = _style(doc, PICTURE)
    _spacing(picture, align=WD_ALIGN_PARAGRAPH.CENTER, before=6)
    picture.paragraph_format.keep_with_next = True


def _header_footer(doc: Document, typo: Typography) -> None:
    for name in (HEADER, FOOTER):
        style = _style(doc, name)
        _font(style, typo.fonts.body, 10.5)
        _spacing(style, align=WD_ALIGN_PARAGRAPH.CENTER)


def _toc(doc: Document, typo: Typography) -> None:
    for level, name in TOC_LEVELS.items():
        style = _style(doc, name)
        _font(style, typo.fonts.body, min(typo.sizes.body, 14))
        _spacing(style, exact=24, align=WD_ALIGN_PARAGRAPH.LEFT)
        style.paragraph_format.left_indent = Pt(14 * (level - 1))
        # the page number right-aligned on a dotted leader, as Word writes it
        style.paragraph_format.tab_stops.add_tab_stop(
            TEXT_WIDTH, alignment=WD_TAB_ALIGNMENT.RIGHT, leader=WD_TAB_LEADER.DOTS
        )


def style_id(name: str) -> str:
    """The id of one of the report's own styles (as WordprocessingML names it)."""
    return _IDS[name]


def cache_style_ids(doc: Document, typo: Typography | None = None) -> None:
    """Resolve each style name once per document, or with `typo` once per process for every
    document made by `styled_document(typo)` (they share their styles).

    python-docx turns a style name into its id by scanning every style of the document, twice, on
    each paragraph that names a style; a province's report has tens of thousands of them. The styles
    do not change once set up, so the answer for a name can be remembered.
    """
    part = doc.part
    resolve: Callable[[object, object], str | None] = part.get_style_id
    known = {} if typo is None else _STYLE_IDS.setdefault(_key(typo), {})

    def get_style_id(style_or_name: object, style_type: object) -> str | None:
        if not isinstance(style_or_name, str):
            return resolve(style_or_name, style_type)
        key = (style_or_name, style_type)
        if key not in known:
            known[key] = resolve(style_or_name, style_type)
        return known[key]

    part.get_style_id = get_style_id  # type: ignore[method-assign]
