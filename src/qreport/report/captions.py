"""Numbers of tables, figures and cases per chapter (表1-5, 图2-3, 案例3-1), in document order.

Captions are plain text with their number, so they read the same in every program; the lists
before the body are table-of-contents fields over the caption styles, pre-filled from here.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["表", "图", "案例"]


@dataclass
class Numbering:
    tables: list[str] = field(default_factory=list)
    figures: list[str] = field(default_factory=list)
    cases: list[str] = field(default_factory=list)
    contents: list[tuple[int, str]] = field(default_factory=list)  # (level, text) for 目录
    _counts: Counter[tuple[str, int]] = field(default_factory=Counter)

    def caption(self, kind: Kind, chapter: int, title: str) -> str:
        self._counts[kind, chapter] += 1
        text = f"{kind}{chapter}-{self._counts[kind, chapter]} {title}".rstrip()
        {"表": self.tables, "图": self.figures, "案例": self.cases}[kind].append(text)
        return text

    def heading(self, level: int, text: str) -> None:
        if level <= 3:
            self.contents.append((level, text))
