"""The dataset JSON (contract): written by `build --dataset`, read back as `--previous` and for roll-ups.

Beyond the contract's keys it records what a statistician and a roll-up need: the rule text (口径) of
each indicator, the provenance of each city value, the respondents behind survey rates and the
distinct 专业代码 behind `majors`.
"""

from __future__ import annotations

import io
import json
import math
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, TextIO

from qreport.atomic import write_atomic
from qreport.budgets import MAX_CELL_CHARS
from qreport.catalog.indicators import Catalog
from qreport.catalog.regions import whole_of
from qreport.compile.jsonstream import EMPTY, JsonSyntaxError, object_members
from qreport.errors import InputError, original
from qreport.findings import Finding
from qreport.mark import DATASET_KEY, generator
from qreport.model import Dataset, Provenance, StoredDataset, StoredSchool, YearValue
from qreport.textgate import gate
from qreport.workbook.packed import Values, packed_values, value_of

FORMAT = "qreport-dataset/1"


def _num(v: float | None) -> float | int | None:
    """Unrounded, but an integral value is written as an integer (3173, not 3173.0)."""
    if v is None:
        return None
    return int(v) if float(v).is_integer() and abs(v) < 2**53 else v


def _year_values(values: Mapping[str, YearValue], catalog: Catalog) -> dict[str, dict[str, Any]]:
    return {
        i.id: {
            "previous": _num(value_of(values, i.id, "previous")),
            "current": _num(value_of(values, i.id, "current")),
        }
        for i in catalog.indicators
    }


class _Lazy:
    """Items made one at a time as the writer walks them: a national dataset never exists whole in
    memory. Only iteration and length: it is not a list."""

    def __init__(self, count: int, make: Callable[[int], Any]) -> None:
        self._count, self._make = count, make

    def __iter__(self) -> Iterator[Any]:
        return (self._make(i) for i in range(self._count))

    def __len__(self) -> int:
        return self._count

    def __bool__(self) -> bool:
        return self._count > 0


def _school(dataset: Dataset, catalog: Catalog, index: int) -> dict[str, Any]:
    from qreport.compile.aggregate import majors_taught

    s = dataset.schools[index]
    taught = majors_taught(s.majors)
    return {
        "name": s.name, "short_name": s.short_name, "file": s.file, "code": s.code,
        "values": _year_values(dataset.school_values.get(s.name, {}), catalog),
        "samples": {k: v for k, v in sorted(s.samples.items())},
        "majors": {w: None if c is None else sorted(c) for w, c in taught.items()},
        "remarks": dict(s.remarks),
    }  # fmt: skip


def _document(dataset: Dataset, catalog: Catalog, schools: list[Any] | _Lazy) -> dict[str, Any]:
    from qreport.compile.aggregate import rule_text

    return {
        "format": FORMAT,
        DATASET_KEY: generator(),  # qreport's mark
        "year": dataset.year,
        "region": {"name": dataset.region.name, "code": dataset.region.code},
        "draft": dataset.draft,
        # for a roll-up above this one: how many schools this region holds, and what its report calls
        # the region as a whole and the units it lists
        "school_count": dataset.region.school_count,
        "wording": {
            "short": dataset.region.short or dataset.region.name,
            "whole": dataset.region.whole,
            "member": dataset.region.member,
        },
        "schools": schools,
        "city": _year_values(dataset.city, catalog),
        "city_samples": dataset.city_samples,
        "city_majors": dataset.city_majors,
        "indicators": {
            i.id: {
                "label": i.label,
                "unit": i.unit,
                "kind": i.kind,
                "table": i.table,
                "city": i.city,
                "rule": rule_text(i, catalog, dataset.region.whole),  # current year
            }
            for i in catalog.indicators
        },  # fmt: skip
        "provenance": {k: {w: _provenance(p) for w, p in v.items()} for k, v in dataset.provenance.items()},
        "findings": _Lazy(len(dataset.findings), lambda i: dataset.findings[i].model_dump()),
    }


