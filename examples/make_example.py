"""Generate the example city: the seven secondary vocational schools of Bayannur, 2024.

    python examples/make_example.py                 # writes examples/bayannur/
    python examples/make_example.py --out DIR       # writes the example city into DIR
    python examples/make_example.py --reconcile     # builds examples/bayannur, writes docs/reconciliation.md

The figures come from the reference report (Bayannur 2024 中职质量年报, shared/reference/004_*): its
chapter tables print per-school figures (表1-4, 1-5, 1-6, 1-7, 5-1, 6-1, 6-2, 表2 satisfaction, 表1-1
the majors of 杭后职教), its appendix 表1–表6 the city figures. Where it prints no per-school figure,
the schools' values below are invented but plausible and split so that the city totals (sums by the
catalog's rules, rates recomputed from summed counts) come out as the appendix prints them, wherever
the reference agrees with itself. Where it does not, the per-school figures of the chapter tables win;
docs/reconciliation.md (written by --reconcile) lists every difference and why.

Everything is deterministic: no clock, no unseeded randomness; the .xlsx files are re-zipped with fixed
timestamps so a re-run writes byte-identical files.
"""

from __future__ import annotations

import argparse
import io
import math
import random
import re
import sys
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "examples" / "bayannur"
DOC = ROOT / "docs" / "reconciliation.md"
YEAR = 2024
FIXED_TIME = (2025, 1, 15, 9, 0, 0)  # zip member timestamps and document properties
FIXED_ISO = "2025-01-15T09:00:00Z"
NA = "-"  # typed "not applicable / not collected": counts as no value, never as zero

# --------------------------------------------------------------------------------------------------
# Schools, in the order of the reference's 表1-5 / 表6-1: every per-school list below uses this order.
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SchoolInfo:
    short: str
    name: str
    code: str  # 学校标识码 (10 digits, plausible, not real)
    district: str
    filer: str
    phone: str


SCHOOLS: tuple[SchoolInfo, ...] = (
    SchoolInfo(
        "市一职",
        "巴彦淖尔市第一职业中等专业学校",
        "3115080101",
        "内蒙古自治区巴彦淖尔市临河区",
        "李文静",
        "0478-8211301",
    ),
    SchoolInfo(
        "市职校",
        "巴彦淖尔职业技术学校",
        "3115080102",
        "内蒙古自治区巴彦淖尔市临河区",
        "赵志刚",
        "0478-8211302",
    ),
    SchoolInfo(
        "市艺校", "巴彦淖尔市艺术学校", "3115080103", "内蒙古自治区巴彦淖尔市临河区", "高雅琴", "0478-8211303"
    ),
    SchoolInfo(
        "市体校",
        "巴彦淖尔市体育运动学校",
        "3115080104",
        "内蒙古自治区巴彦淖尔市临河区",
        "孙海峰",
        "0478-8211304",
    ),
    SchoolInfo(
        "前旗职中",
        "乌拉特前旗职业中等专业学校",
        "3115082301",
        "内蒙古自治区巴彦淖尔市乌拉特前旗",
        "刘晓燕",
        "0478-3211305",
    ),
    SchoolInfo(
        "五原职高",
        "五原县高级职业中学",
        "3115082201",
        "内蒙古自治区巴彦淖尔市五原县",
        "张国庆",
        "0478-5211306",
    ),
    SchoolInfo(
        "杭后职教",
        "杭锦后旗职业教育中心",
        "3115082601",
        "内蒙古自治区巴彦淖尔市杭锦后旗",
        "王丽华",
        "0478-6211307",
    ),
)
SHORTS = tuple(s.short for s in SCHOOLS)

# 基本信息 rows of the school's own report (cover, 责任声明, 编制组); the other schools leave them
# blank, which their own reports show as placeholders.
COVERS: dict[str, dict[str, str]] = {
    "杭后职教": {
        "编制日期": "2025年1月",
        "法定代表人": "郭建军",
        "负责人": "郭建军（校长）",
        "编制组成员": "王效忠（党总支副书记）、李春梅（教务科科长）、赵海涛（招生就业科科长）",
        "数据采集": "王丽华（教务科干事）",
        "审定": "郭建军、王效忠",
    },
}

# --------------------------------------------------------------------------------------------------
# Typed values: id -> (2023 per school, 2024 per school), schools in SCHOOLS order.
# Comments name the reference table a row copies; rows without a source are invented to meet the
# city figure named in the comment. NA marks what the reference left blank (not collected).
# --------------------------------------------------------------------------------------------------

Row = tuple[Sequence[Any], Sequence[Any]]


def same(value: Any) -> list[Any]:
    return [value] * len(SCHOOLS)


ZERO: Row = (same(0), same(0))

