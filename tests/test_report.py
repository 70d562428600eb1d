"""The Word report: golden text dump plus pinned facts (headings, tables, numbers, lists, styles)."""

from __future__ import annotations

import os
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from qreport.catalog.indicators import load_catalog
from qreport.catalog.outline import CHAPTER_TITLES
from qreport.report import ReportResult, write_report
from qreport.report.dump import dump_docx

from report_fixtures import UNTRUSTED_TEXT, make_config, make_dataset

GOLDEN = Path(__file__).parent / "golden" / "report.txt"
CATALOG = load_catalog(2024)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, ReportResult]:
    folder = tmp_path_factory.mktemp("report")
    dataset = make_dataset(folder)
    out = folder / "report.docx"
    result = write_report(dataset, make_config(folder), CATALOG, out)
    return out, result


@pytest.fixture(scope="module")
def document(built: tuple[Path, ReportResult]) -> docx.document.Document:
    return docx.Document(str(built[0]))


@pytest.fixture(scope="module")
def dump(built: tuple[Path, ReportResult]) -> str:
    return dump_docx(built[0])


def paragraphs(doc: docx.document.Document, style: str) -> list[str]:
    return [p.text for p in doc.paragraphs if p.style is not None and p.style.name == style]


def table_after(doc: docx.document.Document, caption: str) -> list[list[str]]:
    """Cell texts of the table after the caption `caption` (its last occurrence: the lists come first)."""
    body = list(doc.element.body.iterchildren())
    for k in reversed(range(len(body))):
        el = body[k]
        if el.tag == qn("w:p") and "".join(t.text or "" for t in el.iter(qn("w:t"))) == caption:
            table = next(e for e in body[k:] if e.tag == qn("w:tbl"))
            return [
                ["".join(t.text or "" for t in tc.iter(qn("w:t"))) for tc in tr.findall(qn("w:tc"))]
                for tr in table.findall(qn("w:tr"))
            ]
    raise AssertionError(f"no paragraph {caption!r}")


def test_golden_dump(dump: str) -> None:
    if os.environ.get("QREPORT_REGEN_GOLDEN"):
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(dump, encoding="utf-8")
    assert dump == GOLDEN.read_text(encoding="utf-8"), (
        "report changed: review, then QREPORT_REGEN_GOLDEN=1 pytest"
    )


def test_chapters_use_built_in_heading_1_with_exact_texts(document: docx.document.Document) -> None:
    expected = [f"{k}. {title}" for k, title in enumerate(CHAPTER_TITLES, start=1)]
    assert paragraphs(document, "Heading 1") == expected
    assert "1.1 立德树人" in paragraphs(document, "Heading 2")
    assert "1.1.1 强化思政课建设，树立“大思政”理念" in paragraphs(document, "Heading 3")


def test_appendix_captions_in_order_after_chapter_seven(document: docx.document.Document) -> None:
    captions = paragraphs(document, "附表题")
    assert captions == [
        "表1 人才培养质量计分卡",
        "表2 满意度调查表",
        "表3 教学资源表",
        "表4 服务贡献表",
        "表5 国际影响表",
        "表6 落实政策表",
    ]
    body = [(p.style.name, p.text) for p in document.paragraphs]
    first = body.index(("附表题", "表1 人才培养质量计分卡"))
    assert body.index(("Heading 1", "7. 面临挑战")) < first
    assert body[first + 1] == ("表头说明", "名称：内蒙古自治区巴彦淖尔市(150800)")


def test_table1_rows_follow_the_catalog_without_base_rows(document: docx.document.Document) -> None:
    rows = table_after(document, "表1 人才培养质量计分卡")
    assert rows[0] == ["序号", "指标", "单位", "2023年", "2024年"]
    printed = [i.label for i in CATALOG.get_table("T1").indicators if i.input != "base"]
    assert [r[1] for r in rows[1:]] == printed
    by_label = {r[1]: r for r in rows[1:]}
    assert by_label["毕业生人数"][3:] == ["3221", "3173"]
    assert by_label["月收入"][3:] == ["3148.37", "2442.67"]
    assert by_label["毕业生本省去向落实率"][3:] == ["96.90", "97.19"]
    # 序号 is printed once per group; the group's other rows are merged into it
    assert [r[0] for r in rows[1:6]] == ["1", "", "", "", "2"]


def test_satisfaction_table_has_one_column_per_school_and_dashes_for_no_value(
    document: docx.document.Document,
) -> None:
    rows = table_after(document, "表2 满意度调查表")
    assert rows[0][:4] == ["序号", "指标", "单位", "市一职"]
    assert rows[0][-1] == "全市"
    staff = next(r for r in rows if r[1] == "教职工满意度")
    assert staff[3:] == ["-"] * 8
    assert next(r for r in rows if r[1] == "在校生满意度")[3] == "87.60"


def test_previous_year_without_value_prints_dash(document: docx.document.Document) -> None:
    rows = table_after(document, "表6 落实政策表")
    assert next(r for r in rows if r[1] == "年生均财政拨款水平")[3:] == ["-", "2256.24"]


