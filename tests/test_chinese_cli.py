"""The command line is Chinese throughout: every help page and every usage error, scanned for English."""

from __future__ import annotations

import errno
import os
import tomllib
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

import qreport
from qreport.atomic import cannot_write
from qreport.cli.app import app
from qreport.cli.usage import _wrap

import builders


def english_words(text: str) -> set[str]:
    return builders.english_words(text, set(command_names()))


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


def command_names() -> list[str]:
    return list(typer.main.get_command(app).commands)  # type: ignore[attr-defined]


@pytest.mark.parametrize("command", [[], *([name] for name in command_names())])
def test_every_help_page_is_chinese(command: list[str]) -> None:
    code, out = run(*command, "--help")
    assert code == 0 and "用法：qreport" in out and "显示本帮助并退出。" in out
    assert not english_words(out), out


USAGE_ERRORS = [
    (["validate"], "缺少参数 工作簿.xlsx"),
    (["template"], "缺少参数 填报表.xlsx"),
    (["init"], "缺少参数 文件夹"),
    (["build", "x", "--no-such-option"], "没有选项 --no-such-option"),
    (["build", "x", "--wrkers", "2"], "是否为 --workers？"),
    (["build", "x", "--workers", "abc"], "选项 --workers 的取值“abc”无效，应为正整数。"),
    (["build", "x", "--workers", "0"], "选项 --workers 的取值“0”无效"),
    (["template", "a.xlsx", "--year", "二〇二四"], "选项 --year 的取值“二〇二四”无效，应为年份。"),
    (["build", "x", "-o"], "选项 -o 后面需要填写报告.docx。"),
    (["validate", "a.xlsx", "--json=1"], "选项 --json 是开关"),
    (["bild"], "没有命令“bild”。是否为 build？"),
    (["init", "a", "b"], "多余的参数：“b”。"),
    (["--nope"], "没有选项 --nope"),
]


@pytest.mark.parametrize(("args", "expected"), USAGE_ERRORS)
def test_usage_errors_are_chinese_and_exit_2(args: list[str], expected: str) -> None:
    code, out = run(*args)
    assert code == 2, out
    assert expected in out and "用法：qreport" in out and "--help 查看用法" in out
    assert not english_words(out), out


def test_no_arguments_shows_the_help_page() -> None:
    code, out = run()
    assert code == 2 and "命令：" in out and not english_words(out)


def test_the_english_original_is_shown_only_for_debugging(monkeypatch: pytest.MonkeyPatch) -> None:
    _, out = run("build", "x", "--workers", "abc")
    assert "原始信息" not in out
    monkeypatch.setenv("QREPORT_DEBUG", "1")
    _, out = run("build", "x", "--workers", "abc")
    assert "原始信息" in out


def test_version_is_the_package_version() -> None:
    pyproject = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text(encoding="utf-8"))
    version = pyproject["project"]["version"]
    code, out = run("--version")
    assert code == 0 and out.strip() == f"qreport {version}" and qreport.__version__ == version


def test_the_scan_catches_english() -> None:
    """The scanner itself: English that slipped in would be found."""
    assert english_words("Usage: qreport build [OPTIONS]") == {"Usage", "OPTIONS"}
    assert english_words("Show this message and exit.") == {"Show", "this", "message", "and", "exit"}
    assert not english_words("用法：qreport build --workers 正整数 报告.docx（需要 LibreOffice）")


BAD_CONFIGS = [
    ('[region\nname = "甲市"\n', "第 1 行"),  # TOML syntax
    ('year = "二〇二四"\n', "应为整数"),
    ('[[team]]\nrole = "负责人"\nmembers = "张三"\n', "应为列表"),
    ("[region]\nname = 150800\n", "应为文字"),
]


@pytest.mark.parametrize(("text", "expected"), BAD_CONFIGS)
def test_config_mistakes_are_explained_in_chinese(
    text: str, expected: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("QREPORT_DEBUG", raising=False)
    (tmp_path / "qreport.toml").write_text(text, encoding="utf-8")
    code, out = run("build", str(tmp_path))
    keys = {"region", "name", "team", "members", "year", *command_names()}  # the config keys, as typed
    assert code == 2 and expected in out and not builders.english_words(out, keys), out


@pytest.mark.parametrize("number", [errno.ENOSPC, errno.EROFS, errno.EACCES, 999])
def test_system_errors_are_chinese(number: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("QREPORT_DEBUG", raising=False)
    message = cannot_write(tmp_path / "报告.docx", OSError(number, os.strerror(number))).message
    assert "报告.docx" in message and not english_words(message.replace(str(tmp_path), "")), message


def test_help_wraps_chinese_without_splitting_an_address_or_option() -> None:
    text = "监听地址，默认 127.0.0.1（只有本机可以访问）；要让其他电脑访问，用 0.0.0.0。"
    for width in range(20, 60):
        lines = _wrap(text, width)
        assert all(sum(2 if ord(c) > 0x2E7F else 1 for c in line) <= width for line in lines)
        assert "".join(lines).replace(" ", "") == text.replace(" ", "")
        assert any("0.0.0.0" in line for line in lines) and any("127.0.0.1" in line for line in lines)
    assert _wrap("x" * 50, 20) == ["x" * 20, "x" * 20, "x" * 10]  # a run longer than a line is cut