VALUES: dict[str, Row] = {
    # ---- T1 人才培养质量计分卡 ----
    # 表1-5 (2023 schools sum to 3221 = 表1; the 总计 cell of 表1-5 prints 3321)
    "graduates": ((1112, 321, 23, 107, 441, 491, 726), (1240, 165, 19, 88, 538, 562, 561)),
    # 表1: 3221 / 3170
    "graduates_placed": ((1112, 321, 23, 107, 441, 491, 726), (1239, 165, 19, 88, 538, 561, 560)),
    # 表1: 3026 / 2841, split in proportion to graduates
    "further_study": ((1045, 302, 22, 100, 414, 461, 682), (1110, 148, 17, 79, 482, 503, 502)),
    # 表1-7 (its 2023 schools sum to 432; 表1 prints 389)
    "bachelor_admits": ((108, 11, 4, 19, 82, 89, 119), (155, 3, 10, 16, 114, 105, 154)),
    # rate 96.89 / 97.20 of graduates_placed: 3121 / 3081 (closest reachable, see reconciliation)
    "placed_in_province": ((1082, 309, 21, 95, 427, 477, 710), (1204, 157, 18, 78, 526, 549, 549)),
    # city = mean weighted by employed_total: 3085.70 / 2448.71
    "monthly_income": (
        (3100, 3200, 2800, 3300, 3000, 3050, 3068.40),
        (2500, 2600, 2200, 2800, 2350, 2400, 2384.08),
    ),
    # 表1: 5 / 5, 14 / 19, 166 / 304
    "employed_primary": ((0, 0, 0, 0, 2, 2, 1), (0, 0, 0, 0, 2, 2, 1)),
    "employed_secondary": ((4, 2, 0, 0, 2, 3, 3), (6, 3, 0, 0, 3, 3, 4)),
    "employed_tertiary": ((60, 16, 1, 6, 22, 24, 37), (123, 14, 1, 9, 51, 53, 53)),
    # rate 5.89 / 0.69 of graduates: 190 / 22
    "self_employed": ((66, 19, 1, 7, 26, 30, 41), (0, 7, 1, 0, 0, 0, 14)),
    # rate 23.56 / 21.18: 212 of 900 / 180 of 850
    "promoted_3y": ((76, 25, 3, 8, 31, 34, 35), (64, 22, 2, 6, 27, 30, 29)),
    "tracked_3y": ((320, 105, 12, 33, 135, 145, 150), (300, 100, 10, 30, 130, 140, 140)),
    # ---- T3 教学资源表 ----
    # 表1-4 (2024); 2023 sums to 表3's 24
    "major_groups": ((1, 10, 0, 3, 0, 10, 0), (1, 10, 0, 3, 0, 11, 0)),
    # = the open rows of each 专业设置 list (杭后职教: 11 open rows in 表1-1, 表1-4 says 10)
    "majors": ((20, 15, 3, 3, 12, 10, 11), (19, 14, 3, 3, 12, 11, 11)),
    # 表1-4 (2024); 2023 sums to 表3's 732 / 117424 / 90 / 10075
    "courses": ((205, 245, 30, 34, 80, 68, 70), (198, 239, 30, 34, 72, 62, 65)),
    "course_hours": (
        (23000, 28000, 3000, 4860, 19564, 7000, 32000),
        (24460, 29373, 3000, 4860, 19890, 7440, 40800),
    ),
    "cert_courses": ((9, 70, 0, 0, 3, 3, 5), (9, 71, 0, 0, 3, 3, 5)),
    "cert_course_hours": ((1102, 8377, 0, 0, 216, 180, 200), (1102, 8449, 0, 0, 216, 180, 200)),
    "online_courses": ((0, 0, 0, 0, 0, 0, 1), (0, 0, 0, 0, 0, 0, 1)),
    "online_course_hours": ((0, 0, 0, 0, 0, 0, 36), (0, 0, 0, 0, 0, 0, 36)),
    # 2023 blank in 表3
    "coop_courses": (same(NA), (4, 3, 0, 0, 0, 2, 4)),
    "coop_course_hours": (same(NA), (610, 450, 0, 0, 0, 300, 651)),
    # 表3: total 16 both years; its 2023 parts (1 + 0 + 23) contradict the total: 校级 absorbs it
    "resource_libs": ((4, 3, 0, 0, 1, 2, 6), (4, 3, 0, 0, 1, 2, 6)),
    "resource_libs_national": ((0, 0, 0, 0, 0, 0, 1), (0, 0, 0, 0, 0, 0, 1)),
    "resource_libs_national_platform": ZERO,
    "resource_libs_provincial": ZERO,
    "resource_libs_provincial_platform": ZERO,
    "resource_libs_school": ((4, 3, 0, 0, 1, 2, 5), (4, 3, 0, 0, 1, 2, 5)),
    "resource_libs_school_platform": ZERO,
    # 表3: 10 / 13 courses (its parts print 0 + 2 + 13 both years: 校级 absorbs the difference)
    "quality_courses": ((2, 1, 0, 0, 0, 2, 5), (3, 2, 0, 0, 0, 3, 5)),
    "quality_course_hours": ((270, 136, 0, 0, 0, 180, 440), (276, 180, 0, 0, 0, 270, 450)),
    # 课均学生数 648 / 236: 6480 and 3068 learners
    "quality_course_learners": ((1600, 780, 0, 0, 0, 1300, 2800), (768, 400, 0, 0, 0, 700, 1200)),
    "quality_courses_national": ZERO,
    "quality_courses_national_platform": ZERO,
    "quality_courses_provincial": ((0, 0, 0, 0, 0, 0, 2), (0, 0, 0, 0, 0, 0, 2)),
    "quality_courses_provincial_platform": ZERO,
    "quality_courses_school": ((2, 1, 0, 0, 0, 2, 3), (3, 2, 0, 0, 0, 3, 3)),
    "quality_courses_school_platform": ZERO,
    # 表3: 11 / 12 bases, 4 national (its 校级 11 / 12 contradict the totals: 校级 absorbs it)
    "vr_bases": ((3, 3, 0, 0, 0, 2, 3), (3, 3, 0, 0, 1, 2, 3)),
    "vr_bases_national": ((1, 1, 0, 0, 0, 1, 1), (1, 1, 0, 0, 0, 1, 1)),
    "vr_bases_national_platform": ZERO,
    "vr_bases_provincial": ZERO,
    "vr_bases_provincial_platform": ZERO,
    "vr_bases_school": ((2, 2, 0, 0, 0, 1, 2), (2, 2, 0, 0, 1, 1, 2)),
    "vr_bases_school_platform": ZERO,
    # 表1-4 (2024); 2023 sums to 表3's 8
    "textbooks": ((0, 0, 0, 2, 0, 4, 2), (0, 0, 0, 2, 0, 3, 0)),
    "textbooks_national_plan": ZERO,
    "textbooks_coop": ZERO,
    "textbooks_new_form": ZERO,
    "textbooks_platform": ZERO,
    # 表3: 6300 / 8783 and 14900 / 14986 Mbps
    "internet_bandwidth": (
        (1500, 1000, 200, 300, 1000, 1100, 1200),
        (2000, 1500, 300, 500, 1483, 1500, 1500),
    ),
    "backbone_bandwidth": (
        (4000, 2000, 1000, 1000, 2000, 2000, 2900),
        (4000, 2000, 1000, 1000, 2000, 2000, 2986),
    ),
    # 2024: 表1-4's 生均工位 × students (1.7, 1.74, 2.0, 1, 1.6, 1.3, 1); 2023: city 13372 / 10130 = 1.32
    "practice_stations": ((5100, 1300, 100, 280, 2600, 2100, 1892), (5024, 1380, 104, 286, 2674, 2038, 1735)),
    # 2024: 表1-4's 生均仪器设备值 × students, in 元; 2023: a little below 2024
    "equipment_value": (
        (36500000, 54800000, 4600000, 7900000, 31200000, 29500000, 41800000),
        (39157089.15, 57293219.1, 4914957.84, 8312876, 33339792, 31117336.32, 43934676.3),
    ),
    # ---- T4 服务贡献表 ----
    # 表4: 189 / 335, A 140 / 300, B 29 / 251, C 188 / 232, D 1 / 0
    "first_employed": ((65, 18, 1, 6, 27, 30, 42), (131, 17, 2, 9, 58, 59, 59)),
    "employed_local": ((48, 14, 1, 4, 20, 23, 30), (118, 15, 2, 8, 52, 53, 52)),
    "employed_west_northeast": ((0, 0, 0, 3, 15, 11, 0), (100, 13, 0, 6, 44, 32, 56)),
    "employed_sme": ((65, 18, 1, 6, 27, 29, 42), (90, 12, 1, 5, 40, 42, 42)),
    "employed_large": ((1, 0, 0, 0, 0, 0, 0), same(0)),
    "tech_service_income": ZERO,
    "tech_service_benefit": ZERO,
    "research_funds": ZERO,
    "ip_trade_income": ((0, 0, 0, 0, 0, 0, 2), same(0)),
    # 2023 blank in 表4; 2024: the two projects of 前旗职中 (植绥螨) and 杭后职教 (农机改造)
    "ip_projects": (same(NA), (0, 0, 0, 0, 1, 0, 1)),
    "patents_granted": (same(NA), same(0)),
    "invention_patents": (same(NA), same(0)),
    "patent_transfers": ZERO,
    "patent_transfer_income": ZERO,
    # 表4: 33 / 27 projects, 99167 / 233526 hours, 10996 / 7740 public hours, 827.23 / 686.60 万元
    "training_projects": ((7, 7, 1, 2, 5, 4, 7), (6, 6, 1, 2, 4, 3, 5)),
    "training_hours": (
        (25000, 20000, 800, 2367, 15000, 14000, 22000),
        (60000, 52000, 1200, 4326, 36000, 30000, 50000),
    ),
    "public_training_hours": (
        (2800, 2100, 300, 700, 1700, 1596, 1800),
        (2000, 1500, 240, 500, 1200, 1100, 1200),
    ),
    "training_income": ((220, 190.23, 2.5, 10.5, 125, 110, 169), (180.5, 160.3, 2, 8.8, 105, 90, 140)),
    # ---- T5 国际影响表: all zero (2023 total blank in 表5) ----
    "intl_adopted": (same(NA), same(0)),
    "intl_standards": ZERO,
    "intl_major_standards": ZERO,
    "intl_course_standards": ZERO,
    "intl_resources": ZERO,
    "intl_equipment": ZERO,
    "intl_student_majors": ZERO,
    "intl_students": ZERO,
    "intl_visiting_teachers": ZERO,
    "joint_programs": ZERO,
    "joint_program_students": ZERO,
    "teacher_days_abroad": ZERO,
    "teachers_in_intl_orgs": ZERO,
    "intl_contest_awards": ZERO,
    # ---- T6 落实政策表 ----
    # 表1-5 (2023 schools sum to 10130; 表6 prints 10112)
    "fulltime_students": ((3326, 812, 49, 320, 1680, 1730, 2213), (2955, 793, 52, 286, 1671, 1568, 1735)),
    # 2023 blank in 表6; 2024 weighted by students = 2261.35 元
    "appropriation_per_student": (same(NA), (2100, 3200, 5200, 4800, 2000, 2050, 2043.31)),
    "special_funds": (same(NA), (1850.4, 960.25, 120, 380.5, 820.3, 760.15, 894.22)),
    # 表6-1 (2024); 2023 sums to 表6's 1460 / 1452 / 1006
    "staff_quota": ((370, 276, 35, 66, 258, 230, 225), (375, 276, 35, 66, 262, 230, 248)),
    "staff_total": ((352, 266, 42, 76, 243, 207, 266), (358, 264, 43, 78, 247, 209, 268)),
    "fulltime_teachers": ((266, 176, 29, 70, 148, 152, 165), (256, 170, 28, 68, 140, 146, 154)),
    # 表6: 48 / 49, 89 / 93, 70 / 35, 318 / 315
    "ideology_teachers": ((13, 8, 2, 3, 7, 7, 8), (13, 8, 2, 3, 8, 7, 8)),
    "pe_teachers": ((18, 10, 2, 36, 8, 7, 8), (18, 10, 2, 40, 8, 7, 8)),
    "arts_teachers": ((16, 8, 20, 2, 8, 8, 8), (8, 4, 12, 1, 3, 4, 3)),
    "head_teachers": ((98, 28, 4, 12, 55, 54, 67), (96, 28, 4, 12, 56, 54, 65)),
    # 表6: 9067 / 6071 tested, pass rate 90.81 / 84.71: 8234 / 5143 passed
    "fitness_tested": ((3300, 800, 49, 318, 1600, 1200, 1800), (1980, 530, 52, 286, 1120, 1050, 1053)),
    "fitness_passed": ((3000, 730, 45, 312, 1450, 1090, 1607), (1660, 450, 45, 280, 940, 880, 888)),
    "skill_certificates": ((960, 250, 0, 35, 480, 500, 536), (950, 240, 0, 30, 470, 520, 518)),
    # 表5-1 (2024); 2023 sums to 表6's 21.50 / 6 / 21 / 3 / 670 / 80.70 / 51 / 4.50
    "enterprise_equipment_value": ((3, 0, 0, 0, 3.5, 0, 15), (1.5, 0, 0, 0, 0, 0, 10)),
    "open_practice_centers": ((1, 0, 0, 0, 1, 1, 3), (1, 0, 0, 0, 1, 1, 4)),
    "industry_mentors": ((0, 2, 0, 0, 6, 3, 10), (0, 0, 0, 0, 8, 3, 12)),
    "craftsman_mentors": ((0, 0, 0, 0, 0, 0, 3), (0, 0, 0, 0, 0, 0, 3)),
    "mentor_hours": ((0, 100, 0, 0, 50, 120, 400), (0, 0, 0, 0, 70, 120, 480)),
    "mentor_pay": ((0, 11.5, 0, 0, 1.7, 8.5, 59), (0, 0, 0, 0, 0.6, 3, 20)),
    "internship_funds": ((0, 8, 0, 12, 6, 5, 20), (596.22, 0, 0, 10, 5, 3, 10)),
    "internship_insurance": ((0, 0.4, 0, 2.5, 0.3, 0.3, 1), (0.56, 0, 0, 3, 0.2, 0.2, 1)),
    # ---- S 补充指标 ----
    # 表1-5
    "enrolment": ((966, 350, 12, 86, 578, 603, 718), (953, 245, 23, 76, 559, 463, 1002)),
    # 2024: counts that give 表6-1's school rates (双师型 60.5, 85.5, 45, 30, 61.8, 43.15, 75.9 % of
    # 专业课教师); city 16 / 578 = 2.77 % 高级双师型 as 表3. 2023 blank in 表3: not collected.
    "major_teachers": (same(NA), (152, 110, 22, 40, 76, 95, 83)),
    "dual_teachers": (same(NA), (92, 94, 10, 12, 47, 41, 63)),
    "senior_dual_teachers": (same(NA), (4, 4, 0, 0, 2, 2, 4)),
    # 2024: 表6-1's 高级教师占比 × 专任教师 (27, 28.8, 14.29, 18, 42.86, 20.54, 37.4 %); 2023: 264 / 1006
    "senior_title_teachers": ((68, 47, 4, 12, 55, 28, 50), (69, 49, 4, 12, 60, 30, 58)),
    # 表1-6 (2024); 2023 invented
    "student_awards_prov_1": ((5, 3, 0, 0, 1, 0, 1), (7, 4, 0, 0, 0, 0, 1)),
    "student_awards_prov_2": ((12, 5, 1, 0, 2, 3, 1), (14, 6, 0, 0, 2, 2, 0)),
    "student_awards_prov_3": ((10, 6, 0, 0, 2, 4, 7), (11, 5, 0, 0, 3, 4, 9)),
    "student_awards_city_1": ((15, 10, 2, 0, 2, 5, 5), (16, 11, 2, 0, 1, 4, 4)),
    "student_awards_city_2": ((12, 8, 1, 0, 9, 6, 5), (12, 7, 2, 0, 11, 6, 4)),
    "student_awards_city_3": ((15, 8, 1, 0, 8, 8, 16), (17, 8, 1, 0, 9, 9, 22)),
    # 表6-2 (2024); 2023 invented
    "teacher_awards_prov_1": ((1, 0, 0, 0, 0, 1, 0), (1, 1, 0, 0, 0, 0, 0)),
    "teacher_awards_prov_2": ((2, 1, 0, 0, 1, 2, 3), (2, 1, 0, 0, 0, 3, 4)),
    "teacher_awards_prov_3": ((3, 2, 0, 0, 1, 4, 1), (4, 3, 0, 0, 1, 6, 0)),
    "teacher_awards_city_1": ((5, 1, 1, 1, 1, 3, 5), (7, 1, 0, 1, 1, 4, 6)),
    "teacher_awards_city_2": ((2, 1, 0, 0, 1, 2, 2), (1, 0, 0, 0, 1, 2, 3)),
    "teacher_awards_city_3": ZERO,
}

# 表1-6's 备注 column, verbatim: typed in the 补充指标 sheet's 备注 column of a row that takes one.
REMARKS: dict[str, dict[str, str]] = {
    "市一职": {"student_awards_prov_1": "世界技能铜奖 1 项，金砖国家三等奖 1 项，自治区优胜奖 4 项"},
    "市体校": {
        "student_awards_prov_1": "世界级：3 金、1 银、2 铜；国家级 47 金、39 银、18 铜；区级：70 金、48 银、79 铜"
    },
    "五原职高": {"student_awards_prov_3": "一带一路金砖国家幼儿照护国赛三等奖"},
}

# 表2 各学校满意度调查表 (current year only), reordered into SCHOOLS order; 教职工满意度 "-" for all.
SATISFACTION: dict[str, Sequence[Any]] = {
    "sat_students": (87.60, 91.14, 95.45, 93.53, 87.88, 98.06, 91.58),
    "sat_classroom": (81.60, 87.75, 97.06, 95.00, 90.64, 99.32, 94.14),
    "sat_extracurricular": (75.90, 90.96, 95.59, 95.50, 90.52, 98.87, 93.28),
    "sat_ideology_course": (80.50, 93.94, 95.59, 95.50, 89.16, 98.87, 91.20),
    "sat_public_course": (83.50, 94.22, 97.06, 94.00, 89.19, 97.44, 95.06),
    "sat_major_course": (85.70, 94.88, 99.02, 95.67, 88.68, 97.89, 95.86),
    "sat_graduates": (89.40, 91.00, 90.00, 95.30, 99.00, 94.00, 97.00),
    "sat_graduates_new": (91.50, 93.00, 90.00, 96.20, 97.90, 95.60, 96.47),
    "sat_graduates_3y": (85.90, 89.00, 90.00, 96.30, 98.60, 90.20, 97.50),
    "sat_staff": same(NA),
    "sat_employers": (85.50, 92.56, 93.00, 100, 93.00, 91.30, 96.30),
    "sat_parents": (94.30, 94.07, 97.00, 100, 97.00, 90.10, 95.80),
}
# 样本数 (respondents), invented: students surveyed, graduates (new + three-year), employers, parents.
_STUDENTS_N = (2400, 680, 44, 240, 1350, 1290, 1460)
_NEW_N = (560, 100, 12, 50, 300, 320, 330)
_THREE_N = (260, 50, 7, 20, 120, 130, 130)
SAMPLES: dict[str, Sequence[int | None]] = {
    **{
        k: _STUDENTS_N
        for k in (
            "sat_students",
            "sat_classroom",
            "sat_extracurricular",
            "sat_ideology_course",
            "sat_public_course",
            "sat_major_course",
        )
    },
    "sat_graduates": tuple(a + b for a, b in zip(_NEW_N, _THREE_N, strict=True)),
    "sat_graduates_new": _NEW_N,
    "sat_graduates_3y": _THREE_N,
    "sat_employers": (48, 30, 6, 10, 35, 40, 45),
    "sat_parents": (1900, 520, 40, 200, 1100, 1050, 1200),
}

