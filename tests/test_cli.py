"""The command line around the library: arguments, exit codes, init, packaging of templates."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from qreport.catalog.config import load_config
from qreport.cli.app import app
from qreport.report.dump import dump_docx

import builders

runner = CliRunner()


def run(*args: str | Path) -> tuple[int, str]:
    result = runner.invoke(app, [str(a) for a in args])
    return result.exit_code, result.output


def test_unknown_year_lists_the_years_available(tmp_path: Path) -> None:
    code, out = run("template", tmp_path / "a.xlsx", "--year", "2019")
    assert code == 2 and "没有 2019 年的指标目录" in out and "2024" in out
    assert not (tmp_path / "a.xlsx").exists()


def test_template_refuses_a_name_that_is_not_xlsx(tmp_path: Path) -> None:
    code, out = run("template", tmp_path / "a.xls")
    assert code == 2 and ".xlsx" in out


def test_bad_arguments_exit_2() -> None:
    assert run("validate")[0] == 2
    assert run("build", "--no-such-option")[0] == 2


def test_template_with_a_previous_dataset_of_another_school_is_refused(tmp_path: Path) -> None:
    ds = tmp_path / "2023.json"
    ds.write_text('{"year": 2023, "city": {}, "schools": [{"name": "甲校", "values": {}}]}', encoding="utf-8")
    code, out = run("template", tmp_path / "a.xlsx", "--school", "乙校", "--previous", ds)
    assert code == 2 and "甲校" in out
    code, out = run("template", tmp_path / "a.xlsx", "--previous", tmp_path / "none.json")
    assert code == 2 and "找不到数据集文件" in out


def test_init_writes_a_config_that_loads_and_a_narrative_folder(tmp_path: Path) -> None:
    code, _ = run("init", tmp_path / "city")
    assert code == 0
    config = load_config(tmp_path / "city" / "qreport.toml")
    assert config.year == 2024 and config.region.code == "" and config.region.name == ""  # no one's region
    assert [t.role for t in config.team] == ["负责人", "编制组成员", "数据采集", "审定"]
    assert not any(t.filled_members for t in config.team)
    assert (tmp_path / "city" / "narrative" / "1.10.md").is_file()
    code, out = run("init", tmp_path / "city")
    assert code == 2 and "已存在" in out  # never overwrites the bureau's own config


def test_python_dash_m_runs_the_cli() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "qreport", "--help"], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0 and "validate" in proc.stdout


def test_the_wheel_ships_the_templates(tmp_path: Path) -> None:
    """`pip install` alone must give a working qreport: templates/ travels inside the package."""
    root = Path(__file__).resolve().parents[1]
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(root)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    if proc.returncode != 0:
        pytest.skip(f"cannot build a wheel here: {proc.stderr[-300:]}")
    wheel = next(tmp_path.glob("qreport-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {p.relative_to(root).as_posix() for p in (root / "templates").rglob("*") if p.is_file()}
    assert shipped and {f"qreport/{name}" for name in shipped} <= names
    assert "qreport/catalog/2024.toml" in names


def test_an_internal_error_is_reported_in_chinese_without_a_traceback(tmp_path: Path) -> None:
    script = (
        "import sys, qreport.check.validate as v\n"
        "def boom(*a, **k): raise RuntimeError('x')\n"
        "v.validate_files = boom\n"
        "sys.argv = ['qreport', 'validate', 'a.xlsx']\n"
        "from qreport.cli.app import main\n"
        "main()\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, cwd=tmp_path
    )
    assert proc.returncode == 2 and "内部错误" in proc.stderr and "Traceback" not in proc.stderr


def test_the_library_names_stay_functions_whatever_was_imported_first() -> None:
    """`qreport.build` is the function even after the CLI has imported the building modules."""
    code = (
        "import qreport, qreport.cli.pipeline, qreport.check.validate\n"
        "from qreport import build, validate_files\n"
        "assert callable(build) and callable(qreport.build) and callable(qreport.build)\n"
        "assert callable(validate_files) and qreport.build is build\n"
        "print('ok')\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.stdout.strip() == "ok", proc.stderr


def test_template_into_a_missing_folder_says_what_to_do(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["template", str(tmp_path / "没有" / "学校.xlsx")])
    assert result.exit_code == 2
    assert "不存在。请先建立该文件夹，或换一个输出位置。" in result.output and "内部错误" not in result.output


def test_init_for_a_region_fills_its_details(tmp_path: Path) -> None:
    args = ("--region", "内蒙古自治区乌海市", "--code", "150300", "--compiler", "乌海市教育局")
    code, _ = run("init", tmp_path / "city", *args)
    assert code == 0
    config = load_config(tmp_path / "city" / "qreport.toml")
    assert (config.region.name, config.region.short, config.region.code) == (
        "内蒙古自治区乌海市",
        "乌海市",
        "150300",
    )
    assert config.report.compiler == "乌海市教育局" and config.report.date == ""
    assert [what for what, _ in config.gaps(config.region.name)][:1] == ["封面日期"]
    code, out = run("init", tmp_path / "other", "--code", "15030")
    assert code == 2 and "6 位数字" in out


def test_unfilled_details_are_build_warnings_and_yellow_placeholders(
    tmp_path: Path, blank_template: Path
) -> None:
    city = tmp_path / "city"
    assert run("init", city, "--region", "内蒙古自治区乌海市", "--code", "150300")[0] == 0
    config = city / "qreport.toml"
    config.write_text(config.read_text(encoding="utf-8").replace('role = "负责人"\nmembers = []',
                      'role = "负责人"\nmembers = ["张三（局长）"]'), encoding="utf-8")  # fmt: skip
    builders.good_school(city, "甲.xlsx")
    code, out = run("build", city, "-o", tmp_path / "r.docx", "--dataset", tmp_path / "r.json")
    assert code == 0, out
    findings = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["findings"]
    missing = [f["message"].split("没有填写")[0] for f in findings if f["code"] == "cover_missing"]
    assert missing == [
        "编制单位",
        "封面日期",
        "编制组“编制组成员”的人员",
        "编制组“数据采集”的人员",
        "编制组“审定”的人员",
    ]
    assert all(
        f["file"] == "qreport.toml" and f["severity"] == "warning"
        for f in findings
        if f["code"] == "cover_missing"
    )
    front = dump_docx(tmp_path / "r.docx").split("== 第1节结束")[0]
    assert "负责人：张三（局长）" in front and "==【待补充：编制组：审定】==" in front
    assert (
        "==【待补充：内容真实性责任声明：落款日期】==" in front and "==【待补充：封面：编制单位】==" in front
    )
