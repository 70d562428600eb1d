"""The dataset file as a contract: what `build --dataset` writes, `--previous`, `--from-datasets` and
`template --previous` read back through one checked reader; a broken or hostile file is a Chinese
message naming the file and the field, never a traceback or a silently wrong report."""

from __future__ import annotations

import io
import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from qreport.catalog.indicators import load_catalog
from qreport.cli.app import app
from qreport.compile import jsonstream
from qreport.compile.build import build
from qreport.compile.dataset import dumps, parse_dataset, read_dataset
from qreport.errors import InputError

import builders

CATALOG = load_catalog(2024)
runner = CliRunner()
SCHOOL = "甲职业学校"
FIRST = "乙职业学校"  # schools[0]: the dataset lists schools by name


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Path:
    builders.use_cache_dir(tmp_path_factory.mktemp("builders"))
    folder = tmp_path_factory.mktemp("city")
    builders.good_school(
        folder, "甲.xlsx", info={"学校名称": SCHOOL, "学校简称": "甲校", "学校标识码": "4115000001"}
    )
    builders.good_school(
        folder, "乙.xlsx", info={"学校名称": FIRST, "学校简称": "乙校", "学校标识码": "4115000002"}
    )
    return folder


@pytest.fixture(scope="module")
def written(city: Path) -> str:
    """The dataset file of the city, as `build --dataset` writes it (with one finding in it)."""
    result = build(city)
    data = json.loads(dumps(result.dataset, CATALOG))
    data["findings"].append(
        {"file": "甲.xlsx", "sheet": "计分卡", "cell": "E5", "indicator": "graduates",
         "severity": "warning", "code": "number_as_text", "message": "数字以文本形式填写。"}
    )  # fmt: skip
    return json.dumps(data, ensure_ascii=False)


def run(*args: str | Path) -> tuple[int, str]:
    result = runner.invoke(app, [str(a) for a in args])
    return result.exit_code, result.output


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    """A mutation setting the value at a dotted path (list indices as numbers)."""

    def mutate(data: dict[str, Any]) -> None:
        *parents, last = [int(p) if p.isdigit() else p for p in path.split(".")]
        node: Any = data
        for p in parents:
            node = node[p]
        if value is _DELETE:
            del node[last]
        else:
            node[last] = value

    return mutate


_DELETE = object()

# (mutation, text the message must contain: the field, and what is wrong)
HOSTILE = {
    "region-a-string": (_set("region", "巴彦淖尔市"), "字段 region 应为对象"),
    "city-a-list": (_set("city", [1, 2]), "字段 city 应为对象"),
    "city-missing": (_set("city", _DELETE), "字段 city 缺失"),
    "city-majors-a-number": (_set("city_majors.previous", 5), "字段 city_majors.previous 应为专业代码的列表"),
    "bad-severity": (_set("findings.0.severity", "fatal"), "字段 findings[0].severity 应为"),
    "finding-without-message": (_set("findings.0.message", _DELETE), "字段 findings[0].message 应为文本"),
    "400-digits": (_set("city.graduates.current", 10**400), "字段 city.graduates.current 数值过大"),
    "nan": (_set("city.graduates.current", math.nan), "字段 city.graduates.current 不是有限的数"),
    "infinity": (
        _set("schools.0.values.graduates.previous", math.inf),
        f"字段 schools[0]（{FIRST}）.values.graduates.previous 不是有限的数",
    ),
    "value-as-text": (
        _set("schools.0.values.graduates.current", "320"),
        f"字段 schools[0]（{FIRST}）.values.graduates.current 应为数字或 null",
    ),
    "value-a-bool": (_set("city.graduates.previous", True), "字段 city.graduates.previous 应为数字或 null"),
    "negative-school-count": (_set("school_count", -100), "字段 school_count 应为非负整数"),
    "huge-school-count": (_set("school_count", 10**7), "字段 school_count 为 10000000，超出合理范围"),
    "negative-sample": (_set("city_samples.sat_students", -5), "字段 city_samples.sat_students 应为非负整数"),
    "year-as-text": (_set("year", "2024年"), "字段 year 应为年度"),
    "schools-an-object": (_set("schools", {"甲": 1}), "字段 schools 应为列表"),
    "school-a-string": (_set("schools.0", "甲"), "字段 schools[0] 应为对象"),
    "school-name-a-number": (_set("schools.0.name", 5), "字段 schools[0].name 应为文本"),
    "draft-as-text": (_set("draft", "yes"), "字段 draft 应为 true 或 false"),
    "other-format": (_set("format", "qreport-dataset/9"), "字段 format 为"),
    "control-character-in-value": (
        _set("city.graduates.current", "1\x1b[31m"),
        r'应为数字或 null（现为 "1\u001b[31m"）',
    ),
}


