"""Validate school workbooks: read, then apply every rule. Imports nothing of the report stack."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from qreport.catalog.indicators import Catalog, load_catalog
from qreport.catalog.outline import Outline, load_outline
from qreport.check.rules import check_school
from qreport.errors import UnreadableWorkbook
from qreport.findings import Finding, sort_findings
from qreport.model import School
from qreport.textgate import file_label, gate
from qreport.workbook import layout
from qreport.workbook.reader import read_school


@dataclass
class FileResult:
    path: Path
    school: School | None  # None: the file could not be read at all
    findings: list[Finding] = field(default_factory=list)
    label: str = ""  # the file as shown to the user

    def __post_init__(self) -> None:
        self.label = self.label or str(self.path)

    @property
    def unreadable(self) -> bool:
        return self.school is None


@dataclass
class Validation:
    results: list[FileResult]

    @property
    def findings(self) -> list[Finding]:
        return [f for r in self.results for f in r.findings]

    @property
    def has_errors(self) -> bool:
        return any(f.is_error for f in self.findings)

    @property
    def unreadable(self) -> list[FileResult]:
        return [r for r in self.results if r.unreadable]

    @property
    def exit_code(self) -> int:
        """0 no errors, 1 errors found, 2 a file could not be read at all (contract)."""
        if self.unreadable:
            return 2
        return 1 if self.has_errors else 0


def unreadable_finding(exc: UnreadableWorkbook, label: str) -> Finding:
    return Finding(
        file=file_label(label),
        sheet=exc.sheet,
        severity="error",
        code=exc.code,
        message=gate(exc.message, shown=True),
    )


def validate_file(path: Path, catalog: Catalog, outline: Outline, *, label: str | None = None) -> FileResult:
    name = label or str(path)
    try:
        school = read_school(path, catalog, file_label=name)
    except UnreadableWorkbook as exc:
        return FileResult(path, None, [unreadable_finding(exc, name)], name)
    order = (layout.INFO_SHEET, *catalog.sheets, *layout.LIST_SHEETS)
    school.findings = sort_findings(school.findings + check_school(school, catalog, outline), order)
    return FileResult(path, school, list(school.findings), name)


def validate_files(
    paths: Iterable[Path | str], year: int = 2024, outline: Outline | None = None
) -> Validation:
    catalog = load_catalog(year)
    outline = outline or load_outline()
    return Validation([validate_file(Path(p), catalog, outline) for p in paths])
