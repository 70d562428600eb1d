"""Very large tables written straight into the saved document.xml, never held in python-docx's DOM.

A national report's 表2 has one column per school: 7,000 schools make 875 tables and 125,000 cells,
which as lxml elements take about 400 MB. Such a part is left as a marker paragraph while the
document is built; when it is saved, the package is copied member by member and the marker is
replaced by the part's XML, produced piece by piece. The result is the same document.xml as if the
tables had been added to the DOM (tests/test_report_scale.py compares the two).
"""

from __future__ import annotations

import re
import uuid
import zipfile
from collections.abc import Callable, Iterable
from io import BytesIO
from pathlib import Path

from docx.document import Document

STREAM_CELLS = 20_000  # a run of tables with more cells than this is streamed
DOCUMENT_PART = "word/document.xml"

Maker = Callable[[], Iterable[str]]  # yields pieces of WordprocessingML, in order


class Streamed:
    """Parts of the body produced while saving, each in place of a marker paragraph."""

    def __init__(self) -> None:
        self._token = f"qreport-stream-{uuid.uuid4().hex}"
        self._makers: list[Maker] = []

    def defer(self, doc: Document, make: Maker) -> None:
        doc.add_paragraph(f"{self._token}-{len(self._makers)}")
        self._makers.append(make)

    def save(self, document: Document, path: Path) -> None:
        if not self._makers:
            document.save(str(path))
            return
        buffer = BytesIO()
        document.save(buffer)  # without the streamed parts: small
        with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
            for info in src.infolist():
                if info.filename == DOCUMENT_PART:
                    self._write_document(src.read(info).decode("utf-8"), dst, info)
                else:
                    dst.writestr(info, src.read(info))

    def _write_document(self, xml: str, dst: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
        marker = re.compile(
            rf"<w:p>(?:(?!</w:p>).)*?<w:t>{re.escape(self._token)}-(\d+)</w:t></w:r></w:p>", re.DOTALL
        )
        out = zipfile.ZipInfo(info.filename, date_time=info.date_time)
        out.compress_type = zipfile.ZIP_DEFLATED
        done = 0
        with dst.open(out, "w") as fh:
            at = 0
            for match in marker.finditer(xml):
                fh.write(xml[at : match.start()].encode("utf-8"))
                for piece in self._makers[int(match.group(1))]():
                    fh.write(piece.encode("utf-8"))
                at = match.end()
                done += 1
            fh.write(xml[at:].encode("utf-8"))
        if done != len(self._makers):  # a marker lost in serialisation would lose tables silently
            raise RuntimeError(f"streamed {done} of {len(self._makers)} table parts")
