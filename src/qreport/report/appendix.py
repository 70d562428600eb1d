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
from qreport.report.wordml.grid import (
    SMALLEST,
    Cell,
    Grid,
    Row,
    column_blocks,
    column_least,
    least_widths,
    merged_down,
)


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
    return Grid([header], body, note=marks.note())


def schools_cells(table: Table, dataset: Dataset) -> int:
    """About how many cells `schools_grids` makes (to decide whether to stream them)."""
    return (len(printed_rows(table)) + 1) * (len(dataset.schools) + 4)


def schools_grids(
    table: Table, dataset: Dataset, labels: dict[str, str], catalog: Catalog, *, whole: bool = True
) -> Iterator[Grid]:
    """序号 | 指标 | 单位 | one column per school (current year) | 全市 when the city has values
    (and `whole`; a school's own report has its single column).

    When the columns do not fit the page even at the smallest size they are split over several
    tables (续表), the 全市 column in the last. Made lazily: a national report streams them.
    """
    rows = printed_rows(table)
    with_city = whole and any(dataset.value(ind.id) is not None for _, ind in rows)
    schools = list(dataset.schools)
    marks = Marks(dataset, catalog, labels)

    def column(k: int) -> list[str]:
        if k == len(schools):
            return [dataset.region.whole, *(marks.city(ind.id, "current") for _, ind in rows)]
        name = schools[k].name
        return [labels[name], *(indicator_value(dataset.value(ind.id, school=name), ind) for _, ind in rows)]

    seqs = _group_column(rows)
    lead: list[Row] = [[Cell("序号"), Cell("指标"), Cell("单位")]]
    lead += [[seqs[i], Cell(ind.label, align="left"), Cell(ind.unit)] for i, (_, ind) in enumerate(rows)]
    lead_grid = Grid(lead[:1], lead[1:])
    count = len(schools) + int(with_city)
    blocks = column_blocks(sum(least_widths(lead_grid)), [column_least(column(k)) for k in range(count)])
    marks = Marks(dataset, catalog, labels)  # the note counts the city column once, when it is made
    for block in blocks:
        columns = [column(k) for k in block]
        header: Row = [*lead[0], *(Cell(c[0], name=True) for c in columns)]
        body: list[Row] = [[*lead[1 + i], *(Cell(c[1 + i]) for c in columns)] for i in range(len(rows))]
        city = with_city and block.stop == count
        size = SMALLEST if len(blocks) > 1 else None
        yield Grid([header], body, font_size=size, note=marks.note() if city else "")


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
