"""The blank school workbook, made from the catalog (no indicator is named here).

Light-yellow cells are the only unlocked ones; indicator sheets and 基本信息 are protected without a
password (guard rails, not security). Every input cell carries an Excel validation that accepts a
number of the right kind or a not-applicable mark (`-`, `/`). Derived indicators are shown as live,
locked formulas so a school sees the rate qreport will compute; qreport never reads them back.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from qreport.atomic import write_atomic
from qreport.budgets import MAX_REMARK_CHARS
from qreport.catalog import formula
from qreport.catalog.indicators import Catalog, Indicator, Table
from qreport.catalog.outline import CHAPTER_TITLES, load_outline
from qreport.errors import InputError
from qreport.model import StoredDataset, StoredSchool
from qreport.workbook import layout
from qreport.workbook.packed import value_of

HEADER_ROW = 3  # title, note, header; indicator rows follow
FIRST_ROW = HEADER_ROW + 1
LIST_ROWS = {layout.MAJORS_SHEET: 60, layout.TEXT_SHEET: 40, layout.CASES_SHEET: 20}
LISTS_SHEET = "下拉选项"  # hidden helper sheet holding long dropdown lists
SECTIONS_NAME = "qreport_sections"

FONT_NAME = "宋体"
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")  # light yellow: type here
DERIVED_FILL = PatternFill("solid", fgColor="D9D9D9")  # grey: computed, locked
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_THIN = Side(style="thin", color="A6A6A6")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_UNLOCKED = Protection(locked=False)
_FONTS = {
    (False, 11): Font(name=FONT_NAME, size=11, charset=134),
    (True, 11): Font(name=FONT_NAME, size=11, bold=True, charset=134),
    (True, 14): Font(name=FONT_NAME, size=14, bold=True, charset=134),
    (False, 10): Font(name=FONT_NAME, size=10, charset=134, color="595959"),
}

_KIND_PROMPT = {
    "int": ("填写整数", "请填写不小于 0 的整数（单位见“单位”列）。不适用填“-”，未统计留空。"),
    "dec": ("填写数值", "请填写不小于 0 的数，可带小数（单位见“单位”列，万元指标按万元填）。不适用填“-”。"),
    "pct": (
        "填写百分数",
        "请填写 0–100 之间的数，例如 97.2 表示 97.2%（不要填 0.972，不要带 % 号）。不适用填“-”。",
    ),
}
_KIND_ERROR = {
    "int": "这里应填写不小于 0 的整数。不适用请填“-”或“/”。",
    "dec": "这里应填写不小于 0 的数字（不带单位）。不适用请填“-”或“/”。",
    "pct": "这里应填写 0 到 100 之间的数字，例如 97.2 表示 97.2%。不适用请填“-”或“/”。",
}


# ---------------------------------------------------------------------------------------------
# Where things go


def table_headers(table: Table, catalog: Catalog) -> tuple[str, ...]:
    previous, current = catalog.column_names()
    years = (current, layout.SAMPLE_HEADER) if table.sample else (previous, current)
    remarks = (table.remarks.header,) if table.remarks else ()
    return (*layout.INDICATOR_HEADERS, *years, *remarks, layout.NOTE_HEADER)


def value_columns(table: Table, catalog: Catalog) -> dict[str, int]:
    """Column index (1-based) of each year ('previous', 'current') that the table's sheet has."""
    headers = table_headers(table, catalog)
    previous, current = catalog.column_names()
    cols = {"current": headers.index(current) + 1}
    if not table.sample:
        cols["previous"] = headers.index(previous) + 1
    return cols


@dataclass(frozen=True)
class Place:
    sheet: str
    row: int
    columns: Mapping[str, int] = field(default_factory=dict)

    def cell(self, which: str, from_sheet: str | None = None) -> str | None:
        col = self.columns.get(which)
        if col is None:
            return None
        ref = f"{get_column_letter(col)}{self.row}"
        return ref if from_sheet == self.sheet else f"{quote_sheetname(self.sheet)}!{ref}"


def places(catalog: Catalog) -> dict[str, Place]:
    """Sheet, row and year columns of every indicator (derived included) in the template."""
    out = {}
    for table in catalog.table:
        cols = value_columns(table, catalog)
        for i, ind in enumerate(table.indicators):
            out[ind.id] = Place(table.sheet, FIRST_ROW + i, cols)
    return out


