"""Official typefaces in the PDF on a machine that lacks them.

A Chinese official document names 方正小标宋简体, 黑体, 楷体_GB2312, 仿宋_GB2312 and 宋体; Linux has none of
them, and LibreOffice would set every run in one fallback sans face. Before converting, the copy that
LibreOffice reads names the closest open faces from the distribution instead (Noto Serif/Sans CJK
from fonts-noto-cjk, AR PL UKai from fonts-arphic-ukai) and makes the faces that are heavy by design
(黑体, 小标宋) bold. The .docx itself keeps the official names: Word and WPS on the reader's machine
have the real fonts.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
from dataclasses import dataclass

from lxml import etree

SERIF = "Noto Serif CJK SC"
SANS = "Noto Sans CJK SC"
KAI = "AR PL UKai CN"


@dataclass(frozen=True)
class Substitute:
    face: str
    bold: bool = False  # the official face is heavy by design


# official face (and its common aliases) -> the open face that looks most like it
OFFICIAL: dict[str, Substitute] = {
    **dict.fromkeys(("仿宋_GB2312", "仿宋", "FangSong", "FangSong_GB2312"), Substitute(SERIF)),
    **dict.fromkeys(("宋体", "SimSun", "新宋体", "NSimSun"), Substitute(SERIF)),
    **dict.fromkeys(("黑体", "SimHei"), Substitute(SANS, bold=True)),
    # AR PL UKai is lighter than 楷体_GB2312: bold keeps a level-2 heading above a bold level-3 one
    **dict.fromkeys(("楷体_GB2312", "楷体", "KaiTi", "KaiTi_GB2312"), Substitute(KAI, bold=True)),
    **dict.fromkeys(("方正小标宋简体", "方正小标宋_GBK", "小标宋"), Substitute(SERIF, bold=True)),
}

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_W_FONT_ATTRS = tuple(f"{{{_W}}}{a}" for a in ("ascii", "hAnsi", "eastAsia", "cs"))
# CT_RPr children that come before w:b; w:b goes right after them
_BEFORE_B = {f"{{{_W}}}rStyle", f"{{{_W}}}rFonts"}


@functools.lru_cache(maxsize=1)
def installed_families() -> frozenset[str]:
    """Font family names fontconfig knows (every localised name); empty without fontconfig."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return frozenset()
    try:
        out = subprocess.run(
            [fc_list, ":", "family"], capture_output=True, text=True, timeout=60, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    return frozenset(name.strip() for line in out.splitlines() for name in line.split(",") if name.strip())


def substitutions(used: set[str], installed: frozenset[str]) -> dict[str, Substitute]:
    """For each official face in `used` that is not installed, its open substitute, if that is."""
    return {
        name: OFFICIAL[name]
        for name in sorted(used)
        if name in OFFICIAL and name not in installed and OFFICIAL[name].face in installed
    }


def fonts_named(xml: bytes) -> set[str]:
    root = etree.fromstring(xml, etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True))
    names = {el.get(a) for el in root.iter(f"{{{_W}}}rFonts") for a in _W_FONT_ATTRS}
    names |= {el.get("typeface") for el in root.iter(f"{{{_A}}}latin", f"{{{_A}}}ea", f"{{{_A}}}cs")}
    return {n for n in names if n}


def substitute(xml: bytes, subs: dict[str, Substitute]) -> bytes | None:
    """`xml` (a Word or chart part) with the faces of `subs` replaced; None when nothing changed."""
    root = etree.fromstring(xml, etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True))
    changed = False
    for rfonts in root.iter(f"{{{_W}}}rFonts"):
        bold = False
        for attr in _W_FONT_ATTRS:
            sub = subs.get(rfonts.get(attr) or "")
            if sub is not None:
                rfonts.set(attr, sub.face)
                bold |= sub.bold
                changed = True
        if bold:
            _make_bold(rfonts.getparent())
    for el in root.iter(f"{{{_A}}}latin", f"{{{_A}}}ea", f"{{{_A}}}cs"):
        sub = subs.get(el.get("typeface") or "")
        if sub is not None:
            el.set("typeface", sub.face)
            changed = True
    if not changed:
        return None
    out: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return out


def _make_bold(rpr: etree._Element) -> None:
    found = rpr.find(f"{{{_W}}}b")
    if found is not None:  # the style may say "not bold" (w:val="0"): the face is bold by design
        found.attrib.pop(f"{{{_W}}}val", None)
        return
    bold = etree.Element(f"{{{_W}}}b")
    anchor = None
    for child in rpr:
        if child.tag in _BEFORE_B:
            anchor = child
    if anchor is None:
        rpr.insert(0, bold)
    else:
        anchor.addnext(bold)


def describe(subs: dict[str, Substitute]) -> list[str]:
    """One Chinese line per substitution, for the user."""
    return [
        f"本机未安装“{name}”，PDF 中用“{sub.face}”{'（加粗）' if sub.bold else ''}代替；Word 文件中仍为“{name}”。"
        for name, sub in subs.items()
    ]
