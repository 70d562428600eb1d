"""Report building blocks: number formatting, table grids and widths, report.toml, placement, PDF."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import qreport.report.wordml.charts  # noqa: F401  # a broken chart module fails the chart tests, never skips them
from qreport.catalog.indicators import load_catalog
from qreport.catalog.outline import Outline, Section, load_outline
from qreport.catalog.resources import template_path
from qreport.errors import ConfigError
from qreport.report import write_report
from qreport.report.dump import dump_docx
from qreport.report.numformat import fixed, format_value
from qreport.report.spec import ReportSpec, fill, load_spec
from qreport.report.wordml.grid import Cell, Grid, fit_columns, merged_down

from report_fixtures import make_config, make_dataset

CATALOG = load_catalog(2024)


@pytest.mark.parametrize(
    ("value", "kind", "text"),
    [
        (3173.0, "int", "3173"),
        (10130.0, "int", "10130"),  # no thousands separator
        (97.2, "pct", "97.20"),
        (2448.705, "dec", "2448.71"),  # half-up on the decimal digits, not binary rounding
        (9.418, "ratio", "9.42"),
        (0.0, "dec", "0.00"),
        (-0.001, "dec", "0.00"),
        (12.5, "int", "12.50"),  # an 'int' that is not whole keeps its decimals
        (None, "int", "-"),
        (None, "pct", "-"),
        (42.0, None, "42"),
        (1.5, None, "1.50"),
    ],
)
def test_number_format(value: float | None, kind: str | None, text: str) -> None:
    assert format_value(value, kind) == text


def test_fixed_places() -> None:
    assert fixed(0.125, 2) == "0.13"
    assert fixed(None) == "-"


def test_merged_down_joins_equal_runs() -> None:
    cells = merged_down(["a", "a", "b", "", ""])
    assert [(c.text, c.rowspan) if c else None for c in cells] == [("a", 2), None, ("b", 1), ("", 1), ("", 1)]


def test_fit_columns_keeps_numbers_on_one_line_and_shrinks_wide_tables() -> None:
    header = [Cell("指标"), *(Cell(f"学校{k}") for k in range(8))]
    body = [[Cell("生均教学科研仪器设备值（元/生）", align="left"), *(Cell("72248.70") for _ in range(8))]]
    widths, size = fit_columns(Grid([header], body), 10.5)
    assert size < 10.5
    assert abs(sum(widths) - 442.2) < 0.5
    number = len("72248.70") * 0.6 * size
    assert all(w > number for w in widths[1:])
    narrow = Grid([[Cell("学校"), Cell("人数")]], [[Cell("市一职"), Cell("12")]])
    assert fit_columns(narrow, 10.5)[1] == 10.5


def test_grid_rejects_ragged_rows() -> None:
    with pytest.raises(ValueError):
        Grid([[Cell("a"), Cell("b")]], [[Cell("c")]])


def test_fill_placeholders() -> None:
    assert (
        fill("{previous}年、{year}年{region}", year=2024, previous=2023, region="巴彦淖尔市")
        == "2023年、2024年巴彦淖尔市"
    )
    with pytest.raises(ConfigError, match="nosuch"):
        fill("{nosuch}")


def test_shipped_spec_names_only_catalog_indicators() -> None:
    spec = load_spec()
    spec.check(CATALOG, "report.toml")
    assert {t.id for t in spec.tables} >= {"scale", "contest_awards", "bachelor", "teachers"}
    assert len(spec.charts) >= 3


def test_spec_with_unknown_indicator_suggests_the_nearest(tmp_path: Path) -> None:
    bad = ReportSpec.model_validate(
        {"table": [{"id": "t", "section": "1.10", "caption": "x", "items": [{"id": "graduate"}]}]}
    )
    with pytest.raises(ConfigError, match="graduate.*是否为 graduates"):
        bad.check(CATALOG, "report.toml")


def test_spec_with_misspelt_key_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "report.toml"
    path.write_text('[[table]]\nid = "t"\nsection = "1.1"\ncaption = "x"\ncolums = []\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="colums"):
        load_spec(path)


def test_bureau_report_toml_named_in_the_config_replaces_the_default(tmp_path: Path) -> None:
    """qreport.toml [report] tables = "my.toml": the bureau's own chapter tables and charts."""
    shipped = template_path("report.toml").read_text(encoding="utf-8")
    old = 'caption = "{members}教职工、招生、在校生、毕业生规模一览表"'
    assert old in shipped
    (tmp_path / "my.toml").write_text(
        shipped.replace(old, 'caption = "{members}办学规模一览表"'), encoding="utf-8"
    )
    config = make_config(tmp_path)
    config.report.tables = "my.toml"
    out = tmp_path / "r.docx"
    result = write_report(make_dataset(tmp_path), config, CATALOG, out)
    assert any(t.endswith("各职业学校办学规模一览表") for t in result.tables)
    assert not any("毕业生规模一览表" in t for t in result.tables)
    config.report.tables = "gone.toml"
    with pytest.raises(ConfigError, match="找不到报告表格定义文件 .*gone.toml"):
        write_report(make_dataset(tmp_path), config, CATALOG, tmp_path / "r2.docx")
    assert not (tmp_path / "r2.docx").exists()


