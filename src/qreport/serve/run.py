"""Starting the portal and listing the schools' links: what `qreport serve` and `qreport links` call."""

from __future__ import annotations

import contextlib
import ipaddress
import os
import socket
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from qreport.errors import ConfigError, InputError

PASSWORD_ENV = "QREPORT_PASSWORD"
MIN_PASSWORD = 8


def password_from_env() -> str:
    password = os.environ.get(PASSWORD_ENV, "")
    if not password:
        raise ConfigError(
            f"没有设置教育局密码。请先设置环境变量 {PASSWORD_ENV}（至少 {MIN_PASSWORD} 个字符），"
            f"例如：{PASSWORD_ENV}='自己定的密码' qreport serve 文件夹"
        )
    if len(password) < MIN_PASSWORD:
        raise ConfigError(
            f"环境变量 {PASSWORD_ENV} 的密码太短（{len(password)} 个字符）。请至少用 {MIN_PASSWORD} 个字符。"
        )
    return password


def school_links(folder: Path, base_url: str) -> list[tuple[str, str]]:
    """(学校名称, private link) of each expected school of DIR/qreport.toml."""
    from qreport.serve.app import load_portal_config
    from qreport.serve.store import Store

    base = base_url.strip().rstrip("/")
    if not base.startswith(("http://", "https://")):
        raise InputError(
            f"--base-url 应以 http:// 或 https:// 开头，例如 http://192.168.1.10:8000（收到 {base_url}）。"
        )
    config = load_portal_config(folder)
    store = Store(folder)
    store.sync_schools([s.name for s in config.schools])
    return [(s.name, f"{base}/s/{store.link_token(s)}") for s in store.schools()]


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _check_port(host: str, port: int) -> None:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        raise InputError(
            f"无法识别的地址 --host {host}。请填写本机的 IP 地址，例如 127.0.0.1 或 0.0.0.0。"
        ) from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            raise InputError(
                f"无法在 {host}:{port} 上启动（{exc.strerror or exc}）。端口可能已被占用，请用 --port 换一个端口。"
            ) from None


def start_lines(host: str, port: int) -> list[str]:
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else shown}:{port}"
    lines = [
        f"填报门户已启动：{url}",
        f"教育局登录：{url}/bureau/login（密码为环境变量 {PASSWORD_ENV} 的值）",
    ]
    if is_loopback(host):
        lines.append(
            f"只有本机可以访问（监听 {host}）。要让学校从其他电脑访问，请加 --host 0.0.0.0 重新启动，"
            f"并用 qreport links 文件夹 --base-url http://本机局域网地址:{port} 生成各校链接。"
        )
    else:
        lines.append(
            f"正在监听 {host}:{port}：网络中的其他电脑可以访问。请只在单位内网使用，或放在 HTTPS 反向代理之后。"
        )
    lines.append("按 Ctrl-C 停止。")
    return lines


def serve(folder: Path, host: str, port: int, previous: Path | None, say: Callable[[str], None]) -> None:
    """Run the portal until stopped. Raises QreportError (exit 2) before anything starts."""
    import uvicorn

    from qreport.serve.app import create_app, load_portal_config

    password = password_from_env()
    if previous is not None and not previous.is_file():
        raise InputError(f"找不到上年数据集 {previous}。")
    load_portal_config(folder)  # a missing folder or list of schools is said before the port is tried
    _check_port(host, port)
    app = create_app(
        folder, password, previous=previous, log=lambda event: say(f"{datetime.now():%H:%M:%S} {event}")
    )
    for line in start_lines(host, port):
        say(line)
    # uvicorn's own access log would print every school's link: the portal logs its events instead
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C is how the bureau stops it
        uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False, server_header=False)
    say("填报门户已停止。")
