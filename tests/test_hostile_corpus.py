"""The hostile corpus of issue 17, grouped by promise: no crash, no overwrite, no hang past a budget,
no silent bad value. Every case starts from a copy of examples/bayannur and ends in its expected
finding or exit status, with a Chinese message and no traceback."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest
from hostile_files import (
    EVIL,
    PICTURE,
    SCHOOL,
    TEXT_FIELDS,
    append_cell,
    edit_sheet,
    example_copy,
    members,
    one_school,
    put_text,
    write_members,
)
from typer.testing import CliRunner

from qreport import budgets
from qreport.check.validate import validate_files
from qreport.cli.app import app
from qreport.compile.build import build
from qreport.textgate import file_label, gate

import builders

QREPORT = Path(sys.executable).parent / "qreport"
runner = CliRunner()


def run(*args: str | Path) -> tuple[int, str]:
    result = runner.invoke(app, [str(a) for a in args])
    assert "Traceback" not in result.output and "内部错误" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def codes(path: Path) -> list[tuple[str, str | None, str | None]]:
    (r,) = validate_files([path]).results
    return [(f.code, f.sheet, f.cell) for f in r.findings]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# == the text gate =================================================================================


def test_gate_removes_what_xml_cannot_carry_and_shows_what_a_terminal_would_obey() -> None:
    text = "a\x01b\x1b[31mc\r\nd\ud800e\x85f\ufffe"
    assert gate(text) == "ab[31mc\nde" + "f"
    assert gate(text, shown=True) == "a\\x01b\\x1b[31mc\\x0d\nd\\ud800e\\x85f\\ufffe"
    assert gate("学校\t简称\n") == "学校\t简称\n"  # tabs, line breaks and CJK pass untouched


def test_a_gbk_file_name_from_a_windows_zip_is_shown_readable() -> None:
    name = os.fsdecode("巴彦淖尔职业学校.xlsx".encode("gbk"))
    assert file_label(name) == "巴彦淖尔职业学校.xlsx"


@pytest.fixture(scope="module")
def evil_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One example school whose every text field holds every control character."""
    folder = tmp_path_factory.mktemp("evil") / "in"
    path = one_school(folder)
    for sheet, ref in TEXT_FIELDS:
        put_text(path, sheet, ref, EVIL)
    return folder


def test_controls_in_every_text_field_are_a_warning_naming_the_cell(evil_folder: Path) -> None:
    found = codes(evil_folder / SCHOOL)
    for sheet, ref in TEXT_FIELDS:
        assert ("control_chars", sheet, ref) in found
    code, out = run("validate", evil_folder / SCHOOL)
    assert code in (0, 1)
    assert "\x1b" not in out and "\x07" not in out and "\\x1b" in out


def test_every_output_opens_after_controls_in_every_text_field(evil_folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    code, text = run("build", evil_folder, "-o", out / "r.docx", "--tables", out / "t.xlsx", "--draft",
                     "--annotate" if False else "--quiet")  # fmt: skip
    assert code == 0, text
    document = docx.Document(str(out / "r.docx"))
    body = "\n".join(p.text for p in document.paragraphs)
    assert "RED" in body and "\x1b" not in body  # the text is kept, its controls are not
    openpyxl.load_workbook(out / "t.xlsx")
    code, text = run("validate", evil_folder / SCHOOL, "--annotate", out / "marked")
    assert code in (0, 1), text
    openpyxl.load_workbook(out / "marked" / SCHOOL)
    if shutil.which("soffice"):
        for name in ("r.docx", "t.xlsx"):
            subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(out / "pdf"),
                            str(out / name)], capture_output=True, timeout=180, check=True)  # fmt: skip
            assert (out / "pdf" / Path(name).with_suffix(".pdf").name).stat().st_size > 1000


