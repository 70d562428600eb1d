"""Realistic school workbooks built in code, and small helpers that break them afterwards.

`good_school()` is a complete, internally consistent school that validates with no finding at all.
Tests copy it and break one thing with openpyxl (`edit()` plus the helpers below), then assert the
exact finding. Rows and columns are always found by the `指标代码` column and header texts, as the
reader does, so a helper keeps working on a sheet whose rows were moved.
"""

from __future__ import annotations

import hashlib
import pickle
import re
import shutil
import struct
import tempfile
import zipfile
import zlib
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import Cell

from qreport.catalog.indicators import load_catalog
from qreport.workbook import layout
from qreport.workbook.fill import fill_workbook
from qreport.workbook.template import write_template

CATALOG = load_catalog(2024)
PREVIOUS_HEADER, CURRENT_HEADER = CATALOG.column_names()  # "2023年", "2024年"
HEADER_SCAN_ROWS = layout.HEADER_SCAN_ROWS
IMAGE_NAME = "实训基地.png"

# -- the good school ----------------------------------------------------------------------------

INFO: dict[str, str | int] = {
    "学校名称": "巴彦淖尔市第一职业中等专业学校",
    "学校简称": "市一职",
    "学校标识码": "4115005821",
    "所在地区": "巴彦淖尔市临河区",
    "填报人": "王丽",
    "联系电话": "0478-8123456",
    "填报年度": 2024,
}