def test_chapter_table_total_comes_from_the_city_values(document: docx.document.Document) -> None:
    rows = table_after(document, "表1-3 各职业学校教职工、招生、在校生、毕业生规模一览表")
    assert rows[0] == ["学校", "教职工数", "招生数", "在校生", "毕业生"]
    assert rows[1] == ["", "", *["2023年", "2024年"] * 3]  # the first two cells are merged from above
    assert rows[-1] == ["合计", "1467", "3313", "3321", "10130", "9060", "3221", "3173"]
    teachers = table_after(document, "表6-1 各职业学校教师队伍情况统计表")
    ratio = next(r for r in teachers if r[0] == "生师比")
    assert ratio[-1] == "9.42"  # 9060 / 962 on the city counts, not a mean of school ratios


def test_school_text_is_printed_as_typed_never_as_a_template(dump: str) -> None:
    assert f"**市体校：**{UNTRUSTED_TEXT}" in dump


def test_empty_leaf_section_gets_highlighted_placeholder(
    built: tuple[Path, ReportResult], document: docx.document.Document
) -> None:
    _, result = built
    assert "1.6 教学改革" in result.placeholders
    assert "7 面临挑战" in result.placeholders
    marked = [r for p in document.paragraphs for r in p.runs if r.text == "【待补充：教学改革】"]
    assert marked and marked[0].font.highlight_color is not None
    # a section that opens straight into its subsections is not a gap
    assert "1.1 立德树人" not in result.placeholders


def test_numbering_per_chapter_and_lists(built: tuple[Path, ReportResult], dump: str) -> None:
    _, result = built
    assert result.tables[4].startswith("表1-5 ")
    assert result.tables[5] == "表1-6 杭后职教实践课程"  # a school's free table, numbered with the others
    assert result.tables[6].startswith("表5-1 ")
    assert result.figures[1] == "图1-2 各职业学校2023年、2024年招生数与在校生数"
    assert result.figures[7] == "图2-1 杭后职教订单班课堂"  # a school's photo in its section
    assert result.cases == [
        "案例1-1 五育并举 促进学生全面发展",
        "案例3-1 端午节纪念活动",
        "案例5-1 产教融合，共建基地，助力产业升级",
    ]
    assert result.appendix[0] == "表1 人才培养质量计分卡"
    lists = dump.split("[前置标题] ⤓ 表目录")[1].split("== 第1节结束")[0]
    for caption in (*result.tables, *result.figures, *result.cases):
        assert f"] {caption}" in lists or f"}}{caption}" in lists
        assert f"] {caption}\n" in dump.split("== 第1节结束")[1]  # and as a caption in the body


def test_lists_are_fields_word_and_libreoffice_update(dump: str, document: docx.document.Document) -> None:
    assert '{TOC \\o "1-3" \\h \\z \\u}1. 人才培养' in dump
    assert '{TOC \\h \\z \\t "表题,1"}表1-1 ' in dump
    assert '{TOC \\h \\z \\t "图题,1"}图1-1 ' in dump
    assert '{TOC \\h \\z \\t "案例标题,1"}案例1-1 ' in dump
    assert document.settings.element.find(qn("w:updateFields")).get(qn("w:val")) == "true"
    # the appendix captions reach the main TOC through their outline level
    ppr = document.styles["附表题"].element.pPr
    assert ppr.find(qn("w:outlineLvl")).get(qn("w:val")) == "0"


def test_missing_case_photo_is_skipped_silently(built: tuple[Path, ReportResult], dump: str) -> None:
    _, result = built
    chapter3 = dump.split("[Heading 1] 3. 文化传承")[1].split("[Heading 1] 4.")[0]
    assert "案例3-1 端午节纪念活动" in chapter3 and "[图片" not in chapter3
    assert not any("gone.png" in w for w in result.warnings)


def test_case_photo_is_a_third_of_the_page_high_at_most_with_caption_below(dump: str) -> None:
    # 240×160 px: as wide as the text would be 10.4 cm high, more than a third of the 22.5 cm text height
    assert "[图片] [图片 11.2×7.5 cm]\n[图题] 图1-7 市一职项目式体育课程" in dump
    assert "[图片 5.8×7.5 cm]\n[图题] 图5-1 学生上课" in dump


def test_east_asian_fonts_are_set_on_styles(document: docx.document.Document) -> None:
    def fonts(name: str) -> dict[str, str]:
        rfonts = document.styles[name].element.rPr.find(qn("w:rFonts"))
        return {k.split("}")[1]: v for k, v in rfonts.attrib.items()}

    assert fonts("Normal") == {
        "ascii": "仿宋_GB2312",
        "hAnsi": "仿宋_GB2312",
        "eastAsia": "仿宋_GB2312",
        "cs": "仿宋_GB2312",
    }
    assert fonts("Heading 1")["eastAsia"] == "黑体"
    assert fonts("Heading 2")["eastAsia"] == "楷体_GB2312"
    assert fonts("表格文字")["eastAsia"] == "宋体"
    assert fonts("封面标题")["eastAsia"] == "方正小标宋简体"
    normal = document.styles["Normal"]
    assert normal.font.size.pt == 16
    assert normal.paragraph_format.line_spacing.pt == 28


