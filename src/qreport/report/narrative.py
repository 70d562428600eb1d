"""Section texts written by the bureau as Markdown files with Jinja2 placeholders.

`1.10.md` is the text of section 1.10, `preface.md` the 前言. A file in the bureau's narrative
folder replaces the shipped default of the same name (templates/narrative/); an empty file there
silences a default. Templates run in Jinja2's sandbox: they can read the figures, not the machine.

What a template sees (see templates/narrative/README.md):
    year, previous            2024, 2023
    region.name/short/code    内蒙古自治区巴彦淖尔市 / 巴彦淖尔市 / 150800
    compiler, school_count
    city.<id>                 .current .previous .label .name .unit; printed alone it is the current value
    schools                   list; each has .name .short_name and .<id> like city
    share(part, whole)        part / whole * 100, as a percentage
    ranked("<id>")            schools by their current value of <id>, largest first
    clauses((text, figure), ...)  the clauses whose figure has a value, joined (gaps leave theirs out)
Filters: num (catalog formatting), dec2 (two decimals), v (5本, 97.20%; 未填报 without a value),
yoy (较上年增长 4.5%), delta (增加 62人), change (较上年增加 62人); a change compares the same schools in
both years and says so, or says 与上年不可比. `{% if city.x %}` tests whether a figure has a value.
A value that is missing prints as `-`; a misspelt name prints as `-` too and is reported.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import BytecodeCache, ChainableUndefined, FileSystemLoader, TemplateNotFound, TemplateSyntaxError
from jinja2.bccache import Bucket
from jinja2.exceptions import SecurityError

from qreport.catalog.config import Config
from qreport.catalog.indicators import Catalog, Indicator
from qreport.catalog.regions import members
from qreport.compile.aggregate import comparable, units_of
from qreport.compile.coverage import SCHOOLS_SHOWN, listed
from qreport.errors import ConfigError, original
from qreport.exact import exact
from qreport.model import Dataset, School
from qreport.report.numformat import (
    NO_VALUE,
    fixed,
    format_value,
    indicator_value,
    one_decimal,
    percent_change,
)
from qreport.report.sandbox import LimitedSandbox, OverBudget
from qreport.textgate import controls_in, gate, is_clean

PREFACE = "preface"
NOT_FILLED = "未填报"
NOT_COMPARABLE = "与上年不可比"


class Missing(ChainableUndefined):
    """No value: prints `-`, absorbs arithmetic, compares false, so a gap never stops the report."""

    def __str__(self) -> str:
        return NO_VALUE

    def _same(self, *_: object) -> Missing:
        return self

    def _false(self, *_: object) -> bool:
        return False

    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = _same  # type: ignore[assignment]
    __truediv__ = __rtruediv__ = __floordiv__ = __rfloordiv__ = __mod__ = __rmod__ = _same  # type: ignore[assignment]
    __pow__ = __rpow__ = __neg__ = __pos__ = _same  # type: ignore[assignment]
    __lt__ = __le__ = __gt__ = __ge__ = _false  # type: ignore[assignment]

    def __round__(self, *_: object) -> Missing:
        return self


MISSING = Missing()


class Num(float):
    """A figure that prints the way the report prints it (kind `int` bare, others with two decimals)."""

    kind: str | None
    decimals: int | None

    def __new__(cls, value: float, kind: str | None = None, decimals: int | None = None) -> Num:
        obj = super().__new__(cls, value)
        obj.kind = kind
        obj.decimals = decimals  # as the catalog declares for the indicator
        return obj

    def __str__(self) -> str:
        return format_value(float(self), self.kind, self.decimals)

    def _op(self, other: object, op: Callable[[float, float], float]) -> Num | Missing:
        if isinstance(other, Missing):
            return other
        try:
            return Num(op(float(self), float(other)))  # type: ignore[arg-type]
        except ZeroDivisionError:
            return MISSING

    def __add__(self, o):  # type: ignore[no-untyped-def]
        return self._op(o, lambda a, b: a + b)

    def __radd__(self, o):  # type: ignore[no-untyped-def]
        return self._op(o, lambda a, b: b + a)

    def __sub__(self, o):  # type: ignore[no-untyped-def]
        return self._op(o, lambda a, b: a - b)

    def __rsub__(self, o):  # type: ignore[no-untyped-def]
        return self._op(o, lambda a, b: b - a)

    def __mul__(self, o):  # type: ignore[no-untyped-def]
        return self._op(o, lambda a, b: a * b)

    def __rmul__(self, o):  # type: ignore[no-untyped-def]
        return self._op(o, lambda a, b: b * a)

    def __truediv__(self, o):  # type: ignore[no-untyped-def]
        return self._op(o, lambda a, b: a / b)

    def __rtruediv__(self, o):  # type: ignore[no-untyped-def]
        return self._op(o, lambda a, b: b / a)


def num(value: float | None, kind: str | None = None, decimals: int | None = None) -> Num | Missing:
    return MISSING if value is None else Num(value, kind, decimals)


@dataclass(frozen=True)
class Figure:
    """One indicator of the city or of a school, both years. A city figure can also make both years
    over the same schools (`compare`), so a change is like for like."""

    indicator: Indicator
    current: Num | Missing
    previous: Num | Missing
    compare: Callable[[], tuple[float | None, float | None, list[str]]] | None = None

    def __bool__(self) -> bool:
        """`{% if city.x %}`: the figure has a current value."""
        return not isinstance(self.current, Missing)

    def years(self) -> tuple[float | None, float | None, list[str]]:
        """(previous, current, schools left out) to compare: the same schools in both years."""
        if self.compare is not None:
            return self.compare()
        return _plain(self.previous), _plain(self.current), []

    @property
    def label(self) -> str:
        return self.indicator.label

    @property
    def name(self) -> str:
        return self.indicator.name

    @property
    def unit(self) -> str:
        return self.indicator.unit

    def __str__(self) -> str:
        return str(self.current)


def _figure(ind: Indicator, values: Mapping[str, Any]) -> Figure:
    yv = values.get(ind.id)
    cur = None if yv is None else yv.current
    prev = None if yv is None else yv.previous
    return Figure(ind, num(cur, ind.kind, ind.decimals), num(prev, ind.kind, ind.decimals))


def _figures(values: Mapping[str, Any], catalog: Catalog) -> dict[str, Figure]:
    return {ind.id: _figure(ind, values) for ind in catalog.indicators}


class SchoolFigures(Mapping[str, Figure]):
    """A school's figures by indicator id, with its names as attributes. Made on access: a
    province's templates touch a few figures of each of thousands of schools."""

    def __init__(self, school: School, label: str, values: Mapping[str, Any], catalog: Catalog) -> None:
        self.name = school.name
        self.short_name = label
        self._values, self._catalog = values, catalog

    def __getitem__(self, key: str) -> Figure:
        return _figure(self._catalog.by_id[key], self._values)

    def __iter__(self) -> Iterator[str]:
        return iter(self._catalog.by_id)

    def __len__(self) -> int:
        return len(self._catalog.by_id)


