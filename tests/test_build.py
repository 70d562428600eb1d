"""`qreport build` end to end: a folder of workbooks in, a dataset (and report) out."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from qreport.catalog.indicators import load_catalog
from qreport.cli.app import app
from qreport.compile.build import build
from qreport.compile.dataset import dumps, to_json
from qreport.report.dump import dump_docx

import builders

CATALOG = load_catalog(2024)
runner = CliRunner()

SCHOOLS = {
    "甲.xlsx": {"学校名称": "甲职业学校", "学校简称": "甲校", "学校标识码": "4115000001"},
    "乙.xlsx": {"学校名称": "乙职业学校", "学校简称": "乙校", "学校标识码": "4115000002"},
    "丙.xlsx": {"学校名称": "丙职业学校", "学校简称": "丙校", "学校标识码": "4115000003"},
}
# 乙 and 丙 differ from 甲 so a sum is not 3 x one school
VALUES = {
    "乙.xlsx": {"graduates": (321, 165), "graduates_placed": (320, 160), "placed_in_province": (300, 150),
               "further_study": (200, 100), "bachelor_admits": (11, 3), "sat_students": (None, 91.14)},
    "丙.xlsx": {"graduates": (23, 19), "graduates_placed": (23, 19), "placed_in_province": (20, 19),
               "further_study": (10, 10), "bachelor_admits": (4, 10), "sat_students": (None, 95.45)},
}  # fmt: skip


@pytest.fixture
def city(blank_template: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "city"
    for name, info in SCHOOLS.items():
        builders.good_school(folder, name, info=info, values=VALUES.get(name, {}))
    return folder


def run(*args: str | Path) -> tuple[int, str]:
    result = runner.invoke(app, [str(a) for a in args])
    return result.exit_code, result.output


def test_city_values_are_sums_and_recomputed_rates(city: Path) -> None:
    ds = build(city).dataset
    g = [ds.school_values[s.name]["graduates"].current for s in ds.schools]
    assert ds.city["graduates"].current == sum(g) == 436 + 165 + 19
    placed = sum(ds.school_values[s.name]["graduates_placed"].current for s in ds.schools)
    in_prov = sum(ds.school_values[s.name]["placed_in_province"].current for s in ds.schools)
    assert ds.city["placed_in_province_rate"].current == pytest.approx(in_prov / placed * 100)
    expected = (96.52 * 1200 + 91.14 * 1200 + 95.45 * 1200) / 3600
    assert ds.city["sat_students"].current == pytest.approx(expected)


def test_dataset_has_every_indicator_for_city_and_each_school(city: Path) -> None:
    data = to_json(build(city).dataset, CATALOG)
    ids = {i.id for i in CATALOG.indicators}
    assert set(data["city"]) == ids
    assert [s["name"] for s in data["schools"]] == ["丙职业学校", "乙职业学校", "甲职业学校"]
    for s in data["schools"]:
        assert set(s["values"]) == ids and {"name", "short_name", "file", "values"} <= set(s)
        assert all(set(v) == {"previous", "current"} for v in s["values"].values())
    assert data["year"] == 2024 and set(data["region"]) == {"name", "code"}
    assert 90 < data["city"]["placed_in_province_rate"]["current"] < 100  # percent units
    assert data["city"]["sat_students"]["previous"] is None  # no rule can make it
    assert "不取各校比率的平均" in data["indicators"]["dual_teacher_rate"]["rule"]


def test_file_names_and_order_never_change_the_dataset(city: Path, tmp_path: Path) -> None:
    other = tmp_path / "renamed"
    for i, p in enumerate(sorted(city.glob("*.xlsx"), reverse=True)):
        (other / f"sub{i}").mkdir(parents=True)
        shutil.copy(p, other / f"sub{i}" / f"z{i}-{p.name}")
        shutil.copy(city / builders.IMAGE_NAME, other / f"sub{i}" / builders.IMAGE_NAME)
    a, b = to_json(build(city).dataset, CATALOG), to_json(build(other).dataset, CATALOG)
    for d in (a, b):
        for s in d["schools"]:
            s.pop("file")
        for f in d["findings"]:
            f.pop("file")
    assert a == b


def test_dataset_round_trips_as_previous(city: Path, tmp_path: Path) -> None:
    ds = build(city).dataset
    last_year = json.loads(dumps(ds, CATALOG))
    last_year["year"] = 2023  # stand-in for last year's build: its current year was 2023
    for values in [last_year["city"], *(s["values"] for s in last_year["schools"])]:
        for v in values.values():
            v["current"], v["previous"] = v["previous"], None
    last_year["city"]["graduates"]["current"] = 999
    last_year["schools"][0]["values"]["graduates"]["current"] = 1  # 丙 typed 23 for 2023
    prev = tmp_path / "2023.json"
    prev.write_text(json.dumps(last_year, ensure_ascii=False), encoding="utf-8")
    result = build(city, previous=prev)
    assert result.dataset.city["graduates"].previous == 999
    assert (
        result.dataset.city["placed_in_province_rate"].previous
        == last_year["city"]["placed_in_province_rate"]["current"]
    )
    warn = [f for f in result.findings if f.code == "previous_mismatch"]
    assert [(f.file, f.indicator) for f in warn] == [("丙.xlsx", "graduates")]
    assert not result.has_errors


def test_previous_of_the_wrong_year_is_unusable_input(city: Path, tmp_path: Path) -> None:
    code, _ = run("build", city, "-o", tmp_path / "r.docx", "--quiet")
    assert code == 0
    code, out = run("build", city, "-o", tmp_path / "r2.docx", "--previous", tmp_path / "r.json", "--quiet")
    assert code == 2 and "需要 2023 年的数据集" in out
    assert not (tmp_path / "r2.docx").exists()


def test_two_workbooks_of_one_school_are_refused_naming_both(city: Path, tmp_path: Path) -> None:
    shutil.copy(city / "甲.xlsx", city / "甲-副本.xlsx")
    result = build(city)
    dup = [f for f in result.findings if f.code == "duplicate_school"]
    assert len(dup) == 1 and "甲" in dup[0].file and "甲" in dup[0].message
    code, out = run("build", city, "-o", tmp_path / "r.docx", "--quiet")
    assert code == 1 and "甲-副本.xlsx" in out
    assert not (tmp_path / "r.docx").exists() and not (tmp_path / "r.json").exists()


def test_missing_expected_school_is_an_error_and_a_warning_with_draft(city: Path, tmp_path: Path) -> None:
    (city / "qreport.toml").write_text(
        '[region]\nname = "测试市"\ncode = "150800"\n'
        '[[schools]]\nname = "甲职业学校"\nshort_name = "甲"\n'
        '[[schools]]\nname = "丁职业学校"\nshort_name = "丁"\n', encoding="utf-8")  # fmt: skip
    result = build(city)
    codes = {(f.code, f.severity) for f in result.findings}
    assert ("school_missing", "error") in codes and ("school_unexpected", "warning") in codes
    assert result.dataset.schools[0].name == "甲职业学校" and result.dataset.schools[0].short_name == "甲"
    assert ("school_missing", "warning") in {(f.code, f.severity) for f in build(city, draft=True).findings}


def test_stray_files_are_skipped_with_a_notice(city: Path) -> None:
    (city / "~$甲.xlsx").write_bytes(b"lock")
    (city / "汇总.csv").write_text("a,b", encoding="utf-8")
    (city / "说明.docx").write_bytes(b"not read")
    result = build(city)
    assert [s.file for s in result.skipped] == ["~$甲.xlsx", "汇总.csv"]
    assert len(result.dataset.schools) == 3 and not result.has_errors
    assert not {f.file for f in result.findings} & {"~$甲.xlsx", "汇总.csv"}  # notices are not findings


def test_errors_stop_the_build_and_draft_builds_anyway(city: Path, tmp_path: Path) -> None:
    with builders.edit(city / "乙.xlsx") as wb:
        builders.set_value(wb, "graduates", "current", "很多")
    code, out = run("build", city, "-o", tmp_path / "r.docx", "--quiet")
    assert code == 1 and "不是数字" in out and not list(tmp_path.glob("r.*"))
    code, _ = run(
        "build", city, "-o", tmp_path / "r.docx", "--dataset", tmp_path / "d.json", "--draft", "--quiet"
    )
    assert code == 0
    data = json.loads((tmp_path / "d.json").read_text(encoding="utf-8"))
    assert data["draft"] is True
    b = next(s for s in data["schools"] if s["name"] == "乙职业学校")
    assert b["values"]["graduates"]["current"] is None  # the failed value counts as missing
    assert data["city"]["graduates"]["current"] == 436 + 19
    assert any(f["code"] == "not_a_number" for f in data["findings"])


def test_unusable_input_exits_2(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    code, out = run("build", tmp_path / "empty", "--quiet")
    assert code == 2 and "没有 .xlsx 工作簿" in out
    code, out = run("build", tmp_path / "nowhere", "--quiet")
    assert code == 2 and "找不到文件夹" in out


def test_bad_config_exits_2_with_the_nearest_key(city: Path) -> None:
    (city / "qreport.toml").write_text('[regoin]\nname = "x"\n', encoding="utf-8")
    code, out = run("build", city, "--quiet")
    assert code == 2 and "regoin" in out and "region" in out
    assert "Traceback" not in out


def test_tables_workbook_lists_city_and_schools(city: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    code, _ = run("build", city, "-o", tmp_path / "r.docx", "--tables", tmp_path / "t.xlsx", "--quiet")
    assert code == 0
    wb = load_workbook(tmp_path / "t.xlsx")
    assert wb.sheetnames[:7] == list(CATALOG.sheets) and "来源" in wb.sheetnames
    ws = wb["计分卡"]
    header = [c.value for c in ws[2]]
    assert header[:5] == ["指标代码", "指标", "单位", "全市2023年", "全市2024年"] and "甲校2024年" in header
    row = next(r for r in ws.iter_rows(min_row=3, values_only=True) if r[0] == "graduates")
    assert row[4] == 436 + 165 + 19


def test_rollup_from_city_datasets_uses_the_same_rules(city: Path, tmp_path: Path) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir(), two.mkdir()
    for name in ("甲.xlsx", "乙.xlsx"):
        shutil.copy(city / name, one / name)
    shutil.copy(city / "丙.xlsx", two / "丙.xlsx")
    (one / "qreport.toml").write_text('[region]\nname = "某省一市"\nshort = "一市"\n', encoding="utf-8")
    (two / "qreport.toml").write_text('[region]\nname = "二市"\n', encoding="utf-8")
    for folder, region in ((one, "一市"), (two, "二市")):
        assert run("build", folder, "-o", tmp_path / f"{region}.docx", "--quiet")[0] == 0
    (tmp_path / "省.toml").write_text('[region]\nname = "某省"\ncode = "150000"\n', encoding="utf-8")
    code, out = run("build", "--from-datasets", tmp_path / "一市.json", tmp_path / "二市.json",
                    "--config", tmp_path / "省.toml", "-o", tmp_path / "省.docx", "--quiet")  # fmt: skip
    assert code == 0, out
    province = json.loads((tmp_path / "省.json").read_text(encoding="utf-8"))
    direct = to_json(build(city).dataset, CATALOG)
    for ind in ("graduates", "placed_in_province_rate", "sat_students", "monthly_income", "majors"):
        assert province["city"][ind]["current"] == pytest.approx(direct["city"][ind]["current"]), ind
    assert [(s["name"], s["short_name"]) for s in province["schools"]] == [
        ("某省一市", "一市"),
        ("二市", "二市"),
    ]
    # the province speaks of itself and its cities, and counts the schools of both
    assert province["school_count"] == 3
    assert province["wording"] == {"short": "某省", "whole": "全省", "member": "市"}
    assert province["indicators"]["placed_in_province_rate"]["rule"].startswith("用全省合计重新计算")
    report = dump_docx(tmp_path / "省.docx")
    assert "目前，全省共有中等职业学校3所" in report and "全市" not in report
    assert "各市教职工、招生、在校生、毕业生规模一览表\n" in report
    assert "| 市 | 教职工数" in report  # the corner of a table with one row per city


def test_rollup_names_lower_findings_by_region_and_counts_datasets(city: Path, tmp_path: Path) -> None:
    """Two cities may both send 乙.xlsx: a province listing says which city each finding came from."""
    for region in ("一市", "二市"):
        folder = tmp_path / region
        folder.mkdir()
        shutil.copy(city / "乙.xlsx", folder / "乙.xlsx")
        with builders.edit(folder / "乙.xlsx") as wb:
            builders.set_value(wb, "course_hours", "current", "9,020")  # a warning, kept in the dataset
        (folder / "qreport.toml").write_text(f'[region]\nname = "{region}"\n', encoding="utf-8")
        assert run("build", folder, "-o", tmp_path / f"{region}.docx", "--quiet")[0] == 0
    code, out = run("build", "--from-datasets", tmp_path / "一市.json", tmp_path / "二市.json",
                    "-o", tmp_path / "省.docx")  # fmt: skip
    assert code == 0, out
    findings = json.loads((tmp_path / "省.json").read_text(encoding="utf-8"))["findings"]
    for region in ("一市", "二市"):
        per_city = sum(f["file"] == f"{region}/乙.xlsx" for f in findings)
        assert f"\n{region}/乙.xlsx  （错误 0 个，警告 {per_city} 个）\n" in out
    assert f"共汇总 2 个下级数据集，其中记录的问题：错误 0 个，警告 {len(findings)} 个" in out
    assert any(f["code"] == "number_as_text" for f in findings)
    # the cities' and the province's unfilled cover details (their qreport.toml) are named too
    assert {f["file"] for f in findings} == {
        "一市/乙.xlsx",
        "二市/乙.xlsx",
        "一市/qreport.toml",
        "二市/qreport.toml",
        "qreport.toml",
    }


def test_dataset_file_is_streamed_with_the_same_bytes_as_dumps(city: Path, tmp_path: Path) -> None:
    from qreport.compile.dataset import write_dataset

    ds = build(city).dataset
    write_dataset(ds, CATALOG, tmp_path / "d.json")
    assert (tmp_path / "d.json").read_text(encoding="utf-8") == dumps(ds, CATALOG)
    assert json.loads(dumps(ds, CATALOG))["findings"] == [f.model_dump() for f in ds.findings]


def test_an_unreadable_workbook_is_reported_and_the_others_still_checked(city: Path, tmp_path: Path) -> None:
    (city / "坏文件.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    (city / "旧格式.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    result = build(city)
    codes = {f.file: f.code for f in result.findings if f.severity == "error"}
    assert codes == {"坏文件.xlsx": "not_xlsx"}  # an old .xls is a notice: no school expects it here
    assert [(s.file, s.legacy) for s in result.skipped] == [("旧格式.xls", True)]
    assert len(result.dataset.schools) == 3
    code, out = run("build", city, "-o", tmp_path / "r.docx", "--quiet")
    assert code == 1 and "另存为" in out and not (tmp_path / "r.docx").exists()


def _ctrl_c_when(
    folder: Path, out: Path, ready: Callable[[int], bool], *args: str
) -> subprocess.CompletedProcess[str]:
    """Run `qreport build` in its own process group and press Ctrl-C (SIGINT to the whole group, as
    a terminal does) as soon as `ready(pid)` says the build has got that far."""
    qreport = Path(sys.executable).parent / "qreport"
    cmd = [str(qreport), "build", str(folder), "-o", str(out / "r.docx"), *args]
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    deadline = time.monotonic() + 120
    while proc.poll() is None and not ready(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.002)
    assert proc.poll() is None, "the build ended before Ctrl-C could be pressed"
    os.killpg(proc.pid, signal.SIGINT)
    try:
        stdout, stderr = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        pytest.fail("qreport build did not stop within 60 s of Ctrl-C")
    return subprocess.CompletedProcess(cmd, proc.returncode, stdout, stderr)


def _has_workers(pid: int) -> bool:
    children = Path(f"/proc/{pid}/task/{pid}/children")
    return children.exists() and len(children.read_text().split()) >= 2


@pytest.mark.skipif(not hasattr(os, "killpg"), reason="process groups")
def test_ctrl_c_while_the_report_is_written_leaves_no_output_at_all(city: Path, tmp_path: Path) -> None:
    """By the time the report is being written the dataset and tables are complete: they are still
    not put in place, so an interrupted build leaves nothing, as it says."""
    out = tmp_path / "out"
    out.mkdir()
    # the report writer stages its file in a temporary folder inside the build's own one
    writing = lambda _pid: any(out.glob(".qreport-tmp-*/.qreport-tmp-*"))  # noqa: E731
    done = _ctrl_c_when(city, out, writing, "--tables", str(out / "t.xlsx"))
    assert done.returncode == 130, done.stderr
    assert "已中断，未写出任何文件。" in done.stderr and "Traceback" not in done.stderr
    assert sorted(p.name for p in out.iterdir()) == []


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux /proc to see the workers")
def test_ctrl_c_while_workbooks_are_read_stops_the_workers(city: Path, tmp_path: Path) -> None:
    many = tmp_path / "many"
    many.mkdir()
    for k in range(200):
        shutil.copy(city / "甲.xlsx", many / f"{k:03d}.xlsx")
    out = tmp_path / "out"
    out.mkdir()
    done = _ctrl_c_when(many, out, _has_workers, "--workers", "2")
    assert done.returncode == 130, done.stderr
    assert "已中断" in done.stderr and "Traceback" not in done.stderr
    assert list(out.iterdir()) == []


@pytest.mark.parametrize(
    ("output", "message"),
    [
        ("没有的文件夹/r.docx", "文件夹 没有的文件夹 不存在。请先建立该文件夹，或换一个输出位置。"),
        ("已有文件夹", "同名的文件夹已存在。请换一个文件名。"),
    ],
)
def test_an_output_that_cannot_be_written_is_a_chinese_error_and_nothing_is_left(
    city: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, output: str, message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "已有文件夹").mkdir()
    before = sorted(p.name for p in tmp_path.iterdir())
    code, out = run("build", city, "-o", output, "--dataset", "d.json", "--quiet")
    assert code == 2 and message in out and "内部错误" not in out
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # not even the dataset
