"""Validation rules over a read `School`, all driven by the catalog. Pure: findings in, nothing written.

Each rule is a small function `(school, catalog, outline) -> Iterator[Finding]`; `RULES` lists them in
the order their findings are reported.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

from qreport.catalog.indicators import Catalog, Indicator
from qreport.catalog.outline import Outline
from qreport.check import figures
from qreport.check.places import column_of as _column
from qreport.check.places import name_of as _name
from qreport.check.places import where as _where
from qreport.findings import Finding, finding
from qreport.model import Case, School, TextBlock
from qreport.pictures import picture_beside, picture_problem, read_picture
from qreport.workbook import layout
from qreport.workbook.cells import display
from qreport.workbook.xlsx import cell_ref

YEARS = ("previous", "current")
YOY_FACTOR = 3
TOLERANCE = 1e-6
MAJOR_CODE = re.compile(r"^\d{6}$")
CATEGORIES_2021 = range(61, 80)  # 专业大类 of the 2021 catalogue: 61 农林牧渔 … 79 公共管理与服务


def list_cell(school: School, sheet: str, header: str, row: int) -> dict[str, str | None]:
    """Where the column headed `header` of a list sheet meets `row`: the column as found in this
    workbook (a school may insert columns), or where the template puts it."""
    col = school.columns.get(sheet, {}).get(header) or layout.LIST_HEADERS[sheet].index(header) + 1
    return {"sheet": sheet, "cell": cell_ref(row, col)}


def _present(school: School, catalog: Catalog) -> Iterator[tuple[Indicator, str, float]]:
    for ind in catalog.typed:
        yv = school.values.get(ind.id)
        if yv is None:
            continue
        for which in YEARS:
            v = yv.get(which)
            if v is not None:
                yield ind, which, v


def _range_problem(ind: Indicator, v: float) -> str | None:
    if v < 0:
        return "negative"
    if ind.kind == "int" and not float(v).is_integer():
        return "not_integer"
    if ind.kind == "pct" and v > 100:
        return "pct_out_of_range"
    return None  # implausible but possible values: the catalog's [[plausible]] (qreport.check.figures)


def value_ranges(school: School, catalog: Catalog, outline: Outline) -> Iterator[Finding]:
    for ind, which, v in _present(school, catalog):
        code = _range_problem(ind, v)
        if code is not None:
            yield finding(code, school.file, **_where(school, ind, which), label=_name(catalog, ind),
                          value=display(v))  # fmt: skip


def blanks(school: School, catalog: Catalog, outline: Outline) -> Iterator[Finding]:
    """Blank current-year inputs: errors for denominators, warnings otherwise. `-` is not blank, nor
    is a cell the reader already found fault with (`二百三十六` is not a number, not "not filled").
    A blank operand of a rate whose other side is given is said by `rate_one_sided`, naming both."""
    one_sided = figures.one_sided_gaps(school, catalog)
    read = {(f.sheet, f.cell) for f in school.findings if f.cell}
    for ind in catalog.typed:
        if ind.id not in school.cells or school.values[ind.id].current is not None:
            continue
        if ind.id in school.na.get("current", set()) or (ind.id, "current") in one_sided:
            continue
        where = _where(school, ind, "current")
        if (where["sheet"], where["cell"]) in read:
            continue
        code = "blank_required" if ind.required else "blank"
        yield finding(code, school.file, **where, label=_name(catalog, ind),
                      column=_column(catalog, "current"))  # fmt: skip


def samples(school: School, catalog: Catalog, outline: Outline) -> Iterator[Finding]:
    invalid = {f.indicator for f in school.findings if f.code == "sample_invalid"}  # said once, as an error
    for ind in catalog.typed:
        has_rate = ind.id in school.samples and school.values[ind.id].current is not None
        if has_rate and school.samples.get(ind.id) is None and ind.id not in invalid:
            yield finding(
                "sample_missing", school.file, **_where(school, ind, "sample"), label=_name(catalog, ind)
            )


def parents(school: School, catalog: Catalog, outline: Outline) -> Iterator[Finding]:
    """其中 rows may not exceed their parent."""
    for ind in catalog.typed:
        if not ind.le or ind.id not in school.values or ind.le not in school.values:
            continue
        parent = catalog[ind.le]
        for which in YEARS:
            child_v, parent_v = school.values[ind.id].get(which), school.values[ind.le].get(which)
            if child_v is not None and parent_v is not None and child_v > parent_v + TOLERANCE:
                yield finding("exceeds_parent", school.file, **_where(school, ind, which), label=_name(catalog, ind),
                              value=display(child_v), parent=_name(catalog, parent), parent_value=display(parent_v))  # fmt: skip


def sums(school: School, catalog: Catalog, outline: Outline) -> Iterator[Finding]:
    """Totals that must equal the sum of their parts."""
    for ind in catalog.typed:
        if not ind.sum_of or ind.id not in school.values:
            continue
        for which in YEARS:
            total = school.values[ind.id].get(which)
            parts = [school.values.get(p) for p in ind.sum_of]
            part_values = [None if p is None else p.get(which) for p in parts]
            if total is None or any(v is None for v in part_values):
                continue
            expected = sum(v for v in part_values if v is not None)
            if abs(total - expected) > TOLERANCE:
                names = "、".join(catalog[p].name for p in ind.sum_of)
                yield finding("parts_mismatch", school.file, **_where(school, ind, which), label=_name(catalog, ind),
                              value=display(total), parts=names, total=display(expected))  # fmt: skip


def jumps(school: School, catalog: Catalog, outline: Outline) -> Iterator[Finding]:
    for ind in catalog.typed:
        yv = school.values.get(ind.id)
        if yv is None or not yv.previous or not yv.current or yv.previous < 0 or yv.current < 0:
            continue
        ratio = yv.current / yv.previous
        if ratio > YOY_FACTOR or ratio < 1 / YOY_FACTOR:
            yield finding("yoy_jump", school.file, **_where(school, ind, "current"), label=_name(catalog, ind),
                          previous=display(yv.previous), current=display(yv.current))  # fmt: skip


def major_codes(school: School, catalog: Catalog, outline: Outline) -> Iterator[Finding]:
    seen: dict[str, int] = {}
    sheet = layout.MAJORS_SHEET
    for m in school.majors:
        at = list_cell(school, sheet, "专业代码", m.row)
        if not MAJOR_CODE.match(m.code):
            yield finding("major_code_format", school.file, **at, value=m.code)
            continue
        # a closed major keeps the code it had: an old catalogue's code is history, not a mistake
        if int(m.code[:2]) not in CATEGORIES_2021 and m.adjustment != "停办":
            yield finding("major_code_category", school.file, **at, value=m.code, prefix=m.code[:2])
        if m.code in seen:
            yield finding("major_duplicate", school.file, **at, value=m.code, other=seen[m.code])
        seen.setdefault(m.code, m.row)
        if not m.name:
            yield finding("major_name_missing", school.file, **list_cell(school, sheet, "专业名称", m.row),
                          value=m.code)  # fmt: skip
        if m.adjustment and m.adjustment not in layout.ADJUST_CHOICES:
            yield finding("major_adjust_invalid", school.file, **list_cell(school, sheet, "调整情况", m.row),
                          value=m.adjustment, choices="、".join(layout.ADJUST_CHOICES))  # fmt: skip


def _listed(school: School, what: str) -> float | None:
    """What the 专业设置 sheet says for a `listed` indicator, or None when it says nothing."""
    if what == "majors":
        return len({m.code for m in school.majors if m.open_current})
    students = [m.students for m in school.majors if m.students is not None]
    return sum(students) if students else None


def majors_cross_check(school: School, catalog: Catalog, outline: Outline) -> Iterator[Finding]:
    """Indicators the catalog declares `listed` against the rows of 专业设置."""
    if not school.majors:
        return
    for ind in catalog.typed:
        typed = school.values.get(ind.id)
        if ind.listed is None or typed is None or typed.current is None:
            continue
        listed = _listed(school, ind.listed)
        if listed is None or abs(listed - typed.current) <= TOLERANCE:
            continue
        code = "majors_count_mismatch" if ind.listed == "majors" else "majors_students_mismatch"
        yield finding(code, school.file, **_where(school, ind, "current"), typed=display(typed.current),
                      listed=display(listed))  # fmt: skip


def texts(school: School, catalog: Catalog, outline: Outline) -> Iterator[Finding]:
    sheet = layout.TEXT_SHEET
    folder = Path(school.path or school.file).parent
    pasted = school.pictures.get(sheet, {})
    for t in school.texts:
        has_picture = t.row in pasted or bool(t.image)
        if t.section not in outline:
            choices = "、".join(s for s in outline.numbers if s.count(".") == 1)
            yield finding("section_unknown", school.file, **list_cell(school, sheet, "章节", t.row),
                          value=t.section or "（空）", choices=choices)  # fmt: skip
        elif not t.content and not has_picture:
            yield finding("text_empty", school.file, **list_cell(school, sheet, "内容", t.row), row=t.row)
        yield from _picture_findings(school, sheet, t, folder, "text_image_missing")
        if has_picture and not t.caption:
            yield finding("image_caption_missing", school.file, **list_cell(school, sheet, "图片说明", t.row),
                          fallback=t.picture_caption(school.label))  # fmt: skip


def cases(school: School, catalog: Catalog, outline: Outline) -> Iterator[Finding]:
    folder = Path(school.path or school.file).parent
    sheet = layout.CASES_SHEET
    for c in school.cases:
        missing = [name for name, v in (("标题", c.title), ("正文", c.body)) if not v]
        if missing:
            yield finding("case_incomplete", school.file, **list_cell(school, sheet, "标题", c.row),
                          missing="、".join(missing))  # fmt: skip
        yield from _picture_findings(school, sheet, c, folder, "case_image_missing")


def _picture_findings(
    school: School, sheet: str, item: TextBlock | Case, folder: Path, missing: str
) -> Iterator[Finding]:
    """A picture named in 图片 that is not beside the workbook (code `missing`), or one that does not
    decode, named or pasted on the row."""
    pasted = school.pictures.get(sheet, {})
    named = picture_beside(folder, item.image) if item.image else None
    if item.image and item.row not in pasted and named is None:
        yield finding(missing, school.file, **list_cell(school, sheet, "图片", item.row), value=item.image)
        return
    if named is not None:
        data: bytes | None = read_picture(named)
    else:
        data = pasted[item.row][1] if item.row in pasted else None
    problem = None if data is None else picture_problem(data)
    if problem is not None:
        shown = item.image if named is not None else "粘贴的图片"
        yield finding("picture_invalid", school.file, **list_cell(school, sheet, "图片", item.row),
                      value=shown, reason=problem)  # fmt: skip


Rule = Callable[[School, Catalog, Outline], Iterator[Finding]]
RULES: tuple[Rule, ...] = (
    value_ranges, figures.plausible, figures.not_applicable_always, blanks, samples, figures.weights,
    figures.one_sided_rates, figures.previous_blank, parents, sums, jumps, major_codes, majors_cross_check,
    texts, cases,
)  # fmt: skip


def check_school(school: School, catalog: Catalog, outline: Outline) -> list[Finding]:
    return [f for rule in RULES for f in rule(school, catalog, outline)]
