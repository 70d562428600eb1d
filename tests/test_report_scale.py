"""A report for very many schools: per-school tables and charts give way to a note, 表2 stays."""

from __future__ import annotations

from pathlib import Path

from qreport.catalog import load_catalog
from qreport.report import write_report
from qreport.report.dump import dump_docx
from qreport.report.spec import load_spec

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
