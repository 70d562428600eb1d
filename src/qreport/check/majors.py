"""Majors across schools and against the province's list of majors (专业目录), checked by a build.

Without a list only each code's shape and 专业大类 are checked (qreport.check.rules); with the list a
bureau names in qreport.toml (`majors_list`, an .xlsx or .csv with 专业代码 and 专业名称 columns),
every code and name of a major still taught is checked against it. A row marked 停办 is history: its
old code is never a finding.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from qreport.check.rules import list_cell
from qreport.errors import InputError
from qreport.findings import Finding, finding
from qreport.model import MajorRow, School
from qreport.workbook import layout

CODE_HEADER, NAME_HEADER = "专业代码", "专业名称"


def _same(a: str, b: str) -> bool:
    return "".join(a.split()) == "".join(b.split())


def _live(school: School) -> Iterator[MajorRow]:
    return (m for m in school.majors if m.adjustment != "停办" and m.code and m.name)


@dataclass(frozen=True)
class _Seen:
    school: School
    row: MajorRow


def name_conflicts(schools: Sequence[School]) -> list[Finding]:
    """The same 专业代码 under different 专业名称 in two schools: a warning naming both."""
    first: dict[str, _Seen] = {}
    out = []
    for school in schools:
        for m in _live(school):
            seen = first.setdefault(m.code, _Seen(school, m))
            if seen.school is not school and not _same(seen.row.name, m.name):
                out.append(finding("major_name_conflict", school.file, **_at(school, NAME_HEADER, m.row),
                                   value=m.code, name=m.name, other=seen.school.label, other_name=seen.row.name,
                                   other_cell=f"{seen.school.file} {_at(seen.school, NAME_HEADER, seen.row.row)['cell']}"))  # fmt: skip
    return out


def _at(school: School, header: str, row: int) -> dict[str, str | None]:
    return list_cell(school, layout.MAJORS_SHEET, header, row)


def load_majors_list(path: Path) -> dict[str, str]:
    """专业代码 -> 专业名称 of the province's list (.xlsx or .csv, UTF-8 or GBK)."""
    if not path.is_file():
        raise InputError(
            f"找不到专业目录文件 {path}（qreport.toml 的 majors_list）。请检查文件名，或删去这一行。"
        )
    rows = _xlsx_rows(path) if path.suffix.lower() in (".xlsx", ".xlsm") else _csv_rows(path)
    for k, row in enumerate(rows[:30]):
        cells = [str(c).strip() for c in row]
        if CODE_HEADER in cells and NAME_HEADER in cells:
            code_col, name_col = cells.index(CODE_HEADER), cells.index(NAME_HEADER)
            found = {
                _code(r[code_col]): str(r[name_col]).strip()
                for r in rows[k + 1 :]
                if len(r) > max(code_col, name_col) and _code(r[code_col])
            }
            if found:
                return found
            break
    raise InputError(
        f"专业目录文件 {path} 中找不到含“{CODE_HEADER}”和“{NAME_HEADER}”两列的表头，或表中没有专业。"
    )


def _code(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value or "").strip()


def _xlsx_rows(path: Path) -> list[list[object]]:
    from qreport.workbook.xlsx import read_workbook

    sheet = next(iter(read_workbook(path).values()), None)
    if sheet is None:
        return []
    rows: dict[int, dict[int, object]] = {}
    for (r, c), v in sheet.values.items():
        rows.setdefault(r, {})[c] = v
    width = max((c for cells in rows.values() for c in cells), default=0)
    return [[rows[r].get(c, "") for c in range(1, width + 1)] for r in sorted(rows)]


def _csv_rows(path: Path) -> list[list[object]]:
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "gbk"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return [list(r) for r in csv.reader(text.splitlines())]
    raise InputError(f"专业目录文件 {path} 不是 UTF-8 或 GBK 编码的 CSV。请另存为 UTF-8 的 CSV 或 .xlsx。")


def against_list(schools: Sequence[School], majors: dict[str, str], source: str) -> list[Finding]:
    """Codes of majors still taught that the list does not hold (errors), names that differ (warnings)."""
    out = []
    for school in schools:
        for m in _live(school):
            known = majors.get(m.code)
            if known is None:
                out.append(finding("major_code_unlisted", school.file, **_at(school, CODE_HEADER, m.row),
                                   value=m.code, source=source))  # fmt: skip
            elif not _same(known, m.name):
                out.append(finding("major_name_unlisted", school.file, **_at(school, NAME_HEADER, m.row),
                                   value=m.code, name=m.name, listed=known, source=source))  # fmt: skip
    return out
