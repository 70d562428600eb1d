"""The six appendix tables (表1 人才培养质量计分卡 ... 表6 落实政策表) and the draft's findings list.

Rows follow the catalog order; `input = "base"` rows (inputs no table prints) are left out. The 序号
of a row group spans the group's rows, as in the printed tables.
"""

from __future__ import annotations

from collections.abc import Iterator

from qreport.catalog.indicators import Catalog, Indicator, Table
from qreport.findings import Finding
from qreport.model import Dataset
from qreport.report.coverage import Marks
from qreport.report.numformat import indicator_value
from qreport.report.wordml.grid import Cell, Grid, Row, merged_down, school_chunks


def printed_rows(table: Table) -> list[tuple[str, Indicator]]:
    """(序号, indicator) for the rows the table prints; a row without seq continues the group above."""
    rows: list[tuple[str, Indicator]] = []
    seq = ""
    for ind in table.indicators:
        if ind.seq is not None:
            seq = str(ind.seq)
        if ind.input != "base":
            rows.append((seq, ind))
    return rows


def _group_column(rows: list[tuple[str, Indicator]]) -> list[Cell | None]:
    # key by group start so two adjacent groups never merge, then print only the number
    keys: list[str] = []
    start = -1
    for k, (seq, _) in enumerate(rows):
        if k == 0 or seq != rows[k - 1][0]:
            start = k
        keys.append(f"{start}:{seq}")
    cells = merged_down(keys)
    return [None if c is None else Cell(c.text.split(":", 1)[1], rowspan=c.rowspan) for c in cells]


def years_grid(
    table: Table,
    dataset: Dataset,
    years: tuple[str, str],
    catalog: Catalog,
    labels: dict[str, str] | None = None,
) -> Grid:
    """序号 | 指标 | 单位 | previous year | current year, city values (`*`: not every school)."""
    rows = printed_rows(table)
    header: Row = [Cell("序号"), Cell("指标"), Cell("单位"), Cell(years[0]), Cell(years[1])]
    seqs = _group_column(rows)
    marks = Marks(dataset, catalog, labels)
    body: list[Row] = []
    for k, (_, ind) in enumerate(rows):
        values = [marks.city(ind.id, w) for w in ("previous", "current")]
        body.append([seqs[k], Cell(ind.label, align="left"), Cell(ind.unit), *(Cell(v) for v in values)])
    return Grid([header], body, [0.9, 6.2, 1.3, 1.8, 1.8], note=marks.note())  # a wide 指标 column


def schools_cells(table: Table, dataset: Dataset) -> int:
    """About how many cells `schools_grids` makes (to decide whether to stream them)."""
    return (len(printed_rows(table)) + 1) * (len(dataset.schools) + 4)


def schools_grids(
    table: Table, dataset: Dataset, labels: dict[str, str], catalog: Catalog, *, whole: bool = True
) -> Iterator[Grid]:
    """序号 | 指标 | 单位 | one column per school (current year) | 全市 when the city has values
    (and `whole`; a school's own report has its single column).

    With many schools the columns are split over several tables (续表), the 全市 column in the last.
    """
    rows = printed_rows(table)
    with_city = whole and any(dataset.value(ind.id) is not None for _, ind in rows)
    chunks = school_chunks(list(dataset.schools), with_total=with_city)
    for k, schools in enumerate(chunks):
        city = with_city and k == len(chunks) - 1
        marks = Marks(dataset, catalog, labels)
        header: Row = [Cell("序号"), Cell("指标"), Cell("单位"), *(Cell(labels[s.name]) for s in schools)]
        if city:
            header.append(Cell(dataset.region.whole))
        seqs = _group_column(rows)
        body: list[Row] = []
        for i, (_, ind) in enumerate(rows):
            values = [indicator_value(dataset.value(ind.id, school=s.name), ind) for s in schools]
            if city:
                values.append(marks.city(ind.id, "current"))
            body.append([seqs[i], Cell(ind.label, align="left"), Cell(ind.unit), *(Cell(v) for v in values)])
        yield Grid([header], body, note=marks.note() if city else "")


_SEVERITY = {"error": "错误", "warning": "警告"}


def findings_grid(findings: list[Finding]) -> Grid:
    header: Row = [Cell(t) for t in ("序号", "文件", "工作表", "单元格", "级别", "问题")]
    body: list[Row] = [
        [
            Cell(str(k)),
            Cell(f.file, align="left"),
            Cell(f.sheet or "-"),
            Cell(f.cell or "-"),
            Cell(_SEVERITY.get(f.severity, f.severity)),
            Cell(f.message, align="left"),
        ]
        for k, f in enumerate(findings, start=1)
    ]
    return Grid([header], body, [0.8, 2.6, 1.4, 1.1, 0.9, 6.0], font_size=9)  # messages need room
