"""`validate --annotate`: a copy of a school workbook with the faulty cells marked.

Each finding's cell is filled red (error) or yellow (warning) and carries a comment with the
messages; a first sheet `校验结果` lists every finding, those without a cell included. The input is
only read: the copy is built in memory and written elsewhere, whole or not at all.
"""

from __future__ import annotations

import html
import re
import zipfile
from collections.abc import Iterable, Sequence
from io import BytesIO
from pathlib import Path
from xml.etree.ElementTree import ParseError

from openpyxl import load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import quote_sheetname
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from qreport.atomic import cannot_write, write_atomic
from qreport.errors import InputError, UnreadableWorkbook, original
from qreport.findings import Finding, counts
from qreport.mark import ANNOTATED, mark_workbook
from qreport.textgate import gate_xml
from qreport.workbook.safety import open_checked
from qreport.workbook.template import FONT_NAME, HEADER_FILL, fit_row_heights

SUMMARY_SHEET = "校验结果"
SUMMARY_HEADERS = ("序号", "文件", "工作表", "单元格", "级别", "问题说明")
ERROR_FILL = PatternFill("solid", fgColor="FF7C80")
WARNING_FILL = PatternFill("solid", fgColor="FFD966")  # stronger than the template's light-yellow input
SEVERITY_TEXT = {"error": "错误", "warning": "警告"}
AUTHOR = "qreport"
_CELL = re.compile(r"\$?([A-Za-z]{1,3})\$?([1-9]\d*)")
_FONT = Font(name=FONT_NAME, size=11, charset=134)


def annotated_path(src: Path, out_dir: Path) -> Path:
    """Where the copy of `src` goes: same name in `out_dir`, always .xlsx (macros are not kept)."""
    return Path(out_dir) / f"{Path(src).stem}.xlsx"


def annotated_paths(srcs: Sequence[Path], out_dir: Path) -> list[Path]:
    """One distinct copy per source: same-named workbooks from different folders (two 填报表.xlsx,
    学校.xlsx beside 学校.xlsm) become 填报表.xlsx, 填报表（2）.xlsx … instead of one copy."""
    taken: set[str] = set()
    out: list[Path] = []
    for src in srcs:
        path = annotated_path(src, out_dir)
        n = 1
        while path.name.casefold() in taken:  # casefold: Windows and macOS folders ignore case
            n += 1
            path = Path(out_dir) / f"{Path(src).stem}（{n}）.xlsx"
        taken.add(path.name.casefold())
        out.append(path)
    return out


def _is_annotated_copy(path: Path) -> bool:
    """True for a copy this command wrote earlier (its first sheet is 校验结果): it may be replaced."""
    try:
        with zipfile.ZipFile(path) as zf:
            book = zf.read("xl/workbook.xml")[: 1024 * 1024].decode("utf-8", "replace")
    except (OSError, KeyError, zipfile.BadZipFile):
        return False
    return f'name="{SUMMARY_SHEET}"' in html.unescape(book)


def check_target(src: Path, out: Path) -> None:
    """Refuse a copy that would land on its source or on a file that is not an earlier copy."""
    if out.resolve() == Path(src).resolve():
        raise InputError(
            f"标注副本会覆盖原文件 {src}。请用 --annotate 指定另一个文件夹（例如 {Path(src).parent / '标注'}）。",
            path=str(src),
        )
    if out.is_file() and not _is_annotated_copy(out):
        raise InputError(
            f"标注副本 {out} 会覆盖已有的工作簿（不是 qreport 写出的标注副本）。"
            f"请用 --annotate 指定另一个文件夹（例如 {Path(src).parent / '标注'}）。",
            path=str(out),
        )


def annotate(src: Path, findings: Sequence[Finding], out_dir: Path, *, target: Path | None = None) -> Path:
    """Write a marked copy of workbook `src` into `out_dir` (as `target` when given) and return its
    path. `src` is never written, nor any existing file that is not an earlier annotated copy."""
    src = Path(src)
    out = target or annotated_path(src, out_dir)
    check_target(src, out)
    wb = _load(src)
    _drop_old_summary(wb)
    marked = _mark_cells(wb, findings)
    _summary_sheet(wb, findings, marked, src.name)
    mark_workbook(wb, ANNOTATED)  # a build of a folder holding the copy skips it
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise cannot_write(out, exc) from None
    write_atomic(out, wb.save)
    return out


def _load(src: Path) -> Workbook:
    open_checked(src).close()  # refuses missing, legacy, encrypted and oversized files with a clear message
    try:
        return load_workbook(_gated(src))
    except (
        zipfile.BadZipFile,
        InvalidFileException,
        KeyError,
        ValueError,
        TypeError,
        OSError,
        ParseError,
    ) as exc:
        raise UnreadableWorkbook(
            f"无法读取工作簿 {src.name}，未写出标注副本{original(exc)}。请在 Excel 中打开并另存为 .xlsx 后再试。",
            path=str(src),
            code="corrupt",
        ) from None


