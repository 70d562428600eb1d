"""Where a finding about an indicator points, and how it names the indicator and the year column:
shared by every rule module."""

from __future__ import annotations

from qreport.catalog.indicators import Catalog, Indicator
from qreport.model import School


def name_of(catalog: Catalog, ind: Indicator) -> str:
    """The indicator's name as it stands alone in a message (国家级数量 with its row group)."""
    return catalog.qualified_names[ind.id]


def where(school: School, ind: Indicator, which: str) -> dict[str, str | None]:
    """The sheet and cell the reader found the value of `which` year in (the sheet alone if none)."""
    ref = school.cells.get(ind.id, {}).get(which)
    if ref is None:
        return {"sheet": ind.sheet, "cell": None, "indicator": ind.id}
    sheet, _, cell = ref.rpartition("!")
    return {"sheet": sheet, "cell": cell, "indicator": ind.id}


def column_of(catalog: Catalog, which: str) -> str:
    """The year column's header: 2023年, 2024年."""
    return catalog.column_names()[0 if which == "previous" else 1]
