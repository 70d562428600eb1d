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


def _default_mode() -> int:
    # mkstemp creates 0600 files; give new outputs the mode an ordinary open() would.
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


_NEW_FILE_MODE = _default_mode()


def write_atomic(path: Path, writer: Callable[[Path], object]) -> None:
    """Call `writer` with a temporary path in `path`'s folder, then move the result onto `path`."""
    path = Path(path)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=path.suffix)
    os.close(fd)
    tmp = Path(name)
    try:
        writer(tmp)
        try:
            mode = stat.S_IMODE(path.stat().st_mode)
        except FileNotFoundError:
            mode = _NEW_FILE_MODE
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise


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
        fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.stem}.", suffix=target.suffix)
        os.close(fd)
        self._staged.append((Path(name), target))
        return Path(name)

    def __enter__(self) -> Staged:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        if kind is None:
            for tmp, target in self._staged:
                try:
                    mode = stat.S_IMODE(target.stat().st_mode)
                except FileNotFoundError:
                    mode = _NEW_FILE_MODE
                os.chmod(tmp, mode)
                os.replace(tmp, target)
            return
        for tmp, _target in self._staged:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
