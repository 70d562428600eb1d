"""Cover, 内容真实性责任声明, 编制组, 前言, and the four lists (目录, 表目录, 图目录, 案例目录).

The lists are Word TOC fields (Word fills in page numbers when it opens the file and asks to update;
LibreOffice updates them too). Their results are pre-filled with every entry, so the lists are
readable even before any update.
"""

from __future__ import annotations

from dataclasses import dataclass

from docx.document import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm
from docx.text.paragraph import Paragraph

from qreport.catalog.config import Config
from qreport.report import styles
from qreport.report.prose import parse, placeholder_text, write_blocks, write_placeholder
from qreport.report.wordml import ooxml

# Field instructions. Captions are collected by paragraph style (\t), which LibreOffice also updates;
# the appendix captions carry outline level 1 and so appear in the main 目录 through \u.
CONTENTS_FIELD = 'TOC \\o "1-3" \\h \\z \\u'
TABLES_FIELD = f'TOC \\h \\z \\t "{styles.TABLE_CAPTION},1"'
FIGURES_FIELD = f'TOC \\h \\z \\t "{styles.FIGURE_CAPTION},1"'
CASES_FIELD = f'TOC \\h \\z \\t "{styles.CASE_TITLE},1"'


@dataclass(frozen=True)
class Cover:
    region: str
    title: str
    year: int
    compiler: str
    date: str
    draft: bool


def _page_title(doc: Document, text: str, *, new_page: bool = True) -> Paragraph:
    paragraph = doc.add_paragraph(text, style=styles.FRONT_TITLE)
    paragraph.paragraph_format.page_break_before = new_page
    return paragraph


def _line(doc: Document, text: str, style: str, placeholders: list[str], what: str) -> None:
    if text:
        doc.add_paragraph(text, style=style)
    else:
        write_placeholder(doc, what, style=style)
        placeholders.append(what)


def cover(doc: Document, info: Cover, placeholders: list[str]) -> None:
    if info.draft:
        doc.add_paragraph("草 稿", style=styles.DRAFT_MARK)
    _line(doc, info.region, styles.COVER_REGION, placeholders, "封面：地区名称")
    doc.add_paragraph(info.title, style=styles.COVER_TITLE)
    doc.add_paragraph(f"（{info.year}）", style=styles.COVER_TITLE)
    spacer = doc.add_paragraph(style=styles.COVER_LINE)
    spacer.paragraph_format.space_before = Mm(60)
    _line(
        doc,
        f"{info.compiler}编制" if info.compiler else "",
        styles.COVER_LINE,
        placeholders,
        "封面：编制单位",
    )
    _line(doc, info.date, styles.COVER_LINE, placeholders, "封面：编制日期")
    if info.draft:
        doc.add_paragraph("（草稿：数据尚未通过校验，不得对外发布）", style=styles.COVER_LINE)


def _with_gap(doc: Document, parts: list[str], style: str, placeholders: list[str], what: str) -> Paragraph:
    """A paragraph of `parts` in which every empty part is a highlighted 【待补充：what】."""
    paragraph = doc.add_paragraph(style=style)
    for text in parts:
        if text:
            paragraph.add_run(text)
        else:
            ooxml.highlight(paragraph.add_run(placeholder_text(what)))
            if what not in placeholders:
                placeholders.append(what)
    return paragraph


def statement(
    doc: Document, config: Config, subject: str, year: int, placeholders: list[str], *, own: bool = False
) -> None:
    """The statement that `config.report.compiler` answers for the report on `subject` (巴彦淖尔市;
    本校). A school's own report (`own`) names its 法定代表人, or shows a placeholder for it."""
    report = config.report
    _page_title(doc, "内容真实性责任声明")
    what = "内容真实性责任声明：编制单位"
    _with_gap(doc, [report.compiler, f"对{subject}中等职业教育质量报告（{year}年度）及相关附件的真实性、"
                    "完整性和准确性负责。"], styles.BODY, placeholders, what)  # fmt: skip
    doc.add_paragraph("特此声明。", style=styles.BODY)
    doc.add_paragraph(style=styles.FRONT_TEXT)
    _with_gap(doc, ["单位名称（盖章）：", report.compiler], styles.FRONT_TEXT, placeholders, what)
    if own:
        _with_gap(doc, ["法定代表人（签名）：", report.representative], styles.FRONT_TEXT, placeholders,
                  "内容真实性责任声明：法定代表人")  # fmt: skip
    else:
        doc.add_paragraph(f"法定代表人（签名）：{report.representative}", style=styles.FRONT_TEXT)
    doc.add_paragraph(style=styles.FRONT_TEXT)
    date = _with_gap(doc, [report.statement_date or report.date], styles.FRONT_TEXT, placeholders,
                     "内容真实性责任声明：落款日期")  # fmt: skip
    date.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def team(doc: Document, config: Config, region_short: str, placeholders: list[str]) -> None:
    _page_title(doc, f"{region_short}中等职业教育质量报告编制组")
    if not config.team:
        write_placeholder(doc, "编制组", style=styles.FRONT_TEXT)
        placeholders.append("编制组")
        return
    for entry in config.team:
        members = entry.filled_members or [""]
        _with_gap(
            doc, [f"{entry.role}：", members[0]], styles.FRONT_TEXT, placeholders, f"编制组：{entry.role}"
        )
        indent = "\u3000" * (len(entry.role) + 1)  # later members line up under the first
        for member in members[1:]:
            doc.add_paragraph(f"{indent}{member}", style=styles.FRONT_TEXT)


def preface(doc: Document, text: str | None, placeholders: list[str]) -> None:
    _page_title(doc, "前\u3000言")
    blocks = parse(text or "")
    if blocks:
        write_blocks(doc, blocks, section_level=1)
    else:
        write_placeholder(doc, "前言")
        placeholders.append("前言")


def list_page(doc: Document, title: str) -> Paragraph:
    """The title of a list and an anchor paragraph where its entries go once they are known."""
    _page_title(doc, title)
    return doc.add_paragraph(style=styles.TOC_LEVELS[1])


def fill_list(anchor: Paragraph, instruction: str, entries: list[tuple[int, str]]) -> None:
    """Replace `anchor` with the field `instruction`, its result pre-filled with `entries`."""
    if not entries:
        ooxml.field_begin(anchor, instruction)
        ooxml.field_end(anchor)
        return
    paragraphs = [
        anchor.insert_paragraph_before(text, style=styles.TOC_LEVELS[min(level, 3)])
        for level, text in entries
    ]
    first, last = paragraphs[0], paragraphs[-1]
    # the field begins before the first entry's text and ends after the last one's
    marker = first.runs[0]._r
    ooxml.field_begin(first, instruction)
    for element in list(first._p)[-3:]:
        marker.addprevious(element)
    ooxml.field_end(last)
    anchor._p.getparent().remove(anchor._p)
