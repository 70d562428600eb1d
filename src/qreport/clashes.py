"""Never write over an input: every output path is compared, before anything is written, with every
input of the command and with every other output.

Paths are compared as they resolve (symlinks and `..` followed) and, for files that exist, by
device and inode, so a hard link or a second spelling of a path is the same file.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from qreport.atomic import cannot_write
from qreport.errors import InputError
from qreport.textgate import file_label

Named = tuple[str, Path]  # (what the file is, in Chinese: 报告, 学校工作簿 …; its path)


def _key(path: Path) -> tuple[object, ...]:
    try:
        st = path.stat()
    except OSError:
        return ("path", os.path.normcase(str(path.resolve())))
    return ("inode", st.st_dev, st.st_ino)


def check_outputs(outputs: Sequence[Named], inputs: Iterable[Named]) -> None:
    """Raise InputError (exit 2) naming both files when an output is an input or another output,
    or QreportError when an output names a folder (`-o ''`, `-o .`, an existing folder)."""
    for what, path in outputs:
        if not path.name:  # -o '' or -o .
            raise InputError(
                f"输出的{what}“{file_label(path)}”是一个文件夹，不是文件名。请指定文件名，例如 报告.docx。",
                path=str(path),
            )
        if path.is_dir():
            raise cannot_write(path, IsADirectoryError(path))
    seen: dict[tuple[object, ...], Named] = {}
    for what, path in inputs:
        seen.setdefault(_key(path), (what, path))
    written: dict[tuple[object, ...], Named] = {}
    for what, path in outputs:
        key = _key(path)
        if key in seen:
            other, other_path = seen[key]
            raise InputError(
                f"输出的{what} {file_label(path)} 就是输入的{other} {file_label(other_path)}，"
                f"写出会覆盖它。请换一个输出文件名或文件夹。",
                path=str(path),
            )
        if key in written:
            other, other_path = written[key]
            raise InputError(
                f"输出的{what} {file_label(path)} 与输出的{other} {file_label(other_path)} 是同一个文件，"
                f"其中一个会丢失。请为它们指定不同的文件名。",
                path=str(path),
            )
        written[key] = (what, path)


def files_below(folder: Path, what: str) -> list[Named]:
    """Every file below `folder` (a narrative folder): each is an input."""
    if not folder.is_dir():
        return []
    return [(what, p) for p in folder.rglob("*") if p.is_file()]
