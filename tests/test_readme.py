"""Docs that run: the README's Quick start is exactly two commands, and both keep working."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from qreport.cli.app import app

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