def excel_formula(ind: Indicator, which: str, where: Mapping[str, Place]) -> str | None:
    """The live formula of a derived indicator for one year column; None if an operand has no cell.

    Blank operands give a blank result (not 0), as in qreport's own evaluation.
    """
    assert ind.formula is not None
    sheet = where[ind.id].sheet
    refs = {op: where[op].cell(which, sheet) for op in formula.operands(ind.formula)}
    if any(r is None for r in refs.values()):
        return None
    body = formula.to_excel(ind.formula, lambda op: str(refs[op])).removeprefix("=")
    return f'=IF(COUNT({",".join(str(r) for r in refs.values())})<{len(refs)},"",{body})'


# ---------------------------------------------------------------------------------------------
# Texts derived from the catalog


def table_title(table: Table) -> str:
    number = re.fullmatch(r"T(\d+)", table.id)
    return f"表{number.group(1)} {table.title}" if number else table.title


def formula_text(ind: Indicator, catalog: Catalog) -> str:
    """'本省去向落实人数 ÷ 毕业去向落实人数 × 100' for a derived indicator."""
    assert ind.formula is not None
    names = {op: catalog[op].name for op in formula.operands(ind.formula)}
    text = formula.to_excel(ind.formula, lambda op: f"“{names[op]}”")
    text = text.removeprefix("=IFERROR(").removesuffix(',"")')
    return text.replace(" / ", " ÷ ").replace(" * ", " × ")


def row_note(ind: Indicator, catalog: Catalog, sample: bool = False) -> str:
    if not ind.typed:
        return f"自动计算，不用填写：{formula_text(ind, catalog)}"
    remarks = catalog.remarks.get(ind.table) if ind.remark else None
    parts = []
    if ind.kind == "pct":
        parts.append("填 0–100 的百分数，97.2 表示 97.2%")
    elif ind.kind == "int":
        parts.append("填整数")
    else:
        parts.append("可填小数")
    if ind.unit == "万元":
        parts.append("单位万元（元 ÷ 10000）")
    elif ind.unit and ind.kind != "pct":
        parts.append(f"单位：{ind.unit}")
    if ind.required:
        parts.append("必填（计算比率的分母）")
    if ind.le:
        parts.append(f"不得大于“{catalog[ind.le].name}”")
    if ind.sum_of:
        parts.append(f"应等于{'、'.join(f'“{catalog[p].name}”' for p in ind.sum_of)}之和")
    if ind.input == "base":
        parts.append("计算用，不在附表中单列")
    if sample:
        parts.append("样本数填参与调查的人数；未调查填“-”")
    if remarks is not None:
        parts.append(f"{remarks.hint or f'“{remarks.header}”可填写文字说明'}（最多 {MAX_REMARK_CHARS} 字）")
    return "；".join(parts) + "。"


