"""What a report calls its region and the units it lists, from names and lower-level words."""

from __future__ import annotations

import pytest

from qreport.catalog.regions import counted, member_of, members, whole_above, whole_of


@pytest.mark.parametrize(
    ("name", "whole"),
    [
        ("内蒙古自治区巴彦淖尔市", "全市"),
        ("巴彦淖尔市", "全市"),
        ("内蒙古自治区", "全区"),
        ("河北省", "全省"),
        ("阿拉善盟", "全盟"),
        ("杭锦后旗", "全旗"),
        ("五原县", "全县"),
        ("临河区", "全区"),
        ("延边朝鲜族自治州", "全州"),
        ("香港特别行政区", "全区"),
        ("北京市", "全市"),
        ("", "全市"),
        ("某地", "全市"),
    ],
)
def test_whole_follows_the_name(name: str, whole: str) -> None:
    assert whole_of(name) == whole


@pytest.mark.parametrize(
    ("wholes", "member", "above"),
    [
        (["全市", "全盟", "全市"], "盟市", "全区"),  # Inner Mongolia's 12 盟市
        (["全市", "全州"], "市州", "全省"),
        (["全旗", "全县", "全区"], "旗县区", "全市"),  # a city from its 旗县区
        (["全省", "全区", "全市"], "省区市", "全国"),  # the country from its provinces
        (["全市"], "市", "全省"),
        ([], "地区", "全省"),
        (["", "全地区"], "地区", "全省"),
    ],
)
def test_lower_units_are_named_together(wholes: list[str], member: str, above: str) -> None:
    assert member_of(wholes) == member
    assert whole_above(wholes) == above


def test_members_in_titles() -> None:
    assert members("学校") == "各职业学校"
    assert members("盟市") == "各盟市"


def test_counted() -> None:
    assert counted(7, "学校") == "7 所学校"
    assert counted(12, "盟市") == "12 个盟市"
