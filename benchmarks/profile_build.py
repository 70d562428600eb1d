"""Profile `qreport.compile.build.build()` and the Word report step (pyinstrument) on a generated set.

The build is profiled in-process with --workers 1 (a process pool hides the per-file work from the
profiler of the parent); phases are also timed with the real worker count. Usage:

    .venv/bin/python benchmarks/profile_build.py --n 1000 [--top 25] [--out /tmp/prof]

It reuses the sets cached by bench.py (same --cache and --bases), generating them if needed.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import tempfile
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import schoolgen  # noqa: E402
from bench import default_cache, qreport_exe  # noqa: E402


def top(profile: cProfile.Profile, sort: str, limit: int) -> str:
    buf = io.StringIO()
    stats = pstats.Stats(profile, stream=buf)
    stats.strip_dirs().sort_stats(sort).print_stats(limit)
    return buf.getvalue()


def timed(label: str, fn, *args, **kwargs):  # type: ignore[no-untyped-def]
    t = time.perf_counter()
    try:
        return fn(*args, **kwargs)
    finally:
        print(f"{label}: {time.perf_counter() - t:.2f} s", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="number of schools (default 1000)")
    parser.add_argument("--cache", type=Path, default=default_cache())
    parser.add_argument("--bases", type=int, default=20)
    parser.add_argument("--top", type=int, default=25, help="functions listed per profile")
    parser.add_argument("--out", type=Path, help="folder for the .prof files (snakeviz / pstats)")
    parser.add_argument("--build-profiler", choices=("cprofile", "pyinstrument"), default="cprofile",
                        help="cprofile: workers=1, every function; pyinstrument: default workers, sampled")  # fmt: skip
    parser.add_argument("--skip-phases", action="store_true", help="skip the unprofiled timing of build()")
    parser.add_argument("--skip-report", action="store_true", help="profile the build only")
    parser.add_argument("--report-n", type=int, help="profile the report step on a smaller set")
    args = parser.parse_args(argv)

    from qreport.compile.build import build
    from qreport.compile.dataset import write_dataset

    bases = schoolgen.ensure_bases(args.cache / f"bases-v{schoolgen.GEN_VERSION}-k{args.bases}", args.bases,
                                   qreport_exe())  # fmt: skip
    folder = schoolgen.ensure_set(args.cache, args.n, bases)
    out = args.out or Path(tempfile.mkdtemp(prefix="qreport-prof-"))
    out.mkdir(parents=True, exist_ok=True)

    # Phases with the default worker count (what the CLI does).
    result = None
    if not args.skip_phases:
        result = timed(f"build() N={args.n}, default workers", build, folder)
        timed("write_dataset", write_dataset, result.dataset, result.catalog, out / "dataset.json")

    if args.build_profiler == "pyinstrument":
        # Sampling profiler, default workers: shows the parent's own work (aggregation, waiting on the
        # pool) at full speed; per-file reading happens in the workers and shows as waiting.
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.005)
        t = time.perf_counter()
        profiler.start()
        build(folder)
        profiler.stop()
        print(f"build() N={args.n}, default workers under pyinstrument: {time.perf_counter() - t:.2f} s")
        (out / "build.html").write_text(profiler.output_html(), encoding="utf-8")
        print(profiler.output_text(unicode=False, color=False, show_all=False))
    else:
        # The whole build in one process, so every function shows up.
        prof = cProfile.Profile()
        t = time.perf_counter()
        prof.runcall(build, folder, workers=1)
        print(f"build() N={args.n}, workers=1 under cProfile: {time.perf_counter() - t:.2f} s")
        prof.dump_stats(out / "build.prof")
        print(top(prof, "cumulative", args.top))
        print(top(prof, "tottime", args.top))

    if not args.skip_report:
        from qreport.report import write_report

        if args.report_n or result is None:
            result = build(schoolgen.ensure_set(args.cache, args.report_n or args.n, bases))
        n = args.report_n or args.n
        # pyinstrument samples (low overhead): the report code is call-heavy, cProfile distorts it.
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.005)
        t = time.perf_counter()
        profiler.start()
        try:
            write_report(
                result.dataset, result.config, result.catalog, out / "report.docx", outline=result.outline
            )
            status = "ok"
        except Exception:  # the report package is unfinished: profile what ran until it raised
            status = "raised " + traceback.format_exc().strip().splitlines()[-1]
        finally:
            profiler.stop()
        print(f"write_report N={n} under pyinstrument: {time.perf_counter() - t:.2f} s ({status})")
        (out / "report.html").write_text(profiler.output_html(), encoding="utf-8")
        print(profiler.output_text(unicode=False, color=False, show_all=False))
    print(f"profiles in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
