"""A bureau's folder can be built again and again: qreport's outputs inside it are marked and skipped,
stray spreadsheets are notices, not findings, and the summary table adds up."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from qreport.cli.app import app
from qreport.cli.show import OTHERS, file_rows
from qreport.compile.build import build
from qreport.findings import counts
from qreport.mark import ANNOTATED, REPORT, TABLES, mark_of
from qreport.workbook.safety import OLE_MAGIC

import builders

SCHOOLS = {
    "甲.xlsx": {"学校名称": "甲职业学校", "学校简称": "甲校", "学校标识码": "4115000001"},
    "乙.xlsx": {"学校名称": "乙职业学校", "学校简称": "乙校", "学校标识码": "4115000002"},
}


@pytest.fixture
def city(blank_template: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "2024年报"
    for name, info in SCHOOLS.items():
        builders.good_school(folder, name, info=info)
    return folder


def run(*args: str | Path) -> tuple[int, str]:
    result = CliRunner().invoke(app, [str(a) for a in args])
    return result.exit_code, result.output


def _mark(path: Path) -> str | None:
    with zipfile.ZipFile(path) as zf:
        return mark_of(zf)


def test_every_output_carries_the_mark_and_the_template_does_not(city: Path) -> None:
    code, out = run("build", city, "-o", city / "报告.docx", "--tables", city / "汇总表.xlsx", "-q")
    assert code == 0, out
    assert _mark(city / "报告.docx") == REPORT and _mark(city / "汇总表.xlsx") == TABLES
    assert json.loads((city / "报告.json").read_text(encoding="utf-8"))["generator"].startswith("qreport ")
    run("validate", city / "甲.xlsx", "--annotate", city / "标注")
    assert _mark(city / "标注" / "甲.xlsx") == ANNOTATED
    assert _mark(city / "甲.xlsx") is None  # a school's workbook (from the template) is not qreport's output


def test_a_folder_builds_the_same_twice_with_its_outputs_inside(city: Path) -> None:
    first = run(
        "build",
        city,
        "-o",
        city / "报告.docx",
        "--tables",
        city / "汇总表.xlsx",
        "--dataset",
        city / "a.json",
    )
    assert first[0] == 0, first[1]
    assert run("validate", city, "--annotate", city / "标注")[0] == 0
    # the second build writes elsewhere: the first one's outputs are now just files of the folder
    second = run("build", city, "-o", city / "报告2.docx", "--dataset", city / "b.json")
    assert second[0] == 0, second[1]
    a = json.loads((city / "a.json").read_text(encoding="utf-8"))
    b = json.loads((city / "b.json").read_text(encoding="utf-8"))
    assert a == b and {f["code"] for f in a["findings"]} <= {"cover_missing"}  # no config in this folder
    for name in ("汇总表.xlsx", "标注/甲.xlsx", "标注/乙.xlsx"):
        assert f"已跳过 {name}：这是 qreport 写出的" in second[1]
    assert "同一所学校" not in second[1]


def test_a_spreadsheet_that_is_not_a_school_workbook_is_a_notice(city: Path) -> None:
    wb = Workbook()
    wb.active.title = "通讯录"  # type: ignore[union-attr]
    wb.save(city / "联系人.xlsx")
    (city / "~$甲.xlsx").write_bytes(b"lock")
    (city / "汇总.csv").write_text("a,b", encoding="utf-8")
    result = build(city)
    assert [s.file for s in result.skipped] == ["~$甲.xlsx", "汇总.csv", "联系人.xlsx"]
    assert "不是学校填报表" in result.skipped[2].notice
    assert {f.code for f in result.findings} <= {"cover_missing"} and len(result.dataset.schools) == 2


def test_an_old_format_file_is_a_notice_unless_it_is_an_expected_schools_only_file(city: Path) -> None:
    (city / "丙职业学校.xls").write_bytes(OLE_MAGIC + bytes(504))
    result = build(city)
    (skipped,) = result.skipped
    assert skipped.legacy and "另存为" in skipped.notice and not result.has_errors
    (city / "qreport.toml").write_text(
        "".join(f'[[schools]]\nname = "{n}职业学校"\n' for n in "甲乙丙"), encoding="utf-8"
    )
    code, out = run("build", city, "-o", city / "r.docx")
    assert code == 1
    (error,) = [f for f in build(city).findings if f.is_error]
    assert (
        error.code == "school_only_legacy"
        and error.file == "丙职业学校.xls"
        and "丙职业学校" in error.message
    )


def test_a_real_xlsx_named_xls_is_read(city: Path) -> None:
    (city / "乙.xlsx").rename(city / "乙.xls")
    assert len(build(city).dataset.schools) == 2


def test_each_row_counts_every_finding_about_its_file_and_the_rest_have_their_own_row(city: Path) -> None:
    builders.good_school(city, "甲-第二份.xlsx", info=SCHOOLS["甲.xlsx"])
    (city / "qreport.toml").write_text(
        '[[schools]]\nname = "甲职业学校"\n[[schools]]\nname = "乙职业学校"\n[[schools]]\nname = "丁职业学校"\n',
        encoding="utf-8",
    )
    result = build(city)
    files = [(r.school.label if r.school else "", r.label) for r in result.files]
    rows = file_rows(files, result.findings)
    by_file = {file: (e, w) for _, file, e, w in rows}
    (duplicate,) = [f for f in result.findings if f.code == "duplicate_school"]
    assert by_file[duplicate.file] == (1, 0)  # the second workbook of a school is counted on its row
    assert rows[-1][0] == OTHERS and rows[-1][1] == "qreport.toml" and rows[-1][2] == 1  # 丁 is missing
    assert (sum(r[2] for r in rows), sum(r[3] for r in rows)) == counts(result.findings)


def test_validate_a_folder_checks_every_workbook_with_a_table(city: Path) -> None:
    with builders.edit(city / "乙.xlsx") as wb:
        builders.set_value(wb, "graduates", "current", "很多")
    Workbook().save(city / "别的表.xlsx")
    code, out = run("validate", city)
    assert code == 1
    assert f"已跳过 {city / '别的表.xlsx'}" in out and "各校工作簿" in out and "合计" in out
    assert "共检查 2 个文件：错误" in out


def test_validate_an_empty_folder_says_so(tmp_path: Path) -> None:
    code, out = run("validate", tmp_path)
    assert code == 2 and "没有找到学校工作簿" in out
