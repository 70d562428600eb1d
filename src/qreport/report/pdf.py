"""Word → PDF through LibreOffice, with the table of contents and other indexes brought up to date.

``soffice --convert-to pdf`` exports fields as they were saved: a table of contents written by
python-docx is an empty TOC field, so the PDF would have no contents page. Instead this module
starts a private headless LibreOffice that listens on a named pipe and runs a small Python-UNO
script (under an interpreter that can ``import uno``: LibreOffice's bundled one, or the system
python3 with Debian's ``python3-uno``). The script loads the document hidden, updates its text
fields and every document index (contents, lists of tables/figures/cases …) until the page
numbers settle, and stores the PDF with ``writer_pdf_Export``.

Each run has its own LibreOffice user profile and pipe, so runs in parallel do not collide, and
the PDF is written to a temporary name beside the target and renamed into place, so a failed or
timed-out run never leaves a partial PDF.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import IO, Any, cast

from lxml import etree

from qreport.errors import QreportError
from qreport.report import pdffonts

__all__ = ["convert_to_pdf", "soffice_available"]

MISSING_SOFFICE = (
    "未找到 LibreOffice（soffice），无法生成 PDF。请安装 libreoffice-writer-nogui 后重试，或去掉 --pdf。"
)
MISSING_UNO = (
    "已找到 LibreOffice，但缺少它的 Python-UNO 组件，无法在生成 PDF 前更新目录。"
    "请安装 python3-uno（Debian/Ubuntu）后重试，或去掉 --pdf。"
)

# Where LibreOffice usually lives when it is not on PATH.
_SOFFICE_FALLBACKS = (
    "/usr/lib/libreoffice/program/soffice",
    "/opt/libreoffice/program/soffice",
    "/Applications/LibreOffice.app/Contents/MacOS/soffice",
    r"C:\Program Files\LibreOffice\program\soffice.exe",
    r"C:\Program Files (x86)\LibreOffice\program\soffice.exe",
)

# Environment variables that would point a foreign Python at this process's packages.
_PYTHON_ENV = (
    "PYTHONHOME",
    "PYTHONPATH",
    "PYTHONSTARTUP",
    "PYTHONSAFEPATH",
    "VIRTUAL_ENV",
    "__PYVENV_LAUNCHER__",
)

# Seconds LibreOffice gets to quit by itself once the helper is done, before it is killed.
_QUIT_GRACE = 15.0


def soffice_available() -> bool:
    """True when LibreOffice and a Python that can drive it over UNO are both installed."""
    soffice = _find_soffice()
    return soffice is not None and _find_uno_python(soffice) is not None


def convert_to_pdf(
    docx: Path,
    pdf: Path,
    *,
    timeout: float = 300,
    shown: Path | None = None,
    table_pages: dict[int, list[int]] | None = None,
) -> list[str]:
    """Convert `docx` to `pdf`, updating the TOC, the other indexes and the fields first. Returns
    the font substitutions made for the PDF (Chinese lines for the user; none when the official
    fonts are installed).

    `shown` is the document as messages name it, when `docx` is a staged copy of it. With
    `table_pages`, it is filled with the page of every row of every table of the body, the tables
    numbered in document order from 0 (nested tables not counted).

    Raises QreportError (message in Chinese) when LibreOffice is missing, fails or takes longer
    than `timeout` seconds; `pdf` is then left as it was.
    """
    docx, pdf = Path(docx), Path(pdf)
    name = shown or docx
    soffice = _find_soffice()
    if soffice is None:
        raise QreportError(MISSING_SOFFICE)
    python = _find_uno_python(soffice)
    if python is None:
        raise QreportError(MISSING_UNO)
    if not docx.is_file():
        raise QreportError(f"找不到要转换为 PDF 的 Word 文件：{name}", path=str(name))

    deadline = time.monotonic() + timeout
    with tempfile.TemporaryDirectory(prefix="qreport-pdf-", ignore_cleanup_errors=True) as tmp:
        work = Path(tmp)
        source = work / "input.docx"  # a copy: no lock file beside the user's document
        notes = _prepare_copy(docx, source, mark_tables=table_pages is not None)
        result = work / "output.pdf"
        rows = work / "rows.json"
        script = work / "update_and_export.py"
        script.write_text(_UNO_SCRIPT, encoding="utf-8")
        _run_office(
            soffice,
            python,
            script=script,
            source=source,
            result=result,
            work=work,
            deadline=deadline,
            timeout=timeout,
            docx=name,
            rows=rows if table_pages is not None else None,
        )
        if table_pages is not None and rows.is_file():
            measured = json.loads(rows.read_text(encoding="utf-8"))
            table_pages.update({int(k.removeprefix(TABLE_MARK)): v for k, v in measured.items()})
        if not result.is_file() or result.stat().st_size == 0 or not _is_pdf(result):
            raise QreportError(
                f"LibreOffice 未能生成 PDF：{name}。请确认该文件能用 Word 或 WPS 正常打开。", path=str(name)
            )
        _install(result, pdf)
    return notes


# -- preparing the copy ------------------------------------------------------------------------------

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
BODY_PART = "word/document.xml"


def _prepare_copy(docx: Path, target: Path, *, mark_tables: bool = False) -> list[str]:
    """Copy `docx` to `target`, giving every empty TOC field a placeholder result and naming open
    faces for the official ones this machine lacks (qreport.report.pdffonts). Returns what was
    substituted, as lines for the user.

    LibreOffice (7.x) imports a Word TOC field as an updatable index only when the field has a
    non-empty result; one written by python-docx has none and would be dropped on import. A
    single space is enough, and the index update replaces it.
    """
    try:
        with zipfile.ZipFile(docx) as zin:
            parts = {info.filename: zin.read(info) for info in zin.infolist()}
            xml_parts = [n for n in parts if n.startswith("word/") and n.endswith(".xml")]
            used = set().union(*(pdffonts.fonts_named(parts[n]) for n in xml_parts))
            subs = pdffonts.substitutions(used, pdffonts.installed_families())
            changed: dict[str, bytes] = {}
            tocs = _fill_empty_tocs(parts[BODY_PART])
            if tocs is not None:
                changed[BODY_PART] = tocs
            if mark_tables:
                changed[BODY_PART] = _mark_tables(changed.get(BODY_PART, parts[BODY_PART]))
            for name in xml_parts if subs else ():
                fixed = pdffonts.substitute(changed.get(name, parts[name]), subs)
                if fixed is not None:
                    changed[name] = fixed
            if not changed:
                shutil.copyfile(docx, target)
            else:
                with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
                    for info in zin.infolist():
                        zout.writestr(info, changed.get(info.filename, parts[info.filename]))
    except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError) as exc:
        raise QreportError(f"不是有效的 Word（.docx）文件，无法生成 PDF：{docx}", path=str(docx)) from exc
    return pdffonts.describe(subs)


TABLE_MARK = "qreport_table_"  # bookmarks by which the helper finds each table of the body


def parse_part(xml: bytes) -> etree._Element:
    """A part of a .docx of ours, parsed without entities or network (the one parser of this module)."""
    return etree.fromstring(xml, etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True))


def _mark_tables(xml: bytes) -> bytes:
    """`xml` with a bookmark in the first paragraph of each table of the body, so the helper can
    report where the table's rows fall."""
    root = parse_part(xml)
    body = root.find(f"{{{W_NS}}}body")
    for k, tbl in enumerate(body.iterchildren(f"{{{W_NS}}}tbl") if body is not None else ()):
        paragraph = tbl.find(f".//{{{W_NS}}}p")
        if paragraph is None:
            continue
        start = etree.Element(f"{{{W_NS}}}bookmarkStart")
        start.set(f"{{{W_NS}}}id", str(900000 + k))
        start.set(f"{{{W_NS}}}name", f"{TABLE_MARK}{k}")
        end = etree.Element(f"{{{W_NS}}}bookmarkEnd")
        end.set(f"{{{W_NS}}}id", str(900000 + k))
        ppr = paragraph.find(f"{{{W_NS}}}pPr")
        at = 0 if ppr is None else paragraph.index(ppr) + 1
        paragraph.insert(at, end)
        paragraph.insert(at, start)
    return cast(bytes, etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))


