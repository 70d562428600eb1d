"""The `qreport` command line: parse options, call the library, render, map failures to exit codes.

No rule, number or file format lives here. Exit status: 0 ok, 1 validation errors, 2 unusable input or
bad arguments (contract).
"""

from __future__ import annotations

import json
import os
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from qreport.cli.options import Json, Previous, Quiet, Year, path_argument, path_option
from qreport.cli.terminal import ERROR, Terminal
from qreport.cli.usage import Typer
from qreport.errors import QreportError, debug

if TYPE_CHECKING:
    from qreport.check.validate import Validation

app = Typer(
    name="qreport",
    help="中等职业教育质量年度报告编制工具：生成学校填报表、校验、全市汇总并生成 Word 报告。",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
out = Terminal()
err = Terminal(stderr=True)


def _show_version(value: bool) -> None:
    if value:
        from qreport import __version__

        print(f"qreport {__version__}")
        raise typer.Exit(0)


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_show_version, is_eager=True, help="显示版本号并退出。"),
    ] = False,
) -> None:
    """中等职业教育质量年度报告编制工具：生成学校填报表、校验、全市汇总并生成 Word 报告。"""


def fail(exc: QreportError) -> typer.Exit:
    err.line(("错误：", ERROR), exc.message)
    return typer.Exit(2)


@app.command()
def template(
    out_file: Annotated[Path, path_argument(metavar="填报表.xlsx", help="要生成的空白填报表。")],
    year: Year = None,
    school: Annotated[str | None, typer.Option("--school", metavar="学校名称", help="预填学校名称。")] = None,
    previous: Previous = None,
) -> None:
    """生成学校填报用的空白工作簿（可预填上年数据）。"""
    from qreport.catalog.indicators import load_catalog
    from qreport.compile.dataset import read_dataset
    from qreport.workbook.template import write_template

    if out_file.suffix.lower() != ".xlsx":
        err.line(("错误：", ERROR), f"输出文件应以 .xlsx 结尾（收到 {out_file.name}）。")
        raise typer.Exit(2)
    from qreport.clashes import check_outputs
    from qreport.textgate import controls_in, is_clean

    if school is not None and not is_clean(school):
        err.line(
            ("错误：", ERROR), f"--school 含有控制字符（{controls_in(school) or '回车'}）。请只写学校名称。"
        )
        raise typer.Exit(2)
    try:
        check_outputs([("填报表", out_file)], [("上年数据集", previous)] if previous else [])
        catalog = load_catalog(year or 2024)
        data = read_dataset(previous, year=catalog.previous_year) if previous else None
        write_template(out_file, catalog, school=school, previous=data)
    except QreportError as exc:
        raise fail(exc) from None
    err.line(f"已生成填报表：{out_file}")


@app.command()
def validate(
    files: Annotated[
        list[Path],
        path_argument(
            metavar="工作簿.xlsx", help="要校验的学校工作簿（可多个）；也可以是文件夹，校验其中全部工作簿。"
        ),
    ],
    json_out: Json = False,
    annotate: Annotated[
        Path | None,
        path_option(
            "--annotate", metavar="文件夹", help="把标出问题单元格的副本写到此文件夹（不改动原文件）。"
        ),
    ] = None,
    year: Year = None,
) -> None:
    """校验学校工作簿（或文件夹中的全部工作簿），指出需要修改的单元格。"""
    from qreport.check.validate import validate_files
    from qreport.cli.show import file_rows, findings_listing, school_table, skip_notices, summary_line

    try:
        result = validate_files(files, year or 2024)
    except QreportError as exc:
        raise fail(exc) from None
    if not result.results:
        err.line(("错误：", ERROR), "没有找到学校工作簿。请指定 .xlsx 工作簿，或存放各校工作簿的文件夹。")
        raise typer.Exit(2)
    findings = result.findings
    if json_out:
        print(json.dumps([f.model_dump() for f in findings], ensure_ascii=False, indent=1))
    else:
        findings_listing(out, findings)
        out.line()
        skip_notices(out, result.skipped)
        if any(path.is_dir() for path in files):  # a folder: the same per-file table as build
            names = [(r.school.label if r.school else "（无法读取）", r.label) for r in result.results]
            out.console().print(school_table(file_rows(names, findings), "各校工作簿"))
        out.line(summary_line(findings, len(result.results)))
    if annotate is not None:
        _annotate(result, annotate, quiet=json_out)
    raise typer.Exit(result.exit_code)