def guide_lines(catalog: Catalog) -> list[str]:
    prev, year = catalog.previous_year, catalog.year
    sheets = "；".join(f"“{t.sheet}”——{table_title(t)}" for t in catalog.table)
    chapters = "，".join(f"{i} {t}" for i, t in enumerate(CHAPTER_TITLES, 1))
    return [
        f"本工作簿用于填报 {year} 年度中等职业教育质量年报数据。数值指标分上年（{prev}年）和本年（{year}年）两列填写。",
        "只在浅黄色单元格中填写。其他单元格已锁定（工作表保护没有密码，只为防止误改）。",
        f"工作表：“{layout.INFO_SHEET}”——学校名称、简称等；{sheets}；“{layout.MAJORS_SHEET}”——每个专业一行；"
        f"“{layout.TEXT_SHEET}”——报告各节的文字；“{layout.CASES_SHEET}”——典型案例。",
        f"“{layout.INFO_SHEET}”中加粗的项目必须填写；“编制日期”“法定代表人”和编制组各栏（{'、'.join(layout.TEAM_ROLES)}）"
        "为选填，只用于学校自己的质量年报（qreport build 学校.xlsx）的封面、责任声明和编制组页，"
        "不填的在年报中显示为黄色的【待补充】占位。",
        "数值直接填数字，不要带单位或文字。单位见各表“单位”列；单位为“万元”的指标按万元填写（元 ÷ 10000）。",
        "百分比填 0–100 之间的数：97.2 表示 97.2%。不要填 0.972，也不要带 % 号。",
        "不适用的指标填“-”或“/”，视为没有数据（不是 0）；确实为 0 的填 0；留空表示尚未填写。",
        "灰色行是自动计算的指标（如各类比率），不用填写；qreport 会按同样的公式重新计算。",
        "“其中”项不得大于所属的上级指标；说明列写有“应等于……之和”的指标须等于各分项之和；"
        "写有“必填”的指标是计算比率的分母，必须填写。",
        f"“满意度”表只填 {year} 年数值，并在“样本数”列填写参与调查的人数。",
        *(
            f"“{t.sheet}”的“{t.remarks.header}”列只在浅黄色单元格填写文字，最多 {MAX_REMARK_CHARS} 字"
            + (f"：{t.remarks.hint}。" if t.remarks.hint else "。")
            for t in catalog.table
            if t.remarks is not None
        ),
        "不要重命名、删除或移动工作表，不要修改表头行和“指标代码”列；行高、列宽可以调整。",
        f"专业设置：专业代码填 2021 年版中职专业目录的 6 位代码；调整情况从下拉列表选择（{'、'.join(layout.ADJUST_CHOICES)}）。",
        "文字材料：“章节”填报告大纲的节号（如 1.1、2.3，可从下拉列表选择），“内容”填该节文字；同一节可分多行填写。"
        "“图片”填同一文件夹中的图片文件名（或把图片粘贴到该行），“图片说明”填图题，图片排在该行文字之后。",
        "表格：在“内容”中先写一行“表：标题”，下一行起写竖线分隔的表格（第一行为表头，第二行为 |---|---|），"
        "报告中排为带编号的表格，例如：表：公共课程结构 ↵ | 课程体系 | 课程结构 | ↵ |---|---| ↵ | 公共基础课程 | 语文、数学 |。",
        f"典型案例：“章”填 1–7（{chapters}）；“图片”填与本工作簿放在同一文件夹中的图片文件名，或直接把图片粘贴到该行。",
        "填好后先运行 qreport validate 文件名.xlsx 自检：改正所有“错误”，核对所有“警告”，再报送。",
        "如有疑问请联系市教育局职成教科。",
    ]


# ---------------------------------------------------------------------------------------------
# Cell styling


def _put(
    ws: Worksheet,
    row: int,
    col: int,
    value: Any = None,
    *,
    bold: bool = False,
    size: int = 11,
    fill: PatternFill | None = None,
    wrap: bool = False,
    center: bool = False,
    border: bool = True,
    locked: bool = True,
    number_format: str | None = None,
) -> None:
    cell = ws.cell(row=row, column=col)
    if value is not None:
        cell.value = value
    cell.font = _FONTS[(bold, size)]
    cell.alignment = Alignment(
        horizontal="center" if center else None, vertical="center", wrap_text=wrap or None
    )
    if fill is not None:
        cell.fill = fill
    if border:
        cell.border = _BORDER
    if not locked:
        cell.protection = _UNLOCKED
    if number_format:
        cell.number_format = number_format


def _input(
    ws: Worksheet, row: int, col: int, value: Any = None, *, text: bool = False, wrap: bool = False
) -> None:
    _put(ws, row, col, value, fill=INPUT_FILL, locked=False, wrap=wrap, number_format="@" if text else None)


def _title(ws: Worksheet, text: str, note: str | None, width: int) -> None:
    _put(ws, 1, 1, text, bold=True, size=14, border=False)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws.row_dimensions[1].height = 26
    if note:
        _put(ws, 2, 1, note, size=10, border=False, wrap=True)
        ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
        ws.row_dimensions[2].height = 30


def _headers(ws: Worksheet, row: int, headers: Iterable[str]) -> None:
    for col, text in enumerate(headers, 1):
        _put(ws, row, col, text, bold=True, fill=HEADER_FILL, center=True, wrap=True)


