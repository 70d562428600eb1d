"""Docs that run: the README's Quick start is exactly two commands, and both keep working."""

from __future__ import annotations

import json
import re
import shlex
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from qreport.cli.app import app
from qreport.report.dump import dump_docx

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def quick_start() -> list[str]:
    section = README.split("## 快速开始", 1)[1].split("\n## ", 1)[0]
    return [block.strip() for block in re.findall(r"```sh\n(.*?)```", section, re.S)]


def test_quick_start_is_exactly_two_commands() -> None:
    commands = quick_start()
    assert len(commands) == 2 and all("\n" not in c for c in commands)
    assert "qreport build examples/" in commands[0] and commands[1].endswith("pytest")


def test_ci_runs_the_readme_test_command() -> None:
    assert quick_start()[1] in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_the_first_command_builds_the_example_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    qreport = quick_start()[0].split("&&")[-1].strip()
    args = shlex.split(qreport)[1:]  # drop the ".venv/bin/qreport" executable: the package is installed
    args = [str(ROOT / a) if a.startswith("examples/") else a for a in args]
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    out = Path(args[args.index("-o") + 1])
    assert out.is_file() and out.with_suffix(".json").is_file()


def readme_commands() -> list[str]:
    """Every `qreport …` line of the README's shell blocks after the Quick start, in reading order."""
    rest = README.split("## 快速开始", 1)[1].split("\n## ", 1)[1]
    blocks = re.findall(r"```sh\n(.*?)```", rest, re.S)
    return [
        line.strip() for block in blocks for line in block.splitlines() if line.strip().startswith("qreport ")
    ]


def _prepare(command: str, here: Path) -> None:
    """What the README tells the user to do by hand before `command`: collect the workbooks, have the
    lower regions' datasets and the region's config at hand."""
    example = ROOT / "examples" / "bayannur"
    if command.startswith("qreport build 2024年报"):
        for school in example.glob("*.*"):
            if school.suffix in (".xlsx", ".png"):
                shutil.copy(school, here / "2024年报" / school.name)
    if command.startswith("qreport links"):  # links are for the schools the config expects
        schools = (example / "qreport.toml").read_text(encoding="utf-8").split("[[schools]]", 1)[1]
        with (here / "2024年报" / "qreport.toml").open("a", encoding="utf-8") as fh:
            fh.write("\n[[schools]]" + schools)
    if "--from-datasets" in command:
        data = json.loads((here / "数据集.json").read_text(encoding="utf-8"))
        (here / "巴彦淖尔市.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        data["region"]["name"] = "内蒙古自治区呼和浩特市"
        for school in data["schools"]:
            school["name"] = "呼和浩特市" + school["name"]
        (here / "呼和浩特市.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        (here / "自治区.toml").write_text(
            '[region]\nname = "内蒙古自治区"\ncode = "150000"\n', encoding="utf-8"
        )


def test_every_readme_command_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    commands = readme_commands()
    assert [c.split()[1] for c in commands] == [
        "template",
        "validate",
        "build",
        "init",
        "build",
        "build",
        "links",
        "build",
    ]
    assert "qreport serve 2024年报" in README  # runs until stopped: tests/test_serve.py starts it
    monkeypatch.chdir(tmp_path)
    for command in commands:
        _prepare(command, tmp_path)
        args = [str(ROOT / a) if a.startswith("examples/") else a for a in shlex.split(command)[1:]]
        result = CliRunner().invoke(app, args)
        # the school's first check of a blank template finds errors (exit 1); everything else succeeds
        expected = 1 if command.startswith("qreport validate") else 0
        assert result.exit_code == expected, (command, result.output)
        if command.startswith("qreport links"):
            assert "巴彦淖尔市第一职业中等专业学校\thttp://192.168.1.10:8000/" in result.output
    assert (tmp_path / "报告.docx").is_file() and (tmp_path / "汇总表.xlsx").is_file()
    assert (tmp_path / "自治区报告.docx").is_file()


def test_the_school_report_command_builds_the_example_schools_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    section = README.split("## 学校：编制本校质量年报", 1)[1].split("\n## ", 1)[0]
    command = re.findall(r"```sh\n(.*?)```", section, re.S)[0].strip()
    assert command == "qreport build examples/bayannur/杭锦后旗职业教育中心.xlsx -o 杭后职教年报.docx"
    args = [str(ROOT / a) if a.startswith("examples/") else a for a in shlex.split(command)[1:]]
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["杭后职教年报.docx"]  # the report alone
    text = dump_docx(tmp_path / "杭后职教年报.docx")
    assert "[封面文字] 杭锦后旗职业教育中心编制" in text and "编制组成员：王效忠" in text