# id -> (2023, 2024). Every typed indicator, both years; 其中 rows within their parents, totals equal to
# their parts, no year-over-year change beyond 3x, 万元 amounts in 万元.
VALUES: dict[str, tuple[float | int | None, float | int | None]] = {
    # 计分卡
    "graduates": (412, 436),
    "graduates_placed": (398, 421),
    "further_study": (251, 276),
    "bachelor_admits": (18, 25),
    "placed_in_province": (372, 390),
    "monthly_income": (3650.5, 3820),
    "employed_primary": (12, 10),
    "employed_secondary": (58, 61),
    "employed_tertiary": (77, 74),
    "self_employed": (3, 4),
    "promoted_3y": (41, 45),
    "tracked_3y": (180, 192),
    # 满意度 (current year only)
    "sat_students": (None, 96.52),
    "sat_classroom": (None, 97.1),
    "sat_extracurricular": (None, 95.84),
    "sat_ideology_course": (None, 98.06),
    "sat_public_course": (None, 96.3),
    "sat_major_course": (None, 97.45),
    "sat_graduates": (None, 95.2),
    "sat_graduates_new": (None, 96.08),
    "sat_graduates_3y": (None, 93.75),
    "sat_staff": (None, 94.6),
    "sat_employers": (None, 98.3),
    "sat_parents": (None, 97.92),
    # 教学资源
    "major_groups": (3, 3),
    "majors": (8, 8),
    "courses": (126, 132),
    "course_hours": (8640, 9020),
    "cert_courses": (22, 26),
    "cert_course_hours": (1320, 1560),
    "online_courses": (30, 35),
    "online_course_hours": (960, 1120),
    "coop_courses": (18, 21),
    "coop_course_hours": (1080, 1260),
    "resource_libs": (5, 6),
    "resource_libs_national": (0, 0),
    "resource_libs_national_platform": (0, 0),
    "resource_libs_provincial": (2, 2),
    "resource_libs_provincial_platform": (1, 1),
    "resource_libs_school": (3, 4),
    "resource_libs_school_platform": (2, 3),
    "quality_courses": (7, 9),
    "quality_course_hours": (288, 352),
    "quality_course_learners": (2100, 2650),
    "quality_courses_national": (0, 0),
    "quality_courses_national_platform": (0, 0),
    "quality_courses_provincial": (2, 3),
    "quality_courses_provincial_platform": (1, 2),
    "quality_courses_school": (5, 6),
    "quality_courses_school_platform": (3, 4),
    "vr_bases": (1, 2),
    "vr_bases_national": (0, 0),
    "vr_bases_national_platform": (0, 0),
    "vr_bases_provincial": (0, 1),
    "vr_bases_provincial_platform": (0, 1),
    "vr_bases_school": (1, 1),
    "vr_bases_school_platform": (1, 1),
    "textbooks": (4, 5),
    "textbooks_national_plan": (1, 1),
    "textbooks_coop": (2, 3),
    "textbooks_new_form": (1, 2),
    "textbooks_platform": (1, 1),
    "internet_bandwidth": (1000, 2000),
    "backbone_bandwidth": (10000, 10000),
    "practice_stations": (1850, 1960),
    "equipment_value": (28650000, 31200000.5),
    # 服务贡献
    "first_employed": (140, 138),
    "employed_local": (96, 101),
    "employed_west_northeast": (118, 120),
    "employed_sme": (102, 99),
    "employed_large": (21, 24),
    "tech_service_income": (12.5, 18.6),
    "tech_service_benefit": (45, 62.3),
    "research_funds": (8, 10),
    "ip_trade_income": (0, 1.2),
    "ip_projects": (6, 9),
    "patents_granted": (4, 6),
    "invention_patents": (1, 1),
    "patent_transfers": (0, 1),
    "patent_transfer_income": (0, 0.8),
    "training_projects": (12, 15),
    "training_hours": (3600, 4200),
    "public_training_hours": (800, 960),
    "training_income": (36.2, 41.5),
    # 国际影响: a school of the region, little international work
    "intl_adopted": (0, 1),
    "intl_standards": (0, 0),
    "intl_major_standards": (0, 0),
    "intl_course_standards": (0, 0),
    "intl_resources": (0, 1),
    "intl_equipment": (0, 0),
    "intl_student_majors": (0, 0),
    "intl_students": (0, 0),
    "intl_visiting_teachers": (0, 0),
    "joint_programs": (0, 0),
    "joint_program_students": (0, 0),
    "teacher_days_abroad": (0, 12),
    "teachers_in_intl_orgs": (0, 0),
    "intl_contest_awards": (0, 0),
    # 落实政策
    "fulltime_students": (3120, 3275),
    "appropriation_per_student": (16850, 17420.5),
    "special_funds": (860, 920.5),
    "staff_quota": (248, 248),
    "staff_total": (236, 241),
    "fulltime_teachers": (198, 203),
    "ideology_teachers": (12, 13),
    "pe_teachers": (11, 11),
    "arts_teachers": (6, 7),
    "head_teachers": (78, 82),
    "fitness_tested": (3080, 3240),
    "fitness_passed": (2890, 3065),
    "skill_certificates": (980, 1120),
    "enterprise_equipment_value": (120, 185),
    "open_practice_centers": (1, 1),
    "industry_mentors": (24, 31),
    "craftsman_mentors": (2, 3),
    "mentor_hours": (1440, 1860),
    "mentor_pay": (14.4, 18.6),
    "internship_funds": (25, 28),
    "internship_insurance": (6.2, 6.5),
    # 补充指标
    "enrolment": (1080, 1150),
    "major_teachers": (132, 137),
    "dual_teachers": (98, 106),
    "senior_dual_teachers": (31, 35),
    "senior_title_teachers": (52, 56),
    "student_awards_prov_1": (1, 2),
    "student_awards_prov_2": (3, 4),
    "student_awards_prov_3": (5, 5),
    "student_awards_city_1": (6, 8),
    "student_awards_city_2": (9, 10),
    "student_awards_city_3": (12, 11),
    "teacher_awards_prov_1": (1, 1),
    "teacher_awards_prov_2": (1, 1),
    "teacher_awards_prov_3": (2, 3),
    "teacher_awards_city_1": (2, 3),
    "teacher_awards_city_2": (4, 4),
    "teacher_awards_city_3": (5, 6),
}

SAMPLES: dict[str, int | None] = {
    "sat_students": 2860,
    "sat_classroom": 2860,
    "sat_extracurricular": 2860,
    "sat_ideology_course": 2860,
    "sat_public_course": 2860,
    "sat_major_course": 2860,
    "sat_graduates": 512,
    "sat_graduates_new": 398,
    "sat_graduates_3y": 114,
    "sat_staff": 226,
    "sat_employers": 86,
    "sat_parents": 1945,
}


