"""A .docx reduced to readable text, for golden tests and for reviewing a report in a diff.

One line per paragraph, `[style] text`, with **bold**, ==highlighted== runs, {FIELD instructions},
[图片 w×h cm] and [图表] for drawings; tables row by row, `^` for a cell merged from above and
`(×n)` for one spanning n columns; a `== section` line with the header, footer and page numbering
wherever a section ends. Empty paragraphs are left out.
"""

from __future__ import annotations

from pathlib import Path

import docx
from docx.document import Document
from docx.oxml.ns import qn
from docx.section import Section
from docx.shared import Emu, Length
from lxml import etree

_CHART = "http://schemas.openxmlformats.org/drawingml/2006/chart"


def dump_docx(path: Path | str) -> str:
    doc = docx.Document(str(path))
    styles = {s.style_id: s.name for s in doc.styles if s.type is not None}
    lines: list[str] = []
    sections = list(doc.sections)
    index = 0
    for el in doc.element.body.iterchildren():
        tag = etree.QName(el).localname
        if tag == "p":
            line = _paragraph(el, styles)
            if line:
                lines.append(line)
            sect = el.find(f"{qn('w:pPr')}/{qn('w:sectPr')}")
            if sect is not None:
                lines.append(_section(sections[index], index + 1))
                index += 1
        elif tag == "tbl":
            lines += _table(el)
        elif tag == "sectPr":
            lines.append(_section(sections[index], index + 1))
    lines.append(_settings(doc))
    return "\n".join(lines) + "\n"


def _run_text(run: etree._Element, field: dict[str, object]) -> str:
    out = ""
    for child in run:
        name = etree.QName(child).localname
        if name == "t":
            out += child.text or ""
        elif name == "tab":
            out += "\t"
        elif name == "br":
            out += "\n" if child.get(qn("w:type")) != "page" else "[分页]"
        elif name == "fldChar":
            kind = child.get(qn("w:fldCharType"))
            if kind == "begin":
                field["instr"] = ""
                field["open"] = True
            elif kind in ("separate", "end") and field.get("open"):
                out += "{" + str(field["instr"]).strip() + "}"
                field["open"] = False
        elif name == "instrText":
            field["instr"] = str(field.get("instr", "")) + (child.text or "")
        elif name == "drawing":
            out += _drawing(child)
    return out


def _drawing(drawing: etree._Element) -> str:
    if drawing.find(f".//{{{_CHART}}}chart") is not None:
        return "[图表]"
    extent = drawing.find(f".//{qn('wp:extent')}")
    if extent is None:
        return "[图片]"
    cx, cy = Emu(int(extent.get("cx"))), Emu(int(extent.get("cy")))
    return f"[图片 {cx.cm:.1f}×{cy.cm:.1f} cm]"


def _paragraph(p: etree._Element, styles: dict[str, str]) -> str:
    style_el = p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
    style = styles.get(style_el.get(qn("w:val")), "?") if style_el is not None else "Normal"
    text = ""
    field: dict[str, object] = {}
    for run in p.iter(qn("w:r")):
        piece = _run_text(run, field)
        if not piece:
            continue
        rpr = run.find(qn("w:rPr"))
        bold = (
            rpr is not None
            and rpr.find(qn("w:b")) is not None
            and rpr.find(qn("w:b")).get(qn("w:val")) != "0"
        )
        marked = rpr is not None and rpr.find(qn("w:highlight")) is not None
        if bold and piece.strip():
            piece = f"**{piece}**"
        if marked:
            piece = f"=={piece}=="
        text += piece
    if not text:
        return ""
    flag = p.find(f"{qn('w:pPr')}/{qn('w:pageBreakBefore')}")
    breaks = flag is not None and flag.get(qn("w:val")) not in ("0", "false")
    return f"[{style}]{' ⤓' if breaks else ''} {text}"


def _cell_text(tc: etree._Element) -> str:
    parts = []
    for p in tc.iter(qn("w:p")):
        field: dict[str, object] = {}
        # a line break the layout put into a cell (qreport.report.wordml.widths) is not content
        parts.append("".join(_run_text(r, field) for r in p.iter(qn("w:r"))).replace("\n", ""))
    return " / ".join(x for x in parts if x)


def _table(tbl: etree._Element) -> list[str]:
    rows = tbl.findall(qn("w:tr"))
    cols = len(tbl.find(qn("w:tblGrid")).findall(qn("w:gridCol")))
    header = sum(1 for tr in rows if tr.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None)
    no_split = all(tr.find(f"{qn('w:trPr')}/{qn('w:cantSplit')}") is not None for tr in rows)
    kept = all(tr.find(f".//{qn('w:keepNext')}") is not None for tr in rows[:-1])
    sizes = {r.get(qn("w:val")) for r in tbl.iter(qn("w:sz"))}
    size = "/".join(f"{int(s) / 2:g}pt" for s in sorted(sizes)) if sizes else "-"
    out = [
        f"<table {len(rows)}×{cols} header_rows={header} cant_split={'yes' if no_split else 'no'}"
        f"{' kept_together' if kept and len(rows) > 1 else ''} font={size}>"
    ]
    for tr in rows:
        cells = []
        for tc in tr.findall(qn("w:tc")):
            tcpr = tc.find(qn("w:tcPr"))
            vmerge = tcpr.find(qn("w:vMerge")) if tcpr is not None else None
            span = tcpr.find(qn("w:gridSpan")) if tcpr is not None else None
            continued = vmerge is not None and vmerge.get(qn("w:val")) != "restart"
            text = "^" if continued else _cell_text(tc)
            if span is not None and int(span.get(qn("w:val"))) > 1:
                text += f" (×{span.get(qn('w:val'))})"
            cells.append(text)
        out.append("| " + " | ".join(cells) + " |")
    out.append("</table>")
    return out


def _part_text(part, linked: bool, first: bool) -> str:  # type: ignore[no-untyped-def]
    if linked:
        return "(无)" if first else "(同上节)"
    texts = []
    for p in part._element.iter(qn("w:p")):
        field: dict[str, object] = {}
        texts.append("".join(_run_text(r, field) for r in p.iter(qn("w:r"))))
    return " / ".join(t for t in texts if t) or "(空)"


def _mm(length: Length | None) -> str:
    return "?" if length is None else f"{length.mm:.0f}"


def _section(section: Section, number: int) -> str:
    pg = section._sectPr.find(qn("w:pgNumType"))
    start = pg.get(qn("w:start")) if pg is not None else None
    size = f"{_mm(section.page_width)}×{_mm(section.page_height)}mm"
    margins = "/".join(
        _mm(m) for m in (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    )
    header = _part_text(section.header, section.header.is_linked_to_previous, number == 1)
    footer = _part_text(section.footer, section.footer.is_linked_to_previous, number == 1)
    numbering = f"页码自 {start} 起" if start else "页码续前"
    return f"== 第{number}节结束 {size} 边距(上/下/左/右){margins} {numbering} 页眉：{header} 页脚：{footer}"


def _settings(doc: Document) -> str:
    update = doc.settings.element.find(qn("w:updateFields"))
    return f"== settings updateFields={'true' if update is not None else 'false'}"
