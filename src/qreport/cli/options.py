"""Options shared by several commands, declared once."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

Year = Annotated[
    int | None, typer.Option("--year", help="报告年度（决定指标目录），默认 2024。", show_default=False)
]
Json = Annotated[bool, typer.Option("--json", help="以 JSON 输出校验结果（供脚本使用）。")]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="不显示进度和汇总表。")]
Previous = Annotated[
    Path | None,
    typer.Option(
        "--previous", help="上年的数据集 JSON（qreport build --dataset 生成）。", show_default=False
    ),
]
