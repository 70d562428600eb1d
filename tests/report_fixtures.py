"""A realistic dataset for the report tests, built by hand from the Bayannur 2024 report.

School figures come from the report's chapter tables (表1-4, 1-5, 1-6, 1-7, 5-1, 6-1, 6-2); where the
report only prints a city total (the appendix tables), the total is split over the schools. City
values are computed here from the school values by the catalog's city rules, independently of
qreport.compile.aggregate, so the report tests do not depend on the aggregator.
"""

from __future__ import annotations

import math
import struct
import zlib
from pathlib import Path

from qreport.catalog.config import Config, Region, Report, TeamEntry
from qreport.catalog.indicators import Catalog, load_catalog
from qreport.compile.aggregate import Unit, aggregate, derive
from qreport.findings import finding
from qreport.model import Case, Dataset, MajorRow, School, TextBlock, YearValue
from qreport.model import Region as DatasetRegion

SCHOOLS = [
    ("巴彦淖尔市第一职业中等专业学校", "市一职"),
    ("巴彦淖尔职业技术学校", "市职校"),
    ("巴彦淖尔市艺术学校", "市艺校"),
    ("巴彦淖尔市体育运动学校", "市体校"),
    ("乌拉特前旗职业中等专业学校", "前旗职中"),
    ("五原县高级职业中学", "五原职高"),
    ("杭锦后旗职业教育中心", "杭后职教"),
]
SHORT = [s for _, s in SCHOOLS]

