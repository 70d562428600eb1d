"""A bureau folder, school workbooks and clients for the portal tests (`qreport serve`).

`bureau_folder()` writes a qreport.toml listing `n` schools; `school_workbook()` makes a copy of a
complete workbook for school `i`, optionally broken (an error) or with a warning; `Visitor` drives the
app through Starlette's test client as a browser would (session cookie, CSRF value from the page);
`live_server()` runs the real uvicorn server on a free loopback port.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2 as httpx
import uvicorn
from starlette.applications import Starlette
from starlette.testclient import TestClient

import builders

PASSWORD = "测试密码-correct-horse"
FIRST = ("巴彦淖尔市第一职业中等专业学校", "市一职", "4115005821")  # the builders' good school


def school_info(i: int) -> tuple[str, str, str]:
    """(学校名称, 学校简称, 学校标识码) of expected school i (0-based)."""
    if i == 0:
        return FIRST
    return (f"示例市第{i + 1}职业中等专业学校", f"示例{i + 1}校", f"41150{i + 1:05d}")


def bureau_folder(folder: Path, n: int = 3) -> Path:
    """A bureau folder as `qreport init` leaves it, listing n expected schools."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = ["year = 2024", "", "[region]", 'name = "内蒙古自治区巴彦淖尔市"', 'short = "巴彦淖尔市"', ""]
    for i in range(n):
        name, short, _ = school_info(i)
        lines += ["[[schools]]", f'name = "{name}"', f'short_name = "{short}"', ""]
    (folder / "qreport.toml").write_text("\n".join(lines), encoding="utf-8")
    return folder


_cache: dict[tuple[int, str], Path] = {}
CASE_WITHOUT_PICTURE = [{**builders.CASES[0], "image": None, "caption": None}]


def _passing_master() -> Path:
    """The good school without a picture file named in 典型案例 (a portal upload has no folder beside
    it): validates with no finding at all."""
    if (-1, "") not in _cache:
        _cache[(-1, "")] = builders.good_school(builders._cache_dir() / "portal", cases=CASE_WITHOUT_PICTURE)
    return _cache[(-1, "")]


def school_workbook(folder: Path, i: int, kind: str = "pass", name: str | None = None) -> Path:
    """A workbook of expected school i in `folder`: kind "pass" (no finding), "warning" (a number typed
    with its unit) or "error" (text where a number belongs, on 计分卡 graduates)."""
    key = (i, kind)
    if key not in _cache:
        path = builders._cache_dir() / "portal" / f"{i}-{kind}.xlsx"
        shutil.copyfile(_passing_master(), path)
        school, short, code = school_info(i)
        with builders.edit(path) as wb:
            builders.set_info(wb, "学校名称", school)
            builders.set_info(wb, "学校简称", short)
            builders.set_info(wb, "学校标识码", code)
            if kind == "warning":
                builders.set_value(wb, "graduates", "current", "436人")
            elif kind == "error":
                builders.set_value(wb, "graduates", "current", "很多")
        _cache[key] = path
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / (name or f"{school_info(i)[0]}-{kind}.xlsx")
    shutil.copyfile(_cache[key], target)
    return target


CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def csrf_of(html: str) -> str:
    match = CSRF.search(html)
    assert match, "the page has no form with a CSRF value"
    return match.group(1)


def text_of(html: str) -> str:
    """The visible text of a page, whitespace collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


class Visitor:
    """One browser: its own cookies; takes the CSRF value from the page it last loaded."""

    def __init__(self, app: Starlette) -> None:
        self.client = TestClient(app, follow_redirects=False)
        self.portal: Any = app.state.portal

    def link(self, i: int) -> str:
        school = self.portal.store.schools()[i]
        return f"/s/{self.portal.store.link_token(school)}"

    def csrf(self, path: str | None = None) -> str:
        """The session's CSRF value, from a page with a form (a school page always has one)."""
        page = self.client.get(path or self.link(0))
        return csrf_of(page.text)

    def upload(self, link: str, path: Path, *, filename: str | None = None) -> httpx.Response:
        token = self.csrf(link)
        files = {"file": (filename or path.name, path.read_bytes(), "application/octet-stream")}
        return self.client.post(f"{link}/upload", data={"csrf": token}, files=files)

    def login(self, password: str = PASSWORD) -> httpx.Response:
        token = self.csrf("/bureau/login")
        return self.client.post("/bureau/login", data={"csrf": token, "password": password})

    def post(self, path: str, **data: str) -> httpx.Response:
        token = self.csrf()
        return self.client.post(path, data={"csrf": token, **data})


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def live_server(app: Starlette) -> Iterator[str]:
    """The app under the real uvicorn server on a free loopback port; yields its base URL."""
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(30)
