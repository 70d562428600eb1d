"""The school workbook layout (contract): sheet names, header texts, closed lists.

Shared by the template writer and the reader so the two can never disagree.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from qreport.model import CLOSED

GUIDE_SHEET = "填报说明"
INFO_SHEET = "基本信息"


@dataclass(frozen=True)
class InfoRow:
    """A row of 基本信息: its label (column A), the note printed beside it, and whether it must be
    filled. `cover` names what the row supplies to the school's own report (qreport build
    学校.xlsx): "date" (编制日期), "representative" (法定代表人) or "team" (a role of its 编制组,
    the label being the role); a blank one becomes a yellow placeholder there."""

    label: str
    note: str = ""
    required: bool = False
    cover: str = ""


INFO_ROWS = (
    InfoRow("学校名称", "学校全称，与公章一致", required=True),
    InfoRow("学校简称", "报告表格中使用的简称，如“某某职中”", required=True),
    InfoRow("学校标识码", "教育部 10 位学校标识码"),
    InfoRow("所在地区", "所在旗县区"),
    InfoRow("填报人"),
    InfoRow("联系电话"),
    InfoRow("填报年度", "已预填，请勿修改", required=True),
    # optional: only the school's own quality report uses them (cover, 责任声明, 编制组)
    InfoRow("编制日期", "学校年报封面日期，如“2025年1月”（选填）", cover="date"),
    InfoRow("法定代表人", "学校年报责任声明中的法定代表人（选填）", cover="representative"),
    InfoRow("负责人", "学校年报编制组负责人，可填多人，用顿号分隔（选填）", cover="team"),
    InfoRow("编制组成员", "学校年报编制组成员，用顿号分隔（选填）", cover="team"),
    InfoRow("数据采集", "学校年报数据采集人员，用顿号分隔（选填）", cover="team"),
    InfoRow("审定", "学校年报审定人员，用顿号分隔（选填）", cover="team"),
)
INFO_LABELS = tuple(r.label for r in INFO_ROWS)
INFO_REQUIRED = tuple(r.label for r in INFO_ROWS if r.required)
TEAM_ROLES = tuple(r.label for r in INFO_ROWS if r.cover == "team")

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


_LOOSE = re.compile(r"[\s:*：]")


# typed: 1.0 and True differ; the same headers and labels come back in every workbook
@functools.lru_cache(maxsize=4096, typed=True)
def header_text(text: object) -> str:
    """Header and label text compared loosely: full-width folded, spaces and ：* removed."""
    if text is None:
        return ""
    if isinstance(text, float) and text.is_integer():
        text = int(text)
    return _LOOSE.sub("", unicodedata.normalize("NFKC", str(text)))


def find_header(cells: Iterable[tuple[int, int, object]], marker: str) -> tuple[int, dict[str, int]] | None:
    """The first row within HEADER_SCAN_ROWS holding `marker` and the column of each header text on it.

    `cells` are (row, column, value) in reading order; the one place that knows how a header row is
    found, for the reader, the filler and the tests alike."""
    marker = header_text(marker)
    row_no, columns = 0, dict[str, int]()
    for row, col, value in cells:
        if row != row_no:
            if marker in columns:
                break
            if row > HEADER_SCAN_ROWS:
                return None
            row_no, columns = row, dict[str, int]()
        text = header_text(value)
        if text:
            columns[text] = col
    return (row_no, columns) if marker in columns else None
