"""A school's own report: the school as a region of one school, whose figures are its own values.

`build_school` reads and checks one workbook (`qreport build 学校.xlsx`); `own_result` makes the
same view of one school of a city build (`build --school-reports`) without reading it again. Both
feed the city report's writer with the school-level outline, tables and texts (templates/school/).
"""

from __future__ import annotations

import re
from pathlib import Path

from qreport.catalog.config import Config, Report, TeamEntry, find_config
from qreport.catalog.config import Region as RegionConfig
from qreport.catalog.indicators import Catalog, load_catalog
from qreport.catalog.outline import Outline, load_outline
from qreport.catalog.regions import SCHOOL
from qreport.catalog.resources import template_path
from qreport.check.validate import FileResult
from qreport.compile.aggregate import Unit, city_majors, city_samples, majors_taught
from qreport.compile.build import BuildResult, _read_one
from qreport.errors import InputError
from qreport.model import Dataset, Provenance, Region, School, YearValue
from qreport.workbook import layout

OWN = "我校"  # the school as a whole, where a city report says 全市
_NAMES = re.compile(r"\s*[、，,;；]\s*")


def build_school(path: Path | str, *, config_path: Path | None = None, draft: bool = False) -> BuildResult:
    """Read and check one school workbook: the result of its own report (as `build` of a folder).

    A `qreport.toml` beside the workbook (or `config_path`) supplies fonts, the school's short name
    and the bureau's school-level texts; the cover comes from the workbook's 基本信息."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"找不到工作簿 {path}。请指定学校填好的 .xlsx 工作簿，或存放各校工作簿的文件夹。")
    config = find_config(path.parent, config_path)
    catalog = load_catalog(config.year)
    outline_path = config.resolve(config.report.outline) if config.report.outline else None
    read = _read_one((path, path.name, catalog.year, outline_path, draft))
    if read.school is None:  # not a workbook qreport can open: its finding says why
        raise InputError("；".join(f.message for f in read.findings))
    school = read.school
    school.short_name = config.short_name_of(school.name) or school.short_name
    return own_result(school, config, catalog, draft=draft, file=read)


def own_result(
    school: School, config: Config, catalog: Catalog, *, draft: bool, file: FileResult | None = None
) -> BuildResult:
    """The build result of `school`'s own report: a region of that one school."""
    dataset = own_dataset(school, catalog, draft=draft)
    files = (
        [file]
        if file is not None
        else [FileResult(Path(school.path or school.file), school, school.findings, school.file)]
    )
    return BuildResult(dataset=dataset, config=school_config(config, school), catalog=catalog,
                       outline=school_outline(config), files=files, school=True)  # fmt: skip


def own_dataset(school: School, catalog: Catalog, *, draft: bool) -> Dataset:
    """The school's values as the region's: every figure of the report is the school's own value
    (not re-aggregated: a satisfaction rate without its 样本数 is still the school's rate)."""
    values = {i.id: school.values.get(i.id, YearValue()) for i in catalog.indicators}
    own = {k: YearValue(v.previous, v.current) for k, v in values.items()}
    provenance = {
        i.id: {w: _provenance(school.name, own[i.id].get(w), i.formula) for w in ("previous", "current")}
        for i in catalog.indicators
    }
    unit = [Unit(school.name, values, school.samples, majors_taught(school.majors))]
    label = school.short_name or school.name
    region = Region(name=school.name, code=school.code, short=label, whole=OWN, member=SCHOOL, school_count=1)
    return Dataset(
        year=catalog.year, region=region, schools=[school], school_values={school.name: values}, city=own,
        provenance=provenance, city_majors=city_majors(unit), city_samples=city_samples(unit, catalog),
        findings=list(school.findings), draft=draft,
    )  # fmt: skip


def _provenance(name: str, value: float | None, formula: str | None) -> Provenance:
    rule = f"本校数据按公式计算：{formula}" if formula else "本校填报"
    return Provenance(rule=rule, schools=[name] if value is not None else [])


def school_config(base: Config, school: School) -> Config:
    """The bureau's settings (fonts, titles), with the school as region, compiler and team: the
    cover details a school fills in 基本信息 (a blank one becomes a placeholder in the report)."""
    info = {k: v.strip() for k, v in school.info.items()}
    cover = {
        row.cover: info.get(row.label, "") for row in layout.INFO_ROWS if row.cover and row.cover != "team"
    }
    # every role, as the city's config lists them: a blank one is a placeholder in the report
    team = [
        TeamEntry(role=r, members=_NAMES.split(info[r]) if info.get(r) else []) for r in layout.TEAM_ROLES
    ]
    date = cover.get("date", "")
    report: Report = base.report.model_copy(
        update={
            "compiler": school.name,
            "date": date,
            "statement_date": date,
            "representative": cover.get("representative", ""),
        }  # fmt: skip
    )
    region = RegionConfig(
        name=school.name, short=school.short_name, code=school.code, whole=OWN, member=SCHOOL
    )
    return base.model_copy(update={"region": region, "report": report, "team": team, "schools": []})


def school_outline(config: Config) -> Outline:
    """The bureau's school outline, else its city outline (the one schools number their texts
    by), else the shipped school outline."""
    chosen = config.school_report.outline or config.report.outline
    return load_outline(config.resolve(chosen) if chosen else template_path("school", "outline.toml"))
