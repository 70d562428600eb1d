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
from qreport.workbook.folder import OUTSIDE, Skipped, discover, skip_reason
from qreport.workbook.reader import read_school


@dataclass
class FileResult:
    path: Path
    school: School | None  # None: the file could not be read at all
    findings: list[Finding] = field(default_factory=list)
    label: str = ""  # the file as shown to the user
    skipped: str | None = None  # why a file of a folder is not a school's workbook (then not read)

    def __post_init__(self) -> None:
        self.label = self.label or str(self.path)

    @property
    def unreadable(self) -> bool:
        return self.school is None and self.skipped is None


@dataclass
class Validation:
    results: list[FileResult]
    skipped: list[Skipped] = field(default_factory=list)  # files of a folder that are not schools'

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
        """0 no errors, 1 errors found, 2 a file could not be read at all, or none to check (contract)."""
        if self.unreadable or not self.results:
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


def validate_file(path: Path, catalog: Catalog, outline: Outline, *, label: str | None = None,
                  in_folder: bool = False) -> FileResult:  # fmt: skip
    """Read and check one workbook. One found in a folder is first asked whether it is a school's
    workbook at all (`in_folder`); one named by the user is always read."""
    name = label or file_label(path)  # a GBK name from a Windows zip is shown decoded
    if in_folder:
        reason = skip_reason(path, catalog.sheets)
        if reason is not None:
            return FileResult(path, None, [], name, skipped=reason)
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
    """Check workbooks; a folder stands for every school workbook in it (as `build` reads them)."""
    catalog = load_catalog(year)
    outline = outline or load_outline()
    result = Validation([])
    for path in map(Path, paths):
        if not path.is_dir():
            result.results.append(validate_file(path, catalog, outline))
            continue
        found, skipped, outside = discover(path)
        result.skipped += [Skipped(str(path / s.file), s.reason, s.legacy) for s in skipped]
        result.skipped += [Skipped(str(path / name), OUTSIDE) for name in outside]
        for file in found:
            r = validate_file(file, catalog, outline, in_folder=True)
            if r.skipped is None:
                result.results.append(r)
            else:
                result.skipped.append(Skipped(r.label, r.skipped))
    return result
