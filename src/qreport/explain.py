"""Library errors in Chinese words: TOML syntax, pydantic validation, operating-system errors.

Libraries describe failures in English ("Expected '=' after a key", "Input should be a valid
integer", "No space left on device"). A user reads these Chinese descriptions instead, built from
the error's data (line, column, error type, errno); the original text is added only under
QREPORT_DEBUG=1 (`errors.original`).
"""

from __future__ import annotations

import errno
import re
import tomllib
from collections.abc import Mapping
from typing import Any

from qreport.errors import original

_AT = re.compile(r"\(at line (\d+), column (\d+)\)|\(at end of document\)")

# pydantic error type -> what the value should be
_EXPECTED = {
    "string_type": "应为文字（用双引号括起来）",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数",
    "float_type": "应为数字",
    "float_parsing": "应为数字",
    "bool_type": "应为 true 或 false",
    "bool_parsing": "应为 true 或 false",
    "list_type": '应为列表，例如 ["甲", "乙"]',
    "dict_type": "应为一个表（[名称] 段或 { … }）",
    "model_type": "应为一个表（[名称] 段或 { … }）",
    "missing": "缺少必填项",
    "string_too_short": "不能为空",
    "too_short": "不能为空",
}

_OS = {
    errno.ENOSPC: "磁盘空间不足",
    errno.EROFS: "这是只读的磁盘或文件夹",
    errno.EACCES: "没有权限",
    errno.EPERM: "没有权限",
    errno.ENAMETOOLONG: "文件名太长",
    errno.ENOENT: "找不到该文件或文件夹",
    errno.ENOTDIR: "路径中有一项不是文件夹",
    errno.EISDIR: "这是一个文件夹",
    errno.EEXIST: "已存在同名的文件",
    errno.EBUSY: "文件正被其他程序使用",
    errno.EDQUOT: "超出磁盘配额",
    errno.EIO: "磁盘读写出错",
}


def toml_problem(exc: tomllib.TOMLDecodeError) -> str:
    """Where a TOML file stops parsing, in Chinese (tomllib says where only in its English text)."""
    match = _AT.search(str(exc))
    if match is None:
        where = "某处"
    elif match.group(1):
        where = f"第 {match.group(1)} 行第 {match.group(2)} 列附近"
    else:
        where = "文件末尾"
    hint = "请检查引号、方括号和等号是否成对、是否写全"
    return f"{where}格式不对（{hint}{original(exc)}）"


def value_problem(err: Mapping[str, Any]) -> str:
    """One pydantic validation error as Chinese: what the value should be."""
    kind = str(err.get("type", ""))
    ctx = err.get("ctx") or {}
    typed = f"，填写的是 {err['input']!r}" if isinstance(err.get("input"), (int, float, str)) else ""
    if kind == "value_error":  # raised by our own validators, in Chinese
        return str(ctx.get("error", "取值不对"))
    if kind == "finite_number":
        text = "应为有限的数，不能是 nan 或 inf"
    elif kind in _EXPECTED:
        text = _EXPECTED[kind] + (typed if kind != "missing" else "")
    elif kind == "literal_error":
        text = f"应为 {ctx.get('expected', '')} 之一"
    elif kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        bound = next(iter(ctx.values()), "")
        word = {"greater_than": "大于", "greater_than_equal": "不小于", "less_than": "小于",
                "less_than_equal": "不大于"}[kind]  # fmt: skip
        text = f"应{word} {bound}{typed}"
    else:
        text = "取值不对"
    debug = original(ValueError(err.get("msg", "")))
    return text + (f"（{debug.lstrip('；')}）" if debug else "")


def os_problem(exc: OSError) -> str:
    """An operating-system error in Chinese (strerror is English on most systems)."""
    text = _OS.get(exc.errno or 0, f"系统错误（错误号 {exc.errno}）" if exc.errno else "系统错误")
    return text + original(exc)
