"""Compile a higher level (province, or a city from its 旗县) from lower-level datasets.

Each dataset stands in for one contributor: its city values, the respondents behind its survey rates
and the distinct 专业代码 it taught are exactly what the city rules need, so a province value is made
by the same rules as a city value, never by averaging city rates.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from qreport.catalog.config import find_config, load_config
from qreport.catalog.indicators import load_catalog
from qreport.catalog.outline import load_outline
from qreport.catalog.regions import member_of, whole_above, whole_of
from qreport.compile.aggregate import Lower, Unit, aggregate, city_majors, city_samples
from qreport.compile.build import BuildResult, region_of
from qreport.compile.coverage import coverage_findings
from qreport.compile.dataset import load_dataset, year_values
from qreport.errors import InputError
from qreport.findings import Finding
from qreport.model import Dataset, School


def _unit(data: dict[str, Any], source: Path) -> tuple[Unit, School]:
    region = data.get("region") or {}
    name = str(region.get("name") or source.stem)
    majors = data.get("city_majors") or {}
    unit = Unit(
        name=name,
        values=year_values(data.get("city")),
        samples={
            k: v for k, v in (data.get("city_samples") or {}).items() if isinstance(v, int) or v is None
        },
        majors={w: None if majors.get(w) is None else frozenset(majors[w]) for w in ("previous", "current")},
        lower=_lower(data.get("provenance")),
    )
    short = (data.get("wording") or {}).get("short")
    school = School(file=str(source), path=str(source), name=name, code=str(region.get("code") or ""),
                    short_name=short if isinstance(short, str) and short else name)  # fmt: skip
    return unit, school


def _lower(raw: object) -> dict[tuple[str, str], Lower]:
    """The coverage of each lower city value (schools counted and left out, like-for-like parts)."""
    out: dict[tuple[str, str], Lower] = {}
    for ind, years in (raw or {}).items() if isinstance(raw, dict) else ():
        for which, p in (years or {}).items() if isinstance(years, dict) else ():
            count = p.get("schools_count") if isinstance(p, dict) else None
            if not isinstance(count, int):
                continue
            missing = tuple(str(n) for n in p.get("missing") or () if isinstance(n, str))
            parts = p.get("parts")
            clean = (
                {k: float(v) for k, v in parts.items() if isinstance(v, int | float)}
                if isinstance(parts, dict)
                else {}
            )
            out[(ind, which)] = Lower(count, missing, clean)
    return out


def _school_count(data: dict[str, Any]) -> int:
    """Schools behind a lower dataset: its own count, or (written before counts were kept) its list."""
    count = data.get("school_count")
    return count if isinstance(count, int) else len(data.get("schools") or [])


def _whole(data: dict[str, Any]) -> str:
    """What a lower dataset calls its region (全市, 全盟): as written, or from the region's name."""
    whole = (data.get("wording") or {}).get("whole")
    return (
        whole
        if isinstance(whole, str) and whole
        else whole_of(str((data.get("region") or {}).get("name") or ""), "")
    )


def build_from_datasets(paths: Sequence[Path], *, config_path: Path | None = None) -> BuildResult:
    if not paths:
        raise InputError("请用 --from-datasets 指定至少一个下级数据集。")
    config = load_config(config_path) if config_path else find_config(Path("."), None)
    datasets = [(p, load_dataset(p)) for p in paths]
    years = {d["year"] for _p, d in datasets}
    if len(years) != 1:
        raise InputError("下级数据集的年度不一致：" + "、".join(f"{p.name}={d['year']}" for p, d in datasets))
    catalog = load_catalog(years.pop())
    units: list[Unit] = []
    schools: list[School] = []
    findings: list[Finding] = []
    for p, data in datasets:
        unit, school = _unit(data, p)
        if any(u.name == unit.name for u in units):
            raise InputError(f"{p} 与另一个数据集是同一地区（{unit.name}）。请只保留一个。")
        units.append(unit)
        schools.append(school)
        # a lower level's findings, named by where they came from: two cities may both have 职教中心.xlsx
        findings += [
            Finding.model_validate({**f, "file": f"{school.label}/{f.get('file') or ''}"})
            for f in data.get("findings", [])
            if isinstance(f, dict)
        ]
    wholes = [_whole(d) for _p, d in datasets]
    region = region_of(config, config.region.name, whole=whole_above(wholes), member=member_of(wholes),
                       school_count=sum(_school_count(d) for _p, d in datasets))  # fmt: skip
    city, provenance = aggregate(units, catalog, region.whole)
    dataset = Dataset(
        year=catalog.year, region=region, schools=schools,
        school_values={u.name: dict(u.values) for u in units}, city=city, provenance=provenance,
        city_majors=city_majors(units), city_samples=city_samples(units, catalog), findings=findings,
        draft=any(d.get("draft") for _p, d in datasets),
    )  # fmt: skip
    dataset.findings += coverage_findings(dataset, catalog)
    outline = load_outline(config.resolve(config.report.outline) if config.report.outline else None)
    return BuildResult(dataset=dataset, config=config, catalog=catalog, outline=outline)