# --------------------------------------------------------------------------------------------------
# 专业设置. (code, name, year set, weight) for majors taught both years; students of the current year are
# split by weight, classes follow from them. CLOSED: taught in 2023, 停办 in 2024. ADDED: new in 2024.
# 杭后职教 copies 表1-1 (its 专业人数 sum to 2480, more than its 1735 full-time students in 表1-5, so
# they are scaled to 1735); of its four retired 2010-catalogue rows (140800 音乐, 142100 美术,
# 150100 体育, 180400 公关礼仪, all 停办) one is kept: a closed major keeps its old code without a finding.
# --------------------------------------------------------------------------------------------------

MajorSpec = tuple[str, str, int, int]

MAJORS: dict[str, list[MajorSpec]] = {
    "市一职": [
        ("610101", "作物生产技术", 2012, 10),
        ("610301", "畜禽生产技术", 2012, 6),
        ("610110", "果蔬花卉生产技术", 2016, 4),
        ("610202", "园林技术", 2010, 4),
        ("660301", "机电技术应用", 2005, 9),
        ("690101", "食品加工工艺", 2019, 4),
        ("700206", "汽车运用与维修", 2006, 9),
        ("700209", "新能源汽车运用与维修", 2020, 6),
        ("710201", "计算机应用", 2003, 8),
        ("710204", "动漫与游戏制作", 2012, 7),
        ("710206", "计算机平面设计", 2010, 5),
        ("750102", "艺术设计与制作", 2014, 5),
        ("750101", "工艺美术", 2011, 3),
        ("730601", "电子商务", 2015, 6),
        ("760201", "播音与节目主持", 2017, 3),
        ("770101", "幼儿保育", 2009, 8),
        ("740201", "中餐烹饪", 2013, 5),
        ("740203", "中西面点", 2018, 3),
        ("760203", "影像与影视技术", 2021, 3),
    ],
    "市职校": [
        ("700501", "民航运输服务", 2016, 7),
        ("700601", "城市轨道交通运营服务", 2017, 5),
        ("660302", "电气设备运行与控制", 2010, 6),
        ("660301", "机电技术应用", 2006, 5),
        ("700206", "汽车运用与维修", 2006, 6),
        ("710201", "计算机应用", 2004, 6),
        ("710202", "计算机网络技术", 2012, 4),
        ("710209", "大数据技术应用", 2021, 3),
        ("730301", "会计事务", 2004, 4),
        ("730701", "物流服务与管理", 2013, 3),
        ("740104", "高星级饭店运营与管理", 2011, 4),
        ("740201", "中餐烹饪", 2009, 5),
        ("640301", "建筑工程施工", 2008, 4),
        ("730602", "直播电商服务", 2022, 3),
    ],
    "市艺校": [
        ("750201", "音乐表演", 1985, 4),
        ("750202", "舞蹈表演", 1985, 5),
        ("750106", "美术绘画", 1990, 3),
    ],
    "市体校": [
        ("770301", "运动训练", 1978, 8),
        ("770302", "运动保健与康复", 2016, 2),
        ("770303", "社会体育服务与管理", 2018, 2),
    ],
    "前旗职中": [
        ("610104", "现代农艺技术", 2008, 6),
        ("610106", "植物保护", 2012, 4),
        ("610301", "畜禽生产技术", 2010, 5),
        ("610501", "农业机械使用与维护", 2009, 4),
        ("670201", "化学工艺", 2015, 4),
        ("630101", "发电厂及变电站电气设备", 2013, 5),
        ("710201", "计算机应用", 2004, 6),
        ("690102", "食品安全与检测技术", 2016, 3),
        ("740102", "导游服务", 2014, 3),
        ("730501", "市场营销", 2011, 3),
        ("790301", "老年人服务与管理", 2020, 3),
        ("720301", "药剂", 2013, 3),
    ],
    "五原职高": [
        ("610101", "作物生产技术", 2009, 6),
        ("610103", "设施农业生产技术", 2011, 4),
        ("710201", "计算机应用", 2003, 7),
        ("710202", "计算机网络技术", 2010, 6),
        ("710208", "物联网技术应用", 2019, 4),
        ("710206", "计算机平面设计", 2012, 4),
        ("720201", "护理", 2006, 8),
        ("770101", "幼儿保育", 2008, 7),
        ("710102", "电子技术应用", 2005, 3),
        ("720801", "康复技术", 2018, 4),
    ],
}
CLOSED: dict[str, list[tuple[str, str, int]]] = {
    "市一职": [("680402", "服装设计与工艺", 2008)],
    "市职校": [("710102", "电子技术应用", 2005)],
}
ADDED: dict[str, list[tuple[str, str, int]]] = {"五原职高": [("730601", "电子商务", 3)]}
# 表1-1: code, name, year set, 2023 classes, 2024 new classes, 2024 专业人数 (as printed), adjustment
HANGHOU_1_1: list[tuple[str, str, int, int, int, int | None, str]] = [
    ("720201", "护理", 2000, 12, 3, 585, "未调"),
    ("730301", "会计事务", 2000, 4, 1, 214, "未调"),
    ("710201", "计算机应用", 1999, 7, 2, 403, "未调"),
    ("700206", "汽车运用与维修", 2009, 5, 2, 191, "未调"),
    ("660301", "机电技术应用", 2003, 7, 3, 292, "未调"),
    ("770101", "幼儿保育", 1999, 4, 1, 113, "未调"),
    ("140800", "音乐", 1999, 0, 0, None, "停办"),
    ("610106", "植物保护", 2013, 6, 2, 211, "未调"),
    ("610301", "畜禽生产技术", 2015, 6, 2, 276, "未调"),
    ("740101", "旅游服务与管理", 2004, 3, 1, 69, "未调"),
    ("660103", "数控技术应用", 2017, 3, 1, 98, "未调"),
    ("660101", "机床切削加工", 2023, 2, 1, 28, "新增"),
]

# --------------------------------------------------------------------------------------------------
# 文字材料 and 典型案例, paraphrasing what the reference says about each school.
# --------------------------------------------------------------------------------------------------

TEXTS: dict[str, list[tuple[str, str]]] = {
    "市一职": [
        (
            "1.6",
            "学校创新“车间课堂”“农场课堂”等教学形式，把作物生产、设施农业等专业课搬进实训基地和田间地头，学生在真实生产任务中学习，理实一体化教学覆盖全部农类专业。",
        ),
        (
            "1.8",
            "学校与鄂尔多斯生态环境职业学院搭建中高职贯通培养通道，统一制定贯通培养方案，为学生持续学习和发展提供机会。",
        ),
        (
            "3.3",
            "学校依托陶艺、剪纸等社团和工作室，引导学生学习非遗工艺，学生陶艺作品多次在校园文化艺术节展出，对地方传统技艺起到了保护传承作用。",
        ),
        (
            "5.4",
            "学校依托巴彦淖尔国家农业高新技术产业示范区和河套灌区生态农牧业产业化带，建成现代农业生产性实践中心基地，产教融合实践基地种植的辣椒喜获丰收。",
        ),
    ],
    "市职校": [
        (
            "1.9",
            "学校通过开设综合高考班、职业体验课程等方式，促进职业教育与普通教育相互渗透，为学生多样化成长搭建通道。",
        ),
        (
            "5.2",
            "学校与内蒙古交通集团有限公司巴彦淖尔分公司签订电工专业新型学徒制校企合作协议，校企共同培养中级电工维修工。",
        ),
        (
            "3.2",
            "学校举办“红歌嘹亮，共庆华诞”第六届校园大合唱比赛，各班师生以歌颂党、歌颂祖国，赓续红色血脉。",
        ),
        (
            "5.4",
            "2024 年学校与乌拉特中旗机场建立教育实践基地。机场为学生提供真实的运营管理和航空服务环境，学生把课堂所学与实际操作相结合，提升专业技能和实践能力。",
        ),
    ],
    "市艺校": [
        (
            "1.6",
            "学校推行“课堂+舞台”教学模式，以舞台实践检验课堂教学，群舞作品《我的妈妈叫桂梅》在全市展演中获得好评。",
        ),
        ("1.8", "学校与科尔沁艺术职业学院进一步深化合作，开展中高职贯通培养，拓宽艺术类学生升学通道。"),
        (
            "1.9",
            "学校组织教师送教入校，到普通中小学开展音乐、舞蹈、美术等艺术启蒙课程，支持普通学校开展职业启蒙教育。",
        ),
    ],
    "市体校": [
        (
            "1.8",
            "学校与自治区各训练中心共建冰雪、铁人三项、田径、拳击、柔道、摔跤、马术、现代五项后备人才基地，贯通培养体育人才。",
        ),
        (
            "1.9",
            "学校与市内中小学深度合作，以“体校+名校”方式与市第二中学共建北体女子足球少年班、少年队，与汇丰学校共建男子足球少年队和轮滑训练基地，体教融合成效显著。",
        ),
        (
            "2.1",
            "2024 年学校被全国青少年体育联合会授予“突出贡献单位”，射箭项目队被自治区体育局、教育厅授予“优秀运动队”称号。",
        ),
        (
            "5.4",
            "学校与山东泰山体育有限公司、富源壹号院游泳馆、内蒙古宏友酒店有限公司等单位共建体育教育科研和产教融合实训基地。",
        ),
    ],
    "前旗职中": [
        (
            "1.2",
            "学校创建自治区“双优”学校和中等职业教育改革发展示范校，对照建设方案和任务书梳理项目建设情况，撰写中期绩效自评报告，接受中期验收。",
        ),
        (
            "1.9",
            "学校积极探索职普融通人才培养模式，在课程设置、教学方法、评价体系等方面推动两者有机融合，既注重专业技能培养，又强调文化素养提升。",
        ),
        (
            "2.2.1",
            "刘俊清团队带领学生开展“植绥螨”人工饲养研究并取得成功，改良了饲料装置，相关成果获得国家专利。",
        ),
        (
            "2.2.2",
            "学校与内蒙古大学祁智教授团队、内蒙古公田农业科技有限责任公司合作共建乌拉特前旗耕地土壤库，完成土壤采样、装瓶、存储和微量元素分析，已完成 35 亩耕地盐碱化治理。",
        ),
    ],
    "五原职高": [
        (
            "1.4",
            "学校开发编写《网页设计与制作》《PHOTOSHOP 图像处理》《除草剂实用技术》《植物组织培养技术》《幼儿舞蹈》《幼儿心理学》6 门校本教材，建成《计算机网络技术与应用》《解剖学基础》《植物生产与环境》3 门校级在线精品课程。",
        ),
        (
            "1.14",
            "学校以“服务五原学子，成就技能人才”为宗旨，创建物联网、计算机硬件检测与数据恢复等 22 个技能工作室，通过“导师带徒、竞赛引领”培养技能型教师队伍。",
        ),
        (
            "5.2",
            "学校是自治区第二批现代学徒制试点单位，作物生产技术专业是试点专业。学校与五原县卉丰林业有限责任公司合作开展蔬菜育苗和果树苗栽培，农学实训基地种植的“灯笼红”香瓜经济效益良好。",
        ),
        (
            "5.7",
            "学校是锡林郭勒职业学院卫生健康行业产教融合共同体成员单位，依托共同体联合培养卫生健康专业技术人才。",
        ),
    ],
    "杭后职教": [
        ("1.8", "学校开办“3+2”内蒙古农业大学订单班和巴彦淖尔应用技师学院“3+3”长学制班，拓宽学生升学通道。"),
        (
            "1.12",
            "学校以“加快建设、狠抓质量、争创培训品牌、增强创新创业能力”为指导思想，电工、焊工、中西面点师、育婴师、养老护理员等工种培训深受学员好评，形成了培训品牌效应。",
        ),
        (
            "5.2",
            "学校依托方圆制造有限公司、拓乐汽车科技维修服务有限公司等校企共建实训基地，推进计算机、数控、汽修专业学徒制试点，已完成 40 多名学生培养，50% 进入规模型企业。",
        ),
        (
            "5.5",
            "学校建成 8000 多平方米产业学院大楼，重点建设数控加工、护理、机械制造及其自动化、作物生产技术、计算机应用技术 5 个改造升级试点专业。",
        ),
    ],
}