def _major(code: str, name: str, year: int, prev: int, new: int, students: int, adj: str) -> dict[str, Any]:
    return {"code": code, "name": name, "year_set": year, "previous_classes": prev, "new_classes": new,
            "students": students, "adjustment": adj}  # fmt: skip


# Eight majors taught this year (= `majors`), whose students add up to `fulltime_students`, and one
# closed major still listed, as the template asks.
MAJORS: list[dict[str, Any]] = [
    _major("610105", "现代农艺技术", 2008, 9, 3, 420, "未调"),
    _major("610301", "畜禽生产技术", 2010, 8, 3, 380, "未调"),
    _major("660301", "机电技术应用", 2006, 10, 4, 455, "未调"),
    _major("700206", "汽车运用与维修", 2005, 11, 4, 512, "调整"),
    _major("710201", "计算机应用", 2003, 10, 4, 466, "未调"),
    _major("720201", "护理", 2012, 9, 3, 398, "未调"),
    _major("730301", "会计事务", 2004, 8, 3, 352, "未调"),
    _major("740201", "旅游服务与管理", 2024, 0, 6, 292, "新增"),
    _major("730701", "电子商务", 2015, 2, 0, 0, "停办"),
]

TEXTS: list[tuple[str, str]] = [
    ("1.1", "学校坚持立德树人根本任务，把思想政治教育贯穿人才培养全过程，思政课教师 13 人，全部专职。"),
    (
        "1.3",
        "围绕河套地区现代农牧业和装备制造业，学校开设 8 个专业，组建 3 个专业群，新增旅游服务与管理专业。",
    ),
    ("2.2", "学校组织专业教师下乡开展种养殖技术培训 15 期，培训农牧民 960 学时。"),
    ("6.1", "学校党委严格落实党组织领导的校长负责制，定期研究教育教学重大事项。"),
]

CASES: list[dict[str, Any]] = [
    {
        "chapter": 1,
        "title": "“田间课堂”助力现代农艺人才培养",
        "body": "学校与临河区农业技术推广中心共建实训基地，学生在田间完成全部实践教学任务，"
        "2024 年该专业毕业生去向落实率达到 98%。",
        "image": IMAGE_NAME,
        "caption": "学生在实训基地开展测土配方施肥实践",
    }
]


