"""Human-readable renderings of findings and build summaries (Rich). No rules live here."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby

from rich.console import Console
from rich.table import Table

from qreport.findings import Finding, counts

LEVEL = {"error": "[bold red]错误[/]", "warning": "[yellow]警告[/]"}


def findings_listing(console: Console, findings: Sequence[Finding]) -> None:
    """Findings grouped by file, then sheet, each with its cell and message."""
    for file, in_file in groupby(findings, key=lambda f: f.file):
        items = list(in_file)
        errors, warnings = counts(items)
        console.print(f"\n[bold]{file}[/]  （错误 {errors} 个，警告 {warnings} 个）", highlight=False)
        for sheet, in_sheet in groupby(items, key=lambda f: f.sheet or ""):
            if sheet:
                console.print(f"  工作表“{sheet}”", highlight=False)
            for f in in_sheet:
                where = f"{f.cell}：" if f.cell else ""
                indent = "    " if sheet else "  "
                console.print(
                    f"{indent}{LEVEL[f.severity]} {where}{f.message}", highlight=False, soft_wrap=True
                )


def summary_line(findings: Sequence[Finding], files: int) -> str:
    errors, warnings = counts(findings)
    if errors:
        verdict = "有错误，请按提示修改后重新校验"
    elif warnings:
        verdict = "没有错误（有警告，请核对）"
    else:
        verdict = "全部通过"
    return f"共检查 {files} 个文件：错误 {errors} 个，警告 {warnings} 个 —— {verdict}。"


def school_table(rows: Sequence[tuple[str, str, int, int]], title: str) -> Table:
    table = Table(title=title, show_lines=False)
    table.add_column("学校")
    table.add_column("文件")
    table.add_column("错误", justify="right")
    table.add_column("警告", justify="right")
    for school, file, errors, warnings in rows:
        table.add_row(school, file, f"[red]{errors}[/]" if errors else "0", str(warnings))
    return table
