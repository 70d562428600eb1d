"""How a report names its region as a whole (全市, 全区) and the units it lists (学校, 盟市).

A city report built from school workbooks speaks of 全市 and 各职业学校; an autonomous region's report
built from city datasets speaks of 全区 and 各盟市; a city built from its 旗县 lists 各旗县. The words
follow the region's name and the lower datasets' own words unless qreport.toml says otherwise.
"""

from __future__ import annotations

from collections.abc import Iterable

SCHOOL = "学校"

# name suffix -> the word for the whole region; longer suffixes first
_WHOLE_BY_SUFFIX = (
    ("特别行政区", "全区"),
    ("自治区", "全区"),
    ("自治州", "全州"),
    ("自治县", "全县"),
    ("自治旗", "全旗"),
    ("地区", "全地区"),
    ("省", "全省"),
    ("市", "全市"),
    ("盟", "全盟"),
    ("州", "全州"),
    ("旗", "全旗"),
    ("县", "全县"),
    ("区", "全区"),
)
# the kinds of lower units, in the order Chinese names them together: 省区市, 盟市, 旗县区
_ORDER_WITH_PROVINCES = "省区市"
_ORDER = "盟市州地旗县区"
# what a level above such units is usually called, when its name does not say
_ABOVE = {"省": "全国", "区": "全国", "盟": "全区", "市": "全省", "州": "全省", "地": "全省", "旗": "全市",
          "县": "全市"}  # fmt: skip


_ABOVE_CITY = ("特别行政区", "自治区", "省")


def short_of(name: str) -> str:
    """The name used in sentences: 巴彦淖尔市 for 内蒙古自治区巴彦淖尔市 (the province dropped)."""
    for suffix in _ABOVE_CITY:
        head, found, rest = name.partition(suffix)
        if found and rest and len(head) >= 2:
            return rest
    return name


def whole_of(name: str, fallback: str = "全市") -> str:
    """全市 for 巴彦淖尔市, 全区 for 内蒙古自治区, 全旗 for 杭锦后旗; `fallback` when the name says nothing."""
    for suffix, word in _WHOLE_BY_SUFFIX:
        if name.endswith(suffix):
            return word
    return fallback


def _kinds(wholes: Iterable[str]) -> list[str]:
    """The unit kinds behind lower-level words: 全市 -> 市, 全地区 -> 地."""
    kinds = {w.removeprefix("全")[:1] for w in wholes if w.startswith("全") and len(w) > 1}
    order = _ORDER_WITH_PROVINCES if "省" in kinds else _ORDER
    return sorted(kinds & set(order), key=order.index)


def member_of(wholes: Iterable[str]) -> str:
    """The lower units named together: 全市 and 全盟 make 盟市, 全旗 and 全县 make 旗县; else 地区."""
    return "".join(k for k in _kinds(wholes) if k != "地") or "地区"


def whole_above(wholes: Iterable[str]) -> str:
    """The usual word for the level above the given units (全省 above cities), when no name says it."""
    kinds = _kinds(wholes)
    return _ABOVE.get(kinds[0], "全省") if kinds else "全省"


def members(member: str) -> str:
    """The listed units in a title or sentence: 各职业学校, or 各盟市."""
    return "各职业学校" if member == SCHOOL else f"各{member}"


def counted(n: int, member: str) -> str:
    """7 所学校, or 12 个盟市."""
    return f"{n} 所学校" if member == SCHOOL else f"{n} 个{member}"