def _widths(ws: Worksheet, widths: Iterable[float]) -> None:
    for col, width in enumerate(widths, 1):
        dim = ws.column_dimensions[get_column_letter(col)]
        dim.width = width
        dim.font = _FONTS[(False, 11)]  # cells typed later in the column, too


def _text_width(text: str) -> float:
    """Width in column units ('0' characters): CJK and full-width punctuation count about two."""
    return sum(2.0 if ord(ch) >= 0x2000 else 1.1 for ch in text)


def fit_row_heights(ws: Worksheet, first_row: int) -> None:
    """Set heights of rows with wrapped text: Excel and LibreOffice do not autofit them on open."""
    for row in ws.iter_rows(min_row=first_row):
        lines = 1
        size = 11.0
        for cell in row:
            if not (isinstance(cell.value, str) and cell.alignment.wrap_text):
                continue
            width = (ws.column_dimensions[cell.column_letter].width or 8.43) - 1
            scale = (cell.font.size or 11) / 11
            need = sum(
                max(1, math.ceil(_text_width(part) * scale / width)) for part in cell.value.split("\n")
            )
            if need > lines:
                lines, size = need, cell.font.size or 11
        if lines > 1:
            ws.row_dimensions[row[0].row].height = round(lines * size * 1.35 + 3, 1)


def _protect(ws: Worksheet) -> None:
    """Guard rails: no password; resizing rows and columns stays allowed."""
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False


def _print_setup(ws: Worksheet, title_rows: str | None, landscape: bool = False) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    if title_rows:
        ws.print_title_rows = title_rows


# ---------------------------------------------------------------------------------------------
# Data validation


def _na_test(ref: str) -> str:
    return "OR(" + ",".join(f'{ref}="{mark}"' for mark in layout.NOT_APPLICABLE) + ")"


def number_rule(kind: str, ref: str) -> str:
    """Custom validation formula (relative to `ref`): a number of `kind`, or a not-applicable mark.

    IF, unlike OR, does not evaluate the number test for a mark (INT("-") would be an error).
    """
    tests = {"int": f"AND({ref}>=0,INT({ref})={ref})", "dec": f"{ref}>=0", "pct": f"AND({ref}>=0,{ref}<=100)"}
    return f"IF({_na_test(ref)},TRUE,IF(ISNUMBER({ref}),{tests[kind]},FALSE))"


class _Validations:
    """Collects input cells per rule and writes one validation per contiguous run of a column.

    A custom formula is relative to the first cell of its range; contiguous runs keep that
    unambiguous in Excel, WPS and LibreOffice alike.
    """

    def __init__(self) -> None:
        self.cells: dict[str, dict[int, list[int]]] = {}

    def add(self, kind: str, row: int, col: int) -> None:
        self.cells.setdefault(kind, {}).setdefault(col, []).append(row)

    def apply(self, ws: Worksheet) -> None:
        for kind, columns in self.cells.items():
            for col, rows in columns.items():
                for first, last in _runs(sorted(rows)):
                    letter = get_column_letter(col)
                    dv = _number_validation(kind, f"{letter}{first}")
                    dv.add(f"{letter}{first}:{letter}{last}" if last > first else f"{letter}{first}")
                    ws.add_data_validation(dv)


def _runs(rows: list[int]) -> Iterable[tuple[int, int]]:
    start = prev = rows[0]
    for r in rows[1:]:
        if r != prev + 1:
            yield start, prev
            start = r
        prev = r
    yield start, prev


def _number_validation(kind: str, ref: str) -> DataValidation:
    kind = "dec" if kind == "ratio" else kind
    title, prompt = _KIND_PROMPT[kind]
    return DataValidation(
        type="custom",
        formula1=number_rule(kind, ref),
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="stop",
        errorTitle="填写有误",
        error=_KIND_ERROR[kind],
        showInputMessage=True,
        promptTitle=title,
        prompt=prompt,
    )


def _remark_validation(ws: Worksheet, col: int, rows: list[int]) -> None:
    """At most MAX_REMARK_CHARS characters in a 备注 cell: Excel stops a longer one as it is typed."""
    dv = DataValidation(
        type="textLength",
        operator="lessThanOrEqual",
        formula1=str(MAX_REMARK_CHARS),
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="stop",
        errorTitle="文字过长",
        error=f"备注最多 {MAX_REMARK_CHARS} 个字，请精简（详细情况可写在“文字材料”中）。",
    )
    letter = get_column_letter(col)
    for first, last in _runs(sorted(rows)):
        dv.add(f"{letter}{first}:{letter}{last}" if last > first else f"{letter}{first}")
    ws.add_data_validation(dv)


