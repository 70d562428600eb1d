"""`qreport build` end to end: build, show progress and summary, write the outputs.

Outputs are written only when the build has no errors (or with --draft), each one atomically.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from qreport.atomic import Staged
from qreport.clashes import check_outputs, files_below
from qreport.cli.show import file_rows, findings_listing, school_table, skip_notices, summary_line
from qreport.cli.terminal import ERROR, WARNING, Terminal
from qreport.compile.build import BuildResult, build
from qreport.errors import InputError
from qreport.model import Case, School, TextBlock
from qreport.pictures import picture_beside, picture_problem, picture_suffix, read_picture
from qreport.textgate import gate
from qreport.workbook import layout


@dataclass
class BuildOptions:
    folder: Path | None
    output: Path | None = None
    dataset: Path | None = None
    config: Path | None = None
    previous: Path | None = None
    draft: bool = False
    tables: Path | None = None
    pdf: bool = False
    from_datasets: list[Path] = field(default_factory=list)
    workers: int | None = None
    json: bool = False
    quiet: bool = False


def default_stem(result: BuildResult) -> str:
    region = result.config.region.short_name or result.dataset.region.name or result.dataset.region.whole
    return f"{region}{result.catalog.year}年中职质量年报"


def _compile(opts: BuildOptions, err: Terminal) -> BuildResult:
    if opts.from_datasets:
        from qreport.compile.rollup import build_from_datasets

        return build_from_datasets(opts.from_datasets, config_path=opts.config)
    if opts.folder is None:
        raise InputError(
            "请指定存放各校工作簿的文件夹（qreport build 文件夹），或用 --from-datasets 指定下级数据集。"
        )
    if opts.quiet or not err.stream.isatty():
        return build(opts.folder, config_path=opts.config, previous=opts.previous, draft=opts.draft,
                     workers=opts.workers)  # fmt: skip
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (TextColumn("读取工作簿"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.description}"),
               TimeRemainingColumn())  # fmt: skip
    with Progress(*columns, console=err.console(), transient=True) as bar:
        task = bar.add_task("", total=None)

        def progress(done: int, total: int, name: str) -> None:
            bar.update(task, completed=done, total=total, description=gate(name, shown=True))

        return build(opts.folder, config_path=opts.config, previous=opts.previous, draft=opts.draft,
                     workers=opts.workers, progress=progress)  # fmt: skip


def run_build(opts: BuildOptions, *, out: Terminal, err: Terminal) -> int:
    result = _compile(opts, err)
    findings = result.findings
    if opts.json:
        print(json.dumps([f.model_dump() for f in findings], ensure_ascii=False, indent=1))
    elif findings:
        findings_listing(out, findings)
    if not opts.quiet:
        _summary(result, err, datasets=len(opts.from_datasets))
    if result.has_errors and not opts.draft:
        err.line(("有校验错误，未生成报告和数据集。", ERROR),
                 "请按上面的提示修改工作簿后重新编制，或加 --draft 先生成草稿。")  # fmt: skip
        return 1
    written = write_outputs(result, opts, err)
    if not opts.quiet:
        for path in written:
            err.line(f"已写出：{path}")
    return 0


def _summary(result: BuildResult, err: Terminal, *, datasets: int = 0) -> None:
    skip_notices(err, result.skipped)
    if result.files:
        files = [(r.school.label if r.school else "（无法读取）", r.label) for r in result.files]
        table = school_table(file_rows(files, result.findings), f"{result.catalog.year} 年各校工作簿")
        err.console().print(table)
    err.line(summary_line(result.findings, len(result.files), datasets=datasets))


def write_outputs(result: BuildResult, opts: BuildOptions, err: Terminal | None = None) -> list[Path]:
    """Write the dataset, the tables workbook, the report and the PDF: all of them, or none."""
    from qreport.compile.dataset import write_dataset
    from qreport.report import write_report

    stem = default_stem(result) + ("（草稿）" if result.dataset.draft else "")
    docx = opts.output or Path(f"{stem}.docx")
    outputs: list[tuple[str, Path]] = [("报告", docx)]
    check_outputs(outputs, [])  # a folder given as -o has no suffix to replace
    dataset = opts.dataset or docx.with_suffix(".json")
    outputs.append(("数据集", dataset))
    if opts.tables:
        outputs.append(("汇总表", opts.tables))
    if opts.pdf:
        outputs.append(("PDF", docx.with_suffix(".pdf")))
    check_outputs(outputs, build_inputs(result, opts))
    written = [dataset, *([opts.tables] if opts.tables else []), docx]
    with Staged() as stage:
        write_dataset(result.dataset, result.catalog, stage.path(dataset))
        if opts.tables:
            from qreport.compile.summary import write_tables

            write_tables(result.dataset, result.catalog, stage.path(opts.tables))
        staged_docx = stage.path(docx)
        with tempfile.TemporaryDirectory(prefix="qreport-") as tmp:
            resolve_pictures(result, Path(tmp))
            report = write_report(result.dataset, result.config, result.catalog, staged_docx,
                                  outline=result.outline)  # fmt: skip
        if err is not None and not opts.quiet:
            notes = list(report.warnings)
            sections = [p for p in report.placeholders if p not in report.details]  # details are findings
            if sections:
                notes.append(
                    f"{len(sections)} 个章节还没有文字，已放入【待补充】占位：" + "、".join(sections)
                )
            for note in notes:
                err.line(("提示：", WARNING), note)
        if opts.pdf:
            from qreport.report.pdf import convert_to_pdf

            pdf = docx.with_suffix(".pdf")
            convert_to_pdf(staged_docx, stage.path(pdf), shown=docx)
            written.append(pdf)
    return written


def build_inputs(result: BuildResult, opts: BuildOptions) -> list[tuple[str, Path]]:
    """Every file the build read or will read while writing: none may be an output."""
    inputs: list[tuple[str, Path]] = [("学校工作簿", r.path) for r in result.files]
    inputs += [("下级数据集", p) for p in opts.from_datasets]
    if opts.previous:
        inputs.append(("上年数据集", opts.previous))
    config = result.config
    if config.source is not None:
        inputs.append(("配置文件", config.source))
    if config.report.outline:
        inputs.append(("大纲文件", config.resolve(config.report.outline)))
    if config.report.tables:
        inputs.append(("表格定义文件", config.resolve(config.report.tables)))
    inputs += files_below(config.resolve(config.report.narrative), "叙述文件")
    for school in result.dataset.schools:
        base = Path(school.path or school.file).parent
        for _sheet, _kind, items in _illustrated(school):
            for item in items:
                named = picture_beside(base, item.image or "")
                if named is not None:
                    inputs.append(("图片", named))
    return inputs


def resolve_pictures(result: BuildResult, tmp: Path) -> None:
    """Give every text block and case its picture file: a file named in 图片 beside the workbook, or
    one pasted on the row; only a picture that decodes is given (validation has warned about the others)."""
    for n, school in enumerate(result.dataset.schools, 1):
        base = Path(school.path or school.file).parent
        for sheet, kind, items in _illustrated(school):
            pasted = school.pictures.get(sheet, {})
            for i, item in enumerate(items, 1):
                item.image_path = None
                named = picture_beside(base, item.image or "")
                if named is not None:
                    if picture_problem(read_picture(named)) is None:
                        item.image_path = str(named)
                elif item.row in pasted:
                    _name, data = pasted[item.row]
                    if picture_problem(data) is None:
                        # named by position, not by the pasted name (which may be long, odd or '..')
                        target = tmp / f"school{n}-{kind}{i}{picture_suffix(data)}"
                        target.write_bytes(data)
                        item.image_path = str(target)


def _illustrated(school: School) -> tuple[tuple[str, str, Sequence[TextBlock | Case]], ...]:
    """The rows of a school that may carry a picture: (sheet, kind, rows)."""
    return ((layout.TEXT_SHEET, "text", school.texts), (layout.CASES_SHEET, "case", school.cases))
