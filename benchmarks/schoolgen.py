"""Generate sets of filled school workbooks for the benchmarks, fast.

Two stages:

1. K distinct *base* workbooks: `qreport template` plus `qreport.workbook.fill.fill_workbook` with realistic,
   internally consistent values for every typed indicator of the catalog (totals equal their parts,
   其中 rows within their parents, no year-over-year jump, a 专业设置 list matching `majors` and
   `fulltime_students`, 样本数 for every survey rate). openpyxl load/fill/save costs ~0.3 s each, so
   this is done only K times.
2. N files: each is a base workbook's zip copied member by member *without recompressing*, except
   the 基本信息 sheet part, which is replaced by a small sheet with inline strings carrying a distinct
   school name, short name and 学校标识码 (build refuses duplicates). ~1 ms per file.

Sets are cached under a cache folder keyed by N and GEN_VERSION, so re-runs are quick.
"""

from __future__ import annotations

import posixpath
import random
import shutil
import struct
import subprocess
import zipfile
import zlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree as ET
from xml.sax.saxutils import escape

from qreport.catalog.indicators import Catalog, load_catalog
from qreport.workbook import layout
from qreport.workbook.fill import fill_workbook

GEN_VERSION = 1  # bump when the generated content changes, to invalidate caches
DONE_MARKER = ".complete"
YEAR = 2024

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"

# Reference values (current year) of a school with REF_STUDENTS full-time students. Counts and money
# scale with the school's size; per-capita amounts, bandwidths and percentages do not.
REF_STUDENTS = 3200
REFERENCE: dict[str, float] = {
    # 计分卡
    "graduates": 430, "graduates_placed": 415, "further_study": 270, "bachelor_admits": 24,
    "placed_in_province": 385, "monthly_income": 3800, "employed_primary": 10, "employed_secondary": 60,
    "employed_tertiary": 75, "self_employed": 4, "promoted_3y": 44, "tracked_3y": 190,
    # 满意度 (current year only)
    "sat_students": 96.5, "sat_classroom": 97.1, "sat_extracurricular": 95.8, "sat_ideology_course": 98.0,
    "sat_public_course": 96.3, "sat_major_course": 97.4, "sat_graduates": 95.2, "sat_graduates_new": 96.1,
    "sat_graduates_3y": 93.8, "sat_staff": 94.6, "sat_employers": 98.3, "sat_parents": 97.9,
    # 教学资源 (majors is set from the 专业设置 list)
    "major_groups": 3, "courses": 130, "course_hours": 9000, "cert_courses": 26, "cert_course_hours": 1550,
    "online_courses": 35, "online_course_hours": 1100, "coop_courses": 21, "coop_course_hours": 1250,
    "resource_libs_national": 0, "resource_libs_national_platform": 0, "resource_libs_provincial": 2,
    "resource_libs_provincial_platform": 1, "resource_libs_school": 4, "resource_libs_school_platform": 3,
    "quality_course_hours": 350, "quality_course_learners": 2600, "quality_courses_national": 0,
    "quality_courses_national_platform": 0, "quality_courses_provincial": 3,
    "quality_courses_provincial_platform": 2, "quality_courses_school": 6, "quality_courses_school_platform": 4,
    "vr_bases_national": 0, "vr_bases_national_platform": 0, "vr_bases_provincial": 1,
    "vr_bases_provincial_platform": 1, "vr_bases_school": 1, "vr_bases_school_platform": 1,
    "textbooks": 5, "textbooks_national_plan": 1, "textbooks_coop": 3, "textbooks_new_form": 2,
    "textbooks_platform": 1, "internet_bandwidth": 2000, "backbone_bandwidth": 10000,
    "practice_stations": 1950, "equipment_value": 31_000_000,
    # 服务贡献
    "first_employed": 140, "employed_local": 100, "employed_west_northeast": 118, "employed_sme": 99,
    "employed_large": 24, "tech_service_income": 18.6, "tech_service_benefit": 62.3, "research_funds": 10,
    "ip_trade_income": 1.2, "ip_projects": 9, "patents_granted": 6, "invention_patents": 1,
    "patent_transfers": 1, "patent_transfer_income": 0.8, "training_projects": 15, "training_hours": 4200,
    "public_training_hours": 960, "training_income": 41.5,
    # 国际影响
    "intl_standards": 0, "intl_major_standards": 0, "intl_course_standards": 0, "intl_resources": 1,
    "intl_equipment": 0, "intl_student_majors": 0, "intl_students": 0, "intl_visiting_teachers": 0,
    "joint_programs": 0, "joint_program_students": 0, "teacher_days_abroad": 12, "teachers_in_intl_orgs": 0,
    "intl_contest_awards": 0,
    # 落实政策 (fulltime_students is the school's size)
    "appropriation_per_student": 17400, "special_funds": 920, "staff_quota": 248, "staff_total": 241,
    "fulltime_teachers": 203, "ideology_teachers": 13, "pe_teachers": 11, "arts_teachers": 7,
    "head_teachers": 82, "fitness_tested": 3150, "fitness_passed": 2980, "skill_certificates": 1120,
    "enterprise_equipment_value": 185, "open_practice_centers": 1, "industry_mentors": 31,
    "craftsman_mentors": 3, "mentor_hours": 1860, "mentor_pay": 18.6, "internship_funds": 28,
    "internship_insurance": 6.5,
    # 补充指标
    "enrolment": 1150, "major_teachers": 137, "dual_teachers": 106, "senior_dual_teachers": 35,
    "senior_title_teachers": 56, "student_awards_prov_1": 2, "student_awards_prov_2": 4,
    "student_awards_prov_3": 5, "student_awards_city_1": 8, "student_awards_city_2": 10,
    "student_awards_city_3": 11, "teacher_awards_prov_1": 1, "teacher_awards_prov_2": 1,
    "teacher_awards_prov_3": 3, "teacher_awards_city_1": 3, "teacher_awards_city_2": 4,
    "teacher_awards_city_3": 6,
}  # fmt: skip
NOT_SCALED = {"monthly_income", "appropriation_per_student", "internet_bandwidth", "backbone_bandwidth"}