def test_a_draft_with_thousands_of_findings_holding_controls_opens(tmp_path: Path) -> None:
    """Issue 17 item 1: a 专业设置 sheet of 3,600 rows whose 专业代码 holds a control character; the
    findings table of the draft (over 20,000 cells) is streamed as raw XML."""
    path = one_school(tmp_path / "in")
    rows = b"".join(
        b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>12\x01%d</t></is></c></row>' % (r, r, r)
        for r in range(100, 3700)
    )
    edit_sheet(path, "专业设置", lambda xml: xml.replace(b"</sheetData>", rows + b"</sheetData>", 1))
    code, out = run("build", tmp_path / "in", "-o", tmp_path / "r.docx", "--draft", "--quiet")
    assert code == 0, out
    document = docx.Document(str(tmp_path / "r.docx"))
    assert sum(len(t.rows) for t in document.tables) > 3600


# == budgets: sheet size, text, styles ==============================================================


@pytest.mark.parametrize(
    ("ref", "refused"),
    [
        (f"A{budgets.MAX_SHEET_ROWS}", False),
        (f"A{budgets.MAX_SHEET_ROWS + 1}", True),
        ("GR5", False),  # column 200
        ("GS5", True),  # column 201
        ("XFD5000", True),
        ("XFD1048576", True),
    ],
)
def test_a_sheet_is_measured_from_its_xml_before_anything_is_allocated(
    tmp_path: Path, ref: str, refused: bool
) -> None:
    path = append_cell(one_school(tmp_path), "计分卡", ref)
    found = codes(path)
    assert (("sheet_too_large", "计分卡", None) in found) == refused


def test_a_far_cell_written_with_a_line_break_before_its_reference_is_refused(tmp_path: Path) -> None:
    far = b'<row\nr="1048576"><c\nr="XFD1048576"><v>1</v></c></row></sheetData>'
    path = edit_sheet(one_school(tmp_path), "计分卡", lambda xml: xml.replace(b"</sheetData>", far, 1))
    assert ("sheet_too_large", "计分卡", None) in codes(path)


def test_a_huge_sheet_among_many_is_named_and_the_rest_are_built(tmp_path: Path) -> None:
    folder = example_copy(tmp_path / "in")
    append_cell(folder / SCHOOL, "计分卡", "XFD1048576")
    result = build(folder, draft=True)
    bad = [f for f in result.findings if f.code == "sheet_too_large"]
    assert [(f.file, f.sheet) for f in bad] == [(SCHOOL, "计分卡")]
    assert len(result.dataset.schools) == 6
    assert "计分卡" in bad[0].message and "1048576" in bad[0].message


@pytest.mark.parametrize("extra", [0, 1])
def test_text_per_cell_budget(tmp_path: Path, extra: int) -> None:
    path = put_text(one_school(tmp_path), "文字材料", "B4", "字" * (budgets.MAX_CELL_CHARS + extra))
    assert (("text_too_long", "文字材料", "B4") in codes(path)) == bool(extra)


@pytest.mark.parametrize("extra", [0, 1])
def test_lines_per_text_budget(tmp_path: Path, extra: int) -> None:
    text = "\n".join(["行"] * (budgets.MAX_TEXT_LINES + extra))
    path = put_text(one_school(tmp_path), "文字材料", "B4", text)
    assert (("text_too_many_lines", "文字材料", "B4") in codes(path)) == bool(extra)


@pytest.mark.parametrize("extra", [0, 1])
def test_styles_per_workbook_budget(tmp_path: Path, extra: int) -> None:
    path = one_school(tmp_path)
    parts = members(path)
    styles = parts["xl/styles.xml"].decode()
    start = styles.index("<cellXfs")
    end = styles.index("</cellXfs>")
    count = budgets.MAX_STYLES + extra
    xfs = f'<cellXfs count="{count}">' + '<xf numFmtId="10" applyNumberFormat="1"/>' * count
    parts["xl/styles.xml"] = (styles[:start] + xfs + styles[end:]).encode()
    write_members(path, parts, zipfile.ZIP_STORED)  # so many equal styles compress like a zip bomb
    found = codes(path)
    assert found == [("too_many_styles", None, None)] if extra else "too_many_styles" not in str(found)


