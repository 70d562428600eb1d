"""City values from school values, exactly by the catalog's city rules, with provenance.

Rates are re-evaluated on summed counts, never averaged; weighted means weight by the catalog's
weight; sums use math.fsum so the order of schools can never change a city value. A value no rule can
make is None, with a note saying why.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from fractions import Fraction

from qreport.catalog import formula
from qreport.catalog.indicators import Catalog, Indicator
from qreport.exact import exact_dot, exact_total, stored
from qreport.model import MajorRow, Provenance, School, YearValue
from qreport.workbook.packed import Stacked, value_of

YEARS = ("previous", "current")


@dataclass(frozen=True)
class Lower:
    """How a lower dataset made one of its city values: the schools it covers and leaves out, and
    the parts a higher level needs to apply the same rule like for like."""

    count: int
    missing: tuple[str, ...] = ()
    parts: Mapping[str, float] | None = None


@dataclass(frozen=True, eq=False)  # identity: comparing the value mappings would be quadratic
class Unit:
    """One contributor to a city value: a school, or a lower-level dataset in a roll-up."""

    name: str
    values: Mapping[str, YearValue]  # every indicator, derived included
    samples: Mapping[str, int | None]  # respondents per survey indicator (current year)
    majors: Mapping[str, frozenset[str] | None]  # year -> distinct codes taught, None = no list
    na: Mapping[str, AbstractSet[str]] = field(default_factory=dict)  # year -> ids typed as `-`
    lower: Mapping[tuple[str, str], Lower] | None = None  # a roll-up's unit: (id, year) -> Lower

    def not_applicable(self, ind: str, which: str) -> bool:
        return ind in self.na.get(which, ())

    def coverage(self, ind: str, which: str) -> tuple[int, list[str]]:
        """(schools covered, schools left out) when this unit's value is taken."""
        if self.lower is None:
            return 1, []
        low = self.lower.get((ind, which))
        if low is None:  # a dataset written before coverage was recorded: its schools as one
            return 1, []
        return low.count, [f"{self.name}/{n}" for n in low.missing]

    def all_schools(self, ind: str, which: str) -> list[str]:
        """The schools left out when this unit's value is not taken."""
        count, missing = self.coverage(ind, which)
        if self.lower is None:
            return [self.name]
        return missing + ([f"{self.name}（{count}所学校）"] if count else [])

    def parts_of(self, ind: str, which: str) -> Mapping[str, float] | None:
        """A lower dataset's like-for-like parts of a city value; None for a school."""
        if self.lower is None:
            return None
        low = self.lower.get((ind, which))
        return None if low is None else low.parts

    def weight_of(self, ind: str, which: str) -> float | None:
        """The weight of the schools a lower dataset's mean took; None: use the weight column."""
        parts = self.parts_of(ind, which)
        return None if not parts else parts.get("weight")


def derive(values: Mapping[str, YearValue], catalog: Catalog) -> dict[str, YearValue]:
    """Typed values plus every derived indicator, evaluated in dependency order."""
    empty = YearValue()
    years = {
        which: {ind.id: values.get(ind.id, empty).get(which) for ind in catalog.typed} for which in YEARS
    }
    for ind in _derived_in_order(catalog):
        assert ind.formula is not None
        for which in YEARS:
            years[which][ind.id] = formula.evaluate(ind.formula, years[which])
    prev, cur = years["previous"], years["current"]
    return {i.id: YearValue(previous=prev[i.id], current=cur[i.id]) for i in catalog.indicators}


_ORDER: dict[int, tuple[Catalog, list[Indicator]]] = {}


def _derived_in_order(catalog: Catalog) -> list[Indicator]:
    """Derived indicators so each comes after its operands (remembered per catalog object)."""
    known = _ORDER.get(id(catalog))
    if known is not None and known[0] is catalog:
        return known[1]
    pending = list(catalog.derived)
    done = {i.id for i in catalog.typed}
    ordered: list[Indicator] = []
    while pending:
        ready = [i for i in pending if set(formula.operands(i.formula or "")) <= done]
        if not ready:
            raise ValueError("派生指标的公式存在循环引用：" + "、".join(i.id for i in pending))
        for i in ready:
            ordered.append(i)
            done.add(i.id)
            pending.remove(i)
    _ORDER[id(catalog)] = (catalog, ordered)
    return ordered