def _fill_empty_tocs(xml: bytes) -> bytes | None:
    """`xml` with placeholder results in empty TOC fields, or None when none is empty."""
    root = parse_part(xml)
    changed = False

    # Complex fields (w:fldChar begin/separate/end), which may nest and span paragraphs.
    stack: list[dict[str, Any]] = []
    for el in list(root.iter(f"{{{W_NS}}}fldChar", f"{{{W_NS}}}instrText", f"{{{W_NS}}}t")):
        tag = etree.QName(el).localname
        if tag == "t":
            if el.text:
                for frame in stack:
                    if frame["in_result"]:
                        frame["has_text"] = True
        elif tag == "instrText":
            if stack and not stack[-1]["in_result"]:
                stack[-1]["instr"] += el.text or ""
        else:
            kind = el.get(f"{{{W_NS}}}fldCharType")
            if kind == "begin":
                stack.append({"instr": "", "in_result": False, "has_text": False})
            elif kind == "separate" and stack:
                stack[-1]["in_result"] = True
            elif kind == "end" and stack:
                frame = stack.pop()
                if _is_toc(frame["instr"]) and not frame["has_text"]:
                    end_run = el.getparent()
                    if not frame["in_result"]:
                        end_run.addprevious(_run(_fld_char("separate")))
                    end_run.addprevious(_placeholder_run())
                    changed = True

    # Simple fields: <w:fldSimple w:instr="TOC …"/> becomes a complex field with a result.
    for simple in list(root.iter(f"{{{W_NS}}}fldSimple")):
        instr = simple.get(f"{{{W_NS}}}instr", "")
        if not _is_toc(instr) or any(t.text for t in simple.iter(f"{{{W_NS}}}t")):
            continue
        instr_text = etree.Element(f"{{{W_NS}}}instrText")
        instr_text.set(_XML_SPACE, "preserve")
        instr_text.text = instr
        runs = [
            _run(_fld_char("begin")),
            _run(instr_text),
            _run(_fld_char("separate")),
            _placeholder_run(),
            _run(_fld_char("end")),
        ]
        for run in runs:
            simple.addprevious(run)
        simple.getparent().remove(simple)
        changed = True

    if not changed:
        return None
    return cast(bytes, etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))


