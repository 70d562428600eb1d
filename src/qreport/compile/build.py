"""Compile a city: read every workbook in a folder, validate, check the set of schools, aggregate.

`build()` computes and returns a `BuildResult`; writing files (dataset, tables, report) is done by the
caller (the CLI, or a bureau's own script) with the writers of qreport.compile.dataset, qreport.compile.summary and
qreport.report.
"""

from __future__ import annotations

import gc
import os
import signal
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from qreport.atomic import HELD, signals_held
from qreport.catalog.config import CONFIG_NAME, Config, find_config
from qreport.catalog.indicators import Catalog, load_catalog
from qreport.catalog.outline import Outline, load_outline
from qreport.catalog.regions import SCHOOL, whole_of
from qreport.check import majors
from qreport.check.validate import FileResult, validate_file
from qreport.compile.aggregate import aggregate, city_majors, city_samples, derive, units_of
from qreport.compile.coverage import coverage_findings
from qreport.compile.dataset import read_dataset
from qreport.errors import InputError
from qreport.findings import Finding, finding
from qreport.model import Dataset, Provenance, Region, School, StoredDataset, YearValue
from qreport.textgate import file_label
from qreport.workbook.cells import display
from qreport.workbook.folder import Skipped, discover, legacy_file_of
from qreport.workbook.packed import Values, value_of

PARALLEL_FROM = 24  # below this, worker start-up costs more than it saves

Progress = Callable[[int, int, str], None]
J = TypeVar("J")
R = TypeVar("R")


@dataclass
class BuildResult:
    dataset: Dataset
    config: Config
    catalog: Catalog
    outline: Outline
    files: list[FileResult] = field(default_factory=list)  # the school workbooks read
    skipped: list[Skipped] = field(default_factory=list)  # files of the folder that are not
    sources: list[tuple[str, Path]] = field(default_factory=list)  # datasets read: (上年数据集, path)
    school: bool = False  # one school's own report (qreport build 学校.xlsx), not a region's

    @property
    def findings(self) -> list[Finding]:
        return self.dataset.findings

    @property
    def has_errors(self) -> bool:
        return any(f.is_error for f in self.findings)


Job = tuple[Path, str, int, Path | None, bool]  # path, label, year, outline, draft


def _read_one(args: Job) -> FileResult:
    """Validate one workbook, derive its rates and pack them, in a worker: the parent receives a few
    kilobytes per school (cell references are packed by the reader), never the workbook."""
    path, label, year, outline_path, draft = args
    catalog = load_catalog(year)
    result = validate_file(path, catalog, load_outline(outline_path), label=label, in_folder=True)
    school = result.school
    if school is not None:
        values = _without_failed(school) if draft else school.values
        school.values = Values(derive(values, catalog))
    return result


def _without_failed(school: School) -> dict[str, YearValue]:
    """--draft: a value with an error finding on its cell counts as missing (its rates are made again)."""
    bad = {(f.sheet, f.cell) for f in school.findings if f.is_error and f.cell}
    values = {k: YearValue(v.previous, v.current) for k, v in school.values.items()}
    for ind_id, cells in school.cells.items():
        for which in ("previous", "current"):
            sheet, _, cell = cells.get(which, "!").rpartition("!")
            if (sheet, cell) in bad:
                setattr(values[ind_id], which, None)
    return values


def _leave_ctrl_c_to_the_parent() -> None:
    # A terminal sends Ctrl-C to every process of the group. A worker that died of it would leave
    # the pool broken and the parent waiting on it; the parent alone stops the build.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # the CLI's handler unwinds the parent, not a worker
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, HELD)  # forked while the parent held them


def pool_map(fn: Callable[[J], R], jobs: Sequence[J], workers: int, chunksize: int = 1) -> Iterator[R]:
    """`fn` over `jobs` in `workers` forked processes, results in job order. Ctrl-C stops the parent
    alone; on it (or any error) the queued jobs are dropped, the running ones finish."""
    # imported here, as in the helpers below: `import qreport` (and `qreport validate`) starts no pool
    from concurrent.futures import ProcessPoolExecutor

    pool = ProcessPoolExecutor(max_workers=workers, initializer=_leave_ctrl_c_to_the_parent)
    gc.freeze()  # the parent's objects are shared with the forked workers: their collections skip them
    try:
        with signals_held():  # the workers are forked here: none may die of Ctrl-C before ignoring it
            done = pool.map(fn, jobs, chunksize=chunksize)
        yield from done
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        gc.unfreeze()