def _list_validation(source: str, prompt: str) -> DataValidation:
    return DataValidation(
        type="list",
        formula1=source,
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="stop",
        errorTitle="请从列表中选择",
        error=f"请从下拉列表中选择。{prompt}",
        showInputMessage=True,
        promptTitle="从列表中选择",
        prompt=prompt,
    )


# ---------------------------------------------------------------------------------------------
# Sheets


def _guide_sheet(ws: Worksheet, catalog: Catalog) -> None:
    _title(ws, f"{catalog.year} 年中等职业教育质量年报 学校填报表 填报说明", None, 2)
    for i, line in enumerate(guide_lines(catalog), 1):
        _put(ws, 2 + i, 1, i, center=True)
        _put(ws, 2 + i, 2, line, wrap=True)
    _widths(ws, (6, 100))
    fit_row_heights(ws, 3)
    _protect(ws)
    _print_setup(ws, None)


def _info_sheet(ws: Worksheet, catalog: Catalog, prefill: Mapping[str, Any]) -> None:
    _title(ws, "学校基本信息", "在 B 列浅黄色单元格填写。", 3)
    _headers(ws, HEADER_ROW, ("项目", "填写内容", "说明"))
    for i, info in enumerate(layout.INFO_ROWS):
        row, label = FIRST_ROW + i, info.label
        _put(ws, row, 1, label, bold=info.required)
        _input(ws, row, 2, prefill.get(label), text=label != "填报年度")
        _put(ws, row, 3, info.note, size=10, wrap=True)
        if label == "填报年度":
            dv = DataValidation(
                type="whole",
                operator="between",
                formula1="2000",
                formula2="2100",
                showErrorMessage=True,
                errorTitle="填写有误",
                error="填报年度应为四位年份，例如 2024。",
            )
            dv.add(f"B{row}")
            ws.add_data_validation(dv)
    _widths(ws, (14, 44, 36))
    fit_row_heights(ws, FIRST_ROW)
    ws.freeze_panes = f"A{FIRST_ROW}"
    _protect(ws)
    _print_setup(ws, None)


def _indicator_sheet(
    ws: Worksheet, table: Table, catalog: Catalog, where: Mapping[str, Place], previous: Mapping[str, Any]
) -> None:
    headers = table_headers(table, catalog)
    prev, year = catalog.column_names()
    if table.sample:
        note = f"只填 {year} 数值（0–100，97.2 表示 97.2%），并在“样本数”列填参与调查的人数；未调查填“-”。"
    else:
        note = f"在浅黄色单元格填写 {prev}、{year} 数值；灰色行自动计算，不用填写。不适用填“-”，未统计留空。"
    _title(ws, table_title(table), note, len(headers))
    _headers(ws, HEADER_ROW, headers)
    cols = value_columns(table, catalog)
    note_col = headers.index(layout.NOTE_HEADER) + 1
    checks = _Validations()
    for ind in table.indicators:
        row = where[ind.id].row
        _put(ws, row, 1, ind.seq, center=True)
        _put(ws, row, 2, ind.label, wrap=True)
        _put(ws, row, 3, ind.unit, center=True)
        _put(ws, row, 4, ind.id, size=10)
        for which, col in cols.items():
            if ind.typed:
                _input(ws, row, col, previous.get(ind.id) if which == "previous" else None)
                checks.add(ind.kind, row, col)
            else:
                fmt = "0" if ind.kind == "int" else "0.00"
                _put(ws, row, col, excel_formula(ind, which, where), fill=DERIVED_FILL, number_format=fmt)
        if table.sample:
            col = headers.index(layout.SAMPLE_HEADER) + 1
            if ind.typed:
                _input(ws, row, col)
                checks.add("int", row, col)
            else:
                _put(ws, row, col, fill=DERIVED_FILL)
        if table.remarks is not None:
            col = headers.index(table.remarks.header) + 1
            if ind.remark:
                _input(ws, row, col, text=True, wrap=True)
            else:
                _put(ws, row, col, fill=DERIVED_FILL)
        _put(ws, row, note_col, row_note(ind, catalog, table.sample), size=10, wrap=True)
    checks.apply(ws)
    if table.remarks is not None:
        _remark_validation(ws, headers.index(table.remarks.header) + 1,
                           [where[i.id].row for i in table.indicators if i.remark])  # fmt: skip
    _widths(ws, (6, 44, 8, 30, 12, 12, *((30,) if table.remarks else ()), 52))
    fit_row_heights(ws, FIRST_ROW)
    ws.freeze_panes = f"E{FIRST_ROW}"
    _protect(ws)
    _print_setup(ws, f"{HEADER_ROW}:{HEADER_ROW}", landscape=True)