def units_of(schools: Sequence[School], values: Mapping[str, Mapping[str, YearValue]]) -> list[Unit]:
    """The units of a build from school workbooks: each school with its values, `-` cells and majors."""
    return [Unit(s.name, values.get(s.name, {}), s.samples, majors_taught(s.majors), s.na) for s in schools]


def majors_taught(rows: Sequence[MajorRow]) -> dict[str, frozenset[str] | None]:
    """Distinct codes taught per year; None for a year the list says nothing about."""
    if not rows:
        return {"previous": None, "current": None}
    has_previous = any(m.previous_classes is not None for m in rows)
    return {
        "previous": frozenset(m.code for m in rows if m.open_previous) if has_previous else None,
        "current": frozenset(m.code for m in rows if m.open_current),
    }


def rule_text(ind: Indicator, catalog: Catalog, whole: str = "全市", which: str = "current") -> str:
    """The 口径 of a city value of one year, in Chinese, as recorded in the dataset and the tables
    workbook.

    A roll-up applies the same rule to its lower units, which is the same as applying it to all
    their schools: so the text speaks of schools (各校) at every level and only `whole` changes."""
    rule, arg = ind.city_rule
    if rule == "sum":
        return f"各校“{ind.name}”之和（填“-”的学校按无此项计入）"
    if rule == "formula":
        assert ind.formula is not None
        text = ind.formula
        for op in sorted(formula.operands(text), key=len, reverse=True):
            text = text.replace(op, f"{whole}{catalog[op].name}")
        text = text.replace("*", "×").replace("/", "÷")
        if formula.divides(ind.formula):
            return f"用{whole}合计重新计算：{text}（只合计各项都有数值的学校，不取各校比率的平均）"
        return f"用{whole}合计计算：{text}"
    if rule == "wmean" and arg == "sample":
        return "以各校样本数（调查人数）为权重的加权平均（只计同时填了满意度和样本数的学校）"
    if rule == "wmean":
        weight = catalog[arg or ""].name
        return f"以各校“{weight}”为权重的加权平均（只计同时有{ind.name}和{weight}的学校）"
    if which == "previous":
        return "各校专业设置表中上年有班级的专业代码去重计数"
    return "各校专业设置表中本年开设的专业代码去重计数"


class Columns:
    """One indicator's values of one year across all units, made once and reused (a weight column
    serves every indicator weighted by it): a national build has 7,000 units."""

    def __init__(self, units: Sequence[Unit]) -> None:
        self.units = units
        self._made: dict[tuple[str, str], list[float | None]] = {}
        self._stacked = Stacked.of([u.values for u in units])  # every school's values packed alike

    def __call__(self, key: str, which: str) -> list[float | None]:
        column = self._made.get((key, which))
        if column is None:
            if self._stacked is not None:
                column = self._stacked.column(key, which)
            else:
                column = [value_of(u.values, key, which) for u in self.units]
            self._made[(key, which)] = column
        return column


@dataclass
class _Made:
    """A city value being made: the exact value, which units it takes, and the parts a roll-up
    needs to apply the same rule again (a ratio's operand sums, a mean's total weight)."""

    value: Fraction | None
    covers: list[bool]
    parts: dict[str, float]
    note: str = ""


def aggregate(
    units: Sequence[Unit], catalog: Catalog, whole: str = "全市"
) -> tuple[dict[str, YearValue], dict[str, dict[str, Provenance]]]:
    """City values and their provenance for both years; `whole` names the region in the rule texts."""
    city: dict[str, YearValue] = {i.id: YearValue() for i in catalog.indicators}
    prov: dict[str, dict[str, Provenance]] = {}
    ordered = [i for i in catalog.indicators if i.city_rule[0] != "formula"]
    ordered += [i for i in _derived_in_order(catalog) if i.city_rule[0] == "formula"]
    columns = Columns(units)
    made: dict[tuple[str, str], _Made] = {}
    for ind in ordered:
        prov[ind.id] = {}
        for which in YEARS:
            m = made[(ind.id, which)] = _city_value(ind, which, columns, made)
            setattr(city[ind.id], which, stored(m.value))
            prov[ind.id][which] = _provenance(ind, which, m, units, catalog, whole)
    return city, {i.id: prov[i.id] for i in catalog.indicators}


