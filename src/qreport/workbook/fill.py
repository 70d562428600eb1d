"""Fill a school workbook made by `qreport template` from Python data.

Used by the tests, the example-city generator and the benchmarks, and by bureaus migrating last
year's data. Rows are found by the `指标代码` column and columns by their header text, never by
position, so a workbook whose rows were moved is filled correctly. One load and one save per call.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from qreport.atomic import write_atomic
from qreport.catalog.indicators import Catalog, load_catalog
from qreport.workbook import layout

Value = float | int | str | None

MAJOR_KEYS = dict(
    zip(
        ("code", "name", "year_set", "previous_classes", "new_classes", "students", "adjustment"),
        layout.MAJORS_HEADERS,
        strict=True,
    )
)
CASE_KEYS = dict(zip(("chapter", "title", "body", "image", "caption"), layout.CASES_HEADERS, strict=True))
TEXT_KEYS = dict(zip(("section", "content", "image", "caption"), layout.TEXT_HEADERS, strict=True))
_YEAR_HEADER = re.compile(r"(\d{4})年")


@dataclass
class _Table:
    """A sheet with a header row: where the header is and which column each header names."""

    ws: Worksheet
    header_row: int
    columns: dict[str, int]

    def column(self, header: str) -> int:
        try:
            return self.columns[header]
        except KeyError:
            raise ValueError(f"工作表“{self.ws.title}”的表头没有“{header}”列") from None


def _find_header(ws: Worksheet, marker: str) -> _Table | None:
    rows = ws.iter_rows(max_row=layout.HEADER_SCAN_ROWS, values_only=True)
    found = layout.find_header(
        ((r, c, v) for r, row in enumerate(rows, 1) for c, v in enumerate(row, 1)), marker
    )
    return _Table(ws, *found) if found else None


def _list_table(wb: Workbook, sheet: str, marker: str) -> _Table:
    table = _find_header(wb[sheet], marker) if sheet in wb.sheetnames else None
    if table is None:
        raise ValueError(f"工作簿中没有含“{marker}”表头的工作表“{sheet}”")
    return table


def _indicator_rows(wb: Workbook) -> dict[str, tuple[_Table, int]]:
    """id -> (its sheet's table, row), over every sheet with a 指标代码 header."""
    rows: dict[str, tuple[_Table, int]] = {}
    for ws in wb.worksheets:
        table = _find_header(ws, layout.ID_HEADER)
        if table is None:
            continue
        id_col = table.columns[layout.ID_HEADER]
        for r, (value,) in enumerate(
            ws.iter_rows(min_row=table.header_row + 1, min_col=id_col, max_col=id_col, values_only=True),
            table.header_row + 1,
        ):
            if isinstance(value, str) and value.strip():
                rows[value.strip()] = (table, r)
    return rows


def _catalog_of(rows: Mapping[str, tuple[_Table, int]]) -> Catalog:
    years = {
        int(m.group(1))
        for table, _ in rows.values()
        for h in table.columns
        if (m := _YEAR_HEADER.fullmatch(h))
    }
    if not years:
        raise ValueError("工作簿中没有“YYYY年”数值列，不是 qreport 模板")
    return load_catalog(max(years))


def _next_free_row(table: _Table) -> int:
    """The row after the last one holding anything in the table's columns."""
    last = table.header_row
    cols = list(table.columns.values())
    for r, row in enumerate(
        table.ws.iter_rows(
            min_row=table.header_row + 1, min_col=min(cols), max_col=max(cols), values_only=True
        ),
        table.header_row + 1,
    ):
        if any(v not in (None, "") for v in row):
            last = r
    return last + 1


def _write_rows(table: _Table, records: Iterable[Mapping[str, Any]], keys: Mapping[str, str]) -> None:
    row = _next_free_row(table)
    for record in records:
        unknown = set(record) - set(keys)
        if unknown:
            raise ValueError(f"不认识的键：{', '.join(sorted(unknown))}（可用：{', '.join(keys)}）")
        for key, value in record.items():
            table.ws.cell(row=row, column=table.column(keys[key])).value = value
        row += 1


def fill_workbook(
    path: Path,
    *,
    info: Mapping[str, str | int] | None = None,
    values: Mapping[str, tuple[Value, Value]] | None = None,
    samples: Mapping[str, int | None] | None = None,
    remarks: Mapping[str, str | None] | None = None,
    majors: Sequence[Mapping[str, Any]] = (),
    texts: Sequence[tuple[str, str] | Mapping[str, Any]] = (),
    cases: Sequence[Mapping[str, Any]] = (),
    catalog: Catalog | None = None,
) -> None:
    """Write data into the template at `path`, in place.

    `info`: 基本信息 label -> value. `values`: id -> (previous, current); None clears the cell; a
    string such as "-" is written as typed. On a sheet without a previous-year column (满意度) the
    previous value is ignored. `samples`: id -> 样本数. `remarks`: id -> the text of its row's
    备注 column (the column its table declares in the catalog). `majors`, `cases`: dicts with the keys of
    MAJOR_KEYS / CASE_KEYS, appended below rows already filled; `texts`: (章节, 内容) pairs or
    dicts with the keys of TEXT_KEYS.
    `catalog` defaults to the one of the workbook's current year. Setting a derived indicator, or
    one without a row, raises ValueError.
    """
    path = Path(path)
    wb = load_workbook(path)
    if info:
        _fill_info(wb, info)
    if values or samples or remarks:
        rows = _indicator_rows(wb)
        catalog = catalog or _catalog_of(rows)
        previous_header, current_header = catalog.column_names()
        for ind_id, pair in (values or {}).items():
            table, row = _row_of(ind_id, rows, catalog)
            previous, current = pair
            table.ws.cell(row=row, column=table.column(current_header)).value = current
            if previous_header in table.columns:
                table.ws.cell(row=row, column=table.columns[previous_header]).value = previous
        for ind_id, count in (samples or {}).items():
            table, row = _row_of(ind_id, rows, catalog)
            table.ws.cell(row=row, column=table.column(layout.SAMPLE_HEADER)).value = count
        for ind_id, text in (remarks or {}).items():
            table, row = _row_of(ind_id, rows, catalog)
            header = catalog.remarks.get(catalog[ind_id].table) if ind_id in catalog.by_id else None
            if header is None:
                raise ValueError(f"{ind_id} 所在的表没有备注列")
            table.ws.cell(row=row, column=table.column(layout.header_text(header.header))).value = text
    if majors:
        _write_rows(_list_table(wb, layout.MAJORS_SHEET, layout.MAJORS_HEADERS[0]), majors, MAJOR_KEYS)
    if texts:
        records = [t if isinstance(t, Mapping) else dict(zip(TEXT_KEYS, t, strict=False)) for t in texts]
        _write_rows(_list_table(wb, layout.TEXT_SHEET, layout.TEXT_HEADERS[0]), records, TEXT_KEYS)
    if cases:
        _write_rows(_list_table(wb, layout.CASES_SHEET, layout.CASES_HEADERS[0]), cases, CASE_KEYS)
    write_atomic(path, wb.save)


def _row_of(ind_id: str, rows: Mapping[str, tuple[_Table, int]], catalog: Catalog) -> tuple[_Table, int]:
    ind = catalog.by_id.get(ind_id)
    if ind is not None and not ind.typed:
        raise ValueError(f"{ind_id}（{ind.label}）是计算得出的指标，不能填写")
    if ind_id not in rows:
        raise ValueError(f"工作簿中没有指标代码为 {ind_id} 的行")
    return rows[ind_id]


def _fill_info(wb: Workbook, info: Mapping[str, str | int]) -> None:
    if layout.INFO_SHEET not in wb.sheetnames:
        raise ValueError(f"工作簿中没有工作表“{layout.INFO_SHEET}”")
    ws = wb[layout.INFO_SHEET]
    labels: dict[str, int] = {}
    for r, (label,) in enumerate(ws.iter_rows(min_col=1, max_col=1, values_only=True), 1):
        if isinstance(label, str):
            labels.setdefault(label.strip(), r)
    for label, value in info.items():
        if label not in labels:
            raise ValueError(
                f"“{layout.INFO_SHEET}”A 列没有“{label}”（可用：{'、'.join(layout.INFO_LABELS)}）"
            )
        ws.cell(row=labels[label], column=2).value = value  # None clears