def _is_toc(instr: str) -> bool:
    words = instr.split()
    return bool(words) and words[0].upper() == "TOC"


def _fld_char(kind: str) -> etree._Element:
    el = etree.Element(f"{{{W_NS}}}fldChar")
    el.set(f"{{{W_NS}}}fldCharType", kind)
    return el


def _run(child: etree._Element) -> etree._Element:
    run = etree.Element(f"{{{W_NS}}}r")
    run.append(child)
    return run


def _placeholder_run() -> etree._Element:
    text = etree.Element(f"{{{W_NS}}}t")
    text.set(_XML_SPACE, "preserve")
    text.text = " "
    return _run(text)


# -- finding LibreOffice ----------------------------------------------------------------------------


def _find_soffice() -> str | None:
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    for candidate in _SOFFICE_FALLBACKS:
        if Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def _python_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in _PYTHON_ENV}


@functools.lru_cache(maxsize=8)
def _find_uno_python(soffice: str) -> str | None:
    """An interpreter that can ``import uno``: LibreOffice's own first, then the system's."""
    program = Path(soffice).resolve().parent
    candidates = [
        program / "python",  # Linux tarball builds
        program / "python.exe",  # Windows
        program.parent / "Resources" / "python",  # macOS app bundle (Contents/MacOS/soffice)
        Path("/usr/bin/python3"),  # Debian/Ubuntu with python3-uno
        shutil.which("python3"),
        sys.executable,
    ]
    seen: set[str] = set()
    for candidate in candidates:
        if not candidate:
            continue
        path = str(candidate)
        if path in seen or not Path(path).is_file():
            continue
        seen.add(path)
        try:
            probe = subprocess.run(
                [path, "-c", "import uno"],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                env=_python_env(),
                timeout=60,
                check=False,
            )
        except (OSError, subprocess.SubprocessError):
            continue
        if probe.returncode == 0:
            return path
    return None