def _provenance(p: Provenance) -> dict[str, Any]:
    """How many schools a city value covers and which it leaves out: the covered ones are all the
    others, so a national dataset does not repeat seven thousand names for every indicator. `parts`
    are what a roll-up needs to apply a ratio or a mean again like for like."""
    out: dict[str, Any] = {"rule": p.rule, "schools_count": p.covered, "missing": p.missing, "note": p.note}
    if p.parts:
        out["parts"] = {k: _num(v) for k, v in p.parts.items()}
    return out


def to_json(dataset: Dataset, catalog: Catalog) -> dict[str, Any]:
    """The dataset as plain JSON data (whole, in memory: for tests and library users)."""
    schools = [_school(dataset, catalog, i) for i in range(len(dataset.schools))]
    data = _document(dataset, catalog, schools)
    data["findings"] = list(data["findings"])
    return data


_PER_LINE = ("schools", "findings", "city", "indicators", "provenance")


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)  # no indent: the C encoder


def _write_to(out: TextIO, dataset: Dataset, catalog: Catalog) -> None:
    """One key per line, and each school, finding or indicator on a line of its own: readable, easy
    to diff, and written by the C encoder one item at a time, never the whole dataset at once."""
    lazy = _Lazy(len(dataset.schools), lambda i: _school(dataset, catalog, i))
    items = list(_document(dataset, catalog, lazy).items())
    out.write("{\n")
    for k, (key, value) in enumerate(items):
        out.write(f" {_compact(key)}: ")
        if key in _PER_LINE and isinstance(value, list | _Lazy):
            out.write("[" + ("\n" if value else ""))
            for n, item in enumerate(value):
                out.write("  " + _compact(item) + (",\n" if n < len(value) - 1 else "\n "))
            out.write("]")
        elif key in _PER_LINE:
            out.write("{" + ("\n" if value else ""))
            for n, (sub, item) in enumerate(value.items()):
                out.write(f"  {_compact(sub)}: {_compact(item)}" + (",\n" if n < len(value) - 1 else "\n "))
            out.write("}")
        else:
            out.write(_compact(value))
        out.write(",\n" if k < len(items) - 1 else "\n")
    out.write("}\n")


def dumps(dataset: Dataset, catalog: Catalog) -> str:
    buffer = io.StringIO()
    _write_to(buffer, dataset, catalog)
    return buffer.getvalue()


def write_dataset(dataset: Dataset, catalog: Catalog, path: Path) -> None:
    """Write the dataset file whole or not at all, streamed (same bytes as `dumps`)."""

    def write(tmp: Path) -> None:
        with tmp.open("w", encoding="utf-8") as fh:
            _write_to(fh, dataset, catalog)

    write_atomic(path, write)


# -- reading -----------------------------------------------------------------------------------------

MAX_ABS_VALUE = 1e15  # beyond any count or amount of a province: a typo or a hostile file
MAX_SCHOOLS = 100_000  # the whole country has about 7,000 secondary vocational schools
YEARS = ("previous", "current")
_PLAIN = (int, float)
_STREAMED = frozenset({"schools", "findings"})


