"""What a school workbook holds once read, and what a build produces. Plain data, no I/O."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import PurePath

from pydantic import BaseModel, ConfigDict, Field, SkipValidation

from qreport.findings import Finding


class YearValue:
    """An indicator's previous- and current-year value. A plain slotted class, not a model: a
    national build holds about a million of them, and a pydantic instance is several times larger."""

    __slots__ = ("previous", "current")

    def __init__(self, previous: float | None = None, current: float | None = None) -> None:
        self.previous = previous
        self.current = current

    def get(self, which: str) -> float | None:
        return self.previous if which == "previous" else self.current

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, YearValue):
            return NotImplemented
        return self.previous == other.previous and self.current == other.current

    __hash__ = None  # type: ignore[assignment]  # mutable

    def __repr__(self) -> str:
        return f"YearValue(previous={self.previous!r}, current={self.current!r})"


CLOSED = "停办"  # 调整情况 of a major no longer taught (one of qreport.workbook.layout.ADJUST_CHOICES)


# Rows of the list sheets: slotted dataclasses, not models (a national build holds about 100,000).
@dataclass(slots=True)
class MajorRow:
    code: str
    name: str = ""
    year_set: int | None = None
    previous_classes: float | None = None
    new_classes: float | None = None
    students: float | None = None
    adjustment: str = ""
    row: int = 0

    @property
    def open_previous(self) -> bool:
        """Taught in the previous year: it had classes then."""
        return bool(self.previous_classes)

    @property
    def open_current(self) -> bool:
        """Taught this year: not closed, and has students or newly enrolled classes."""
        return self.adjustment != CLOSED and bool(self.students or self.new_classes)


@dataclass(slots=True)
class TextBlock:
    section: str
    content: str
    row: int = 0
    image: str | None = None  # file name typed in 图片, or None
    caption: str | None = None  # 图片说明
    image_path: str | None = None  # resolved picture file (typed name, or a picture pasted on the row)

    def picture_caption(self, label: str) -> str:
        """The 图题 of its picture: 图片说明, else the school's short name and the file's name."""
        if self.caption and self.caption.strip():
            return self.caption.strip()
        stem = PurePath(self.image).stem if self.image else ""
        if not stem:
            return f"{label}图片"
        return stem if stem.startswith(label) else f"{label}{stem}"


@dataclass(slots=True)
class Case:
    chapter: int
    title: str
    body: str = ""
    image: str | None = None  # file name typed in 图片, or None
    caption: str | None = None
    row: int = 0
    image_path: str | None = None  # resolved picture file (typed name, or a picture pasted on the row)


@dataclass(slots=True)
class School:
    """One school's workbook as read: typed inputs (after a build, inputs and derived values).

    A plain dataclass, not a model: it is made by the reader and the roll-up, never parsed from
    text, and `validate` should not pay for building a schema it never uses."""

    file: str  # as shown to the user (relative to the build folder)
    path: str = ""  # where it was read from
    name: str = ""
    short_name: str = ""
    code: str = ""
    region: str = ""
    year: str = ""
    info: dict[str, str] = field(default_factory=dict)
    # a dict while a worker reads and checks the workbook; packed (qreport.workbook.packed) once it is done
    values: Mapping[str, YearValue] = field(default_factory=dict)
    samples: dict[str, int | None] = field(default_factory=dict)
    na: dict[str, set[str]] = field(default_factory=dict)  # "previous"/"current" -> ids typed as `-` or `/`
    cells: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # id -> {"previous": "人才培养!E5"}
    # id -> the 备注 typed on its row (current year; catalog `remark = true` rows only), whitespace
    # folded; a roll-up's unit holds its schools' remarks, each after the school's short name
    remarks: dict[str, str] = field(default_factory=dict)
    majors: list[MajorRow] = field(default_factory=list)
    # list sheet -> {header text: column number} as found in this workbook (columns may be inserted)
    columns: dict[str, dict[str, int]] = field(default_factory=dict)
    texts: list[TextBlock] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    # pictures pasted on the 文字材料 and 典型案例 sheets: sheet -> row -> (file name, bytes);
    # not part of any output
    pictures: dict[str, dict[int, tuple[str, bytes]]] = field(default_factory=dict, repr=False)

    @property
    def label(self) -> str:
        return self.short_name or self.name or self.file


@dataclass(frozen=True, slots=True)
class StoredSchool:
    """One entry of a dataset's `schools`: a school, or in a roll-up's dataset a lower region."""

    name: str
    short_name: str
    file: str
    code: str
    values: Mapping[str, YearValue]  # packed: a national dataset holds 7,000 of these
    samples: Mapping[str, int | None]
    majors: Mapping[str, frozenset[str] | None]  # "previous"/"current" -> distinct 专业代码 taught
    remarks: Mapping[str, str] = field(default_factory=dict)  # id -> 备注 (optional in the file)


@dataclass(frozen=True)
class StoredDataset:
    """A dataset file as read back, checked: what `--previous`, `--from-datasets` and
    `template --previous` use. Written by `write_dataset`; read only by `read_dataset`."""

    path: str  # as the user named it, for messages
    year: int
    region_name: str
    region_code: str
    short: str  # what the region's report calls it in sentences (巴彦淖尔市)
    whole: str  # the region as a whole (全市, 全盟); "" when neither the file nor the name says
    school_count: int  # schools behind the dataset (for a roll-up: summed over its lower datasets)
    draft: bool
    schools: tuple[StoredSchool, ...]
    city: Mapping[str, YearValue]
    city_samples: Mapping[str, int | None]
    city_majors: Mapping[str, frozenset[str] | None]
    provenance: Mapping[str, Mapping[str, Provenance]]  # id -> "previous"/"current" -> coverage
    findings: tuple[Finding, ...]


class Provenance(BaseModel):
    """How one city value was made: the rule (口径) and which schools contributed."""

    model_config = ConfigDict(defer_build=True)  # built on first use: `validate` never makes one

    rule: str
    schools: list[str] = Field(default_factory=list)  # contributing units (school or lower region names)
    missing: list[str] = Field(default_factory=list)  # schools the value leaves out (a roll-up: 盟市/学校)
    count: int | None = None  # schools the value covers (a roll-up counts through its lower datasets)
    parts: dict[str, float] = Field(
        default_factory=dict
    )  # a ratio's like-for-like operand sums, a mean's weight
    note: str = ""  # why the value is absent, when it is

    @property
    def covered(self) -> int:
        return len(self.schools) if self.count is None else self.count

    def partial(self, value: float | None) -> bool:
        """A value that leaves some school out: marked `*` wherever it prints (contract)."""
        return value is not None and bool(self.missing)


class Region(BaseModel):
    """The compiled region, and the words its report uses (qreport.catalog.regions)."""

    model_config = ConfigDict(defer_build=True)
    name: str = ""
    code: str = ""
    short: str = ""  # the name in sentences and in the tables of a roll-up (巴彦淖尔市)
    whole: str = "全市"  # the region as a whole: 全市, 全区, 全省
    member: str = "学校"  # what `schools` holds: 学校, or for a roll-up the lower units (盟市, 旗县)
    school_count: int = 0  # schools in the region: for a roll-up, the sum over its lower datasets


class Dataset(BaseModel):
    """The result of a build: every indicator for every school and the city, both years, unrounded.

    `school_values[name]` holds inputs and derived values of that school; `city[id]` the city value by
    the catalog's city rule; `provenance[id]["current"|"previous"]` how each city value was made.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True, defer_build=True)  # YearValue; built on first use

    year: int
    region: Region = Field(default_factory=Region)
    # made by the build, not parsed: validating would copy every packed mapping into a dict
    schools: SkipValidation[list[School]] = Field(default_factory=list)
    school_values: SkipValidation[dict[str, Mapping[str, YearValue]]] = Field(default_factory=dict)
    city: dict[str, YearValue] = Field(default_factory=dict)
    provenance: dict[str, dict[str, Provenance]] = Field(default_factory=dict)
    city_majors: dict[str, list[str] | None] = Field(default_factory=dict)  # "previous"/"current" -> codes
    city_samples: dict[str, int | None] = Field(default_factory=dict)  # survey id -> total respondents
    findings: list[Finding] = Field(default_factory=list)
    draft: bool = False

    def value(self, indicator: str, which: str = "current", school: str | None = None) -> float | None:
        source = self.city if school is None else self.school_values.get(school, {})
        yv = source.get(indicator)
        return None if yv is None else yv.get(which)