# A few real majors of the 2021 catalogue (code, name); prefixes 61–79.
MAJORS: tuple[tuple[str, str], ...] = (
    ("610101", "种子生产与经营"), ("610201", "设施农业生产技术"), ("620101", "林业生产技术"),
    ("640101", "建筑工程施工"), ("640301", "建筑装饰技术"), ("660301", "机械制造技术"),
    ("660302", "机械加工技术"), ("660303", "数控技术应用"), ("660601", "工业机器人技术应用"),
    ("660701", "汽车制造与检测"), ("670102", "电气设备运行与控制"), ("680101", "化学工艺"),
    ("700206", "汽车运用与维修"), ("700601", "城市轨道交通运营服务"), ("710102", "计算机应用"),
    ("710103", "数字媒体技术应用"), ("710201", "电子技术应用"), ("710301", "计算机网络技术"),
    ("720101", "护理"), ("720201", "药剂"), ("720801", "康复技术"), ("730201", "会计事务"),
    ("730301", "电子商务"), ("730701", "物流服务与管理"), ("740101", "旅游服务与管理"),
    ("740201", "中餐烹饪"), ("740302", "高星级饭店运营与管理"), ("750101", "工艺美术"),
    ("750201", "音乐表演"), ("750301", "舞蹈表演"), ("760101", "播音与节目主持"),
    ("770101", "幼儿保育"), ("770201", "运动训练"), ("780101", "社会保障事务"),
)  # fmt: skip
CITIES = (
    "巴彦淖尔市", "呼和浩特市", "包头市", "鄂尔多斯市", "赤峰市", "通辽市", "乌兰察布市", "乌海市",
    "呼伦贝尔市", "兴安盟", "锡林郭勒盟", "阿拉善盟", "太原市", "大同市", "石家庄市", "保定市",
    "郑州市", "洛阳市", "南阳市", "济南市", "青岛市", "潍坊市", "合肥市", "芜湖市", "南京市", "徐州市",
    "杭州市", "宁波市", "长沙市", "株洲市", "武汉市", "宜昌市", "成都市", "绵阳市", "昆明市", "曲靖市",
    "贵阳市", "遵义市", "西安市", "宝鸡市", "兰州市", "天水市",
)  # fmt: skip
KINDS = (
    ("职业中等专业学校", "职专"), ("职业技术学校", "职校"), ("中等专业学校", "中专"),
    ("职业高级中学", "职高"), ("职业教育中心", "职教中心"), ("技工学校", "技校"),
)  # fmt: skip
NUMERALS = "一二三四五六七八九十"
FILLERS = ("王丽", "李强", "张敏", "刘洋", "陈静", "杨帆", "赵磊", "黄婷")
TEXT_SECTIONS = ("1.3", "1.10", "2.5")