@dataclass(frozen=True)
class CaseSpec:
    chapter: int
    title: str
    body: str
    picture: str | None = None  # file written next to the workbooks and named in 图片
    pasted: bool = False  # the picture is pasted onto the row instead
    caption: str | None = None
    scene: int = 0  # palette of the generated picture


@dataclass(frozen=True)
class PhotoSpec:
    """A photo a school puts in a section (文字材料: 章节, 图片, 图片说明), after its text there."""

    section: str
    caption: str
    picture: str | None = None  # file written next to the workbooks and named in 图片
    scene: int = 0  # palette of the generated picture; without `picture` it is pasted onto the row


# The reference's section photos (图1-6 市艺术学校校本教材, 图1-9 市一职“农场课堂” ...), some named, some pasted.
TEXT_PHOTOS: dict[str, list[PhotoSpec]] = {
    "市一职": [PhotoSpec("1.6", "市一职“农场课堂”", "市一职-农场课堂.jpg", 0)],
    "市艺校": [PhotoSpec("1.6", "巴市艺校“课堂+舞台”：群舞作品《我的妈妈叫桂梅》", scene=1)],
    "市体校": [PhotoSpec("1.9", "市体育学校运动员取得金牌", "市体校-运动员取得金牌.jpg", 2)],
    "前旗职中": [PhotoSpec("2.2.1", "改造后的拖拉机", "前旗职中-改造后的拖拉机.jpg", 1)],
    "杭后职教": [PhotoSpec("1.12", "杭后职教技能课", scene=2)],
    "市职校": [PhotoSpec("5.2", "市职校现代学徒制培养", "市职校-现代学徒制培养.jpg", 0)],
}

CASES: dict[str, list[CaseSpec]] = {
    "市一职": [
        CaseSpec(
            1,
            "五育并举 促学生全面发展",
            "学校秉持“促进学生全面发展、个性发展”理念，围绕“五育并举”育人模式组织育人活动和社会实践。"
            "优化课程设置，开设心理健康课程和课程化的文体活动，创新劳动教育，分设常规、选修劳动课程。"
            "两年来学生的学习态度更加积极，学习成绩、社交能力和团队协作能力都有显著进步。",
            picture="市一职-项目式体育课程.jpg",
            caption="市一职项目式体育课程",
            scene=0,
        ),
        CaseSpec(
            5,
            "立足区域特色 开创育人新篇",
            "学校重点发展作物生产技术、畜禽生产技术等河套地区特色专业，与农业高新技术产业示范区及龙头企业共建实训基地，"
            "构建学校、农高区和企业三方参与的“链式”合作关系。学生在顶岗实习中能独立解决问题，校企双主体培养效果显著。",
        ),
    ],
    "市职校": [
        CaseSpec(
            2,
            "信息化手段助力职业培训便捷化",
            "培训基地与内蒙古同力科技有限公司合作开发线上报名缴费系统，群众用手机即可完成报名和缴费，全年在线报名缴费 1500 余人次。"
            "在线培训系统支持个性化学习路径，本年度在线培训 53 期，学习人数达 1384 人。",
        ),
    ],
    "市艺校": [
        CaseSpec(
            3,
            "端午节纪念活动",
            "2024 年 6 月 7 日，学校组织全校师生前往非遗小镇参加端午活动。师生亲身体验非遗文化，增强了文化自信与民族自豪感，"
            "也锻炼了实践能力与团队合作精神。",
        ),
    ],
    "市体校": [
        CaseSpec(
            4,
            "市体校运动员世界级比赛中取得佳绩",
            "2024 年 6 月，激光跑世界锦标赛在郑州开赛，来自 26 个国家和地区的 599 人报名参加。学校运动员刘振峰、孙婉婷首次代表中国队"
            "参加这一级别的世界大赛，取得 3 枚金牌、2 枚铜牌的突破性成绩。",
            pasted=True,
            caption="运动员刘振峰在比赛中",
            scene=1,
        ),
    ],
    "杭后职教": [
        CaseSpec(
            1,
            "对接产业发展调整专业设置",
            "学校紧密围绕当地农业产业特点开设作物生产技术专业，引入无人机植保模块；对接工业园区需求，加大机电技术应用、数控技术应用"
            "专业投入，增设工业机器人操作与维护等课程；对接现代服务业，与当地农产品电商企业合作开展直播带货实践教学。",
            picture="杭后职教-直播带货实践课堂.jpg",
            caption="杭后职教学生直播带货实践课堂",
            scene=2,
        ),
        CaseSpec(
            2,
            "培育高技能人才 助推地方产业发展",
            "学校与企业协同开展技术服务、工艺改进和产品升级。动力耙农机改造项目帮助当地农民提高了耕作效率和质量，降低了劳动强度，"
            "师生的动手能力和研发水平得到进一步提升，相关成果获得国家专利。",
        ),
    ],
}

# --------------------------------------------------------------------------------------------------
# qreport.toml of the example city (the reference's cover, statement and 编制组)
# --------------------------------------------------------------------------------------------------

TEAM = (
    ("负责人", ["宋姗姗（巴彦淖尔市教育局副局长）"]),
    ("编制组成员", ["张瑞霞（市教育局职成教科科长）", "王效忠（杭后职教党总支副书记）"]),
    ("数据采集", ["王宇（市教育局职成教科科员）"]),
    ("审定", ["宋姗姗", "张瑞霞"]),
)


# City-level sections the shipped default texts cannot know (Bayannur's own policies, its 产教联合体,
# its challenges, the bureau's own account of 立德树人, 党建 and 学校治理), paraphrasing the reference;
# every other section uses the defaults and the schools' texts. With these the example has no 【待补充】.
NARRATIVE: dict[str, str] = {
    # the reference's 表1-2 and 表1-3: free tables (表：标题 and a pipe table) in the section's text
    "1.4": """各学校严格落实《中等职业学校公共基础课程方案》，制订符合国家规定、体现学校特色的专业人才培养方案，每学年安排 40 周的教学活动，各专业总学时数不低于 3000 学时。{{ year }}年，{{ whole }}中等职业学校教学计划内课程共{{ city.courses.current }}门、{{ city.course_hours.current }}学时，其中课证融通课程{{ city.cert_courses.current }}门、{{ city.cert_course_hours.current }}学时，网络教学课程{{ city.online_courses.current }}门，校企合作课程{{ city.coop_courses.current }}门。建有在线精品课程{{ city.quality_courses.current }}门，其中国家级{{ city.quality_courses_national.current }}门、省级{{ city.quality_courses_provincial.current }}门、校级{{ city.quality_courses_school.current }}门。

表：各职业学校公共课程结构
| 课程体系 | 课程结构 | |
|---|---|---|
| 公共课程 | 公共基础课程 | 语文、数学、英语、信息技术、思政、历史、体育、音乐、美术、劳动 |
| | 专业理论课程 | 各专业对口升学、职业发展要求开设的各专业课程 |
| | 专业技能课程 | 以对口升学、技能大赛项目为导向，以课证融通为引领，开设各专业相应的技能课程 |
| | 社团课程 | 剪纸、书画、版画、手工、陶艺、合唱、舞蹈、钢琴、播音、电声、篮球、排球 |

表：各职业学校实践课程目录
| 类别 | 学习领域 | 学习活动方式 |
|---|---|---|
| 主题教育 | 爱国主义教育、社会主义核心价值观教育、铸牢中华民族共同体意识教育、习近平新时代中国特色社会主义思想 | 班团会、国旗下讲话、思政课 |
| | 安全、法治、国防教育、行为规范教育 | 第一课、班团会 |
| 校园文化活动 | 校园文化艺术节、美术陶艺作品、校园技能赛、公共基础课学生竞赛、运动会、冬季越野赛、远足拉练 | 分学校、年级、教研组活动 |
| 实践活动 | 劳动教育 | 基地、技能实训 |
| | 公益活动 | 志愿者进社区 |
| | 学生活动 | 社团、二课 |
""",
    "5.6": """持续推进市域产教联合体建设。巴彦淖尔市现代农牧业市域产教联合体已涵盖河套学院、内蒙古美术职业学院及 5 所中职学校共 7 所院校和兆丰面业、草原宏宝、美洋洋等 58 家企业。{{ year }}年，市教育局举办 3 期农业人才培训班，培训 1200 人；在 6 家企业建立学生实训基地，提供实训岗位 230 个。

市教育局引导学校与企业资源共享、优势互补，推动专业与产业精准对接，学校人才培养规格、目标与企业需求精准匹配，推动形成产教融合新生态。
""",
    "3.4": """市教育局制定《巴彦淖尔市中等职业学校“未来工匠”读书行动方案》，举办全市职业院校读书行动启动大会，把读书行动与理想信念教育、专业实践活动相结合，鼓励师生踊跃参与、深度参与、全程参与，营造浓厚的读书氛围。
""",
    "6.3": """市委、市政府把职业教育纳入全市经济社会发展总体规划，并列入对旗县区党委政府年度实绩考核的重要内容，全面统筹职业教育发展。

- 2022 年 7 月，市人民政府办公室印发《巴彦淖尔市“十四五”教育事业发展规划》（巴政办发〔2022〕37 号），全面规划各级各类教育事业发展。
- 2023 年 2 月，市人民政府印发《巴彦淖尔市教育振兴三年行动计划（2023年—2025年）》（巴政发〔2023〕8 号），明确各类教育的发展目标、重点任务和保障措施。
- 2024 年 3 月，市教育局修订出台《巴彦淖尔市中等职业学校办学质量评价细则》，具体指导规范全市职业教育工作。
""",
    "6.5": """{{ year }}年，市教育局修订发布《巴彦淖尔市中等职业学校办学质量评价细则》，完善中职教育质量评价制度，围绕“一体两翼五重点”加强“五金”建设。每年开展一次中期督查和一次年终综合督导检查，实行学校工作月报制度，全面掌握并促进各项工作有序推进。市教育局编制发布了{{ previous }}年质量年报，继续指导协调理工类、艺术服务类两个职业教育集团。
""",
    "7": """## 挑战 1 产教深度融合、校企紧密合作有待进一步加强

“政、行、企、校”多元主体合作办学的有效机制仍待优化，专业布局、课程教学对新领域、新技术、新工艺、新规范的响应还不够及时。需围绕“一体两翼五重点”，提升专业建设与产业需求的匹配程度，开发一体化、系统化的课程体系和教材体系。

## 挑战 2 普职融通的道路还很漫长，社会对技能型人才的认可程度有待提高

普职融通双向流动的堵点还没有彻底打通：普通高中学生可以转入中职学校，中职学生却难以转入普高。家长和学生对职业教育认可度不高，需要各学校加强宣传、提高培养质量，吸引更多学生选择职业教育。

## 挑战 3 加强国际交流与合作

全市中职学校{{ year }}年开发并被国外采用的标准、资源、装备，接收留学生，中外合作办学均为零。如何拓展国际交流渠道，提升师生的国际视野和跨文化交流能力，是需要思考和解决的问题。
""",
    "1.1.1": """市教育局准确把握中职教育定位，坚持“立德树人、德技并修”，落实“思政课程”和“课程思政”，将思政教育全面融入人才培养方案和专业课程。各学校配齐配足专任思政课教师和德育教师，开齐开足部颁课程，发掘各门课程的德育元素，打造思政示范课堂。
""",
    "1.1.2": """各学校以“五育并举”为引领，使思政课程与其他各类课程在育人上形成协同效应，把价值引领、能力培养和知识传授贯穿于日常教学和各类活动，将家国情怀、社会责任、法治意识、科学精神和创新能力等要素融入育人各环节，形成德育特色案例和课程思政案例。
""",
    "1.1.3": """市教育局重视班主任队伍建设。各学校严格执行班主任选拔条件，通过成立班主任工作室、组织班主任培训和交流、新老班主任“结对子”等举措提升班主任育人能力，构建“社会、学校、家庭”协同育人网络。全市中职学校现有班主任 {{ city.head_teachers.current | int }} 人。
""",
    "1.13.1": """各学校办学能力和水平持续提升，产教对接日益紧密，教学改革深入推进，教学资源建设成效显著。坚持升学与就业并重，利用对口升学、自主招生、“3+3”联办和长学制项目，为学生持续学习和发展提供机会。
""",
    "1.13.2": """学生技术技能水平进一步提升，就业方向更加灵活。2024 年全市中职毕业生去向落实 {{ city.graduates_placed.current | int }} 人，获得职业技能等级证书（含职业资格证书）{{ city.skill_certificates.current | int }} 人。
""",
    "2.3": """各学校通过开展“一老一小”培训，增强托育服务、养老服务等技能培训；加强社区老年大学建设，为社会大众提供非遗传承、传统手工艺、职业技能、生活技能和兴趣类课程培训，服务学习型社会建设。
""",
    "2.4": """各学校与区域企业紧密合作，根据企业需求调整专业设置、优化课程内容，培养符合市场需求的技能型人才；企业为学生提供实习就业机会。这种合作提高了人才培养的针对性和实效性，为区域经济持续发展注入活力。
""",
    "3.1": """各职业学校开展传承中华传统美德系列教育活动，将中华优秀传统文化融入课堂，在课堂、社团和各项活动中渗透优秀传统文化和非遗传承教育，注重文化浸润、感染和熏陶。
""",
    "3.5": """各学校因地制宜，成体系打造书香校园，营造和谐育人环境，多角度、多载体宣传党的教育方针和社会主义核心价值观，推进国家通用语言文字应用工作。
""",
    "5.3": """市教育局打造专业共建、资源共享的校企联合式集团办学模式，先后与本地区 50 多家制造维修企业、学校、医院、幼儿园等签订协议，成立了巴彦淖尔市理工类教育集团和服务类教育集团，促进教育与产业、专业与岗位、教学过程与生产过程的深度对接。
""",
    "6.1.1": """各职业学校坚持以习近平新时代中国特色社会主义思想为引领，制定学习和活动方案，通过中心组学习、主题学习、讲党课、线上线下培训、班团会等形式，深入领会精神实质，提升师生思想道德水平。
""",
    "6.1.2": """各学校落实党组织领导的校长负责制和领导班子成员“一岗双责”，建立党建工作与业务工作同谋划、同部署、同推进、同考核的工作机制，促进党建与业务深度融合。
""",
    "6.1.3": """各学校严格规范发展党员工作流程，把好“入口关”，推进党员模范作用发挥与民主评议党员、党员星级化评定、党员全链条管理相结合。
""",
    "6.2.1": """各学校对照“双优”建设方案和任务书，系统梳理、总结阶段性工作，扎实开展自评，形成中期绩效自评报告，接受自治区中期评价验收。
""",
    "6.2.2": """各职业学校严格落实国家资助政策，将在校在籍的一、二年级学生全部纳入助学金享受范围，确保应助尽助、应补尽补，并按要求评定国家奖学金。
""",
    "6.2.3": """各职业学校认真贯彻新修订的《中华人民共和国职业教育法》和国家、自治区关于现代职业教育高质量发展的文件精神，制定切实可行的管理举措，不断提高学校管理水平和技术技能人才培养质量。
""",
    "6.4.1": """各学校加强党对教育工作的全面领导，健全党组织对学校工作领导的制度机制，落实党的工作全覆盖，“三会一课”制度化，主题教育活动常态化。
""",
    "6.4.2": """各中职学校不断健全以章程为统领的现代学校管理制度，加快建立依法办学、自主管理、民主监督、社会参与的现代职业学校制度。
""",
    "6.4.3": """各学校对接地方经济社会发展和区域行业人才需求，贯彻国家职业教育专业教学标准，及时优化调整专业人才培养方案，全面升级校级课程标准，建立教学指导、专业建设和教材选用委员会。
""",
    "6.4.4": """市教育局按照《巴彦淖尔市中等职业学校办学质量评价细则》成立督导领导小组，健全评价机制，常态化开展各环节督导工作，保障学校各项工作规范落实。
""",
}