def _hostile_file(written: str, tmp_path: Path, case: str, year: int) -> Path:
    data = json.loads(written)
    data["year"] = year
    mutate, _needle = HOSTILE[case]
    mutate(data)
    path = tmp_path / f"{case}.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")  # NaN, Infinity as JSON5 does
    return path


def _refused(code: int, out: str, path: Path, needle: str) -> None:
    assert code == 2, out
    assert f"数据集文件 {path}" in out.replace("\n", "") and needle in out.replace("\n", ""), out
    assert "Traceback" not in out and "内部错误" not in out


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_lower_dataset_is_refused_naming_the_field(written: str, tmp_path: Path, case: str) -> None:
    bad = _hostile_file(written, tmp_path, case, 2024)
    code, out = run("build", "--from-datasets", bad, "-o", tmp_path / "省.docx", "--quiet")
    _refused(code, out, bad, HOSTILE[case][1])
    assert list(tmp_path.iterdir()) == [bad]


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_previous_dataset_is_refused_naming_the_field(
    written: str, city: Path, tmp_path: Path, case: str
) -> None:
    bad = _hostile_file(written, tmp_path, case, 2023)
    code, out = run("build", city, "--previous", bad, "-o", tmp_path / "r.docx", "--quiet")
    _refused(code, out, bad, HOSTILE[case][1])
    code, out = run("template", tmp_path / "t.xlsx", "--previous", bad, "--school", SCHOOL)
    _refused(code, out, bad, HOSTILE[case][1])
    assert list(tmp_path.iterdir()) == [bad]


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("", "文件是空的"),
        (" \n ", "文件是空的"),
        ('{"year": 2024,\n "schools": [\n  {"name": "甲"}', "第 3 行不是有效的 JSON"),
        ('{"year": 2024, "city": {}, "schools": []} trailing', "第 1 行不是有效的 JSON"),
        ("[1, 2]", "应为 JSON 对象"),
        (
            '{"year": 2024, "city": {"x": {"current": 1' + "0" * 5000 + "}}, " + '"schools": []}',
            "无法读取的数值",
        ),
        ("\ufeff\ufeff{}", "第 1 行不是有效的 JSON"),
    ],
    ids=["empty", "blank", "cut-short", "trailing-text", "an-array", "5000-digits", "two-boms"],
)
def test_file_that_is_not_a_dataset_is_refused(tmp_path: Path, text: str, needle: str) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(text, encoding="utf-8")
    code, out = run("build", "--from-datasets", bad, "-o", tmp_path / "省.docx", "--quiet")
    _refused(code, out, bad, needle)


def test_binary_file_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_bytes(b"\xff\xfe{\x00}\x00")
    with pytest.raises(InputError, match="不是 UTF-8 编码"):
        read_dataset(bad)


def test_dataset_of_an_unknown_year_is_refused_for_a_rollup(written: str, tmp_path: Path) -> None:
    data = json.loads(written)
    data["year"] = 2031
    path = tmp_path / "2031.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    code, out = run("build", "--from-datasets", path, "-o", tmp_path / "省.docx", "--quiet")
    assert code == 2 and "下级数据集是 2031 年的，本程序没有该年度的指标目录" in out