def _ordinal(n: int) -> str:
    """1 -> 一, 12 -> 十二, 25 -> 二十五 (n < 100)."""
    tens, ones = divmod(n, 10)
    head = ("" if tens == 1 else NUMERALS[tens - 1]) + "十" if tens else ""
    return head + (NUMERALS[ones - 1] if ones else "")


@dataclass(frozen=True)
class Identity:
    name: str
    short: str
    code: str
    region: str
    filler: str
    phone: str


def identity(i: int) -> Identity:
    """The i-th school's distinct identity (names unique for any i; codes unique 10-digit)."""
    city = CITIES[i % len(CITIES)]
    kind, kind_short = KINDS[(i // len(CITIES)) % len(KINDS)]
    n = i // (len(CITIES) * len(KINDS)) + 1
    ordinal = _ordinal(n) if n < 100 else str(n)
    name = f"{city}第{ordinal}{kind}"
    short = f"{city[:2]}{ordinal}{kind_short}"
    code = f"41{i:08d}"
    return Identity(name, short, code, f"{city}第{i % 9 + 1}区", FILLERS[i % len(FILLERS)],
                    f"0{471 + i % 500}-{8_000_000 + i % 1_000_000:07d}")  # fmt: skip


# -- realistic values ---------------------------------------------------------------------------


def _round(value: float, integer: bool) -> float | int:
    return int(round(value)) if integer else round(value, 2)


def school_values(
    catalog: Catalog, rng: random.Random
) -> tuple[dict[str, tuple[float | int | None, float | int | None]], dict[str, int], list[dict]]:
    """(values id -> (previous, current), samples id -> 样本数, 专业设置 rows) of one plausible school."""
    students = rng.randrange(600, 6500)
    scale = students / REF_STUDENTS
    chosen = rng.sample(MAJORS, rng.randrange(4, 13))
    # 专业设置: students split over the majors, summing exactly to fulltime_students.
    weights = [rng.uniform(0.5, 2.0) for _ in chosen]
    split = [int(students * w / sum(weights)) for w in weights]
    split[0] += students - sum(split)
    majors = [
        {"code": code, "name": name, "year_set": rng.randrange(1995, 2023), "previous_classes": max(1, s // 45),
         "new_classes": max(1, s // 130), "students": s, "adjustment": "未调"}
        for (code, name), s in zip(chosen, split, strict=True)
    ]  # fmt: skip

    current: dict[str, float] = {}
    previous: dict[str, float] = {}
    for ind in catalog.typed:
        if ind.id == "fulltime_students":
            cur: float = students
        elif ind.id == "majors":
            cur = len(majors)
        elif ind.sum_of:
            cur = 0  # set to the sum of its parts below
        else:
            ref = REFERENCE[ind.id]
            if ind.kind == "pct":
                cur = min(99.9, ref + rng.uniform(-4, 2))
            elif ref == 0:
                cur = rng.choice((0, 0, 0, 1, 2))  # rare national / international items
            else:
                cur = ref * (1 if ind.id in NOT_SCALED else scale) * rng.uniform(0.7, 1.3)
        current[ind.id] = cur
        previous[ind.id] = cur * rng.uniform(0.85, 1.1)
    for year in (current, previous):
        _make_consistent(catalog, year)
    values: dict[str, tuple[float | int | None, float | int | None]] = {}
    for ind in catalog.typed:
        integer = ind.kind == "int"
        cur_v, prev_v = _round(current[ind.id], integer), _round(previous[ind.id], integer)
        if table_is_survey(catalog, ind.table):
            values[ind.id] = (None, cur_v)
        else:
            values[ind.id] = (prev_v, cur_v)
    values["majors"] = (values["majors"][0], len(majors))
    values["fulltime_students"] = (values["fulltime_students"][0], students)
    _no_jumps(values)
    samples = _survey_samples(catalog, current, rng)
    return values, samples, majors


def table_is_survey(catalog: Catalog, table_id: str) -> bool:
    return next(t.sample for t in catalog.table if t.id == table_id)


def _make_consistent(catalog: Catalog, year: dict[str, float]) -> None:
    """Round, then clamp 其中 rows to their parents and set totals to the sum of their parts."""
    for ind in catalog.typed:
        year[ind.id] = _round(year[ind.id], ind.kind == "int")
    for _ in range(10):  # chains (bachelor ≤ further ≤ placed ≤ graduates) settle in a few passes
        changed = False
        for ind in catalog.typed:
            if ind.sum_of:
                total = sum(year[p] for p in ind.sum_of)
                if year[ind.id] != total:
                    year[ind.id], changed = total, True
            if ind.le and year[ind.id] > year[ind.le]:
                year[ind.id], changed = year[ind.le], True
        if not changed:
            return
    raise RuntimeError("generated values do not settle")


def _no_jumps(values: dict[str, tuple[float | int | None, float | int | None]]) -> None:
    """Small counts can jump more than 3x between years after rounding; keep the previous year close."""
    for key, (prev, cur) in values.items():
        if prev and cur and not (1 / 3 <= cur / prev <= 3):
            values[key] = (cur, cur)


def _survey_samples(catalog: Catalog, current: Mapping[str, float], rng: random.Random) -> dict[str, int]:
    base = {
        "sat_students": current["fulltime_students"] * 0.85,
        "sat_graduates": current["graduates"] * 0.9,
        "sat_staff": current["staff_total"] * 0.9,
        "sat_employers": rng.randrange(40, 220),
        "sat_parents": current["fulltime_students"] * 0.6,
    }
    out: dict[str, int] = {}
    group = "sat_students"
    for t in catalog.table:
        if not t.sample:
            continue
        for ind in t.indicators:
            if ind.id in base:
                group = ind.id
            out[ind.id] = max(20, int(base[group] * rng.uniform(0.9, 1.0)))
    return out


# -- base workbooks (openpyxl, slow, K times) ----------------------------------------------------


def make_blank(path: Path, qreport_exe: str) -> None:
    """An empty school workbook, made by the `qreport template` command."""
    subprocess.run([qreport_exe, "template", str(path)], check=True, capture_output=True)


def fill_base(path: Path, seed: int, catalog: Catalog) -> None:
    """Fill the blank workbook at `path` in place with one plausible school's data."""
    rng = random.Random(seed)
    values, samples, majors = school_values(catalog, rng)
    ident = identity(seed)
    texts = [(s, f"{ident.short}围绕第 {s} 节开展工作：" + "学校深化产教融合，推进专业建设。" * 6)
             for s in rng.sample(TEXT_SECTIONS, 2)]  # fmt: skip
    cases = [{"chapter": rng.randrange(1, 8), "title": "校企共建实训基地",
              "body": "学校与当地龙头企业共建实训基地，开展订单培养。" * 10}]  # fmt: skip
    info = {"学校名称": ident.name, "学校简称": ident.short, "学校标识码": ident.code,
            "所在地区": ident.region, "填报人": ident.filler, "联系电话": ident.phone, "填报年度": YEAR}  # fmt: skip
    fill_workbook(path, info=info, values=values, samples=samples, majors=majors, texts=texts, cases=cases,
                  catalog=catalog)  # fmt: skip


def ensure_bases(folder: Path, count: int, qreport_exe: str) -> list[Path]:
    """K distinct filled base workbooks in `folder`, made once and cached."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"base_{k:02d}.xlsx" for k in range(count)]
    if (folder / DONE_MARKER).exists() and all(p.exists() for p in paths):
        return paths
    blank = folder / "blank" / "template.xlsx"
    blank.parent.mkdir(exist_ok=True)
    make_blank(blank, qreport_exe)
    catalog = load_catalog(YEAR)
    for k, path in enumerate(paths):
        shutil.copyfile(blank, path)
        fill_base(path, 1000 + k, catalog)
    (folder / DONE_MARKER).write_text("ok")
    return paths


# -- fast copies: raw zip members, one sheet replaced ---------------------------------------------


@dataclass
class RawMember:
    """A zip member as stored: compressed bytes copied verbatim into every copy."""

    name: bytes
    method: int
    crc: int
    compressed: bytes
    size: int


class BaseZip:
    """A base workbook split into its raw members, and the part name of its 基本信息 sheet."""

    def __init__(self, path: Path) -> None:
        self.members: list[RawMember] = []
        with zipfile.ZipFile(path) as zf:
            self.info_part = _sheet_part(zf, layout.INFO_SHEET)
            with path.open("rb") as fh:
                for zi in zf.infolist():
                    self.members.append(RawMember(zi.filename.encode("utf-8"), zi.compress_type, zi.CRC,
                                                  _raw_bytes(fh, zi), zi.file_size))  # fmt: skip

    def write_copy(self, dest: Path, info_sheet_xml: bytes) -> None:
        members = [m if m.name.decode() != self.info_part else _deflated(m.name, info_sheet_xml)
                   for m in self.members]  # fmt: skip
        write_raw_zip(dest, members)


def _raw_bytes(fh, zi: zipfile.ZipInfo) -> bytes:  # type: ignore[no-untyped-def]
    """The compressed bytes of a member, read past its local header."""
    fh.seek(zi.header_offset)
    header = fh.read(30)
    name_len, extra_len = struct.unpack("<HH", header[26:30])
    fh.seek(zi.header_offset + 30 + name_len + extra_len)
    return fh.read(zi.compress_size)


def _deflated(name: bytes, data: bytes) -> RawMember:
    comp = zlib.compressobj(6, zlib.DEFLATED, -15)
    raw = comp.compress(data) + comp.flush()
    return RawMember(name, zipfile.ZIP_DEFLATED, zlib.crc32(data), raw, len(data))


def write_raw_zip(dest: Path, members: Sequence[RawMember]) -> None:
    """A plain zip (no zip64, no data descriptors) from already-compressed members."""
    out = bytearray()
    central = bytearray()
    dos_time, dos_date = 0, (2024 - 1980) << 9 | 1 << 5 | 1  # 2024-01-01 00:00
    for m in members:
        offset = len(out)
        common = struct.pack("<HHHHHIIIHH", 20, 0x800, m.method, dos_time, dos_date, m.crc,
                             len(m.compressed), m.size, len(m.name), 0)  # fmt: skip
        out += b"PK\x03\x04" + common + m.name + m.compressed
        central += (b"PK\x01\x02" + struct.pack("<H", 20) + common
                    + struct.pack("<HHHII", 0, 0, 0, 0, offset) + m.name)  # fmt: skip
    cd_offset = len(out)
    out += central
    out += b"PK\x05\x06" + struct.pack("<HHHHIIH", 0, 0, len(members), len(members), len(central),
                                       cd_offset, 0)  # fmt: skip
    dest.write_bytes(bytes(out))


def _sheet_part(zf: zipfile.ZipFile, sheet_name: str) -> str:
    """The zip member of the named sheet, via xl/workbook.xml and its relationships."""
    wb = ET.fromstring(zf.read("xl/workbook.xml"))
    rid = next(
        s.get(f"{{{NS_REL}}}id") for s in wb.iter(f"{{{NS_MAIN}}}sheet") if s.get("name") == sheet_name
    )
    rels = ET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    target = next(r.get("Target") for r in rels.iter(f"{{{NS_PKG_REL}}}Relationship") if r.get("Id") == rid)
    assert target is not None
    return target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))


def info_sheet_xml(ident: Identity) -> bytes:
    """A small 基本信息 sheet: title, header row and the seven labelled rows, strings inline."""
    rows = [("学校基本信息", None), ("在 B 列浅黄色单元格填写。", None), ("项目", "填写内容"),
            ("学校名称", ident.name), ("学校简称", ident.short), ("学校标识码", ident.code),
            ("所在地区", ident.region), ("填报人", ident.filler), ("联系电话", ident.phone),
            ("填报年度", YEAR)]  # fmt: skip
    parts = [f'<worksheet xmlns="{NS_MAIN}"><sheetData>']
    for r, (label, value) in enumerate(rows, 1):
        cells = [_inline(f"A{r}", label)]
        if isinstance(value, int):
            cells.append(f'<c r="B{r}"><v>{value}</v></c>')
        elif value is not None:
            cells.append(_inline(f"B{r}", value))
        parts.append(f'<row r="{r}">{"".join(cells)}</row>')
    parts.append("</sheetData></worksheet>")
    return "".join(parts).encode("utf-8")


def _inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(text)}</t></is></c>'


def ensure_set(cache: Path, n: int, bases: Sequence[Path], *, first: int = 0) -> Path:
    """A folder of N distinct school workbooks, cached by N; school i is a copy of base i % K."""
    folder = cache / f"set-v{GEN_VERSION}-k{len(bases)}-n{n}"
    if (folder / DONE_MARKER).exists():
        return folder
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    zips = [BaseZip(p) for p in bases]
    for i in range(first, first + n):
        zips[i % len(zips)].write_copy(folder / f"school_{i:05d}.xlsx", info_sheet_xml(identity(i)))
    (folder / DONE_MARKER).write_text("ok")
    return folder


def workbooks(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.xlsx"))


def iter_identities(n: int) -> Iterator[Identity]:
    return (identity(i) for i in range(n))
