"""Properties over random hostile input: random bytes typed into text cells and random mutations of a
valid workbook's XML end in exit 0, 1 or 2 with a message and no traceback, and whenever the exit is
0 the report and the tables workbook open. Kept to a few dozen examples so the suite stays quick."""

from __future__ import annotations

import tempfile
from pathlib import Path

import docx
import openpyxl
from hostile_files import (
    EXAMPLE,
    SCHOOL,
    TEXT_FIELDS,
    members,
    one_school,
    put_text,
    sheet_part,
    write_members,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from qreport.cli.app import app

runner = CliRunner()
SETTINGS = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SHEETS = ("基本信息", "计分卡", "专业设置", "文字材料", "典型案例")


def _build_and_check(folder: Path) -> None:
    out = folder.parent / "out"
    out.mkdir()
    result = runner.invoke(app, ["build", str(folder), "-o", str(out / "r.docx"), "--tables",
                                 str(out / "t.xlsx"), "--draft", "--quiet"])  # fmt: skip
    assert result.exit_code in (0, 1, 2), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output and "内部错误" not in result.output, result.output
    if result.exit_code == 0:
        docx.Document(str(out / "r.docx"))
        openpyxl.load_workbook(out / "t.xlsx")
    else:
        assert not (out / "r.docx").exists()


@SETTINGS
@given(field=st.sampled_from(TEXT_FIELDS), raw=st.binary(max_size=200))
def test_random_bytes_in_a_text_cell(field: tuple[str, str], raw: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "in"
        path = one_school(folder)
        sheet, ref = field
        put_text(path, sheet, ref, raw.decode("utf-8", "surrogateescape"))
        _build_and_check(folder)


@SETTINGS
@given(
    sheet=st.sampled_from(SHEETS),
    at=st.floats(min_value=0, max_value=1),
    cut=st.integers(min_value=0, max_value=40),
    insert=st.binary(max_size=40),
)
def test_random_mutations_of_a_sheet_xml(sheet: str, at: float, cut: int, insert: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "in"
        path = one_school(folder)
        parts = members(path)
        part = sheet_part(parts, sheet)
        xml = parts[part]
        k = int(at * len(xml))
        parts[part] = xml[:k] + insert + xml[k + cut :]
        write_members(path, parts)
        _build_and_check(folder)


def test_the_unmutated_example_school_builds() -> None:
    """The property's baseline: without a mutation the one-school folder builds and opens."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "in"
        one_school(folder)
        assert (folder / SCHOOL).read_bytes() == (EXAMPLE / SCHOOL).read_bytes()
        _build_and_check(folder)