@dataclass(frozen=True)
class Comparison:
    """A city figure of both years over the same schools: those that cover both years."""

    previous: float | None
    current: float | None
    left_out: list[str]  # units that cover only one of the years (or neither)


def comparable(units: Sequence[Unit], ind_id: str, catalog: Catalog) -> Comparison:
    """The indicator's city values of both years made again over the units covering both years,
    so a change is like for like (专任教师 of the same schools in 2023 and 2024)."""
    needed = _closure(ind_id, catalog)
    ordered = [i for i in catalog.indicators if i.id in needed and i.city_rule[0] != "formula"]
    ordered += [i for i in _derived_in_order(catalog) if i.id in needed and i.city_rule[0] == "formula"]

    def run(us: Sequence[Unit]) -> dict[tuple[str, str], _Made]:
        columns, made = Columns(us), dict[tuple[str, str], _Made]()
        for ind in ordered:
            for which in YEARS:
                made[(ind.id, which)] = _city_value(ind, which, columns, made)
        return made

    made = run(units)
    both = [
        made[(ind_id, "previous")].covers[k] and made[(ind_id, "current")].covers[k]
        for k in range(len(units))
    ]
    left_out = [u.name for u, b in zip(units, both, strict=True) if not b]
    if left_out:
        made = run([u for u, b in zip(units, both, strict=True) if b])
    return Comparison(
        stored(made[(ind_id, "previous")].value), stored(made[(ind_id, "current")].value), left_out
    )


def _closure(ind_id: str, catalog: Catalog) -> set[str]:
    """The indicator and every indicator its city value is made from (operands, weights)."""
    out, todo = set(), [ind_id]
    while todo:
        ind = catalog[todo.pop()]
        if ind.id in out:
            continue
        out.add(ind.id)
        todo += formula.operands(ind.formula) if ind.formula else []
        rule, arg = ind.city_rule
        todo += [arg] if rule == "wmean" and arg and arg != "sample" else []
    return out


def _provenance(ind: Indicator, which: str, m: _Made, units: Sequence[Unit], catalog: Catalog,
                whole: str) -> Provenance:  # fmt: skip
    """Which units the value takes and, counted in schools (through a roll-up's lower datasets),
    how many schools it covers and which it leaves out."""
    if all(u.lower is None for u in units):  # schools: each covers itself, or is left out
        names = [u.name for u, covers in zip(units, m.covers, strict=True) if covers]
        missing = [u.name for u, covers in zip(units, m.covers, strict=True) if not covers]
        return _with_note(ind, which, m, catalog, whole, names, missing, len(names))
    names, missing, count = [], [], 0
    for u, covers in zip(units, m.covers, strict=True):
        lower = u.coverage(ind.id, which)
        if covers:
            names.append(u.name)
            count += lower[0]
            missing += lower[1]
        else:
            missing += u.all_schools(ind.id, which)
    return _with_note(ind, which, m, catalog, whole, names, missing, count)


def _with_note(ind: Indicator, which: str, m: _Made, catalog: Catalog, whole: str, names: list[str],
               missing: list[str], count: int) -> Provenance:  # fmt: skip
    note = m.note
    if m.value is None and not note:
        note = "没有学校填报" if not any(m.covers) else "分子或分母缺失或为零"
    return Provenance(rule=rule_text(ind, catalog, whole, which), schools=names, missing=missing,
                      count=count, parts=m.parts, note=note)  # fmt: skip


