"""`qreport init`: a commented qreport.toml and an editable narrative folder to start from."""

from __future__ import annotations

import shutil
from pathlib import Path

from qreport.atomic import write_text_atomic
from qreport.catalog.config import CONFIG_NAME
from qreport.catalog.resources import template_path
from qreport.errors import InputError


def init_folder(folder: Path, year: int = 2024) -> list[Path]:
    """Write DIR/qreport.toml and DIR/narrative/ unless they exist; return what was written."""
    folder.mkdir(parents=True, exist_ok=True)
    if not folder.is_dir():
        raise InputError(f"{folder} 不是文件夹。")
    written: list[Path] = []
    config = folder / CONFIG_NAME
    if config.exists():
        raise InputError(f"{config} 已存在，未覆盖。如需重新生成，请先改名或删除它。")
    text = template_path("qreport.toml").read_text(encoding="utf-8").replace("year = 2024", f"year = {year}")
    write_text_atomic(config, text)
    written.append(config)
    narrative = folder / "narrative"
    if not narrative.exists():
        shutil.copytree(template_path("narrative"), narrative)
        written.append(narrative)
    return written