def test_page_setup_header_footer_and_numbering(document: docx.document.Document, dump: str) -> None:
    front, body = document.sections
    for section in (front, body):
        assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
        assert [
            round(m.mm)
            for m in (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
        ] == [37, 35, 28, 26]
    assert "== 第1节结束 210×297mm 边距(上/下/左/右)37/35/28/26 页码续前 页眉：(无) 页脚：(无)" in dump
    assert (
        "页码自 1 起 页眉：内蒙古自治区巴彦淖尔市中等职业教育质量年度报告（2024） 页脚：— {PAGE}1 —" in dump
    )


def test_tables_repeat_header_rows_and_rows_never_split(document: docx.document.Document) -> None:
    assert len(document.tables) == 9 + 6
    for table in document.tables:
        rows = table._tbl.findall(qn("w:tr"))
        assert rows[0].find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None
        assert all(r.find(f"{qn('w:trPr')}/{qn('w:cantSplit')}") is not None for r in rows)


def test_cover_front_matter_in_order(dump: str) -> None:
    front = dump.split("== 第1节结束")[0]
    order = [
        "内蒙古自治区巴彦淖尔市",
        "内容真实性责任声明",
        "编制组",
        "前\u3000言",
        "目\u3000录",
        "表目录",
        "图目录",
        "案例目录",
    ]
    positions = [front.index(text) for text in order]
    assert positions == sorted(positions)
    assert "[封面文字] 巴彦淖尔市教育局编制" in front
    assert "编制组成员：张瑞霞（市教育局职成教科科长）" in front


def test_draft_marks_cover_and_header_and_lists_findings(tmp_path: Path) -> None:
    dataset = make_dataset(tmp_path, draft=True)
    out = tmp_path / "draft.docx"
    write_report(dataset, make_config(tmp_path), CATALOG, out)
    text = dump_docx(out)
    assert text.startswith("[草稿标记] 草 稿\n")
    assert "页眉：草稿 页脚：(无)" in text
    assert "（2024）（草稿）" in text
    findings = (
        text.split("[Heading 1] ⤓ 校验问题清单")[1]
        if "⤓ 校验问题清单" in text
        else text.split("[Heading 1] 校验问题清单")[1]
    )
    assert "| 1 | 市体校.xlsx | 计分卡 | E5 | 警告 | 毕业生人数（2024年）未填写。" in findings
    assert "| 2 | 前旗职中.xlsx | 落实政策 | F9 | 错误 | “约250”不是数字。" in findings


def test_failed_write_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "report.docx"
    out.write_bytes(b"previous")

    def broken(self: object, path: str) -> None:
        Path(path).write_bytes(b"half")
        raise OSError("disk full")

    monkeypatch.setattr(docx.document.Document, "save", broken)
    with pytest.raises(OSError):
        write_report(make_dataset(tmp_path), make_config(tmp_path), CATALOG, out)
    assert out.read_bytes() == b"previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["case1.png", "case2.png", "report.docx"]


def test_missing_cover_details_and_team_get_placeholders(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    config.report.compiler = ""
    config.report.date = ""
    config.team = []
    narrative = tmp_path / "narrative"
    narrative.mkdir()
    (narrative / "preface.md").write_text("", encoding="utf-8")
    result = write_report(make_dataset(tmp_path), config, CATALOG, tmp_path / "r.docx")
    assert result.placeholders[:5] == [
        "封面：编制单位",
        "封面：编制日期",
        "内容真实性责任声明：编制单位",
        "编制组",
        "前言",
    ]
    front = dump_docx(tmp_path / "r.docx").split("== 第1节结束")[0]
    assert "[封面文字] ==【待补充：封面：编制单位】==" in front
    assert "[前置正文] ==【待补充：编制组】==" in front


def test_section_photo_follows_the_text_with_its_caption(dump: str) -> None:
    section = dump.split("[Heading 2] 2.5 ")[1].split("[Heading 1] 3.")[0]
    assert section.index("非学历培训") < section.index(
        "[图片] [图片 11.2×7.5 cm]\n[图题] 图2-1 杭后职教订单班课堂"
    )


def test_free_table_from_a_school_text_is_captioned_and_merged(dump: str) -> None:
    section = dump.split("[Heading 2] 1.14 ")[1].split("[案例标题]")[0]
    assert "[Normal] **杭后职教：**杭后职教开设以下实践课程：\n[表题] 表1-6 杭后职教实践课程\n" in section
    assert (
        "| 实践活动 | 劳动教育 |\n| ^ | 公益活动 |" in section
    )  # an empty first cell continues the one above
    assert section.rstrip().endswith("[Normal] 课程由各系部组织。")