def config_text() -> str:
    lines = [
        "# 示例城市：巴彦淖尔市 2024 年中职质量年报。由 examples/make_example.py 生成，请勿手工修改。",
        "",
        f"year = {YEAR}",
        "",
        "[region]",
        'name = "内蒙古自治区巴彦淖尔市"',
        'short = "巴彦淖尔市"',
        'code = "150800"',
        "",
        "[report]",
        'title = "中等职业教育质量年度报告"',
        'compiler = "巴彦淖尔市教育局"',
        'date = "2025年1月"',
        'statement_date = "2025年1月22日"',
        'narrative = "narrative"',
    ]
    for role, members in TEAM:
        lines += [
            "",
            "[[team]]",
            f'role = "{role}"',
            "members = [" + ", ".join(f'"{m}"' for m in members) + "]",
        ]
    for s in SCHOOLS:
        lines += ["", "[[schools]]", f'name = "{s.name}"', f'short_name = "{s.short}"']
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------------------------------
# Majors list rows
# --------------------------------------------------------------------------------------------------


def _split(total: int, weights: Sequence[int]) -> list[int]:
    """`total` split in proportion to `weights` by largest remainder (deterministic, sums exactly)."""
    whole = sum(weights)
    exact = [total * w / whole for w in weights]
    out = [math.floor(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - out[i]), i))
    for i in order[: total - sum(out)]:
        out[i] += 1
    return out


def majors_rows(short: str) -> list[dict[str, Any]]:
    i = SHORTS.index(short)
    students_now = VALUES["fulltime_students"][1][i]
    students_before = VALUES["fulltime_students"][0][i]
    if short == "杭后职教":
        scaled = _split(students_now, [r[5] or 0 for r in HANGHOU_1_1])
        return [
            {
                "code": code,
                "name": name,
                "year_set": year,
                "previous_classes": prev,
                "new_classes": new,
                "students": None if listed is None else n,
                "adjustment": adj,
            }
            for (code, name, year, prev, new, listed, adj), n in zip(HANGHOU_1_1, scaled, strict=True)
        ]
    specs, added, closed = MAJORS[short], ADDED.get(short, []), CLOSED.get(short, [])
    now = _split(students_now, [w for *_x, w in specs] + [w for *_x, w in added])
    before = _split(students_before, [w for *_x, w in specs] + [2] * len(closed))  # closed: last small cohort
    rows: list[dict[str, Any]] = []
    for k, (code, name, year, _w) in enumerate(specs):
        rows.append(
            {
                "code": code,
                "name": name,
                "year_set": year,
                "previous_classes": max(1, round(before[k] / 40)),
                "new_classes": max(1, round(now[k] / 3 / 40)),
                "students": now[k],
                "adjustment": "未调",
            }
        )
    for (code, name, _w), n in zip(added, now[len(specs) :], strict=True):
        rows.append(
            {
                "code": code,
                "name": name,
                "year_set": YEAR,
                "previous_classes": 0,
                "new_classes": max(1, round(n / 40)),
                "students": n,
                "adjustment": "新增",
            }
        )
    for code, name, year in closed:
        rows.append(
            {
                "code": code,
                "name": name,
                "year_set": year,
                "previous_classes": 1,
                "new_classes": 0,
                "students": 0,
                "adjustment": "停办",
            }
        )
    return rows


# --------------------------------------------------------------------------------------------------
# Pictures: small photo-like JPEGs (gradient sky, hills, ground, film grain, pixel-font caption),
# drawn with Pillow. Seeded, so every run draws the same pixels.
# --------------------------------------------------------------------------------------------------

FONT = {  # 5×7 pixel font, rows top to bottom
    "A": ("01110", "10001", "10001", "11111", "10001", "10001", "10001"),
    "B": ("11110", "10001", "10001", "11110", "10001", "10001", "11110"),
    "C": ("01110", "10001", "10000", "10000", "10000", "10001", "01110"),
    "D": ("11110", "10001", "10001", "10001", "10001", "10001", "11110"),
    "E": ("11111", "10000", "10000", "11110", "10000", "10000", "11111"),
    "G": ("01110", "10001", "10000", "10111", "10001", "10001", "01111"),
    "H": ("10001", "10001", "10001", "11111", "10001", "10001", "10001"),
    "I": ("01110", "00100", "00100", "00100", "00100", "00100", "01110"),
    "L": ("10000", "10000", "10000", "10000", "10000", "10000", "11111"),
    "M": ("10001", "11011", "10101", "10101", "10001", "10001", "10001"),
    "N": ("10001", "11001", "10101", "10011", "10001", "10001", "10001"),
    "O": ("01110", "10001", "10001", "10001", "10001", "10001", "01110"),
    "P": ("11110", "10001", "10001", "11110", "10000", "10000", "10000"),
    "R": ("11110", "10001", "10001", "11110", "10100", "10010", "10001"),
    "S": ("01111", "10000", "10000", "01110", "00001", "00001", "11110"),
    "T": ("11111", "00100", "00100", "00100", "00100", "00100", "00100"),
    "U": ("10001", "10001", "10001", "10001", "10001", "10001", "01110"),
    "X": ("10001", "10001", "01010", "00100", "01010", "10001", "10001"),
    "Y": ("10001", "10001", "01010", "00100", "00100", "00100", "00100"),
    "0": ("01110", "10001", "10011", "10101", "11001", "10001", "01110"),
    "1": ("00100", "01100", "00100", "00100", "00100", "00100", "01110"),
    "2": ("01110", "10001", "00001", "00010", "00100", "01000", "11111"),
    "3": ("11110", "00001", "00001", "01110", "00001", "00001", "11110"),
    "4": ("00010", "00110", "01010", "10010", "11111", "00010", "00010"),
    "5": ("11111", "10000", "11110", "00001", "00001", "10001", "01110"),
    "6": ("00110", "01000", "10000", "11110", "10001", "10001", "01110"),
    "7": ("11111", "00001", "00010", "00100", "01000", "01000", "01000"),
    "8": ("01110", "10001", "10001", "01110", "10001", "10001", "01110"),
    "9": ("01110", "10001", "10001", "01111", "00001", "00010", "01100"),
    "-": ("00000", "00000", "00000", "11111", "00000", "00000", "00000"),
    " ": ("00000",) * 7,
}
PALETTES = (  # sky top, sky horizon, hills, ground near, ground far, subject
    ((70, 130, 200), (190, 215, 235), (90, 120, 90), (120, 150, 70), (80, 110, 50), (200, 60, 50)),
    ((40, 80, 160), (230, 200, 170), (110, 100, 120), (170, 130, 80), (120, 90, 60), (240, 200, 40)),
    ((90, 150, 210), (220, 230, 240), (70, 110, 80), (150, 160, 90), (100, 120, 60), (60, 90, 200)),
)


def picture(caption: str, scene: int, width: int = 400, height: int = 266) -> bytes:
    """A photo-like JPEG: sky, sun, hills, field, a few figures, grain, caption band (ASCII).

    Drawn with Pillow from a seeded generator, so every run draws the same pixels."""
    from PIL import Image, ImageDraw

    sky_top, sky_low, hills, near, far, subject = PALETTES[scene % len(PALETTES)]
    rng = random.Random(f"qreport-example-{scene}-{caption}")
    horizon = int(height * 0.55)
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    for y in range(height):
        if y < horizon:
            colour = _mix(sky_top, sky_low, y / horizon)
        else:
            colour = _mix(far, near, (y - horizon) / (height - horizon))
        draw.line([(0, y), (width, y)], fill=colour)
    for y in range(horizon, height, 9):  # furrows
        draw.line([(0, y), (width, y + 6)], fill=_mix(far, (60, 50, 30), 0.35), width=2)
    sun = (int(width * (0.72 - 0.2 * scene)), int(height * 0.2), 22)
    draw.ellipse([sun[0] - sun[2], sun[1] - sun[2], sun[0] + sun[2], sun[1] + sun[2]], fill=(255, 236, 170))
    ridge = [
        (x, horizon - int(18 + 14 * math.sin(x / 37 + scene) + 9 * math.sin(x / 11 + 2 * scene)))
        for x in range(0, width + 1, 4)
    ]
    draw.polygon([(0, horizon), *ridge, (width, horizon)], fill=hills)
    for k in range(4):  # people: a head and a body
        fx, fy = int(width * (0.22 + 0.19 * k)), horizon + 28 + 6 * (k % 2)
        draw.ellipse([fx - 6, fy - 36, fx + 6, fy - 24], fill=subject)
        draw.rectangle([fx - 5, fy - 24, fx + 5, fy], fill=subject)
    grain = Image.frombytes(
        "L", (width // 2, height // 2), bytes(rng.randrange(256) for _ in range(width * height // 4))
    )
    image = Image.blend(image, Image.merge("RGB", [grain.resize((width, height))] * 3), 0.06)
    _caption(image, caption)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=70, optimize=True)
    return out.getvalue()


