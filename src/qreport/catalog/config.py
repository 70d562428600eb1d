"""The bureau's build configuration, `qreport.toml`: cover, compilation team, narrative, expected schools.

Every key is optional: `build` works on a bare folder of workbooks. A misspelt key is an error that
names the nearest valid key.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from qreport.errors import ConfigError
from qreport.explain import toml_problem, value_problem
from qreport.textgate import controls_in, is_clean

CONFIG_NAME = "qreport.toml"
# A point size: finite, positive, no larger than a poster heading (nan, inf and -16 are typos).
PointSize = Annotated[float, Field(gt=0, le=200, allow_inf_nan=False)]


class _Strict(BaseModel):
    model_config = ConfigDict(
        extra="forbid", defer_build=True
    )  # built on first use: after the CLI set up pydantic

    @field_validator("*", mode="after")
    @classmethod
    def _no_controls(cls, value: Any) -> Any:
        """Every text of the config goes onto the cover or into the report: controls are refused."""
        texts = value if isinstance(value, list) else [value]
        for text in texts:
            if isinstance(text, str) and not is_clean(text):
                raise ValueError(f"含有控制字符（{controls_in(text) or '回车'}），请删除")
        return value


class Region(_Strict):
    name: str = ""  # 内蒙古自治区巴彦淖尔市
    short: str = ""  # 巴彦淖尔市, used in sentences; defaults to the full name
    code: str = ""  # 150800
    whole: str = ""  # the region as a whole in sentences (全市, 全区); defaults from the name
    member: str = ""  # what the report lists (学校; 盟市 for a roll-up); defaults from the data

    @property
    def short_name(self) -> str:
        return self.short or self.name


# "（姓名、职务）": what earlier config templates put in place of a name
_PLACEHOLDER = re.compile(r"^\s*[（(][^）)]*[）)]\s*$|^\s*$")


class TeamEntry(_Strict):
    role: str  # 负责人、编制组成员、数据采集、审定
    members: list[str] = Field(default_factory=list)

    @property
    def filled_members(self) -> list[str]:
        """The members actually named (blank entries and template placeholders left out)."""
        return [m for m in self.members if not _PLACEHOLDER.match(m)]


class ExpectedSchool(_Strict):
    name: str
    short_name: str = ""


class Fonts(_Strict):
    title: str = "方正小标宋简体"
    heading1: str = "黑体"
    heading2: str = "楷体_GB2312"
    body: str = "仿宋_GB2312"
    table: str = "宋体"


class Sizes(_Strict):
    """Point sizes: 二号 22, 三号 16, 四号 14, 小四 12, 五号 10.5."""

    title: PointSize = 22
    heading1: PointSize = 16
    heading2: PointSize = 16
    heading3: PointSize = 16
    body: PointSize = 16
    table: PointSize = 10.5


class Report(_Strict):
    title: str = "中等职业教育质量年度报告"
    compiler: str = ""  # 编制单位, e.g. 巴彦淖尔市教育局
    date: str = ""  # cover date, e.g. 2025年1月
    statement_date: str = ""  # date under the 内容真实性责任声明
    representative: str = ""  # 法定代表人 named under the 内容真实性责任声明
    narrative: str = "narrative"  # folder of Markdown section texts, relative to the config file
    outline: str = ""  # an outline TOML replacing the default one, relative to the config file
    tables: str = ""  # a report.toml (chapter tables and charts) replacing the default one, likewise
    fonts: Fonts = Field(default_factory=Fonts)
    sizes: Sizes = Field(default_factory=Sizes)


class SchoolReport(_Strict):
    """Each school's own report (qreport build 学校.xlsx, build --school-reports): the bureau's
    replacements of the shipped school-level texts and outline (templates/school/)."""

    narrative: str = "school-narrative"  # folder of Markdown section texts, relative to the config file
    outline: str = ""  # an outline TOML replacing templates/school/outline.toml
    tables: str = ""  # a report.toml (chapter tables and charts) replacing templates/school/report.toml


class Config(_Strict):
    year: int = 2024
    region: Region = Field(default_factory=Region)
    report: Report = Field(default_factory=Report)
    school_report: SchoolReport = Field(default_factory=SchoolReport)
    team: list[TeamEntry] = Field(default_factory=list)
    schools: list[ExpectedSchool] = Field(default_factory=list)
    majors_list: str = (
        ""  # the province's list of majors (.xlsx/.csv: 专业代码, 专业名称), relative to the config
    )
    base_dir: Path = Field(default=Path("."), exclude=True)
    source: Path | None = Field(default=None, exclude=True)  # the file it was loaded from

    def resolve(self, relative: str) -> Path:
        return (self.base_dir / relative).resolve()

    def gaps(self, region_name: str) -> list[tuple[str, str]]:
        """Cover, statement and team details left unfilled: (what, where in qreport.toml). The report
        shows each as a yellow 【待补充】; `region_name` may come from the schools' workbooks."""
        report = self.report
        wanted = [
            ("地区名称", "[region] 的 name", region_name),
            ("行政区划代码", "[region] 的 code", self.region.code),
            ("编制单位", "[report] 的 compiler", report.compiler),
            ("封面日期", "[report] 的 date", report.date),
        ]
        out = [(what, where) for what, where, value in wanted if not value.strip()]
        if not self.team:
            out.append(("编制组", "[[team]]"))
        out += [(f"编制组“{t.role}”的人员", "[[team]] 的 members") for t in self.team if not t.filled_members]
        return out

    def short_name_of(self, school_name: str) -> str:
        for s in self.schools:
            if s.name == school_name:
                return s.short_name
        return ""


