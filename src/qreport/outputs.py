"""Write what a build produced: the Word report, the dataset file, the tables workbook, a PDF.

One function for the command line and for library users. Outputs are written all or none (staged,
then moved into place together), never over an input of the build, and with the schools' pictures.
The report stack (python-docx, Jinja2) is imported only when a report is written.
"""

from __future__ import annotations

import dataclasses
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from qreport.atomic import Staged
from qreport.clashes import Named, check_outputs, files_below
from qreport.compile.build import BuildResult
from qreport.errors import InputError
from qreport.model import Case, Dataset, School, TextBlock
from qreport.pictures import picture_beside, picture_problem, picture_suffix, read_picture
from qreport.workbook import layout


@dataclass(frozen=True)
class Written:
    """The files `write_outputs` wrote, in the order it names them, and notes on the report for the
    user (Chinese: what to check, which sections still hold 【待补充】)."""

    paths: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    school_reports: list[Path] = field(default_factory=list)  # of `paths`: the schools' own reports


def default_stem(result: BuildResult) -> str:
    """The report's file name without suffix: 巴彦淖尔市2024年中职质量年报, （草稿） for a draft."""
    region = result.config.region.short_name or result.dataset.region.name or result.dataset.region.whole
    draft = "（草稿）" if result.dataset.draft else ""
    return f"{region}{result.catalog.year}年中职质量年报{draft}"


def write_outputs(
    result: BuildResult,
    *,
    docx: Path | str | None = None,
    dataset: Path | str | None = None,
    tables: Path | str | None = None,
    pdf: Path | str | None = None,
    school_reports: Path | str | None = None,
    workers: int | None = None,
) -> Written:
    """Write the outputs asked for, all of them or none: the Word report (`docx`), the dataset file
    (`dataset`), the tables workbook (`tables`), the report as PDF (`pdf`, made with LibreOffice) and
    every school's own report into the folder `school_reports` (made in parallel on `workers`
    processes, default every core). The report of a `build_school` result is that school's own.

    The report carries the schools' pictures (texts and cases), as the command line's does; `result` is not
    changed. A build with errors is written only as a draft (`build(..., draft=True)`). An output
    that is an input of the build, or another output, is an InputError before anything is written.
    """
    if result.has_errors and not result.dataset.draft:
        raise InputError("有校验错误，不能写出报告和数据集。请先修改工作簿，或用 draft=True 编制草稿。")
    asked = [
        ("数据集", dataset), ("汇总表", tables), ("报告", docx), ("PDF", pdf),
    ]  # fmt: skip
    outputs: list[Named] = [(what, Path(p)) for what, p in asked if p is not None]
    schools: list[Path] = []
    if school_reports is not None:
        from qreport.report.schools import school_report_paths

        schools = school_report_paths(result, Path(school_reports))
        outputs += [("学校年报", p) for p in schools]
    check_outputs(outputs, build_inputs(result, schools=bool(schools)))
    paths = dict((what, p) for what, p in outputs)
    notes: list[str] = []
    with Staged() as stage:
        if "数据集" in paths:
            from qreport.compile.dataset import write_dataset

            write_dataset(result.dataset, result.catalog, stage.path(paths["数据集"]))
        if "汇总表" in paths:
            from qreport.compile.summary import write_tables

            write_tables(result.dataset, result.catalog, stage.path(paths["汇总表"]))
        if "报告" in paths or "PDF" in paths or schools:
            with tempfile.TemporaryDirectory(prefix="qreport-") as tmp:
                pictured = dataclasses.replace(result, dataset=with_pictures(result.dataset, Path(tmp)))
                if "报告" in paths or "PDF" in paths:
                    report = Path(tmp) / "report.docx" if "报告" not in paths else stage.path(paths["报告"])
                    notes = _write_report(pictured, report)
                if "PDF" in paths:
                    from qreport.report.continued import convert_with_continued_tables

                    # which official fonts this machine lacks, and what the PDF shows instead; a
                    # table running over a page is split there with 续表, in the PDF and the .docx
                    notes += convert_with_continued_tables(
                        report, stage.path(paths["PDF"]), shown=paths.get("报告", paths["PDF"])
                    )
                if schools:
                    from qreport.report.schools import write_school_reports

                    write_school_reports(pictured, schools, stage, workers=workers)
    return Written([p for _what, p in outputs], notes, schools)


