"""The report outline as data: chapters and numbered sections (templates/outline.toml)."""

from __future__ import annotations

import tomllib
from functools import cache, cached_property
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from qreport.catalog.resources import template_path
from qreport.errors import ConfigError
from qreport.explain import toml_problem, value_problem

CHAPTER_TITLES = ("人才培养", "服务贡献", "文化传承", "国际合作", "产教融合", "发展保障", "面临挑战")


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    number: str
    title: str
    tables: tuple[str, ...] = ()
    charts: tuple[str, ...] = ()

    @field_validator("number")
    @classmethod
    def _dotted(cls, v: str) -> str:
        parts = v.split(".")
        if not all(p.isdigit() for p in parts):
            raise ValueError(f"节号“{v}”应为以点分隔的数字，例如 1.10")
        return v

    @property
    def level(self) -> int:
        return self.number.count(".") + 1

    @property
    def chapter(self) -> int:
        return int(self.number.split(".")[0])


class Outline(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    sections: tuple[Section, ...]

    @cached_property
    def numbers(self) -> tuple[str, ...]:
        return tuple(s.number for s in self.sections)

    def __contains__(self, number: str) -> bool:
        return number in self.numbers

    def get(self, number: str) -> Section | None:
        return next((s for s in self.sections if s.number == number), None)


def normalize_section(raw: str) -> str:
    """'1. 10' / '1．10' / '１.１０' typed by a school -> '1.10'."""
    text = raw.strip().translate(str.maketrans("０１２３４５６７８９．。", "0123456789..")).replace(" ", "")
    return text.rstrip(".")


@cache
def load_outline(path: Path | None = None) -> Outline:
    source = path or template_path("outline.toml")
    try:
        return Outline.model_validate(tomllib.loads(source.read_text(encoding="utf-8")))
    except FileNotFoundError:
        raise ConfigError(f"找不到报告大纲文件 {source}。") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"报告大纲文件 {source} {toml_problem(exc)}。") from None
    except ValidationError as exc:
        problems = "；".join(f"{'.'.join(map(str, e['loc']))}：{value_problem(e)}" for e in exc.errors())
        raise ConfigError(f"报告大纲文件 {source} 有误：{problems}。") from None