def tiny_png() -> bytes:
    """A valid 1x1 PNG, so a case's picture file really exists."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00\xff\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


# -- building -----------------------------------------------------------------------------------

_cache: dict[str, Path] = {}


def use_cache_dir(folder: Path) -> None:
    """Where the blank template and the good school are written once (set by the session fixture)."""
    _cache.clear()
    _cache["dir"] = folder


def _cache_dir() -> Path:
    if "dir" not in _cache:
        _cache["dir"] = Path(tempfile.mkdtemp(prefix="qreport-builders-"))
    return _cache["dir"]


def blank_template() -> Path:
    """The blank 2024 template, written once per session. Never modify it: copy it."""
    if "template" not in _cache:
        path = _cache_dir() / "空白模板.xlsx"
        write_template(path, CATALOG)
        _cache["template"] = path
    return _cache["template"]


def _fill(path: Path, overrides: Mapping[str, Any]) -> None:
    unknown = set(overrides) - {"info", "values", "samples", "majors", "texts", "cases"}
    if unknown:
        raise TypeError(f"good_school() got unknown overrides: {sorted(unknown)}")
    fill_workbook(
        path,
        info={**INFO, **overrides.get("info", {})},
        values={**VALUES, **overrides.get("values", {})},
        samples={**SAMPLES, **overrides.get("samples", {})},
        majors=overrides.get("majors", MAJORS),
        texts=overrides.get("texts", TEXTS),
        cases=overrides.get("cases", CASES),
        catalog=CATALOG,
    )


def _good_master() -> Path:
    if "good" not in _cache:
        path = _cache_dir() / "good" / "市一职.xlsx"
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(blank_template(), path)
        _fill(path, {})
        _cache["good"] = path
    return _cache["good"]


def good_school(tmp_path: Path, name: str = "市一职.xlsx", **overrides: Any) -> Path:
    """A complete, consistent school workbook in `tmp_path` (with its case picture beside it).

    Overrides: `info`, `values` (id -> (2023, 2024)) and `samples` are merged over the defaults;
    `majors`, `texts` and `cases` replace the default lists. Without overrides the file is a copy of
    one filled once per session.
    """
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / name
    if overrides:
        shutil.copyfile(blank_template(), path)
        _fill(path, overrides)
    else:
        shutil.copyfile(_good_master(), path)
    (tmp_path / IMAGE_NAME).write_bytes(tiny_png())
    return path


# -- breaking -----------------------------------------------------------------------------------


_loaded: dict[bytes, bytes] = {}  # sha1 of a file -> its openpyxl workbook, pickled


def _load(path: Path) -> Workbook:
    """load_workbook, memoized by content: most tests start from the same good school, and
    unpickling a loaded workbook is four times faster than parsing it again."""
    key = hashlib.sha1(path.read_bytes()).digest()
    if key not in _loaded:
        _loaded[key] = pickle.dumps(load_workbook(path))
    wb = pickle.loads(_loaded[key])
    for ws in wb.worksheets:  # openpyxl's dimension holders do not survive pickling: rebind them
        for holder, factory in ((ws.row_dimensions, ws._add_row), (ws.column_dimensions, ws._add_column)):
            holder.worksheet, holder.default_factory, holder.max_outline = ws, factory, None
    return wb


@contextmanager
def edit(path: Path) -> Iterator[Workbook]:
    """Open a workbook with openpyxl, yield it for changes, save it in place."""
    wb = _load(path)
    yield wb
    wb.save(path)


def _values(ws: Any) -> dict[tuple[int, int], Any]:
    """{(row, col): value} of the cells that exist; reading through `ws.cell()` would create cells."""
    return {rc: c.value for rc, c in ws._cells.items() if c.value is not None}


def header_row(ws: Any, marker: str) -> tuple[int, dict[str, int]]:
    """(row, {header text: column}) of the first row (within 30) holding `marker`."""
    found = layout.find_header(((r, c, v) for (r, c), v in sorted(_values(ws).items())), marker)
    if found is None:
        raise LookupError(f"no header {marker!r} in sheet {ws.title!r}")
    return found


def row_of(wb: Workbook, ind_id: str) -> tuple[Any, int]:
    """(worksheet, row) of an indicator, found by its id in the 指标代码 column of any sheet."""
    for ws in wb.worksheets:
        try:
            head, cols = header_row(ws, layout.ID_HEADER)
        except LookupError:
            continue
        for (r, c), v in sorted(_values(ws).items()):
            if c == cols[layout.ID_HEADER] and r > head and v == ind_id:
                return ws, r
    raise LookupError(f"no row for {ind_id}")


def _column_header(which: str) -> str:
    return {"previous": PREVIOUS_HEADER, "current": CURRENT_HEADER, "sample": layout.SAMPLE_HEADER}[which]


def locate(wb: Workbook, ind_id: str, which: str = "current") -> Cell:
    """The cell of an indicator for 'previous', 'current' or 'sample'."""
    ws, row = row_of(wb, ind_id)
    _, cols = header_row(ws, layout.ID_HEADER)
    return ws.cell(row=row, column=cols[_column_header(which)])


def set_value(wb: Workbook, ind_id: str, which: str, value: Any) -> None:
    locate(wb, ind_id, which).value = value


def set_formula(wb: Workbook, ind_id: str, which: str, formula: str = "=1+1") -> None:
    """openpyxl writes formulas without a cached result, as a script or a converter would."""
    locate(wb, ind_id, which).value = formula


def set_percent(wb: Workbook, ind_id: str, which: str, fraction: float, fmt: str = "0.00%") -> None:
    """A number stored as a fraction in a cell formatted as a percentage (0.9114 shown as 91.14%)."""
    cell = locate(wb, ind_id, which)
    cell.value = fraction
    cell.number_format = fmt


def set_info(wb: Workbook, label: str, value: Any) -> None:
    ws = wb[layout.INFO_SHEET]
    for r in range(1, ws.max_row + 1):
        if ws.cell(row=r, column=1).value == label:
            ws.cell(row=r, column=2).value = value
            return
    raise LookupError(label)


def delete_info_label(wb: Workbook, label: str) -> None:
    """Remove a whole 基本信息 line (label and value), as if the row had been deleted."""
    ws = wb[layout.INFO_SHEET]
    for r in range(1, ws.max_row + 1):
        if ws.cell(row=r, column=1).value == label:
            ws.delete_rows(r)
            return
    raise LookupError(label)


def list_cell(wb: Workbook, sheet: str, header: str, n: int = 1) -> Cell:
    """The cell under `header` in the n-th data row (1-based) of a list sheet (专业设置, 文字材料, 典型案例)."""
    ws = wb[sheet]
    head, cols = header_row(ws, {layout.MAJORS_SHEET: "专业代码", layout.TEXT_SHEET: "章节"}.get(sheet, "章"))
    return ws.cell(row=head + n, column=cols[header])


def set_list(wb: Workbook, sheet: str, header: str, n: int, value: Any) -> None:
    list_cell(wb, sheet, header, n).value = value


def append_list_row(wb: Workbook, sheet: str, values: Mapping[str, Any]) -> int:
    """Write a row after the last filled one of a list sheet; returns its row number."""
    ws = wb[sheet]
    marker = {layout.MAJORS_SHEET: "专业代码", layout.TEXT_SHEET: "章节"}.get(sheet, "章")
    head, cols = header_row(ws, marker)
    last = head
    for r in range(head + 1, ws.max_row + 1):
        if any(ws.cell(row=r, column=c).value not in (None, "") for c in cols.values()):
            last = r
    for header, value in values.items():
        ws.cell(row=last + 1, column=cols[header]).value = value
    return last + 1


def delete_sheet(wb: Workbook, name: str) -> None:
    del wb[name]


def rename_sheet(wb: Workbook, old: str, new: str) -> None:
    wb[old].title = new


def insert_rows(wb: Workbook, sheet: str, at: int, amount: int = 1) -> None:
    wb[sheet].insert_rows(at, amount)


def hide_rows(wb: Workbook, sheet: str, rows: Sequence[int]) -> None:
    for r in rows:
        wb[sheet].row_dimensions[r].hidden = True


def delete_indicator_row(wb: Workbook, ind_id: str) -> None:
    ws, row = row_of(wb, ind_id)
    ws.delete_rows(row)


def swap_rows(wb: Workbook, sheet: str, a: int, b: int) -> None:
    """Exchange the contents of two rows (a user moving an indicator row up or down)."""
    ws = wb[sheet]
    for col in range(1, ws.max_column + 1):
        ca, cb = ws.cell(row=a, column=col), ws.cell(row=b, column=col)
        ca.value, cb.value = cb.value, ca.value


def copy_row_below(wb: Workbook, sheet: str, row: int, to: int) -> None:
    """Copy every value of `row` to row `to` (a duplicated indicator row)."""
    ws = wb[sheet]
    for col in range(1, ws.max_column + 1):
        ws.cell(row=to, column=col).value = ws.cell(row=row, column=col).value


def merge(wb: Workbook, sheet: str, cell_range: str) -> None:
    wb[sheet].merge_cells(cell_range)


def add_sheet(wb: Workbook, name: str, rows: Sequence[Sequence[Any]] = ()) -> None:
    ws = wb.create_sheet(name)
    for row in rows:
        ws.append(list(row))


def add_column(wb: Workbook, sheet: str, header: str, values: Mapping[int, Any] | None = None) -> int:
    """A new column right of the last one, with a header text in the header row; returns its index."""
    ws = wb[sheet]
    marker = {layout.MAJORS_SHEET: "专业代码", layout.TEXT_SHEET: "章节", layout.CASES_SHEET: "章"}.get(
        sheet, layout.ID_HEADER
    )
    head, _ = header_row(ws, marker)
    col = ws.max_column + 1
    ws.cell(row=head, column=col).value = header
    for r, v in (values or {}).items():
        ws.cell(row=r, column=col).value = v
    return col


def set_header(wb: Workbook, sheet: str, old: str, new: str | None) -> None:
    """Change (or clear, with None) a header cell's text."""
    ws = wb[sheet]
    head, cols = header_row(ws, old)
    ws.cell(row=head, column=cols[old]).value = new


