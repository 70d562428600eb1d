"""Narrative templates: bureau files over defaults, the sandbox, missing values, errors, Markdown."""

from __future__ import annotations

from pathlib import Path

import pytest

from qreport.catalog.indicators import load_catalog
from qreport.errors import ConfigError
from qreport.report import write_report
from qreport.report.dump import dump_docx
from qreport.report.narrative import Narrative, build_context, f_delta, f_yoy
from qreport.report.prose import parse

from report_fixtures import make_config, make_dataset

CATALOG = load_catalog(2024)


def render(tmp_path: Path, files: dict[str, str]) -> tuple[str, list[str], list[str]]:
    """Build the report with these bureau narrative files; (dump, placeholders, warnings)."""
    folder = tmp_path / "narrative"
    folder.mkdir(exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    out = tmp_path / "r.docx"
    result = write_report(make_dataset(tmp_path), make_config(tmp_path), CATALOG, out)
    return dump_docx(out), result.placeholders, result.warnings


def section(dump: str, heading: str) -> str:
    """The dump lines after the body heading `heading` up to the next heading."""
    lines = dump.splitlines()
    start = next(
        k for k, line in enumerate(lines) if line.startswith("[Heading") and line.endswith(f" {heading}")
    )
    out = []
    for line in lines[start + 1 :]:
        if line.startswith("[Heading"):
            break
        out.append(line)
    return "\n".join(out)


def test_bureau_file_replaces_the_default_and_fills_placeholders(tmp_path: Path) -> None:
    dump, placeholders, warnings = render(
        tmp_path,
        {
            "1.10.md": "全市招生{{ city.enrolment.current }}人，{{ city.enrolment | yoy }}。",
            "1.6.md": "各学校深化**三教改革**。\n推进课堂革命。\n\n- 项目式教学\n- 混合式教学\n\n## 教法改革",
        },
    )
    assert section(dump, "1.10 培养规模").startswith("[Normal] 全市招生3321人，较上年增长0.2%。\n[表题]")
    text = section(dump, "1.6 教学改革")
    assert text == (
        "[Normal] 各学校深化**三教改革**。推进课堂革命。\n[List Bullet] 项目式教学\n[List Bullet] 混合式教学"
    )
    assert "[Heading 3] 教法改革" in dump
    assert "1.6 教学改革" not in placeholders
    assert warnings == []


def test_empty_bureau_file_silences_a_default(tmp_path: Path) -> None:
    dump, placeholders, _ = render(tmp_path, {"1.12.md": ""})
    assert "1.12 创新创业" in placeholders
    assert section(dump, "1.12 创新创业") == "[Normal] ==【待补充：创新创业】=="


def test_missing_value_and_misspelt_name_print_a_dash(tmp_path: Path) -> None:
    dump, _, warnings = render(
        tmp_path,
        {"1.6.md": "教职工满意度{{ city.sat_staff.current }}%，毕业生{{ city.graduats.current }}人。"},
    )
    assert "[Normal] 教职工满意度-%，毕业生-人。" in dump
    assert warnings == ["叙述文件 1.6.md 引用了不存在的数据项“graduats”，按“-”输出。"]


def test_sandbox_keeps_templates_away_from_python_internals(tmp_path: Path) -> None:
    dump, _, warnings = render(tmp_path, {"1.6.md": "甲{{ ''.__class__ }}乙"})
    assert section(dump, "1.6 教学改革") == "[Normal] 甲-乙"
    assert any("__class__" in w for w in warnings)
    with pytest.raises(ConfigError, match="不允许的写法"):
        render(tmp_path, {"1.6.md": "{{ ''.__class__.__mro__[1].__subclasses__() }}"})


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("第一段\n\n{{ city.graduates.current }", 3),
        ("{% if year %}\n年份\n", 2),
        ("{{ city.graduates | nosuch }}", 1),
    ],
)
def test_template_error_names_file_and_line(tmp_path: Path, text: str, line: int) -> None:
    with pytest.raises(ConfigError) as info:
        render(tmp_path, {"2.3.md": text})
    assert "2.3.md" in info.value.message
    assert f"第 {line} 行" in info.value.message


def test_runtime_error_in_template_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        render(tmp_path, {"2.3.md": "第一行\n{{ range(10 ** 9) | list }}"})
    assert "2.3.md" in info.value.message and "第 2 行" in info.value.message


