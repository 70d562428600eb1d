"""Write output files whole or not at all.

The content goes to a hidden temporary file beside the target (same folder, so the final
`os.replace` is an atomic rename on one file system) and replaces the target only once it is
complete. A failure leaves the previous file, if any, untouched and no temporary file behind.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path

from qreport.errors import QreportError


def _default_mode() -> int:
    # mkstemp creates 0600 files; give new outputs the mode an ordinary open() would.
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


_NEW_FILE_MODE = _default_mode()


def cannot_write(path: Path, exc: OSError) -> QreportError:
    """The Chinese message for an output that cannot be written, saying what to do instead."""
    folder = path.parent
    if isinstance(exc, FileNotFoundError) and not folder.is_dir():
        why = f"文件夹 {folder} 不存在。请先建立该文件夹，或换一个输出位置"
    elif isinstance(exc, PermissionError):
        why = f"没有写入 {folder} 的权限。请换一个输出位置"
    elif isinstance(exc, IsADirectoryError) or path.is_dir():
        why = "同名的文件夹已存在。请换一个文件名"
    else:
        why = f"{exc.strerror or exc}。请换一个输出位置"
    return QreportError(f"无法写入 {path}：{why}。", path=str(path))


def _temp_beside(path: Path) -> Path:
    if path.is_dir():  # found before any work, and before any other output is moved into place
        raise cannot_write(path, IsADirectoryError(path))
    try:
        fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=path.suffix)
    except OSError as exc:
        raise cannot_write(path, exc) from None
    os.close(fd)
    return Path(name)


def _move_into_place(tmp: Path, path: Path) -> None:
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        mode = _NEW_FILE_MODE
    try:
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except OSError as exc:
        raise cannot_write(path, exc) from None


def write_atomic(path: Path, writer: Callable[[Path], object]) -> None:
    """Call `writer` with a temporary path in `path`'s folder, then move the result onto `path`."""
    with Staged() as stage:
        writer(stage.path(path))


def write_bytes_atomic(path: Path, data: bytes) -> None:
    write_atomic(path, lambda tmp: tmp.write_bytes(data))


def write_text_atomic(path: Path, text: str, encoding: str = "utf-8") -> None:
    write_atomic(path, lambda tmp: tmp.write_text(text, encoding=encoding))


class Staged:
    """Several outputs of one command, moved into place together, or none of them.

    Each output is first written to a hidden file beside its target (`path(target)`); leaving the
    `with` block normally renames them all onto their targets, and leaving it by an exception,
    Ctrl-C included, removes them all: a build interrupted while writing the report leaves neither a
    report nor a dataset, not the dataset alone.
    """

    def __init__(self) -> None:
        self._staged: list[tuple[Path, Path]] = []

    def path(self, target: Path) -> Path:
        target = Path(target)
        tmp = _temp_beside(target)
        self._staged.append((tmp, target))
        return tmp

    def __enter__(self) -> Staged:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        try:
            if kind is None:
                for tmp, target in self._staged:
                    _move_into_place(tmp, target)
        finally:  # whatever was not moved into place: all of it after a failure
            for tmp, _target in self._staged:
                with contextlib.suppress(FileNotFoundError):
                    tmp.unlink()
