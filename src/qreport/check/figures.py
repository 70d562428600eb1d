"""Rules that keep a printed figure from misleading, all declared by the catalog: `-` where an
indicator always applies, implausible values (`[[plausible]]`), one side of a rate left out, a
previous-year column left blank, a weighted mean without its weight."""

from __future__ import annotations

from collections.abc import Iterator

from qreport.catalog import formula
from qreport.catalog.indicators import Catalog, Indicator
from qreport.catalog.outline import Outline
from qreport.check.places import column_of as _column
from qreport.check.places import name_of as _name
from qreport.check.places import where as _where
from qreport.exact import exact, stored
from qreport.findings import Finding, finding
from qreport.model import School
from qreport.workbook.cells import display

YEARS = ("previous", "current")


def _ref(school: School, ind_id: str, which: str) -> str | None:
    return school.cells.get(ind_id, {}).get(which)


def _value(school: School, ind_id: str, which: str) -> float | None:
    yv = school.values.get(ind_id)
    return None if yv is None else yv.get(which)


def _made(school: School, catalog: Catalog, ind_id: str, which: str) -> float | None:
    """A typed value, or a derived one evaluated from the school's values (before the build derives)."""
    ind = catalog[ind_id]
    if ind.formula is None:
        return _value(school, ind_id, which)
    ops = {op: _made(school, catalog, op, which) for op in formula.operands(ind.formula)}
    return formula.evaluate(ind.formula, ops)


def _state(school: School, ind_id: str, which: str) -> str:
    return "填了“-”" if ind_id in school.na.get(which, ()) else "空着"


def not_applicable_always(school: School, catalog: Catalog, outline: Outline) -> Iterator[Finding]:
    """`-` for an indicator every school has (the catalog's `always`)."""
    for ind in catalog.typed:
        for which in YEARS:
            if ind.always and ind.id in school.na.get(which, ()):
                yield finding("na_always", school.file, **_where(school, ind, which), label=_name(catalog, ind),
                              column=_column(catalog, which))  # fmt: skip


def plausible(school: School, catalog: Catalog, outline: Outline) -> Iterator[Finding]:
    """Typed values in a range the catalog declares implausible, with the likely intended value."""
    for check in catalog.plausible:
        for ind in catalog.typed:
            if not check.selects(ind):
                continue
            for which in YEARS:
                v = _value(school, ind.id, which)
                if v is not None and check.implausible(v):
                    suggest = display(stored(exact(v) * exact(check.factor)) or 0.0)
                    yield finding(check.code, school.file, **_where(school, ind, which), label=_name(catalog, ind),
                                  value=display(v), suggest=suggest)  # fmt: skip


def one_sided_gaps(school: School, catalog: Catalog) -> dict[tuple[str, str], tuple[Indicator, list[str]]]:
    """(operand, year) -> (an operand that is given, the rates it leaves out): operands of a rate
    the school has a row for, blank or `-`, while another operand of that rate is positive. A blank
    denominator of this year is left to `blank_required`, an error, and a cell the reader already
    found fault with (not a number, too large) is said once, by the reader."""
    found: dict[tuple[str, str], tuple[Indicator, list[str]]] = {}
    read = {(f.sheet, f.cell) for f in school.findings if f.cell}
    for rate in catalog.derived:
        if rate.formula is None or not formula.divides(rate.formula):
            continue
        ops = [catalog[o] for o in formula.operands(rate.formula)]
        for which in YEARS:
            given = [o for o in ops if (_value(school, o.id, which) or 0) > 0]
            for gap in ops if given else ():
                if gap.id not in school.cells or _value(school, gap.id, which) is not None:
                    continue
                where = _where(school, gap, which)
                if (where["sheet"], where["cell"]) in read:
                    continue
                blank = gap.id not in school.na.get(which, ())
                if gap.required and blank and which == "current":
                    continue
                found.setdefault((gap.id, which), (given[0], []))[1].append(_name(catalog, rate))
    return found


def _beside(ref: str, gap: Indicator, school: School, which: str) -> str:
    """A cell reference as said next to the finding's own cell: without the sheet when it is the same."""
    sheet, _, cell = ref.rpartition("!")
    return cell if sheet == _where(school, gap, which)["sheet"] else ref


def one_sided_rates(school: School, catalog: Catalog, outline: Outline) -> Iterator[Finding]:
    """A rate with one operand left out (blank or `-`) while another is a positive number: the
    rate cannot be made and the city rate leaves the school out. One finding per missing cell."""
    for (gap_id, which), (other, rates) in one_sided_gaps(school, catalog).items():
        gap = catalog[gap_id]
        yield finding("rate_one_sided", school.file, **_where(school, gap, which), label=_name(catalog, gap),
                      state=_state(school, gap.id, which), other=_name(catalog, other),
                      other_cell=_beside(_ref(school, other.id, which) or other.sheet, gap, school, which),
                      value=display(_value(school, other.id, which) or 0.0), rates="、".join(rates),
                      column=_column(catalog, which))  # fmt: skip


def previous_blank(school: School, catalog: Catalog, outline: Outline) -> Iterator[Finding]:
    """A previous-year column left blank where this year is filled: one warning per sheet."""
    for table in catalog.table:
        if table.sample:
            continue
        gaps = [
            ind
            for ind in table.indicators
            if ind.typed
            and ind.id in school.cells
            and _value(school, ind.id, "current") is not None
            and _value(school, ind.id, "previous") is None
            and ind.id not in school.na.get("previous", ())
        ]
        if gaps:
            where = _where(school, gaps[0], "previous")
            yield finding("previous_blank", school.file, sheet=where["sheet"], cell=where["cell"],
                          count=len(gaps), previous=_column(catalog, "previous"),
                          current=_column(catalog, "current"))  # fmt: skip


def weights(school: School, catalog: Catalog, outline: Outline) -> Iterator[Finding]:
    """A value averaged by a weight (月收入 by 就业人数) without its weight, like `sample_missing`."""
    for ind in catalog.typed:
        rule, weight = ind.city_rule
        if rule != "wmean" or weight in (None, "sample"):
            continue
        for which in YEARS:
            if (
                _value(school, ind.id, which) is not None
                and _made(school, catalog, weight or "", which) is None
            ):
                yield finding("weight_missing", school.file, **_where(school, ind, which), label=_name(catalog, ind),
                              weight=catalog.qualified_names[weight or ""], column=_column(catalog, which))  # fmt: skip
