"""One upload from a school's link: write it whole, validate it as `validate` does, check whose it is,
record it. The uploaded file name is only ever shown, never used as a path."""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from qreport.catalog.indicators import Catalog
from qreport.catalog.outline import Outline
from qreport.check.validate import validate_file
from qreport.errors import UnreadableWorkbook
from qreport.findings import Finding, counts
from qreport.mark import ANNOTATED
from qreport.serve.store import NewVersion, SchoolRow, Store, VersionRow
from qreport.workbook import layout
from qreport.workbook.xlsx import identify

CHUNK = 1 << 16


class TooLarge(Exception):
    """The upload is over the size limit."""


@dataclass(frozen=True)
class Refused:
    """A workbook of another school: not kept, nothing changed."""

    message: str


def display_name(name: str | None) -> str:
    """The uploaded file name as shown to people: the last path part, printable, bounded."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = "".join(ch for ch in unicodedata.normalize("NFC", base) if ch.isprintable()).strip()
    return base[:100] or "工作簿.xlsx"


def save_upload(stream: BinaryIO, target: Path, limit: int) -> tuple[int, str]:
    """Copy an upload to `target`, whole or not at all; returns its size and SHA-256. Raises TooLarge."""
    part = target.with_name(f".{target.name}.part")
    size = 0
    digest = hashlib.sha256()
    try:
        with part.open("xb") as out:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise TooLarge
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        os.replace(part, target)
    finally:
        part.unlink(missing_ok=True)
    return size, digest.hexdigest()


def _identity(school: SchoolRow, found_name: str, found_code: str, others: list[str],
              codes: dict[str, str], label: str) -> Refused | Finding | None:  # fmt: skip
    """A workbook naming another expected school, or using another school's 学校标识码, is refused;
    one naming no expected school gets an error on its 学校名称 (it could not be built as this school)."""
    name = found_name.strip()
    if name and name != school.name and name in others:
        return Refused(
            f"这份工作簿的学校名称是“{name}”，是另一所学校的工作簿，未保存。"
            f"请上传本校（{school.name}）的工作簿。"
        )
    code = found_code.strip()
    if code and codes.get(code, school.name) != school.name:
        return Refused(
            f"这份工作簿的学校标识码 {code} 已由“{codes[code]}”使用，未保存。"
            f"请核对本校（{school.name}）的学校标识码后重新上传。"
        )
    if name and name != school.name:
        return Finding(
            file=label, sheet=layout.INFO_SHEET, severity="error", code="school_name_mismatch",
            message=f"学校名称填写的是“{name}”，与教育局名单中的本校名称不一致。"
            f"请在“基本信息”的 B 列改为“{school.name}”（须完全一致）。",
        )  # fmt: skip
    return None


def _written_by_qreport(path: Path, label: str) -> Finding | None:
    """An annotated copy (or another file qreport wrote) is skipped by `build`: it cannot be the
    school's submission, and the school is told how to turn its edits into a workbook that counts."""
    try:
        kind, _ = identify(path)
    except UnreadableWorkbook:
        return None
    if kind is None:
        return None
    if kind == ANNOTATED:
        message = (
            "这是 qreport 写出的标注副本，编制报告时不会读取。请在本校原来的工作簿中按标注修改后上传；"
            "如果修改已经做在这份副本里，请在 Excel 中删除自定义属性“qreport”"
            "（文件 → 信息 → 属性 → 高级属性 → 自定义）并保存，再上传。"
        )
    else:
        message = f"这是 qreport 写出的{kind}，不是学校填报的工作簿。请上传本校填写的工作簿。"
    return Finding(file=label, severity="error", code="qreport_output", message=message)


def check_and_record(store: Store, school: SchoolRow, staged: Path, saved: tuple[int, str], original_name: str,
                     catalog: Catalog, outline: Outline) -> VersionRow | Refused:  # fmt: skip
    """Validate the upload written at `staged` (`saved`: its size and SHA-256) and record it, or
    refuse it (and delete it)."""
    label = display_name(original_name)
    result = validate_file(staged, catalog, outline, label=label)
    findings = list(result.findings)
    found = result.school
    if found is not None:
        written = _written_by_qreport(staged, label)
        if written is not None:
            findings.insert(0, written)
        others = [s.name for s in store.schools() if s.id != school.id]
        verdict = _identity(school, found.name, found.code, others, store.codes_of_others(school.id), label)
        if isinstance(verdict, Refused):
            staged.unlink(missing_ok=True)
            return verdict
        if verdict is not None:
            findings.insert(0, verdict)
    errors, warnings = counts(findings)
    new = NewVersion(
        original_name=label, size=saved[0], sha256=saved[1], readable=found is not None, errors=errors,
        warnings=warnings, school_name=found.name if found else "", school_code=found.code if found else "",
        findings=[f.model_dump() for f in findings],
    )  # fmt: skip
    try:
        return store.record(school, staged, new)
    except BaseException:
        staged.unlink(missing_ok=True)
        raise
