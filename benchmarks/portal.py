"""How fast does the collection portal answer, and does its memory stay flat?

Starts the real `qreport serve` on a loopback port over a bureau folder of N schools (realistic
workbooks from schoolgen.py), then:

1. latency: `--rounds` times, `--concurrent` schools upload at the same moment (a barrier), each
   timing its POST plus the findings page it is sent to (what a school waits for after pressing
   上传并校验); reports p50, p95 and max over all uploads, against the target p95 <= 1.5 s;
2. memory: `--uploads` more uploads, `--workers` at a time, sampling the RSS of the server's process
   tree every 100; the target is a flat line (RSS after all uploads within 25% of RSS after the
   first 100).

Run from the repository root:

    .venv/bin/python benchmarks/portal.py --markdown /tmp/portal.md

The bureau folder lives in a temporary directory removed at the end (`--keep` keeps it). To see where
the server spends its time, set PORTAL_BENCH_PROFILE to a sampler command that takes `--pid`, e.g.
`PORTAL_BENCH_PROFILE=".venv/bin/py-spy record --format raw -o /tmp/portal.spy --nonblocking"`.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx2 as httpx
import psutil

sys.path.insert(0, str(Path(__file__).parent))
import schoolgen  # noqa: E402

PASSWORD = "benchmark-password"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
TARGET_P95 = 1.5
FLAT = 1.25


@dataclass
class School:
    name: str
    link: str
    body: bytes


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def qreport_exe() -> str:
    exe = Path(sys.executable).parent / "qreport"
    return str(exe) if exe.exists() else shutil.which("qreport") or "qreport"


def bureau_folder(work: Path, sources: list[Path], n: int) -> Path:
    folder = work / "dir"
    folder.mkdir()
    lines = ["year = 2024", ""]
    for ident in schoolgen.iter_identities(n):
        lines += ["[[schools]]", f'name = "{ident.name}"', ""]
    (folder / "qreport.toml").write_text("\n".join(lines), encoding="utf-8")
    return folder


def start(folder: Path, port: int) -> subprocess.Popen[str]:
    env = {**os.environ, "QREPORT_PASSWORD": PASSWORD}
    proc = subprocess.Popen([qreport_exe(), "serve", str(folder), "--port", str(port)], env=env,
                            stderr=subprocess.DEVNULL, text=True)  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200:
                return proc
        except httpx.TransportError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("qreport serve did not start")


def links(folder: Path, base: str) -> dict[str, str]:
    out = subprocess.run([qreport_exe(), "links", str(folder), "--base-url", base], capture_output=True,
                         text=True, check=True).stdout  # fmt: skip
    return dict(line.split("\t") for line in out.splitlines())


def upload(client: httpx.Client, school: School, token: str) -> float:
    """POST the workbook and load the findings page; seconds taken. Retries after a 429."""
    while True:
        t0 = time.perf_counter()
        posted = client.post(f"{school.link}/upload", data={"csrf": token},
                             files={"file": ("学校.xlsx", school.body)})  # fmt: skip
        if posted.status_code == 429:
            time.sleep(float(posted.headers.get("retry-after", "1")))
            continue
        if posted.status_code != 303:
            raise SystemExit(f"upload failed: {posted.status_code} {posted.text[:200]}")
        page = client.get(posted.headers["location"])
        took = time.perf_counter() - t0
        if page.status_code != 200 or "校验结果" not in page.text:
            raise SystemExit(f"findings page failed: {page.status_code}")
        return took


def session(base: str, school: School) -> tuple[httpx.Client, str]:
    client = httpx.Client(base_url=base, timeout=120)
    match = CSRF.search(client.get(school.link).text)
    assert match
    return client, match.group(1)


def latency(base: str, schools: list[School], concurrent: int, rounds: int) -> list[list[float]]:
    times: list[list[float]] = []
    for _ in range(rounds):
        chosen = schools[:concurrent]
        sessions = [session(base, s) for s in chosen]
        barrier = threading.Barrier(len(chosen))

        def one(i: int, sessions: list[tuple[httpx.Client, str]] = sessions, chosen: list[School] = chosen,
                barrier: threading.Barrier = barrier) -> float:  # fmt: skip
            client, token = sessions[i]
            barrier.wait()
            return upload(client, chosen[i], token)

        with ThreadPoolExecutor(len(chosen)) as pool:
            times.append(list(pool.map(one, range(len(chosen)))))
        for client, _ in sessions:
            client.close()
    return times


def tree_mb(proc: psutil.Process) -> float:
    """RSS of the server and its child processes, MB."""
    total = proc.memory_info().rss
    for child in proc.children(recursive=True):
        with contextlib.suppress(psutil.NoSuchProcess):  # a draft build that just ended
            total += child.memory_info().rss
    return total / 2**20


def memory(
    base: str, schools: list[School], proc: psutil.Process, uploads: int, workers: int
) -> list[tuple[int, float]]:
    samples: list[tuple[int, float]] = [(0, tree_mb(proc))]
    sessions = [session(base, s) for s in schools]
    done = 0
    lock = threading.Lock()

    def one(n: int) -> None:
        nonlocal done
        i = n % len(schools)
        client, token = sessions[i]
        upload(client, schools[i], token)
        with lock:
            done += 1
            if done % 100 == 0:
                samples.append((done, tree_mb(proc)))

    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(one, range(uploads)))
    for client, _ in sessions:
        client.close()
    return samples


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--schools", type=int, default=50)
    parser.add_argument("--concurrent", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--uploads", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "qreport-bench")
    parser.add_argument("--markdown", type=Path)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()

    bases = schoolgen.ensure_bases(args.cache / "bases", 8, qreport_exe())
    files = schoolgen.workbooks(schoolgen.ensure_set(args.cache, args.schools, bases))
    work = Path(tempfile.mkdtemp(prefix="qreport-portal-bench-"))
    folder = bureau_folder(work, files, args.schools)
    port = free_port()
    server = start(folder, port)
    if os.environ.get("PORTAL_BENCH_PROFILE"):  # e.g. py-spy: sample the server while it works
        subprocess.Popen([*os.environ["PORTAL_BENCH_PROFILE"].split(), "--pid", str(server.pid)])
    base = f"http://127.0.0.1:{port}"
    try:
        by_name = links(folder, base)
        schools = [School(ident.name, by_name[ident.name].removeprefix(base), f.read_bytes())
                   for ident, f in zip(schoolgen.iter_identities(args.schools), files, strict=True)]  # fmt: skip
        proc = psutil.Process(server.pid)
        t0 = time.perf_counter()
        by_round = latency(base, schools, args.concurrent, args.rounds)
        times = [t for one_round in by_round for t in one_round]
        wall = time.perf_counter() - t0
        samples = memory(base, schools, proc, args.uploads, args.workers)
    finally:
        server.terminate()
        server.wait(30)
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    size_kb = statistics.mean(len(s.body) for s in schools) / 1024
    p50, p95, top = percentile(times, 0.5), percentile(times, 0.95), max(times)
    first = next(mb for n, mb in samples if n >= 100)
    last = samples[-1][1]
    lines = [
        f"- workbooks: {args.schools} schools, {size_kb:.0f} KB each on average (schoolgen, every sheet filled)",
        f"- latency: {args.rounds} rounds of {args.concurrent} simultaneous uploads ({len(times)} in all, "
        f"{wall:.1f} s): p50 {p50:.2f} s, p95 {p95:.2f} s, max {top:.2f} s; p95 by round: "
        + ", ".join(f"{percentile(r, 0.95):.2f}" for r in by_round),
        f"- load average of the machine while measuring: {' '.join(f'{x:.1f}' for x in os.getloadavg())}",
        "- memory (RSS of the server process tree, MB, after n further uploads, "
        + f"{args.workers} at a time): "
        + ", ".join(f"{n}: {mb:.0f}" for n, mb in samples),
        "",
        f"{'PASS' if p95 <= TARGET_P95 else 'FAIL'}  upload to findings p95 <= {TARGET_P95} s with "
        f"{args.concurrent} concurrent uploads: {p95:.2f} s",
        f"{'PASS' if last <= FLAT * first else 'FAIL'}  memory flat over {args.uploads} uploads "
        f"(RSS at the end <= {FLAT:.2f}x RSS after 100): {first:.0f} MB -> {last:.0f} MB ({last / first:.2f}x)",
    ]
    text = "\n".join(lines)
    print(text)
    if args.markdown:
        args.markdown.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
