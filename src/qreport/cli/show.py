"""Human-readable renderings of findings and build summaries. No rules live here."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby
from typing import TYPE_CHECKING

from qreport.cli.terminal import ERROR, STRONG, WARNING, Terminal
from qreport.findings import Finding, counts
from qreport.textgate import gate

if TYPE_CHECKING:
    from rich.table import Table

LEVEL = {"error": ("错误", ERROR), "warning": ("警告", WARNING)}


def findings_listing(term: Terminal, findings: Sequence[Finding]) -> None:
    """Findings grouped by file, then sheet, each with its cell and message."""
    for file, in_file in groupby(findings, key=lambda f: f.file):
        items = list(in_file)
        errors, warnings = counts(items)
        term.line()
        term.line((file, STRONG), f"  （错误 {errors} 个，警告 {warnings} 个）")
        for sheet, in_sheet in groupby(items, key=lambda f: f.sheet or ""):
            if sheet:
                term.line(f"  工作表“{sheet}”")
            for f in in_sheet:
                where = f"{f.cell}：" if f.cell else ""
                indent = "    " if sheet else "  "
                term.line(indent, LEVEL[f.severity], f" {where}{f.message}")


def summary_line(findings: Sequence[Finding], files: int, *, datasets: int = 0) -> str:
    """One line for the end of a listing; a roll-up counts the lower-level datasets it compiled."""
    errors, warnings = counts(findings)
    if errors:
        verdict = "有错误，请按提示修改后重新校验"
    elif warnings:
        verdict = "没有错误（有警告，请核对）"
    else:
        verdict = "全部通过"
    if datasets:
        return f"共汇总 {datasets} 个下级数据集，其中记录的问题：错误 {errors} 个，警告 {warnings} 个 —— {verdict}。"
    return f"共检查 {files} 个文件：错误 {errors} 个，警告 {warnings} 个 —— {verdict}。"


def school_table(rows: Sequence[tuple[str, str, int, int]], title: str) -> Table:
    from rich.table import Table
    from rich.text import Text

    table = Table(title=title, show_lines=False)
    table.add_column("学校")
    table.add_column("文件")
    table.add_column("错误", justify="right")
    table.add_column("警告", justify="right")
    for school, file, errors, warnings in rows:
        table.add_row(
            Text(gate(school, shown=True)),
            Text(gate(file, shown=True)),
            Text(str(errors), "red" if errors else ""),
            str(warnings),
        )
    return table
