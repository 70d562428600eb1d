"""Chapter tables (表1-5 ...) built from their declaration in report.toml and the dataset.

The 合计/全市 line is always the dataset's city value, made by the catalog's city rule; the report
never sums or averages anything itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from qreport.catalog.indicators import Catalog
from qreport.model import Dataset, MajorRow, School
from qreport.report.coverage import Marks
from qreport.report.numformat import NO_VALUE, format_value, indicator_value
from qreport.report.prose import FreeTable
from qreport.report.spec import Item, MajorColumn, TableSpec, fill
from qreport.report.wordml.grid import Cell, Grid, Row, merged_down, split_columns
from qreport.report.wordml.widths import text_em


@dataclass(frozen=True)
class Column:
    """An item expanded to one year: what one column (or row) of a chapter table shows."""

    id: str
    which: str  # "previous" | "current"
    label: str
    group: str = ""
    ids: tuple[str, ...] = ()  # a table with row groups (kinds): the indicator of each kind


def indicator_label(item: Item, catalog: Catalog, names: Mapping[str, object]) -> str:
    if item.label:
        return fill(item.label, **names)
    ind = catalog[item.id]
    return f"{ind.label}（{ind.unit}）" if ind.unit else ind.label


def expand(
    items: tuple[Item, ...], catalog: Catalog, years: dict[str, str], names: Mapping[str, object]
) -> list[Column]:
    """`year = "both"` becomes two columns under the item's label, headed by the years."""
    out: list[Column] = []
    for item in items:
        label = indicator_label(item, catalog, names)
        group = fill(item.group, **names)
        ids = item.all_ids
        if item.year != "both":
            out.append(Column(item.id, item.year, label, group, ids))
        elif group:
            out += [Column(item.id, w, f"{label}（{years[w]}）", group, ids) for w in ("previous", "current")]
        else:
            out += [Column(item.id, w, years[w], label, ids) for w in ("previous", "current")]
    return out


def _value(dataset: Dataset, marks: Marks, col: Column, school: School | None, kind: int = 0) -> str:
    """A school's figure, or with no school the city's (marked `*` when it leaves a school out);
    in a table with row groups, the figure of the `kind`-th indicator of the column."""
    ind = col.ids[kind] if col.ids else col.id
    if school is None:
        return marks.city(ind, col.which)
    return indicator_value(dataset.value(ind, col.which, school.name), marks.catalog[ind])


def _remark(school: School, columns: list[Column], kind: int) -> Cell:
    """The school's remarks on the indicators of its row (each once, in column order), a line each."""
    ids = dict.fromkeys(c.ids[kind] if c.ids else c.id for c in columns)
    return Cell("\n".join(school.remarks[i] for i in ids if i in school.remarks), align="left")


def indicator_grid(
    spec: TableSpec,
    dataset: Dataset,
    catalog: Catalog,
    labels: dict[str, str],
    years: dict[str, str],
    names: Mapping[str, object],
) -> list[Grid]:
    """The table, or when its columns do not fit the page even at the smallest size, its column
    blocks (续表), each repeating the row labels.

    `labels` maps school name -> the short name printed; `names` fills {year} and the like.
    """
    columns = expand(spec.items, catalog, years, names)
    corner, total = fill(spec.corner, **names), fill(spec.total, **names)
    marks = Marks(dataset, catalog, labels)
    if spec.schools == "years":
        grid = _years_as_columns(spec, marks, years, names)
    elif spec.schools == "rows":
        corner = corner or dataset.region.member
        grid = _schools_as_rows(spec, corner, total, columns, dataset, marks, labels)
    else:
        grid = _schools_as_columns(
            spec, corner, total, columns, list(dataset.schools), dataset, marks, labels
        )
    grid.note = marks.note()
    first = grid.header[0][0]
    return split_columns(grid, lead=first.colspan if first else 1)  # the row labels: the corner's columns


def _schools_as_rows(
    spec: TableSpec,
    corner: str,
    total: str,
    columns: list[Column],
    dataset: Dataset,
    marks: Marks,
    labels: dict[str, str],
) -> Grid:
    """One row per school (with `kinds`, one per school and kind: the school's name merged over
    them), then the total row(s); with `remarks`, a last column of the schools' 备注."""
    grouped = any(c.group for c in columns)
    tall = 2 if grouped else 1
    top: Row = [Cell(corner, rowspan=tall)]
    second: Row = [None]
    if spec.kinds:
        top.append(Cell(spec.kind_header, rowspan=tall))
        second.append(None)
    i = 0
    while i < len(columns):
        col = columns[i]
        if not col.group:
            top.append(Cell(col.label, rowspan=tall))
            second.append(None)
            i += 1
            continue
        j = i
        while j < len(columns) and columns[j].group == col.group:
            j += 1
        top += [Cell(col.group, colspan=j - i)] + [None] * (j - i - 1)
        second += [Cell(c.label) for c in columns[i:j]]
        i = j
    if spec.remarks:
        top.append(Cell(spec.remarks, rowspan=tall))
        second.append(None)
    header = [top, second] if grouped else [top]
    kinds = spec.kinds or ("",)
    body: list[Row] = []
    for school in [*dataset.schools, *([None] if total else [])]:
        name = Cell(labels[school.name], name=True) if school else Cell(total, bold=True)
        for k, kind in enumerate(kinds):
            lead: Row = (
                [replace(name, rowspan=len(kinds)) if k == 0 else None, Cell(kind, name=True)]
                if spec.kinds
                else [name]
            )
            values = [Cell(_value(dataset, marks, c, school, k)) for c in columns]
            remark = [_remark(school, columns, k) if school else Cell("")] if spec.remarks else []
            body.append([*lead, *values, *remark])
    return Grid(header, body, list(spec.widths) or None, font_size=spec.font_size)


