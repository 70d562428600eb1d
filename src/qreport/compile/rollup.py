"""Compile a higher level (province, or a city from its 旗县) from lower-level datasets.

Each dataset stands in for one contributor: its city values, the respondents behind its survey rates
and the distinct 专业代码 it taught are exactly what the city rules need, so a province value is made
by the same rules as a city value, never by averaging city rates.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from qreport.budgets import MAX_CELL_CHARS
from qreport.catalog.config import find_config, load_config
from qreport.catalog.indicators import available_years, load_catalog
from qreport.catalog.outline import load_outline
from qreport.catalog.regions import member_of, whole_above
from qreport.compile.aggregate import Lower, Unit, aggregate, city_majors, city_samples
from qreport.compile.build import BuildResult, cover_findings, region_of
from qreport.compile.coverage import coverage_findings
from qreport.compile.dataset import read_dataset
from qreport.errors import InputError
from qreport.findings import Finding
from qreport.model import Dataset, School, StoredDataset

_LOWER = "下级数据集"


def _unit(data: StoredDataset) -> tuple[Unit, School]:
    name = data.region_name or Path(data.path).stem
    unit = Unit(name=name, values=data.city, samples=dict(data.city_samples), majors=dict(data.city_majors),
                lower=_lower(data))  # fmt: skip
    school = School(file=data.path, path=data.path, name=name, code=data.region_code,
                    short_name=data.short or name, remarks=_remarks(data))  # fmt: skip
    return unit, school


def _remarks(data: StoredDataset) -> dict[str, str]:
    """A lower region's 备注 per indicator: each of its schools' remarks after the school's short
    name, one school a line (市体校：世界级……), in the dataset's school order. Kept within one cell's
    budget, so the roll-up's own dataset reads back: what does not fit is counted, not printed."""
    out: dict[str, list[str]] = {}
    for s in data.schools:
        for ind, text in s.remarks.items():
            out.setdefault(ind, []).append(f"{s.short_name or s.name}：{text}")
    return {ind: _joined(texts) for ind, texts in out.items()}


def _joined(texts: list[str]) -> str:
    room = MAX_CELL_CHARS - 40  # the closing note
    kept: list[str] = []
    for text in texts:
        if sum(len(t) + 1 for t in kept) + len(text) > room:
            return "\n".join(kept) + f"……（另有 {len(texts) - len(kept)} 条备注，见 {_LOWER}）"
        kept.append(text)
    return "\n".join(kept)


def _lower(data: StoredDataset) -> dict[tuple[str, str], Lower]:
    """The coverage of each lower city value (schools counted and left out, like-for-like parts)."""
    return {
        (ind, which): Lower(p.count, tuple(p.missing), dict(p.parts))
        for ind, years in data.provenance.items()
        for which, p in years.items()
        if p.count is not None
    }


def build_from_datasets(paths: Sequence[Path], *, config_path: Path | None = None) -> BuildResult:
    if not paths:
        raise InputError("请用 --from-datasets 指定至少一个下级数据集。")
    config = load_config(config_path) if config_path else find_config(Path("."), None)
    datasets = [read_dataset(p) for p in paths]
    years = {d.year for d in datasets}
    if len(years) != 1:
        raise InputError(
            "下级数据集的年度不一致：" + "、".join(f"{Path(d.path).name}={d.year}" for d in datasets)
        )
    year = years.pop()
    if year not in available_years():
        raise InputError(f"下级数据集是 {year} 年的，本程序没有该年度的指标目录"
                         f"（可用年度：{'、'.join(map(str, available_years()))}）。")  # fmt: skip
    catalog = load_catalog(year)
    units: list[Unit] = []
    schools: list[School] = []
    findings: list[Finding] = []
    for data in datasets:
        unit, school = _unit(data)
        if any(u.name == unit.name for u in units):
            raise InputError(f"{data.path} 与另一个数据集是同一地区（{unit.name}）。请只保留一个。")
        units.append(unit)
        schools.append(school)
        # a lower level's findings, named by where they came from: two cities may both have 职教中心.xlsx
        findings += [f.model_copy(update={"file": f"{school.label}/{f.file}"}) for f in data.findings]
    wholes = [d.whole for d in datasets]
    region = region_of(config, config.region.name, whole=whole_above(wholes), member=member_of(wholes),
                       school_count=sum(d.school_count for d in datasets))  # fmt: skip
    findings += cover_findings(config, region.name)
    city, provenance = aggregate(units, catalog, region.whole)
    dataset = Dataset(
        year=catalog.year, region=region, schools=schools,
        school_values={u.name: dict(u.values) for u in units}, city=city, provenance=provenance,
        city_majors=city_majors(units), city_samples=city_samples(units, catalog), findings=findings,
        draft=any(d.draft for d in datasets),
    )  # fmt: skip
    dataset.findings += coverage_findings(dataset, catalog)
    outline = load_outline(config.resolve(config.report.outline) if config.report.outline else None)
    return BuildResult(dataset=dataset, config=config, catalog=catalog, outline=outline,
                       sources=[(_LOWER, Path(p)) for p in paths])  # fmt: skip
