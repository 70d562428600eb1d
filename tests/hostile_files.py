"""Hostile inputs made from copies of examples/bayannur: raw bytes put into a sheet's XML where
openpyxl would refuse to write them, and small folders to build."""

from __future__ import annotations

import posixpath
import re
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "bayannur"
SCHOOL = "巴彦淖尔市第一职业中等专业学校.xlsx"
PICTURE = "市一职-项目式体育课程.jpg"

# Every C0 and C1 control but TAB, LF, CR; DEL; the non-characters; terminal escape sequences.
CONTROLS = "".join(chr(c) for c in (*range(0, 9), 11, 12, *range(14, 32), 127, *range(0x80, 0xA0)))
EVIL = "12" + CONTROLS + "abc\x1b[31mRED\x1b]0;TITLE\x07\ufffe\uffff尾"

# (sheet, cell) of every text field of the example school that reaches the report
TEXT_FIELDS = [
    ("基本信息", "B5"),  # 学校简称
    ("文字材料", "B4"),  # 内容
    ("典型案例", "B4"),  # 标题
    ("典型案例", "C4"),  # 正文
    ("典型案例", "E4"),  # 图片说明
    ("专业设置", "B4"),  # 专业名称
    ("补充指标", "G9"),  # 备注 of student_awards_prov_1
]


def one_school(folder: Path) -> Path:
    """A folder holding a copy of one example school and its picture; returns the workbook."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(EXAMPLE / PICTURE, folder / PICTURE)
    return Path(shutil.copy(EXAMPLE / SCHOOL, folder / SCHOOL))


def example_copy(folder: Path) -> Path:
    shutil.copytree(EXAMPLE, folder)
    return folder


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def write_members(path: Path, parts: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return path


def sheet_part(parts: dict[str, bytes], sheet: str) -> str:
    book = parts["xl/workbook.xml"].decode()
    rels = parts["xl/_rels/workbook.xml.rels"].decode()
    for m in re.finditer(r"<sheet\b[^>]*>", book):
        name = re.search(r'name="([^"]*)"', m.group()).group(1)  # type: ignore[union-attr]
        rid = re.search(r'r:id="([^"]*)"', m.group()).group(1)  # type: ignore[union-attr]
        if _unescape(name) == sheet:
            target = re.search(rf'Id="{rid}"[^>]*Target="([^"]*)"|Target="([^"]*)"[^>]*Id="{rid}"', rels)
            assert target is not None
            found = target.group(1) or target.group(2)
            return (
                found.lstrip("/")
                if found.startswith("/")
                else posixpath.normpath(posixpath.join("xl", found))
            )
    raise KeyError(sheet)


def _unescape(text: str) -> str:
    return re.sub(r"&#(\d+);", lambda m: chr(int(m.group(1))), text)


def edit_sheet(path: Path, sheet: str, change: Callable[[bytes], bytes]) -> Path:
    parts = members(path)
    part = sheet_part(parts, sheet)
    parts[part] = change(parts[part])
    return write_members(path, parts)


def put_text(path: Path, sheet: str, ref: str, text: str) -> Path:
    """Cell `ref` of `sheet` becomes an inline string of `text`, written as raw UTF-8 bytes."""
    raw = text.encode("utf-8", "surrogatepass").replace(b"&", b"&amp;").replace(b"<", b"&lt;")

    def change(xml: bytes) -> bytes:
        cell = re.compile(rb'<c r="' + ref.encode() + rb'"([^>]*?)(?:/>|>.*?</c>)', re.S)
        m = cell.search(xml)
        assert m, ref
        attrs = re.sub(rb'\st="[^"]*"', b"", m.group(1))
        new = b'<c r="%s"%s t="inlineStr"><is><t xml:space="preserve">%s</t></is></c>' % (
            ref.encode(),
            attrs,
            raw,
        )
        return xml[: m.start()] + new + xml[m.end() :]

    return edit_sheet(path, sheet, change)


def append_cell(path: Path, sheet: str, ref: str, value: bytes = b"<v>1</v>") -> Path:
    """A cell `ref` added in a row of its own at the end of the sheet's data."""
    row = re.sub(r"[A-Z]", "", ref)

    def change(xml: bytes) -> bytes:
        cell = b'<row r="%s"><c r="%s">%s</c></row>' % (row.encode(), ref.encode(), value)
        return xml.replace(b"</sheetData>", cell + b"</sheetData>", 1)

    return edit_sheet(path, sheet, change)