# -- filters -------------------------------------------------------------------------------------


def _plain(value: object) -> float | None:
    if isinstance(value, Figure):
        value = value.current
    if value is None or isinstance(value, Missing):
        return None
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def f_num(value: object) -> str:
    if isinstance(value, Figure):
        return str(value.current)
    if isinstance(value, Num):
        return str(value)
    v = _plain(value)
    return NO_VALUE if v is None else format_value(v)


def f_dec2(value: object) -> str:
    v = _plain(value)
    return NO_VALUE if v is None else fixed(v)


def _over(left_out: list[str]) -> str:
    if not left_out:
        return ""
    return f"（按两年都有数据的学校比较，不含{listed(left_out, SCHOOLS_SHOWN, '所学校')}）"


def _two_years(value: object, previous: object = None) -> tuple[float | None, float | None, str]:
    if isinstance(value, Figure) and previous is None:
        before, current, left_out = value.years()
        return before, current, _over(left_out)
    return _plain(previous), _plain(value), ""


def f_yoy(value: object, previous: object = None) -> str:
    """较上年增长 4.5% / 较上年下降 3.2% / 与上年持平 / 与上年不可比 (a year missing). A city figure
    compares only the schools with both years and says which it leaves out."""
    before, current, over = _two_years(value, previous)
    change = percent_change(current, before)
    if change is None:
        return NOT_COMPARABLE
    text = one_decimal(abs(change))
    if text in ("0.0", "0"):
        return "与上年持平" + over
    return f"较上年{'增长' if change > 0 else '下降'}{text}%{over}"


