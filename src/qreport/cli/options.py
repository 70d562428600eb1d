"""Options shared by several commands, declared once. Metavars are Chinese: they show in help pages
and in usage errors ("应为正整数"). Paths are not checked by the option parser (readable=False): the
library says in Chinese what is wrong with a file it cannot read."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

Year = Annotated[
    int | None,
    typer.Option("--year", metavar="年份", help="报告年度（决定指标目录），默认 2024。", show_default=False),
]
Json = Annotated[bool, typer.Option("--json", help="以 JSON 输出校验结果（供脚本使用）。")]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="不显示进度和汇总表。")]
Previous = Annotated[
    Path | None,
    typer.Option(
        "--previous",
        metavar="上年数据集.json",
        help="上年的数据集 JSON（qreport build --dataset 生成）。",
        show_default=False,
        readable=False,
    ),
]


def path_option(*names: str, metavar: str, help: str) -> typer.models.OptionInfo:
    """A path option: Chinese metavar, no checks by the parser."""
    option: typer.models.OptionInfo = typer.Option(*names, metavar=metavar, help=help, readable=False)
    return option


def path_argument(*, metavar: str, help: str) -> typer.models.ArgumentInfo:
    argument: typer.models.ArgumentInfo = typer.Argument(metavar=metavar, help=help, readable=False)
    return argument