class _Bad(Exception):
    """A field of the dataset that is not as written by qreport: `field` is its path (schools[3].name)."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(field, problem)
        self.field, self.problem = field, problem


def _shown(value: object) -> str:
    """A value quoted in a message: short, and in ASCII escapes so no control character reaches a terminal."""
    try:
        text = json.dumps(value, ensure_ascii=True)
    except (TypeError, ValueError):  # not JSON data, or an int of more than 4,300 digits
        text = type(value).__name__
    return text if len(text) <= 40 else text[:37] + "..."


def _object(value: object, field: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise _Bad(field, f"应为对象 {{…}}（现为 {_shown(value)}）")
    return value


def _text(value: object, field: str, *, optional: bool = False) -> str:
    if value is None and optional:
        return ""
    if not isinstance(value, str):
        raise _Bad(field, f"应为文本（现为 {_shown(value)}）")
    return gate(value)  # the text gate: no control character or lone surrogate reaches a report


def _number(value: object, field: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _Bad(field, f"应为数字或 null（现为 {_shown(value)}）")
    if isinstance(value, float) and not math.isfinite(value):
        raise _Bad(field, "不是有限的数（NaN 或无穷大）")
    if abs(value) > MAX_ABS_VALUE:  # an int of 400 digits too: compared exactly, never made a float
        raise _Bad(field, f"数值过大（{_shown(value)}），超出任何指标的合理范围")
    return float(value)


def _count(value: object, field: str, *, most: int | None = None) -> int:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _Bad(field, f"应为非负整数（现为 {_shown(value)}）")
    if most is not None and value > most:
        raise _Bad(field, f"为 {value}，超出合理范围（至多 {most}）")
    return value


def _stored_values(value: object, field: str) -> Values:
    """An `{id: {"previous": n, "current": n}}` mapping, packed. A national dataset holds two million
    of these numbers: the usual ones are taken without a call per number."""
    keys: list[str] = []
    data = array("d")
    nan, most = math.nan, MAX_ABS_VALUE
    for key, pair in _object(value, field).items():
        if type(pair) is dict:
            p, c = pair.get("previous"), pair.get("current")
            # NaN, infinities and huge numbers fail the range test; bool is not int here
            if (p is None or (type(p) in _PLAIN and -most <= p <= most)) and (
                c is None or (type(c) in _PLAIN and -most <= c <= most)
            ):
                keys.append(key)
                data.append(nan if p is None else p)
                data.append(nan if c is None else c)
                continue
        at = f"{field}.{key}"
        pair = _object(pair, at)
        p, c = (_number(pair.get(which), f"{at}.{which}") for which in YEARS)
        keys.append(key)
        data.append(nan if p is None else p)
        data.append(nan if c is None else c)
    return packed_values(tuple(keys), data)


def _samples(value: object, field: str) -> dict[str, int | None]:
    return {
        key: None if n is None else _count(n, f"{field}.{key}") for key, n in _object(value, field).items()
    }


def _majors(value: object, field: str) -> dict[str, frozenset[str] | None]:
    data = _object(value, field)
    out: dict[str, frozenset[str] | None] = {}
    for which in YEARS:
        codes = data.get(which)
        if codes is not None and not isinstance(codes, list):
            raise _Bad(f"{field}.{which}", f"应为专业代码的列表或 null（现为 {_shown(codes)}）")
        out[which] = None if codes is None else frozenset(
            _text(c, f"{field}.{which}[{n}]") for n, c in enumerate(codes)
        )  # fmt: skip
    return out


def _remarks(value: object, field: str) -> dict[str, str]:
    """`{id: text}`: a school's 备注 (optional; a dataset written before remarks has none)."""
    out: dict[str, str] = {}
    for key, text in _object(value, field).items():
        text = _text(text, f"{field}.{key}")
        if len(text) > MAX_CELL_CHARS:
            raise _Bad(f"{field}.{key}", f"有 {len(text)} 个字符，超过 {MAX_CELL_CHARS} 个")
        if text.strip():
            out[key] = text
    return out


def _stored_school(value: object, field: str) -> StoredSchool:
    data = _object(value, field)
    name = _text(data.get("name"), f"{field}.name")
    at = f"{field}（{name}）" if name else field
    return StoredSchool(
        name=name,
        short_name=_text(data.get("short_name"), f"{at}.short_name", optional=True) or name,
        file=_text(data.get("file"), f"{at}.file", optional=True),
        code=_text(data.get("code"), f"{at}.code", optional=True),
        values=_stored_values(data.get("values", {}), f"{at}.values"),
        samples=_samples(data.get("samples", {}), f"{at}.samples"),
        majors=_majors(data.get("majors", {}), f"{at}.majors"),
        remarks=_remarks(data.get("remarks", {}), f"{at}.remarks"),
    )


