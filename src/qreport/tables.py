"""`build --tables`: every aggregated table as an Excel workbook, with each school's figures beside
the city's, so the bureau can check the numbers in Excel.

One sheet per catalog table: indicator rows; columns 全市 (both years), the rule (口径), then each
school (both years); a 来源 sheet says which schools each city value came from.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from qreport.atomic import write_atomic
from qreport.catalog import Catalog, Indicator
from qreport.model import Dataset

HEAD = Font(name="宋体", bold=True)
BODY = Font(name="宋体")
CITY_FILL = PatternFill("solid", fgColor="FFF2CC")


def _number_format(ind: Indicator) -> str:
    return "0" if ind.kind == "int" else "0.00"


def _table_sheet(wb: Workbook, dataset: Dataset, catalog: Catalog, table_id: str) -> None:
    from qreport.aggregate import rule_text

    table = catalog.get_table(table_id)
    ws = wb.create_sheet(table.sheet)
    prev, cur = catalog.column_names()
    title = f"{table.title}（{dataset.region.name or '全市'}）" + ("【草稿】" if dataset.draft else "")
    ws.append([title])
    ws["A1"].font = Font(name="宋体", bold=True, size=14)
    header = ["指标代码", "指标", "单位", f"全市{prev}", f"全市{cur}", "口径"]
    for s in dataset.schools:
        header += [f"{s.label}{prev}", f"{s.label}{cur}"]
    ws.append(header)
    for cell in ws[2]:
        cell.font, cell.alignment = HEAD, Alignment(wrap_text=True, vertical="center")
    for ind in table.indicators:
        city = dataset.city.get(ind.id)
        row: list[object] = [ind.id, ind.label, ind.unit, city.previous if city else None,
                             city.current if city else None, rule_text(ind, catalog)]  # fmt: skip
        for s in dataset.schools:
            yv = dataset.school_values.get(s.name, {}).get(ind.id)
            row += [yv.previous if yv else None, yv.current if yv else None]
        ws.append(row)
        r = ws.max_row
        for col in range(1, len(row) + 1):
            cell = ws.cell(r, col)
            cell.font = BODY
            if col >= 4 and col != 6:
                cell.number_format = _number_format(ind)
            if col in (4, 5):
                cell.fill = CITY_FILL
    widths = [24, 36, 8, 12, 12, 40] + [12] * (2 * len(dataset.schools))
    for i, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = "D3"


def _provenance_sheet(wb: Workbook, dataset: Dataset, catalog: Catalog) -> None:
    ws = wb.create_sheet("来源")
    ws.append(["指标代码", "指标", "年度", "口径", "参与汇总的学校", "没有数值的学校", "说明"])
    for cell in ws[1]:
        cell.font = HEAD
    for ind in catalog.indicators:
        for which, year in (("previous", catalog.previous_year), ("current", catalog.year)):
            p = dataset.provenance.get(ind.id, {}).get(which)
            if p is None:
                continue
            ws.append([ind.id, ind.label, year, p.rule, "、".join(p.schools), "、".join(p.missing), p.note])
    for col, w in zip("ABCDEFG", (24, 36, 8, 40, 50, 30, 30), strict=True):
        ws.column_dimensions[col].width = w


def _findings_sheet(wb: Workbook, dataset: Dataset) -> None:
    ws = wb.create_sheet("校验问题")
    ws.append(["文件", "工作表", "单元格", "指标代码", "级别", "问题"])
    for f in dataset.findings:
        ws.append([f.file, f.sheet, f.cell, f.indicator, "错误" if f.is_error else "警告", f.message])
    for col, w in zip("ABCDEF", (30, 12, 8, 24, 6, 80), strict=True):
        ws.column_dimensions[col].width = w


def tables_workbook(dataset: Dataset, catalog: Catalog) -> Workbook:
    wb = Workbook()
    wb.remove(wb.active)
    for table in catalog.table:
        _table_sheet(wb, dataset, catalog, table.id)
    _provenance_sheet(wb, dataset, catalog)
    if dataset.findings:
        _findings_sheet(wb, dataset)
    return wb


def write_tables(dataset: Dataset, catalog: Catalog, path: Path) -> None:
    write_atomic(Path(path), tables_workbook(dataset, catalog).save)