# -- running it -------------------------------------------------------------------------------------


def _run_office(
    soffice: str,
    python: str,
    *,
    script: Path,
    source: Path,
    result: Path,
    work: Path,
    deadline: float,
    timeout: float,
    docx: Path,
    rows: Path | None = None,
) -> None:
    pipe = f"qreport_{os.getpid()}_{secrets.token_hex(8)}"
    profile = work / "profile"
    office_log = work / "office.log"
    helper_log = work / "helper.log"
    office_cmd = [
        soffice,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--invisible",
        "--nologo",
        "--nodefault",
        "--norestore",
        "--nolockcheck",
        f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext",
    ]
    # The helper gives up connecting at this wall-clock time (it is a separate process).
    connect_until = time.time() + max(deadline - time.monotonic(), 1.0)
    helper_cmd = [python, str(script), pipe, source.as_uri(), result.as_uri(), f"{connect_until:.3f}"]
    if rows is not None:
        helper_cmd.append(str(rows))

    office: subprocess.Popen[bytes] | None = None
    helper: subprocess.Popen[bytes] | None = None
    with office_log.open("wb") as office_out, helper_log.open("wb") as helper_out:
        try:
            try:
                office = _spawn(office_cmd, office_out, env=_python_env())
                helper = _spawn(helper_cmd, helper_out, env=_python_env())
            except OSError as exc:
                raise QreportError(
                    f"无法启动 LibreOffice：{exc}。请检查 LibreOffice 安装后重试，或去掉 --pdf。"
                ) from exc
            office_gone_at: float | None = None
            while True:
                if helper.poll() is not None:
                    break
                now = time.monotonic()
                if now >= deadline:
                    raise QreportError(
                        f"LibreOffice 在 {timeout:g} 秒内未完成 PDF 转换，已中止：{docx}。"
                        "可稍后重试，或去掉 --pdf。",
                        path=str(docx),
                    )
                if office.poll() is not None:
                    office_gone_at = office_gone_at or now
                    if now - office_gone_at > 10:
                        break  # LibreOffice died and the helper is still waiting for it
                time.sleep(0.1)
        finally:
            done = helper is not None and helper.poll() == 0
            _stop(helper, grace=0)
            _stop(office, grace=_QUIT_GRACE if done else 0)  # it was asked to quit; else kill now
    assert helper is not None
    if helper.returncode != 0:
        detail = _tail(helper_log) or _tail(office_log) or f"退出码 {helper.returncode}"
        raise QreportError(f"LibreOffice 转换 PDF 失败：{docx}。{detail}", path=str(docx))


def _spawn(cmd: list[str], out: IO[bytes], *, env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        cmd,
        stdin=subprocess.DEVNULL,
        stdout=out,
        stderr=subprocess.STDOUT,
        env=env,
        start_new_session=os.name == "posix",  # a process group, so LibreOffice's children die too
    )


def _stop(proc: subprocess.Popen[bytes] | None, *, grace: float) -> None:
    """Give `proc` up to `grace` seconds to exit by itself, then kill it with its process group."""
    if proc is None:
        return
    if grace > 0:
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=grace)
    if proc.poll() is None:
        if os.name == "posix":
            try:
                os.killpg(proc.pid, signal.SIGKILL)  # its own session, started above
            except (ProcessLookupError, PermissionError):
                proc.kill()
        else:
            proc.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=10)


def _tail(log: Path, lines: int = 3) -> str:
    try:
        text = log.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return ""
    return " ".join(text.splitlines()[-lines:])


