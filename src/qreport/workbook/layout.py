"""The school workbook layout (contract): sheet names, header texts, closed lists.

Shared by the template writer and the reader so the two can never disagree.
"""

from __future__ import annotations

from qreport.model import CLOSED

GUIDE_SHEET = "填报说明"
INFO_SHEET = "基本信息"
INFO_LABELS = ("学校名称", "学校简称", "学校标识码", "所在地区", "填报人", "联系电话", "填报年度")
INFO_REQUIRED = ("学校名称", "学校简称", "填报年度")

ID_HEADER = "指标代码"
HEADER_SCAN_ROWS = 30  # a header row is looked for this far down, above any title rows a school adds
SAMPLE_HEADER = "样本数"
# Indicator sheets as the template writes them; the reader finds columns by header text, not position.
INDICATOR_HEADERS = ("序号", "指标", "单位", ID_HEADER)  # then the year column(s), then 填报说明
NOTE_HEADER = "填报说明"

MAJORS_SHEET = "专业设置"
MAJORS_HEADERS = (
    "专业代码",
    "专业名称",
    "设置年份",
    "上年班级数",
    "本年新招班级数",
    "本年在校生数",
    "调整情况",
)
ADJUST_CHOICES = ("未调", "新增", "调整", CLOSED)

TEXT_SHEET = "文字材料"
TEXT_HEADERS = ("章节", "内容", "图片", "图片说明")
TEXT_REQUIRED = 2  # 图片 and 图片说明 came later: a workbook without them is still read

CASES_SHEET = "典型案例"
CASES_HEADERS = ("章", "标题", "正文", "图片", "图片说明")
CHAPTERS = range(1, 8)

LIST_SHEETS = (MAJORS_SHEET, TEXT_SHEET, CASES_SHEET)
LIST_HEADERS = {MAJORS_SHEET: MAJORS_HEADERS, TEXT_SHEET: TEXT_HEADERS, CASES_SHEET: CASES_HEADERS}

# Typed "no value" markers: not applicable, counts as no value (not zero).
NOT_APPLICABLE = ("-", "/", "—", "－", "／", "–")