def _write_report(result: BuildResult, out: Path) -> list[str]:
    """The report of `result` (its pictures resolved): a region's, or a school's own."""
    from qreport.report import write_report
    from qreport.report.schools import write_school_report

    if result.school:
        report = write_school_report(result, out)
    else:
        report = write_report(result.dataset, result.config, result.catalog, out, outline=result.outline)
    notes = list(report.warnings)
    sections = [p for p in report.placeholders if p not in report.details]  # details are findings
    if sections:
        notes.append(f"{len(sections)} 个章节还没有文字，已放入【待补充】占位：" + "、".join(sections))
    return notes


def build_inputs(result: BuildResult, *, schools: bool = False) -> list[Named]:
    """Every file the build read or will read while writing (with the schools' own reports when
    `schools`): none may be an output."""
    inputs: list[Named] = [("学校工作簿", r.path) for r in result.files] + list(result.sources)
    config = result.config
    if config.source is not None:
        inputs.append(("配置文件", config.source))
    if config.report.outline:
        inputs.append(("大纲文件", config.resolve(config.report.outline)))
    if config.report.tables:
        inputs.append(("表格定义文件", config.resolve(config.report.tables)))
    if config.majors_list:
        inputs.append(("专业目录", config.resolve(config.majors_list)))
    inputs += files_below(config.resolve(config.report.narrative), "叙述文件")
    if result.school or schools:
        own = config.school_report
        inputs += files_below(config.resolve(own.narrative), "学校年报叙述文件")
        inputs += [(what, config.resolve(name)) for what, name in
                   (("学校年报大纲文件", own.outline), ("学校年报表格定义文件", own.tables)) if name]  # fmt: skip
    for school in result.dataset.schools:
        base = Path(school.path or school.file).parent
        items: list[TextBlock | Case] = [*school.texts, *school.cases]
        for item in items:
            named = picture_beside(base, item.image or "")
            if named is not None:
                inputs.append(("图片", named))
    return inputs


def with_pictures(dataset: Dataset, tmp: Path) -> Dataset:
    """A copy of `dataset` whose text blocks and cases name their picture files: a file named in 图片
    beside the workbook, or one pasted on the row (written into `tmp`); only a picture that decodes
    is given (validation has warned about the others). `dataset` itself is left as it is."""
    schools = [_school_pictures(school, n, tmp) for n, school in enumerate(dataset.schools, 1)]
    return dataset.model_copy(update={"schools": schools})


def _school_pictures(school: School, n: int, tmp: Path) -> School:
    base = Path(school.path or school.file).parent
    texts, cases = school.pictures.get(layout.TEXT_SHEET, {}), school.pictures.get(layout.CASES_SHEET, {})
    return dataclasses.replace(
        school,
        texts=[_pictured(t, base, texts, tmp / f"school{n}-text{i}") for i, t in enumerate(school.texts, 1)],
        cases=[_pictured(c, base, cases, tmp / f"school{n}-case{i}") for i, c in enumerate(school.cases, 1)],
    )


Illustrated = TypeVar("Illustrated", TextBlock, Case)


def _pictured(
    item: Illustrated, base: Path, pasted: Mapping[int, tuple[str, bytes]], stem: Path
) -> Illustrated:
    """`item` with its picture file, or with none."""
    path: str | None = None
    named = picture_beside(base, item.image or "")
    if named is not None:
        if picture_problem(read_picture(named)) is None:
            path = str(named)
    elif item.row in pasted:
        _name, data = pasted[item.row]
        if picture_problem(data) is None:
            # named by position, not by the pasted name (which may be long, odd or '..')
            target = stem.with_name(stem.name + picture_suffix(data))
            target.write_bytes(data)
            path = str(target)
    return dataclasses.replace(item, image_path=path)