# == pictures ======================================================================================


def _png_claiming(width: int, height: int) -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\0" * 16))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"", id="empty"),
        pytest.param(builders.tiny_png()[:40], id="truncated"),
        pytest.param(_png_claiming(0, 10), id="zero-width"),
        pytest.param(_png_claiming(100_000, 100_000), id="ten-gigapixels"),
        pytest.param(b"GIF89a not really", id="not-an-image"),
        pytest.param("这是文字".encode() * 100, id="text"),
        pytest.param(b"\0" * (budgets.MAX_PICTURE_BYTES + 1), id="over-20-MB"),
    ],
)
def test_a_bad_picture_is_a_warning_and_left_out_of_a_report_that_opens(tmp_path: Path, data: bytes) -> None:
    folder = tmp_path / "in"
    path = one_school(folder)
    (folder / PICTURE).write_bytes(data)
    assert ("picture_invalid", "典型案例", "D4") in codes(path)
    code, out = run("build", folder, "-o", tmp_path / "r.docx", "--quiet")
    assert code == 0, out
    assert docx.Document(str(tmp_path / "r.docx")).inline_shapes is not None


def test_a_picture_symlinked_from_outside_the_folder_is_not_embedded(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    path = one_school(folder)
    secret = tmp_path / "secret.png"
    shutil.move(folder / PICTURE, secret)
    (folder / PICTURE).symlink_to(secret)
    assert ("case_image_missing", "典型案例", "D4") in codes(path)


def test_a_workbook_symlinked_from_outside_the_folder_is_skipped(tmp_path: Path) -> None:
    outside = one_school(tmp_path / "elsewhere")
    folder = tmp_path / "in"
    one_school(folder)
    (folder / "链接.xlsx").symlink_to(outside)
    result = build(folder)
    assert [(f.file, f.code) for f in result.findings if f.code == "file_outside"] == [
        ("链接.xlsx", "file_outside")
    ]


# == never write over an input =======================================================================


@pytest.mark.parametrize(
    ("args", "names"),
    [
        (["-o", SCHOOL], ("报告", "学校工作簿")),
        (["--tables", SCHOOL], ("汇总表", "学校工作簿")),
        (["-o", "qreport.toml"], ("报告", "配置文件")),
        (["--dataset", "narrative/1.1.md"], ("数据集", "叙述文件")),
        (["-o", PICTURE], ("报告", "图片")),
        (["-o", "r.json"], ("数据集", "报告")),
        (["-o", "r.docx", "--dataset", "r.docx"], ("数据集", "报告")),
        (["-o", "r.docx", "--tables", "r.json"], ("汇总表", "数据集")),
    ],
)
def test_an_output_that_is_an_input_or_another_output_is_exit_2_naming_both(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], names: tuple[str, str]
) -> None:
    folder = example_copy(tmp_path / "in")
    (folder / "narrative" / "1.1.md").write_text("本节文字。\n", encoding="utf-8")
    monkeypatch.chdir(folder)
    before = {p: digest(p) for p in folder.rglob("*") if p.is_file()}
    code, out = run("build", ".", *args, "--draft", "--quiet")
    assert code == 2, out
    assert f"输出的{names[0]}" in out and names[1] in out
    assert {p: digest(p) for p in folder.rglob("*") if p.is_file()} == before


@pytest.mark.parametrize("output", ["", "."])
def test_an_empty_or_folder_output_name_is_exit_2(tmp_path: Path, output: str) -> None:
    one_school(tmp_path / "in")
    code, out = run("build", tmp_path / "in", "-o", output, "--quiet")
    assert code == 2 and "不是文件名" in out


