"""The bureau's draft build, in the background, one at a time.

The submissions are taken from the log at the moment the bureau presses the button (their version
files never change), copied with the rest of the bureau folder into a snapshot, and built there by
`qreport.build` with `--draft` in a child process (`python -m qreport.serve.drafts`): uploads arriving meanwhile change neither the
snapshot nor the server's memory. Progress goes to the log, where the bureau page reads it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from qreport.serve.store import PORTAL_DIR, SUBMISSIONS_DIR, SchoolRow, Store, VersionRow, safe_file_name

OUTPUT_KINDS = {"report": "Word 报告（草稿）", "tables": "汇总表", "dataset": "数据集"}
KEEP_BUILDS = 5  # the outputs of the last few drafts stay downloadable; older ones are removed


def _ignore_hidden(folder: str, names: list[str]) -> set[str]:
    skipped = {n for n in names if n.startswith((".", "~$"))}
    return skipped


def make_snapshot(store: Store, chosen: list[tuple[SchoolRow, VersionRow]], target: Path) -> None:
    """The bureau folder as `build` reads it, with each school's submission as of `chosen`."""
    folder = store.folder

    def ignore(path: str, names: list[str]) -> set[str]:
        skipped = _ignore_hidden(path, names)
        if Path(path) == folder:
            skipped |= {PORTAL_DIR, SUBMISSIONS_DIR}
        return skipped

    shutil.copytree(folder, target, ignore=ignore)
    submissions = target / SUBMISSIONS_DIR
    submissions.mkdir(exist_ok=True)
    for school, version in chosen:
        shutil.copyfile(store.version_file(version), submissions / f"{safe_file_name(school.name)}.xlsx")


def _child(snapshot: Path, out: Path, previous: Path | None, say: Callable[[Any], None]) -> None:
    """In the build process: build the snapshot as a draft and write report, tables and dataset."""
    from qreport.compile.build import build
    from qreport.errors import QreportError
    from qreport.findings import counts
    from qreport.outputs import default_stem, write_outputs

    def progress(done: int, total: int, name: str) -> None:
        say(["progress", "读取工作簿", done, total])

    try:
        result = build(snapshot, draft=True, previous=previous, workers=1, progress=progress)
        say(["progress", "写出报告", 0, 0])
        stem = default_stem(result)  # a draft's: …年中职质量年报（草稿）
        names = {"report": f"{stem}.docx", "tables": f"{stem}汇总表.xlsx", "dataset": f"{stem}.json"}
        written = write_outputs(result, docx=out / names["report"], dataset=out / names["dataset"],
                                tables=out / names["tables"])  # fmt: skip
    except QreportError as exc:
        say(["failed", exc.message])
        return
    errors, warnings = counts(result.findings)
    summary = (f"草稿已生成：{len(result.dataset.schools)} 所学校；问题清单（错误 {errors} 项，"
               f"警告 {warnings} 项）附在报告末尾。")  # fmt: skip
    summary += "".join(f"\n{note}" for note in written.notes)  # e.g. sections still 【待补充】, shown smaller
    say(["done", names, summary])


def main(argv: list[str]) -> None:
    """`python -m qreport.serve.drafts SNAPSHOT OUT [PREVIOUS]`: one message per stdout line (JSON)."""

    def say(message: Any) -> None:
        sys.stdout.write(json.dumps(message, ensure_ascii=False) + "\n")
        sys.stdout.flush()

    try:
        _child(Path(argv[0]), Path(argv[1]), Path(argv[2]) if len(argv) > 2 else None, say)
    except Exception as exc:  # a bug: say so, never leave the bureau page waiting
        say(["failed", f"生成草稿时出现内部错误（{type(exc).__name__}: {exc}）。"])
        raise


class DraftBuilder:
    """Runs one draft build at a time in a child process and records its progress in the store."""

    def __init__(self, store: Store, previous: Path | None = None) -> None:
        self.store = store
        self.previous = previous
        self._thread: threading.Thread | None = None
        self._proc: subprocess.Popen[str] | None = None

    def start(self) -> int:
        """Start a build of the current submissions; raises BuildRunning when one runs."""
        build = self.store.start_build()
        chosen = self.store.snapshot()  # taken now: later uploads belong to the next draft
        self._prune(build.id)
        self._thread = threading.Thread(target=self._run, args=(build.id, chosen), daemon=True)
        self._thread.start()
        return build.id

    def stop(self) -> None:
        """The server stops: so does a running build (the log marks it failed on the next start)."""
        proc = self._proc
        if proc is not None and proc.poll() is None:
            proc.terminate()
        self.wait(30)

    def _prune(self, current: int) -> None:
        for folder in self.store.builds_dir.iterdir():
            if folder.name.isdigit() and int(folder.name) <= current - KEEP_BUILDS:
                shutil.rmtree(folder, ignore_errors=True)

    def wait(self, timeout: float | None = None) -> None:
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self, build_id: int, chosen: list[tuple[SchoolRow, VersionRow]]) -> None:
        work = self.store.build_dir(build_id)
        snapshot, out = work / "input", work / "out"
        try:
            self.store.update_build(build_id, phase="复制报送文件")
            out.mkdir(parents=True, exist_ok=True)
            make_snapshot(self.store, chosen, snapshot)
            self._spawn(build_id, snapshot, out)
        except Exception as exc:
            self.store.update_build(build_id, state="failed", message=f"生成草稿失败（{exc}）。")
        finally:
            shutil.rmtree(snapshot, ignore_errors=True)

    def _spawn(self, build_id: int, snapshot: Path, out: Path) -> None:
        args = [sys.executable, "-m", "qreport.serve.drafts", str(snapshot), str(out)]
        if self.previous is not None:
            args.append(str(self.previous))
        env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
        finished = False
        with subprocess.Popen(args, stdout=subprocess.PIPE, text=True, encoding="utf-8", env=env) as proc:
            self._proc = proc
            assert proc.stdout is not None
            for line in proc.stdout:
                try:
                    msg = json.loads(line)
                except ValueError:
                    continue
                if msg[0] == "progress":
                    self.store.update_build(build_id, phase=msg[1], done=msg[2], total=msg[3])
                elif msg[0] == "done":
                    self.store.update_build(
                        build_id, state="done", phase="完成", outputs=msg[1], message=msg[2]
                    )
                    finished = True
                else:
                    self.store.update_build(build_id, state="failed", message=msg[1])
                    finished = True
        if not finished:
            self.store.update_build(
                build_id, state="failed", message=f"生成草稿的进程意外退出（退出码 {proc.returncode}）。"
            )


if __name__ == "__main__":
    main(sys.argv[1:])
