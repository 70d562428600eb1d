"""Hostile and broken files: each is refused cleanly, with its code and a Chinese message, never a
traceback, never unpacked or expanded; and no input file is ever modified.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import struct
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from qreport.catalog.indicators import load_catalog
from qreport.catalog.outline import load_outline
from qreport.check.validate import validate_file, validate_files
from qreport.cli.app import app
from qreport.errors import UnreadableWorkbook
from qreport.findings import CODES
from qreport.workbook.xlsx import read_workbook

import builders

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MB = 1024 * 1024
CJK = re.compile(r"[\u4e00-\u9fff]")
QREPORT = Path(sys.executable).parent / "qreport"
SCORECARD_PART = "xl/worksheets/sheet3.xml"  # 计分卡: a sheet validate reads (the guide sheet is skipped)


# -- hostile files, built in code ---------------------------------------------------------------


def _members(xlsx: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(xlsx) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def _write_zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def _replace(good: Path, path: Path, name: str, data: bytes) -> Path:
    members = _members(good)
    members[name] = data  # openpyxl writes inline strings: a sharedStrings part is added, and still read
    return _write_zip(path, members)


def missing(d: Path, good: Path) -> Path:
    return d / "没有这个文件.xlsx"


def folder(d: Path, good: Path) -> Path:
    (d / "文件夹.xlsx").mkdir()
    return d / "文件夹.xlsx"


def empty(d: Path, good: Path) -> Path:
    (d / "empty.xlsx").write_bytes(b"")
    return d / "empty.xlsx"


def random_bytes(d: Path, good: Path) -> Path:
    (d / "random.xlsx").write_bytes(os.urandom(4096))
    return d / "random.xlsx"


def text_renamed(d: Path, good: Path) -> Path:
    (d / "名单.xlsx").write_text("学校名称,学生数\n市一职,3275\n", encoding="utf-8")
    return d / "名单.xlsx"


def legacy_xls(d: Path, good: Path) -> Path:
    """An Excel 97-2003 file: an OLE compound document with a Workbook stream."""
    body = OLE_MAGIC + bytes(504) + "Workbook".encode("utf-16-le") + bytes(4096)
    (d / "旧版.xlsx").write_bytes(body)
    return d / "旧版.xlsx"


def legacy_xls_named_xls(d: Path, good: Path) -> Path:
    (d / "旧版.xls").write_bytes(OLE_MAGIC + bytes(4096))
    return d / "旧版.xls"


def encrypted(d: Path, good: Path) -> Path:
    """A password-protected .xlsx: an OLE container with EncryptionInfo and EncryptedPackage streams."""
    body = OLE_MAGIC + bytes(1016)
    body += "EncryptionInfo".encode("utf-16-le") + bytes(50)
    body += "EncryptedPackage".encode("utf-16-le") + bytes(2048)
    (d / "加密.xlsx").write_bytes(body)
    return d / "加密.xlsx"


def zip_bomb(d: Path, good: Path) -> Path:
    """The good school plus a 200 MB member of zeros, streamed: about 200 KB on disk."""
    path = d / "bomb.xlsx"
    shutil.copyfile(good, path)
    with (
        zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as zf,
        zf.open("xl/media/image1.png", "w", force_zip64=True) as fh,
    ):
        chunk = bytes(4 * MB)
        for _ in range(50):
            fh.write(chunk)
    return path


def zip_too_big(d: Path, good: Path) -> Path:
    """Members each small enough to compress innocently, 101 MB in total once inflated."""
    path = d / "big.xlsx"
    shutil.copyfile(good, path)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        chunk = bytes(MB)
        for i in range(101):
            zf.writestr(f"xl/media/part{i}.bin", chunk)
    return path


def too_many_members(d: Path, good: Path) -> Path:
    path = d / "many.xlsx"
    shutil.copyfile(good, path)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_STORED) as zf:
        for i in range(5001):
            zf.writestr(f"customXml/item{i}.xml", b"")
    return path


def zip_without_workbook(d: Path, good: Path) -> Path:
    return _write_zip(d / "压缩包.xlsx", {"readme.txt": "这是一个压缩包".encode(), "data/a.csv": b"1,2\n"})


def docx_renamed(d: Path, good: Path) -> Path:
    return _write_zip(
        d / "报告.xlsx", {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<document/>"}
    )


def _laughs(encoding: str = "utf-8") -> bytes:
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{(f"&lol{i - 1};" if i > 1 else "&lol;") * 10}">' for i in range(1, 10)
    )
    xml = (
        f'<?xml version="1.0" encoding="{encoding.upper()}" standalone="yes"?>\n'
        f"<!DOCTYPE sst [{entities}]>\n"
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
        "<si><t>&lol9;</t></si></sst>"
    )
    return xml.encode(encoding)


def billion_laughs(d: Path, good: Path) -> Path:
    return _replace(good, d / "laughs.xlsx", "xl/sharedStrings.xml", _laughs())


def billion_laughs_utf16(d: Path, good: Path) -> Path:
    """The same, encoded as UTF-16: a byte search for '<!DOCTYPE' does not see it."""
    return _replace(good, d / "laughs16.xlsx", "xl/sharedStrings.xml", _laughs("utf-16"))


def small_entity_utf16(d: Path, good: Path) -> Path:
    """One harmless-looking entity in UTF-16: still refused, never expanded into a value."""
    xml = (
        '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE sst [<!ENTITY n "3275">]>'
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&n;</t></si></sst>'
    )
    return _replace(good, d / "entity16.xlsx", "xl/sharedStrings.xml", xml.encode("utf-16"))


def external_entity(d: Path, good: Path) -> Path:
    """XXE: a sheet that asks the parser to read a local file."""
    members = _members(good)
    sheet = SCORECARD_PART
    xml = members[sheet].decode()
    assert not xml.startswith("<?xml")  # openpyxl writes no declaration: the DTD goes first
    dtd = '<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    members[sheet] = (dtd + xml.replace("<t>", "<t>&xxe;", 1)).encode()
    return _write_zip(d / "xxe.xlsx", members)


def malformed_sheet(d: Path, good: Path) -> Path:
    members = _members(good)
    members[SCORECARD_PART] = members[SCORECARD_PART][: len(members[SCORECARD_PART]) // 2]
    return _write_zip(d / "半截.xlsx", members)


def lying_sizes(d: Path, good: Path) -> Path:
    """A sheet that inflates to 5 MB while its zip headers claim 1 KB: the claim must not be trusted."""
    members = _members(good)
    xml = members[SCORECARD_PART]
    head, rest = xml.split(b">", 1)
    members[SCORECARD_PART] = head + b">" + b" " * (5 * MB) + rest
    path = _write_zip(d / "lying.xlsx", members)
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(SCORECARD_PART)
    name = SCORECARD_PART.encode()
    struct.pack_into("<I", data, info.header_offset + 22, 1024)  # local header: uncompressed size
    central = data.index(b"PK\x01\x02")
    while data[central + 46 : central + 46 + len(name)] != name:
        central = data.index(b"PK\x01\x02", central + 4)
    struct.pack_into("<I", data, central + 24, 1024)  # central directory: uncompressed size
    path.write_bytes(bytes(data))
    return path


def truncated(d: Path, good: Path) -> Path:
    data = good.read_bytes()
    (d / "truncated.xlsx").write_bytes(data[: len(data) // 2])
    return d / "truncated.xlsx"


# (builder, expected refusal code)
HOSTILE: list[tuple[Callable[[Path, Path], Path], str]] = [
    (missing, "file_missing"),
    (folder, "not_a_file"),
    (empty, "empty_file"),
    (random_bytes, "not_xlsx"),
    (text_renamed, "not_xlsx"),
    (truncated, "not_xlsx"),
    (legacy_xls, "legacy_xls"),
    (legacy_xls_named_xls, "legacy_xls"),
    (encrypted, "encrypted"),
    (zip_bomb, "zip_bomb"),
    (zip_too_big, "zip_bomb"),
    (too_many_members, "zip_bomb"),
    (zip_without_workbook, "not_xlsx"),
    (docx_renamed, "not_xlsx"),
    (billion_laughs, "corrupt"),
    (billion_laughs_utf16, "corrupt"),
    (small_entity_utf16, "corrupt"),
    (external_entity, "corrupt"),
    (malformed_sheet, "corrupt"),
    (lying_sizes, "corrupt"),
]
IDS = [f.__name__ for f, _ in HOSTILE]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory, blank_template: Path) -> dict[str, Path]:
    """Every hostile file, built once for the module."""
    d = tmp_path_factory.mktemp("hostile")
    good = builders.good_school(d / "good")
    return {f.__name__: f(d, good) for f, _ in HOSTILE}


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Names of the zip members the code under test opens."""
    names: list[str] = []
    real_open = zipfile.ZipFile.open

    def spy(self: zipfile.ZipFile, name: str | zipfile.ZipInfo, *args: object, **kw: object):  # type: ignore[no-untyped-def]
        names.append(name.filename if isinstance(name, zipfile.ZipInfo) else name)
        return real_open(self, name, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(zipfile.ZipFile, "open", spy)
    yield names


def digest(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None


# -- refusals -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("make", "code"), HOSTILE, ids=IDS)
def test_reader_refuses_with_code_and_chinese_message(
    hostile: dict[str, Path], make: Callable, code: str
) -> None:
    path = hostile[make.__name__]
    with pytest.raises(UnreadableWorkbook) as info:
        read_workbook(path)
    exc = info.value
    assert exc.code == code
    assert exc.path == str(path)
    assert CJK.search(exc.message)
    fixed = CODES[code][1].split("{")[0]
    assert exc.message.startswith(fixed)


@pytest.mark.parametrize(("make", "code"), HOSTILE, ids=IDS)
def test_validate_reports_unreadable_file_and_leaves_it_alone(
    hostile: dict[str, Path], make: Callable, code: str
) -> None:
    path = hostile[make.__name__]
    before = digest(path)
    result = validate_files([path])
    if make is folder:  # a folder (even one named like a workbook) holds no workbook here
        assert result.results == [] and result.exit_code == 2
        return
    (r,) = result.results
    assert r.unreadable and result.exit_code == 2
    (f,) = r.findings
    assert (f.code, f.severity, f.file, f.sheet, f.cell) == (code, "error", str(path), None, None)
    assert digest(path) == before


@pytest.mark.parametrize(("make", "code"), HOSTILE, ids=IDS)
def test_cli_exit_2_with_message_and_no_traceback(
    hostile: dict[str, Path], make: Callable, code: str
) -> None:
    path = hostile[make.__name__]
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    expected = "没有找到学校工作簿" if make is folder else CODES[code][1].split("{")[0][:12]
    assert expected in result.output


def test_zip_bomb_member_is_never_inflated(hostile: dict[str, Path], opened: list[str]) -> None:
    path = hostile["zip_bomb"]
    assert path.stat().st_size < 2 * MB  # 200 MB of zeros, streamed and compressed
    with pytest.raises(UnreadableWorkbook) as info:
        read_workbook(path)
    assert "压缩比" in info.value.message
    assert "xl/media/image1.png" not in opened
    assert opened == []  # refused from the zip directory alone


def test_total_size_over_100_mb_is_refused_unread(hostile: dict[str, Path], opened: list[str]) -> None:
    with pytest.raises(UnreadableWorkbook) as info:
        read_workbook(hostile["zip_too_big"])
    assert "100 MB" in info.value.message
    assert opened == []


@pytest.mark.parametrize(
    "name", ["billion_laughs", "billion_laughs_utf16", "small_entity_utf16", "external_entity"]
)
def test_entities_are_refused_as_unsafe_never_expanded(hostile: dict[str, Path], name: str) -> None:
    with pytest.raises(UnreadableWorkbook) as info:
        read_workbook(hostile[name])
    assert info.value.code == "corrupt"
    assert "不安全" in info.value.message
    assert "lol" not in info.value.message and "root:" not in info.value.message


@pytest.mark.parametrize("name", IDS)
def test_refusals_are_chinese_without_library_words(
    hostile: dict[str, Path], name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No library's English (calamine's "Cfb error", zipfile's "Bad magic number") reaches a user;
    QREPORT_DEBUG=1 adds the original for a maintainer."""
    monkeypatch.delenv("QREPORT_DEBUG", raising=False)
    (message,) = [
        f.message for f in validate_file(hostile[name], load_catalog(2024), load_outline()).findings
    ]
    assert not builders.english_words(message), message


def test_a_real_xlsx_under_another_name_is_read_by_its_content(tmp_path: Path) -> None:
    good = builders.good_school(tmp_path)
    renamed = good.with_suffix(".xls")
    good.rename(renamed)
    result = validate_files([renamed])
    assert result.results[0].school is not None and not result.unreadable


def test_debug_shows_the_original_library_message(
    hostile: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QREPORT_DEBUG", "1")
    (message,) = [f.message for f in validate_files([hostile["malformed_sheet"]]).findings]
    assert "原始信息" in message


def test_subprocess_refusals_exit_2_without_traceback(hostile: dict[str, Path]) -> None:
    paths = [hostile[n] for n in ("missing", "encrypted", "zip_bomb", "billion_laughs_utf16", "legacy_xls")]
    proc = subprocess.run(
        [str(QREPORT), "validate", *map(str, paths)], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr and "Traceback" not in proc.stdout
    for code in ("file_missing", "encrypted", "zip_bomb", "corrupt", "legacy_xls"):
        assert CODES[code][1].split("{")[0][:10] in proc.stdout, code


# -- macro-enabled workbooks are data like any other --------------------------------------------


def test_xlsm_is_read_normally_without_running_anything(
    blank_template: Path, tmp_path: Path, opened: list[str]
) -> None:
    good = builders.good_school(tmp_path / "src")
    members = _members(good)
    members["xl/vbaProject.bin"] = (
        OLE_MAGIC + b'Attribute VB_Name = "Module1"\r\nSub Auto_Open()\r\nShell "calc"\r\nEnd Sub'
    )
    xlsm = _write_zip(tmp_path / "src" / "宏.xlsm", members)
    before = digest(xlsm)
    opened.clear()
    result = validate_files([xlsm])
    (r,) = result.results
    assert not r.unreadable
    assert r.findings == []
    assert r.school is not None and r.school.values["graduates"].current == builders.VALUES["graduates"][1]
    assert "xl/vbaProject.bin" not in opened
    assert digest(xlsm) == before


# -- inputs are never written -------------------------------------------------------------------


def test_inputs_never_modified_by_validate_or_annotate(blank_template: Path, tmp_path: Path) -> None:
    src = tmp_path / "in"
    good = builders.good_school(src, "好.xlsx")
    bad = builders.good_school(src, "坏.xlsx")
    with builders.edit(bad) as wb:
        builders.set_value(wb, "graduates", "current", "约400")
        builders.delete_sheet(wb, "国际影响")
    unreadable = src / "加密.xlsx"
    unreadable.write_bytes(OLE_MAGIC + "EncryptionInfo".encode("utf-16-le") + bytes(512))
    files = [good, bad, unreadable]
    before = {p: (digest(p), p.stat().st_mtime_ns) for p in files}
    listing_before = sorted(p.name for p in src.iterdir())

    runner = CliRunner()
    for args in (
        ["--json"],
        [],
        ["--annotate", str(tmp_path / "marked")],
        ["--json", "--annotate", str(tmp_path / "m2")],
    ):
        result = runner.invoke(app, ["validate", *map(str, files), *args])
        assert result.exit_code == 2, result.output
        assert "Traceback" not in result.output

    assert {p: (digest(p), p.stat().st_mtime_ns) for p in files} == before
    assert sorted(p.name for p in src.iterdir()) == listing_before  # nothing written beside the inputs
    marked = sorted(p.name for p in (tmp_path / "marked").iterdir())
    assert len(marked) == 2  # a copy of each readable workbook, none of the unreadable one
