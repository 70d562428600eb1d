"""City figures that leave some school out (contract, "Honest figures").

Such a figure prints with a trailing `*` in every table, and a paragraph beginning `注：` directly
under the table names, for the marked figures, the schools left out (the build's warnings:
qreport.compile.coverage).
"""

from __future__ import annotations

from collections.abc import Mapping

from qreport.catalog.indicators import Catalog
from qreport.compile.coverage import FIGURES_SHOWN, SCHOOLS_SHOWN, listed, year_of
from qreport.model import Dataset
from qreport.report.numformat import indicator_value

MARK = "*"


class Marks:
    """The city figures of one table: formatted, marked when partial, remembered for the note."""

    def __init__(self, dataset: Dataset, catalog: Catalog, labels: Mapping[str, str] | None = None) -> None:
        self.dataset, self.catalog = dataset, catalog
        self.labels = dict(labels) if labels is not None else {s.name: s.label for s in dataset.schools}
        self._marked: dict[tuple[str, ...], list[tuple[str, str]]] = {}  # left out -> [(year, figure)]

    def city(self, ind_id: str, which: str) -> str:
        value = self.dataset.value(ind_id, which)
        text = indicator_value(value, self.catalog[ind_id])
        p = self.dataset.provenance.get(ind_id, {}).get(which)
        if p is None or not p.partial(value):
            return text
        left_out = tuple(self.labels.get(n, n) for n in p.missing)
        entry = (f"{year_of(self.dataset, which)}年", self.catalog[ind_id].name)
        group = self._marked.setdefault(left_out, [])
        if entry not in group:
            group.append(entry)
        return text + MARK

    def note(self) -> str:
        """`注：…` naming the schools each marked figure leaves out; empty when nothing is marked."""
        if not self._marked:
            return ""
        parts = []
        for left_out, figures in self._marked.items():
            by_year: dict[str, list[str]] = {}
            for year, name in figures:
                by_year.setdefault(year, []).append(name)
            named = "；".join(
                f"{year}{listed(names, FIGURES_SHOWN, '项')}" for year, names in by_year.items()
            )
            parts.append(f"{named}不含{listed(left_out, SCHOOLS_SHOWN, '所学校')}的数据")
        return f"注：带“{MARK}”的数未涵盖全部学校：" + "；".join(parts) + "。"
