"""The report's chapter tables and charts as data (templates/report.toml), checked strictly on load.

Next year's change of a chapter table (a new column, another year, a new caption) is an edit of that
file, not of code. The file's own comments document its format.
"""

from __future__ import annotations

import difflib
import re
import string
import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from qreport.catalog.indicators import Catalog
from qreport.catalog.resources import template_path
from qreport.errors import ConfigError
from qreport.explain import toml_problem, value_problem

Year = Literal["previous", "current", "both"]
MajorField = Literal["code", "name", "year_set", "previous_classes", "new_classes", "students", "adjustment"]
NUMBER_FORMAT = re.compile(r"|General|0(\.0{1,4})?|#,##0(\.0{1,4})?")
PLACEHOLDERS = ("year", "previous", "years", "region", "school", "whole", "member", "members")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Item(_Strict):
    """One indicator in one year: a column (schools as rows) or a row (schools as columns).

    In a table with `kinds` (row groups) an item names one indicator per kind in `ids` (the
    学生 and the 教师 indicator of one column); `id` is then the first of them."""

    id: str = ""
    ids: tuple[str, ...] = ()
    year: Year = "current"
    label: str = ""  # default: the catalog label with its unit, e.g. 专业数量（个）
    group: str = ""  # a header over consecutive items with the same group

    @model_validator(mode="before")
    @classmethod
    def _first_of_ids(cls, data: object) -> object:
        if isinstance(data, dict) and data.get("ids") and not data.get("id"):
            return {**data, "id": data["ids"][0]}
        return data

    @model_validator(mode="after")
    def _one_way(self) -> Item:
        if not self.id:
            raise ValueError("须写 id（指标代码），分组表格写 ids（每个类别一个指标代码）")
        if self.ids and self.id != self.ids[0]:
            raise ValueError("id 与 ids 只写一个：分组表格（kinds）的列写 ids")
        return self

    @property
    def all_ids(self) -> tuple[str, ...]:
        return self.ids or (self.id,)


class MajorColumn(_Strict):
    field: MajorField
    label: str
    suffix: str = ""  # printed after the value, e.g. 年 after the year a major was set up


class TableSpec(_Strict):
    id: str
    section: str
    caption: str
    kind: Literal["indicators", "majors"] = "indicators"
    # "years": no school dimension, the items as rows and a column per year (a school's own report)
    schools: Literal["rows", "columns", "years"] = "rows"
    corner: str = ""  # the top-left header cell
    total: str = "合计"  # label of the city row (or column); "" leaves it out
    items: tuple[Item, ...] = ()
    columns: tuple[MajorColumn, ...] = ()  # kind = "majors"
    widths: tuple[float, ...] = ()  # relative column widths; empty = automatic
    font_size: float | None = None  # points; default: the configured table size
    # row groups (schools = "rows"): each school gets one row per kind, e.g. 学生 and 教师, its name
    # merged over them; every item then gives `ids`, one indicator per kind, in this order
    kinds: tuple[str, ...] = ()
    kind_header: str = "类别"  # header of the column naming the kind
    # header of a column with the schools' remarks (备注) on the items' indicators (catalog
    # `remark = true`); "" = no such column
    remarks: str = ""

    @model_validator(mode="after")
    def _row_groups(self) -> TableSpec:
        if (self.kinds or self.remarks) and (self.kind != "indicators" or self.schools != "rows"):
            raise ValueError('kinds 和 remarks 只用于 schools = "rows" 的指标表格')
        for item in self.items:
            if self.kinds and len(item.ids) != len(self.kinds):
                raise ValueError(
                    f"{item.id}：表格分 {len(self.kinds)} 类（{'、'.join(self.kinds)}），ids 须有 {len(self.kinds)} 个指标代码"
                )
            if not self.kinds and item.ids:
                raise ValueError(f"{item.id}：只有写了 kinds 的表格才用 ids")
        return self


