"""Schools' 典型案例 at the end of their chapter: 案例N-M title, body, photo with 图N-M caption.

Case texts are data and are printed as typed.
"""

from __future__ import annotations

from dataclasses import dataclass

from docx.document import Document

from qreport.model import Case
from qreport.report import styles
from qreport.report.captions import Numbering
from qreport.report.photos import write_photo


@dataclass(frozen=True)
class SchoolCase:
    label: str  # the school's short name
    case: Case


def write_cases(
    doc: Document, chapter: int, cases: list[SchoolCase], numbering: Numbering, warnings: list[str]
) -> None:
    for entry in cases:
        case = entry.case
        doc.add_paragraph(numbering.caption("案例", chapter, case.title.strip()), style=styles.CASE_TITLE)
        for line in case.body.splitlines():
            if line.strip():
                doc.add_paragraph(line.strip(), style=styles.BODY)
        caption = (case.caption or "").strip() or case.title.strip()
        whose = f"{entry.label}的案例“{case.title}”的图片"
        write_photo(doc, case.image_path, caption, chapter, numbering, warnings, whose=whose)
