"""Column widths from the content of a table, and where a cell's text may wrap.

Word and LibreOffice break Chinese text after any character, so a narrow column splits a school's
short name ("中旗职/中") or a header mid-word ("2024学年新/招班级"). Here a text is cut into
segments that must stay whole (a number, a year such as 2024学年, a short name, a unit in
brackets, two-character words of a long run); a column is never narrower than its longest segment,
and a centred cell that has to wrap gets explicit line breaks between segments, so the renderer
never has to choose. Widths are estimated in em: a Chinese character is one em, an ASCII
character about half (0.6 to be safe).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

CELL_MARGINS_PT = 5.7  # left and right cell margins of every table (57 twips each)
AIR_EM = 0.3  # and a little air, for the estimate's sake
LABEL_EM = 6.0  # a left-aligned label wraps freely, but keeps at least this many characters a line
NAME_CHARS = 5  # a run of Chinese this short never breaks (新招班级, 前旗职中)
LABEL_WISH_EM = 10.0  # ... and would like this many, so it takes few lines
LINE_HEIGHT = 1.45  # a line of table text, in em (single spacing of the CJK faces)

_ASCII_EM = dict.fromkeys(".,:;'|!", 0.35)  # digits measure about 0.56 em in the CJK serif faces
_ASCII = re.compile(r"[!-~]+")  # a number, a code, a Latin word: never broken
_YEAR = re.compile(r"\d{4}(?:学年度|学年|年度|年)")
_OPENING = "（(《“‘〔【"
_CLOSING = "）)》”’〕】、，,；;：:。.%％"
_BRACKETED = re.compile(r"[（(][^（()）]{1,6}[)）]")  # a unit such as （万元）, kept whole


def padding(size: float) -> float:
    """What a cell adds to its text's width, in em at `size` points."""
    return CELL_MARGINS_PT / size + AIR_EM


def text_em(text: str) -> float:
    return sum(_ASCII_EM.get(ch, 0.6) if ch.isascii() else 1.0 for ch in text)


def _atoms(line: str) -> list[str]:
    """`line` cut at every place a break is allowed (spaces dropped)."""
    atoms: list[str] = []
    i = 0
    while i < len(line):
        ch = line[i]
        if ch.isspace():
            i += 1
            continue
        match = _YEAR.match(line, i) or _BRACKETED.match(line, i) or _ASCII.match(line, i)
        if match:
            atoms.append(match.group())
            i = match.end()
            continue
        j = i
        while j < len(line) and not line[j].isspace() and not _starts_atom(line, j, i):
            j += 1
            if line[j - 1] in _CLOSING:
                break  # a break is allowed after punctuation
        atoms += _words(line[i:j])
        i = j
    return _glue(atoms)


def _starts_atom(line: str, j: int, start: int) -> bool:
    """Whether a Chinese run that began at `start` ends before position `j`."""
    if j == start:
        return False
    return bool(_YEAR.match(line, j) or _BRACKETED.match(line, j) or line[j].isascii() or line[j] in _OPENING)


def _words(run: str) -> list[str]:
    """A Chinese run: whole when short, else two-character words (the last one may have three);
    punctuation stays with its word."""
    core = run.rstrip(_CLOSING)
    if len(core) <= NAME_CHARS:
        return [run]
    run, tail = core, run[len(core) :]
    words = [run[k : k + 2] for k in range(0, len(run) - len(run) % 2, 2)]
    if len(run) % 2:
        words[-1] += run[-1]
    words[-1] += tail
    return words


def _glue(atoms: list[str]) -> list[str]:
    """No line starts with closing punctuation or ends with an opening one."""
    out: list[str] = []
    carry = ""
    for atom in atoms:
        atom = carry + atom
        carry = ""
        if out and atom[0] in _CLOSING:
            out[-1] += atom[0]
            atom = atom[1:]
            if not atom:
                continue
        if atom[-1] in _OPENING:
            carry = atom
            continue
        out.append(atom)
    if carry:
        out.append(carry)
    return out


def segments(text: str, *, whole: bool = False) -> list[list[str]]:
    """The text's explicit lines, each as the segments that must not be broken (`whole`: a name,
    each line one segment)."""
    return [[line] if whole else _atoms(line) for line in text.split("\n")]


def wrap(text: str, width_em: float, *, whole: bool = False) -> list[str]:
    """The lines of `text` in a column `width_em` wide (without padding): segments packed greedily,
    a line broken only between segments. A segment wider than the column gets a line of its own."""
    lines: list[str] = []
    for parts in segments(text, whole=whole):
        line = ""
        for part in parts:
            joined = line + _space(line, part) + part
            if line and text_em(joined) > width_em + 1e-9:
                lines.append(line)
                line = part
            else:
                line = joined
        lines.append(line)
    return lines


def _space(before: str, after: str) -> str:
    """Latin words keep the space between them; Chinese needs none."""
    return " " if before and before[-1].isascii() and before[-1].isalnum() and after[0].isascii() else ""


@dataclass(frozen=True)
class Need:
    """What a cell asks of its column, in em without padding."""

    least: float  # never narrower: the longest unbreakable segment (or LABEL_EM of a free label)
    wish: float  # comfortable: a header on at most two lines, anything else on one
    full: float  # everything on one line


def cell_need(text: str, *, free: bool, header: bool, whole: bool = False) -> Need:
    """`free`: the text may wrap anywhere (a left-aligned label); `whole`: not at all (a name);
    else only between segments."""
    if (
        text.isascii() and text.isprintable() and " " not in text
    ):  # a number or a code: one segment (most cells)
        em = text_em(text)
        return Need(em, em, em)
    full = max((text_em(line) for line in text.split("\n")), default=0.0)
    if free:
        return Need(min(full, LABEL_EM), min(full, LABEL_WISH_EM), full)
    parts = [p for line in segments(text, whole=whole) for p in line]
    least = max((text_em(p) for p in parts), default=0.0)
    if not header or whole:
        return Need(least, full, full)
    return Need(least, _two_lines(text, least, full), full)


def _two_lines(text: str, least: float, full: float) -> float:
    """The narrowest width at which `text` takes at most two lines per explicit line."""
    explicit = text.count("\n") + 1
    candidates = sorted(
        {least, full}
        | {
            text_em("".join(p[a:b]))
            for p in segments(text)
            for a in range(len(p))
            for b in range(a + 1, len(p) + 1)
        }
    )
    for width in candidates:
        if width >= least and len(wrap(text, width)) <= 2 * explicit:
            return width
    return full


def allocate(
    floor: Sequence[float], wish: Sequence[float], full: Sequence[float], available: float
) -> list[float]:
    """Column widths summing to `available` (all in one unit) from a `floor` that fits it (`least`,
    `wish` or `full`): the room left goes first to the columns that wish for more, in proportion
    to what they lack, then to those that would take one line, then to all alike."""
    widths = list(floor)
    for target in (wish, full):
        spare = available - sum(widths)
        lack = [max(t - w, 0.0) for t, w in zip(target, widths, strict=True)]
        if sum(lack) <= 0:
            continue
        share = min(1.0, spare / sum(lack))
        widths = [w + share * gap for w, gap in zip(widths, lack, strict=True)]
    spare = available - sum(widths)
    total = sum(widths) or 1.0
    return [w + spare * w / total for w in widths]