def _list_sheet(
    ws: Worksheet, title: str, note: str, headers: tuple[str, ...], widths: tuple[float, ...]
) -> int:
    """Title, note and header of a list sheet; returns the number of prepared input rows."""
    _title(ws, title, note, len(headers))
    _headers(ws, HEADER_ROW, headers)
    _widths(ws, widths)
    ws.freeze_panes = f"A{FIRST_ROW}"
    _print_setup(ws, f"{HEADER_ROW}:{HEADER_ROW}", landscape=True)
    return LIST_ROWS[ws.title]


def _majors_sheet(ws: Worksheet) -> None:
    n = _list_sheet(
        ws, "专业设置", "每个专业一行；专业代码填 2021 年版目录的 6 位代码；停办的专业也列出，调整情况选“停办”。",
        layout.MAJORS_HEADERS, (12, 30, 10, 12, 14, 14, 12),
    )  # fmt: skip
    last = FIRST_ROW + n - 1
    checks = _Validations()
    for row in range(FIRST_ROW, last + 1):
        for col, header in enumerate(layout.MAJORS_HEADERS, 1):
            _input(ws, row, col, text=header in ("专业代码", "专业名称", "调整情况"))
            if col >= 4 and header != "调整情况":
                checks.add("int", row, col)
    checks.apply(ws)
    year = DataValidation(
        type="whole",
        operator="between",
        formula1="1949",
        formula2="2100",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="填写有误",
        error="设置年份应为四位年份，例如 2019。",
    )
    year.add(f"C{FIRST_ROW}:C{last}")
    col = get_column_letter(layout.MAJORS_HEADERS.index("调整情况") + 1)
    adjust = _list_validation(
        f'"{",".join(layout.ADJUST_CHOICES)}"', "调整情况：" + "、".join(layout.ADJUST_CHOICES)
    )
    adjust.add(f"{col}{FIRST_ROW}:{col}{last}")
    for dv in (year, adjust):
        ws.add_data_validation(dv)


def _texts_sheet(ws: Worksheet) -> None:
    n = _list_sheet(
        ws, "文字材料", "“章节”填报告大纲的节号（可从下拉列表选择，如 1.1、2.3）；“内容”填该节的文字，同一节可分多行；"
        "“图片”填同一文件夹中的图片文件名，或把图片粘贴到该行；“图片说明”填图题。",
        layout.TEXT_HEADERS, (10, 90, 20, 24),
    )  # fmt: skip
    last = FIRST_ROW + n - 1
    for row in range(FIRST_ROW, last + 1):
        for col in range(1, len(layout.TEXT_HEADERS) + 1):
            _input(ws, row, col, text=col != 2, wrap=col in (2, 4))  # 章节 as text, so 1.10 stays 1.10
    dv = _list_validation(SECTIONS_NAME, "节号如 1.1、2.3，见报告大纲。")
    dv.add(f"A{FIRST_ROW}:A{last}")
    ws.add_data_validation(dv)


def _cases_sheet(ws: Worksheet) -> None:
    n = _list_sheet(
        ws, "典型案例", "每个案例一行；“章”填 1–7；“图片”填同一文件夹中的图片文件名，或把图片粘贴到该行。",
        layout.CASES_HEADERS, (6, 30, 80, 20, 24),
    )  # fmt: skip
    last = FIRST_ROW + n - 1
    for row in range(FIRST_ROW, last + 1):
        for col in range(1, len(layout.CASES_HEADERS) + 1):
            _input(ws, row, col, text=col > 1, wrap=col in (2, 3, 5))
    chapters = ",".join(str(c) for c in layout.CHAPTERS)
    dv = _list_validation(f'"{chapters}"', "章：1 人才培养 … 7 面临挑战。")
    dv.add(f"A{FIRST_ROW}:A{last}")
    ws.add_data_validation(dv)