# -- as Excel writes it -------------------------------------------------------------------------

_INLINE = re.compile(
    r'<c ([^>]*?)t="inlineStr"([^>]*)><is><t(?: xml:space="preserve")?>(.*?)</t></is></c>', re.S
)
_SST = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_SST_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
_SST_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"


def to_shared_strings(path: Path, *, rich: bool = False, phonetic: bool = False) -> None:
    """Rewrite openpyxl's inline strings as a shared-string table, as Excel and WPS save text.

    `rich`: every string of two or more characters is split into two formatted runs.
    `phonetic`: every string carries a phonetic reading (rPh), which is not part of the text.
    """
    with zipfile.ZipFile(path) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    strings: list[str] = []
    index: dict[str, int] = {}

    def shared(m: re.Match[str]) -> str:
        text = m.group(3)
        if text not in index:
            index[text] = len(strings)
            strings.append(text)
        return f'<c {m.group(1)}t="s"{m.group(2)}><v>{index[text]}</v></c>'

    for name in [n for n in members if n.startswith("xl/worksheets/sheet")]:
        xml = _INLINE.sub(shared, members[name].decode())
        members[name] = re.sub(r'<c ([^>]*?) ?t="inlineStr"([^>]*)></c>', r"<c \1\2></c>", xml).encode()

    def item(text: str) -> str:
        body = f'<t xml:space="preserve">{text}</t>'
        if rich and len(text) >= 2 and "&" not in text:
            body = f'<r><t>{text[:1]}</t></r><r><rPr><b/><sz val="11"/></rPr><t xml:space="preserve">{text[1:]}</t></r>'
        if phonetic:
            body += '<rPh sb="0" eb="1"><t>pīnyīn</t></rPh><phoneticPr fontId="1" type="noConversion"/>'
        return f"<si>{body}</si>"

    sst = f'<sst xmlns="{_SST}" count="{len(strings)}" uniqueCount="{len(strings)}">'
    members["xl/sharedStrings.xml"] = (sst + "".join(item(s) for s in strings) + "</sst>").encode()
    types = members["[Content_Types].xml"].decode()
    override = f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_SST_TYPE}"/>'
    members["[Content_Types].xml"] = types.replace("</Types>", override + "</Types>").encode()
    rels = members["xl/_rels/workbook.xml.rels"].decode()
    rel = f'<Relationship Type="{_SST_REL}" Target="sharedStrings.xml" Id="rIdSst"/>'
    members["xl/_rels/workbook.xml.rels"] = rels.replace(
        "</Relationships>", rel + "</Relationships>"
    ).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)


