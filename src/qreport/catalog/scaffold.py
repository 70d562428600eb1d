"""`qreport init`: a commented qreport.toml for the bureau's region and an editable narrative folder."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from qreport.atomic import cannot_write, write_text_atomic
from qreport.catalog.config import CONFIG_NAME
from qreport.catalog.regions import short_of
from qreport.catalog.resources import template_path
from qreport.errors import InputError


def _set(text: str, key: str, value: str) -> str:
    """Fill the first blank `key = ""` line of the template, keeping its comment."""
    if not value:
        return text
    quoted = json.dumps(value, ensure_ascii=False)  # a JSON string is a valid TOML basic string

    def fill(match: re.Match[str]) -> str:
        line = f"{key} = {quoted}"
        columns = sum(2 if ord(ch) > 0x2E7F else 1 for ch in line)  # CJK takes two columns
        pad = max(len(match.group(0)) - columns, 1)  # the comment stays in its column where it can
        return line + " " * pad

    return re.sub(rf'^{key} = ""\s*(?=#)', fill, text, count=1, flags=re.M)


def config_text(year: int = 2024, *, region: str = "", code: str = "", compiler: str = "") -> str:
    """The commented config template, for `year` and (when given) the bureau's region."""
    text = template_path("qreport.toml").read_text(encoding="utf-8").replace("year = 2024", f"year = {year}")
    short = short_of(region)
    text = _set(text, "name", region)
    text = _set(text, "short", short if short != region else "")
    text = _set(text, "code", code)
    return _set(text, "compiler", compiler)


def init_folder(folder: Path, year: int = 2024, *, region: str = "", code: str = "",
                compiler: str = "") -> list[Path]:  # fmt: skip
    """Write DIR/qreport.toml and DIR/narrative/ unless they exist; return what was written.
    Everything is checked before the first file is written, so a refusal leaves nothing behind."""
    if code and not re.fullmatch(r"\d{6}", code):
        raise InputError(f"行政区划代码“{code}”应为 6 位数字，例如 150800。")
    if folder.exists() and not folder.is_dir():
        raise InputError(f"{folder} 是一个文件，不是文件夹。请指定要存放各校工作簿的文件夹。")
    written: list[Path] = []
    config = folder / CONFIG_NAME
    if config.exists() or config.is_symlink():
        raise InputError(f"{config} 已存在，未覆盖。如需重新生成，请先改名或删除它。")
    narrative = folder / "narrative"
    if narrative.is_symlink() and not narrative.exists():
        raise InputError(
            f"{narrative} 是一个指向不存在位置的链接。请删除它或让它指向叙述文字文件夹后再运行。"
        )
    if narrative.exists() and not narrative.is_dir():
        raise InputError(f"{narrative} 是一个文件，不是文件夹。请改名或删除它后再运行。")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise cannot_write(config, exc) from None
    write_text_atomic(config, config_text(year, region=region, code=code, compiler=compiler))
    written.append(config)
    if not narrative.exists():
        shutil.copytree(template_path("narrative"), narrative)
        written.append(narrative)
    return written
