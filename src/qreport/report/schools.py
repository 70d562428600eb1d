"""Schools' own reports: one school's (`qreport build 学校.xlsx`) and every school's of a city build
(`build DIR --school-reports OUTDIR`), written by the city report's writer with the school-level
outline, tables and texts of templates/school/.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from qreport.atomic import Staged
from qreport.catalog.config import Config
from qreport.catalog.resources import template_path
from qreport.compile.build import BuildResult, pool_map
from qreport.compile.school import own_result
from qreport.model import School
from qreport.report.document import ReportResult, write_report
from qreport.report.spec import ReportSpec, load_spec

PARALLEL_FROM = 4  # a school's report takes a fifth of a second: two cores pay off early
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')
_MAX_STEM = 80  # characters of a file name before its suffix


def school_spec(config: Config) -> ReportSpec:
    """The bureau's school-level tables and charts ([school_report] tables), else the shipped ones."""
    tables = config.school_report.tables
    return _spec(config.resolve(tables) if tables else template_path("school", "report.toml"))


@cache
def _spec(path: Path) -> ReportSpec:
    return load_spec(path)


def write_school_report(result: BuildResult, out: Path) -> ReportResult:
    """The report of the school of `result` (a `build_school` or `own_result`) to `out`."""
    return write_report(result.dataset, result.config, result.catalog, out, outline=result.outline,
                        spec=school_spec(result.config))  # fmt: skip


def report_stem(school: School, year: int) -> str:
    """The file name (without .docx) of a school's report: its short name, else its name."""
    return f"{safe_name(school.short_name or school.name or Path(school.file).stem)}{year}年中职质量年报"


def safe_name(text: str) -> str:
    """`text` as part of a file name on any system: no separators, reserved or control characters."""
    name = _UNSAFE.sub("_", unicodedata.normalize("NFC", text)).strip(" .")
    return name[:_MAX_STEM] or "学校"


def report_files(schools: Sequence[School], year: int) -> list[str]:
    """One distinct file name per school. Two schools of one short name take their full names; a
    name still shared (or equal but for case, as Windows sees it) gets the school's place (2), (3)."""
    stems = [report_stem(s, year) for s in schools]
    shared = Counter(s.casefold() for s in stems)
    stems = [
        report_stem(School(file=s.file, name=s.name), year) if shared[stem.casefold()] > 1 else stem
        for s, stem in zip(schools, stems, strict=True)
    ]
    seen: Counter[str] = Counter()
    names = []
    for stem in stems:
        seen[stem.casefold()] += 1
        names.append(
            f"{stem}（{seen[stem.casefold()]}）.docx" if seen[stem.casefold()] > 1 else f"{stem}.docx"
        )
    return names


# set in the parent before the workers are forked: they inherit it instead of receiving it pickled
_JOB: tuple[BuildResult, list[Path]] | None = None


def _write_one(index: int) -> list[str]:
    assert _JOB is not None
    result, targets = _JOB
    school = result.dataset.schools[index]
    own = own_result(school, result.config, result.catalog, draft=result.dataset.draft)
    return write_school_report(own, targets[index]).warnings


def school_report_paths(result: BuildResult, folder: Path) -> list[Path]:
    """Where each school's report of a city build goes: one distinct file per school in `folder`."""
    return [Path(folder) / name for name in report_files(result.dataset.schools, result.catalog.year)]


def write_school_reports(
    result: BuildResult, targets: list[Path], stage: Staged, *, workers: int | None = None
) -> None:
    """Every school's report to its target (`school_report_paths`), staged in `stage`: moved into
    place with the city's outputs, or not at all. In parallel across `workers` processes (default:
    every core). Pictures must already be resolved (cases' image_path), as for the city report."""
    global _JOB
    schools = result.dataset.schools
    for folder in dict.fromkeys(t.parent for t in targets):
        stage.folder(folder)
    staged = [stage.path(t) for t in targets]
    school_spec(result.config)  # parsed once, before the workers are forked
    workers = workers or os.cpu_count() or 1
    _JOB = (result, staged)
    try:
        jobs = range(len(schools))
        if workers > 1 and len(schools) >= PARALLEL_FROM:
            list(pool_map(_write_one, jobs, min(workers, len(schools))))
        else:
            for i in jobs:
                _write_one(i)
    finally:
        _JOB = None
