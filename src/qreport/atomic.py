"""Write output files whole or not at all.

The content goes to a temporary file inside one hidden folder `.qreport-tmp-<pid>-…` beside the
target (same file system, so the final `os.replace` is an atomic rename) and replaces the target only
once it is complete. A failure, Ctrl-C or SIGTERM leaves the previous file, if any, untouched and
removes the folder; a SIGKILL can leave only that folder, which the next run writing there removes.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import stat
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from qreport.errors import QreportError
from qreport.explain import os_problem


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
        why = f"{os_problem(exc)}。请换一个输出位置"
    return QreportError(f"无法写入 {path}：{why}。", path=str(path))


TEMP_PREFIX = ".qreport-tmp-"
HELD = {signal.SIGINT, signal.SIGTERM}


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM for a short step that must not be cut in half (a temporary folder
    created and recorded, outputs moved into place, forking workers); one that arrives meanwhile
    is delivered right after."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, HELD)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, owned by someone else
        return True
    return True


def sweep(folder: Path) -> None:
    """Remove temporary folders that a killed run of qreport left in `folder`."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        if not entry.name.startswith(TEMP_PREFIX) or not entry.is_dir(follow_symlinks=False):
            continue
        pid = entry.name[len(TEMP_PREFIX) :].split("-", 1)[0]
        if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            shutil.rmtree(entry.path, ignore_errors=True)


def _temp_folder(folder: Path, target: Path) -> Path:
    sweep(folder)
    try:
        return Path(tempfile.mkdtemp(dir=folder, prefix=f"{TEMP_PREFIX}{os.getpid()}-"))
    except OSError as exc:
        raise cannot_write(target, exc) from None


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


def write_text_atomic(path: Path, text: str, encoding: str = "utf-8") -> None:
    write_atomic(path, lambda tmp: tmp.write_text(text, encoding=encoding))


class Staged:
    """Several outputs of one command, moved into place together, or none of them.

    Each output is first written into a hidden temporary folder beside its target (`path(target)`);
    leaving the `with` block normally renames them all onto their targets, and leaving it by an
    exception, Ctrl-C or SIGTERM included, removes them all: a build interrupted while writing the
    report leaves neither a report nor a dataset, not the dataset alone. Either way the temporary
    folders are removed.
    """

    def __init__(self) -> None:
        self._staged: list[tuple[Path, Path]] = []
        self._folders: dict[Path, Path] = {}  # target folder -> its temporary folder
        self._made: list[Path] = []  # folders made for the outputs, removed again after a failure

    def folder(self, target: Path) -> Path:
        """`target` as a folder for outputs: made (with its parents) if missing, and removed again
        if the outputs are not moved into place, so a failed command leaves no empty folder."""
        target = Path(target)
        missing = [p for p in (target, *target.parents) if not p.exists()]
        try:
            target.mkdir(parents=True, exist_ok=True)
        except (FileExistsError, NotADirectoryError):
            raise QreportError(
                f"无法写入文件夹 {target}：同名的文件已存在。请换一个输出文件夹。", path=str(target)
            ) from None
        except OSError as exc:
            raise cannot_write(target, exc) from None
        self._made += missing  # deepest first
        return target

    def path(self, target: Path) -> Path:
        target = Path(target)
        if target.is_dir():  # found before any work, and before any other output is moved into place
            raise cannot_write(target, IsADirectoryError(target))
        folder = target.parent
        if folder not in self._folders:
            with signals_held():  # a signal between creating and recording it would leak the folder
                self._folders[folder] = _temp_folder(folder, target)
        tmp = self._folders[folder] / target.name
        if tmp.exists() or any(t == tmp for t, _ in self._staged):
            fd, name = tempfile.mkstemp(dir=self._folders[folder], suffix=target.suffix)
            os.close(fd)
            tmp = Path(name)
        self._staged.append((tmp, target))
        return tmp

    def __enter__(self) -> Staged:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        with signals_held():  # all outputs moved, or none; the temporary folders always removed
            try:
                if kind is None:
                    for tmp, target in self._staged:
                        _move_into_place(tmp, target)
            finally:  # whatever was not moved into place: all of it after a failure
                for folder in self._folders.values():
                    shutil.rmtree(folder, ignore_errors=True)
                if kind is not None:
                    for folder in self._made:
                        with contextlib.suppress(OSError):
                            folder.rmdir()
