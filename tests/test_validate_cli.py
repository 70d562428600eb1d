"""`qreport validate` end to end: exit status, the --json contract, the human listing, --annotate,
the real console script, and a light import footprint.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner, Result

from qreport.check.validate import validate_files
from qreport.cli.app import app

import builders as b

QREPORT = Path(sys.executable).parent / "qreport"
KEYS = ["file", "sheet", "cell", "indicator", "severity", "code", "message"]
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def invoke(*args: str) -> Result:
    result = CliRunner().invoke(app, ["validate", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return result


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, blank_template: Path) -> Path:
    """Run in tmp_path so files are named as a user types them (short, relative)."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def files(here: Path) -> Callable[..., str]:
    """files(kind) -> a relative file name: 'good', 'warn' (warnings only), 'bad' (errors), 'unreadable'."""

    def make(kind: str, name: str | None = None) -> str:
        name = name or f"{kind}.xlsx"
        if kind == "unreadable":
            (here / name).write_bytes(OLE_MAGIC + bytes(1024))
            return name
        path = b.good_school(here, name)
        if kind == "good":
            return name
        with b.edit(path) as wb:
            if kind == "warn":
                b.set_value(wb, "course_hours", "current", "9,020")
                b.set_value(wb, "sat_employers", "sample", None)
            elif kind == "bad":
                b.set_value(wb, "graduates", "current", None)
                b.set_value(wb, "further_study", "current", 500)
                b.set_value(wb, "courses", "current", "约130")
                b.set_list(wb, "专业设置", "专业代码", 1, "61010")
        return name

    return make


# -- exit status --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kinds", "status"),
    [
        (["good"], 0),
        (["warn"], 0),  # warnings allowed
        (["bad"], 1),
        (["unreadable"], 2),
        (["good", "warn"], 0),
        (["good", "bad"], 1),
        (["bad", "unreadable"], 2),  # 2 wins
        (["unreadable", "good", "bad", "warn"], 2),
    ],
    ids=lambda v: "+".join(v) if isinstance(v, list) else str(v),
)
def test_exit_status(files: Callable[..., str], kinds: list[str], status: int) -> None:
    names = [files(k) for k in kinds]
    assert invoke(*names).exit_code == status
    assert invoke("--json", *names).exit_code == status


@pytest.mark.parametrize(
    "args",
    [[], ["good.xlsx", "--year", "1999"], ["good.xlsx", "--bogus"]],
    ids=["no-file", "unknown-year", "unknown-option"],
)
def test_bad_arguments_exit_2(files: Callable[..., str], args: list[str]) -> None:
    files("good")
    result = invoke(*args)
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_unknown_year_message_is_chinese(files: Callable[..., str]) -> None:
    result = invoke(files("good"), "--year", "1999")
    assert "没有 1999 年的指标目录" in result.stderr


# -- --json -------------------------------------------------------------------------------------


def test_json_is_exactly_the_contract_shape(files: Callable[..., str]) -> None:
    names = [files("bad"), files("warn"), files("unreadable")]
    result = invoke("--json", *names)
    data = json.loads(result.stdout)  # stdout holds the JSON and nothing else
    assert isinstance(data, list) and data
    for item in data:
        assert list(item) == KEYS
        assert item["file"] in names
        assert item["severity"] in ("error", "warning")
        assert isinstance(item["code"], str) and isinstance(item["message"], str) and item["message"]
        for key in ("sheet", "cell", "indicator"):
            assert item[key] is None or isinstance(item[key], str)
    assert {item["file"] for item in data} == set(names)
    # the same findings as the library, in the same order
    expected = [f.model_dump() for f in validate_files(names).findings]
    assert data == expected


def test_json_of_a_good_school_is_an_empty_list(files: Callable[..., str]) -> None:
    result = invoke("--json", files("good"))
    assert result.exit_code == 0
    assert json.loads(result.stdout) == []


def test_json_finding_values(files: Callable[..., str]) -> None:
    data = json.loads(invoke("--json", files("bad")).stdout)
    blank = next(d for d in data if d["code"] == "blank_required")
    assert blank == {
        "file": "bad.xlsx",
        "sheet": "计分卡",
        "cell": "F4",
        "indicator": "graduates",
        "severity": "error",
        "code": "blank_required",
        "message": "毕业生人数（2024年）未填写。它是计算比率的分母，必须填写数值。",
    }
    unreadable = json.loads(invoke("--json", files("unreadable")).stdout)
    assert [(d["code"], d["sheet"], d["cell"], d["indicator"]) for d in unreadable] == [
        ("legacy_xls", None, None, None)
    ]


# -- human output -------------------------------------------------------------------------------


def test_human_output_groups_by_file_then_sheet_and_ends_with_summary(files: Callable[..., str]) -> None:
    names = [files("bad"), files("warn"), files("good")]
    result = invoke(*names)
    out = result.stdout
    lines = [line for line in out.splitlines() if line.strip()]
    # one heading per file with findings, in the order given, with its counts
    headings = [line for line in lines if not line.startswith(" ") and line.endswith("）") and "个）" in line]
    assert [h.split()[0] for h in headings] == ["bad.xlsx", "warn.xlsx"]
    # within a file, each sheet is named once, its findings indented under it with their cell
    bad_block = out[out.index("bad.xlsx") : out.index("warn.xlsx")]
    assert bad_block.count("工作表“计分卡”") == 1
    assert "F4：" in bad_block and "F6：" in bad_block
    assert bad_block.index("工作表“计分卡”") < bad_block.index("F4：")
    assert "工作表“专业设置”" in bad_block
    warn_block = out[out.index("warn.xlsx") :]
    assert "错误" not in warn_block.split("\n", 1)[1].split("共检查")[0]  # only warnings for that file
    # the last line is the one-line summary
    assert (
        lines[-1]
        == f"共检查 3 个文件：错误 {_errors(names)} 个，警告 {_warnings(names)} 个 —— 有错误，请按提示修改后重新校验。"
    )


