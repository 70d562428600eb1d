"""Text into the document: the Markdown subset of narrative files, school texts, placeholders.

Markdown subset: a blank line separates paragraphs (lines of one paragraph are joined; Chinese
needs no space), `**bold**`, `- ` list items, `## ` sub-headings below the section's heading.
`(1)` paragraphs are ordinary paragraphs. School texts are data: printed exactly as typed, one
paragraph per line, never interpreted as a template or as markup.

In both, a line `表：标题` directly followed by a Markdown pipe table (`| a | b |`, the `|---|`
rule under the header row optional) is a free table: a numbered, captioned table 表N-M 标题. In its
body an empty first cell, or a cell holding only `^`, continues the cell above (a merged cell).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from docx.document import Document
from docx.text.paragraph import Paragraph

from qreport.report import styles
from qreport.report.wordml import ooxml

_BOLD = re.compile(r"\*\*(.+?)\*\*")
_BULLET = re.compile(r"^\s*[-*+]\s+")
_HEADING = re.compile(r"^(#{1,6})\s+")

_TABLE_TITLE = re.compile(r"^\s*表\s*[：:]\s*(\S.*?)\s*$")
_RULE_CELL = re.compile(r"^:?-+:?$")

Kind = Literal["para", "bullet", "heading", "table"]


@dataclass(frozen=True)
class FreeTable:
    """A `表：标题` + pipe table: its title, header cells and body rows (all rows as long as the
    longest, short ones padded with empty cells)."""

    title: str
    header: list[str]
    rows: list[list[str]]


@dataclass
class Block:
    kind: Kind
    text: str
    depth: int = 0  # heading: levels below the section's own heading
    lines: list[str] = field(default_factory=list, repr=False)
    table: FreeTable | None = None


TableWriter = Callable[[FreeTable], None]


def _pipe_cells(line: str) -> list[str]:
    inner = line.strip()
    inner = inner[1:] if inner.startswith("|") else inner
    inner = inner[:-1] if inner.endswith("|") and not inner.endswith("\\|") else inner
    return [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", inner)]


def _pipe_table(title: str, lines: list[str]) -> FreeTable | None:
    rows = [_pipe_cells(line) for line in lines]
    rows = [r for r in rows if not (any(r) and all(_RULE_CELL.match(c) for c in r if c))]
    if not rows:
        return None
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    return FreeTable(title, rows[0], rows[1:])


def split_tables(text: str) -> list[str | FreeTable]:
    """`text` as runs of plain lines and the free tables between them."""
    lines = text.splitlines()
    out: list[str | FreeTable] = []
    plain: list[str] = []
    i = 0
    while i < len(lines):
        title = _TABLE_TITLE.match(lines[i])
        j = i + 1
        while j < len(lines) and lines[j].lstrip().startswith("|"):
            j += 1
        table = _pipe_table(title.group(1), lines[i + 1 : j]) if title and j > i + 1 else None
        if table is not None:
            if plain:
                out.append("\n".join(plain))
                plain = []
            out.append(table)
            i = j
        else:
            plain.append(lines[i])
            i += 1
    if plain:
        out.append("\n".join(plain))
    return out


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
    for part in split_tables(text):
        if isinstance(part, FreeTable):
            blocks.append(Block("table", part.title, table=part))
        else:
            blocks += _parse_markdown(part)
    return blocks


def _parse_markdown(text: str) -> list[Block]:
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
        if block.kind not in ("heading", "table"):
            block.text = _join(block.lines)
    return [b for b in blocks if b.text]


def add_marked_up(paragraph: Paragraph, text: str) -> None:
    """Runs of `text`, with **...** in bold."""
    for k, piece in enumerate(_BOLD.split(text)):
        if piece:
            run = paragraph.add_run(piece)
            if k % 2:
                run.bold = True


def write_blocks(
    doc: Document, blocks: list[Block], section_level: int, table: TableWriter | None = None
) -> list[tuple[int, str]]:
    """Write parsed Markdown, free tables through `table`; returns the (level, text) of the
    sub-headings written."""
    headings = []
    for block in blocks:
        if block.kind == "heading":
            level = min(section_level + block.depth, max(styles.HEADINGS))
            doc.add_paragraph(block.text, style=styles.HEADINGS[level])
            headings.append((level, block.text))
        elif block.kind == "table":
            if table is not None and block.table is not None:
                table(block.table)
        else:
            style = styles.LIST_BULLET if block.kind == "bullet" else styles.BODY
            add_marked_up(doc.add_paragraph(style=style), block.text)
    return headings


def write_school_text(doc: Document, label: str, content: str, table: TableWriter) -> None:
    """A school's 文字材料: the first paragraph opens with its bold short name (市一职：...), unless
    `label` is empty (the school's own report); free tables go through `table`."""
    first = True
    for part in split_tables(content):
        if isinstance(part, FreeTable):
            table(part)
            continue
        for line in (line.strip() for line in part.splitlines()):
            if not line:
                continue
            paragraph = doc.add_paragraph(style=styles.BODY)
            if first and label:
                paragraph.add_run(f"{label}：").bold = True
                first = False
            paragraph.add_run(line)


def placeholder_text(title: str) -> str:
    return f"【待补充：{title}】"


def write_placeholder(doc: Document, title: str, *, style: str = styles.BODY) -> Paragraph:
    """A highlighted gap the bureau must fill before publishing."""
    paragraph = doc.add_paragraph(style=style)
    ooxml.highlight(paragraph.add_run(placeholder_text(title)))
    return paragraph
