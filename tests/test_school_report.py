"""A school's own report: `qreport build 学校.xlsx` and `qreport build DIR --school-reports OUTDIR`."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_report import paragraphs, table_after
from typer.testing import CliRunner

from qreport.catalog.indicators import load_catalog
from qreport.catalog.outline import CHAPTER_TITLES
from qreport.cli.app import app
from qreport.compile.build import build
from qreport.compile.school import build_school
from qreport.model import School
from qreport.report.appendix import printed_rows
from qreport.report.dump import dump_docx
from qreport.report.numformat import indicator_value
from qreport.report.schools import report_files, safe_name
from qreport.workbook import layout

import builders

CATALOG = load_catalog(2024)
runner = CliRunner()
COVER = {
    "编制日期": "2025年1月",
    "法定代表人": "李建国",
    "负责人": "李建国（校长）",
    "编制组成员": "王丽（教务处主任）、赵强（招生就业处主任）",
}
OTHER = {"学校名称": "巴彦淖尔职业技术学校", "学校简称": "市职校", "学校标识码": "4115005822"}


def run(*args: str | Path) -> tuple[int, str]:
    result = runner.invoke(app, [str(a) for a in args])
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("city") / "city"
    builders.good_school(folder, "市一职.xlsx", info=COVER)
    builders.good_school(folder, "市职校.xlsx", info=OTHER, cases=[])
    return folder


@pytest.fixture(scope="module")
def own(city: Path) -> Path:
    out = city.parent / "市一职年报.docx"
    code, output = run("build", city / "市一职.xlsx", "-o", out, "--quiet")
    assert code == 0, output
    return out


@pytest.fixture(scope="module")
def document(own: Path) -> docx.document.Document:
    return docx.Document(str(own))


def test_appendix_values_are_the_schools_values_in_the_city_dataset(city: Path, own: Path) -> None:
    dataset = build(city, workers=1).dataset
    values = dataset.school_values[builders.INFO["学校名称"]]
    doc = docx.Document(str(own))
    tables = [t for t in CATALOG.table if any(i.seq is not None for i in t.indicators)]
    for k, table in enumerate(tables, start=1):
        rows = table_after(doc, f"表{k} {table.title}")
        expected = []
        for _, ind in printed_rows(table):
            years = ("current",) if table.sample else ("previous", "current")
            expected.append([indicator_value(values[ind.id].get(w), ind) for w in years])
        assert [r[3:] for r in rows[1:]] == expected, table.title
    # 表2: the school's single column, no column for the whole region
    assert table_after(doc, "表2 满意度调查表")[0] == ["序号", "指标", "单位", "市一职"]


def test_headings_lists_and_numbering_as_in_the_city_report(
    document: docx.document.Document, own: Path
) -> None:
    assert paragraphs(document, "Heading 1") == [f"{k}. {t}" for k, t in enumerate(CHAPTER_TITLES, 1)]
    assert paragraphs(document, "附表题")[0] == "表1 人才培养质量计分卡"
    text = dump_docx(own)
    for field in ('{TOC \\o "1-3" \\h \\z \\u}1. 人才培养', '{TOC \\h \\z \\t "表题,1"}表1-1 ',
                  '{TOC \\h \\z \\t "图题,1"}图1-1 ', '{TOC \\h \\z \\t "案例标题,1"}案例1-1 '):  # fmt: skip
        assert field in text
    captions = paragraphs(document, "表题")
    assert captions[0] == "表1-1 2023学年、2024学年专业设置及各专业学生情况一览表"
    assert "表1-3 2023年、2024年教职工、招生、在校生、毕业生规模情况表" in captions
    assert paragraphs(document, "图题")[0] == "图1-1 2023年、2024年招生数、在校生数与毕业生数"
    assert paragraphs(document, "案例标题") == ["案例1-1 “田间课堂”助力现代农艺人才培养"]


def test_cover_statement_and_team_come_from_the_workbook(own: Path) -> None:
    front = dump_docx(own).split("== 第1节结束")[0]
    assert "巴彦淖尔市第一职业中等专业学校编制" in front
    assert "2025年1月" in front
    assert "对本校中等职业教育质量报告（2024年度）" in front
    assert "法定代表人（签名）：李建国" in front
    assert "编制组成员：王丽（教务处主任）" in front and "赵强（招生就业处主任）" in front


def test_school_texts_are_its_own_words_and_narrative_speaks_of_the_school(own: Path) -> None:
    text = dump_docx(own)
    body = text.split("== 第1节结束")[1]
    typed = builders.TEXTS[1][1]
    assert f"] {typed}\n" in body  # as typed, without "市一职：" before it
    assert "市一职：" not in body
    assert "我校招生" in body and "较上年" in body
    for city_word in ("全市", "各职业学校", "各学校"):
        assert city_word not in body


def test_a_school_without_cases_photos_or_previous_year_gets_a_clean_report(tmp_path: Path) -> None:
    values = {ind.id: (None, v[1]) for ind in CATALOG.typed if (v := builders.VALUES.get(ind.id))}
    book = builders.good_school(tmp_path, "新校.xlsx", info=OTHER, values=values, cases=[], texts=[])
    out = tmp_path / "r.docx"
    code, output = run("build", book, "-o", out, "--quiet")
    assert code == 0, output
    body = dump_docx(out).split("== 第1节结束")[1]
    assert "[案例标题]" not in body and "[图片 " not in body
    assert "较上年" not in body and "上年为" not in body  # no comparison with a year it does not have
    assert "-%" not in body and "较上年-" not in body
    placeholders = [p for p in body.splitlines() if "【待补充" in p]
    assert placeholders and all("待补充：封面" not in p for p in placeholders)
    front = dump_docx(out).split("== 第1节结束")[0]
    for gap in ("封面：编制日期", "内容真实性责任声明：法定代表人", "编制组：负责人", "编制组：审定"):
        assert f"【待补充：{gap}】" in front


def test_errors_stop_the_school_report_unless_draft(tmp_path: Path) -> None:
    book = builders.good_school(tmp_path)
    with builders.edit(book) as wb:
        builders.set_value(wb, "graduates", "current", "约400")
    out = tmp_path / "r.docx"
    code, _ = run("build", book, "-o", out, "--quiet")
    assert code == 1 and not out.exists()
    code, _ = run("build", book, "-o", out, "--quiet", "--draft")
    assert code == 0
    text = dump_docx(out)
    assert text.startswith("[草稿标记] 草 稿\n") and "校验问题清单" in text


def test_folder_options_are_refused_for_a_workbook(tmp_path: Path) -> None:
    book = builders.good_school(tmp_path)
    code, output = run("build", book, "--tables", tmp_path / "t.xlsx")
    assert code == 2 and "--tables" in output
    assert not (tmp_path / "t.xlsx").exists()


def test_default_file_name_is_the_short_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    book = builders.good_school(tmp_path / "in")
    monkeypatch.chdir(tmp_path)
    assert run("build", book, "--quiet")[0] == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "市一职2024年中职质量年报.docx"]


def test_school_reports_write_one_report_per_school_beside_the_city_report(
    city: Path, tmp_path: Path
) -> None:
    out = tmp_path / "学校年报"
    code, output = run("build", city, "-o", tmp_path / "全市.docx", "--school-reports", out, "--quiet")
    assert code == 0, output
    assert sorted(p.name for p in out.iterdir()) == [
        "市一职2024年中职质量年报.docx",
        "市职校2024年中职质量年报.docx",
    ]
    assert (tmp_path / "全市.docx").is_file()
    # the same report as the school's own build
    alone = tmp_path / "alone.docx"
    assert run("build", city / "市一职.xlsx", "-o", alone, "--quiet")[0] == 0
    assert dump_docx(out / "市一职2024年中职质量年报.docx") == dump_docx(alone)


def test_school_reports_write_nothing_when_the_build_fails(city: Path, tmp_path: Path) -> None:
    out = tmp_path / "new" / "学校年报"
    (tmp_path / "全市.docx").mkdir()  # the city report cannot be written
    code, _ = run("build", city, "-o", tmp_path / "全市.docx", "--school-reports", out, "--quiet")
    assert code == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["全市.docx"]  # no folder, no dataset


def test_school_reports_write_nothing_when_a_school_has_errors(tmp_path: Path) -> None:
    folder = tmp_path / "city"
    builders.good_school(folder, "市一职.xlsx")
    bad = builders.good_school(folder, "市职校.xlsx", info=OTHER)
    with builders.edit(bad) as wb:
        builders.set_value(wb, "graduates", "current", "约400")
    code, _ = run(
        "build", folder, "-o", tmp_path / "r.docx", "--school-reports", tmp_path / "各校", "--quiet"
    )
    assert code == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["city"]


def test_report_files_are_distinct_and_safe() -> None:
    schools = [
        School(file="a.xlsx", name="甲职业学校", short_name="职校"),
        School(file="b.xlsx", name="乙职业学校", short_name="职校"),
        School(file="c.xlsx", name="丙/丁:学校", short_name=""),
        School(file="d.xlsx", name="AB", short_name="ab"),
        School(file="e.xlsx", name="ab", short_name="AB"),
    ]
    names = report_files(schools, 2024)
    assert names[:3] == ["甲职业学校2024年中职质量年报.docx", "乙职业学校2024年中职质量年报.docx",
                         "丙_丁_学校2024年中职质量年报.docx"]  # fmt: skip
    assert len({n.casefold() for n in names}) == len(names)


@given(st.lists(st.text(max_size=30), min_size=1, max_size=8))
def test_any_short_names_give_distinct_file_names(labels: list[str]) -> None:
    schools = [School(file=f"{k}.xlsx", name=f"学校{k}", short_name=s) for k, s in enumerate(labels)]
    names = report_files(schools, 2024)
    assert len({n.casefold() for n in names}) == len(names)
    for name in names:
        assert not set(name) & set('\\/:*?"<>|') and name.endswith(".docx") and not name.startswith(".")
        assert all(ord(c) >= 32 for c in name)


@given(st.text())
def test_safe_name_is_never_empty_or_a_path(text: str) -> None:
    name = safe_name(text)
    assert name and "/" not in name and "\\" not in name and name not in (".", "..")


def test_template_offers_the_cover_rows_and_explains_them(tmp_path: Path) -> None:
    wb = builders._load(builders.blank_template())
    labels = [c.value for (c,) in wb[layout.INFO_SHEET].iter_rows(min_col=1, max_col=1) if c.value]
    for label in ("编制日期", "法定代表人", *layout.TEAM_ROLES):
        assert label in labels
    guide = "\n".join(str(c.value) for row in wb[layout.GUIDE_SHEET].iter_rows() for c in row if c.value)
    assert "编制日期" in guide and "qreport build 学校.xlsx" in guide


def test_build_school_reads_the_cover_rows(city: Path) -> None:
    result = build_school(city / "市一职.xlsx")
    assert result.school and result.config.report.date == "2025年1月"
    assert [t.role for t in result.config.team] == ["负责人", "编制组成员", "数据采集", "审定"]
    assert result.config.team[1].members == ["王丽（教务处主任）", "赵强（招生就业处主任）"]
    assert result.config.team[3].members == []  # blank: a placeholder in the report
    assert result.dataset.region.whole == "我校"


def test_a_bureau_replaces_school_texts_and_tables(tmp_path: Path) -> None:
    book = builders.good_school(tmp_path)
    (tmp_path / "qreport.toml").write_text(
        '[school_report]\nnarrative = "学校正文"\ntables = "学校表格.toml"\n', encoding="utf-8"
    )
    (tmp_path / "学校正文").mkdir()
    (tmp_path / "学校正文" / "1.10.md").write_text("本校今年招生{{ school.enrolment }}人。", encoding="utf-8")
    (tmp_path / "学校表格.toml").write_text(
        'level = "school"\n[[table]]\nid = "t"\nsection = "1.10"\ncaption = "招生表"\nschools = "years"\n'
        'items = [{ id = "enrolment" }]\n',
        encoding="utf-8",
    )
    out = tmp_path / "r.docx"
    code, output = run("build", book, "-o", out, "--quiet")
    assert code == 0, output
    doc = docx.Document(str(out))
    enrolment = builders.VALUES["enrolment"]
    assert f"本校今年招生{enrolment[1]}人。" in [p.text for p in doc.paragraphs]
    assert paragraphs(doc, "表题") == ["表1-1 招生表"]
    assert table_after(doc, "表1-1 招生表") == [
        ["指标", "2023年", "2024年"],
        ["招生数（人）", *map(str, enrolment)],
    ]


GAPS = (
    "-%",
    "-人",
    "-本",
    "-元",
    "-个",
    "-门",
    "-项",
    "-学时",
    "-万元",
    "-Mbps",
    "个百分点",
    "为-",
    "-，",
    "-。",
)


@pytest.mark.parametrize("blank", ["all", "even", "odd"])
def test_a_school_with_figures_missing_gets_prose_without_gaps(tmp_path: Path, blank: str) -> None:
    """The school's default texts leave out a clause whose figure is missing, as the city's do."""
    picked = {"all": lambda k: True, "even": lambda k: k % 2 == 0, "odd": lambda k: k % 2 == 1}[blank]
    values = {ind.id: (None, None) for k, ind in enumerate(CATALOG.typed) if picked(k)}
    book = builders.good_school(tmp_path, "缺项校.xlsx", info=OTHER, values=values, cases=[], texts=[])
    out = tmp_path / "r.docx"
    code, output = run("build", book, "-o", out, "--draft", "--quiet")
    assert code == 0, output
    body = [line for line in dump_docx(out).splitlines() if line.startswith("[Normal]")]
    assert body
    for line in body:
        assert not any(gap in line for gap in GAPS), line
