"""What each school's own report costs: `qreport build DIR --school-reports OUTDIR` and
`qreport build 学校.xlsx`.

Targets (issue 15): school reports for N schools at <= 0.3 s per school on 2 cores, peak memory
of the process tree under the limit bench.py holds every build to, and one school's own report no
dearer than the city report of a city of that one school. Both time targets are judged on the CPU
time of the process tree (halved for 2 cores), which other work on a shared machine does not
inflate; wall times are printed beside them.

    .venv/bin/python benchmarks/school_reports.py --n 100 --runs 5

Timings are wall seconds of whole processes, run one after another on files in the page cache.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import schoolgen  # noqa: E402
from bench import PEAK_MB_MAX, Run, compile_bytecode, default_cache, machine, qreport_exe, run_tree  # noqa: E402

PER_SCHOOL_S = 0.3


def build(args: list[str]) -> Run:
    run = run_tree([qreport_exe(), "build", *args, "--quiet"])
    if run.rc != 0:
        raise SystemExit(f"qreport build {' '.join(args)} failed ({run.rc}):\n{run.stderr[-2000:]}")
    return run


Row = tuple[
    float, float, float, float
]  # median wall s, largest peak RSS MB, median CPU s, largest peak PSS MB


def median_runs(commands: list[tuple[list[str], list[Path]]], runs: int) -> list[Row]:
    """Per command: median wall seconds, largest peak summed RSS, median CPU seconds and largest peak
    summed PSS (bench.Run.memory_mb: RSS where PSS is not reported) of the process tree over `runs`
    rounds. The commands run
    in turns within each round, so a change of the machine's load falls on all of them alike;
    each command's outputs are removed before it runs."""
    walls: list[list[float]] = [[] for _ in commands]
    peaks: list[list[float]] = [[] for _ in commands]
    cpus: list[list[float]] = [[] for _ in commands]
    real: list[list[float]] = [[] for _ in commands]
    for _ in range(runs):
        for k, (args, outputs) in enumerate(commands):
            for path in outputs:
                shutil.rmtree(path) if path.is_dir() else path.unlink(missing_ok=True)
            run = build(args)
            walls[k].append(run.wall)
            peaks[k].append(run.peak_mb)
            cpus[k].append(run.cpu)
            real[k].append(run.memory_mb)
    return [
        (statistics.median(w), max(p), statistics.median(c), max(m))
        for w, p, c, m in zip(walls, peaks, cpus, real, strict=True)
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100, help="schools of the city (default 100)")
    parser.add_argument("--runs", type=int, default=5, help="runs of each command (median; default 5)")
    parser.add_argument("--cache", type=Path, default=default_cache(), help="generated workbook sets")
    parser.add_argument("--bases", type=int, default=20, help="distinct filled base workbooks (default 20)")
    parser.add_argument("--json", type=Path, help="also write the results as JSON to this file")
    args = parser.parse_args(argv)

    info = machine()
    print(compile_bytecode(), flush=True)
    args.cache.mkdir(parents=True, exist_ok=True)
    bases = schoolgen.ensure_bases(args.cache / f"bases-v{schoolgen.GEN_VERSION}-k{args.bases}", args.bases,
                                   qreport_exe())  # fmt: skip
    city = schoolgen.ensure_set(args.cache, args.n, bases)
    work = Path(tempfile.mkdtemp(prefix="qreport-bench-schools-"))
    one_city = work / "one-school-city"
    one_city.mkdir()
    school = schoolgen.workbooks(city)[0]
    shutil.copy(school, one_city / school.name)

    docx, dataset, reports = work / "city.docx", work / "city.json", work / "reports"
    outs = ["-o", str(docx), "--dataset", str(dataset)]
    plain, with_reports = median_runs(
        [([str(city), *outs], [docx, dataset]),
         ([str(city), *outs, "--school-reports", str(reports)], [docx, dataset, reports])],
        args.runs,
    )  # fmt: skip
    written = len(list(reports.glob("*.docx")))
    per_school = (with_reports[0] - plain[0]) / args.n
    cpu_per_school = (with_reports[2] - plain[2]) / args.n
    own_out, one_out, one_json = work / "own.docx", work / "one.docx", work / "one.json"
    own, one = median_runs(
        [([str(school), "-o", str(own_out)], [own_out]),
         ([str(one_city), "-o", str(one_out), "--dataset", str(one_json)], [one_out, one_json])],
        args.runs,
    )  # fmt: skip
    shutil.rmtree(work)

    rows = [
        ("city report, N schools", plain),
        ("city report + --school-reports", with_reports),
        ("one school's own report (build 学校.xlsx)", own),
        ("city report of a one-school city", one),
    ]
    print(f"\nN = {args.n}, median of {args.runs} runs, {written} school reports written\n")
    print("| command | wall s | CPU s | peak RSS MB (summed) | peak PSS MB |\n|---|---:|---:|---:|---:|")
    for name, (wall, peak, cpu, real) in rows:
        print(f"| {name} | {wall:.2f} | {cpu:.2f} | {peak:.0f} | {real:.0f} |")
    checks = [
        (cpu_per_school / 2 <= PER_SCHOOL_S, f"school reports {cpu_per_school:.3f} CPU s per school: "
                                              f"{cpu_per_school / 2:.3f} s per school on 2 idle cores <= {PER_SCHOOL_S} s"),
        (written == args.n, f"one report per school: {written} of {args.n}"),
        (with_reports[3] < PEAK_MB_MAX, f"peak memory (PSS of the process tree) with school reports "
                                            f"{with_reports[3]:.0f} MB < {PEAK_MB_MAX} MB (summed RSS {with_reports[1]:.0f} MB)"),
        (own[2] <= one[2], f"one school's own report {own[2]:.2f} CPU s <= the city report of a one-school "
                           f"city {one[2]:.2f} CPU s (wall {own[0]:.2f} s and {one[0]:.2f} s)"),
    ]  # fmt: skip
    print()
    for ok, text in checks:
        print(f"{'PASS' if ok else 'FAIL'}  {text}")
    cores = (with_reports[2] - plain[2]) / max(with_reports[0] - plain[0], 1e-9)
    print(f"INFO  wall: {per_school:.3f} s per school (({with_reports[0]:.2f} - {plain[0]:.2f}) s / {args.n}), "
          f"with {cores:.2f} cores' worth of CPU during the school reports")  # fmt: skip
    if args.json:
        raw = {"machine": info, "n": args.n, "runs": args.runs, "when": time.strftime("%Y-%m-%d %H:%M"),
               "rows": {name: {"wall": w, "peak_mb": p, "cpu": c, "peak_pss_mb": m} for name, (w, p, c, m) in rows},
               "per_school": per_school, "cpu_per_school": cpu_per_school}  # fmt: skip
        args.json.write_text(json.dumps(raw, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0 if all(ok for ok, _ in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