def _schools_as_columns(
    spec: TableSpec,
    corner: str,
    total: str,
    columns: list[Column],
    schools: list[School],
    dataset: Dataset,
    marks: Marks,
    labels: dict[str, str],
) -> Grid:
    heads = [labels[s.name] for s in schools] + ([total] if total else [])
    rows = [
        (col.label, [Cell(_value(dataset, marks, col, s)) for s in [*schools, *([None] if total else [])]])
        for col in columns
    ]
    return _indicator_rows(spec, corner or "指标", heads, [c.group for c in columns], rows)


def _years_as_columns(
    spec: TableSpec, marks: Marks, years: dict[str, str], names: Mapping[str, object]
) -> Grid:
    """指标 | previous year | current year: the region's own values (in a school's report, the
    school's), one row per item; items with a `group` share a merged first column."""
    rows = [
        (
            indicator_label(item, marks.catalog, names),
            [Cell(marks.city(item.id, w)) for w in ("previous", "current")],
        )
        for item in spec.items
    ]
    heads = [years[w] for w in ("previous", "current")]
    groups = [fill(item.group, **names) for item in spec.items]
    return _indicator_rows(spec, fill(spec.corner, **names) or "指标", heads, groups, rows)


def _indicator_rows(
    spec: TableSpec, corner: str, heads: list[str], groups: list[str], rows: list[tuple[str, list[Cell]]]
) -> Grid:
    """Indicators as rows under `heads` (schools or years); when any has a group, a first column
    merges each run of one group."""
    grouped = any(groups)
    lead = 2 if grouped else 1
    header: Row = [Cell(corner, colspan=lead)] + [None] * (lead - 1) + [Cell(h, name=True) for h in heads]
    merged = merged_down(groups) if grouped else []
    body: list[Row] = []
    for k, (label, cells) in enumerate(rows):
        body.append([*([merged[k]] if grouped else []), Cell(label, align="left"), *cells])
    return Grid([header], body, list(spec.widths) or None, font_size=spec.font_size)


def _major_cell(row: MajorRow, column: MajorColumn) -> str:
    value = getattr(row, column.field)
    if value is None or value == "":
        return NO_VALUE
    if isinstance(value, float):
        return format_value(value) + column.suffix
    return f"{value}{column.suffix}"


def majors_grid(spec: TableSpec, majors: list[MajorRow], names: Mapping[str, object]) -> Grid:
    header: Row = [Cell(fill(c.label, **names)) for c in spec.columns]
    body: list[Row] = [[Cell(_major_cell(m, c)) for c in spec.columns] for m in majors]
    return Grid([header], body, list(spec.widths) or None, font_size=spec.font_size)


_WRAPPING_EM = 8  # a column whose longest cell is longer than this reads better left-aligned


def free_grid(table: FreeTable) -> Grid:
    """A free table (`表：标题` + pipe table) as a grid: an empty header cell widens the one on its
    left; in the body an empty first cell or a `^` continues the cell above."""
    header: Row = []
    for k, text in enumerate(table.header):
        lead = next((j for j in range(k, -1, -1) if table.header[j]), None)
        if text or lead is None:
            span = 1
            while k + span < len(table.header) and not table.header[k + span]:
                span += 1
            header.append(Cell(text, colspan=span, align="center"))
        else:
            header.append(None)
    left = [
        max((text_em(row[c]) for row in table.rows), default=0) > _WRAPPING_EM
        for c in range(len(table.header))
    ]
    body: list[Row] = [[None] * len(table.header) for _ in table.rows]
    for c in range(len(table.header)):
        r = 0
        while r < len(table.rows):
            end = r + 1
            while end < len(table.rows) and _continues(table.rows[end][c], c):
                end += 1
            text = table.rows[r][c]
            body[r][c] = Cell(
                "" if text == "^" else text, rowspan=end - r, align="left" if left[c] else "center"
            )
            r = end
    return Grid([header], body)


def _continues(text: str, column: int) -> bool:
    return text == "^" or (column == 0 and not text)