# Per school, in the order of SCHOOLS: id -> (previous values, current values); None = not typed.
PER_SCHOOL: dict[str, tuple[list[float | None] | None, list[float | None]]] = {
    # 表1-5
    "staff_total": ([350, 260, 43, 78, 245, 208, 268], [358, 264, 43, 78, 247, 209, 268]),
    "enrolment": ([966, 350, 12, 86, 578, 603, 718], [953, 245, 23, 76, 559, 463, 1002]),
    "fulltime_students": ([3326, 812, 49, 320, 1680, 1730, 2213], [2955, 793, 52, 286, 1671, 1568, 1735]),
    "graduates": ([1112, 321, 23, 107, 441, 491, 726], [1240, 165, 19, 88, 538, 562, 561]),
    # 表1-6 (current year only)
    "student_awards_prov_1": (None, [7, 4, 0, 0, 0, 0, 1]),
    "student_awards_prov_2": (None, [14, 6, 0, 0, 2, 2, 0]),
    "student_awards_prov_3": (None, [11, 5, 0, 0, 3, 4, 9]),
    "student_awards_city_1": (None, [16, 11, 2, 0, 1, 4, 4]),
    "student_awards_city_2": (None, [12, 7, 2, 0, 11, 6, 4]),
    "student_awards_city_3": (None, [17, 8, 1, 0, 9, 9, 22]),
    # 表1-7
    "bachelor_admits": ([108, 11, 4, 19, 82, 89, 119], [155, 3, 10, 16, 114, 105, 154]),
    # 表5-1
    "enterprise_equipment_value": ([12, 0, 0, 0, 0, 0, 9.5], [1.5, 0, 0, 0, 0, 0, 10]),
    "open_practice_centers": ([1, 0, 0, 0, 1, 1, 3], [1, 0, 0, 0, 1, 1, 4]),
    "industry_mentors": ([0, 0, 0, 0, 3, 7, 11], [0, 0, 0, 0, 8, 3, 12]),
    "craftsman_mentors": ([0, 0, 0, 0, 0, 0, 3], [0, 0, 0, 0, 0, 0, 3]),
    "mentor_hours": ([0, 0, 0, 0, 120, 70, 480], [0, 0, 0, 0, 70, 120, 480]),
    "mentor_pay": ([0, 0, 0, 0, 3, 0.7, 77], [0, 0, 0, 0, 0.6, 3, 20]),
    "internship_funds": ([20, 0, 0, 10, 6, 5, 10], [596.22, 0, 0, 10, 5, 3, 10]),
    "internship_insurance": (None, [0.56, 0, 0, 3, 0.2, 0.2, 1]),
    # 表6-1
    "staff_quota": ([370, 270, 35, 66, 262, 229, 228], [375, 276, 35, 66, 262, 230, 248]),
    "fulltime_teachers": ([266, 176, 28, 70, 146, 150, 170], [256, 170, 28, 68, 140, 146, 154]),
    # 表6-2 (current year only)
    "teacher_awards_prov_1": (None, [1, 1, 0, 0, 0, 0, 0]),
    "teacher_awards_prov_2": (None, [2, 1, 0, 0, 0, 3, 4]),
    "teacher_awards_prov_3": (None, [4, 3, 0, 0, 1, 6, 0]),
    "teacher_awards_city_1": (None, [7, 1, 0, 1, 1, 4, 6]),
    "teacher_awards_city_2": (None, [1, 0, 0, 0, 1, 2, 3]),
    "teacher_awards_city_3": (None, [0, 0, 0, 0, 0, 0, 0]),
    # 表1-4
    "major_groups": ([5, 10, 0, 3, 0, 6, 0], [1, 10, 0, 3, 0, 11, 0]),
    "majors": ([22, 16, 4, 3, 13, 12, 15], [19, 14, 3, 3, 12, 11, 10]),
    "courses": ([200, 250, 30, 34, 80, 60, 78], [198, 239, 30, 34, 72, 62, 65]),
    "course_hours": (
        [24000, 28000, 3000, 4860, 18000, 7000, 32564],
        [24460, 29373, 3000, 4860, 19890, 7440, 40800],
    ),
    "cert_courses": ([9, 70, 0, 0, 3, 3, 5], [9, 71, 0, 0, 3, 3, 5]),
    "cert_course_hours": ([1100, 8400, 0, 0, 216, 180, 179], [1102, 8449, 0, 0, 216, 180, 200]),
    "textbooks": ([2, 0, 0, 2, 0, 4, 0], [0, 0, 0, 2, 0, 3, 0]),
    # 表2, current year only; 教职工满意度 was not surveyed ("-")
    "sat_students": (None, [87.60, 91.14, 95.45, 93.53, 87.88, 98.06, 91.58]),
    "sat_classroom": (None, [81.60, 87.75, 97.06, 95.00, 90.64, 99.32, 94.14]),
    "sat_extracurricular": (None, [75.90, 90.96, 95.59, 95.50, 90.52, 98.87, 93.28]),
    "sat_ideology_course": (None, [80.50, 93.94, 95.59, 95.50, 89.16, 98.87, 91.20]),
    "sat_public_course": (None, [83.50, 94.22, 97.06, 94.00, 89.19, 97.44, 95.06]),
    "sat_major_course": (None, [85.70, 94.88, 99.02, 95.67, 88.68, 97.89, 95.86]),
    "sat_graduates": (None, [89.40, 91.00, 90.00, 95.30, 99.00, 94.00, 97.00]),
    "sat_graduates_new": (None, [91.50, 93.00, 90.00, 96.20, 97.90, 95.60, 96.47]),
    "sat_graduates_3y": (None, [85.90, 89.00, 90.00, 96.30, 98.60, 90.20, 97.50]),
    "sat_staff": (None, [None] * 7),
    "sat_employers": (None, [85.50, 92.56, 93.00, 100, 93.00, 91.30, 96.30]),
    "sat_parents": (None, [94.30, 94.07, 97.00, 100, 97.00, 90.10, 95.80]),
}

# Rates of 表6-1 / 表1-4 turned back into the counts they are made of.
DUAL_RATE = [60.5, 85.5, 45, 30, 61.8, 43.15, 75.9]
SENIOR_RATE = [27, 28.8, 14.29, 18, 42.86, 20.54, 37.4]
STATIONS_PER_STUDENT = [1.7, 1.74, 2.0, 1, 1.6, 1.3, 1]
EQUIPMENT_PER_STUDENT = [13251.13, 72248.7, 94518.42, 29066, 19952, 19845.24, 25322.58]
INCOME = [2500, 2300, 0, 2600, 2400, 2450, 2420]

