"""50 uploads at once over real loopback connections (uvicorn), spread over five schools' links: every
one lands as a version, every one is answered with its findings, and each school's submission is the
latest version without errors. A bounded load test, with no timing assertion (see benchmarks/)."""

from __future__ import annotations

import hashlib
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx2 as httpx
import pytest

from qreport.serve.app import create_app
from qreport.serve.store import SUBMISSIONS_DIR

from portal_fixtures import (
    PASSWORD,
    bureau_folder,
    csrf_of,
    free_port,
    live_server,
    school_info,
    school_workbook,
)

SCHOOLS = 5
UPLOADS = 50


def test_fifty_concurrent_uploads_all_land(tmp_path: Path, blank_template: Path) -> None:
    folder = bureau_folder(tmp_path / "dir", SCHOOLS)
    app = create_app(folder, PASSWORD)
    store = app.state.portal.store
    links = [f"/s/{store.link_token(s)}" for s in store.schools()]
    kinds = ("pass", "warning", "error")
    bodies = {
        (i, k): school_workbook(tmp_path / "up", i, k).read_bytes() for i in range(SCHOOLS) for k in kinds
    }

    def one(n: int, base: str) -> tuple[int, int, str]:
        school, kind = n % SCHOOLS, kinds[n % 3]
        with httpx.Client(base_url=base, timeout=120) as client:
            token = csrf_of(client.get(links[school]).text)
            files = {"file": (f"{n}.xlsx", bodies[(school, kind)])}
            posted = client.post(f"{links[school]}/upload", data={"csrf": token}, files=files)
            assert posted.status_code == 303, posted.text
            shown = client.get(posted.headers["location"])
            return school, shown.status_code, shown.text

    with live_server(app) as base, ThreadPoolExecutor(UPLOADS) as pool:
        results = list(pool.map(lambda n: one(n, base), range(UPLOADS)))

    assert all(code == 200 and "校验结果" in text for _, code, text in results)
    for i, school in enumerate(store.schools()):
        versions = store.versions(school.id)
        assert sorted(v.seq for v in versions) == list(range(1, UPLOADS // SCHOOLS + 1))
        accepted = next(v for v in versions if v.accepted)  # newest first
        submitted = folder / SUBMISSIONS_DIR / f"{school_info(i)[0]}.xlsx"
        assert hashlib.sha256(submitted.read_bytes()).hexdigest() == accepted.sha256
        for v in versions:
            assert store.version_file(v).is_file()
    shown_errors = sum("“很多”不是数字" in text for _, _, text in results)
    assert shown_errors == sum(1 for n in range(UPLOADS) if kinds[n % 3] == "error")


def test_the_serve_command_answers_on_loopback_and_says_so(tmp_path: Path, blank_template: Path) -> None:
    folder = bureau_folder(tmp_path / "dir", 1)
    port = free_port()
    qreport = Path(sys.executable).parent / "qreport"
    env = {"QREPORT_PASSWORD": PASSWORD, "PATH": "/usr/bin:/bin"}
    proc = subprocess.Popen([str(qreport), "serve", str(folder), "--port", str(port)], env=env,
                            stderr=subprocess.PIPE, text=True)  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or proc.poll() is not None:
                pytest.fail("qreport serve did not answer /healthz")
            time.sleep(0.2)
        link = subprocess.run([str(qreport), "links", str(folder), "--base-url", f"http://127.0.0.1:{port}"],
                              capture_output=True, text=True, check=True).stdout.split("\t")[1].strip()  # fmt: skip
        page = httpx.get(link)
        assert page.status_code == 200 and school_info(0)[0] in page.text
    finally:
        proc.send_signal(signal.SIGINT)  # Ctrl-C
        _, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert f"http://127.0.0.1:{port}" in err and "只有本机可以访问" in err and "已停止" in err
    assert "/s/" not in err  # links are never logged


def test_a_killed_server_leaves_every_submission_whole(tmp_path: Path, blank_template: Path) -> None:
    """SIGKILL while uploads are being written and recorded: after the restart each school's
    submission is exactly the version its log says, and no unrecorded upload is left behind."""
    folder = bureau_folder(tmp_path / "dir", SCHOOLS)
    port = free_port()
    qreport = Path(sys.executable).parent / "qreport"
    proc = subprocess.Popen([str(qreport), "serve", str(folder), "--port", str(port)],
                            env={"QREPORT_PASSWORD": PASSWORD, "PATH": "/usr/bin:/bin"}, stderr=subprocess.DEVNULL)  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            httpx.get(f"{base}/healthz")
            break
        except httpx.TransportError:
            assert time.monotonic() < deadline and proc.poll() is None
            time.sleep(0.2)
    out = subprocess.run(
        [str(qreport), "links", str(folder), "--base-url", base], capture_output=True, text=True
    )
    links = [line.split("\t")[1].removeprefix(base) for line in out.stdout.splitlines()]
    bodies = [
        school_workbook(tmp_path / "up", i, k).read_bytes()
        for i in range(SCHOOLS)
        for k in ("pass", "warning")
    ]
    stop = threading.Event()

    def keep_uploading(i: int) -> None:
        with httpx.Client(base_url=base, timeout=30) as client:
            token = csrf_of(client.get(links[i]).text)
            n = 0
            while not stop.is_set():
                files = {"file": ("a.xlsx", bodies[2 * i + n % 2])}
                try:
                    client.post(f"{links[i]}/upload", data={"csrf": token}, files=files)
                except httpx.TransportError:
                    return
                n += 1

    threads = [threading.Thread(target=keep_uploading, args=(i,)) for i in range(SCHOOLS)]
    for t in threads:
        t.start()
    time.sleep(3)
    proc.kill()  # SIGKILL: no cleanup of any kind
    proc.wait()
    stop.set()
    for t in threads:
        t.join(60)

    store = create_app(folder, PASSWORD).state.portal.store  # the restart repairs, as `serve` does
    recorded = 0
    for i, school in enumerate(store.schools()):
        versions = store.versions(school.id)
        recorded += len(versions)
        for v in versions:
            assert hashlib.sha256(store.version_file(v).read_bytes()).hexdigest() == v.sha256
        accepted = next(v for v in versions if v.accepted)
        submitted = folder / SUBMISSIONS_DIR / f"{school_info(i)[0]}.xlsx"
        assert hashlib.sha256(submitted.read_bytes()).hexdigest() == accepted.sha256
    assert recorded > SCHOOLS  # the kill came while uploads were flowing
    assert len(list(store.versions_dir.iterdir())) == recorded
    assert not [p for p in (folder / SUBMISSIONS_DIR).iterdir() if p.name.startswith(".")]
