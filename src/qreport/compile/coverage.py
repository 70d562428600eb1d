"""City figures that leave some school out: one build warning per group of figures of a year that
leave out the same schools (the report marks them: qreport.report.coverage)."""

from __future__ import annotations

from collections.abc import Sequence

from qreport.catalog.indicators import Catalog
from qreport.findings import Finding, finding
from qreport.model import Dataset

FIGURES_SHOWN = 6  # a message names this many figures of a group, then says how many there are
SCHOOLS_SHOWN = 10


def listed(names: Sequence[str], limit: int, unit: str) -> str:
    """Names joined with 、; past `limit`, the first ones and the count (甲、乙等12所学校)."""
    if len(names) <= limit:
        return "、".join(names)
    return "、".join(names[:limit]) + f"等{len(names)}{unit}"


def year_of(dataset: Dataset, which: str) -> int:
    return dataset.year - 1 if which == "previous" else dataset.year


def coverage_findings(dataset: Dataset, catalog: Catalog) -> list[Finding]:
    """One warning per group of city figures (and year) that leave out the same schools."""
    groups: dict[tuple[str, tuple[str, ...]], list[str]] = {}
    for ind in catalog.indicators:
        for which in ("previous", "current"):
            p = dataset.provenance.get(ind.id, {}).get(which)
            if p is not None and p.partial(dataset.value(ind.id, which)):
                groups.setdefault((which, tuple(p.missing)), []).append(catalog.qualified_names[ind.id])
    files = {s.name: s.file for s in dataset.schools}
    out = []
    for (which, left_out), names in groups.items():
        out.append(
            finding(
                "partial_city_value",
                files.get(left_out[0].split("/")[0], left_out[0]),
                whole=dataset.region.whole,
                year=year_of(dataset, which),
                figures=listed(names, FIGURES_SHOWN, "项"),
                schools=listed(list(left_out), SCHOOLS_SHOWN, "所学校"),
            )
        )
    return out