# City totals the report prints only for the city (appendix tables); split over the schools.
CITY_TOTALS: dict[str, tuple[float | None, float | None]] = {
    "graduates_placed": (3221, 3170),
    "further_study": (3026, 2841),
    "placed_in_province": (3121, 3081),
    "employed_primary": (5, 5),
    "employed_secondary": (14, 19),
    "employed_tertiary": (166, 304),
    "self_employed": (196, 22),
    "promoted_3y": (212, 180),
    "tracked_3y": (900, 850),
    "online_courses": (1, 1),
    "online_course_hours": (36, 36),
    "coop_courses": (None, 13),
    "coop_course_hours": (None, 2011),
    "resource_libs": (16, 16),
    "resource_libs_national": (1, 1),
    "resource_libs_national_platform": (0, 0),
    "resource_libs_provincial": (0, 0),
    "resource_libs_provincial_platform": (0, 0),
    "resource_libs_school": (15, 15),
    "resource_libs_school_platform": (0, 0),
    "quality_courses": (10, 13),
    "quality_courses_national": (0, 0),
    "quality_courses_national_platform": (0, 0),
    "quality_courses_provincial": (2, 2),
    "quality_courses_provincial_platform": (0, 0),
    "quality_courses_school": (8, 11),
    "quality_courses_school_platform": (0, 0),
    "quality_course_hours": (1026, 1176),
    "quality_course_learners": (6480, 3068),
    "vr_bases": (11, 12),
    "vr_bases_national": (1, 1),
    "vr_bases_national_platform": (0, 0),
    "vr_bases_provincial": (0, 0),
    "vr_bases_provincial_platform": (0, 0),
    "vr_bases_school": (10, 11),
    "vr_bases_school_platform": (0, 0),
    "textbooks_national_plan": (0, 0),
    "textbooks_coop": (0, 0),
    "textbooks_new_form": (0, 0),
    "textbooks_platform": (0, 0),
    "internet_bandwidth": (6300, 8783),
    "backbone_bandwidth": (14900, 14986),
    "first_employed": (189, 335),
    "employed_local": (140, 300),
    "employed_west_northeast": (29, 251),
    "employed_sme": (188, 232),
    "employed_large": (1, 0),
    "tech_service_income": (0, 0),
    "tech_service_benefit": (0, 0),
    "research_funds": (0, 0),
    "ip_trade_income": (2, 0),
    "ip_projects": (None, 2),
    "patents_granted": (None, 0),
    "invention_patents": (None, 0),
    "patent_transfers": (0, 0),
    "patent_transfer_income": (0, 0),
    "training_projects": (33, 27),
    "training_hours": (99167, 233526),
    "public_training_hours": (10996, 7740),
    "training_income": (827.23, 686.60),
    "special_funds": (None, 5785.82),
    "ideology_teachers": (48, 49),
    "pe_teachers": (89, 93),
    "arts_teachers": (70, 35),
    "head_teachers": (318, 315),
    "fitness_tested": (9067, 6071),
    "fitness_passed": (8234, 5143),
    "skill_certificates": (2761, 2728),
}
ZERO_TABLES = ("T5",)  # 国际影响表: all zeros, as in the report
APPROPRIATION = [2300.5, 2100, 2600, 2500, 2200, 2250.25, 2261.35]


def split(total: float | None, weights: list[float], kind: str) -> list[float | None]:
    """`total` shared out in proportion to `weights`; integers stay integers; the parts add up."""
    if total is None:
        return [None] * len(weights)
    scale = 1 if kind == "int" else 100
    units = round(total * scale)
    raw = [units * w / sum(weights) for w in weights]
    parts = [math.floor(r) for r in raw]
    for k in sorted(range(len(raw)), key=lambda k: raw[k] - parts[k], reverse=True)[: units - sum(parts)]:
        parts[k] += 1
    return [p / scale if scale > 1 else float(p) for p in parts]


