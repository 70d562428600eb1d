"""Read a school workbook into a `School`: rows found by indicator id, columns by header text.

Formatting is never trusted: rows may be moved, inserted or hidden; numbers may be typed as text;
percent cells may store fractions. What cannot be read becomes a finding, never an exception, except
for a file that cannot be opened at all (UnreadableWorkbook).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from qreport.budgets import MAX_REMARK_CHARS, MAX_TYPED_NUMBER
from qreport.catalog.indicators import Catalog, Indicator, Remarks
from qreport.catalog.outline import normalize_section
from qreport.findings import Finding, finding
from qreport.model import Case, MajorRow, School, TextBlock, YearValue
from qreport.workbook import layout
from qreport.workbook.cells import Parsed, display, parse_cell
from qreport.workbook.packed import CellRefs
from qreport.workbook.xlsx import Cell, Sheet, cell_ref, read_workbook

_ID_LIKE = re.compile(r"^[a-z][a-z0-9_]*$")


norm = layout.header_text


class _Reader:
    def __init__(self, path: Path, catalog: Catalog, file_label: str) -> None:
        self.path, self.catalog, self.file = path, catalog, file_label
        self.findings: list[Finding] = []

    def add(self, code: str, **kw: object) -> None:
        self.findings.append(finding(code, self.file, **kw))  # type: ignore[arg-type]

    # -- cells -----------------------------------------------------------------------------------
    def number(self, sheet: Sheet, row: int, col: int, ind: Indicator | None) -> float | None:
        """A numeric cell, with findings for what had to be interpreted."""
        cell = sheet.get(row, col)
        if cell is None:
            return None
        value = cell.value
        if (
            type(value) is float
            and not cell.percent
            and cell.cached
            and -MAX_TYPED_NUMBER <= value <= MAX_TYPED_NUMBER
        ):
            return value  # the common case, taken without building a finding's location
        where = {"sheet": sheet.name, "cell": cell_ref(row, col), "indicator": ind.id if ind else None}
        if not cell.cached:
            self.add("formula_no_cache", **where)
            return None
        if cell.error:
            self.add("formula_error", value=cell.error, **where)
            return None
        return self._interpret(parse_cell(value), cell, ind, where)

    def _interpret(
        self, parsed: Parsed, cell: Cell, ind: Indicator | None, where: dict[str, Any]
    ) -> float | None:
        raw = str(cell.value)
        if parsed.status in ("blank", "na"):
            return None
        if parsed.status == "not_number":
            self.add("not_a_number", raw=raw, **where)
            return None
        if parsed.status == "ambiguous":
            self.add("ambiguous_number", raw=raw, example=_example(raw), **where)
            return None
        value = parsed.value
        assert value is not None
        if abs(value) > MAX_TYPED_NUMBER:  # 1e308 in two schools would overflow every sum made of it
            self.add("number_too_large", raw=raw, limit=display(MAX_TYPED_NUMBER), **where)
            return None
        if parsed.status == "number" and cell.percent and ind is not None and ind.kind == "pct":
            value = round(value * 100, 10)  # Excel percent cell: 0.9114 shown as 91.14%
        if parsed.status == "text_number":
            self.add("number_as_text", raw=raw, value=display(value), **where)
        return value

    # -- sheets ----------------------------------------------------------------------------------
    def header_row(self, sheet: Sheet, marker: str) -> tuple[int, dict[str, int]] | None:
        return layout.find_header(((r, c, v) for (r, c), v in sheet.values.items()), marker)

    def read_info(self, sheets: dict[str, Sheet], school: School) -> None:
        sheet = sheets.get(layout.INFO_SHEET)
        if sheet is None:
            self.add("sheet_missing", sheet=layout.INFO_SHEET)
            return
        rows: dict[str, int] = {}
        for (row, col), cell_value in sheet.values.items():
            label = norm(cell_value)
            if col == 1 and label in layout.INFO_LABELS and label not in rows:
                rows[label] = row
                value = sheet.value(row, 2)
                school.info[label] = (
                    ""
                    if value is None
                    else display(value)
                    if isinstance(value, float)
                    else str(value).strip()
                )
        for label in layout.INFO_REQUIRED:
            if not school.info.get(label):
                ref = cell_ref(rows[label], 2) if label in rows else None
                self.add("info_missing", sheet=layout.INFO_SHEET, cell=ref, label=label)
        year = school.info.get("填报年度", "")
        digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", year))
        if year and digits != str(self.catalog.year):
            self.add("info_year_mismatch", sheet=layout.INFO_SHEET, cell=cell_ref(rows["填报年度"], 2),
                     value=year, year=self.catalog.year)  # fmt: skip
        school.name = school.info.get("学校名称", "")
        school.short_name = school.info.get("学校简称", "")
        school.code = school.info.get("学校标识码", "")
        school.region = school.info.get("所在地区", "")
        school.year = year

    def read_indicators(self, sheets: dict[str, Sheet], school: School) -> None:
        previous_col, current_col = (norm(c) for c in self.catalog.column_names())
        located: dict[str, tuple[Sheet, int, dict[str, int]]] = {}
        values: dict[str, YearValue] = {}
        for table in self.catalog.table:
            sheet = sheets.get(table.sheet)
            if sheet is None:
                self.add("sheet_missing", sheet=table.sheet)
                continue
            found = self.header_row(sheet, layout.ID_HEADER)
            if found is None:
                self.add("header_missing", sheet=table.sheet, header=layout.ID_HEADER)
                continue
            header, columns = found
            wanted = (
                [current_col, norm(layout.SAMPLE_HEADER)] if table.sample else [previous_col, current_col]
            )
            for name in wanted:
                if name not in columns:
                    self.add("column_missing", sheet=table.sheet, column=name)
            self._locate_ids(sheet, header, columns, located)
        refs = CellRefs(i.id for i in self.catalog.typed if i.id in located)
        for ind in self.catalog.typed:
            if ind.id not in located:
                if ind.sheet in sheets:
                    self.add(
                        "indicator_missing",
                        sheet=ind.sheet,
                        indicator=ind.id,
                        label=self.catalog.qualified_names[ind.id],
                    )
                continue
            sheet, row, columns = located[ind.id]
            yv = YearValue()
            for which, title in (("previous", previous_col), ("current", current_col)):
                col: int | None = columns.get(title)
                if col is None or (which == "previous" and self.catalog.get_table(ind.table).sample):
                    continue
                value = self.number(sheet, row, col, ind)
                setattr(yv, which, value)
                if value is None:
                    cell = sheet.get(row, col)
                    if parse_cell(None if cell is None else cell.value).status == "na":
                        school.na.setdefault(which, set()).add(ind.id)
                refs.put(ind.id, which, sheet.name, row, col)
            remarks = self.catalog.remarks.get(ind.table)
            remark_col = None if remarks is None else columns.get(norm(remarks.header))
            if remarks is not None and remark_col is not None:
                self._remark(sheet, row, remark_col, ind, remarks, school)
            sample_col = columns.get(norm(layout.SAMPLE_HEADER))
            if sample_col is not None:
                school.samples[ind.id] = self._sample(sheet, row, sample_col, ind)
                refs.put(ind.id, "sample", sheet.name, row, sample_col)
            values[ind.id] = yv
        school.values, school.cells = values, refs

    def _locate_ids(
        self, sheet: Sheet, header: int, columns: dict[str, int], located: dict[str, Any]
    ) -> None:
        id_col = columns[layout.ID_HEADER]
        for (row, col), value in sheet.values.items():
            if col != id_col or row <= header or not isinstance(value, str):
                continue
            key = value.strip()
            if key in self.catalog.by_id:
                if key in located:
                    other_sheet, other_row, _ = located[key]
                    self.add("indicator_duplicate", sheet=sheet.name, cell=cell_ref(row, col), indicator=key,
                             other=f"{other_sheet.name}!{cell_ref(other_row, id_col)}")  # fmt: skip
                elif self.catalog[key].typed:
                    located[key] = (sheet, row, columns)
            elif _ID_LIKE.match(key):
                self.add("indicator_unknown", sheet=sheet.name, cell=cell_ref(row, col), value=key,
                         year=self.catalog.year)  # fmt: skip

    def _remark(
        self, sheet: Sheet, row: int, col: int, ind: Indicator, remarks: Remarks, school: School
    ) -> None:
        """The 备注 typed on an indicator's row (already through the text gate), whitespace folded.
        A workbook without the column reads as before: the column is optional."""
        text = " ".join(_text(sheet.value(row, col)).split())
        if not text:
            return
        where = {"sheet": sheet.name, "cell": cell_ref(row, col), "indicator": ind.id,
                 "label": self.catalog.qualified_names[ind.id], "header": remarks.header}  # fmt: skip
        if not ind.remark:
            takers = next(i for i in self.catalog.get_table(ind.table).indicators if i.remark)
            self.add("remark_not_taken", takers=self.catalog.qualified_names[takers.id], **where)
        elif len(text) > MAX_REMARK_CHARS:
            self.add("remark_too_long", count=len(text), limit=MAX_REMARK_CHARS, **where)
        else:
            school.remarks[ind.id] = text

    def _sample(self, sheet: Sheet, row: int, col: int, ind: Indicator) -> int | None:
        cell = sheet.get(row, col)
        parsed = parse_cell(None if cell is None else cell.value)
        if parsed.status in ("blank", "na"):
            return None
        if parsed.value is None or parsed.value <= 0 or not parsed.value.is_integer():
            raw = display(parsed.value) if parsed.value is not None else str(getattr(cell, "value", ""))
            self.add("sample_invalid", sheet=sheet.name, cell=cell_ref(row, col), indicator=ind.id,
                     raw=raw)  # fmt: skip
            return None
        return int(parsed.value)

    # -- list sheets -------------------------------------------------------------------------------
    def list_rows(
        self,
        sheets: dict[str, Sheet],
        school: School,
        name: str,
        headers: tuple[str, ...],
        required: int | None = None,
    ) -> Iterator[tuple[Sheet, int, dict[str, int]]]:
        """Filled rows below the header; the first `required` headers must be there (default all),
        the others are optional columns (absent from `cols` when the sheet lacks them)."""
        sheet = sheets.get(name)
        if sheet is None:
            self.add("sheet_missing", sheet=name)
            return
        found = self.header_row(sheet, headers[0])
        if found is None:
            self.add("header_missing", sheet=name, header=headers[0])
            return
        header, columns = found
        missing = [h for h in headers[:required] if norm(h) not in columns]
        for h in missing:
            self.add("column_missing", sheet=name, column=h)
        if missing:
            return
        cols = {h: columns[norm(h)] for h in headers if norm(h) in columns}
        school.columns[name] = cols
        rows = {r for (r, _c) in sheet.values if r > header} | {r for r in sheet.pictures if r > header}
        for row in sorted(rows):
            if any(_text(sheet.value(row, c)) for c in cols.values()) or row in sheet.pictures:
                yield sheet, row, cols

    def read_majors(self, sheets: dict[str, Sheet], school: School) -> None:
        h = layout.MAJORS_HEADERS
        for sheet, row, cols in self.list_rows(sheets, school, layout.MAJORS_SHEET, h):
            num = [self.number(sheet, row, cols[header], None) for header in h[3:6]]
            year_text = _text(sheet.value(row, cols[h[2]]))
            year_digits = re.sub(r"\D", "", year_text)
            school.majors.append(MajorRow(
                code=_code_text(sheet.value(row, cols[h[0]])), name=_text(sheet.value(row, cols[h[1]])),
                year_set=int(year_digits) if len(year_digits) == 4 else None,
                previous_classes=num[0], new_classes=num[1], students=num[2],
                adjustment=_text(sheet.value(row, cols[h[6]])), row=row,
            ))  # fmt: skip

    def read_texts(self, sheets: dict[str, Sheet], school: School) -> None:
        h = layout.TEXT_HEADERS
        for sheet, row, cols in self.list_rows(sheets, school, layout.TEXT_SHEET, h, layout.TEXT_REQUIRED):
            section = normalize_section(_text(sheet.value(row, cols[h[0]])))
            content = _text(sheet.value(row, cols[h[1]]), strip=False).strip()
            image, caption = (_text(sheet.value(row, cols[k])) or None if k in cols else None for k in h[2:])
            school.texts.append(
                TextBlock(section=section, content=content, row=row, image=image, caption=caption)
            )
        _keep_pictures(sheets, layout.TEXT_SHEET, school)

    def read_cases(self, sheets: dict[str, Sheet], school: School) -> None:
        h = layout.CASES_HEADERS
        for sheet, row, cols in self.list_rows(sheets, school, layout.CASES_SHEET, h):
            raw_chapter = _text(sheet.value(row, cols[h[0]]))
            digits = unicodedata.normalize("NFKC", raw_chapter)  # full-width １ and circled ① read as 1
            chapter = int(digits) if digits.isascii() and digits.isdigit() and len(digits) < 3 else 0
            if chapter not in layout.CHAPTERS:
                self.add(
                    "case_chapter_invalid",
                    sheet=sheet.name,
                    cell=cell_ref(row, cols[h[0]]),
                    value=raw_chapter,
                )
            image = _text(sheet.value(row, cols[h[3]])) or None
            school.cases.append(Case(
                chapter=chapter, title=_text(sheet.value(row, cols[h[1]])),
                body=_text(sheet.value(row, cols[h[2]]), strip=False).strip(), image=image,
                caption=_text(sheet.value(row, cols[h[4]])) or None, row=row,
            ))  # fmt: skip
        _keep_pictures(sheets, layout.CASES_SHEET, school)


def _keep_pictures(sheets: dict[str, Sheet], name: str, school: School) -> None:
    sheet = sheets.get(name)
    if sheet is not None and sheet.pictures:
        school.pictures[name] = sheet.pictures


def _text(value: object, *, strip: bool = True) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return display(value)
    text = str(value)
    return text.strip() if strip else text


def _code_text(value: object) -> str:
    """专业代码 as typed: a number cell 720201.0 and a text cell '720201' are the same code."""
    return unicodedata.normalize("NFKC", _text(value)).replace(" ", "")


def _example(raw: str) -> str:
    numbers = re.findall(r"\d+(?:\.\d+)?", unicodedata.normalize("NFKC", raw))
    return numbers[0] if numbers else "0"


def read_school(path: Path, catalog: Catalog, *, file_label: str | None = None) -> School:
    """Read one workbook. Raises UnreadableWorkbook when the file cannot be opened at all."""
    label = file_label or str(path)
    wanted = frozenset((layout.INFO_SHEET, *catalog.sheets, *layout.LIST_SHEETS))
    sheets = read_workbook(path, only=wanted, pictures_in=(layout.TEXT_SHEET, layout.CASES_SHEET))
    reader = _Reader(path, catalog, label)
    for sheet in sheets.values():
        for row, col, code, params in sheet.problems:
            reader.add(code, sheet=sheet.name, cell=cell_ref(row, col), **params)
    school = School(file=label, path=str(path))
    reader.read_info(sheets, school)
    reader.read_indicators(sheets, school)
    reader.read_majors(sheets, school)
    reader.read_texts(sheets, school)
    reader.read_cases(sheets, school)
    school.findings = reader.findings
    return school
