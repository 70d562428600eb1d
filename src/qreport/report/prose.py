"""Text into the document: the Markdown subset of narrative files, school texts, placeholders.

Markdown subset: a blank line separates paragraphs (lines of one paragraph are joined; Chinese
needs no space), `**bold**`, `- ` list items, `## ` sub-headings below the section's heading.
`(1)` paragraphs are ordinary paragraphs. School texts are data: printed exactly as typed, one
paragraph per line, never interpreted as a template or as markup.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from docx.document import Document
from docx.text.paragraph import Paragraph

from qreport.report import styles
from qreport.report.wordml import ooxml

_BOLD = re.compile(r"\*\*(.+?)\*\*")
_BULLET = re.compile(r"^\s*[-*+]\s+")
_HEADING = re.compile(r"^(#{1,6})\s+")

Kind = Literal["para", "bullet", "heading"]


@dataclass
class Block:
    kind: Kind
    text: str
    depth: int = 0  # heading: levels below the section's own heading
    lines: list[str] = field(default_factory=list, repr=False)


def _join(parts: list[str]) -> str:
    out = ""
    for part in parts:
        part = part.strip()
        if (
            out
            and part
            and out[-1].isascii()
            and out[-1].isalnum()
            and part[0].isascii()
            and part[0].isalnum()
        ):
            out += " "
        out += part
    return out


def parse(text: str) -> list[Block]:
    blocks: list[Block] = []
    current: Block | None = None
    for raw in text.splitlines():
        line = raw.rstrip()
        if not line.strip():
            current = None
            continue
        heading = _HEADING.match(line)
        bullet = _BULLET.match(line)
        if heading:
            depth = max(len(heading.group(1)) - 1, 1)
            blocks.append(Block("heading", line[heading.end() :].strip(), depth))
            current = None
        elif bullet:
            current = Block("bullet", "", lines=[line[bullet.end() :]])
            blocks.append(current)
        elif current is not None:
            current.lines.append(line)
        else:
            current = Block("para", "", lines=[line])
            blocks.append(current)
    for block in blocks:
        if block.kind != "heading":
            block.text = _join(block.lines)
    return [b for b in blocks if b.text]


def add_marked_up(paragraph: Paragraph, text: str) -> None:
    """Runs of `text`, with **...** in bold."""
    for k, piece in enumerate(_BOLD.split(text)):
        if piece:
            run = paragraph.add_run(piece)
            if k % 2:
                run.bold = True


def write_blocks(doc: Document, blocks: list[Block], section_level: int) -> list[tuple[int, str]]:
    """Write parsed Markdown; returns the (level, text) of the sub-headings written."""
    headings = []
    for block in blocks:
        if block.kind == "heading":
            level = min(section_level + block.depth, max(styles.HEADINGS))
            doc.add_paragraph(block.text, style=styles.HEADINGS[level])
            headings.append((level, block.text))
        else:
            style = styles.LIST_BULLET if block.kind == "bullet" else styles.BODY
            add_marked_up(doc.add_paragraph(style=style), block.text)
    return headings


def write_school_text(doc: Document, label: str, content: str) -> None:
    """A school's 文字材料: the first paragraph opens with its bold short name (市一职：...)."""
    lines = [line.strip() for line in content.splitlines() if line.strip()]
    for k, line in enumerate(lines):
        paragraph = doc.add_paragraph(style=styles.BODY)
        if k == 0:
            paragraph.add_run(f"{label}：").bold = True
        paragraph.add_run(line)


def placeholder_text(title: str) -> str:
    return f"【待补充：{title}】"


def write_placeholder(doc: Document, title: str, *, style: str = styles.BODY) -> Paragraph:
    """A highlighted gap the bureau must fill before publishing."""
    paragraph = doc.add_paragraph(style=style)
    ooxml.highlight(paragraph.add_run(placeholder_text(title)))
    return paragraph
