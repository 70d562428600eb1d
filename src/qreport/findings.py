"""Findings are data: one model, one registry of codes with their Chinese message templates.

The console listing, `--json` and `--annotate` are three renderings of the same list of findings.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict

from qreport.textgate import file_label, gate

Severity = Literal["error", "warning"]

# code -> (severity, message template). Each message says what is wrong and what to type instead.
CODES: dict[str, tuple[Severity, str]] = {
    # files that cannot be read at all (exit 2)
    "file_missing": ("error", "找不到文件。请检查路径是否正确。"),
    "not_a_file": ("error", "这是一个文件夹，不是工作簿。请指定 .xlsx 文件。"),
    "no_permission": ("error", "没有读取该文件的权限。请把文件复制到自己的文件夹，或请管理员开放读取权限。"),
    "empty_file": ("error", "文件是空的（0 字节）。请重新保存或重新导出该工作簿。"),
    "not_xlsx": (
        "error",
        "不是 .xlsx 工作簿（无法按 Excel 文件打开）。请在 Excel 或 WPS 中另存为 .xlsx 格式。",
    ),
    "legacy_xls": (
        "error",
        "这是旧版 .xls 格式。请在 Excel 或 WPS 中“另存为”Excel 工作簿（.xlsx）后再提交。",
    ),
    "encrypted": (
        "error",
        "工作簿设置了打开密码。请在 Excel 中取消密码保护（文件 → 信息 → 保护工作簿 → 用密码进行加密，清空密码）后另存。",
    ),
    "zip_bomb": (
        "error",
        "工作簿解压后过大或压缩比异常（{detail}），为安全起见拒绝读取。请用模板重新填写后另存。",
    ),
    "corrupt": ("error", "工作簿已损坏，无法读取（{detail}）。请在 Excel 中打开并另存为 .xlsx 后再试。"),
    "sheet_too_large": (
        "error",
        "工作表“{sheet}”的数据范围过大（{detail}），为安全起见拒绝读取。"
        "请删除表格远处的多余单元格（选中空白行列后删除），或把数据复制到新的模板中再保存。",
    ),
    "too_many_styles": (
        "error",
        "工作簿含有 {count} 种单元格格式，超过上限 {limit}，为安全起见拒绝读取。请把数据复制到新的模板中再保存。",
    ),
    "read_crashed": (
        "error",
        "读取该工作簿时程序异常退出（{detail}），已跳过，其他工作簿照常处理。请在 Excel 中打开并另存为 .xlsx 后再试。",
    ),
    # layout
    "sheet_missing": (
        "error",
        "缺少工作表“{sheet}”。请使用 qreport template 生成的模板，不要删除或重命名工作表。",
    ),
    "header_missing": ("error", "工作表“{sheet}”中找不到含“{header}”的表头行。请恢复模板中的表头行。"),
    "column_missing": ("error", "工作表“{sheet}”的表头缺少“{column}”列。请恢复模板中的该列。"),
    "indicator_missing": (
        "error",
        "找不到指标代码为 {indicator}（{label}）的行。请从模板中恢复该行，指标代码列不要修改。",
    ),
    "indicator_duplicate": ("error", "指标代码 {indicator} 出现了两次（另见 {other}）。请删除多余的一行。"),
    "indicator_unknown": (
        "warning",
        "指标代码“{value}”不在 {year} 年指标目录中，该行未读取。如为误改，请改回模板中的代码。",
    ),
    # cell values
    "control_chars": (
        "warning",
        "单元格含有不可见的控制字符（{chars}），已删除。请在 Excel 中删除这些字符（可重新输入该单元格）。",
    ),
    "text_too_long": (
        "error",
        "单元格文字超过 {limit} 个字符（有 {count} 个），只读取了前 {limit} 个。请精简或分成几行填写。",
    ),
    "text_too_many_lines": (
        "error",
        "单元格文字超过 {limit} 行（有 {count} 行），只读取了前 {limit} 行。请精简或分成几行填写。",
    ),
    "remark_too_long": (
        "error",
        "{label}的{header}有 {count} 个字，超过 {limit} 个字，报告表格的一格放不下，未读取。"
        "请精简到 {limit} 字以内（详细情况可写在“文字材料”中）。",
    ),
    "remark_not_taken": (
        "warning",
        "“{label}”一行不填{header}，这里的文字未读取。{header}请填在“{takers}”等行。",
    ),
    "number_as_text": ("warning", "“{raw}”按 {value} 读取。请直接填写数字 {value}。"),
    "not_a_number": ("error", "“{raw}”不是数字。请填写数字；不适用请填“-”。"),
    "number_too_large": (
        "error",
        "“{raw}”超过 {limit}，不是一所学校会填写的数。请核对位数，或填写正确的数值。",
    ),
    "ambiguous_number": ("error", "“{raw}”无法确定是哪个数字。请只填写一个数字，例如 {example}。"),
    "negative": ("error", "{label}不能为负数（填写了 {value}）。请填写 0 或正数。"),
    "not_integer": ("error", "{label}应为整数（填写了 {value}）。请填写整数。"),
    "pct_out_of_range": (
        "error",
        "{label}是百分比，应在 0 到 100 之间（填写了 {value}）。例如 97.2 表示 97.2%。",
    ),
    "pct_fraction": (
        "error",
        "{label}填写了 {value}，像是小数形式的比例。百分比请填 0–100 之间的数：是否应填 {suggest}？",
    ),
    "wan_yuan_large": (
        "error",
        "{label}单位是万元，填写了 {value}，像是按元填写的。请换算成万元（元 ÷ 10000）：是否应填 {suggest}？",
    ),
    "yuan_small": (
        "error",
        "{label}单位是元，填写了 {value}，像是按万元填写的。请换算成元（万元 × 10000）：是否应填 {suggest}？",
    ),
    "na_always": (
        "error",
        "{label}（{column}）不能填“-”：每所学校都有这一项。请填写实际数值（没有请填 0）。",
    ),
    "rate_one_sided": (
        "warning",
        "{label}（{column}）{state}，而{other}（{other_cell}）填了 {value}，{rates}因此无法计算，"
        "全市{rates}不含本校。请填写{label}；确实没有请填 0。",
    ),
    "previous_blank": (
        "warning",
        "本表有 {count} 个指标填了{current}的数，但{previous}一栏空着（第一个在此单元格）。全市{previous}的数将不含本校，"
        "与上年也无法比较。请补填{previous}的数；不适用的填“-”。",
    ),
    "weight_missing": (
        "warning",
        "{label}（{column}）已填写，但加权用的{weight}没有数值，全市{label}将无法计入本校。请填写{weight}。",
    ),
    "formula_no_cache": (
        "error",
        "单元格是公式，但没有保存计算结果。请在 Excel 或 WPS 中打开该文件、保存后再校验，或直接填写数值。",
    ),
    "formula_error": ("error", "单元格的公式结果是错误值 {value}。请改为填写数值。"),
    "blank": ("warning", "{label}（{column}）未填写。请填写数值；不适用请填“-”。"),
    "blank_required": ("error", "{label}（{column}）未填写。它是计算比率的分母，必须填写数值。"),
    # consistency
    "exceeds_parent": ("error", "{label}（{value}）不能大于{parent}（{parent_value}）。请核对这两项。"),
    "parts_mismatch": ("error", "{label}（{value}）应等于{parts}之和（{total}）。请核对这几项。"),
    "yoy_jump": (
        "warning",
        "{label}从上年的 {previous} 变为 {current}，变化超过 3 倍。请确认没有多填或少填位数。",
    ),
    "previous_mismatch": (
        "warning",
        "{label}上年值填写为 {typed}，与上年数据集中的 {dataset} 不一致。请核对。",
    ),
    "sample_missing": (
        "warning",
        "{label}没有填写样本数，全市满意度将无法按样本数加权。请填写参与调查的人数。",
    ),
    "sample_invalid": ("error", "样本数“{raw}”应为正整数（参与调查的人数）。"),
    # basic information
    "info_missing": ("error", "基本信息缺少“{label}”。请在 B 列填写。"),
    "info_year_mismatch": (
        "error",
        "填报年度是“{value}”，但本次校验的是 {year} 年。请填写 {year}，或用 --year {value} 校验。",
    ),
    # majors list
    "major_code_format": ("error", "专业代码“{value}”应为 6 位数字（2021 年版中职专业目录），例如 720201。"),
    "major_code_category": (
        "error",
        "专业代码“{value}”的前两位“{prefix}”不是 2021 年版中职专业目录的专业大类（61–79）。请核对代码；"
        "已停办的专业请在“调整情况”中选“停办”。",
    ),
    "major_name_conflict": (
        "warning",
        "专业代码 {value} 在本校名为“{name}”，在{other}（{other_cell}）名为“{other_name}”。同一代码应是同一专业，请核对代码或名称。",
    ),
    "major_code_unlisted": (
        "error",
        "专业代码“{value}”不在专业目录 {source} 中。请核对代码；已停办的专业请在“调整情况”中选“停办”。",
    ),
    "major_name_unlisted": (
        "warning",
        "专业代码 {value} 在专业目录 {source} 中名为“{listed}”，本校填写“{name}”。请核对专业名称。",
    ),
    "major_duplicate": ("error", "专业代码 {value} 重复出现（另见第 {other} 行）。每个专业只填一行。"),
    "major_name_missing": ("warning", "专业代码 {value} 没有填写专业名称。"),
    "major_adjust_invalid": ("error", "调整情况“{value}”无效。请从下拉列表中选择：{choices}。"),
    "majors_count_mismatch": (
        "error",
        "专业数量填写为 {typed}，但“专业设置”表中本年开设（未停办且有学生或新招班级）的专业有 {listed} 个。请使两处一致。",
    ),
    "majors_students_mismatch": (
        "warning",
        "“专业设置”中本年在校生数合计 {listed}，与全日制在校生人数 {typed} 不一致。请核对。",
    ),
    # narrative and cases
    "section_unknown": (
        "error",
        "章节“{value}”不是报告大纲中的节号。请填写如 1.1、2.3 的节号（可选：{choices}）。",
    ),
    "text_empty": ("warning", "第 {row} 行填写了章节但没有内容。"),
    "text_image_missing": (
        "warning",
        "找不到图片文件“{value}”。请把图片放在工作簿所在文件夹，或直接粘贴到该行。",
    ),
    "image_caption_missing": (
        "warning",
        "该行有图片但没有“图片说明”，报告中将以“{fallback}”作图题。请在“图片说明”中填写图题。",
    ),
    "case_chapter_invalid": ("error", "章“{value}”应为 1 到 7 之间的整数。"),
    "case_incomplete": ("warning", "案例缺少{missing}。请补充。"),
    "case_image_missing": (
        "warning",
        "找不到图片文件“{value}”。请把图片放在工作簿所在文件夹，或直接粘贴到该行。",
    ),
    "picture_invalid": (
        "warning",
        "图片“{value}”无法使用：{reason}。该图片不会放入报告，请换一张 JPG 或 PNG 图片。",
    ),
    # build (a folder of workbooks)
    "file_outside": ("warning", "是指向文件夹之外的链接，已跳过。请把工作簿本身放进文件夹。"),
    "duplicate_school": ("error", "与 {other} 是同一所学校（{key}相同）。请只保留一个工作簿。"),
    "school_missing": (
        "error",
        "配置中预期的学校“{school}”没有工作簿。请收齐后再编制，或用 --draft 先出草稿。",
    ),
    "school_unexpected": (
        "warning",
        "学校“{school}”不在配置的学校名单中。请核对学校名称，或在 qreport.toml 中补充。",
    ),
    "cover_missing": (
        "warning",
        "{what}没有填写（qreport.toml 中 {where}），报告中是黄色的【待补充】占位。请在 qreport.toml 中填写。",
    ),
    "school_only_legacy": (
        "error",
        "配置中预期的学校“{school}”只报送了这个旧格式文件，无法读取。请学校在 Excel 或 WPS 中“另存为”Excel 工作簿（.xlsx）后重新报送。",
    ),
    "partial_city_value": (
        "warning",
        "{whole}{year}年的{figures}未涵盖全部学校：不含{schools}的数据（报告表格中这些数带“*”，表下注明）。"
        "请学校补填后重新编制；确实不适用的请填“-”。",
    ),
}


class Finding(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)  # built on first use (see qreport.cli.app.main)

    file: str
    sheet: str | None = None
    cell: str | None = None
    indicator: str | None = None
    severity: Severity
    code: str
    message: str

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


def finding(
    code: str,
    file: str,
    *,
    sheet: str | None = None,
    cell: str | None = None,
    indicator: str | None = None,
    **params: object,
) -> Finding:
    severity, template = CODES[code]
    # The place is also part of some messages ("缺少工作表“{sheet}”"), so it is offered to the template.
    params = {"sheet": sheet, "cell": cell, "indicator": indicator, **params}
    # Typed values quoted in a message pass the text gate: shown, never obeyed by a terminal or XML.
    params = {k: gate(v, shown=True) if isinstance(v, str) else v for k, v in params.items()}
    return Finding(
        file=file_label(file),
        sheet=sheet,
        cell=cell,
        indicator=indicator,
        severity=severity,
        code=code,
        message=template.format(**params),
    )


def _cell_key(cell: str | None) -> tuple[int, int]:
    if not cell:
        return (0, 0)
    letters = "".join(ch for ch in cell if ch.isalpha())
    digits = "".join(ch for ch in cell if ch.isdigit())
    col = 0
    for ch in letters.upper():
        col = col * 26 + ord(ch) - 64
    return (int(digits or 0), col)


def sort_findings(findings: Iterable[Finding], sheet_order: Sequence[str]) -> list[Finding]:
    """In reading order: file-level first, then sheet by workbook order, row, column; errors first."""
    rank = {name: i + 1 for i, name in enumerate(sheet_order)}
    return sorted(
        findings,
        key=lambda f: (
            rank.get(f.sheet, len(rank) + 1) if f.sheet else 0,
            _cell_key(f.cell),
            f.severity != "error",
        ),
    )


def counts(findings: Iterable[Finding]) -> tuple[int, int]:
    """(errors, warnings)."""
    c = Counter(f.severity for f in findings)
    return c["error"], c["warning"]
