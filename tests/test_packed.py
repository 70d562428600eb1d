"""Packed per-school data: the same mapping as the dicts it replaces, across pickling too."""

from __future__ import annotations

import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qreport.model import YearValue
from qreport.workbook.packed import CellRefs, Stacked, Values, value_of

finite = st.one_of(st.none(), st.floats(allow_nan=False))
ids = st.lists(st.from_regex(r"[a-z_]{1,12}", fullmatch=True), unique=True, max_size=30)


@given(
    ids.flatmap(
        lambda keys: st.tuples(
            st.just(keys), st.lists(st.tuples(finite, finite), min_size=len(keys), max_size=len(keys))
        )
    )
)
def test_values_equal_the_dict_they_pack(
    case: tuple[list[str], list[tuple[float | None, float | None]]],
) -> None:
    keys, pairs = case
    plain = {k: YearValue(p, c) for k, (p, c) in zip(keys, pairs, strict=True)}
    packed = Values(plain)
    assert dict(packed) == plain
    assert list(packed) == keys  # catalog order kept
    again = pickle.loads(pickle.dumps(packed))
    assert dict(again) == plain
    assert all(k in again for k in keys) and "not_an_id" not in again


def test_values_share_one_key_index_between_schools() -> None:
    a = Values({"x": YearValue(1.0, None), "y": YearValue(None, 2.5)})
    b = pickle.loads(pickle.dumps(Values({"x": YearValue(3.0, 4.0), "y": YearValue()})))
    assert a._index is b._index
    assert b["y"] == YearValue() and a["y"].current == 2.5


def test_values_items_are_copies() -> None:
    packed = Values({"x": YearValue(1.0, 2.0)})
    packed["x"].current = 99.0
    assert packed["x"].current == 2.0
    with pytest.raises(KeyError):
        packed["missing"]


def test_cell_refs_say_where_each_value_was_read() -> None:
    refs = CellRefs(["graduates", "satisfaction_students", "wide", "no_cells"])
    refs.put("graduates", "previous", "人才培养", 12, 4)
    refs.put("graduates", "current", "人才培养", 12, 5)
    refs.put("satisfaction_students", "current", "满意度", 5, 4)
    refs.put("satisfaction_students", "sample", "满意度", 5, 5)
    refs.put("wide", "current", "补充指标", 70000, 28)
    expected = {
        "graduates": {"previous": "人才培养!D12", "current": "人才培养!E12"},
        "satisfaction_students": {"current": "满意度!D5", "sample": "满意度!E5"},
        "wide": {"current": "补充指标!AB70000"},
        "no_cells": {},
    }
    assert dict(refs) == expected
    assert dict(pickle.loads(pickle.dumps(refs))) == expected
    assert refs.get("graduates", {}).get("previous") == "人才培养!D12"
    assert "no_cells" in refs and "unknown" not in refs and refs.get("unknown") is None


def test_value_of_reads_packed_and_plain_mappings_alike() -> None:
    plain = {"x": YearValue(1.0, None)}
    for values in (plain, Values(plain)):
        assert value_of(values, "x", "previous") == 1.0
        assert value_of(values, "x", "current") is None
        assert value_of(values, "y", "current") is None


@given(st.lists(st.lists(st.tuples(finite, finite), min_size=3, max_size=3), max_size=6))
def test_stacked_columns_equal_reading_each_school(
    rows: list[list[tuple[float | None, float | None]]],
) -> None:
    keys = ("a", "b", "c")
    schools = [Values({k: YearValue(p, c) for k, (p, c) in zip(keys, row, strict=True)}) for row in rows]
    stacked = Stacked.of(schools)
    assert (stacked is None) == (not schools)
    for key in (*keys, "not_an_id"):
        for which in ("previous", "current"):
            if stacked is not None:
                assert stacked.column(key, which) == [value_of(v, key, which) for v in schools]


def test_stacked_needs_every_school_packed_alike() -> None:
    a = Values({"x": YearValue(1.0, 2.0)})
    assert Stacked.of([a, {"x": YearValue(1.0, 2.0)}]) is None  # a plain mapping: read one by one
    assert Stacked.of([a, Values({"y": YearValue(1.0, 2.0)})]) is None  # other keys