def read_all(paths: Sequence[Path], folder: Path, catalog: Catalog, outline_path: Path | None,
             *, draft: bool = False, workers: int | None = None,
             progress: Progress | None = None) -> list[FileResult]:  # fmt: skip
    """Validate every workbook, in parallel when there are many; results in input order."""
    jobs = [(p, file_label(p.relative_to(folder)), catalog.year, outline_path, draft) for p in paths]
    workers = workers or os.cpu_count() or 1
    results: list[FileResult] = []

    def done(result: FileResult) -> None:
        results.append(result)
        if progress:
            progress(len(results), len(jobs), result.label)

    if workers > 1 and len(jobs) >= PARALLEL_FROM:
        while len(results) < len(jobs):
            if not _read_in_pool(jobs[len(results) :], workers, done):
                # A worker died (a workbook that crashed the reader, or ran out of memory): the first
                # unfinished workbook is read alone, so a crash is pinned on its file, then the rest.
                done(_read_alone(jobs[len(results)]))
    else:
        for job in jobs:
            done(_read_one(job))
    return results


def _read_in_pool(jobs: Sequence[Job], workers: int, done: Callable[[FileResult], None]) -> bool:
    """Read `jobs` in a pool, passing each result to `done` in order; False if the pool broke."""
    from concurrent.futures.process import BrokenProcessPool

    try:
        for result in pool_map(_read_one, jobs, workers, chunksize=8):
            done(result)
    except BrokenProcessPool:
        return False
    return True


def _read_alone(job: Job) -> FileResult:
    """One workbook in a process of its own: a crash becomes a finding naming the file."""
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    pool = ProcessPoolExecutor(max_workers=1, initializer=_leave_ctrl_c_to_the_parent)
    try:
        with signals_held():
            future = pool.submit(_read_one, job)
        return future.result()
    except BrokenProcessPool:
        path, label = job[0], job[1]
        crash = finding("read_crashed", label, detail="读取进程意外终止，可能是内存不足")
        return FileResult(path, None, [crash], label)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _identity_findings(
    schools: list[School], config: Config, draft: bool, skipped: Sequence[Skipped] = ()
) -> tuple[list[School], list[Finding]]:
    """Refuse two workbooks of one school; compare the set of schools with the configured one."""
    kept: list[School] = []
    out: list[Finding] = []
    by_name: dict[str, School] = {}
    by_code: dict[str, School] = {}
    for s in schools:
        twin = by_name.get(s.name) if s.name else None
        twin = twin or (by_code.get(s.code) if s.code else None)
        if twin is not None:
            key = "学校名称" if twin.name == s.name else "学校标识码"
            out.append(finding("duplicate_school", s.file, other=twin.file, key=key))
            continue
        kept.append(s)
        by_name.setdefault(s.name, s)
        by_code.setdefault(s.code, s)
    if config.schools:
        names = {s.name for s in kept}
        expected = {e.name for e in config.schools}
        for e in config.schools:
            if e.name not in names:
                legacy = legacy_file_of(e.name, e.short_name, skipped)
                f = (finding("school_only_legacy", legacy.file, school=e.name) if legacy
                     else finding("school_missing", "qreport.toml", school=e.name))  # fmt: skip
                out.append(f.model_copy(update={"severity": "warning"}) if draft else f)
        out += [finding("school_unexpected", s.file, school=s.name) for s in kept if s.name not in expected]
        order = {e.name: i for i, e in enumerate(config.schools)}
        kept.sort(key=lambda s: (order.get(s.name, len(order)), s.name))
        for s in kept:
            s.short_name = config.short_name_of(s.name) or s.short_name
    else:
        kept.sort(key=lambda s: (s.name, s.file))
    return kept, out


def _apply_previous(previous: StoredDataset, dataset: Dataset, catalog: Catalog) -> list[Finding]:
    """The previous-year city column from last year's dataset; typed previous values checked against it."""
    source = Path(previous.path).name
    for ind in catalog.indicators:
        dataset.city[ind.id].previous = value_of(previous.city, ind.id, "current")
        dataset.provenance[ind.id]["previous"] = _previous_provenance(
            previous.provenance.get(ind.id, {}).get("current"), source
        )
    out: list[Finding] = []
    by_name = {s.name: s.values for s in previous.schools}
    for school in dataset.schools:
        last = by_name.get(school.name)
        if last is None:
            continue
        for ind in catalog.typed:
            typed = school.values.get(ind.id, YearValue()).previous
            known = value_of(last, ind.id, "current")
            if typed is not None and known is not None and abs(typed - known) > 1e-6:
                ref = school.cells.get(ind.id, {}).get("previous", "!")
                sheet, _, cell = ref.rpartition("!")
                out.append(finding("previous_mismatch", school.file, sheet=sheet or None, cell=cell or None,
                                   indicator=ind.id, label=catalog.qualified_names[ind.id], typed=display(typed), dataset=display(known)))  # fmt: skip
    return out


