"""The dataset JSON (contract): written by `build --dataset`, read back as `--previous` and for roll-ups.

Beyond the contract's keys it records what a statistician and a roll-up need: the rule text (口径) of
each indicator, the provenance of each city value, the respondents behind survey rates and the
distinct 专业代码 behind `majors`.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, TextIO

from qreport import __version__
from qreport.atomic import write_atomic
from qreport.catalog.indicators import Catalog
from qreport.errors import InputError
from qreport.model import Dataset, Provenance, YearValue
from qreport.workbook.packed import value_of

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


class _Lazy(list):  # type: ignore[type-arg]
    """A list the JSON encoder walks item by item: a national dataset never exists whole in memory."""

    def __init__(self, count: int, make: Callable[[int], Any]) -> None:
        super().__init__()
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
    }  # fmt: skip


def _document(dataset: Dataset, catalog: Catalog, schools: list[Any]) -> dict[str, Any]:
    from qreport.compile.aggregate import rule_text

    return {
        "format": FORMAT,
        "generator": f"qreport {__version__}",
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
        if key in _PER_LINE and isinstance(value, list):
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


def load_dataset(path: Path) -> dict[str, Any]:
    """A dataset file as a dict, checked for the keys qreport relies on."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"找不到数据集文件 {path}。") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(
            f"数据集文件 {path} 不是有效的 JSON（{exc}）。请使用 qreport build --dataset 生成的文件。"
        ) from None
    if not isinstance(data, dict) or not {"year", "city", "schools"} <= data.keys():
        raise InputError(
            f"数据集文件 {path} 缺少 year、city 或 schools。请使用 qreport build --dataset 生成的文件。"
        )
    if not isinstance(data["year"], int):
        raise InputError(f"数据集文件 {path} 的 year 应为整数年度。")
    return data


def year_values(raw: dict[str, Any] | None) -> dict[str, YearValue]:
    """The `values`/`city` mapping of a dataset as YearValue objects (unknown shapes are skipped)."""
    out: dict[str, YearValue] = {}
    for key, v in (raw or {}).items():
        if isinstance(v, dict):
            out[key] = YearValue(previous=_float(v.get("previous")), current=_float(v.get("current")))
    return out


def _float(v: object) -> float | None:
    return float(v) if isinstance(v, int | float) and not isinstance(v, bool) else None
