"""Which files of a folder are school workbooks, and a notice for each file that is not.

A folder can be built again and again with the outputs inside it: files qreport wrote carry its mark
and are skipped, as is any workbook without the school layout (a bureau's own spreadsheet). Files in
a spreadsheet format qreport cannot read are skipped with a notice saying how to save them as .xlsx;
a notice is not a finding, so skipped files never change a build's result.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

from qreport.errors import InputError, UnreadableWorkbook
from qreport.pictures import inside
from qreport.workbook import layout
from qreport.workbook.xlsx import identify

WORKBOOK_SUFFIXES = {".xlsx", ".xlsm"}
# Old Excel and WPS formats a school can save again as .xlsx (a real .xlsx under such a name is read).
LEGACY_SUFFIXES = {".xls", ".et"}
# Spreadsheets in other formats a school might send: skipped with a notice, never guessed at.
OTHER_SHEETS = {".csv", ".ods", ".xlsb", ".numbers", ".wps", ".ett", ".xlt", ".xltx"}
ZIP_MAGIC = b"PK\x03\x04"
OUTSIDE = "是指向文件夹之外的链接。请把工作簿本身放进文件夹。"


@dataclass(frozen=True)
class Skipped:
    """A file of the folder that is not read, and why (one notice line)."""

    file: str
    reason: str
    legacy: bool = False  # an old spreadsheet format: the school's workbook, perhaps, not yet .xlsx

    @property
    def notice(self) -> str:
        return f"已跳过 {self.file}：{self.reason}"


def _is_zip(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            return fh.read(4) == ZIP_MAGIC
    except OSError:
        return False


def discover(folder: Path) -> tuple[list[Path], list[Skipped], list[str]]:
    """Candidate workbooks below `folder` in a stable order, the files skipped by name or format, and
    the files that are links out of the folder (not the bureau's to read).

    Hidden files and folders (temporary outputs among them) are passed over silently."""
    if not folder.is_dir():
        raise InputError(f"找不到文件夹 {folder}。请指定存放各校工作簿的文件夹。")
    found: list[Path] = []
    skipped: list[Skipped] = []
    outside: list[str] = []
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if any(part.startswith(".") for part in rel.parts) or not path.is_file():
            continue
        if not inside(path, folder):  # a symlink out of the bureau folder
            outside.append(str(rel))
            continue
        suffix = path.suffix.lower()
        if path.name.startswith("~$"):
            skipped.append(Skipped(str(rel), "Excel 或 WPS 打开文件时留下的临时文件。"))
        elif suffix in WORKBOOK_SUFFIXES or (suffix in LEGACY_SUFFIXES and _is_zip(path)):
            found.append(path)
        elif suffix in LEGACY_SUFFIXES:
            why = f"是旧版 {suffix} 格式，无法读取。请在 Excel 或 WPS 中“另存为”Excel 工作簿（.xlsx）后重新报送。"
            skipped.append(Skipped(str(rel), why, legacy=True))
        elif suffix in OTHER_SHEETS:
            skipped.append(
                Skipped(str(rel), "不是 .xlsx 工作簿。请在 Excel 或 WPS 中另存为 .xlsx 后重新报送。")
            )
    return found, skipped, outside


def skip_reason(path: Path, indicator_sheets: Collection[str]) -> str | None:
    """Why a workbook of the folder is not a school's (qreport wrote it, or it lacks the school
    layout), or None to read it as a school's. A file that cannot be opened is read, so that the
    reader says what is wrong with it."""
    try:
        mark, sheets = identify(path)
    except UnreadableWorkbook:
        return None
    if mark is not None:
        return f"这是 qreport 写出的{mark}，不是学校报送的工作簿。"
    if layout.INFO_SHEET not in sheets and not set(sheets) & set(indicator_sheets):
        return f"没有“{layout.INFO_SHEET}”工作表，也没有指标工作表，不是学校填报表。"
    return None


def legacy_file_of(school: str, short_name: str, skipped: Sequence[Skipped]) -> Skipped | None:
    """The old-format file a missing school probably sent instead (named after the school)."""
    for s in skipped:
        stem = Path(s.file).stem
        if s.legacy and (school in stem or (short_name and short_name in stem)):
            return s
    return None
