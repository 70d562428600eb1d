"""Small WordprocessingML helpers python-docx has no API for: fonts, fields, table row flags.

Each helper edits the XML of one python-docx object in place; none of them knows about the report.
"""

from __future__ import annotations

from collections.abc import Sequence

from docx.enum.text import WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.table import _Row
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from lxml import etree

_FONT_ATTRS = ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs")

# Schema order of the children python-docx cannot place itself; Word rejects misordered XML.
_PPR_ORDER = (
    "pStyle",
    "keepNext",
    "keepLines",
    "pageBreakBefore",
    "framePr",
    "widowControl",
    "numPr",
    "suppressLineNumbers",
    "pBdr",
    "shd",
    "tabs",
    "suppressAutoHyphens",
    "kinsoku",
    "wordWrap",
    "overflowPunct",
    "topLinePunct",
    "autoSpaceDE",
    "autoSpaceDN",
    "bidi",
    "adjustRightInd",
    "snapToGrid",
    "spacing",
    "ind",
    "contextualSpacing",
    "mirrorIndents",
    "suppressOverlap",
    "jc",
    "textDirection",
    "textAlignment",
    "textboxTightWrap",
    "outlineLvl",
    "divId",
    "cnfStyle",
    "rPr",
    "sectPr",
    "pPrChange",
)
_SECTPR_ORDER = (
    "headerReference",
    "footerReference",
    "footnotePr",
    "endnotePr",
    "type",
    "pgSz",
    "pgMar",
    "paperSrc",
    "pgBorders",
    "lnNumType",
    "pgNumType",
    "cols",
    "formProt",
    "vAlign",
    "noEndnote",
    "titlePg",
    "textDirection",
    "bidi",
    "rtlGutter",
    "docGrid",
    "printerSettings",
    "sectPrChange",
)
# Everything that follows w:updateFields in w:settings.
_AFTER_UPDATE_FIELDS = (
    "hdrShapeDefaults",
    "footnotePr",
    "endnotePr",
    "compat",
    "docVars",
    "rsids",
    "mathPr",
    "attachedSchema",
    "themeFontLang",
    "clrSchemeMapping",
    "doNotIncludeSubdocsInStats",
    "doNotAutoCompressPictures",
    "forceUpgrade",
    "captions",
    "readModeInkLockDown",
    "smartTagType",
    "schemaLibrary",
    "shapeDefaults",
    "doNotEmbedSmartTags",
    "decimalSymbol",
    "listSeparator",
)


def _local(el: etree._Element) -> str:
    return str(etree.QName(el).localname)


def child(parent: etree._Element, tag: str, order: Sequence[str]) -> etree._Element:
    """The `w:<tag>` child of `parent`, created at its schema position when absent."""
    found = parent.find(qn(f"w:{tag}"))
    if found is not None:
        return found
    el = OxmlElement(f"w:{tag}")
    later = set(order[order.index(tag) + 1 :])
    for sibling in parent:
        if _local(sibling) in later:
            sibling.addprevious(el)
            return el
    parent.append(el)
    return el


_THEME_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


def set_fonts(rpr: etree._Element, font: str) -> None:
    """Name `font` for Latin and East Asian text alike on a `w:rPr`.

    Word and WPS pick the face for Chinese characters from `w:eastAsia` only, and a theme attribute
    (asciiTheme...) would override an explicit name, so those are removed.
    """
    rfonts = rpr.get_or_add_rFonts()
    for attr in _THEME_ATTRS:
        rfonts.attrib.pop(qn(attr), None)
    for attr in _FONT_ATTRS:
        rfonts.set(qn(attr), font)


def highlight(run: Run) -> None:
    run.font.highlight_color = WD_COLOR_INDEX.YELLOW


def _fld_char(kind: str, *, dirty: bool = False) -> etree._Element:
    el = OxmlElement("w:fldChar")
    el.set(qn("w:fldCharType"), kind)
    if dirty:
        # Word recomputes a dirty field when the document opens (with w:updateFields, after asking).
        el.set(qn("w:dirty"), "true")
    return el