def _outline(**moves: tuple[str, ...]) -> Outline:
    """The default outline with some sections dropped (value ()) or given tables to hold."""
    sections = []
    for s in load_outline().sections:
        if s.number in moves and moves[s.number] == ():
            continue
        sections.append(Section(number=s.number, title=s.title, tables=moves.get(s.number, ())))
    return Outline(sections=tuple(sections))


def _report(tmp_path: Path, outline: Outline) -> tuple[str, list[str], list[str]]:
    out = tmp_path / "r.docx"
    result = write_report(make_dataset(tmp_path), make_config(tmp_path), CATALOG, out, outline=outline)
    return dump_docx(out), result.tables, result.warnings


def test_outline_may_move_a_table_to_another_section(tmp_path: Path) -> None:
    dump, tables, warnings = _report(tmp_path, _outline(**{"2.1": ("scale",)}))
    assert "表2-1 各职业学校教职工、招生、在校生、毕业生规模一览表" in tables
    chapter2 = dump.split("[Heading 1] 2. 服务贡献")[1].split("[Heading 2] 2.2 ")[0]
    assert "[表题] 表2-1 各职业学校教职工" in chapter2
    assert warnings == []


def test_table_of_a_missing_section_goes_to_the_end_of_its_chapter(tmp_path: Path) -> None:
    dump, tables, _ = _report(tmp_path, _outline(**{"1.10": ()}))
    chapter1 = dump.split("[Heading 2] 1.14 ")[1].split("[Heading 1] 2.")[0]
    assert "各职业学校教职工、招生、在校生、毕业生规模一览表" in chapter1
    assert len(tables) == 9  # 8 declared and a school's free table


def test_outline_naming_an_unknown_item_is_reported(tmp_path: Path) -> None:
    _, _, warnings = _report(tmp_path, _outline(**{"2.1": ("nosuch",)}))
    assert warnings == ["大纲第 2.1 节列出的“nosuch”在 report.toml 中没有定义。"]


def test_without_the_chart_writer_charts_are_left_out_and_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "qreport.report.wordml.charts", None)  # import now fails
    out = tmp_path / "r.docx"
    result = write_report(make_dataset(tmp_path), make_config(tmp_path), CATALOG, out)
    assert result.figures == ["图1-1 市一职项目式体育课程", "图2-1 杭后职教订单班课堂", "图5-1 学生上课"]
    assert any("图表模块不可用" in w for w in result.warnings)


def test_charts_are_native_word_charts(tmp_path: Path) -> None:
    out = tmp_path / "r.docx"
    result = write_report(make_dataset(tmp_path), make_config(tmp_path), CATALOG, out)
    charts = [f for f in result.figures if "年" in f]
    assert charts == [
        "图1-1 2024年各职业学校生均教学科研仪器设备值（元）",  # the fixture has no 2023 figures
        "图1-2 各职业学校2023年、2024年招生数与在校生数",
        "图1-3 2023年、2024年全市毕业生去向",
        "图1-4 2024年毕业生面向三次产业就业人数",
        "图1-5 2024年各职业学校满意度调查结果（%）",
        "图1-6 2023年、2024年各职业学校升入本科人数",
        "图6-1 2023年、2024年全市“双师型”教师与高级职称教师比例（%）",
    ]
    assert dump_docx(out).count("[图表]") == 7