def _stored_provenance(value: object, field: str) -> dict[str, dict[str, Provenance]]:
    out: dict[str, dict[str, Provenance]] = {}
    for ind, years in _object(value, field).items():
        at = f"{field}.{ind}"
        out[ind] = {which: _one_provenance(p, f"{at}.{which}") for which, p in _object(years, at).items()}
    return out


def _one_provenance(value: object, field: str) -> Provenance:
    data = _object(value, field)
    count, missing = data.get("schools_count"), data.get("missing") or []
    if not isinstance(missing, list):
        raise _Bad(f"{field}.missing", f"应为学校名称的列表（现为 {_shown(missing)}）")
    parts = {
        k: _number(v, f"{field}.parts.{k}")
        for k, v in _object(data.get("parts", {}), f"{field}.parts").items()
    }
    return Provenance(
        rule=_text(data.get("rule"), f"{field}.rule", optional=True),
        count=None if count is None else _count(count, f"{field}.schools_count", most=MAX_SCHOOLS),
        missing=[_text(n, f"{field}.missing[{i}]") for i, n in enumerate(missing)],
        note=_text(data.get("note"), f"{field}.note", optional=True),
        parts={k: v for k, v in parts.items() if v is not None},
    )


def _finding(value: object, field: str) -> Finding:
    data = _object(value, field)
    severity = data.get("severity")
    if severity not in ("error", "warning"):
        raise _Bad(f"{field}.severity", f'应为 "error" 或 "warning"（现为 {_shown(severity)}）')

    def text(key: str) -> str:
        return _text(data.get(key), f"{field}.{key}")

    def optional(key: str) -> str | None:
        return _text(data.get(key), f"{field}.{key}", optional=True) or None

    return Finding(file=text("file"), sheet=optional("sheet"), cell=optional("cell"),
                   indicator=optional("indicator"), severity=severity, code=text("code"),
                   message=text("message"))  # fmt: skip


def _items(value: object, field: str) -> Iterable[Any]:
    """The items of an array member, streamed (an iterator) or decoded (a list)."""
    if isinstance(value, Iterator):
        return value
    if not isinstance(value, list):
        raise _Bad(field, f"应为列表 […]（现为 {_shown(value)}）")
    return value


def _region(value: object) -> tuple[str, str]:
    data = _object(value, "region")
    return (
        _text(data.get("name"), "region.name", optional=True),
        _text(data.get("code"), "region.code", optional=True),
    )


def _stored(members: Iterable[tuple[str, Any]], source: str) -> StoredDataset:
    """The dataset from its top-level members, each checked as it comes."""
    found: dict[str, Any] = {}
    for key, value in members:
        if key == "schools":
            found[key] = tuple(_stored_school(s, f"schools[{n}]") for n, s in enumerate(_items(value, key)))
        elif key == "findings":
            found[key] = tuple(_finding(f, f"findings[{n}]") for n, f in enumerate(_items(value, key)))
        elif key in _MEMBERS:
            found[key] = _MEMBERS[key](value)
    missing = [k for k in ("year", "schools", "city") if k not in found]
    if missing:
        raise _Bad("、".join(missing), "缺失（qreport build --dataset 写出的文件都有这些字段）")
    schools: tuple[StoredSchool, ...] = found["schools"]
    region_name, region_code = found.get("region", ("", ""))
    wording = found.get("wording", {})
    return StoredDataset(
        path=source, year=found["year"], region_name=region_name, region_code=region_code,
        short=wording.get("short") or region_name, whole=wording.get("whole") or whole_of(region_name, ""),
        school_count=found.get("school_count", len(schools)), draft=found.get("draft", False),
        schools=schools, city=found["city"], city_samples=found.get("city_samples", {}),
        city_majors=found.get("city_majors", {"previous": None, "current": None}),
        provenance=found.get("provenance", {}), findings=found.get("findings", ()),
    )  # fmt: skip


