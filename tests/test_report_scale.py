"""A report for very many schools: per-school tables and charts give way to a note, 表2 stays."""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx
import pytest
from lxml import etree

from qreport.catalog.indicators import load_catalog
from qreport.report import write_report
from qreport.report.dump import dump_docx
from qreport.report.spec import load_spec
from qreport.report.wordml import stream

from report_fixtures import SHORT, make_config, make_dataset


def test_above_max_schools_per_school_detail_points_to_the_tables_workbook(tmp_path: Path) -> None:
    dataset = make_dataset(tmp_path)
    spec = load_spec().model_copy(update={"max_schools": len(dataset.schools) - 1})
    out = tmp_path / "r.docx"
    result = write_report(dataset, make_config(tmp_path), load_catalog(2024), out, spec=spec)
    text = dump_docx(out)
    assert "逐校数据不在报告中列出" in text and "qreport build --tables" in text
    assert not any("各职业学校教职工、招生、在校生、毕业生" in t for t in result.tables)
    assert result.figures == [] or all("各校" not in f for f in result.figures)
    # the appendix keeps one column per school (contract), and the city figures stay
    assert [t.split(" ", 1)[0] for t in result.appendix] == [f"表{i}" for i in range(1, 7)]
    assert all(short in text for short in SHORT)
    assert result.cases == [] and any("文字材料和典型案例未写入报告" in w for w in result.warnings)


def test_at_max_schools_the_tables_are_there(tmp_path: Path) -> None:
    dataset = make_dataset(tmp_path)
    spec = load_spec().model_copy(update={"max_schools": len(dataset.schools)})
    result = write_report(dataset, make_config(tmp_path), load_catalog(2024), tmp_path / "r.docx", spec=spec)
    assert any("教职工" in t for t in result.tables)


def _body_c14n(path: Path) -> bytes:
    with zipfile.ZipFile(path) as zf:
        root = etree.fromstring(zf.read("word/document.xml"))
    return etree.tostring(root, method="c14n")


def test_streamed_tables_make_the_same_document(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Tables streamed into the saved file (a national 表2) are the tables the DOM would have held."""
    dataset = make_dataset(tmp_path, draft=True)
    config, catalog = make_config(tmp_path), load_catalog(2024)
    in_dom = write_report(dataset, config, catalog, tmp_path / "dom.docx")
    monkeypatch.setattr(stream, "STREAM_CELLS", 0)  # every table streamed
    streamed = write_report(dataset, config, catalog, tmp_path / "streamed.docx")
    assert streamed.appendix == in_dom.appendix and streamed.tables == in_dom.tables
    assert _body_c14n(tmp_path / "streamed.docx") == _body_c14n(tmp_path / "dom.docx")
    reopened = docx.Document(str(tmp_path / "streamed.docx"))
    assert len(reopened.tables) == len(docx.Document(str(tmp_path / "dom.docx")).tables) > 10
    with zipfile.ZipFile(tmp_path / "streamed.docx") as zf:
        assert b"qreport-stream-" not in zf.read("word/document.xml")
        assert zf.testzip() is None