def _mix(a: Sequence[int], b: Sequence[int], t: float) -> tuple[int, int, int]:
    return (round(a[0] + (b[0] - a[0]) * t), round(a[1] + (b[1] - a[1]) * t), round(a[2] + (b[2] - a[2]) * t))


def _caption(image: Any, text: str) -> None:
    from PIL import ImageDraw

    width, height = image.size
    scale, band = 2, 26
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, height - band, width, height], fill=(30, 30, 30))
    x0, y0 = 10, height - band + (band - 7 * scale) // 2
    for k, ch in enumerate(text.upper()):
        for gy, line in enumerate(FONT.get(ch, FONT[" "])):
            for gx, bit in enumerate(line):
                if bit == "1":
                    x, y = x0 + k * 6 * scale + gx * scale, y0 + gy * scale
                    draw.rectangle([x, y, x + scale - 1, y + scale - 1], fill=(255, 255, 255))


# --------------------------------------------------------------------------------------------------
# Writing the example
# --------------------------------------------------------------------------------------------------


def _typed(value: Any, integer: bool) -> Any:
    if isinstance(value, str) or value is None:
        return value
    if integer:
        return int(value)
    return int(value) if float(value).is_integer() else float(value)


def school_values(short: str, catalog: Any) -> dict[str, tuple[Any, Any]]:
    i = SHORTS.index(short)
    out: dict[str, tuple[Any, Any]] = {}
    for ind_id, (before, now) in VALUES.items():
        integer = catalog[ind_id].is_integer
        out[ind_id] = (_typed(before[i], integer), _typed(now[i], integer))
    for ind_id, now in SATISFACTION.items():
        out[ind_id] = (None, _typed(now[i], False))
    return out


def _case_rows(short: str) -> list[dict[str, Any]]:
    rows = []
    for c in CASES.get(short, []):
        row: dict[str, Any] = {"chapter": c.chapter, "title": c.title, "body": c.body}
        if c.picture:
            row["image"] = c.picture
        if c.caption:
            row["caption"] = c.caption
        rows.append(row)
    return rows


def _picture_caption(chapter: int, index: int) -> str:
    return f"BAYANNUR {YEAR}  CASE {chapter}-{index}"