def _annotate(result: Validation, folder: Path, *, quiet: bool) -> None:
    from qreport.clashes import check_outputs
    from qreport.workbook.annotate import annotate, annotated_paths, check_target

    readable = [r for r in result.results if not r.unreadable]
    targets = annotated_paths([r.path for r in readable], folder)
    try:  # every copy checked before the first is written
        check_outputs([("标注副本", t) for t in targets], [("学校工作簿", r.path) for r in result.results])
        for r, target in zip(readable, targets, strict=True):
            check_target(r.path, target)
    except QreportError as exc:
        raise fail(exc) from None
    for r, target in zip(readable, targets, strict=True):
        try:
            written = annotate(r.path, r.findings, folder, target=target)
        except QreportError as exc:
            raise fail(exc) from None
        if not quiet:
            err.line(f"已写出标注副本：{written}")


@app.command()
def init(
    folder: Annotated[Path, path_argument(metavar="文件夹", help="存放各校工作簿的文件夹。")],
    region: Annotated[
        str, typer.Option("--region", metavar="名称", help="地区全称，如 内蒙古自治区巴彦淖尔市。")
    ] = "",
    code: Annotated[str, typer.Option("--code", metavar="代码", help="6 位行政区划代码，如 150800。")] = "",
    compiler: Annotated[
        str, typer.Option("--compiler", metavar="单位", help="编制单位，如 巴彦淖尔市教育局。")
    ] = "",
    year: Year = None,
) -> None:
    """在文件夹中写入本地区的 qreport.toml（带注释）和可编辑的叙述文字文件夹。"""
    from qreport.catalog.scaffold import init_folder

    try:
        written = init_folder(folder, year or 2024, region=region, code=code, compiler=compiler)
    except QreportError as exc:
        raise fail(exc) from None
    for path in written:
        err.line(f"已写出：{path}")


@app.command()
def build(
    paths: Annotated[
        list[Path] | None,
        path_argument(
            metavar="文件夹",
            help="存放各校工作簿的文件夹；或一所学校的工作簿（编制该校自己的年报）；"
            "与 --from-datasets 连用时为下级数据集 JSON。",
        ),
    ] = None,
    output: Annotated[
        Path | None, path_option("-o", "--output", metavar="报告.docx", help="Word 报告的文件名。")
    ] = None,
    dataset: Annotated[
        Path | None, path_option("--dataset", metavar="数据集.json", help="数据集 JSON 的文件名。")
    ] = None,
    config: Annotated[
        Path | None,
        path_option("--config", metavar="配置.toml", help="配置文件（默认为文件夹中的 qreport.toml）。"),
    ] = None,
    previous: Previous = None,
    draft: Annotated[bool, typer.Option("--draft", help="有错误也生成报告（标为草稿）。")] = False,
    tables: Annotated[
        Path | None,
        path_option("--tables", metavar="汇总表.xlsx", help="另存各汇总表及各校明细的 Excel 工作簿。"),
    ] = None,
    pdf: Annotated[bool, typer.Option("--pdf", help="同时生成 PDF（需要 LibreOffice）。")] = False,
    from_datasets: Annotated[
        bool,
        typer.Option(
            "--from-datasets", help="由下级数据集汇总：qreport build --from-datasets 甲市.json 乙市.json …"
        ),
    ] = False,
    workers: Annotated[
        int | None,
        typer.Option("--workers", metavar="正整数", min=1, help="并行读取的进程数（默认为 CPU 核数）。"),
    ] = None,
    school_reports: Annotated[
        Path | None,
        path_option("--school-reports", metavar="文件夹", help="同时为每所学校写出本校年报，放在此文件夹。"),
    ] = None,
    json_out: Json = False,
    quiet: Quiet = False,
) -> None:
    """读取文件夹中的全部工作簿，校验、汇总，写出 Word 报告和数据集；给一个学校工作簿时写出该校年报。"""
    from qreport.cli.pipeline import BuildOptions, run_build

    paths = paths or []
    if not from_datasets and len(paths) != 1:
        err.line(("错误：", ERROR), "请指定一个存放各校工作簿的文件夹，例如 qreport build 2024年报。")
        raise typer.Exit(2)
    opts = BuildOptions(
        folder=None if from_datasets else paths[0], output=output, dataset=dataset, config=config, previous=previous, draft=draft,
        tables=tables, pdf=pdf, from_datasets=paths if from_datasets else [], workers=workers, json=json_out,
        school_reports=school_reports,
        quiet=quiet or json_out,
    )  # fmt: skip
    try:
        code = run_build(opts, out=out, err=err)
    except QreportError as exc:
        raise fail(exc) from None
    except KeyboardInterrupt:
        err.line("已中断，未写出任何文件。")
        raise typer.Exit(130) from None
    raise typer.Exit(code)


