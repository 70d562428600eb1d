"""The indicator catalog: one declarative TOML file per report year, checked strictly on load.

Everything else (template, reader, validator, aggregator, report tables) reads this catalog; adding an
indicator is a data edit in `catalog/<year>.toml`.
"""

from __future__ import annotations

import tomllib
from functools import cache, cached_property
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from qreport.catalog import formula
from qreport.errors import CatalogError, UnknownYear
from qreport.explain import toml_problem, value_problem

CATALOGS = Path(__file__).parent  # <year>.toml files, shipped inside the package

Kind = Literal["int", "dec", "pct", "ratio"]
InputKind = Literal["yes", "base", "derived"]
CITY_RULES = ("sum", "formula", "wmean", "distinct_majors")


class Indicator(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    id: str
    label: str
    unit: str
    kind: Kind
    input: InputKind
    city: str
    seq: int | None = None
    formula: str | None = None
    le: str | None = None
    sum_of: tuple[str, ...] = ()
    required: bool = False
    always: bool = False  # every school has it (in-school students, teachers): `-` is an error
    # decimals printed in the report; default: none for kind int, two otherwise (contract)
    decimals: int | None = Field(default=None, ge=0, le=4)
    # must equal what the 专业设置 sheet lists: the majors taught this year, or the sum of 本年在校生数
    listed: Literal["majors", "students"] | None = None
    # takes a free-text 备注 on its row, in its table's remarks column (award details for a
    # report table's 备注 column); never a number, never part of `values`
    remark: bool = False
    # filled in by the catalog from the table the indicator belongs to
    table: str = ""
    sheet: str = ""

    @property
    def name(self) -> str:
        """The label without its 其中： prefix, for sentences and messages."""
        return self.label.removeprefix("其中：")

    @property
    def typed(self) -> bool:
        return self.input != "derived"

    @property
    def is_integer(self) -> bool:
        return self.kind == "int"

    @property
    def city_rule(self) -> tuple[str, str | None]:
        rule, _, arg = self.city.partition(":")
        return rule, arg or None

    @model_validator(mode="after")
    def _consistent(self) -> Indicator:
        rule, arg = self.city_rule
        if rule not in CITY_RULES:
            raise ValueError(f"{self.id}: 未知的汇总口径 city = {self.city!r}，可选 {', '.join(CITY_RULES)}")
        if rule == "wmean" and not arg:
            raise ValueError(f"{self.id}: wmean 须写成 wmean:<权重指标>")
        if rule == "formula" and self.input != "derived":
            raise ValueError(f'{self.id}: city = "formula" 只用于派生指标')
        if (self.input == "derived") != (self.formula is not None):
            raise ValueError(f'{self.id}: 只有 input = "derived" 的指标有 formula')
        if self.formula is not None:
            formula.parse(self.formula)
        if self.listed is not None and self.input == "derived":
            raise ValueError(f"{self.id}: listed 只用于填报的指标")
        if self.remark and self.input == "derived":
            raise ValueError(f"{self.id}: remark 只用于填报的指标")
        return self


class Plausible(BaseModel):
    """A range of typed values that is almost surely a slip (0.972 for 97.2%, 元 typed for 万元),
    selected by kind, unit or ids; `factor` makes the suggestion (是否应填 97.2？)."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    code: Literal["pct_fraction", "wan_yuan_large", "yuan_small"]  # finding code (message in findings)
    kind: Kind | None = None
    unit: str | None = None
    ids: tuple[str, ...] = ()
    above: float  # implausible when above < value
    at_most: float | None = None  # … and value <= at_most (no upper end when absent)
    factor: float

    def selects(self, ind: Indicator) -> bool:
        return (
            (self.kind is None or ind.kind == self.kind)
            and (self.unit is None or ind.unit == self.unit)
            and (not self.ids or ind.id in self.ids)
        )

    def implausible(self, value: float) -> bool:
        return self.above < value and (self.at_most is None or value <= self.at_most)


class Remarks(BaseModel):
    """A free-text column of an indicator sheet: `header` is its header text (found by text, like
    every column), `hint` the note the template prints for the rows that take one (`remark = true`)."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    header: str = Field(min_length=1)
    hint: str = ""


class Table(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    id: str
    title: str
    sheet: str
    sample: bool = False  # a survey sheet: current year only, with a 样本数 column
    remarks: Remarks | None = None  # a 备注 column for the rows with `remark = true`
    indicators: tuple[Indicator, ...]

    @model_validator(mode="after")
    def _remarks(self) -> Table:
        takers = [i.id for i in self.indicators if i.remark]
        if takers and self.remarks is None:
            raise ValueError(f"{self.id}: {takers[0]} 有 remark = true，但本表没有 remarks（备注列）")
        if self.remarks is not None and not takers:
            raise ValueError(f"{self.id}: 有 remarks（备注列），但没有 remark = true 的指标")
        if self.remarks is not None and self.sample:
            raise ValueError(f"{self.id}: 满意度表（sample = true）不设备注列")
        return self


class Catalog(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    year: int
    previous_year: int
    table: tuple[Table, ...]
    plausible: tuple[Plausible, ...] = ()

    @model_validator(mode="before")
    @classmethod
    def _stamp_tables(cls, data: dict[str, Any]) -> dict[str, Any]:
        for t in data.get("table", []):
            for ind in t.get("indicators", []):
                if isinstance(ind, dict):
                    ind.setdefault("table", t.get("id", ""))
                    ind.setdefault("sheet", t.get("sheet", ""))
        return data

    @model_validator(mode="after")
    def _references(self) -> Catalog:
        ids = [i.id for t in self.table for i in t.indicators]
        dup = {i for i in ids if ids.count(i) > 1}
        if dup:
            raise ValueError(f"指标代码重复：{', '.join(sorted(dup))}")
        for check in self.plausible:
            for ref in check.ids:
                if ref not in ids:
                    raise ValueError(f"plausible {check.code} 引用了不存在的指标 {ref}{_suggest(ref, ids)}")
        known = set(ids) | {"sample"}
        for ind in self.indicators:
            refs = list(ind.sum_of) + ([ind.le] if ind.le else [])
            refs += formula.operands(ind.formula) if ind.formula else []
            rule, arg = ind.city_rule
            refs += [arg] if rule == "wmean" and arg else []
            for ref in refs:
                if ref not in known:
                    raise ValueError(f"{ind.id} 引用了不存在的指标 {ref}{_suggest(ref, ids)}")
        return self

    @cached_property
    def indicators(self) -> tuple[Indicator, ...]:
        return tuple(i for t in self.table for i in t.indicators)

    @cached_property
    def by_id(self) -> dict[str, Indicator]:
        return {i.id: i for i in self.indicators}

    @cached_property
    def qualified_names(self) -> dict[str, str]:
        """Names that stand alone in a message: a name shared by several rows (国家级数量) is given
        its row group, e.g. 专业教学资源库数（国家级数量）."""
        counts: dict[str, int] = {}
        for ind in self.indicators:
            counts[ind.name] = counts.get(ind.name, 0) + 1
        out: dict[str, str] = {}
        for table in self.table:
            head: Indicator | None = None
            for ind in table.indicators:
                if ind.seq is not None:
                    head = ind
                unique = counts[ind.name] == 1 or head is None or head is ind
                out[ind.id] = ind.name if unique else f"{head.name}（{ind.name}）"  # type: ignore[union-attr]
        return out

    def __getitem__(self, key: str) -> Indicator:
        return self.by_id[key]

    @cached_property
    def remark_ids(self) -> tuple[str, ...]:
        """Indicators whose row takes a 备注 (a school's text, carried beside its values)."""
        return tuple(i.id for i in self.indicators if i.remark)

    @cached_property
    def remarks(self) -> dict[str, Remarks]:
        """Table id -> its 备注 column, for the tables that have one."""
        return {t.id: t.remarks for t in self.table if t.remarks is not None}

    @cached_property
    def typed(self) -> tuple[Indicator, ...]:
        return tuple(i for i in self.indicators if i.typed)

    @cached_property
    def derived(self) -> tuple[Indicator, ...]:
        return tuple(i for i in self.indicators if not i.typed)

    @property
    def sheets(self) -> tuple[str, ...]:
        return tuple(t.sheet for t in self.table)

    def get_table(self, table_id: str) -> Table:
        for t in self.table:
            if t.id == table_id:
                return t
        raise KeyError(table_id)

    def column_names(self) -> tuple[str, str]:
        """Headers of the previous- and current-year value columns: ('2023年', '2024年')."""
        return f"{self.previous_year}年", f"{self.year}年"


def _suggest(word: str, choices: list[str]) -> str:
    import difflib  # only for a suggestion; not worth its import on every start

    near = difflib.get_close_matches(word, choices, n=1)
    return f"（是否为 {near[0]}？）" if near else ""


def available_years() -> list[int]:
    return sorted(int(p.stem) for p in CATALOGS.glob("*.toml") if p.stem.isdigit())


def parse_catalog(text: str, source: str = "catalog") -> Catalog:
    try:
        return Catalog.model_validate(tomllib.loads(text))
    except tomllib.TOMLDecodeError as exc:
        raise CatalogError(f"指标目录 {source} {toml_problem(exc)}。") from None
    except ValidationError as exc:
        raise CatalogError(f"指标目录 {source} 有误：\n{_explain(exc)}") from None


def _explain(exc: ValidationError) -> str:
    fields = [*Indicator.model_fields, *Table.model_fields, *Catalog.model_fields, *Plausible.model_fields,
              *Remarks.model_fields]  # fmt: skip
    lines = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"])
        if err["type"] == "extra_forbidden":
            key = str(err["loc"][-1])
            lines.append(f"- {where}: 不认识的键“{key}”{_suggest(key, fields)}")
        else:
            lines.append(f"- {where}: {value_problem(err)}")
    return "\n".join(lines)


@cache
def load_catalog(year: int = 2024) -> Catalog:
    years = available_years()
    if year not in years:
        raise UnknownYear(
            f"没有 {year} 年的指标目录。可用年度：{'、'.join(map(str, years))}。请用 --year 指定其中之一。"
        )
    text = (CATALOGS / f"{year}.toml").read_text(encoding="utf-8")
    return parse_catalog(text, f"{year}.toml")
