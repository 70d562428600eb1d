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
