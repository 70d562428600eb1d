"""qreport's mark on the files it writes, so a later run knows them and never reads one as a school's.

Workbooks and Word documents carry a custom document property `qreport` whose value says what the
file is (汇总表, 标注副本, 报告); Excel, WPS and Word keep custom properties when the file is saved
again. A dataset carries a top-level key `generator`. A school's blank template is not marked: it
comes back filled as a school workbook.
"""

from __future__ import annotations

import zipfile
import zlib
from typing import TYPE_CHECKING, Any
from xml.etree.ElementTree import ParseError
from xml.sax.saxutils import quoteattr

if TYPE_CHECKING:
    from openpyxl import Workbook

NAME = "qreport"
TABLES = "汇总表"
ANNOTATED = "标注副本"
REPORT = "报告"
DATASET_KEY = "generator"  # the dataset's top-level key, beside the contract's keys

CUSTOM_PART = "docProps/custom.xml"
MAX_PART = 1024 * 1024  # a real custom.xml is a few hundred bytes
_CUSTOM_TYPE = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
_CUSTOM_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
_VT = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"  # the format id Office uses for custom properties


def generator() -> str:
    from qreport import __version__

    return f"{NAME} {__version__}"


def mark_workbook(wb: Workbook, kind: str) -> None:
    """Mark an openpyxl workbook before it is saved (an earlier mark of qreport is replaced)."""
    from openpyxl.packaging.custom import StringProperty

    props = wb.custom_doc_props
    for prop in [p for p in props.props if p.name == NAME]:
        props.props.remove(prop)
    props.append(StringProperty(name=NAME, value=kind))


def mark_document(document: Any, kind: str) -> None:
    """Mark a python-docx Document before it is saved (python-docx has no custom-properties API)."""
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    xml = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<Properties xmlns="{_NS}" xmlns:vt="{_VT}"><property fmtid="{_FMTID}" pid="2" '
        f"name={quoteattr(NAME)}><vt:lpwstr>{kind}</vt:lpwstr></property></Properties>"
    )
    package = document.part.package
    part = Part(PackURI(f"/{CUSTOM_PART}"), _CUSTOM_TYPE, xml.encode("utf-8"), package)
    package.relate_to(part, _CUSTOM_REL)


def mark_of(zf: zipfile.ZipFile) -> str | None:
    """What qreport output an open workbook or document is, or None if qreport did not write it."""
    from defusedxml import ElementTree as SafeET

    try:
        info = zf.getinfo(CUSTOM_PART)
    except KeyError:
        return None
    if info.file_size > MAX_PART:
        return None
    try:
        root = SafeET.fromstring(zf.read(info))
    except (ParseError, ValueError, zipfile.BadZipFile, zlib.error, EOFError, OSError):
        return None  # an unreadable property part is no mark; the reader judges the rest of the file
    for prop in root:
        if prop.get("name") == NAME:
            return "".join(prop.itertext()).strip() or NAME
    return None