def _gated(src: Path) -> BytesIO:
    """The workbook with its XML parts through the text gate: a control character that the reader
    removed (with a warning) would otherwise stop openpyxl's strict parser."""
    out = BytesIO()
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename.endswith((".xml", ".rels", ".vml")):
                data = gate_xml(data)
            zout.writestr(info, data)
    out.seek(0)
    return out


def _drop_old_summary(wb: Workbook) -> None:
    # Annotating an annotated copy replaces its summary instead of adding a second one.
    if SUMMARY_SHEET in wb.sheetnames:
        wb.remove(wb[SUMMARY_SHEET])


def _anchor(ws: Worksheet, ref: str) -> str:
    """The top-left cell of the merged range holding `ref` (only that cell can take a comment)."""
    for rng in ws.merged_cells.ranges:
        if ref in rng:
            return str(rng.start_cell.coordinate)
    return ref


def _mark_cells(wb: Workbook, findings: Iterable[Finding]) -> dict[int, str]:
    """Fill and comment the cells of findings; returns {finding index: cell marked} of those placed."""
    by_cell: dict[tuple[str, str], list[tuple[int, Finding]]] = {}
    for i, f in enumerate(findings):
        match = _CELL.fullmatch((f.cell or "").strip())
        if f.sheet is not None and f.sheet in wb.sheetnames and match:
            ref = _anchor(wb[f.sheet], f"{match.group(1).upper()}{match.group(2)}")
            by_cell.setdefault((f.sheet, ref), []).append((i, f))
    for (sheet, ref), items in by_cell.items():
        ws = wb[sheet]
        cell = ws[ref]
        has_error = any(f.is_error for _, f in items)
        cell.fill = ERROR_FILL if has_error else WARNING_FILL
        lines = [f"【{SEVERITY_TEXT[f.severity]}】{f.message}" for _, f in items]
        if cell.comment is not None and cell.comment.author != AUTHOR:
            lines.append(f"——原批注（{cell.comment.author or ''}）——\n{cell.comment.text}")
        text = "\n".join(lines)
        comment = Comment(text, AUTHOR)
        comment.width = 360
        comment.height = min(600, 40 + 18 * sum(1 + len(line) // 22 for line in text.split("\n")))
        cell.comment = comment
        if has_error or ws.sheet_properties.tabColor is None:
            ws.sheet_properties.tabColor = "FF0000" if has_error else "FFC000"
    return {i: ref for (_, ref), items in by_cell.items() for i, _ in items}


def _summary_sheet(wb: Workbook, findings: Sequence[Finding], marked: dict[int, str], file_name: str) -> None:
    ws = wb.create_sheet(SUMMARY_SHEET, 0)
    errors, warnings = counts(findings)
    ws["A1"] = f"校验结果：{file_name}"
    ws["A1"].font = Font(name=FONT_NAME, size=14, bold=True, charset=134)
    ws["A2"] = (
        f"错误 {errors} 项，警告 {warnings} 项。红色单元格为错误，黄色为警告，说明见单元格批注；点击“单元格”列可跳转。"
        "本文件是标注副本，请在原文件中修改后重新校验。"
    )
    ws["A2"].alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(SUMMARY_HEADERS))
    ws.row_dimensions[2].height = 32
    header = 3
    for col, text in enumerate(SUMMARY_HEADERS, 1):
        cell = ws.cell(row=header, column=col, value=text)
        cell.font = Font(name=FONT_NAME, size=11, bold=True, charset=134)
        cell.fill = HEADER_FILL
    order = sorted(range(len(findings)), key=lambda i: not findings[i].is_error)  # errors first, stable
    for n, i in enumerate(order, 1):
        f = findings[i]
        row = header + n
        values = (n, Path(f.file).name or file_name, f.sheet, f.cell, SEVERITY_TEXT[f.severity], f.message)
        for col, value in enumerate(values, 1):
            cell = ws.cell(row=row, column=col, value=value)
            cell.font = _FONT
            cell.alignment = Alignment(vertical="top", wrap_text=col == len(values))
        ws.cell(row=row, column=5).fill = ERROR_FILL if f.is_error else WARNING_FILL
        if i in marked and f.sheet:
            link = ws.cell(row=row, column=4)
            link.hyperlink = Hyperlink(
                ref=link.coordinate, location=f"{quote_sheetname(f.sheet)}!{marked[i]}"
            )
            link.font = Font(name=FONT_NAME, size=11, color="0563C1", underline="single", charset=134)
    if not findings:
        ws.cell(row=header + 1, column=1, value="未发现问题。").font = _FONT
    for letter, width in zip("ABCDEF", (6, 24, 12, 8, 6, 90), strict=True):
        ws.column_dimensions[letter].width = width
    fit_row_heights(ws, header + 1)
    ws.freeze_panes = f"A{header + 1}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToHeight = 0
    for sheet in wb.worksheets:
        sheet.sheet_view.tabSelected = False  # otherwise Excel opens with sheets grouped
    ws.sheet_view.tabSelected = True
    wb.active = 0