def test_annotated_copies_never_land_on_a_source_or_on_each_other(tmp_path: Path) -> None:
    a = one_school(tmp_path / "a")
    b = one_school(tmp_path / "b")
    before = digest(b)
    code, out = run("validate", a, b, "--annotate", tmp_path / "b")
    assert code == 2 and "就是输入的学校工作簿" in out and digest(b) == before
    code, out = run("validate", a, b, "--annotate", tmp_path / "marked")
    assert code in (0, 1), out
    assert sorted(p.name for p in (tmp_path / "marked").iterdir()) == [
        SCHOOL,
        SCHOOL.replace(".xlsx", "（2）.xlsx"),
    ]
    code, out = run("validate", a, b, "--annotate", tmp_path / "marked")  # earlier copies are replaced
    assert code in (0, 1), out


def test_an_annotated_xlsm_never_replaces_the_xlsx_beside_it(tmp_path: Path) -> None:
    d = tmp_path / "d"
    xlsx = one_school(d)
    xlsm = d / "学校.xlsm"
    shutil.copy(xlsx, xlsm)
    shutil.copy(xlsx, d / "学校.xlsx")
    before = digest(d / "学校.xlsx")
    code, out = run("validate", xlsm, "--annotate", d)
    assert code == 2 and "不是 qreport 写出的标注副本" in out
    assert digest(d / "学校.xlsx") == before


def test_template_refuses_controls_in_the_school_name(tmp_path: Path) -> None:
    code, out = run("template", tmp_path / "t.xlsx", "--school", "a\x01b")
    assert code == 2 and "\\x01" in out and not (tmp_path / "t.xlsx").exists()


# == signals =======================================================================================