def _text_rows(short: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = [{"section": sec, "content": text} for sec, text in TEXTS.get(short, [])]
    for photo in TEXT_PHOTOS.get(short, []):
        row = {"section": photo.section, "caption": photo.caption}
        if photo.picture:
            row["image"] = photo.picture
        # after the school's text in that section, so the photo follows it
        last = max((k for k, r in enumerate(rows) if r["section"] == photo.section), default=len(rows) - 1)
        rows.insert(last + 1, row)
    return rows


def _paste(path: Path, sheet: str, column: str, rows: list[tuple[int, bytes]]) -> None:
    """Paste each picture onto its row (a row number below the header) of `sheet`."""
    from openpyxl import load_workbook
    from openpyxl.drawing.image import Image

    wb = load_workbook(path)
    for row, data in rows:
        image = Image(io.BytesIO(data))
        image.width, image.height = 150, 100
        wb[sheet].add_image(image, f"{column}{row}")
    wb.save(path)


def _row_of(path: Path, sheet: str, column: int, text: str) -> int:
    from openpyxl import load_workbook

    ws = load_workbook(path)[sheet]
    return next(r for r in range(1, ws.max_row + 1) if ws.cell(r, column).value == text)


def write_school(folder: Path, info: SchoolInfo, catalog: Any) -> Path:
    from qreport.workbook.fill import fill_workbook
    from qreport.workbook.template import write_template

    path = folder / f"{info.name}.xlsx"
    write_template(path, catalog, school=info.name)
    fill_workbook(
        path,
        info={
            "学校名称": info.name,
            "学校简称": info.short,
            "学校标识码": info.code,
            "所在地区": info.district,
            "填报人": info.filer,
            "联系电话": info.phone,
            "填报年度": YEAR,
            **COVERS.get(info.short, {}),
        },
        values=school_values(info.short, catalog),
        samples={k: v[SHORTS.index(info.short)] for k, v in SAMPLES.items()},
        remarks=REMARKS.get(info.short, {}),
        majors=majors_rows(info.short),
        texts=_text_rows(info.short),
        cases=_case_rows(info.short),
        catalog=catalog,
    )
    pasted: dict[str, list[tuple[int, bytes]]] = {"典型案例": [], "文字材料": []}
    for k, c in enumerate(CASES.get(info.short, []), 1):
        if not (c.picture or c.pasted):
            continue
        data = picture(_picture_caption(c.chapter, k), c.scene)
        if c.picture:
            (folder / c.picture).write_bytes(data)
        if c.pasted:
            pasted["典型案例"].append((_row_of(path, "典型案例", 2, c.title), data))
    for k, photo in enumerate(TEXT_PHOTOS.get(info.short, []), 1):
        data = picture(f"BAYANNUR {YEAR}  {photo.section}-{k}", photo.scene)
        if photo.picture:
            (folder / photo.picture).write_bytes(data)
        else:
            pasted["文字材料"].append((_row_of(path, "文字材料", 4, photo.caption), data))
    for sheet, rows in pasted.items():
        if rows:
            _paste(path, sheet, "D" if sheet == "典型案例" else "C", rows)
    normalize_xlsx(path)
    return path


def normalize_xlsx(path: Path) -> None:
    """Re-zip with fixed member timestamps and document dates, so identical content gives identical bytes."""
    with zipfile.ZipFile(path) as zin:
        members = [(info, zin.read(info.filename)) for info in zin.infolist()]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zout:
        for info, data in members:
            if info.filename == "docProps/core.xml":
                text = data.decode("utf-8")
                text = re.sub(
                    r"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)", rf"\g<1>{FIXED_ISO}\g<2>", text
                )
                data = text.encode("utf-8")
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            zout.writestr(fixed, data, compresslevel=6)
    path.write_bytes(buffer.getvalue())


def generate(folder: Path = DEFAULT_OUT) -> list[Path]:
    """Write the example city into `folder`: seven workbooks, their pictures and qreport.toml."""
    from qreport.catalog.indicators import load_catalog

    catalog = load_catalog(YEAR)
    folder.mkdir(parents=True, exist_ok=True)
    written = [write_school(folder, info, catalog) for info in SCHOOLS]
    config = folder / "qreport.toml"
    config.write_text(config_text(), encoding="utf-8")
    written.append(config)
    narrative = folder / "narrative"
    narrative.mkdir(exist_ok=True)
    for section, text in NARRATIVE.items():
        path = narrative / f"{section}.md"
        path.write_text(text, encoding="utf-8")
        written.append(path)
    written += sorted(folder / c.picture for cases in CASES.values() for c in cases if c.picture)
    written += sorted(folder / p.picture for photos in TEXT_PHOTOS.values() for p in photos if p.picture)
    return written


# --------------------------------------------------------------------------------------------------
# Reconciliation: qreport's city figures against those the reference printed
# --------------------------------------------------------------------------------------------------

Ref = float | None
# id -> (2023, 2024) as printed in the appendix tables; None = left blank.
APPENDIX: dict[str, list[tuple[str, Ref, Ref]]] = {
    "表1 人才培养质量计分卡": [
        ("graduates", 3221, 3173),
        ("graduates_placed", 3221, 3170),
        ("further_study", 3026, 2841),
        ("bachelor_admits", 389, 557),
        ("placed_in_province_rate", 96.89, 97.20),
        ("monthly_income", 3085.70, 2448.71),
        ("employed_total", 185, 328),
        ("employed_primary", 5, 5),
        ("employed_secondary", 14, 19),
        ("employed_tertiary", 166, 304),
        ("self_employment_rate", 5.89, 0.69),
        ("promotion_rate_3y", 23.56, 21.18),
    ],
    "表3 教学资源表": [
        ("student_teacher_ratio", 8.68, 9.42),
        ("dual_teacher_rate", None, 57.40),
        ("senior_dual_teacher_rate", None, 2.77),
        ("senior_title_rate", 26.26, 26.41),
        ("major_groups", 24, 14),
        ("majors", 74, 53),
        ("courses", 732, 700),
        ("course_hours", 117424, 129823),
        ("cert_courses", 90, 91),
        ("cert_course_hours", 10075, 10147),
        ("online_courses", 1, 1),
        ("online_course_hours", 36, 36),
        ("coop_courses", None, 13),
        ("coop_course_hours", None, 2011),
        ("resource_libs", 16, 16),
        ("resource_libs_national", 1, 1),
        ("resource_libs_national_platform", 0, 0),
        ("resource_libs_provincial", 0, 0),
        ("resource_libs_provincial_platform", 0, 0),
        ("resource_libs_school", 23, 15),
        ("resource_libs_school_platform", 0, 0),
        ("quality_courses", 10, 13),
        ("quality_course_hours", 1026, 1176),
        ("quality_course_avg_learners", 648, 236),
        ("quality_courses_national", 0, 0),
        ("quality_courses_national_platform", 0, 0),
        ("quality_courses_provincial", 2, 2),
        ("quality_courses_provincial_platform", 0, 0),
        ("quality_courses_school", 13, 13),
        ("quality_courses_school_platform", 0, 0),
        ("vr_bases", 11, 12),
        ("vr_bases_national", 4, 4),
        ("vr_bases_national_platform", 0, 0),
        ("vr_bases_provincial", 0, 0),
        ("vr_bases_provincial_platform", 0, 0),
        ("vr_bases_school", 11, 12),
        ("vr_bases_school_platform", 0, 0),
        ("textbooks", 8, 5),
        ("textbooks_national_plan", 0, 0),
        ("textbooks_coop", 0, 0),
        ("textbooks_new_form", 0, 0),
        ("textbooks_platform", 0, 0),
        ("internet_bandwidth", 6300, 8783),
        ("backbone_bandwidth", 14900, 14986),
        ("practice_stations_per_student", 1.32, 1.48),
        ("equipment_value_per_student", 34872.71, 39147.44),
    ],
    "表4 服务贡献表": [
        ("first_employed", 189, 335),
        ("employed_local", 140, 300),
        ("employed_west_northeast", 29, 251),
        ("employed_sme", 188, 232),
        ("employed_large", 1, 0),
        ("tech_service_income", 0, 0),
        ("tech_service_benefit", 0, 0),
        ("research_funds", 0, 0),
        ("ip_trade_income", 2, 0),
        ("ip_projects", None, 2),
        ("patents_granted", None, 0),
        ("invention_patents", None, 0),
        ("patent_transfers", 0, 0),
        ("patent_transfer_income", 0, 0),
        ("training_projects", 33, 27),
        ("training_hours", 99167, 233526),
        ("public_training_hours", 10996, 7740),
        ("training_income", 827.23, 686.60),
    ],
    "表5 国际影响表": [
        ("intl_adopted", None, 0),
        ("intl_standards", 0, 0),
        ("intl_major_standards", 0, 0),
        ("intl_course_standards", 0, 0),
        ("intl_resources", 0, 0),
        ("intl_equipment", 0, 0),
        ("intl_student_majors", 0, 0),
        ("intl_students", 0, 0),
        ("intl_visiting_teachers", 0, 0),
        ("joint_programs", 0, 0),
        ("joint_program_students", 0, 0),
        ("teacher_days_abroad", 0, 0),
        ("teachers_in_intl_orgs", 0, 0),
        ("intl_contest_awards", 0, 0),
    ],
    "表6 落实政策表": [
        ("fulltime_students", 10112, 9060),
        ("appropriation_per_student", None, 2261.35),
        ("special_funds", None, 5785.82),
        ("staff_quota", 1460, 1492),
        ("staff_total", 1452, 1467),
        ("fulltime_teachers", 1006, 962),
        ("ideology_teachers", 48, 49),
        ("pe_teachers", 89, 93),
        ("arts_teachers", 70, 35),
        ("head_teachers", 318, 315),
        ("fitness_tested", 9067, 6071),
        ("fitness_pass_rate", 90.81, 84.71),
        ("skill_certificates", 2761, 2728),
        ("enterprise_equipment_value", 21.50, 11.50),
        ("open_practice_centers", 6, 7),
        ("industry_mentors", 21, 23),
        ("craftsman_mentors", 3, 3),
        ("mentor_hours", 670, 670),
        ("mentor_pay", 80.70, 23.60),
        ("internship_funds", 51, 624.22),
        ("internship_insurance", 4.50, 4.96),
    ],
}
# The 合计 rows/columns of the chapter tables: (table, id, 2023, 2024); only the years the table prints.
CHAPTER: list[tuple[str, str, Ref, Ref]] = [
    ("表1-4", "major_groups", None, 14),
    ("表1-4", "majors", None, 53),
    ("表1-4", "courses", None, 700),
    ("表1-4", "course_hours", None, 129823),
    ("表1-4", "cert_courses", None, 91),
    ("表1-4", "cert_course_hours", None, 10147),
    ("表1-4", "textbooks", None, 5),
    ("表1-4", "practice_stations_per_student", None, 1.48),
    ("表1-4", "equipment_value_per_student", None, 39147.44),
    ("表1-5", "staff_total", None, 1467),
    ("表1-5", "enrolment", 3313, 3321),
    ("表1-5", "fulltime_students", 10130, 9060),
    ("表1-5", "graduates", 3321, 3173),
    ("表1-6", "student_awards_prov_1", None, 12),
    ("表1-6", "student_awards_prov_2", None, 24),
    ("表1-6", "student_awards_prov_3", None, 32),
    ("表1-6", "student_awards_city_1", None, 38),
    ("表1-6", "student_awards_city_2", None, 42),
    ("表1-6", "student_awards_city_3", None, 68),
    ("表1-7", "bachelor_admits", 432, 557),
    ("表5-1", "enterprise_equipment_value", None, 11.5),
    ("表5-1", "open_practice_centers", None, 7),
    ("表5-1", "industry_mentors", None, 23),
    ("表5-1", "craftsman_mentors", None, 3),
    ("表5-1", "mentor_hours", None, 670),
    ("表5-1", "mentor_pay", None, 23.6),
    ("表5-1", "internship_funds", None, 624.22),
    ("表5-1", "internship_insurance", None, 4.96),
    ("表6-1", "staff_quota", None, 1492),
    ("表6-1", "staff_total", None, 1467),
    ("表6-1", "fulltime_teachers", None, 962),
    ("表6-1", "student_teacher_ratio", None, 9.42),
    ("表6-1", "dual_teacher_rate", None, 57.4),
    ("表6-1", "senior_title_rate", None, 26.98),
    ("表6-2", "teacher_awards_prov_1", None, 2),
    ("表6-2", "teacher_awards_prov_2", None, 10),
    ("表6-2", "teacher_awards_prov_3", None, 14),
    ("表6-2", "teacher_awards_city_1", None, 20),
    ("表6-2", "teacher_awards_city_2", None, 7),
    ("表6-2", "teacher_awards_city_3", None, 0),
]
# School rates printed in 表6-1 (SCHOOLS order), compared with the rates qreport derives per school.
SCHOOL_RATES: dict[str, Sequence[float]] = {
    "student_teacher_ratio": (11.5, 4.66, 1.86, 4.21, 11.94, 10.74, 11.26),
    "dual_teacher_rate": (60.5, 85.5, 45, 30, 61.8, 43.15, 75.9),
    "senior_title_rate": (27, 28.8, 14.29, 18, 42.86, 20.54, 37.4),
    "practice_stations_per_student": (1.7, 1.74, 2.0, 1, 1.6, 1.3, 1),
    "equipment_value_per_student": (13251.13, 72248.7, 94518.42, 29066, 19952, 19845.24, 25322.58),
}

# Why a figure differs (or why it is blank on both sides). Keys: (id, "previous"|"current"), or
# (table, id, which) for a chapter table. `{name}` is filled from facts() computed on the dataset.
NOTES: dict[tuple[str, ...], str] = {
    (
        "bachelor_admits",
        "previous",
    ): "表1-7 的七校 2023 年数（108、11、4、19、82、89、119）合计 432，与表1-7 的“合计”一致；表1 印 389，任何一组学校数都得不出。qreport 取各校之和。",
    (
        "placed_in_province_rate",
        "previous",
    ): "3121 ÷ 3221 = {pip_prev}%。参考报告在多处截尾而非四舍五入（96.89、5.89、表6-1 的 11.26、20.54、43.15），qreport 四舍五入。",
    (
        "placed_in_province_rate",
        "current",
    ): "分母为毕业去向落实人数 3170 时，没有整数分子能得出 97.20%（3081 → 97.19，3082 → 97.22），示例取 3081。若以毕业生 3173 为分母，3084 ÷ 3173 = 97.20：参考报告可能用错了分母。",
    ("self_employment_rate", "previous"): "190 ÷ 3221 = {se_prev}%，参考报告截尾为 5.89。",
    (
        "student_teacher_ratio",
        "previous",
    ): "qreport：10130 ÷ 1006 = {str_prev}。8.68 无法由参考报告自己的数得出：按表6 的 10112 ÷ 1006 也是 10.05。",
    (
        "dual_teacher_rate",
        "previous",
    ): "参考报告空白：2023 年未统计双师型教师。各校 2023 年栏填“-”，没有数据就没有比率，qreport 不推算。",
    ("senior_dual_teacher_rate", "previous"): "同上，2023 年未统计。",
    (
        "dual_teacher_rate",
        "current",
    ): "57.40 是表6-1 七校比例的简单平均（{dual_mean}）。qreport 按口径用全市双师型教师 {dual_sum} 人 ÷ 全市专业课教师 {major_sum} 人重算，不平均学校比率。",
    (
        "senior_title_rate",
        "previous",
    ): "专任教师 1006 人时没有整数能得出 26.26%（264 → 26.24，265 → 26.34），示例取 264 人。",
    (
        "senior_title_rate",
        "current",
    ): "各校高级职称教师数按表6-1 各校比例反推（合计 {senior_sum} 人），{senior_sum} ÷ 962 = {senior_cur}%。表6-1 的 26.98 是七校比例的简单平均（{senior_mean}）；表3 的 26.41 约合 254 人，与各校比例对不上。",
    (
        "major_groups",
        "current",
    ): "表1-4 七校专业群数 10、1、0、3、0、11、0 合计 25；表1-4 的“14（全市）”与表3 的 14 似为全市去重数。本指标口径为各校之和（2023 年的 24 也是各校之和）。",
    (
        "majors",
        "previous",
    ): "参考报告 2023 年的 74 等于各校专业数之和（示例七校 2023 年专业数合计 74），2024 年的 53 才是全市去重数。qreport 两年都按各校专业设置表中开设的专业代码去重：2023 年 {majors_prev} 个。",
    (
        "resource_libs_school",
        "previous",
    ): "参考报告 2023 年合计 16 ≠ 国家级 1 + 省级 0 + 校级 23。工作簿要求合计等于各级之和（否则报错），示例保留合计 16，校级取 15。",
    (
        "quality_courses_school",
        "previous",
    ): "参考报告 2023 年合计 10 ≠ 0 + 2 + 13。示例保留合计 10，校级取 8。",
    (
        "quality_courses_school",
        "current",
    ): "参考报告 2024 年合计 13 ≠ 0 + 2 + 13。示例保留合计 13，校级取 11。",
    (
        "vr_bases_school",
        "previous",
    ): "参考报告 2023 年合计 11 ≠ 国家级 4 + 省级 0 + 校级 11。示例保留合计 11，校级取 7。",
    ("vr_bases_school", "current"): "参考报告 2024 年合计 12 ≠ 4 + 0 + 12。示例保留合计 12，校级取 8。",
    (
        "practice_stations_per_student",
        "current",
    ): "1.48 是表1-4 七校值的简单平均（{stations_mean}）。qreport：全市工位 {stations_sum} ÷ 全市在校生 9060。（2023 年参考报告未印各校数，示例按全市 1.32 取工位数，故 2023 年一致。）",
    (
        "equipment_value_per_student",
        "previous",
    ): "示例各校 2023 年设备值略低于 2024 年，qreport：全市设备总值 ÷ 全市在校生 10130。要得出 34872.71，全市 2023 年设备总值须为 3.53 亿元，是 2024 年（{equipment_cur_total} 亿元）的 1.6 倍，不合理；此值应同 2024 年一样是各校值的平均（示例各校 2023 年值的简单平均为 {equipment_prev_mean}）。",
    (
        "equipment_value_per_student",
        "current",
    ): "七校值（表1-4）的简单平均为 {equipment_mean}，参考报告印 39147.44（与简单平均也差 {equipment_gap}）。qreport：全市设备总值 {equipment_cur_total} 亿元 ÷ 全市在校生 9060，大校生均值低，故加权后远低于简单平均。",
    ("coop_courses", "previous"): "参考报告空白（2023 年未统计），各校填“-”，qreport 保持空值。",
    ("coop_course_hours", "previous"): "同上。",
    ("ip_projects", "previous"): "参考报告空白（2023 年未统计），各校填“-”，qreport 保持空值。",
    ("patents_granted", "previous"): "同上。",
    ("invention_patents", "previous"): "同上。",
    ("intl_adopted", "previous"): "参考报告空白（其各分项为 0）。各校填“-”，qreport 保持空值。",
    (
        "fulltime_students",
        "previous",
    ): "表1-5 七校 2023 年在校生合计 10130（其总计栏亦为 10130），表6 印 10112。qreport 取各校之和。",
    ("appropriation_per_student", "previous"): "参考报告空白（2023 年未统计），各校填“-”，qreport 保持空值。",
    ("special_funds", "previous"): "同上。",
    (
        "表1-5",
        "graduates",
        "previous",
    ): "表1-5 总计栏印 3321，但七校数（1112、321、23、107、441、491、726）相加为 3221，与表1 一致：总计栏疑误抄了招生数 3321。",
    (
        "表1-6",
        "student_awards_city_3",
        "current",
    ): "七校市级三等奖 17 + 8 + 1 + 0 + 9 + 9 + 22 = 66，合计栏印 68。qreport 取各校之和。",
    ("表1-4", "major_groups", "current"): "见表3 专业群数量：七校之和 25，表1-4 印“14（全市）”。",
    (
        "表1-4",
        "practice_stations_per_student",
        "current",
    ): "“全市”栏是七校值的简单平均（{stations_mean}），qreport 按全市工位数 ÷ 全市在校生重算。",
    (
        "表1-4",
        "equipment_value_per_student",
        "current",
    ): "见表3：简单平均约 {equipment_mean}，qreport 加权得 {equipment_cur}。",
    (
        "表6-1",
        "dual_teacher_rate",
        "current",
    ): "合计栏 57.4 是七校比例的简单平均（{dual_mean}）；qreport：{dual_sum} ÷ {major_sum}。",
    (
        "表6-1",
        "senior_title_rate",
        "current",
    ): "合计栏 26.98 是七校比例的简单平均（{senior_mean}）；qreport：{senior_sum} ÷ 962。",
}
# Per-school rate differences explained (short, school).
SCHOOL_NOTES: dict[tuple[str, str], str] = {
    (
        "dual_teacher_rate",
        "五原职高",
    ): "43.15 只能由 63 ÷ 146（全部专任教师）得出；以专业课教师为分母取 41 ÷ 95 = 43.16（截尾为 43.15）。",
    ("senior_title_rate", "杭后职教"): "154 名专任教师时得不出 37.4%（57 → 37.01，58 → 37.66），示例取 58。",
    ("senior_title_rate", "五原职高"): "30 ÷ 146 = 20.548，参考报告截尾为 20.54。",
    ("student_teacher_ratio", "杭后职教"): "1735 ÷ 154 = 11.266，参考报告截尾为 11.26。",
}


def fmt(v: float | None, integer: bool = False) -> str:
    if v is None:
        return "-"
    if integer:
        return str(round(v))
    if float(v).is_integer():
        return str(int(v))
    return f"{v:.2f}"


@dataclass
class Reconciliation:
    city: Mapping[str, Mapping[str, float | None]]
    schools: list[Mapping[str, Any]]
    catalog: Any
    findings: list[Mapping[str, Any]]
    facts: dict[str, str] = field(default_factory=dict)
    unexplained: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: {"rows": 0, "same": 0, "blank": 0})

    def value(self, ind_id: str, which: str) -> float | None:
        return self.city[ind_id][which]

    def school_sum(self, ind_id: str, which: str = "current") -> float:
        return math.fsum(s["values"][ind_id][which] or 0 for s in self.schools)


