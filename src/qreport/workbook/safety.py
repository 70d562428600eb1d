"""Refuse hostile or unusable files before any XML is parsed.

Legacy .xls and password-protected workbooks are both OLE compound files; an .xlsx is a zip. A zip whose
members would inflate beyond a sane size, or with absurd compression ratios, is refused unopened.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from qreport.budgets import MAX_MEMBERS, MAX_RATIO, MAX_TOTAL_UNCOMPRESSED, RATIO_FLOOR
from qreport.errors import UnreadableWorkbook, original
from qreport.findings import CODES

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def refuse(code: str, path: Path, **params: object) -> UnreadableWorkbook:
    sheet = params.get("sheet")
    return UnreadableWorkbook(
        CODES[code][1].format(**params),
        path=str(path),
        code=code,
        sheet=sheet if isinstance(sheet, str) else None,
    )


def _is_encrypted_ole(head: bytes) -> bool:
    # An encrypted OOXML file is an OLE container holding an "EncryptionInfo" stream (UTF-16 name).
    return "EncryptionInfo".encode("utf-16-le") in head


def open_checked(path: Path) -> zipfile.ZipFile:
    """The workbook as an open zip, or UnreadableWorkbook saying what the user must do."""
    if not path.exists():
        raise refuse("file_missing", path)
    if path.is_dir():
        raise refuse("not_a_file", path)
    size = path.stat().st_size
    if size == 0:
        raise refuse("empty_file", path)
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
            if head == OLE_MAGIC:
                fh.seek(0)
                body = fh.read(min(size, 4 * 1024 * 1024))
                raise refuse("encrypted" if _is_encrypted_ole(body) else "legacy_xls", path)
    except PermissionError:
        raise refuse("no_permission", path) from None
    if not zipfile.is_zipfile(path):
        raise refuse("not_xlsx", path)
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise refuse("corrupt", path, detail="压缩包结构不完整" + original(exc)) from None
    try:
        _check_sizes(zf, path)
        if "xl/workbook.xml" not in zf.namelist():
            raise refuse("not_xlsx", path)
    except UnreadableWorkbook:
        zf.close()
        raise
    return zf


def _check_sizes(zf: zipfile.ZipFile, path: Path) -> None:
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS:
        raise refuse("zip_bomb", path, detail=f"包含 {len(infos)} 个部件")
    total = 0
    for info in infos:
        total += info.file_size
        if total > MAX_TOTAL_UNCOMPRESSED:
            raise refuse("zip_bomb", path, detail="解压后超过 100 MB")
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            ratio = info.file_size // max(info.compress_size, 1)
            raise refuse("zip_bomb", path, detail=f"{info.filename} 压缩比 {ratio}:1")
