"""City values from school values, exactly by the catalog's city rules, with provenance.

Rates are re-evaluated on summed counts, never averaged; weighted means weight by the catalog's
weight; sums use math.fsum so the order of schools can never change a city value. A value no rule can
make is None, with a note saying why.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from qreport.catalog import formula
from qreport.catalog.indicators import Catalog, Indicator
from qreport.model import MajorRow, Provenance, YearValue
from qreport.workbook.packed import value_of

YEARS = ("previous", "current")


@dataclass(frozen=True, eq=False)  # identity: comparing the value mappings would be quadratic
class Unit:
    """One contributor to a city value: a school, or a lower-level dataset in a roll-up."""

    name: str
    values: Mapping[str, YearValue]  # every indicator, derived included
    samples: Mapping[str, int | None]  # respondents per survey indicator (current year)
    majors: Mapping[str, frozenset[str] | None]  # year -> distinct codes taught, None = no list


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


def majors_taught(rows: Sequence[MajorRow]) -> dict[str, frozenset[str] | None]:
    """Distinct codes taught per year; None for a year the list says nothing about."""
    if not rows:
        return {"previous": None, "current": None}
    has_previous = any(m.previous_classes is not None for m in rows)
    return {
        "previous": frozenset(m.code for m in rows if m.open_previous) if has_previous else None,
        "current": frozenset(m.code for m in rows if m.open_current),
    }


def rule_text(ind: Indicator, catalog: Catalog, whole: str = "全市") -> str:
    """The 口径 of a city value, in Chinese, as recorded in the dataset and the tables workbook.

    A roll-up applies the same rule to its lower units, which is the same as applying it to all
    their schools: so the text speaks of schools (各校) at every level and only `whole` changes."""
    rule, arg = ind.city_rule
    if rule == "sum":
        return f"各校“{ind.name}”之和"
    if rule == "formula":
        assert ind.formula is not None
        text = ind.formula
        for op in sorted(formula.operands(text), key=len, reverse=True):
            text = text.replace(op, f"{whole}{catalog[op].name}")
        return f"用{whole}合计重新计算：{text.replace('*', '×').replace('/', '÷')}（不取各校比率的平均）"
    if rule == "wmean" and arg == "sample":
        return "以各校样本数（调查人数）为权重的加权平均；有学校未填样本数时不计算"
    if rule == "wmean":
        return f"以各校“{catalog[arg or ''].name}”为权重的加权平均"
    return "各校专业设置表中本年开设的专业代码去重计数"


class Columns:
    """One indicator's values of one year across all units, made once and reused (a weight column
    serves every indicator weighted by it): a national build has 7,000 units."""

    def __init__(self, units: Sequence[Unit]) -> None:
        self.units = units
        self._made: dict[tuple[str, str], list[float | None]] = {}

    def __call__(self, key: str, which: str) -> list[float | None]:
        column = self._made.get((key, which))
        if column is None:
            column = self._made[(key, which)] = [value_of(u.values, key, which) for u in self.units]
        return column


def aggregate(
    units: Sequence[Unit], catalog: Catalog, whole: str = "全市"
) -> tuple[dict[str, YearValue], dict[str, dict[str, Provenance]]]:
    """City values and their provenance for both years; `whole` names the region in the rule texts."""
    city: dict[str, YearValue] = {i.id: YearValue() for i in catalog.indicators}
    prov: dict[str, dict[str, Provenance]] = {}
    ordered = [i for i in catalog.indicators if i.city_rule[0] != "formula"]
    ordered += [i for i in _derived_in_order(catalog) if i.city_rule[0] == "formula"]
    columns = Columns(units)
    for ind in ordered:
        prov[ind.id] = {}
        for which in YEARS:
            value, p = _city_value(ind, which, columns, catalog, city, whole)
            setattr(city[ind.id], which, value)
            prov[ind.id][which] = p
    return city, {i.id: prov[i.id] for i in catalog.indicators}


def _city_value(ind: Indicator, which: str, columns: Columns, catalog: Catalog,
                city: Mapping[str, YearValue], whole: str) -> tuple[float | None, Provenance]:  # fmt: skip
    rule, arg = ind.city_rule
    text = rule_text(ind, catalog, whole)
    units = columns.units
    if rule == "distinct_majors":
        return _distinct_majors(which, units, text)
    column = columns(ind.id, which)
    have = [k for k, v in enumerate(column) if v is not None]
    names = [units[k].name for k in have]
    missing = [u.name for u, v in zip(units, column, strict=True) if v is None]
    if rule == "formula":
        assert ind.formula is not None
        value = formula.evaluate(
            ind.formula, {op: city[op].get(which) for op in formula.operands(ind.formula)}
        )
        note = "" if value is not None else "分子或分母缺失或为零"
        return value, Provenance(rule=text, schools=names, missing=missing, note=note)
    if not have:
        return None, Provenance(rule=text, missing=missing, note="没有学校填报")
    vals = [column[k] or 0.0 for k in have]
    if rule == "sum":
        return math.fsum(vals), Provenance(rule=text, schools=names, missing=missing)
    if arg == "sample":
        weights = [None if which == "previous" else _as_float(units[k].samples.get(ind.id)) for k in have]
    else:
        weight_column = columns(arg or "", which)
        weights = [weight_column[k] for k in have]
    if any(w is None for w in weights):
        lacking = [names[j] for j, w in enumerate(weights) if w is None]
        return None, Provenance(
            rule=text, schools=names, missing=missing, note="缺少权重：" + "、".join(lacking)
        )
    total = math.fsum(w for w in weights if w is not None)
    if total <= 0:
        return None, Provenance(rule=text, schools=names, missing=missing, note="权重合计为零")
    value = math.fsum(v * w for v, w in zip(vals, weights, strict=True) if w is not None) / total
    return value, Provenance(rule=text, schools=names, missing=missing)


def _as_float(v: int | None) -> float | None:
    return None if v is None else float(v)


def _distinct_majors(which: str, units: Sequence[Unit], text: str) -> tuple[float | None, Provenance]:
    lists = {u.name: u.majors.get(which) for u in units}
    names = [n for n, codes in lists.items() if codes is not None]
    lacking = [n for n, codes in lists.items() if codes is None]
    if not units or lacking:
        return None, Provenance(
            rule=text, schools=names, missing=lacking, note="有学校没有该年度的专业设置表"
        )
    codes = set().union(*(c for c in lists.values() if c is not None))
    return float(len(codes)), Provenance(rule=text, schools=names)


def city_majors(units: Sequence[Unit]) -> dict[str, list[str] | None]:
    out: dict[str, list[str] | None] = {}
    for which in YEARS:
        lists = [u.majors.get(which) for u in units]
        out[which] = None if not units or any(c is None for c in lists) else sorted(set().union(*lists))  # type: ignore[arg-type]
    return out


def city_samples(units: Sequence[Unit], catalog: Catalog) -> dict[str, int | None]:
    """Respondents behind each city survey rate, so a higher level can weight by them in turn."""
    out: dict[str, int | None] = {}
    for ind in catalog.typed:
        if ind.city == "wmean:sample":
            counts = [
                u.samples.get(ind.id) for u in units if value_of(u.values, ind.id, "current") is not None
            ]
            out[ind.id] = sum(c for c in counts if c is not None) if counts and None not in counts else None
    return out
