"""`build --tables`: every aggregated table as an Excel workbook, with each school's figures beside
the city's, so the bureau can check the numbers in Excel.

One sheet per catalog table: indicator rows; columns 全市 (both years), the rule (口径), then each
school (both years); a 来源 sheet says which schools each city value came from, a 备注 sheet lists
the schools' remarks (when any school typed one).
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet as Worksheet

from qreport.atomic import write_atomic
from qreport.catalog.indicators import Catalog, Indicator
from qreport.mark import TABLES, mark_workbook
from qreport.model import Dataset

HEAD = Font(name="宋体", bold=True)
BODY = Font(name="宋体")
TITLE = Font(name="宋体", bold=True, size=14)
WRAP = Alignment(wrap_text=True, vertical="center")
YEARS = ("previous", "current")
CITY_FILL = PatternFill("solid", fgColor="FFF2CC")


def _number_format(ind: Indicator) -> str:
    return "0" if ind.kind == "int" else "0.00"


def _cell(ws: Worksheet, value: object, font: Font = BODY, fmt: str | None = None, fill: PatternFill | None = None,
          wrap: bool = False) -> WriteOnlyCell:  # fmt: skip
    cell = WriteOnlyCell(ws, value=value)
    cell.font = font
    if fmt:
        cell.number_format = fmt
    if fill:
        cell.fill = fill
    if wrap:
        cell.alignment = WRAP
    return cell


def _table_sheet(wb: Workbook, dataset: Dataset, catalog: Catalog, table_id: str) -> None:
    from qreport.compile.aggregate import rule_text

    table = catalog.get_table(table_id)
    ws = wb.create_sheet(table.sheet)
    prev, cur = catalog.column_names()
    widths = [24, 36, 8, 12, 12, 40] + [12] * (2 * len(dataset.schools))
    for i, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = "D3"
    whole = dataset.region.whole
    title = f"{table.title}（{dataset.region.name or whole}）" + ("【草稿】" if dataset.draft else "")
    ws.append([_cell(ws, title, TITLE)])
    header = ["指标代码", "指标", "单位", f"{whole}{prev}", f"{whole}{cur}", "口径"]
    for s in dataset.schools:
        header += [f"{s.label}{prev}", f"{s.label}{cur}"]
    ws.append([_cell(ws, h, HEAD, wrap=True) for h in header])
    for ind in table.indicators:
        fmt = _number_format(ind)
        city = dataset.city.get(ind.id)
        row = [_cell(ws, ind.id), _cell(ws, ind.label), _cell(ws, ind.unit)]
        row += [_cell(ws, None if city is None else city.get(w), fmt=fmt, fill=CITY_FILL) for w in YEARS]
        row.append(_cell(ws, rule_text(ind, catalog, whole)))
        for s in dataset.schools:
            yv = dataset.school_values.get(s.name, {}).get(ind.id)
            row += [_cell(ws, None if yv is None else yv.get(w), fmt=fmt) for w in YEARS]
        ws.append(row)


def _names(names: list[str], limit: int = 30_000) -> str:
    """School names for one cell; Excel holds at most 32,767 characters in a cell."""
    text = "、".join(names)
    if len(text) <= limit:
        return text
    shown = text[:limit].rsplit("、", 1)[0]
    return f"{shown} 等共 {len(names)} 所"


def _provenance_sheet(wb: Workbook, dataset: Dataset, catalog: Catalog) -> None:
    ws = wb.create_sheet("来源")
    for col, w in zip("ABCDEFG", (24, 36, 8, 40, 50, 30, 30), strict=True):
        ws.column_dimensions[col].width = w
    ws.append(
        [
            _cell(ws, h, HEAD)
            for h in ("指标代码", "指标", "年度", "口径", "参与汇总的学校数", "没有数值的学校", "说明")
        ]
    )
    for ind in catalog.indicators:
        for which, year in (("previous", catalog.previous_year), ("current", catalog.year)):
            p = dataset.provenance.get(ind.id, {}).get(which)
            if p is None:
                continue
            ws.append([ind.id, ind.label, year, p.rule, len(p.schools), _names(p.missing), p.note])


def _remarks_sheet(wb: Workbook, dataset: Dataset, catalog: Catalog) -> None:
    """The schools' 备注 (award details typed beside a figure), one per line, as the report prints them."""
    ws = wb.create_sheet("备注")
    for col, w in zip("ABCD", (30, 24, 36, 80), strict=True):
        ws.column_dimensions[col].width = w
    ws.append([_cell(ws, h, HEAD) for h in ("学校", "指标代码", "指标", "备注")])
    for s in dataset.schools:
        for ind, text in s.remarks.items():
            label = catalog.by_id[ind].label if ind in catalog.by_id else ""
            ws.append([s.label, ind, label, _cell(ws, text, wrap=True)])


def _findings_sheet(wb: Workbook, dataset: Dataset) -> None:
    ws = wb.create_sheet("校验问题")
    for col, w in zip("ABCDEF", (30, 12, 8, 24, 6, 80), strict=True):
        ws.column_dimensions[col].width = w
    ws.append([_cell(ws, h, HEAD) for h in ("文件", "工作表", "单元格", "指标代码", "级别", "问题")])
    for f in dataset.findings:
        ws.append([f.file, f.sheet, f.cell, f.indicator, "错误" if f.is_error else "警告", f.message])


def tables_workbook(dataset: Dataset, catalog: Catalog) -> Workbook:
    """A write-only workbook: rows stream to disk on save, so a national build stays small."""
    wb = Workbook(write_only=True)
    mark_workbook(wb, TABLES)  # a later build of a folder holding this file skips it
    for table in catalog.table:
        _table_sheet(wb, dataset, catalog, table.id)
    _provenance_sheet(wb, dataset, catalog)
    if any(s.remarks for s in dataset.schools):
        _remarks_sheet(wb, dataset, catalog)
    if dataset.findings:
        _findings_sheet(wb, dataset)
    return wb


def write_tables(dataset: Dataset, catalog: Catalog, path: Path) -> None:
    write_atomic(Path(path), tables_workbook(dataset, catalog).save)