def _typed_values(catalog: Catalog) -> list[dict[str, YearValue]]:
    students = PER_SCHOOL["fulltime_students"]
    weights = [float(s) for s in students[1]]  # type: ignore[arg-type]
    schools: list[dict[str, YearValue]] = [{} for _ in SCHOOLS]

    def put(ind_id: str, previous: list[float | None] | None, current: list[float | None]) -> None:
        for k in range(len(SCHOOLS)):
            schools[k][ind_id] = YearValue(
                previous=None if previous is None else previous[k], current=current[k]
            )

    for ind_id, (prev, cur) in PER_SCHOOL.items():
        put(ind_id, prev, cur)
    for ind_id, (prev, cur) in CITY_TOTALS.items():
        kind = catalog[ind_id].kind
        put(ind_id, split(prev, weights, kind), split(cur, weights, kind))
    majors = [round(t * r / 100) for t, r in zip(PER_SCHOOL["fulltime_teachers"][1], [62] * 7, strict=True)]  # type: ignore[misc]
    put("major_teachers", majors, majors)  # type: ignore[arg-type]
    put("dual_teachers", None, [round(m * r / 100) for m, r in zip(majors, DUAL_RATE, strict=True)])
    put("senior_dual_teachers", None, split(27, weights, "int"))
    senior = [
        round(t * r / 100) for t, r in zip(PER_SCHOOL["fulltime_teachers"][1], SENIOR_RATE, strict=True)
    ]  # type: ignore[misc]
    put("senior_title_teachers", senior, senior)  # type: ignore[arg-type]
    cur_students = students[1]
    put(
        "practice_stations",
        None,
        [round(s * r) for s, r in zip(cur_students, STATIONS_PER_STUDENT, strict=True)],
    )  # type: ignore[operator]
    put(
        "equipment_value",
        None,
        [round(s * r, 2) for s, r in zip(cur_students, EQUIPMENT_PER_STUDENT, strict=True)],
    )  # type: ignore[operator]
    put("monthly_income", [3000 + 50 * k for k in range(7)], INCOME)  # type: ignore[arg-type]
    put("appropriation_per_student", None, APPROPRIATION)  # type: ignore[arg-type]
    for table in ZERO_TABLES:
        for ind in catalog.get_table(table).indicators:
            put(ind.id, [0.0] * 7, [0.0] * 7)
    schools[2]["monthly_income"] = YearValue(previous=None, current=None)  # 市艺校: no graduates employed
    return schools


def _city(
    school_values: list[dict[str, YearValue]], samples: list[int], catalog: Catalog
) -> dict[str, YearValue]:
    """City values by the real city rules; distinct majors are the reference report's own figures,
    since six of the seven schools come without a majors list."""
    no_lists: dict[str, frozenset[str] | None] = {"previous": None, "current": None}
    units = [
        Unit(SCHOOLS[k][0], values, {i.id: samples[k] for i in catalog.get_table("T2").indicators}, no_lists)
        for k, values in enumerate(school_values)
    ]
    city, _provenance = aggregate(units, catalog)
    city["majors"] = YearValue(previous=74, current=53)
    return city


MAJORS_HANGHOU = [
    ("720201", "护理", 2000, 12, 3, 585, "未调"),
    ("730301", "会计事务", 2000, 4, 1, 214, "未调"),
    ("710201", "计算机应用", 1999, 7, 2, 403, "未调"),
    ("700206", "汽车运用与维修", 2009, 5, 2, 191, "未调"),
    ("660301", "机电技术应用", 2003, 7, 3, 292, "未调"),
    ("770101", "幼儿保育", 1999, 4, 1, 113, "未调"),
    ("142100", "美术", 1999, 0, 0, None, "停办"),
    ("610106", "植物保护", 2013, 6, 2, 211, "未调"),
    ("660101", "机床切削加工", 2023, 2, 1, 28, "新增"),
]

UNTRUSTED_TEXT = "本校学生填写了{{ city.graduates.current }}和{% if x %}这样的字符，应原样输出。"


