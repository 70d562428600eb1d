"""Pictures are decoded and checked before they are embedded: a file that is empty, truncated, not
an image, of a format Word cannot show, or too large in bytes or pixels is refused with a reason
(Chinese), never handed to the report writer to fail there.

A picture named in a workbook must be a plain file name in the workbook's folder; a symlink that
leads out of that folder is refused, as is any name with a path in it.
"""

from __future__ import annotations

import warnings
from io import BytesIO
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from qreport.budgets import MAX_PICTURE_BYTES, MAX_PICTURE_PIXELS
from qreport.errors import original

# What python-docx can place in a document (by Pillow's format name), with the file suffix to use.
EMBEDDABLE = {"PNG": ".png", "JPEG": ".jpg", "GIF": ".gif", "BMP": ".bmp", "TIFF": ".tiff"}


def picture_problem(data: bytes) -> str | None:
    """Why `data` cannot be embedded (Chinese, for a finding), or None when it can."""
    if not data:
        return "文件是空的（0 字节）"
    if len(data) > MAX_PICTURE_BYTES:
        return f"文件有 {len(data) // (1024 * 1024)} MB，超过上限 {MAX_PICTURE_BYTES // (1024 * 1024)} MB"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(BytesIO(data))
            width, height = image.size
            if image.format not in EMBEDDABLE:
                return f"是 {image.format} 格式，Word 无法显示，请另存为 JPG 或 PNG"
            if width <= 0 or height <= 0:
                return f"尺寸为 {width}×{height} 像素，不是可显示的图片"
            if width * height > MAX_PICTURE_PIXELS:
                return f"有 {width}×{height} 像素，超过上限 {MAX_PICTURE_PIXELS // 1_000_000} 百万像素，请缩小后再插入"
            image.load()  # decodes every pixel: a truncated or corrupt file fails here
    except UnidentifiedImageError:
        return "不是图片（无法识别的格式）"
    except (
        OSError,
        ValueError,
        SyntaxError,
        EOFError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ) as exc:
        return f"图片已损坏{original(exc)}"
    return None


def read_picture(path: Path) -> bytes:
    """A picture file's bytes, at most one byte past the budget (enough to refuse it)."""
    try:
        with path.open("rb") as fh:
            return fh.read(MAX_PICTURE_BYTES + 1)
    except OSError:
        return b""


def picture_suffix(data: bytes) -> str:
    """The file suffix of an image that passed `picture_problem`."""
    with Image.open(BytesIO(data)) as image:
        return EMBEDDABLE.get(image.format or "", ".png")


def inside(path: Path, folder: Path) -> bool:
    """True when `path`, symlinks followed, stays inside `folder`."""
    try:
        return path.resolve().is_relative_to(folder.resolve())
    except (OSError, RuntimeError):  # a symlink loop
        return False


def picture_beside(folder: Path, name: str) -> Path | None:
    """The picture file `name` in the workbook's `folder`, or None. Only a plain file name counts: a
    path ("../x.png", "/home/…/x.jpg") or a symlink leading out of the folder would let a school's
    workbook pull any file into the report."""
    if not name or Path(name).name != name or name in (".", "..") or "\x00" in name:
        return None
    path = folder / name
    try:
        return path if path.is_file() and inside(path, folder) else None
    except OSError:  # a name too long for the file system
        return None
