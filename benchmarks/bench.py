"""Benchmark `qreport build` on a province (~200 schools) to a country (~7,000) of school workbooks.

For each N in --sizes it times, side by side, as whole processes:
  build   `qreport build DIR -o out.docx --dataset out.json --quiet` (wall; peak summed RSS of the
          process tree sampled every ~50 ms; CPU time of the tree)
  pandas  the loop an analyst would write: `for f in files: pandas.read_excel(f, sheet_name=None)`
          (pandas' default engine), extrapolated linearly from --pandas-max files when N is larger
  floor   every cell of every sheet of every file read with python-calamine, sequentially
and also `qreport validate one.xlsx` vs `python -c "pandas.read_excel(one, sheet_name=None)"`
(median of --single-runs runs each), and whether the dataset is the same with --workers 1, --workers 2
and with the files renamed into a shuffled order. It prints a table and PASS/FAIL against the targets.

Run from the repository root with the venv's Python (see benchmarks/README.md):
    .venv/bin/python benchmarks/bench.py --sizes 100,1000,7000 --markdown /tmp/results.md
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path

import psutil

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import schoolgen  # noqa: E402

SAMPLE_INTERVAL = 0.05  # seconds between memory samples of the process tree
MB = 1024 * 1024

# Targets of the issue.
BUILD_VS_PANDAS_MAX = 0.25  # build(1000) / pandas loop(1000)
BUILD_VS_FLOOR_MAX = 3.0  # build(1000) / bare calamine read(1000)
PEAK_MB_MAX = 400  # every N
SCALING_MAX = 12  # build(1000) / build(100)
VALIDATE_VS_PANDAS_MAX = 0.5  # validate one / pandas one
CORES_USED_MIN = 1.3  # CPU time of the tree / wall, build of N=1000

PANDAS_LOOP = """
import json, sys, time
t0 = time.perf_counter()
import pandas
t1 = time.perf_counter()
files = open(sys.argv[1], encoding="utf-8").read().splitlines()
engine = pandas.ExcelFile(files[0]).engine
for f in files:
    pandas.read_excel(f, sheet_name=None)
t2 = time.perf_counter()
print(json.dumps({"import_s": t1 - t0, "loop_s": t2 - t1, "files": len(files), "engine": engine,
                  "pandas": pandas.__version__}))
"""

CALAMINE_FLOOR = """
import sys
from python_calamine import CalamineWorkbook
cells = 0
for f in open(sys.argv[1], encoding="utf-8").read().splitlines():
    wb = CalamineWorkbook.from_path(f)
    for name in wb.sheet_names:
        cells += sum(len(row) for row in wb.get_sheet_by_name(name).to_python())
print(cells)
"""

PANDAS_ONE = "import pandas; pandas.read_excel({path!r}, sheet_name=None)"


# -- measuring a process tree ---------------------------------------------------------------------


@dataclass
class Run:
    wall: float
    cpu: float  # user + system of the process and all its waited-for descendants
    peak_mb: float  # peak of the summed RSS of the process tree
    rc: int
    stdout: str = ""
    stderr: str = ""
    timed_out: bool = False
    peak_pss_mb: float | None = None  # peak of the summed PSS (None: no /proc/<pid>/smaps_rollup)

    @property
    def cores(self) -> float:
        return self.cpu / self.wall if self.wall else 0.0

    @property
    def memory_mb(self) -> float:
        """The tree's real peak memory: PSS where the kernel reports it, else the summed RSS.

        Summed RSS counts a page shared by a parent and its forked workers once per process (a
        parent of 110 MB and two workers count 330 MB before the workers allocate anything); PSS
        charges each process its share of such a page, so the sum counts every page once."""
        return self.peak_pss_mb if self.peak_pss_mb is not None else self.peak_mb


def _pss(pid: int) -> int | None:
    """Proportional set size of a process in bytes, from /proc/<pid>/smaps_rollup (Linux 4.14+)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as fh:
            for line in fh:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


PSS_KNOWN = Path("/proc/self/smaps_rollup").exists()  # Linux 4.14+