def _fields_of(model: type[BaseModel]) -> list[str]:
    names = list(model.model_fields)
    for f in model.model_fields.values():
        ann = f.annotation
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            names += _fields_of(ann)
    return names


def _explain(exc: ValidationError, source: str) -> str:
    known = _fields_of(Config) + _fields_of(TeamEntry) + _fields_of(ExpectedSchool)
    lines = [f"配置文件 {source} 有误："]
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"])
        if err["type"] == "extra_forbidden":
            key = str(err["loc"][-1])
            near = difflib.get_close_matches(key, known, n=1)
            hint = f"，是否为“{near[0]}”？" if near else "，请删除或改正。"
            lines.append(f"- {where}：不认识的设置项“{key}”{hint}")
        elif err["type"] == "missing":
            lines.append(f"- {where}：缺少必填项。")
        else:
            lines.append(f"- {where}：取值不对（{value_problem(err)}）。")
    return "\n".join(lines)


def load_config(path: Path) -> Config:
    if path.is_dir():
        raise ConfigError(f"配置文件 {path} 是一个文件夹。请指定 qreport.toml 文件。")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))  # a BOM from Windows Notepad is fine
    except FileNotFoundError:
        raise ConfigError(f"找不到配置文件 {path}。") from None
    except OSError as exc:
        raise ConfigError(f"无法读取配置文件 {path}（{exc.strerror}）。") from None
    except UnicodeDecodeError:
        raise ConfigError(f"配置文件 {path} 不是 UTF-8 编码的文本。请用 UTF-8 保存。") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(
            f"配置文件 {path} {toml_problem(exc)}。请对照 qreport init 生成的示例修改。"
        ) from None
    try:
        config = Config.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_explain(exc, str(path))) from None
    config.base_dir = path.parent
    config.source = path
    _check_paths(config, path)
    return config


def _check_paths(config: Config, path: Path) -> None:
    """Paths named in the config must be what they are for: an outline file, a narrative folder."""
    report = config.report
    for key, value in (("outline", report.outline), ("tables", report.tables)):
        if value and not config.resolve(value).is_file():
            raise ConfigError(
                f"配置文件 {path} 的 report.{key} 指向 {config.resolve(value)}，它不是文件。"
                "请填写 TOML 文件的路径（相对于配置文件），或删除这一项。"
            )
    narrative = config.resolve(report.narrative)
    named = "narrative" in report.model_fields_set
    if (named and not narrative.is_dir()) or (narrative.exists() and not narrative.is_dir()):
        raise ConfigError(
            f"配置文件 {path} 的 report.narrative 指向 {narrative}，它不是文件夹。"
            "请填写叙述文字文件夹的路径（相对于配置文件），或用 qreport init 生成。"
        )


def find_config(folder: Path, explicit: Path | None = None) -> Config:
    """`--config` if given, else `folder/qreport.toml` if present, else defaults."""
    if explicit is not None:
        return load_config(explicit)
    candidate = folder / CONFIG_NAME
    if candidate.is_file():
        return load_config(candidate)
    return Config(base_dir=folder)
