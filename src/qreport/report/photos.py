"""Photos on the page: schools' pictures in their sections (文字材料) and in their cases (典型案例).

A photo is as wide as the text at most and at most a third of the text height, aspect kept, so it
and its caption never push a half-empty page before them. A picture that cannot be found or read is
left out with a warning; validation has already told the school.
"""

from __future__ import annotations

from pathlib import Path

from docx.document import Document
from docx.image.exceptions import UnrecognizedImageError
from docx.image.image import Image
from docx.shared import Length

from qreport.report import styles
from qreport.report.captions import Numbering

PHOTO_MAX_WIDTH = styles.TEXT_WIDTH
PHOTO_MAX_HEIGHT = Length(int(styles.TEXT_HEIGHT / 3))


def photo_size(image: Image) -> tuple[Length, Length]:
    """Width and height on the page: the text width at most, a third of the text height at most."""
    ratio = image.px_height / image.px_width
    width = Length(int(PHOTO_MAX_WIDTH))
    if width * ratio > PHOTO_MAX_HEIGHT:
        width = Length(int(PHOTO_MAX_HEIGHT / ratio))
    return width, Length(int(width * ratio))


def write_photo(
    doc: Document,
    path: str | None,
    caption: str,
    chapter: int,
    numbering: Numbering,
    warnings: list[str],
    *,
    whose: str,
) -> None:
    """The picture at `path` centred, then its caption 图N-M `caption` below it. `whose` names the
    picture in a warning (杭后职教的案例“…”的图片)."""
    file = Path(path or "")
    if not path or not file.is_file():
        return
    try:
        image = Image.from_file(str(file))
    except (UnrecognizedImageError, OSError, ValueError) as exc:
        warnings.append(f"{whose} {file.name} 无法读取（{exc}），已略去。")
        return
    width, height = photo_size(image)
    doc.add_paragraph(style=styles.PICTURE).add_run().add_picture(str(file), width=width, height=height)
    doc.add_paragraph(numbering.caption("图", chapter, caption), style=styles.FIGURE_CAPTION)
