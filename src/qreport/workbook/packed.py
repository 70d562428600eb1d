"""Per-indicator data of one school packed into arrays, for builds of thousands of schools.

A worker reads a workbook into plain dicts (easy to check and to mutate), then packs them before the
school crosses to the parent process: a national build holds 7,000 schools, and as dicts of small
objects a school's values and cell references took about 90 KB; packed they take about 5 KB and
pickle as a few byte strings. Both classes are read-only Mappings with the dicts' interface, so code
reading a school does not care which form it gets.

Every school of one build has the same indicator ids in the same order (the catalog's), so the key
tuple and its index are interned and shared rather than stored per school.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TypeVar, cast

from qreport.model import YearValue
from qreport.workbook.xlsx import cell_ref

T = TypeVar("T")

_KEYS: dict[tuple[str, ...], tuple[tuple[str, ...], dict[str, int]]] = {}


def _interned(keys: tuple[str, ...]) -> tuple[tuple[str, ...], dict[str, int]]:
    known = _KEYS.get(keys)
    if known is None:
        known = _KEYS[keys] = (keys, {k: i for i, k in enumerate(keys)})
    return known


class _Keyed(Mapping[str, T]):
    """The keys side of a packed mapping: the interned key tuple and its index."""

    __slots__ = ("_keys", "_index")

    _keys: tuple[str, ...]
    _index: dict[str, int]

    def __contains__(self, key: object) -> bool:
        return key in self._index

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)


def _none(x: float) -> float | None:
    return None if math.isnan(x) else x


class Values(_Keyed[YearValue]):
    """id -> YearValue, as one array of doubles (NaN: no value). Items are fresh copies: change a
    school's values by packing a new mapping, never by assigning to an item."""

    __slots__ = ("_data",)

    def __init__(self, values: Mapping[str, YearValue]) -> None:
        self._keys, self._index = _interned(tuple(values))
        nan = math.nan
        data = array("d")
        for yv in values.values():
            data.append(nan if yv.previous is None else yv.previous)
            data.append(nan if yv.current is None else yv.current)
        self._data = data

    def __getitem__(self, key: str) -> YearValue:
        i = 2 * self._index[key]
        return YearValue(_none(self._data[i]), _none(self._data[i + 1]))

    def value(self, key: str, which: str) -> float | None:
        """One year's value without making a YearValue (aggregation reads millions of them)."""
        i = self._index.get(key)
        if i is None:
            return None
        x = self._data[2 * i + (which == "current")]
        return None if x != x else x  # NaN

    def __reduce__(self) -> tuple[object, ...]:
        return (_values, (self._keys, self._data.tobytes()))

    def __repr__(self) -> str:
        return f"Values({dict(self)!r})"


class Stacked:
    """Many schools' packed values in one array, so that one indicator's values of one year across
    all of them (a column of a city figure) is one strided slice rather than a lookup per school."""

    __slots__ = ("_index", "_data", "_stride")

    def __init__(self, index: dict[str, int], data: array[float], stride: int) -> None:
        self._index, self._data, self._stride = index, data, stride

    @classmethod
    def of(cls, values: Sequence[Mapping[str, YearValue]]) -> Stacked | None:
        """None unless every mapping is packed with the same keys (as a build's schools are)."""
        if not values or any(type(v) is not Values for v in values):
            return None
        packed = cast(Sequence[Values], values)
        keys = packed[0]._keys
        if any(v._keys is not keys for v in packed):
            return None
        data = array("d", b"".join(v._data.tobytes() for v in packed))
        return cls(packed[0]._index, data, 2 * len(keys))

    def column(self, key: str, which: str) -> list[float | None]:
        """`[value_of(v, key, which) for v in values]`, as one slice."""
        i = self._index.get(key)
        if i is None:
            return [None] * (len(self._data) // self._stride)
        column = self._data[2 * i + (which == "current") :: self._stride].tolist()
        return [None if x != x else x for x in column]  # NaN: no value


def value_of(values: Mapping[str, YearValue], key: str, which: str) -> float | None:
    """values[key].previous or .current, None when absent: fast for packed values, any Mapping works."""
    if type(values) is Values:
        return values.value(key, which)
    yv = values.get(key)
    return None if yv is None else yv.get(which)


def _values(keys: tuple[str, ...], data: bytes) -> Values:
    out = array("d")
    out.frombytes(data)
    return packed_values(keys, out)


def packed_values(keys: tuple[str, ...], data: array[float]) -> Values:
    """Values from its parts: previous and current of each key in turn, NaN for no value."""
    if len(data) != 2 * len(keys):
        raise ValueError(f"{len(keys)} keys need {2 * len(keys)} numbers, not {len(data)}")
    out = Values.__new__(Values)
    out._keys, out._index = _interned(keys)
    out._data = data
    return out


_WHICH = {"previous": 0, "current": 1, "sample": 2}
_SLOTS = 3 * len(_WHICH)  # per indicator and year: sheet number (0: no cell), column, row


class CellRefs(_Keyed[dict[str, str]]):
    """id -> {"previous"|"current"|"sample": "人才培养!E5"}: where the reader found each value, as
    sheet numbers, columns and rows in one array of unsigned ints. Filled by `put` while reading."""

    __slots__ = ("_sheets", "_data")

    def __init__(self, keys: Iterable[str] = ()) -> None:
        self._keys, self._index = _interned(tuple(keys))
        self._sheets: list[str] = []
        self._data = array("I", bytes(4 * _SLOTS * len(self._keys)))

    def put(self, key: str, which: str, sheet: str, row: int, col: int) -> None:
        if sheet not in self._sheets:
            self._sheets.append(sheet)
        at, data = _SLOTS * self._index[key] + 3 * _WHICH[which], self._data
        data[at], data[at + 1], data[at + 2] = self._sheets.index(sheet) + 1, col, row

    def __getitem__(self, key: str) -> dict[str, str]:
        base = _SLOTS * self._index[key]
        out = {}
        for which, w in _WHICH.items():
            sheet, col, row = self._data[base + 3 * w : base + 3 * w + 3]
            if sheet:
                out[which] = f"{self._sheets[sheet - 1]}!{cell_ref(row, col)}"
        return out

    def __reduce__(self) -> tuple[object, ...]:
        return (_cell_refs, (self._keys, self._sheets, self._data.tobytes()))


def _cell_refs(keys: tuple[str, ...], sheets: list[str], data: bytes) -> CellRefs:
    out = CellRefs.__new__(CellRefs)
    out._keys, out._index = _interned(keys)
    out._sheets = sheets
    out._data = array("I")
    out._data.frombytes(data)
    return out