def _tree_memory(root: psutil.Process, known: dict[int, psutil.Process]) -> tuple[int, int | None]:
    """Summed RSS and summed PSS (None where the kernel does not report it) of `root` and its
    descendants (Process objects cached by pid); a process gone while read (or exited and not yet
    reaped: it holds no memory) is left out of both."""
    try:
        procs = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0, 0 if PSS_KNOWN else None
    rss, pss = 0, 0
    for p in procs:
        proc = known.setdefault(p.pid, p)
        try:
            size = proc.memory_info().rss
        except psutil.Error:
            continue
        share = _pss(p.pid) if PSS_KNOWN else None
        if PSS_KNOWN and share is None:
            continue
        rss, pss = rss + size, pss + (share or 0)
    return rss, pss if PSS_KNOWN else None


def run_tree(cmd: list[str], *, timeout: float | None = None, cwd: Path | None = None) -> Run:
    """Run `cmd`, sampling the process tree's summed RSS and PSS every SAMPLE_INTERVAL seconds."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = psutil.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=cwd, text=True)
    peak, peak_pss, pss_known = 0, 0, True
    done = threading.Event()

    def sample() -> None:
        nonlocal peak, peak_pss, pss_known
        known: dict[int, psutil.Process] = {}
        while not done.is_set():
            rss, pss = _tree_memory(proc, known)
            peak = max(peak, rss)
            pss_known = pss_known and pss is not None
            peak_pss = max(peak_pss, pss or 0)
            done.wait(SAMPLE_INTERVAL)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    timed_out = False
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        for child in proc.children(recursive=True):
            child.kill()
        proc.kill()
        out, err = proc.communicate()
    wall = time.perf_counter() - start
    done.set()
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    pss_mb = peak_pss / MB if pss_known and peak_pss else None
    return Run(wall, cpu, peak / MB, proc.returncode, out, err, timed_out, pss_mb)


# -- the contenders -------------------------------------------------------------------------------


def compile_bytecode() -> str:
    """Byte-compile the installed qreport package, as `pip install .` does at install time.

    An editable install never compiles, and where PYTHONDONTWRITEBYTECODE is set (as on this
    workplace's machines) Python never caches .pyc either, so every `qreport` process would recompile
    its own source: ~60 ms that no installed copy pays. Third-party packages were compiled by pip.
    """
    import importlib.util

    spec = importlib.util.find_spec("qreport")
    if spec is None or spec.origin is None:
        return "qreport not importable from this Python; bytecode not compiled"
    folder = Path(spec.origin).parent
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(folder)], check=True)
    return f"bytecode compiled for {folder}"


def qreport_exe() -> str:
    exe = Path(sys.executable).parent / "qreport"
    return str(exe) if exe.exists() else shutil.which("qreport") or "qreport"


def build_cli(folder: Path, work: Path, *, workers: int | None = None, timeout: float | None = None) -> Run:
    """The real command: `qreport build DIR -o out.docx --dataset out.json --quiet`."""
    for name in ("out.docx", "out.json"):
        (work / name).unlink(missing_ok=True)
    cmd = [qreport_exe(), "build", str(folder), "-o", str(work / "out.docx"),
           "--dataset", str(work / "out.json"), "--quiet"]  # fmt: skip
    if workers:
        cmd += ["--workers", str(workers)]
    return run_tree(cmd, timeout=timeout)


def build_dataset_only(folder: Path, work: Path, *, workers: int | None = None,
                       timeout: float | None = None) -> Run:  # fmt: skip
    """`qreport build --dataset` without the Word report step (benchmarks/dataset_only.py)."""
    (work / "out.json").unlink(missing_ok=True)
    cmd = [sys.executable, str(HERE / "dataset_only.py"), str(folder), str(work / "out.json")]
    if workers:
        cmd += ["--workers", str(workers)]
    return run_tree(cmd, timeout=timeout)


def report_step_failed(run: Run, work: Path) -> bool:
    """The build got as far as the dataset but the Word report step raised."""
    if run.timed_out:  # killed while slow: a timeout, judged as such, not a failure of the step
        return False
    return run.rc != 0 and (work / "out.json").exists() and not (work / "out.docx").exists()


def last_line(text: str) -> str:
    lines = [x for x in text.strip().splitlines() if x.strip()]
    return lines[-1][:300] if lines else ""


@dataclass
class PandasResult:
    seconds: float  # for all N files (measured or extrapolated)
    measured_files: int
    extrapolated: bool
    engine: str
    peak_mb: float


def pandas_loop(files: list[Path], max_files: int, work: Path) -> PandasResult:
    """The analyst's loop over `files`; over `max_files` an evenly spread sample, extrapolated."""
    sample = files
    if len(files) > max_files:
        step = len(files) / max_files
        sample = [files[int(i * step)] for i in range(max_files)]
    listing = work / "pandas-files.txt"
    listing.write_text("\n".join(map(str, sample)), encoding="utf-8")
    run = run_tree([sys.executable, "-c", PANDAS_LOOP, str(listing)])
    if run.rc != 0:
        raise RuntimeError(f"pandas loop failed: {last_line(run.stderr)}")
    info = json.loads(last_line(run.stdout))
    seconds = run.wall + info["loop_s"] * (len(files) / len(sample) - 1)
    return PandasResult(seconds, len(sample), len(sample) < len(files), info["engine"], run.peak_mb)


def calamine_floor(files: list[Path], work: Path) -> Run:
    listing = work / "floor-files.txt"
    listing.write_text("\n".join(map(str, files)), encoding="utf-8")
    run = run_tree([sys.executable, "-c", CALAMINE_FLOOR, str(listing)])
    if run.rc != 0:
        raise RuntimeError(f"calamine floor failed: {last_line(run.stderr)}")
    return run


@dataclass
class SingleFile:
    validate_s: float
    pandas_s: float
    validate_runs: list[float]
    pandas_runs: list[float]
    validate_rc: int

    @property
    def ratio(self) -> float:
        return self.validate_s / self.pandas_s


def single_file(path: Path, runs: int) -> SingleFile:
    """`qreport validate one.xlsx` vs pandas reading it, each a whole process; medians."""
    v_runs, p_runs, rc = [], [], 0
    for _ in range(runs):  # interleaved so drift hits both alike
        v = run_tree([qreport_exe(), "validate", str(path)])
        rc = rc or v.rc
        v_runs.append(v.wall)
        p = run_tree([sys.executable, "-c", PANDAS_ONE.format(path=str(path))])
        if p.rc != 0:
            raise RuntimeError(f"pandas one failed: {last_line(p.stderr)}")
        p_runs.append(p.wall)
    return SingleFile(statistics.median(v_runs), statistics.median(p_runs), v_runs, p_runs, rc)


# -- determinism ----------------------------------------------------------------------------------


def normalized_dataset(path: Path) -> bytes:
    """The dataset JSON without the per-school `file` fields (file names legitimately differ)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    for school in data.get("schools", []):
        school.pop("file", None)
    return json.dumps(data, ensure_ascii=False, sort_keys=False, indent=1).encode("utf-8")


def shuffled_copy(folder: Path, dest: Path, seed: int = 7) -> Path:
    """Hard links (or copies) of the workbooks under prefixed names, so their sorted order is shuffled."""
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    files = schoolgen.workbooks(folder)
    order = list(range(len(files)))
    random.Random(seed).shuffle(order)
    for prefix, f in zip(order, files, strict=True):
        target = dest / f"{prefix:05d}-{f.name}"
        try:
            os.link(f, target)
        except OSError:
            shutil.copyfile(f, target)
    return dest


@dataclass
class Determinism:
    identical: bool
    variants: dict[str, str]  # name -> "identical" / "different" / "failed"


def check_determinism(folder: Path, work: Path, builder) -> Determinism:  # type: ignore[no-untyped-def]
    variants = {
        "workers=1": (folder, 1),
        "workers=2": (folder, 2),
        "shuffled names": (shuffled_copy(folder, work / "shuffled"), None),
    }
    outputs: dict[str, bytes | None] = {}
    for name, (src, workers) in variants.items():
        run = builder(src, work, workers=workers)
        out = work / "out.json"
        outputs[name] = normalized_dataset(out) if out.exists() and (run.rc == 0 or
                                                                       report_step_failed(run, work)) else None  # fmt: skip
    reference = outputs["workers=1"]
    verdict = {
        name: "failed" if data is None else ("identical" if data == reference else "different")
        for name, data in outputs.items()
    }
    verdict["workers=1"] = "reference" if reference is not None else "failed"
    return Determinism(all(v in ("identical", "reference") for v in verdict.values()), verdict)


# -- machine --------------------------------------------------------------------------------------


def machine() -> dict[str, str]:
    model = ""
    try:
        for line in subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines():
            if line.startswith("Model name:"):
                model = line.split(":", 1)[1].strip()
    except OSError:
        pass
    versions = {}
    for pkg in ("qreport", "pandas", "openpyxl", "python-calamine", "psutil", "defusedxml", "pydantic",
                "python-docx"):  # fmt: skip
        try:
            versions[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            versions[pkg] = "-"
    commit = subprocess.run(["git", "-C", str(HERE), "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip()  # fmt: skip
    return {
        "nproc": str(os.cpu_count()),
        "cpu": model or platform.processor(),
        "memory": f"{psutil.virtual_memory().total / 1024**3:.1f} GiB",
        "os": platform.platform(),
        "python": platform.python_version(),
        "packages": ", ".join(f"{k} {v}" for k, v in versions.items()),
        "commit": commit,
    }


# -- the run --------------------------------------------------------------------------------------


@dataclass
class SizeResult:
    n: int
    cli: Run | None  # `qreport build` as a user runs it (None: not run, --mode dataset-only)
    dataset_only: Run | None  # build + dataset JSON without the report step (None: not run)
    pandas: PandasResult
    floor: Run
    cli_report_failed: bool = False
    scale: float | None = None  # build(N) / build(previous N)

    @property
    def mode(self) -> str:
        """Which run the targets judge: the CLI, unless it failed in the report step (then --dataset only)."""
        if self.cli is not None and not self.cli_report_failed:
            return "cli"
        return "dataset-only"

    @property
    def build(self) -> Run:
        run = self.cli if self.mode == "cli" else self.dataset_only
        assert run is not None
        return run

    @property
    def ok(self) -> bool:
        return self.build.rc == 0 and not self.build.timed_out


def fmt(x: float | None, digits: int = 2) -> str:
    return "-" if x is None else f"{x:.{digits}f}"


def table_rows(results: list[SizeResult]) -> tuple[list[str], list[list[str]]]:
    head = ["N", "build s", "pandas s", "floor s", "build/pandas", "build/floor", "t(N)/t(prev N)",
            "peak RSS MB", "peak PSS MB", "CPU/wall", "judged", "dataset-only s", "report step s"]  # fmt: skip
    rows = []
    for r in results:
        b = r.build.wall
        shown = (
            (">" if r.build.timed_out else "")
            + fmt(b)
            + ("" if r.ok or r.build.timed_out else f" rc={r.build.rc}")
        )
        pandas = fmt(r.pandas.seconds, 1) + ("*" if r.pandas.extrapolated else "")
        d = r.dataset_only
        d_shown = "-" if d is None else (">" if d.timed_out else "") + fmt(d.wall)
        report = "-"
        if r.mode == "cli" and d is not None and r.ok and d.rc == 0 and not d.timed_out:
            report = fmt(r.build.wall - d.wall)
        elif r.cli_report_failed:
            report = "failed"
        rows.append([str(r.n), shown, pandas, fmt(r.floor.wall), fmt(b / r.pandas.seconds, 3),
                     fmt(b / r.floor.wall), fmt(r.scale), fmt(r.build.peak_mb, 0), fmt(r.build.peak_pss_mb, 0), fmt(r.build.cores),
                     r.mode, d_shown, report])  # fmt: skip
    return head, rows


def text_table(head: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(head)]
    lines = ["  ".join(h.rjust(w) for h, w in zip(head, widths, strict=True))]
    lines += ["  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join(lines)


def markdown_table(head: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---:" for _ in head) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def verdicts(results: list[SizeResult], single: SingleFile | None, det: Determinism | None) -> list[str]:
    by_n = {r.n: r for r in results}
    out = []

    def line(ok: bool | None, text: str) -> None:
        out.append(f"{'n/a ' if ok is None else 'PASS' if ok else 'FAIL'}  {text}")

    r1000, r100 = by_n.get(1000), by_n.get(100)
    if r1000:
        ratio = r1000.build.wall / r1000.pandas.seconds
        line(ratio <= BUILD_VS_PANDAS_MAX and r1000.ok,
             f"build(1000) <= {BUILD_VS_PANDAS_MAX}x pandas loop: {ratio:.3f}x "
             f"({_secs(r1000)} vs {r1000.pandas.seconds:.1f} s)")  # fmt: skip
        ratio = r1000.build.wall / r1000.floor.wall
        line(ratio <= BUILD_VS_FLOOR_MAX and r1000.ok,
             f"build(1000) <= {BUILD_VS_FLOOR_MAX:g}x calamine floor: {ratio:.2f}x "
             f"({_secs(r1000)} vs {r1000.floor.wall:.1f} s)")  # fmt: skip
    else:
        line(None, "build(1000) vs pandas / floor: N=1000 not in --sizes")
    peaks = ", ".join(f"N={r.n}: {r.build.memory_mb:.0f} MB" for r in results)
    line(
        all(r.build.memory_mb < PEAK_MB_MAX for r in results),
        f"peak memory (PSS of the process tree) < {PEAK_MB_MAX} MB for every N: {peaks}",
    )
    scale = scaling(r100, r1000) if r1000 and r100 else None
    if r1000 and r100 and scale is not None:
        same_cli = r100.mode == r1000.mode == "cli"
        line(
            scale <= SCALING_MAX and (not same_cli or (r1000.ok and r100.ok)),
            f"time(1000)/time(100) <= {SCALING_MAX}: {scale:.2f}"
            + ("" if same_cli else " (on --dataset only runs)"),
        )
    else:
        line(None, "time(1000)/time(100): needs N=100 and N=1000 in --sizes")
    if single:
        line(single.ratio <= VALIDATE_VS_PANDAS_MAX and single.validate_rc == 0,
             f"validate one <= {VALIDATE_VS_PANDAS_MAX}x pandas one: {single.ratio:.2f}x "
             f"({single.validate_s:.2f} s vs {single.pandas_s:.2f} s, medians of {len(single.validate_runs)})")  # fmt: skip
    if det:
        line(det.identical, "dataset deterministic (workers 1 / 2 / shuffled file names): "
             + ", ".join(f"{k}: {v}" for k, v in det.variants.items()))  # fmt: skip
    if r1000:
        cores = r1000.build.cores
        out.append(f"INFO  both cores used during build(1000): {'yes' if cores > CORES_USED_MIN else 'no'} "
                   f"(CPU time of the tree / wall = {cores:.2f}, threshold {CORES_USED_MIN})")  # fmt: skip
    return out


def _secs(r: SizeResult) -> str:
    return ("> " if r.build.timed_out else "") + f"{r.build.wall:.1f} s ({r.mode})"


def parse_sizes(text: str) -> list[int]:
    sizes = sorted({int(x) for x in text.split(",") if x.strip()})
    if not sizes or sizes[0] < 1:
        raise argparse.ArgumentTypeError("sizes are positive integers, e.g. 100,1000,7000")
    return sizes


def default_cache() -> Path:
    return Path(tempfile.gettempdir()) / "qreport-bench"


def scaling(small: SizeResult, large: SizeResult) -> float | None:
    """build(large) / build(small), on runs of the same kind (the CLI if both judged it, else --dataset only)."""
    if small.mode == large.mode == "cli":
        return large.build.wall / small.build.wall
    if small.dataset_only is not None and large.dataset_only is not None:
        return large.dataset_only.wall / small.dataset_only.wall
    return None


def measure_size(n: int, folder: Path, work: Path, args: argparse.Namespace) -> SizeResult:
    """Every contender on one set of N workbooks, one after the other (never concurrently)."""
    files = schoolgen.workbooks(folder)
    cli = None
    if args.mode != "dataset-only":
        cli = build_cli(folder, work, timeout=args.timeout)
        print(f"   qreport build: {_run_text(cli)}", flush=True)
    failed = cli is not None and report_step_failed(cli, work)
    dataset_only = None
    if args.mode != "cli" or failed:
        dataset_only = build_dataset_only(folder, work, timeout=args.timeout)
        print(f"   build --dataset only: {_run_text(dataset_only)}", flush=True)
    floor = calamine_floor(files, work)
    print(f"   calamine floor: {floor.wall:.2f} s", flush=True)
    pandas = pandas_loop(files, args.pandas_max, work)
    print(f"   pandas loop ({pandas.engine}): {pandas.seconds:.1f} s"
          + (f" (extrapolated from {pandas.measured_files} files)" if pandas.extrapolated else ""), flush=True)  # fmt: skip
    return SizeResult(n, cli, dataset_only, pandas, floor, cli_report_failed=failed)


def _run_text(run: Run) -> str:
    text = f"{run.wall:.2f} s, peak {run.peak_mb:.0f} MB RSS / {fmt(run.peak_pss_mb, 0)} MB PSS, CPU/wall {run.cores:.2f}, rc {run.rc}"
    if run.timed_out:
        return text + " (TIMED OUT, killed)"
    return text + (f" ({last_line(run.stderr)})" if run.rc else "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    parser.add_argument("--sizes", type=parse_sizes, default=[100, 1000, 7000],
                        help="comma-separated numbers of schools (default 100,1000,7000)")  # fmt: skip
    parser.add_argument("--cache", type=Path, default=default_cache(),
                        help="where generated workbook sets are kept between runs (default %(default)s)")  # fmt: skip
    parser.add_argument("--bases", type=int, default=20, help="distinct filled base workbooks (default 20)")
    parser.add_argument("--pandas-max", type=int, default=1000,
                        help="time the pandas loop on at most this many files, extrapolating "
                             "linearly above (default 1000)")  # fmt: skip
    parser.add_argument("--single-runs", type=int, default=5, help="runs of the one-file comparison (median)")
    parser.add_argument("--mode", choices=("both", "cli", "dataset-only"), default="both",
                        help="both (default): the real CLI and, to isolate the report step, "
                             "benchmarks/dataset_only.py (build + dataset JSON, no report); targets are "
                             "judged on the CLI unless it fails in the report step")  # fmt: skip
    parser.add_argument("--timeout", type=float, default=1800, help="seconds before a build is killed")
    parser.add_argument("--no-determinism", action="store_true", help="skip the determinism check")
    parser.add_argument("--validate-max", type=int, default=200,
                        help="files of the smallest set checked with `qreport validate` (default 200)")  # fmt: skip
    parser.add_argument("--no-single", action="store_true", help="skip the one-file comparison")
    parser.add_argument("--markdown", type=Path, help="also write the results as Markdown to this file")
    parser.add_argument("--json", type=Path, help="also write the raw results as JSON to this file")
    args = parser.parse_args(argv)

    info = machine()
    print("machine:", json.dumps(info, ensure_ascii=False, indent=1))
    print(compile_bytecode(), flush=True)
    args.cache.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="qreport-bench-run-"))
    t = time.perf_counter()
    bases = schoolgen.ensure_bases(args.cache / f"bases-v{schoolgen.GEN_VERSION}-k{args.bases}", args.bases,
                                   qreport_exe())  # fmt: skip
    sets = {n: schoolgen.ensure_set(args.cache, n, bases) for n in args.sizes}
    print(f"workbook sets ready in {time.perf_counter() - t:.1f} s under {args.cache}", flush=True)

    # One generated set checked with `qreport validate`: it must have no errors.
    smallest = sets[args.sizes[0]]
    checked = schoolgen.workbooks(smallest)[: args.validate_max]
    check = subprocess.run([qreport_exe(), "validate", *map(str, checked)],
                           capture_output=True, text=True)  # fmt: skip
    validate_line = f"qreport validate on {len(checked)} files of the N={args.sizes[0]} set: exit {check.returncode}; {last_line(check.stdout)}"
    print(validate_line, flush=True)
    if check.returncode != 0:
        print(check.stdout[-3000:], file=sys.stderr)
        return 2

    notes: list[str] = []
    results: list[SizeResult] = []
    for n in args.sizes:
        print(f"\n== N={n}", flush=True)
        result = measure_size(n, sets[n], work, args)
        if result.cli_report_failed:
            assert result.cli is not None
            notes.append(f"`qreport build` (CLI) failed in the Word report step at N={n} after "
                         f"{result.cli.wall:.1f} s: {last_line(result.cli.stderr)}. Targets for this N are "
                         f"judged on `--dataset` only (benchmarks/dataset_only.py).")  # fmt: skip
        if results:
            result.scale = scaling(results[-1], result)
        results.append(result)

    single = None
    if not args.no_single:
        print("\n== one file", flush=True)
        single = single_file(schoolgen.workbooks(smallest)[0], args.single_runs)
        print(f"   validate {single.validate_s:.2f} s, pandas {single.pandas_s:.2f} s", flush=True)
    det = None
    if not args.no_determinism:
        print(f"\n== determinism (N={args.sizes[0]})", flush=True)
        det = check_determinism(smallest, work, build_dataset_only)
        print("   " + ", ".join(f"{k}: {v}" for k, v in det.variants.items()), flush=True)
        notes.append("Determinism builds run benchmarks/dataset_only.py (the CLI's build() + write_dataset, "
                     "without the report step, which does not touch the dataset).")  # fmt: skip

    head, rows = table_rows(results)
    checks = verdicts(results, single, det)
    extrapolated = [r for r in results if r.pandas.extrapolated]
    if extrapolated:
        notes.append("pandas s marked * is extrapolated linearly from a timed sample: "
                     + ", ".join(f"N={r.n} from {r.pandas.measured_files} files" for r in extrapolated) + ".")  # fmt: skip
    notes.append(f"pandas default engine: {results[0].pandas.engine}." if results else "")
    notes.append(validate_line)
    print("\n" + text_table(head, rows))
    print("\n" + "\n".join(checks))
    print("\n" + "\n".join(n for n in notes if n))

    if args.markdown:
        md = ["## Machine", "", *[f"- {k}: {v}" for k, v in info.items()], "",
              f"## Results ({time.strftime('%Y-%m-%d %H:%M')}, sizes {','.join(map(str, args.sizes))})", "",
              markdown_table(head, rows), "", "```", *checks, "```", "", *[f"- {n}" for n in notes if n], ""]  # fmt: skip
        args.markdown.write_text("\n".join(md), encoding="utf-8")
    if args.json:
        raw = {"machine": info,
               "results": [{"n": r.n, "mode": r.mode, "scale": r.scale, "pandas": asdict(r.pandas),
                            "cli": _run_dict(r.cli), "dataset_only": _run_dict(r.dataset_only),
                            "floor": _run_dict(r.floor)} for r in results],
               "single": asdict(single) if single else None, "determinism": asdict(det) if det else None,
               "checks": checks,
               "notes": notes}  # fmt: skip
        args.json.write_text(json.dumps(raw, ensure_ascii=False, indent=1), encoding="utf-8")
    shutil.rmtree(work, ignore_errors=True)
    return 0


def _run_dict(run: Run | None) -> dict | None:
    if run is None:
        return None
    d = asdict(run)
    d.pop("stdout")
    d["stderr"] = last_line(d["stderr"])
    return d


if __name__ == "__main__":
    sys.exit(main())