def _build_and_signal(folder: Path, out: Path, sig: signal.Signals) -> int:
    proc = subprocess.Popen(
        [str(QREPORT), "build", str(folder), "-o", str(out / "r.docx"), "--tables", str(out / "t.xlsx"), "-q"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while proc.poll() is None and not any(out.glob(".qreport-tmp-*")) and time.monotonic() < deadline:
        time.sleep(0.002)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert "Traceback" not in err
    return proc.returncode


def test_sigterm_while_writing_leaves_nothing_beside_the_outputs(tmp_path: Path) -> None:
    folder = example_copy(tmp_path / "in")
    out = tmp_path / "out"
    out.mkdir()
    code = _build_and_signal(folder, out, signal.SIGTERM)
    assert code in (0, 143)
    names = sorted(p.name for p in out.iterdir())
    assert names in ([], ["r.docx", "r.json", "t.xlsx"])  # killed while writing, or just after


def test_sigkill_leaves_at_most_a_temporary_folder_that_the_next_run_removes(tmp_path: Path) -> None:
    folder = example_copy(tmp_path / "in")
    out = tmp_path / "out"
    out.mkdir()
    _build_and_signal(folder, out, signal.SIGKILL)
    assert all(p.name.startswith(".qreport-tmp-") and p.is_dir() for p in out.iterdir())
    code, text = run("build", folder, "-o", out / "r.docx", "--quiet")
    assert code == 0, text
    assert sorted(p.name for p in out.iterdir()) == ["r.docx", "r.json"]


# == one crash among many ===========================================================================


def test_a_workbook_that_kills_its_reader_is_named_and_the_others_are_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import qreport.compile.build as compile_build

    real = compile_build.validate_file

    def dies_on_one(path: Path, *args: object, **kw: object):  # type: ignore[no-untyped-def]
        if path.name == "05.xlsx":
            os._exit(3)  # as a reader killed by the kernel for its memory would
        return real(path, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(compile_build, "validate_file", dies_on_one)
    folder = tmp_path / "many"
    folder.mkdir()
    source = one_school(tmp_path / "src")
    for i in range(compile_build.PARALLEL_FROM + 2):
        shutil.copy(source, folder / f"{i:02d}.xlsx")
    result = build(folder, workers=2, draft=True)
    assert [(r.label, r.findings[0].code) for r in result.files if r.school is None] == [
        ("05.xlsx", "read_crashed")
    ]
    assert len(result.files) == compile_build.PARALLEL_FROM + 2


# == numbers no sum can hold, chapters typed oddly ====================================================


def test_1e308_in_two_schools_is_an_error_not_an_overflow(tmp_path: Path) -> None:
    folder = example_copy(tmp_path / "in")
    for name in (SCHOOL, "巴彦淖尔市艺术学校.xlsx"):
        put_text(folder / name, "计分卡", "F5", "1e308")
    result = build(folder, draft=True)
    assert {(f.file, f.code) for f in result.findings if f.code == "number_too_large"} == {
        (SCHOOL, "number_too_large"),
        ("巴彦淖尔市艺术学校.xlsx", "number_too_large"),
    }
    code, out = run("build", folder, "-o", tmp_path / "r.docx", "--draft", "--quiet")
    assert code == 0, out


@pytest.mark.parametrize(
    ("typed", "chapter"), [("①", 1), ("１", 1), ("²", 2), ("⑧", 8), ("一", 0), ("١", 0), ("9" * 400, 0)]
)
def test_a_chapter_typed_in_odd_digits_is_read_or_refused(tmp_path: Path, typed: str, chapter: int) -> None:
    from qreport.catalog.indicators import load_catalog
    from qreport.workbook.reader import read_school

    path = put_text(one_school(tmp_path), "典型案例", "A4", typed)
    school = read_school(path, load_catalog(2024))
    assert school.cases[0].chapter == chapter
    assert (("case_chapter_invalid", "典型案例", "A4") in codes(path)) == (chapter not in range(1, 8))


# == no hang: nothing quadratic, narrative budgets ===================================================


def test_paragraphs_are_appended_without_searching_the_body(monkeypatch: pytest.MonkeyPatch) -> None:
    """python-docx looked for w:sectPr from the first child on every paragraph: n² for one long text."""
    from docx.oxml.document import CT_Body

    import qreport.report.wordml.ooxml  # noqa: F401  (installs the constant-time append)

    def scan(*_: object) -> None:
        raise AssertionError("the body was searched")

    document = docx.Document()
    monkeypatch.setattr(CT_Body, "first_child_found_in", scan)
    for i in range(3):
        document.add_paragraph(f"第{i}行")
    document.add_table(rows=1, cols=1)
    body = document.element.body
    assert [el.tag.rsplit("}", 1)[1] for el in body][-5:] == ["p", "p", "p", "tbl", "sectPr"]


def _render(tmp_path: Path, text: str) -> str:
    from qreport.report.narrative import Narrative

    (tmp_path / "n").mkdir(exist_ok=True)
    (tmp_path / "n" / "x.md").write_text(text, encoding="utf-8")
    return Narrative([tmp_path / "n"], {}).render("x") or ""


def _refused(tmp_path: Path, text: str) -> str:
    from qreport.errors import ConfigError

    with pytest.raises(ConfigError) as info:
        _render(tmp_path, text)
    assert "超出限制" in info.value.message and "x.md" in info.value.message
    return info.value.message


@pytest.mark.parametrize(
    "template",
    [
        "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}",
        "{{ 'A' * 10**9 }}",
        "{{ 'x'|center(10**9) }}",
        "{{ 'x'.ljust(999999999) }}",
        "{{ '%0999999999d'|format(1) }}",
        "{{ '%0999999999d' % 1 }}",
        "{{ '{:>1000000000}'.format(1) }}",
        "{{ 2 ** 100000 }}",
        "{{ range(10**9)|list }}",
    ],
)
def test_a_narrative_that_would_loop_or_allocate_without_bound_is_stopped(
    tmp_path: Path, template: str
) -> None:
    _refused(tmp_path, template)


@pytest.mark.parametrize("extra", [0, 1])
def test_narrative_loop_budget(tmp_path: Path, extra: int) -> None:
    inner = budgets.MAX_NARRATIVE_LOOPS // 1000 - 1 + extra  # 1000 outer steps + 1000 × inner
    template = f"{{% for a in range(1000) %}}{{% for b in range({inner}) %}}{{% endfor %}}{{% endfor %}}"
    if extra:
        assert "循环次数" in _refused(tmp_path, template)
    else:
        assert _render(tmp_path, template) == ""


@pytest.mark.parametrize("extra", [0, 1])
def test_narrative_output_budget(tmp_path: Path, extra: int) -> None:
    chunk = 1000
    template = (
        f"{{% for a in range({budgets.MAX_NARRATIVE_CHARS // chunk}) %}}{{{{ 'A' * {chunk} }}}}{{% endfor %}}"
    )
    template += "B" * extra
    if extra:
        assert "生成的文字" in _refused(tmp_path, template)
    else:
        assert len(_render(tmp_path, template)) == budgets.MAX_NARRATIVE_CHARS


def test_narrative_time_budget(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import qreport.report.sandbox as sandbox

    monkeypatch.setattr(sandbox, "MAX_NARRATIVE_SECONDS", 0.2)
    template = "{% set s = 'x' * 90000 %}{% for a in s %}{% for b in s %}{% endfor %}{% endfor %}"
    assert "生成时间" in _refused(tmp_path, template)


def test_controls_in_a_narrative_file_are_removed_with_a_warning(tmp_path: Path) -> None:
    from qreport.report.narrative import Narrative

    (tmp_path / "n").mkdir()
    (tmp_path / "n" / "x.md").write_text("全市\x01\x1b[31m学校", encoding="utf-8")
    narrative = Narrative([tmp_path / "n"], {})
    assert narrative.render("x") == "全市[31m学校"
    assert narrative.warnings == ["叙述文件 x.md 含有控制字符（\\x01 \\x1b），已删除。"]


# == config and arguments validated on load ===========================================================


@pytest.mark.parametrize(
    ("toml", "said"),
    [
        ("[report.sizes]\nbody = nan", "report.sizes.body：取值不对（应为有限的数"),
        ("[report.sizes]\nbody = inf", "report.sizes.body：取值不对（应为有限的数"),
        ("[report.sizes]\nbody = -16", "report.sizes.body：取值不对（应大于 0"),
        ('[report.sizes]\ntable = "五号"', "report.sizes.table：取值不对（应为数字"),
        ('[report]\noutline = "/etc"', "report.outline 指向 /etc，它不是文件"),
        ('[report]\nnarrative = "没有的文件夹"', "report.narrative 指向"),
        ('[report]\ntitle = "年报\\u0001\\u001b[31m"', "report.title：取值不对（含有控制字符（\\x01 \\x1b）"),
        (
            '[[team]]\nrole = "负责人"\nmembers = ["张\\u0007三"]',
            "team.0.members：取值不对（含有控制字符（\\x07）",
        ),
    ],
)
def test_a_bad_config_is_exit_2_naming_the_field(tmp_path: Path, toml: str, said: str) -> None:
    one_school(tmp_path / "in")
    (tmp_path / "in" / "qreport.toml").write_text(toml + "\n", encoding="utf-8")
    code, out = run("build", tmp_path / "in", "-o", tmp_path / "r.docx", "--quiet")
    assert code == 2 and said in out, out
    assert not (tmp_path / "r.docx").exists()


def test_a_config_saved_with_a_bom_is_read(tmp_path: Path) -> None:
    one_school(tmp_path / "in")
    (tmp_path / "in" / "qreport.toml").write_bytes('\ufeff[region]\nname = "巴彦淖尔市"\n'.encode())
    code, out = run("build", tmp_path / "in", "-o", tmp_path / "r.docx", "--quiet")
    assert code == 0, out


def test_init_on_a_file_or_a_dangling_narrative_link_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "文件").write_text("x", encoding="utf-8")
    code, out = run("init", tmp_path / "文件")
    assert code == 2 and "是一个文件，不是文件夹" in out
    folder = tmp_path / "年报"
    folder.mkdir()
    (folder / "narrative").symlink_to(tmp_path / "不存在")
    code, out = run("init", folder)
    assert code == 2 and "指向不存在位置的链接" in out
    assert sorted(p.name for p in folder.iterdir()) == ["narrative"]  # no partial qreport.toml


# == names and datasets from elsewhere ===============================================================


def test_a_gbk_named_workbook_from_a_windows_zip_builds_and_is_named_readably(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    gbk = os.fsdecode(os.fsencode(folder) + b"/" + "巴彦淖尔职业学校.xlsx".encode("gbk"))
    shutil.copy(one_school(tmp_path / "src"), gbk)
    out = tmp_path / "out"
    out.mkdir()
    code, text = run("build", folder, "-o", out / "r.docx", "--tables", out / "t.xlsx")
    assert code == 0, text
    assert "巴彦淖尔职业学校.xlsx" in text
    assert '"file": "巴彦淖尔职业学校.xlsx"' in (out / "r.json").read_text(encoding="utf-8")


def test_controls_and_lone_surrogates_in_a_lower_dataset_never_reach_the_report(tmp_path: Path) -> None:
    import json

    one_school(tmp_path / "in")
    code, text = run("build", tmp_path / "in", "-o", tmp_path / "city.docx", "--quiet")
    assert code == 0, text
    data = json.loads((tmp_path / "city.json").read_text(encoding="utf-8"))
    data["region"]["name"] = "坏\ud800市\x01\x1b[31m"
    for school in data["schools"]:
        school["name"], school["short_name"] = "学校\x07\ud800", "简\x01"
    (tmp_path / "evil.json").write_text(json.dumps(data, ensure_ascii=True), encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    code, text = run("build", "--from-datasets", tmp_path / "evil.json", tmp_path / "city.json",
                     "-o", out / "r.docx", "--tables", out / "t.xlsx", "--quiet")  # fmt: skip
    assert code == 0, text
    body = "\n".join(p.text for p in docx.Document(str(out / "r.docx")).paragraphs)
    assert "\x01" not in body and "\ud800" not in body
    openpyxl.load_workbook(out / "t.xlsx")


@pytest.mark.parametrize(
    ("count", "refused"), [(budgets.MAX_SHEET_COLUMNS - 10, False), (budgets.MAX_SHEET_COLUMNS + 1, True)]
)
def test_cells_without_references_are_measured_by_their_row(
    tmp_path: Path, count: int, refused: bool
) -> None:
    """A writer may omit r="…": cells then follow each other, so a long row is a wide sheet."""
    path = one_school(tmp_path)
    row = b'<row r="40">' + b"<c><v>1</v></c>" * count + b"</row>"
    edit_sheet(path, "计分卡", lambda xml: xml.replace(b"</sheetData>", row + b"</sheetData>", 1))
    assert (("sheet_too_large", "计分卡", None) in codes(path)) == refused


@pytest.mark.parametrize("extra", [0, 1])
def test_picture_pixel_budget(monkeypatch: pytest.MonkeyPatch, extra: int) -> None:
    import io

    from PIL import Image

    import qreport.pictures as pictures

    monkeypatch.setattr(pictures, "MAX_PICTURE_PIXELS", 100)
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10 + extra)).save(buffer, "PNG")
    problem = pictures.picture_problem(buffer.getvalue())
    assert (problem is not None and "像素" in problem) == bool(extra)


@pytest.mark.parametrize("extra", [0, 1])
def test_picture_byte_budget(monkeypatch: pytest.MonkeyPatch, extra: int) -> None:
    import qreport.pictures as pictures

    data = builders.tiny_png()
    monkeypatch.setattr(pictures, "MAX_PICTURE_BYTES", len(data) - extra)
    problem = pictures.picture_problem(data)
    assert (problem is not None and "MB" in problem) == bool(extra)


def test_a_number_too_large_is_one_finding_on_its_cell(tmp_path: Path) -> None:
    path = put_text(one_school(tmp_path), "计分卡", "F5", "1e308")
    assert [code for code, sheet, cell in codes(path) if (sheet, cell) == ("计分卡", "F5")] == [
        "number_too_large"
    ]