def _previous_provenance(last: Provenance | None, source: str) -> Provenance:
    """Last year's city value keeps the coverage last year's dataset recorded for it."""
    rule = f"取自上年数据集 {source} 的本年值"
    if last is None:
        return Provenance(rule=rule)
    return Provenance(rule=rule, missing=list(last.missing), count=last.count, note=last.note)


def build(folder: Path | str, *, config: Config | None = None, config_path: Path | None = None,
          previous: Path | None = None, draft: bool = False, year: int | None = None,
          workers: int | None = None,
          progress: Progress | None = None) -> BuildResult:  # fmt: skip
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(f"找不到文件夹 {folder}。请指定存放各校工作簿的文件夹。")
    config = config or find_config(folder, config_path)
    catalog = load_catalog(year or config.year)
    outline_path = config.resolve(config.report.outline) if config.report.outline else None
    outline = load_outline(outline_path)
    prev_data = read_dataset(previous, year=catalog.previous_year) if previous else None
    paths, skipped, outside = discover(folder)
    read = read_all(paths, folder, catalog, outline_path, draft=draft, workers=workers, progress=progress)
    files = [r for r in read if r.skipped is None]
    skipped += [Skipped(r.label, r.skipped) for r in read if r.skipped is not None]
    skipped.sort(key=lambda s: s.file)
    if not files:
        raise InputError(f"文件夹 {folder} 中没有 .xlsx 工作簿" +
                         (f"（已跳过 {len(skipped)} 个其他文件）" if skipped else "") +
                         "。请把各校填好的工作簿放进该文件夹。")  # fmt: skip
    findings = [finding("file_outside", name) for name in outside]
    findings += [f for r in files for f in r.findings]
    schools, identity = _identity_findings([r.school for r in files if r.school], config, draft, skipped)
    findings += identity + _majors_findings(schools, config)
    values = {s.name: s.values for s in schools}  # inputs and derived, made by the workers
    units = units_of(schools, values)
    # the words follow the configured name only: schools' own 所在地区 may name a district (临河区)
    region = region_of(config, config.region.name or _common_region(schools), whole="全市", member=SCHOOL,
                       school_count=len(schools))  # fmt: skip
    findings += cover_findings(config, region.name)
    city, provenance = aggregate(units, catalog, region.whole)
    dataset = Dataset(
        year=catalog.year, region=region, schools=schools, school_values=values, city=city,
        provenance=provenance, city_majors=city_majors(units), city_samples=city_samples(units, catalog),
        draft=draft,
    )  # fmt: skip
    if prev_data is not None:
        findings += _apply_previous(prev_data, dataset, catalog)
    dataset.findings = findings + coverage_findings(dataset, catalog)
    for s in schools:
        s.cells = {}  # every check that needed cell references has run; a national build is large
    sources = [("上年数据集", previous)] if previous else []
    return BuildResult(dataset=dataset, config=config, catalog=catalog, outline=outline, files=files,
                       skipped=skipped, sources=sources)  # fmt: skip


def cover_findings(config: Config, region_name: str) -> list[Finding]:
    """A warning for each cover, statement or team detail the config leaves unfilled."""
    return [
        finding("cover_missing", CONFIG_NAME, what=what, where=where)
        for what, where in config.gaps(region_name)
    ]


def _majors_findings(schools: Sequence[School], config: Config) -> list[Finding]:
    """Majors across schools, and against the province's list when qreport.toml names one."""
    out = majors.name_conflicts(schools)
    if config.majors_list:
        path = config.resolve(config.majors_list)
        out += majors.against_list(schools, majors.load_majors_list(path), path.name)
    return out


def region_of(config: Config, name: str, *, whole: str, member: str, school_count: int) -> Region:
    """The compiled region: named as configured; its words as configured, else from the configured
    name, else `whole` and `member` (what a folder build or a roll-up makes of its data)."""
    return Region(
        name=name, code=config.region.code, short=config.region.short,
        whole=config.region.whole or whole_of(config.region.name, whole),
        member=config.region.member or member, school_count=school_count,
    )  # fmt: skip


def _common_region(schools: Sequence[School]) -> str:
    regions = sorted({s.region for s in schools if s.region})
    return regions[0] if len(regions) == 1 else ""