@pytest.mark.parametrize("styled", [False, True], ids=["piped", "terminal"])
def test_typed_brackets_print_as_typed(files: Callable[..., str], here: Path, styled: bool) -> None:
    """Square brackets in a cell or a file name are text, never console markup (Rich would fail on "[/]")."""
    name = files("good", "学校[二校].xlsx")
    with b.edit(here / name) as wb:
        b.set_value(wb, "courses", "current", "[/]")
        b.set_value(wb, "graduates", "current", "[bold]12")
    env = (
        {**os.environ, "FORCE_COLOR": "1"}
        if styled
        else {k: v for k, v in os.environ.items() if k != "FORCE_COLOR"}
    )
    proc = subprocess.run(
        [str(QREPORT), "validate", name], capture_output=True, text=True, timeout=60, cwd=here, env=env
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr and "内部错误" not in proc.stderr
    plain = re.sub(r"\x1b\[[0-9;]*m", "", proc.stdout)
    assert "\n学校[二校].xlsx  （错误 2 个，警告 0 个）\n" in plain  # one finding per cell
    assert "“[/]”不是数字" in plain and "“[bold]12”无法确定是哪个数字" in plain
    assert ("\x1b[" in proc.stdout) is styled  # colours on a terminal only


def _errors(names: list[str]) -> int:
    return sum(f.is_error for f in validate_files(names).findings)


def _warnings(names: list[str]) -> int:
    return sum(not f.is_error for f in validate_files(names).findings)


@pytest.mark.parametrize(
    ("kind", "summary"),
    [
        ("good", "共检查 1 个文件：错误 0 个，警告 0 个 —— 全部通过。"),
        ("warn", "共检查 1 个文件：错误 0 个，警告 2 个 —— 没有错误（有警告，请核对）。"),
    ],
)
def test_summary_line(files: Callable[..., str], kind: str, summary: str) -> None:
    lines = [line for line in invoke(files(kind)).stdout.splitlines() if line.strip()]
    assert lines[-1] == summary


# -- --annotate ---------------------------------------------------------------------------------


def test_annotate_writes_marked_copies_elsewhere(files: Callable[..., str], here: Path) -> None:
    names = [files("bad"), files("good"), files("unreadable")]
    inputs = {n: (here / n).read_bytes() for n in names}
    result = invoke("--annotate", "标注", *names)
    assert result.exit_code == 2
    written = sorted(p.name for p in (here / "标注").iterdir())
    assert written == ["bad.xlsx", "good.xlsx"]  # the unreadable file has no copy
    for n in ("bad.xlsx", "good.xlsx"):
        with zipfile.ZipFile(here / "标注" / n) as zf:
            assert zf.testzip() is None
    marked = load_workbook(here / "标注" / "bad.xlsx")
    assert marked["计分卡"]["F4"].comment is not None  # the blank denominator is marked
    assert {n: (here / n).read_bytes() for n in names} == inputs


# -- the real console script --------------------------------------------------------------------


def test_console_script_runs(files: Callable[..., str], here: Path) -> None:
    names = [files("good"), files("bad")]
    proc = subprocess.run(
        [str(QREPORT), "validate", "--json", *names], capture_output=True, text=True, timeout=60, cwd=here
    )
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    data = json.loads(proc.stdout)
    assert {d["file"] for d in data} == {"bad.xlsx"}
    assert all(list(d) == KEYS for d in data)


def test_validate_does_not_import_the_report_stack(files: Callable[..., str], here: Path) -> None:
    """validate must stay light: no python-docx, jinja2 or python-pptx, and no Rich when piped."""
    name = files("bad")
    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from qreport.cli.app import app\n"
        f"r = CliRunner().invoke(app, ['validate', {name!r}])\n"
        "assert r.exit_code == 1, r.output\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('docx', 'jinja2', 'pptx', 'rich'))\n"
        "assert not heavy, heavy\n"
        "print('ok')\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=here)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.strip() == "ok"


@pytest.mark.parametrize("typed", ["二百三十六", "很多", "#N/A"])
@pytest.mark.parametrize("indicator", ["graduates", "bachelor_admits"])  # required (a denominator) or not
def test_one_finding_per_cell(here: Path, typed: str, indicator: str) -> None:
    """A value that is not a number is not also "not filled"."""
    path = b.good_school(here, "学校.xlsx")
    with b.edit(path) as wb:
        cell = b.locate(wb, indicator, "current")
        cell.value = typed
    findings = validate_files([path]).findings
    on_cell = [f.code for f in findings if f.cell == cell.coordinate and f.indicator == indicator]
    assert len(on_cell) == 1 and on_cell[0] != "blank" and on_cell[0] != "blank_required", findings