@app.command()
def serve(
    folder: Annotated[
        Path,
        path_argument(
            metavar="文件夹", help="教育局文件夹（qreport init 建立，qreport.toml 中列出应报送的学校）。"
        ),
    ],
    host: Annotated[
        str,
        typer.Option(
            "--host",
            metavar="地址",
            help="监听地址，默认 127.0.0.1（只有本机可以访问）；要让其他电脑访问，用 0.0.0.0。",
        ),
    ] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", metavar="端口", help="端口号，默认 8000。", min=1, max=65535)
    ] = 8000,
    previous: Previous = None,
) -> None:
    """启动填报门户：学校用专用链接在浏览器中下载填报表、上传并立即查看校验结果，教育局查看各校报送情况并生成草稿。

    教育局密码取自环境变量 QREPORT_PASSWORD（至少 8 个字符）。各校报送的工作簿保存在“文件夹/报送/”中，
    qreport build 文件夹 直接读取。按 Ctrl-C 停止。
    """
    from qreport.serve.run import serve as run_serve

    try:
        run_serve(folder, host, port, previous, say=err.line)
    except QreportError as exc:
        raise fail(exc) from None


@app.command()
def links(
    folder: Annotated[
        Path, path_argument(metavar="文件夹", help="教育局文件夹（含列出学校的 qreport.toml）。")
    ],
    base_url: Annotated[
        str,
        typer.Option(
            "--base-url", metavar="网址", help="学校访问门户的地址，例如 http://192.168.1.10:8000。"
        ),
    ],
) -> None:
    """列出每所学校的专用上传链接，每行一所：学校名称、制表符、链接。"""
    from qreport.serve.run import school_links

    try:
        for name, url in school_links(folder, base_url):
            print(f"{name}\t{url}")
    except QreportError as exc:
        raise fail(exc) from None


class Terminated(BaseException):
    """SIGTERM (`timeout`, `kill`, a service manager): unwound like Ctrl-C, so staged outputs and
    their temporary folder are removed on the way out. Not an Exception: no handler swallows it."""


def _terminate(signum: int, _frame: object) -> None:
    signal.signal(signum, signal.SIG_IGN)  # a second SIGTERM must not interrupt the clean-up
    raise Terminated


def main() -> None:
    # The command uses no pydantic plugins: skip their discovery, which reads the metadata of every
    # installed package on each start (the library modules are imported by the commands, after this).
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    signal.signal(signal.SIGTERM, _terminate)
    try:
        app()
    except Terminated:
        err.line("已终止，未写出不完整的文件。")
        sys.exit(143)
    except KeyboardInterrupt:
        err.line("已中断，未写出不完整的文件。")
        sys.exit(130)
    except Exception as exc:  # a bug, not bad input: say so in Chinese; QREPORT_DEBUG=1 shows the traceback
        if debug():
            raise
        err.line(
            ("qreport 内部错误", ERROR),
            f"（{type(exc).__name__}: {exc}）。输入文件未被改动，也没有写出不完整的文件。"
            "请把这条信息和相关文件发给维护者；设置环境变量 QREPORT_DEBUG=1 可看到详细信息。",
        )
        sys.exit(2)