def png(path: Path, width: int = 240, height: int = 160) -> Path:
    """A small RGB gradient PNG written with zlib and struct only."""

    def chunk(tag: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)
        )

    rows = b"".join(
        b"\x00" + bytes(c for x in range(width) for c in (x * 255 // width, y * 255 // height, 160))
        for y in range(height)
    )
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )
    return path


def make_dataset(folder: Path, *, draft: bool = False) -> Dataset:
    """The dataset; pictures for the cases are written into `folder`."""
    catalog = load_catalog(2024)
    typed = _typed_values(catalog)
    values = [derive(v, catalog) for v in typed]
    samples = [1200, 600, 50, 250, 1500, 1400, 1600]
    photo = png(folder / "case1.png")
    photo2 = png(folder / "case2.png", 200, 260)
    schools = []
    for k, (name, short) in enumerate(SCHOOLS):
        sat = {i.id: samples[k] for i in catalog.get_table("T2").indicators}
        schools.append(
            School(file=f"{short}.xlsx", name=name, short_name=short, values=typed[k], samples=sat)
        )
    first, sports, arts, hanghou = schools[0], schools[3], schools[2], schools[6]
    first.texts = [
        TextBlock(section="1.8", content="市一职与鄂尔多斯生态环境职业学院搭建中高职教育贯通培养。"),
        TextBlock(section="1.1.2", content="开展“五育并举”系列活动。\n组建学生社团32个。"),
    ]
    sports.texts = [TextBlock(section="1.9", content=UNTRUSTED_TEXT)]
    sports.remarks = {
        "student_awards_prov_1": "世界级：3 金、1 银、2 铜",
        "teacher_awards_prov_2": "国赛二等奖 1 项",
    }
    hanghou.texts = [
        TextBlock(section="1.8", content="杭后职教开办“3+2”内农大订单班。"),
        TextBlock(
            section="2.5", content="", image="课堂.png", caption="杭后职教订单班课堂", image_path=str(photo)
        ),
        TextBlock(
            section="1.14",
            content="杭后职教开设以下实践课程：\n表：杭后职教实践课程\n| 类别 | 学习领域 |\n|---|---|\n"
            "| 实践活动 | 劳动教育 |\n| | 公益活动 |\n| 主题教育 | 安全教育 |\n课程由各系部组织。",
        ),
    ]
    first.cases = [
        Case(
            chapter=1,
            title="五育并举 促进学生全面发展",
            body="市一职秉持“促进学生全面发展、个性发展”理念。\n学校优化课程设置，创新教学模式。",
            image="case1.png",
            caption="市一职项目式体育课程",
            image_path=str(photo),
        )
    ]
    arts.cases = [
        Case(
            chapter=3,
            title="端午节纪念活动",
            body="市艺术学校组织师生参加端午活动。",
            image_path=str(folder / "gone.png"),
        )
    ]
    hanghou.cases = [
        Case(
            chapter=5,
            title="产教融合，共建基地，助力产业升级",
            body="杭后职教与哈尔滨第一刀具厂、包头一机厂深度合作共建数控基地。",
            caption="学生上课",
            image_path=str(photo2),
        )
    ]
    hanghou.majors = [
        MajorRow(code=c, name=n, year_set=y, previous_classes=p, new_classes=nc, students=s, adjustment=a)
        for c, n, y, p, nc, s, a in MAJORS_HANGHOU
    ]
    findings = [
        finding(
            "blank",
            "市体校.xlsx",
            sheet="计分卡",
            cell="E5",
            indicator="graduates",
            label="毕业生人数",
            column="2024年",
        ),
        finding(
            "not_a_number", "前旗职中.xlsx", sheet="落实政策", cell="F9", indicator="staff_total", raw="约250"
        ),
    ]
    return Dataset(
        year=2024,
        region=DatasetRegion(name="内蒙古自治区巴彦淖尔市", code="150800"),
        schools=schools,
        school_values={s.name: v for s, v in zip(schools, values, strict=True)},
        city=_city(values, samples, catalog),
        findings=findings,
        draft=draft,
    )


def make_config(base: Path) -> Config:
    return Config(
        year=2024,
        region=Region(name="内蒙古自治区巴彦淖尔市", short="巴彦淖尔市", code="150800"),
        report=Report(compiler="巴彦淖尔市教育局", date="2025年1月", statement_date="2025年1月22日"),
        team=[
            TeamEntry(role="负责人", members=["宋姗姗（巴彦淖尔市教育局副局长）"]),
            TeamEntry(
                role="编制组成员",
                members=["张瑞霞（市教育局职成教科科长）", "王效忠（杭后职教党总支副书记）"],
            ),
            TeamEntry(role="数据采集", members=["王宇（市教育局职成教科科员）"]),
            TeamEntry(role="审定", members=["宋姗姗 张瑞霞"]),
        ],
        base_dir=base,
    )