def _run_with(paragraph: Paragraph, content: etree._Element) -> None:
    r = OxmlElement("w:r")
    r.append(content)
    paragraph._p.append(r)


def field_begin(paragraph: Paragraph, instruction: str, *, dirty: bool = True) -> None:
    """Open a complex field in `paragraph`: begin, instruction, separate. The result follows."""
    _run_with(paragraph, _fld_char("begin", dirty=dirty))
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    _run_with(paragraph, instr)
    _run_with(paragraph, _fld_char("separate"))


def field_end(paragraph: Paragraph) -> None:
    _run_with(paragraph, _fld_char("end"))


def add_field(paragraph: Paragraph, instruction: str, result: str = "") -> None:
    """A whole field inside one paragraph, e.g. PAGE, showing `result` until it is updated."""
    field_begin(paragraph, instruction, dirty=False)
    if result:
        paragraph.add_run(result)
    field_end(paragraph)


def update_fields_on_open(settings: etree._Element) -> None:
    """Ask Word to refresh every field (TOC, lists, page numbers) when the file opens."""
    el = settings.find(qn("w:updateFields"))
    if el is None:
        el = OxmlElement("w:updateFields")
        later = set(_AFTER_UPDATE_FIELDS)
        anchor = next((c for c in settings if _local(c) in later), None)
        if anchor is None:
            settings.append(el)
        else:
            anchor.addprevious(el)
    el.set(qn("w:val"), "true")


def set_theme_east_asian_language(settings: etree._Element, lang: str = "zh-CN") -> None:
    el = settings.find(qn("w:themeFontLang"))
    if el is not None:
        el.set(qn("w:eastAsia"), lang)


def _flag(row: _Row, tag: str) -> None:
    trpr = row._tr.get_or_add_trPr()  # trPr is a choice group: any order is valid
    if trpr.find(qn(f"w:{tag}")) is None:
        trpr.append(OxmlElement(f"w:{tag}"))


def cant_split(row: _Row) -> None:
    _flag(row, "cantSplit")


def bottom_border(ppr: etree._Element, size: int = 6) -> None:
    """A rule under a paragraph (the running header's line)."""
    pbdr = child(ppr, "pBdr", _PPR_ORDER)
    bottom = OxmlElement("w:bottom")
    bottom.set(qn("w:val"), "single")
    bottom.set(qn("w:sz"), str(size))
    bottom.set(qn("w:space"), "1")
    bottom.set(qn("w:color"), "000000")
    pbdr.append(bottom)


def set_outline_level(ppr: etree._Element, level: int) -> None:
    """Give a paragraph style an outline level (0 = level 1) so a TOC with `\\u` lists it."""
    child(ppr, "outlineLvl", _PPR_ORDER).set(qn("w:val"), str(level))


def set_first_line_chars(ppr: etree._Element, chars: int, twips: int) -> None:
    """First-line indent in characters (Word/WPS) with a length fallback (LibreOffice)."""
    ind = ppr.get_or_add_ind()
    ind.set(qn("w:firstLineChars"), str(chars * 100))
    ind.set(qn("w:firstLine"), str(twips))


def restart_page_numbers(sect_pr: etree._Element, start: int = 1) -> None:
    child(sect_pr, "pgNumType", _SECTPR_ORDER).set(qn("w:start"), str(start))


def _append_to_body(body: etree._Element, element: etree._Element) -> etree._Element:
    """Put a paragraph or table at the end of the body, before its closing w:sectPr, in constant
    time. python-docx searches the body from its first child for the w:sectPr on every insertion,
    which makes a document of n paragraphs cost n² (30,000 lines of one text: 50 s)."""
    try:
        last = body[-1]  # lxml finds the last child directly, from the end
    except IndexError:
        last = None
    if last is not None and last.tag == qn("w:sectPr"):
        last.addprevious(element)
    else:
        body.append(element)
    return element


def _install_body_appends() -> None:
    from docx.oxml.document import CT_Body

    CT_Body._insert_p = _append_to_body
    CT_Body._insert_tbl = _append_to_body  # type: ignore[assignment]


_install_body_appends()