def _format(value: object) -> str:
    if value != FORMAT:
        raise _Bad("format", f"为 {_shown(value)}，本程序只读 {FORMAT} 格式的数据集")
    return FORMAT


def _year(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1900 < value < 2200:
        raise _Bad("year", f"应为年度，如 2024（现为 {_shown(value)}）")
    return value


def _draft(value: object) -> bool:
    if not isinstance(value, bool):
        raise _Bad("draft", f"应为 true 或 false（现为 {_shown(value)}）")
    return value


def _wording(value: object) -> dict[str, str]:
    data = _object(value, "wording")
    return {k: _text(data.get(k), f"wording.{k}", optional=True) for k in ("short", "whole", "member")}


_MEMBERS: dict[str, Callable[[Any], Any]] = {
    "format": _format,
    "year": _year,
    "region": _region,
    "draft": _draft,
    "school_count": lambda v: _count(v, "school_count", most=MAX_SCHOOLS),
    "wording": _wording,
    "city": lambda v: _stored_values(v, "city"),
    "city_samples": lambda v: _samples(v, "city_samples"),
    "city_majors": lambda v: _majors(v, "city_majors"),
    "provenance": lambda v: _stored_provenance(v, "provenance"),
}


def _refusal(source: str, detail: str) -> InputError:
    return InputError(
        f"数据集文件 {source} 格式不对：{detail}。请使用 qreport build --dataset 生成的文件（不要手工修改）。"
    )


def _checked_year(stored: StoredDataset, year: int | None) -> StoredDataset:
    if year is not None and stored.year != year:
        raise InputError(
            f"数据集文件 {stored.path} 是 {stored.year} 年的，本次需要 {year} 年的数据集"
            f"（{year} 年 qreport build --dataset 的输出）。"
        )
    return stored


def parse_dataset(data: object, source: str = "数据集", *, year: int | None = None) -> StoredDataset:
    """A dataset already decoded from JSON (a dict), checked as `read_dataset` checks a file."""
    if not isinstance(data, dict):
        raise _refusal(source, f"应为 JSON 对象 {{…}}（现为 {_shown(data)}）")
    try:
        return _checked_year(_stored(data.items(), source), year)
    except _Bad as bad:
        raise _refusal(source, f"字段 {bad.field} {bad.problem}") from None


def read_dataset(path: Path | str, *, year: int | None = None) -> StoredDataset:
    """The dataset file at `path`, checked field by field as it is read (one school at a time: a
    national dataset is never decoded whole). `year`: the year the caller needs. Any problem is an
    InputError naming the file and the field."""
    path, source = Path(path), str(path)
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:  # -sig: a BOM from Notepad is fine
            stored = _stored(object_members(fh, _STREAMED), source)
    except FileNotFoundError:
        raise InputError(f"找不到数据集文件 {path}。") from None
    except IsADirectoryError:
        raise InputError(
            f"{path} 是文件夹，不是数据集文件。请指定 qreport build --dataset 写出的 .json 文件。"
        ) from None
    except PermissionError:
        raise InputError(f"没有读取数据集文件 {path} 的权限。") from None
    except UnicodeDecodeError:
        raise _refusal(source, "不是 UTF-8 编码的文本") from None
    except JsonSyntaxError as exc:
        detail = "文件是空的" if exc.detail == EMPTY else f"第 {exc.line} 行不是有效的 JSON{original(exc)}"
        raise _refusal(source, detail) from None
    except TypeError as exc:
        raise _refusal(source, f"应为 JSON 对象 {{…}}（现为 {exc}）") from None
    except ValueError as exc:  # a number of thousands of digits
        raise _refusal(source, f"含无法读取的数值{original(exc)}") from None
    except _Bad as bad:
        raise _refusal(source, f"字段 {bad.field} {bad.problem}") from None
    return _checked_year(stored, year)
