"""Human-readable renderings of findings and build summaries. No rules live here."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from itertools import groupby
from typing import TYPE_CHECKING

from qreport.cli.terminal import ERROR, STRONG, WARNING, Terminal
from qreport.findings import Finding, counts
from qreport.textgate import gate
from qreport.workbook.folder import Skipped

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


Row = tuple[str, str, int, int]  # school, file, errors, warnings
OTHERS = "（不属于某个工作簿）"


def file_rows(files: Sequence[tuple[str, str]], findings: Sequence[Finding]) -> list[Row]:
    """One row per workbook (school, file) counting every finding about that file, identity findings
    included, and one row for the findings about no workbook read (missing schools, the config, a
    skipped file), so that the rows add up to the totals of the summary line."""
    tally = Counter((f.file, f.severity) for f in findings)
    rows = [(school, file, tally[file, "error"], tally[file, "warning"]) for school, file in files]
    shown = {file for _, file in files}
    others = [f for f in findings if f.file not in shown]
    if others:
        names = sorted({f.file for f in others})
        listed = "、".join(names[:3]) + (f" 等 {len(names)} 个" if len(names) > 3 else "")
        rows.append((OTHERS, listed, *counts(others)))
    return rows


def school_table(rows: Sequence[Row], title: str) -> Table:
    from rich.table import Table
    from rich.text import Text

    table = Table(title=title, show_lines=False, show_footer=len(rows) > 1)
    errors, warnings = sum(r[2] for r in rows), sum(r[3] for r in rows)
    table.add_column("学校", footer="合计")
    table.add_column("文件")
    table.add_column("错误", justify="right", footer=str(errors))
    table.add_column("警告", justify="right", footer=str(warnings))
    for school, file, e, w in rows:
        table.add_row(
            Text(gate(school, shown=True)),
            Text(gate(file, shown=True)),
            Text(str(e), "red" if e else ""),
            str(w),
        )
    return table


def skip_notices(term: Terminal, skipped: Sequence[Skipped]) -> None:
    """One line for each file of a folder that is not read as a school's workbook."""
    for s in skipped:
        term.line(("提示：", WARNING), s.notice)