def _is_pdf(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(5) == b"%PDF-"


def _install(result: Path, pdf: Path) -> None:
    """Copy `result` beside `pdf` under a temporary name and rename it into place."""
    pdf.parent.mkdir(parents=True, exist_ok=True)
    partial = pdf.with_name(f".{pdf.name}.{secrets.token_hex(4)}.part")
    try:
        shutil.copyfile(result, partial)
        os.replace(partial, pdf)
    except OSError as exc:
        raise QreportError(f"无法写入 PDF 文件：{pdf}（{exc.strerror or exc}）", path=str(pdf)) from exc
    finally:
        partial.unlink(missing_ok=True)


# The helper run by the UNO-capable interpreter. Plain Python that also runs on LibreOffice's
# bundled interpreter; argv: pipe name, source URL, result URL, connect deadline (epoch seconds).
_UNO_SCRIPT = r'''
import json
import re
import sys
import time
import traceback

import uno
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException

MAX_PASSES = 4


def prop(name, value):
    p = PropertyValue()
    p.Name = name
    p.Value = value
    return p


def connect(pipe, until):
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    while True:
        try:
            return resolver.resolve("uno:pipe,name=%s;urp;StarOffice.ComponentContext" % pipe)
        except NoConnectException:
            if time.time() > until:
                raise
            time.sleep(0.2)


def index_texts(doc):
    indexes = doc.getDocumentIndexes()
    return [indexes.getByIndex(i).getAnchor().getString() for i in range(indexes.getCount())]


def update(doc):
    """Fields, then every index, repeated until the indexes stop changing.

    A table of contents grows when filled, which moves the pages after it, so its page
    numbers are only right after a second pass.
    """
    if hasattr(doc, "getTextFields"):
        doc.getTextFields().refresh()
    if not hasattr(doc, "getDocumentIndexes"):
        return
    before = None
    for _ in range(MAX_PASSES):
        indexes = doc.getDocumentIndexes()
        for i in range(indexes.getCount()):
            indexes.getByIndex(i).update()
        doc.refresh()
        if hasattr(doc, "getTextFields"):
            doc.getTextFields().refresh()
        after = index_texts(doc)
        if after == before:
            break
        before = after


ROW_NAME = re.compile(r"^([A-Z]+)([0-9]+)$")


def column_number(letters):
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def table_rows(doc, prefix):
    """{bookmark name: [page of each row]} for the tables marked by bookmarks named prefix*.

    A row's page is that of its last cell (the first may be merged with the rows above)."""
    cursor = doc.getCurrentController().getViewCursor()
    marks = doc.getBookmarks()
    found = {}
    for name in marks.getElementNames():
        if not name.startswith(prefix):
            continue
        table = marks.getByName(name).getAnchor().TextTable
        if table is None:
            continue
        last = {}
        for cell in table.getCellNames():
            match = ROW_NAME.match(cell)
            if match:
                row, col = int(match.group(2)), column_number(match.group(1))
                if col >= last.get(row, ("", 0))[1]:
                    last[row] = (cell, col)
        pages = []
        for row in sorted(last):
            cursor.gotoRange(table.getCellByName(last[row][0]).getStart(), False)
            pages.append(cursor.getPage())
        found[name] = pages
    return found


def main():
    pipe, source, result, until = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
    rows = sys.argv[5] if len(sys.argv) > 5 else None
    ctx = connect(pipe, until)
    desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    load = (prop("Hidden", True), prop("MacroExecutionMode", 0), prop("UpdateDocMode", 0))
    doc = desktop.loadComponentFromURL(source, "_blank", 0, load)
    if doc is None:
        sys.stderr.write("LibreOffice could not open the document\n")
        return 3
    try:
        update(doc)
        if rows:
            try:
                found = table_rows(doc, "@TABLE_MARK@")
            except Exception:  # the layout is a refinement: the PDF is still made without it
                traceback.print_exc()
                found = {}
            with open(rows, "w", encoding="utf-8") as fh:
                json.dump(found, fh)
        doc.storeToURL(result, (prop("FilterName", "writer_pdf_Export"),))
    finally:
        try:
            doc.close(True)
        except Exception:
            pass
        try:
            desktop.terminate()
        except Exception:
            pass  # the bridge goes away as LibreOffice quits
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception as exc:
        traceback.print_exc()
        sys.stderr.write("%s: %s\n" % (type(exc).__name__, exc))
        sys.exit(1)
'''
_UNO_SCRIPT = _UNO_SCRIPT.replace("@TABLE_MARK@", TABLE_MARK)