def test_previous_of_another_year_is_refused_before_any_workbook_is_read(
    written: str, tmp_path: Path
) -> None:
    path = tmp_path / "2024.json"
    path.write_text(written, encoding="utf-8")
    with pytest.raises(InputError, match="是 2024 年的，本次需要 2023 年的数据集"):
        read_dataset(path, year=2023)


# -- what is read is what was written ---------------------------------------------------------------


def test_written_dataset_reads_back_with_every_value(city: Path, tmp_path: Path) -> None:
    result = build(city)
    path = tmp_path / "d.json"
    path.write_text(dumps(result.dataset, CATALOG), encoding="utf-8")
    stored = read_dataset(path, year=2024)
    ds = result.dataset
    assert stored.year == ds.year and stored.region_name == ds.region.name and not stored.draft
    assert stored.school_count == ds.region.school_count == 2
    assert dict(stored.city) == {i.id: ds.city[i.id] for i in CATALOG.indicators}
    assert [s.name for s in stored.schools] == [s.name for s in ds.schools]
    for school, written in zip(stored.schools, ds.schools, strict=True):
        assert dict(school.values) == {i.id: ds.school_values[written.name][i.id] for i in CATALOG.indicators}
        assert (school.short_name, school.file, school.code) == (
            written.short_name,
            written.file,
            written.code,
        )
        assert dict(school.samples) == written.samples
    assert dict(stored.city_samples) == ds.city_samples
    assert {w: None if c is None else sorted(c) for w, c in stored.city_majors.items()} == ds.city_majors
    assert list(stored.findings) == ds.findings


def test_bom_and_pretty_printing_read_the_same(written: str, tmp_path: Path) -> None:
    """Opened and saved in Notepad (a BOM) or re-indented by an editor, the dataset is still the same."""
    plain, bom, pretty = tmp_path / "plain.json", tmp_path / "bom.json", tmp_path / "pretty.json"
    plain.write_text(written, encoding="utf-8")
    bom.write_text(written, encoding="utf-8-sig")
    pretty.write_text(json.dumps(json.loads(written), ensure_ascii=False, indent=4), encoding="utf-8")
    assert bom.read_bytes().startswith(b"\xef\xbb\xbf")
    expected = read_dataset(plain)
    for path in (bom, pretty):
        assert {k: v for k, v in vars_of(read_dataset(path)).items() if k != "path"} == {
            k: v for k, v in vars_of(expected).items() if k != "path"
        }
    assert parse_dataset(json.loads(written)).schools == expected.schools
    code, out = run("build", "--from-datasets", bom, "-o", tmp_path / "省.docx", "--quiet")
    assert code == 0, out


def vars_of(stored: Any) -> dict[str, Any]:
    out = {}
    for k in stored.__dataclass_fields__:
        v = getattr(stored, k)
        out[k] = (
            [(s.name, dict(s.values), dict(s.samples), dict(s.majors)) for s in v] if k == "schools" else v
        )
        if k == "city":
            out[k] = dict(v)
    return out


# -- the streaming JSON reader ----------------------------------------------------------------------

_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None)
@given(
    document=st.dictionaries(st.sampled_from(["a", "schools", "b", "findings", "ü"]), _json, max_size=5),
    indent=st.sampled_from([None, 0, 1, 3]),
    chunk=st.integers(1, 9),
)
def test_members_stream_as_json_loads_decodes(
    document: dict[str, Any], indent: int | None, chunk: int
) -> None:
    """Any JSON object, however laid out and however the reads cut it, gives what json.loads gives."""
    text = json.dumps(document, indent=indent, ensure_ascii=False)
    old, jsonstream.CHUNK = jsonstream.CHUNK, chunk
    try:
        members = {
            k: list(v) if not isinstance(v, list | dict | str | int | float | bool | type(None)) else v
            for k, v in jsonstream.object_members(io.StringIO(text), frozenset({"schools", "findings"}))
        }
    finally:
        jsonstream.CHUNK = old
    assert members == json.loads(text)