def _facts(r: Reconciliation) -> dict[str, str]:
    def mean(values: Sequence[float]) -> str:
        return f"{math.fsum(values) / len(values):.2f}"

    eq_prev = [s["values"]["equipment_value_per_student"]["previous"] for s in r.schools]
    eq_mean = math.fsum(SCHOOL_RATES["equipment_value_per_student"]) / len(SCHOOLS)
    return {
        "pip_prev": f"{r.value('placed_in_province_rate', 'previous'):.4f}",
        "se_prev": f"{r.value('self_employment_rate', 'previous'):.4f}",
        "str_prev": f"{r.value('student_teacher_ratio', 'previous'):.2f}",
        "dual_mean": mean(SCHOOL_RATES["dual_teacher_rate"]),
        "dual_sum": fmt(r.school_sum("dual_teachers"), True),
        "major_sum": fmt(r.school_sum("major_teachers"), True),
        "senior_sum": fmt(r.school_sum("senior_title_teachers"), True),
        "senior_cur": f"{r.value('senior_title_rate', 'current'):.2f}",
        "senior_mean": mean(SCHOOL_RATES["senior_title_rate"]),
        "majors_prev": fmt(r.value("majors", "previous"), True),
        "dual_cur": f"{r.value('dual_teacher_rate', 'current'):.2f}",
        "stations_mean": mean(SCHOOL_RATES["practice_stations_per_student"]),
        "stations_sum": fmt(r.school_sum("practice_stations"), True),
        "equipment_mean": f"{eq_mean:.2f}",
        "equipment_gap": f"{eq_mean - 39147.44:.2f}",
        "equipment_cur": f"{r.value('equipment_value_per_student', 'current'):.2f}",
        "equipment_cur_total": f"{r.school_sum('equipment_value') / 1e8:.2f}",
        "equipment_prev_mean": mean([v for v in eq_prev if v is not None]),
    }


def _compare(ref: Ref, got: float | None, integer: bool) -> tuple[str, bool]:
    """(差异 text, differs)."""
    if ref is None and got is None:
        return "均空", False
    if ref is None or got is None:
        return "一方为空", True
    diff = round(got, 0 if integer else 2) - ref
    if abs(diff) < 0.005:
        return "0", False
    return (f"{diff:+.0f}" if integer else f"{diff:+.2f}"), True


def _printed(ref: Ref, integer: bool) -> str:
    """A reference figure as the chapter tables print it (11.5, 2.0, 57.4), not re-formatted."""
    if ref is None:
        return "-"
    return str(round(ref)) if integer or isinstance(ref, int) else str(ref)


def _row(
    r: Reconciliation,
    label: str,
    key: tuple[str, ...],
    ref: Ref,
    got: float | None,
    integer: bool,
    *,
    printed: bool = False,
) -> str:
    diff, differs = _compare(ref, got, integer)
    note = NOTES.get(key, "")
    if differs and not note:
        r.unexplained.append(f"{label}: 参考 {fmt(ref, integer)}，qreport {fmt(got, integer)}")
    r.counts["rows"] += 1
    r.counts["same"] += not differs and ref is not None
    r.counts["blank"] += ref is None and got is None
    note = note.format(**r.facts)
    shown = _printed(ref, integer) if printed else fmt(ref, integer)
    return f"| {label} | {shown} | {fmt(got, integer)} | {diff} | {note} |"


HEADER = "| 指标 | 参考报告 | qreport | 差异 | 说明 |\n|---|---:|---:|---:|---|"
YEARS = (("previous", "2023年"), ("current", "2024年"))

INTRO = """# 对账：示例城市与参考报告

本文件由 `python examples/make_example.py --reconcile` 生成，请勿手工修改。它把 qreport 由
`examples/bayannur/` 七所学校的工作簿算出的全市数（数据集 JSON 的 `city`）与参考报告
（巴彦淖尔市 2024 年中职质量年报）印出的数逐行对照。生成时如有差异没有说明，脚本报错退出；
`tests/test_example.py` 检查本文件与重新生成的结果一致，所以它不会与示例数据或 qreport 的算法脱节。

## 取数原则

- 参考报告印出各校数的（表1-4、1-5、1-6、1-7、5-1、6-1、6-2、表2 满意度、表1-1 杭后职教专业设置），
  示例照抄；只印全市数的，按毕业生、在校生等规模拆到各校，使 qreport 汇总后等于附表所印。
- 比率从不直接填写：各校填分子分母（本省去向落实人数、自主创业人数、晋升人数与跟踪人数、双师型与专业课
  教师数、高级职称教师数、体测合格人数、工位数、设备值），qreport 在全市合计上重算比率，从不平均学校比率。
- 参考报告自相矛盾处，以各章节表的各校数为准；附表中“合计 ≠ 各分项之和”的，保留合计，差额由“校级”一项吸收
  （工作簿要求合计等于分项之和，否则报错）。
- 参考报告留空的（如 2023 年双师型），各校 2023 年栏填“-”（未统计）：没有数据就没有比率，qreport 也是空值。
- 杭后职教的专业设置照抄表1-1，但表1-1 的“2024 学年专业人数”合计 2480，多于表1-5 的全日制在校生 1735，
  示例按比例缩放到 1735；表1-1 中开设的专业有 11 个，表1-4 却印 10 个，示例按专业设置表填 11。
- 市一职的全称取“巴彦淖尔市第一职业中等专业学校”（参考报告 5.8 节称“临河区第一职业中等专业学校”，
  5.7 节称“市第一职业学校”）。
- 差异列为 qreport（按参考报告的位数四舍五入后）减参考报告；“均空”表示两边都没有值。
"""

FINDINGS = """## 要点

- 附表与章节表合计共对照 {rows} 行：{same} 行一致，{blank} 行两边都空，其余 {other} 行的差异都在下表“说明”中解释。
- **参考报告平均了学校比率**：表3/表6-1 的双师型比例 57.40 和表6-1 的高级教师占比 26.98、表1-4 的生均工位 1.48
  和生均仪器设备值 39147.44（近似）都是七校数值的简单平均。qreport 按口径在全市合计上重算：双师型
  {dual_cur}%、高级职称 {senior_cur}%、生均工位 {stations_cur}、生均设备值 {equipment_cur} 元。
- **参考报告自相矛盾**：2023 年毕业生（表1-5 总计 3321，七校相加 3221 = 表1）；2023 年在校生（表1-5 10130，
  表6 10112）；2023 年升入本科（表1-7 432，表1 389）；市级三等奖（七校相加 66，合计栏 68）；专业群（七校
  相加 25，“全市”14）；资源库、在线精品课程、虚拟仿真基地的合计与分项之和不等；表3 的 2024 年高级职称比例
  26.41 与表6-1 各校比例对不上。
- **参考报告截尾而非四舍五入**：96.89（= 96.895…）、5.89（= 5.8988…）、表6-1 的 11.26、20.54、43.15。
- **任何整数都得不出的比率**：2024 年本省去向落实率 97.20（分母 3170）、2023 年高级职称比例 26.26（分母 1006）、
  2023 年生师比 8.68、杭后职教高级教师占比 37.4（分母 154）。示例取最接近的整数。
"""


def reconciliation_markdown(folder: Path = DEFAULT_OUT) -> str:
    """docs/reconciliation.md for the example city in `folder` (built in-process, never from a stale file)."""
    from qreport.compile.build import build
    from qreport.compile.dataset import to_json

    result = build(folder, workers=1)
    data = to_json(result.dataset, result.catalog)
    r = Reconciliation(data["city"], data["schools"], result.catalog, data["findings"])
    r.facts = _facts(r)
    cat = result.catalog
    body: list[str] = []
    for title, rows in APPENDIX.items():
        body += [f"## {title}", "", HEADER]
        for ind_id, ref_prev, ref_cur in rows:
            ind = cat[ind_id]
            for which, year in YEARS:
                ref = ref_prev if which == "previous" else ref_cur
                label = f"{ind.label}（{ind.unit}）· {year}" if ind.unit else f"{ind.label} · {year}"
                body.append(_row(r, label, (ind_id, which), ref, r.value(ind_id, which), ind.is_integer))
        body.append("")
    body += ["## 章节表的合计", "", HEADER]
    for table, ind_id, ref_prev, ref_cur in CHAPTER:
        ind = cat[ind_id]
        for which, year in YEARS:
            ref = ref_prev if which == "previous" else ref_cur
            if ref is not None:
                label = f"{table} {ind.name} · {year}"
                body.append(
                    _row(
                        r,
                        label,
                        (table, ind_id, which),
                        ref,
                        r.value(ind_id, which),
                        ind.is_integer,
                        printed=True,
                    )
                )
    body += [
        "",
        "## 各校比率（表6-1、表1-4）",
        "",
        "qreport 由各校分子分母算出的 2024 年比率，与参考报告各校栏按其所印位数对照。",
        "",
        "| 指标 | 学校 | 参考报告 | qreport | 说明 |",
        "|---|---|---:|---:|---|",
    ]
    for ind_id, printed in SCHOOL_RATES.items():
        for s, ref in zip(r.schools, printed, strict=True):
            got = s["values"][ind_id]["current"]
            decimals = len(repr(float(ref)).split(".")[1].rstrip("0"))
            note = SCHOOL_NOTES.get((ind_id, s["short_name"]), "")
            if abs(round(got, decimals) - ref) > 1e-9 and not note:
                r.unexplained.append(f"{cat[ind_id].name} {s['short_name']}: 参考 {ref}，qreport {got:.4f}")
            body.append(
                f"| {cat[ind_id].name} | {s['short_name']} | {_printed(ref, False)} | {got:.2f} | {note} |"
            )
    body += [
        "",
        "## 表2 满意度（参考）",
        "",
        "表2 只印各校数（示例照抄，并为每个比率填了样本数）；参考报告没有全市栏。qreport 的全市满意度是以样本数",
        "为权重的加权平均，教职工满意度各校均为“-”，全市也为空。",
        "",
        "| 指标 | 样本数合计 | qreport 全市 |",
        "|---|---:|---:|",
    ]
    for ind_id in SATISFACTION:
        n = data["city_samples"].get(ind_id)
        body.append(f"| {cat[ind_id].label} | {fmt(n, True)} | {fmt(r.value(ind_id, 'current'))} |")
    warnings = [f for f in r.findings if f["severity"] == "warning"]
    errors = [f for f in r.findings if f["severity"] == "error"]
    body += [
        "",
        "## 校验结果",
        "",
        f"错误 {len(errors)} 条，警告 {len(warnings)} 条。警告都是有意保留的：",
        "",
    ]
    for f in warnings:
        where = f"{f['sheet']}!{f['cell']}" if f.get("cell") else (f.get("sheet") or "")
        body.append(f"- {f['file']} {where}（{f['code']}）：{f['message']}")
    body += ["", "各条警告的来由：", ""]
    body += [f"- {text}" for text in WARNING_REASONS.values()]
    if r.unexplained:
        raise SystemExit("对账中有未说明的差异（请在 NOTES 中补充说明）：\n" + "\n".join(r.unexplained))
    facts = {
        **r.facts,
        **r.counts,
        "other": r.counts["rows"] - r.counts["same"] - r.counts["blank"],
        "stations_cur": f"{r.value('practice_stations_per_student', 'current'):.2f}",
    }
    return INTRO + "\n" + FINDINGS.format(**facts) + "\n" + "\n".join(body) + "\n"


# code -> why the example keeps that warning (documented in the reconciliation and checked by the tests)
WARNING_REASONS: dict[str, str] = {
    "yoy_jump": "yoy_jump：市职校升入本科人数由 11 人降为 3 人（表1-7 原数），变化超过 3 倍，照实保留。",
}


# --------------------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Generate the Bayannur example city (and its reconciliation)."
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder to write the example city into")
    parser.add_argument(
        "--reconcile", action="store_true", help="write docs/reconciliation.md from the example"
    )
    parser.add_argument(
        "--doc", type=Path, default=DOC, help="where --reconcile writes (default docs/reconciliation.md)"
    )
    args = parser.parse_args(argv)
    if args.reconcile:
        args.doc.parent.mkdir(parents=True, exist_ok=True)
        args.doc.write_text(reconciliation_markdown(args.out), encoding="utf-8")
        print(f"wrote {args.doc}")
        return 0
    for path in generate(args.out):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
