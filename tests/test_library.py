"""The public library: `import qreport` does what the command line does, typed, and light to import."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from mypy import api as mypy_api
from typer.testing import CliRunner

import qreport
from qreport.cli.app import app
from qreport.errors import InputError
from qreport.report.dump import dump_docx

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "bayannur"
README = (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A copy of the example city, named as in the README."""
    target = tmp_path / "2024年报"
    shutil.copytree(EXAMPLE, target)
    return target


def _media(docx: Path) -> list[str]:
    with zipfile.ZipFile(docx) as z:
        return sorted(n for n in z.namelist() if n.startswith("word/media/"))


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_readme_python_example_runs(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (code,) = re.findall(r"```python\n(.*?)```", README, re.S)
    monkeypatch.chdir(folder.parent)
    exec(compile(re.sub(r"^  ", "", code, flags=re.M), "README.md", "exec"), {})
    for name in ("报告.docx", "数据集.json", "汇总表.xlsx"):
        assert (folder.parent / name).is_file(), name


def test_library_writes_what_the_cli_writes(folder: Path, tmp_path: Path) -> None:
    cli, lib = tmp_path / "cli", tmp_path / "lib"
    cli.mkdir(), lib.mkdir()
    args = ["build", str(folder), "-o", str(cli / "r.docx"), "--tables", str(cli / "t.xlsx"), "--quiet"]
    assert CliRunner().invoke(app, args).exit_code == 0

    result = qreport.build(folder)
    written = qreport.write_outputs(
        result, docx=lib / "r.docx", dataset=lib / "r.json", tables=lib / "t.xlsx"
    )
    assert written.paths == [lib / "r.json", lib / "t.xlsx", lib / "r.docx"]
    assert _digest(lib / "r.json") == _digest(cli / "r.json")
    assert dump_docx(lib / "r.docx") == dump_docx(cli / "r.docx")
    photos = _media(cli / "r.docx")
    assert len(photos) >= 3 and _media(lib / "r.docx") == photos  # the case pictures are in


def test_write_outputs_changes_nothing_in_the_result(folder: Path, tmp_path: Path) -> None:
    result = qreport.build(folder)
    cases = [(id(c), c.image_path) for s in result.dataset.schools for c in s.cases]
    schools = [id(s) for s in result.dataset.schools]
    before = qreport.write_outputs(result, dataset=tmp_path / "a.json")
    qreport.write_outputs(result, docx=tmp_path / "r.docx", dataset=tmp_path / "b.json")
    assert [(id(c), c.image_path) for s in result.dataset.schools for c in s.cases] == cases
    assert [id(s) for s in result.dataset.schools] == schools
    assert all(path is None for _id, path in cases)
    assert before.paths == [tmp_path / "a.json"]
    assert _digest(tmp_path / "a.json") == _digest(tmp_path / "b.json")
    assert len(_media(tmp_path / "r.docx")) >= 3


def test_write_outputs_refuses_errors_and_clashes_before_writing(folder: Path, tmp_path: Path) -> None:
    result = qreport.build(folder)
    workbook = next(folder.glob("*.xlsx"))
    with pytest.raises(InputError, match="就是输入的学校工作簿"):
        qreport.write_outputs(result, dataset=tmp_path / "d.json", docx=workbook)
    assert not (tmp_path / "d.json").exists()
    result.dataset.findings.append(
        qreport.Finding(file="x.xlsx", severity="error", code="blank_required", message="未填")
    )
    with pytest.raises(InputError, match="有校验错误"):
        qreport.write_outputs(result, dataset=tmp_path / "d.json")
    assert list(tmp_path.glob("*.json")) == []


def test_exports_are_typed_for_a_type_checker(tmp_path: Path) -> None:
    """Every name in __all__ exists, and a type checker sees real types (a lazy __getattr__ gave Any)."""
    assert all(hasattr(qreport, name) for name in qreport.__all__)
    assert (Path(qreport.__file__).parent / "py.typed").is_file()
    script = tmp_path / "use.py"
    script.write_text(
        "import qreport\n"
        "result: int = qreport.build('x')\n"
        "written: str = qreport.write_outputs(qreport.build('x'), docx='r.docx')\n"
        "checked: qreport.Validation = qreport.validate_files(['a.xlsx'])\n",
        encoding="utf-8",
    )
    out, _err, status = mypy_api.run(["--strict", "--no-incremental", "--follow-imports=silent", str(script)])
    assert status == 1, out
    assert (
        'Incompatible types in assignment (expression has type "BuildResult", variable has type "int")' in out
    )
    assert '(expression has type "Written", variable has type "str")' in out
    assert out.count("error:") == 2, out


def test_importing_the_library_loads_no_report_stack() -> None:
    code = (
        "import sys, qreport\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('docx', 'jinja2', 'pptx', 'rich'))\n"
        "assert not heavy, heavy\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