def _difference(value: Figure, unit: str | None) -> tuple[str, str] | None:
    before, current, left_out = value.years()
    if current is None or before is None:
        return None
    diff = exact(current) - exact(before)
    shown = indicator_value(abs(diff), value.indicator)
    if not any(ch in "123456789" for ch in shown):
        return "持平", _over(left_out)
    return f"{'增加' if diff > 0 else '减少'}{shown}{value.unit if unit is None else unit}", _over(left_out)


def f_delta(value: object, unit: str | None = None) -> str:
    """增加62人 / 减少1070人 / 持平 / 不可比 (write 较上年{{ x | delta }}), from a city or school figure."""
    made = _difference(value, unit) if isinstance(value, Figure) else None
    return "不可比" if made is None else made[0] + made[1]


def f_change(value: object, unit: str | None = None) -> str:
    """较上年增加62人 / 与上年持平 / 与上年不可比: the whole phrase, for a sentence that needs no gap."""
    made = _difference(value, unit) if isinstance(value, Figure) else None
    if made is None:
        return NOT_COMPARABLE
    return ("与上年持平" if made[0] == "持平" else f"较上年{made[0]}") + made[1]


def f_v(value: object, unit: str | None = None) -> str:
    """A figure with its unit (5本, 97.20%, 9.42), or 未填报 when it has no value: never `-%`."""
    if isinstance(value, Figure):
        unit = value.unit if unit is None else unit
        value = value.current
    v = _plain(value)
    if v is None:
        return NOT_FILLED
    return f"{value if isinstance(value, Num) else format_value(v)}{unit or ''}"


def clauses(*pairs: object, sep: str = "，") -> str:
    """The clauses whose figure has a value, each its text and the figure with its unit, joined:
    `clauses(("在校生满意度为", city.sat_students), ("家长满意度为", city.sat_parents))`. A figure
    without a value leaves its clause out; nothing known gives an empty string."""
    out = []
    for pair in pairs:
        if not isinstance(pair, tuple | list) or len(pair) < 2:
            continue
        if isinstance(pair[1], str):  # a clause made before (by clauses itself): kept unless empty
            out += [f"{pair[0]}{pair[1]}"] if pair[1] else []
        elif _plain(pair[1]) is not None:
            out.append(f"{pair[0]}{f_v(pair[1], pair[2] if len(pair) > 2 else None)}")
    return sep.join(out)


# -- environment ---------------------------------------------------------------------------------


def _finalize(value: object) -> object:
    if value is None or isinstance(value, Missing):
        return NO_VALUE
    if isinstance(value, Figure | Num):
        return str(value)
    if isinstance(value, float):
        return format_value(value)
    return value