# Words a Chinese user meets in any Chinese software manual: product and format names, the program.
PROPER_NAMES = {"qreport", "Word", "Excel", "WPS", "LibreOffice", "JSON", "XML", "PDF", "CPU"}
PROPER_NAMES |= {"Markdown", "URL", "Ctrl", "MB"}
_FILE_NAME = re.compile(r"[\w.\-/]*\.(?:xlsx|xlsm|xls|et|json|docx|toml|md|pdf|png)\b")
_OPTION = re.compile(r"(?<![\w])--?[a-z][\w-]*")
_ENV_VAR = re.compile(r"\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b")  # QREPORT_PASSWORD: typed as is
_WEB_ADDRESS = re.compile(r"\bhttps?://[\w.:/\-]*")


def english_words(text: str, allowed: set[str] = frozenset()) -> set[str]:  # type: ignore[assignment]
    """ASCII words left once option names, file names, proper names, `allowed` words and what the
    user typed (quoted “…”) are removed: what a Chinese user should never have to read."""
    text = _OPTION.sub(" ", _FILE_NAME.sub(" ", re.sub(r"“[^”]*”", " ", text)))
    text = _ENV_VAR.sub(" ", _WEB_ADDRESS.sub(" ", text))
    return {w for w in re.findall(r"[A-Za-z]{2,}", text) if w not in PROPER_NAMES | allowed}