@pytest.mark.skipif(
    shutil.which("soffice") is None or shutil.which("pdftotext") is None, reason="no LibreOffice"
)
def test_libreoffice_opens_the_report_and_shows_the_lists(tmp_path: Path) -> None:
    out = tmp_path / "r.docx"
    write_report(make_dataset(tmp_path), make_config(tmp_path), CATALOG, out)
    profile = f"-env:UserInstallation=file://{tmp_path / 'lo'}"
    subprocess.run(
        ["soffice", profile, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(out)],
        check=True,
        capture_output=True,
        timeout=240,
    )
    text = subprocess.run(["pdftotext", str(tmp_path / "r.pdf"), "-"], capture_output=True, text=True).stdout
    text = text.replace(" ", "")
    for expected in (
        "内容真实性责任声明",
        "表目录",
        "表1-3各职业学校教职工",
        "案例1-1五育并举",
        "1.人才培养",
        "表6落实政策表",
    ):
        assert expected in text


def test_many_schools_as_columns_continue_in_a_second_table(tmp_path: Path) -> None:
    dataset = make_dataset(tmp_path)
    for k, school in enumerate(list(dataset.schools)[:5]):
        twin = dataclasses.replace(school, name=f"{school.name}分校", short_name=f"分校{k + 1}", cases=[])
        dataset.schools.append(twin)
        dataset.school_values[twin.name] = dataset.school_values[school.name]
    out = tmp_path / "r.docx"
    write_report(dataset, make_config(tmp_path), CATALOG, out)
    dump = dump_docx(out)
    teachers = dump.split("[表题] 表6-1 各职业学校教师队伍情况统计表\n")[1].split("[表题]")[0]
    first, second = teachers.split("[续表题] 续表6-1 各职业学校教师队伍情况统计表\n")
    assert first.splitlines()[1] == "| 指标 | 市一职 | 市职校 | 市艺校 | 市体校 | 前旗职中 | 五原职高 |"
    assert second.splitlines()[1] == "| 指标 | 杭后职教 | 分校1 | 分校2 | 分校3 | 分校4 | 分校5 | 全市 |"
    satisfaction = dump.split("[附表题] 表2 满意度调查表\n")[1].split("[附表题]")[0]
    assert satisfaction.count("[续表题] 续表2 满意度调查表\n") == 1 and satisfaction.count("| 全市 |") == 1


def test_chart_without_data_is_left_out(tmp_path: Path) -> None:
    dataset = make_dataset(tmp_path)
    for ind in ("employed_primary", "employed_secondary", "employed_tertiary"):
        dataset.city[ind].current = 0
    result = write_report(dataset, make_config(tmp_path), CATALOG, tmp_path / "r.docx")
    assert not any("三次产业" in f for f in result.figures)
    assert "图表“2024年毕业生面向三次产业就业人数”没有任何数据，已略去。" in result.warnings


@pytest.mark.skipif(
    shutil.which("pdftoppm") is None or shutil.which("pdftotext") is None, reason="no poppler-utils"
)
def test_the_example_schools_own_report_renders_page_by_page(tmp_path: Path) -> None:
    """The README's school report (杭后职教) through LibreOffice, its pages rendered as pictures."""
    from typer.testing import CliRunner

    from qreport.cli.app import app
    from qreport.report.pdf import soffice_available

    if not soffice_available():
        pytest.skip("LibreOffice with Python-UNO is not installed")
    book = Path(__file__).resolve().parents[1] / "examples" / "bayannur" / "杭锦后旗职业教育中心.xlsx"
    out = tmp_path / "杭后职教年报.docx"
    result = CliRunner().invoke(app, ["build", str(book), "-o", str(out), "--pdf", "--quiet"])
    assert result.exit_code == 0, result.output
    pdf = out.with_suffix(".pdf")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = [p.replace(" ", "") for p in text.split("\f") if p.strip()]
    assert "杭锦后旗职业教育中心" in pages[0] and "杭锦后旗职业教育中心编制" in pages[0]
    assert "内容真实性责任声明" in pages[1] and "法定代表人（签名）：郭建军" in pages[1]
    body = "".join(pages[6:])
    for expected in ("1.人才培养", "表1-32023年、2024年教职工", "图1-12023年、2024年招生数", "案例1-1",
                     "7.面临挑战", "表6落实政策表", "名称：杭锦后旗职业教育中心(3115082601)"):  # fmt: skip
        assert expected in body
    assert "全市" not in body and "杭后职教：" not in body
    subprocess.run(["pdftoppm", "-png", "-r", "30", str(pdf), str(tmp_path / "page")], check=True)
    pictures = sorted(tmp_path.glob("page-*.png"))
    assert len(pictures) == len(pages) and all(p.stat().st_size > 1000 for p in pictures)