def _city_value(ind: Indicator, which: str, columns: Columns, made: Mapping[tuple[str, str], _Made]) -> _Made:
    rule, arg = ind.city_rule
    units = columns.units
    if rule == "distinct_majors":
        return _distinct_majors(which, units)
    if rule == "formula":
        assert ind.formula is not None
        if formula.divides(ind.formula):
            return _ratio(ind.formula, ind.id, which, columns)
        # an additive formula (a total of sums) covers the schools that every one of its sums covers
        ops = formula.operands(ind.formula)
        covers = [all(made[(op, which)].covers[k] for op in ops) for k in range(len(units))]
        value = formula.evaluate_exact(ind.formula, {op: made[(op, which)].value for op in ops})
        return _Made(value, covers, {})
    column = columns(ind.id, which)
    if rule == "sum":
        # `-` (not applicable) has nothing to add: the school is covered all the same
        covers = [
            v is not None or u.not_applicable(ind.id, which) for u, v in zip(units, column, strict=True)
        ]
        present = [v for v in column if v is not None]
        return _Made(exact_total(present) if present else None, covers, {})
    if arg == "sample":
        weights = [None if which == "previous" else _as_float(u.samples.get(ind.id)) for u in units]
    else:
        weights = columns(arg or "", which)
    return _weighted_mean(column, weights, [u.weight_of(ind.id, which) for u in units])


def _ratio(expr: str, ind_id: str, which: str, columns: Columns) -> _Made:
    """A ratio on the sums of its operands over the units that have every operand (like for like).
    A lower dataset brings the operand sums of its own like-for-like schools."""
    ops = formula.operands(expr)
    rows: list[tuple[float | None, ...]] = list(zip(*(columns(op, which) for op in ops), strict=True))
    for k, u in enumerate(columns.units):
        parts = u.parts_of(ind_id, which)
        if parts is not None:
            rows[k] = tuple(parts.get(op) for op in ops)
    covers = [None not in row for row in rows]
    if not any(covers):
        return _Made(None, covers, {})
    taken = [row for row, has_all in zip(rows, covers, strict=True) if has_all]
    sums = {op: exact_total([row[j] for row in taken]) for j, op in enumerate(ops)}  # type: ignore[misc]
    return _Made(formula.evaluate_exact(expr, sums), covers, {op: float(v) for op, v in sums.items()})


def _weighted_mean(values: list[float | None], weights: list[float | None],
                   lower: list[float | None]) -> _Made:  # fmt: skip
    """The mean of the values weighted by the weights, over the units that have both. A lower
    dataset's mean is weighted by the weight of the schools it took (`lower`), not its total."""
    pairs = [(v, w if low is None else low) for v, w, low in zip(values, weights, lower, strict=True)]
    covers = [v is not None and w is not None for v, w in pairs]
    if not any(covers):
        return _Made(None, covers, {})
    taken = [pair for pair, has in zip(pairs, covers, strict=True) if has]
    vs, ws = [v for v, _ in taken], [w for _, w in taken]
    num, den = exact_dot(vs, ws), exact_total(ws)  # type: ignore[arg-type]
    if den <= 0:
        return _Made(None, covers, {"weight": 0.0}, note="权重合计为零")
    return _Made(num / den, covers, {"weight": float(den)})


def _as_float(v: int | None) -> float | None:
    return None if v is None else float(v)


def _distinct_majors(which: str, units: Sequence[Unit]) -> _Made:
    lists = [u.majors.get(which) for u in units]
    covers = [codes is not None for codes in lists]
    if not any(covers):
        return _Made(None, covers, {}, note="没有学校有该年度的专业设置表")
    codes = set().union(*(c for c in lists if c is not None))
    return _Made(Fraction(len(codes)), covers, {})


def city_majors(units: Sequence[Unit]) -> dict[str, list[str] | None]:
    """The distinct codes behind `majors`, over the units with a list of that year."""
    out: dict[str, list[str] | None] = {}
    for which in YEARS:
        lists = [c for u in units if (c := u.majors.get(which)) is not None]
        out[which] = sorted(set().union(*lists)) if lists else None
    return out


def city_samples(units: Sequence[Unit], catalog: Catalog) -> dict[str, int | None]:
    """Respondents behind each city survey rate (of the schools it takes), so a higher level can
    weight by them in turn."""
    out: dict[str, int | None] = {}
    for ind in catalog.typed:
        if ind.city == "wmean:sample":
            counts = [
                c
                for u in units
                if value_of(u.values, ind.id, "current") is not None
                and (c := u.samples.get(ind.id)) is not None
            ]
            out[ind.id] = sum(counts) if counts else None
    return out
