"""`qreport build` end to end: build, show progress and summary, write the outputs.

Outputs are written only when the build has no errors (or with --draft), each one atomically.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from qreport import outputs
from qreport.clashes import check_outputs
from qreport.cli.show import file_rows, findings_listing, school_table, skip_notices, summary_line
from qreport.cli.terminal import ERROR, WARNING, Terminal
from qreport.compile.build import BuildResult, build
from qreport.errors import InputError
from qreport.outputs import default_stem
from qreport.textgate import gate


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
    school_reports: Path | None = None  # also every school's own report, into this folder
    json: bool = False
    quiet: bool = False


def _compile(opts: BuildOptions, err: Terminal) -> BuildResult:
    if opts.from_datasets:
        from qreport.compile.rollup import build_from_datasets

        return build_from_datasets(opts.from_datasets, config_path=opts.config)
    if opts.folder is None:
        raise InputError(
            "请指定存放各校工作簿的文件夹（qreport build 文件夹），或用 --from-datasets 指定下级数据集。"
        )
    if opts.folder.is_file():
        return _compile_school(opts)
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


def _compile_school(opts: BuildOptions) -> BuildResult:
    """`qreport build 学校.xlsx`: that school's own report."""
    from qreport.compile.school import build_school

    folder_only = [
        ("--previous", opts.previous),
        ("--tables", opts.tables),
        ("--school-reports", opts.school_reports),
    ]
    for option, given in folder_only:
        if given:
            raise InputError(f"{option} 只用于编制全市报告（qreport build 文件夹）；编制学校年报时请去掉它。")
    return build_school(opts.folder, config_path=opts.config, draft=opts.draft)  # type: ignore[arg-type]


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
    """The command line's outputs (the report, its dataset beside it unless named, the tables, the
    PDF and the schools' own reports when asked), written by the library's `write_outputs`; its
    notes shown on `err`. The schools' reports are named by their folder."""
    docx = opts.output or Path(f"{default_stem(result)}.docx")
    check_outputs([("报告", docx)], [])  # a folder given as -o has no suffix to replace
    written = outputs.write_outputs(
        result,
        docx=docx,
        # a school's own report comes alone; its dataset only when asked for
        dataset=opts.dataset or (None if result.school else docx.with_suffix(".json")),
        tables=opts.tables,
        pdf=docx.with_suffix(".pdf") if opts.pdf else None,
        school_reports=opts.school_reports,
        workers=opts.workers,
    )
    if err is not None and not opts.quiet:
        for note in written.notes:
            err.line(("提示：", WARNING), note)
    paths = [p for p in written.paths if p not in written.school_reports]
    if opts.school_reports:
        paths.append(opts.school_reports)
        if err is not None and not opts.quiet:
            shown = "、".join(p.name for p in written.school_reports[:3])
            more = "……" if len(written.school_reports) > 3 else ""
            err.line(f"各校年报 {len(written.school_reports)} 份，写在 {opts.school_reports}：{shown}{more}")
    return paths