def _lists_sheet(wb: Workbook) -> None:
    ws = wb.create_sheet(LISTS_SHEET)
    numbers = load_outline().numbers
    for i, number in enumerate(numbers, 1):
        cell = ws.cell(row=i, column=1, value=number)
        cell.number_format = "@"
    ref = f"{quote_sheetname(LISTS_SHEET)}!$A$1:$A${len(numbers)}"
    wb.defined_names[SECTIONS_NAME] = DefinedName(SECTIONS_NAME, attr_text=ref)
    ws.sheet_state = "hidden"
    _protect(ws)


# ---------------------------------------------------------------------------------------------
# Public


def previous_values(
    catalog: Catalog, dataset: StoredDataset, school: str | None
) -> tuple[StoredSchool, dict[str, float]]:
    """One school of last year's dataset, and its current values of the inputs this template asks for."""
    if dataset.year != catalog.previous_year:
        raise InputError(
            f"上年数据集是 {dataset.year} 年的，而 {catalog.year} 年的模板需要 {catalog.previous_year} 年的数据集"
            f"（{catalog.previous_year} 年 qreport build --dataset 的输出）。"
        )
    schools = dataset.schools
    listing = "、".join(s.name for s in schools) or "（无）"
    if school is None:
        if len(schools) != 1:
            raise InputError(
                f"上年数据集中有 {len(schools)} 所学校，请用 --school 指定学校名称。数据集中的学校：{listing}。"
            )
        found = schools[0]
    else:
        matches = [s for s in schools if s.name.strip() == school.strip()]
        if not matches:
            raise InputError(
                f"上年数据集中没有学校“{school}”。数据集中的学校：{listing}。请使用其中一个名称（须完全一致）。"
            )
        found = matches[0]
    values: dict[str, float] = {}
    for ind in catalog.typed:
        value = value_of(found.values, ind.id, "current")
        if value is not None:
            values[ind.id] = int(value) if ind.is_integer and value.is_integer() else value
    return found, values


def template_workbook(
    catalog: Catalog, *, school: str | None = None, previous: StoredDataset | None = None
) -> Workbook:
    """The template as an openpyxl workbook (see write_template)."""
    info: dict[str, Any] = {"填报年度": catalog.year}
    prev_values: dict[str, float] = {}
    if previous is not None:
        found, prev_values = previous_values(catalog, previous, school)
        school = school or found.name
        if found.short_name:
            info["学校简称"] = found.short_name
    if school:
        info["学校名称"] = school

    wb = Workbook()
    wb.properties.creator = "qreport"
    wb.properties.title = f"{catalog.year} 年中职质量年报学校填报表"
    guide = wb.active
    guide.title = layout.GUIDE_SHEET
    _guide_sheet(guide, catalog)
    _info_sheet(wb.create_sheet(layout.INFO_SHEET), catalog, info)
    where = places(catalog)
    for table in catalog.table:
        _indicator_sheet(wb.create_sheet(table.sheet), table, catalog, where, prev_values)
    _majors_sheet(wb.create_sheet(layout.MAJORS_SHEET))
    _texts_sheet(wb.create_sheet(layout.TEXT_SHEET))
    _cases_sheet(wb.create_sheet(layout.CASES_SHEET))
    _lists_sheet(wb)
    wb.active = 0
    return wb


def write_template(
    path: Path, catalog: Catalog, *, school: str | None = None, previous: StoredDataset | None = None
) -> None:
    """Write the blank school workbook for `catalog`'s year to `path` (whole or not at all).

    `school` pre-fills 学校名称. `previous` is last year's dataset (dict as written by `build`):
    the previous-year column is pre-filled with that school's current values. A dataset of another
    year, or one without the school, raises InputError.
    """
    wb = template_workbook(catalog, school=school, previous=previous)
    write_atomic(Path(path), wb.save)
