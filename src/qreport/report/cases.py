"""Schools' 典型案例 at the end of their chapter: 案例N-M title, body, photo with 图N-M caption.

Case texts are data and are printed as typed. A photo that cannot be found or read is left out
here; validation has already warned the school about it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from docx.document import Document
from docx.image.exceptions import UnrecognizedImageError
from docx.image.image import Image
from docx.shared import Cm, Length

from qreport.model import Case
from qreport.report import styles
from qreport.report.captions import Numbering

PHOTO_WIDTH = Cm(14)
PHOTO_MAX_HEIGHT = Cm(11)  # a tall photo is scaled by height so it and its caption fit a page


@dataclass(frozen=True)
class SchoolCase:
    label: str  # the school's short name
    case: Case


def photo_size(image: Image) -> tuple[Length, Length]:
    """Width and height on the page: 14 cm wide, aspect kept, at most 11 cm tall."""
    ratio = image.px_height / image.px_width
    width: Length = PHOTO_WIDTH
    if width * ratio > PHOTO_MAX_HEIGHT:
        width = Length(int(PHOTO_MAX_HEIGHT / ratio))
    return width, Length(int(width * ratio))


def write_cases(
    doc: Document, chapter: int, cases: list[SchoolCase], numbering: Numbering, warnings: list[str]
) -> None:
    for entry in cases:
        case = entry.case
        doc.add_paragraph(numbering.caption("案例", chapter, case.title.strip()), style=styles.CASE_TITLE)
        for line in case.body.splitlines():
            if line.strip():
                doc.add_paragraph(line.strip(), style=styles.BODY)
        if case.image_path:
            _photo(doc, chapter, entry, numbering, warnings)


def _photo(doc: Document, chapter: int, entry: SchoolCase, numbering: Numbering, warnings: list[str]) -> None:
    case = entry.case
    path = Path(case.image_path or "")
    if not path.is_file():
        return
    try:
        image = Image.from_file(str(path))
    except (UnrecognizedImageError, OSError, ValueError) as exc:
        warnings.append(f"{entry.label}的案例“{case.title}”的图片 {path.name} 无法读取（{exc}），已略去。")
        return
    width, height = photo_size(image)
    doc.add_paragraph(style=styles.PICTURE).add_run().add_picture(str(path), width=width, height=height)
    caption = (case.caption or "").strip() or case.title.strip()
    doc.add_paragraph(numbering.caption("图", chapter, caption), style=styles.FIGURE_CAPTION)