def test_not_utf8_is_a_config_error(tmp_path: Path) -> None:
    folder = tmp_path / "narrative"
    folder.mkdir()
    (folder / "2.3.md").write_bytes("服务社区".encode("gbk"))
    with pytest.raises(ConfigError, match="UTF-8"):
        write_report(make_dataset(tmp_path), make_config(tmp_path), CATALOG, tmp_path / "r.docx")


def test_unused_bureau_file_is_reported(tmp_path: Path) -> None:
    _, _, warnings = render(tmp_path, {"9.9.md": "不在大纲中"})
    assert warnings == ["叙述文件 9.9.md 对应的章节不在大纲中，未使用。"]


def test_context_helpers(tmp_path: Path) -> None:
    dataset = make_dataset(tmp_path)
    labels = {s.name: s.short_name for s in dataset.schools}
    context = build_context(dataset, make_config(tmp_path), CATALOG, labels)
    folder = tmp_path / "n"
    folder.mkdir()
    (folder / "x.md").write_text(
        "{{ region.short }}{{ previous }}-{{ year }}：{{ school_count }}所；"
        "{% for s in ranked('enrolment')[:2] %}{{ s.short_name }}{{ s.enrolment.current }}；{% endfor %}"
        "{{ share(city.further_study.current, city.graduates_placed.current) | dec2 }}；"
        "{{ city.student_teacher_ratio }}；{{ (city.enrolment.current / 0) }}",
        encoding="utf-8",
    )
    text = Narrative([folder], context).render("x")
    assert text == "巴彦淖尔市2023-2024：7所；杭后职教1002；市一职953；89.62；9.42；-"


def test_change_filters() -> None:
    class Fig:  # a stand-in with the two attributes the filters read
        pass

    assert f_yoy(110, 100) == "较上年增长10.0%"
    assert f_yoy(95.5, 100) == "较上年下降4.5%"
    assert f_yoy(100, 100) == "与上年持平"
    assert f_yoy(100, None) == "与上年不可比"
    assert f_yoy(5, 0) == "与上年不可比"
    assert f_yoy(429, 400) == "较上年增长7.3%"  # exactly 7.25, rounded half up
    assert f_delta(Fig()) == "不可比"


def test_markdown_subset() -> None:
    blocks = parse("第一行\n第二行 ABC\nDEF\n\n(1) 条目一\n\n- 甲\n  续行\n* 乙\n\n### 小标题\n")
    assert [(b.kind, b.text, b.depth) for b in blocks] == [
        ("para", "第一行第二行 ABC DEF", 0),
        ("para", "(1) 条目一", 0),
        ("bullet", "甲续行", 0),
        ("bullet", "乙", 0),
        ("heading", "小标题", 2),
    ]


def test_readme_and_include_snippets_are_not_reported(tmp_path: Path) -> None:
    dump, _, warnings = render(
        tmp_path,
        {
            "README.md": "说明",
            "_tail.md": "（数据来源：各学校填报）",
            "2.3.md": "社区教育。{% include '_tail.md' %}",
        },
    )
    assert warnings == []
    assert section(dump, "2.3 服务社区教育") == "[Normal] 社区教育。（数据来源：各学校填报）"


def test_free_table_parsing() -> None:
    """`表：标题` and a pipe table make a table block; the rule row is optional; `\\|` is a bar in a cell;
    a title line without a table under it stays text."""
    text = "前文\n表：课程结构\n| 体系 | 结构 |  |\n|:--|---|---|\n| 公共 | 基础 | 语文 \\| 数学 |\n| | 专业 |\n后文\n表：没有表格\n下一段"
    blocks = parse(text)
    assert [b.kind for b in blocks] == ["para", "table", "para"]
    table = blocks[1].table
    assert table is not None and table.title == "课程结构"
    assert table.header == ["体系", "结构", ""]
    assert table.rows == [["公共", "基础", "语文 | 数学"], ["", "专业", ""]]
    assert blocks[2].text == "后文表：没有表格下一段"


def test_free_grid_merges() -> None:
    from qreport.report.chapter_tables import free_grid
    from qreport.report.prose import FreeTable

    grid = free_grid(
        FreeTable(
            "t", ["体系", "结构", ""], [["公共", "基础", "a"], ["", "专业", "^"], ["实践", "劳动", "b"]]
        )
    )
    assert grid.header[0][1] is not None and grid.header[0][1].colspan == 2 and grid.header[0][2] is None
    body = grid.body
    assert body[0][0] is not None and body[0][0].rowspan == 2 and body[1][0] is None
    assert body[0][2] is not None and body[0][2].rowspan == 2 and body[1][2] is None
    assert body[2][0] is not None and body[2][0].text == "实践" and body[2][0].rowspan == 1
