"""Where the shipped templates live: inside the installed package, or at the repository root.

The wheel carries `templates/` as `qreport/templates` (pyproject force-include); an editable install
of a checkout reads the repository's own `templates/` folder.
"""

from __future__ import annotations

from pathlib import Path


def templates_dir() -> Path:
    packaged = Path(__file__).parents[1] / "templates"
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[3] / "templates"
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError("qreport 安装不完整：找不到 templates 目录。请重新安装 qreport。")


def template_path(*parts: str) -> Path:
    return templates_dir().joinpath(*parts)