class ChartSpec(_Strict):
    id: str
    section: str
    title: str
    type: Literal["bar", "pie"] = "bar"
    categories: Literal["schools", "items"] = "schools"
    items: tuple[Item, ...]
    series_label: str = "{year}年"  # categories = "items": the one series' name
    width_cm: float = Field(default=15, gt=0, le=15.6)  # the text is 15.6 cm wide
    height_cm: float = Field(default=8, gt=0, le=21)  # bars grow with the categories, up to 21
    # "" = the catalog's decimals of the items ("0" for whole numbers, "0.00" otherwise)
    number_format: str = ""
    orientation: Literal["auto", "columns", "bars"] = "auto"
    labels: Literal["auto", "values", "none"] = "auto"
    axis_min: float | None = None
    axis_max: float | None = None
    major_unit: float | None = Field(default=None, gt=0)

    @model_validator(mode="after")
    def _consistent(self) -> ChartSpec:
        if not NUMBER_FORMAT.fullmatch(self.number_format):
            raise ValueError(
                f"{self.id}: number_format = {self.number_format!r} 无法使用，"
                '可写 "0"（整数）、"0.00"（两位小数）、"#,##0"（千分位）或留空（按指标目录的小数位）'
            )
        if self.axis_min is not None and self.axis_max is not None and self.axis_max <= self.axis_min:
            raise ValueError(f"{self.id}: axis_max（{self.axis_max}）须大于 axis_min（{self.axis_min}）")
        return self


class ReportSpec(_Strict):
    # "region": a city's report (or a roll-up's) over its schools; "school": one school's own
    # report, whose texts are printed without the school's name before them and whose 表2 has the
    # school's single column, without a column for the whole region.
    level: Literal["region", "school"] = "region"
    # Above this many schools the report gives per-school tables and charts as a note pointing to
    # the tables workbook: a province's report cannot list a thousand schools side by side.
    max_schools: int = 60
    tables: tuple[TableSpec, ...] = Field(default=(), alias="table")
    charts: tuple[ChartSpec, ...] = Field(default=(), alias="chart")

    def check(self, catalog: Catalog, source: str) -> None:
        """Every indicator id must be in the catalog; ids must be unique."""
        problems: list[str] = []
        ids = [t.id for t in self.tables] + [c.id for c in self.charts]
        problems += [f"编号“{i}”重复" for i in sorted({i for i in ids if ids.count(i) > 1})]
        known = list(catalog.by_id)
        entries: list[TableSpec | ChartSpec] = [*self.tables, *self.charts]
        for entry in entries:
            for item in entry.items:
                if isinstance(entry, ChartSpec) and item.ids:
                    problems.append(f"{entry.id} 是图表，不用 ids（每项写一个 id）")
                for ref in item.all_ids:
                    if ref not in catalog.by_id:
                        near = difflib.get_close_matches(ref, known, n=1)
                        hint = f"，是否为 {near[0]}？" if near else ""
                        problems.append(f"{entry.id} 引用了不存在的指标 {ref}{hint}")
            if isinstance(entry, TableSpec) and entry.kind == "majors" and not entry.columns:
                problems.append(f"{entry.id} 是专业设置表，须列出 columns")
            if isinstance(entry, TableSpec) and entry.remarks:
                refs = [r for item in entry.items for r in item.all_ids if r in catalog.by_id]
                if not any(catalog[r].remark for r in refs):
                    problems.append(
                        f"{entry.id} 有备注列（remarks），但没有一个指标收备注（指标目录 remark = true）"
                    )
        if problems:
            raise ConfigError(f"报告表格定义 {source} 有误：\n" + "\n".join(f"- {p}" for p in problems))


def load_spec(path: Path | None = None) -> ReportSpec:
    """The report's tables and charts: `path`, else the shipped templates/report.toml."""
    source = path or template_path("report.toml")
    try:
        data = tomllib.loads(source.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"找不到报告表格定义文件 {source}。") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"报告表格定义文件 {source} {toml_problem(exc)}。") from None
    try:
        return ReportSpec.model_validate(data)
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            where = ".".join(str(p) for p in err["loc"])
            lines.append(f"- {where}：{value_problem(err)}")
        raise ConfigError(f"报告表格定义文件 {source} 有误：\n" + "\n".join(lines)) from None


def fill(text: str, **values: object) -> str:
    """`text` with {year}, {previous}, {years}, {region}, {school}, {whole}, {member}, {members} replaced;
    other braces are an error."""
    names = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    unknown = names - set(PLACEHOLDERS)
    if unknown:
        raise ConfigError(
            f"“{text}”中的 {{{sorted(unknown)[0]}}} 无法替换。可用："
            + "、".join(f"{{{p}}}" for p in PLACEHOLDERS)
        )
    return text.format(**{p: values.get(p, "") for p in PLACEHOLDERS})