class _Compiled(BytecodeCache):
    """Narrative templates compiled once per process, whichever report renders them (a school's own
    report for each school of a city): keyed by file and checked against its source by Jinja."""

    def __init__(self) -> None:
        self.code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self.code:
            bucket.bytecode_from_string(self.code[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.code[bucket.key] = bucket.bytecode_to_string()


COMPILED = _Compiled()


class Narrative:
    """Renders section texts; `warnings` collects misspelt names and unused files."""

    def __init__(self, folders: list[Path], context: dict[str, Any]) -> None:
        self.folders = [f for f in folders if f.is_dir()]
        self.context = context
        self.warnings: list[str] = []
        self._current = ""
        warnings, current = self.warnings, self

        class Logged(Missing):
            def __init__(self, *args: Any, **kwargs: Any) -> None:
                super().__init__(*args, **kwargs)
                if self._undefined_name is not None:
                    warnings.append(
                        f"叙述文件 {current._current} 引用了不存在的数据项“{self._undefined_name}”，按“-”输出。"
                    )

        self.env = LimitedSandbox(
            loader=FileSystemLoader([str(f) for f in self.folders], encoding="utf-8"),
            bytecode_cache=COMPILED,
            undefined=Logged,
            finalize=_finalize,
            autoescape=False,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=False,
        )
        self.env.filters.update(num=f_num, dec2=f_dec2, yoy=f_yoy, delta=f_delta, change=f_change, v=f_v)

    def names(self) -> set[str]:
        """Stems of the narrative files available (bureau's and defaults)."""
        return {p.stem for folder in self.folders for p in folder.glob("*.md")}

    def bureau_names(self, bureau: Path) -> set[str]:
        return {p.stem for p in bureau.glob("*.md")} if bureau.is_dir() else set()

    def render(self, stem: str) -> str | None:
        """The rendered text of `<stem>.md`, or None when there is no such file."""
        name = f"{stem}.md"
        self._current = name
        try:
            template = self.env.get_template(name)
        except TemplateNotFound:
            return None
        except TemplateSyntaxError as exc:
            where = exc.filename or name
            raise ConfigError(
                f"叙述文件 {where} 第 {exc.lineno} 行模板语法有误{original(exc)}。"
                "请检查 {{ }} 与 {% %} 是否成对、名称是否拼写正确。"
            ) from None
        except UnicodeDecodeError:
            raise ConfigError(f"叙述文件 {name} 不是 UTF-8 编码的文本。请用 UTF-8 另存。") from None
        try:
            text = self.env.render(template, self.context)
        except OverBudget as exc:
            raise ConfigError(
                f"叙述文件 {template.filename or name}{_line_of(exc, template.filename)}超出限制（{exc}），"
                "已停止生成。请简化模板中的循环、重复或数字。"
            ) from None
        except SecurityError as exc:
            raise ConfigError(
                f"叙述文件 {template.filename or name}{_line_of(exc, template.filename)}使用了不允许的写法"
                f"（叙述文字只能引用数据，不能访问程序内部{original(exc)}）。请删除该处。"
            ) from None
        except Exception as exc:  # a template error of the bureau's, reported with its place
            raise ConfigError(
                f"叙述文件 {template.filename or name}{_line_of(exc, template.filename)}无法生成"
                f"（请检查引用的名称是否拼写正确{original(exc)}）。"
            ) from None
        text = text.lstrip("\ufeff")
        if not is_clean(text):
            chars = controls_in(text)
            if chars:
                self.warnings.append(f"叙述文件 {name} 含有控制字符（{chars}），已删除。")
            text = gate(text)
        return text


def _line_of(exc: BaseException, filename: str | None) -> str:
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if filename and frame.filename == filename:
            return f" 第 {frame.lineno} 行"
    return ""


def _city_figures(dataset: Dataset, catalog: Catalog, labels: dict[str, str]) -> dict[str, Figure]:
    """City figures, each able to compare its two years over the same schools."""
    units = units_of(dataset.schools, dataset.school_values)

    def compare(ind_id: str) -> Callable[[], tuple[float | None, float | None, list[str]]]:
        def made() -> tuple[float | None, float | None, list[str]]:
            c = comparable(units, ind_id, catalog)
            return c.previous, c.current, [labels.get(n, n) for n in c.left_out]

        return made

    plain = _figures(dataset.city, catalog)
    return {k: Figure(f.indicator, f.current, f.previous, compare(k)) for k, f in plain.items()}


def build_context(
    dataset: Dataset, config: Config, catalog: Catalog, labels: dict[str, str]
) -> dict[str, Any]:
    city = _city_figures(dataset, catalog, labels)
    schools = [
        SchoolFigures(s, labels[s.name], dataset.school_values.get(s.name, {}), catalog)
        for s in dataset.schools
    ]

    def share(part: object, whole: object) -> Num | Missing:
        a, b = _plain(part), _plain(whole)
        if a is None or b is None or b == 0:
            return MISSING
        return Num(a / b * 100, "pct")

    def ranked(indicator: str, which: str = "current") -> list[SchoolFigures]:
        valued = [s for s in schools if indicator in s and _plain(getattr(s[indicator], which)) is not None]
        return sorted(valued, key=lambda s: -(_plain(getattr(s[indicator], which)) or 0))

    region_name = config.region.name or dataset.region.name
    return {
        "year": dataset.year,
        "previous": catalog.previous_year,
        "region": {
            "name": region_name,
            "short": config.region.short or region_name,
            "code": config.region.code or dataset.region.code,
        },
        "compiler": config.report.compiler,
        "school_count": dataset.region.school_count or len(dataset.schools),
        "whole": dataset.region.whole,
        "member": dataset.region.member,
        "members": members(dataset.region.member),
        "city": city,
        "schools": schools,
        "share": share,
        "ranked": ranked,
        "clauses": clauses,
    }
