"""The portal's secrets: school link tokens, the bureau password, CSRF values and rate limits.

A school's link token is HMAC-SHA256(folder secret, "link:<school>:<generation>"): 256 bits no one can
guess without the secret, and the bureau can print a school's link again at any time (`qreport links`,
the bureau page) without the token being stored anywhere. The database keeps only the SHA-256 of each
current token, to find the school a request belongs to; renewing a link raises the generation, so the
old token matches nothing. The secret is a random 32-byte file readable only by its owner.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import threading
import time
from collections import deque
from pathlib import Path

SECRET_BYTES = 32


def load_or_create_secret(path: Path) -> bytes:
    """The folder's secret, created (mode 0600, written whole) on first use."""
    try:
        data = path.read_bytes()
        if len(data) == 2 * SECRET_BYTES:
            return bytes.fromhex(data.decode("ascii"))
    except (FileNotFoundError, ValueError, UnicodeDecodeError):
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(secrets.token_hex(SECRET_BYTES))
        fh.flush()
        os.fsync(fh.fileno())
    try:
        os.link(tmp, path)  # never replaces a secret another process created meanwhile
    except FileExistsError:
        pass
    finally:
        tmp.unlink()
    return bytes.fromhex(path.read_text(encoding="ascii"))


def derive(secret: bytes, label: str) -> bytes:
    return hmac.new(secret, label.encode("utf-8"), hashlib.sha256).digest()


def link_token(secret: bytes, school: str, generation: int) -> str:
    raw = derive(secret, f"link:{school}:{generation}")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


class Password:
    """The bureau password, held only as a keyed digest; compared in constant time."""

    def __init__(self, secret: bytes, password: str) -> None:
        self._key = derive(secret, "password")
        self._digest = self._of(password)
        # what a bureau session carries: changes when the password changes, reveals nothing of it
        self.session_mark = hmac.new(self._key, b"session:" + self._digest, hashlib.sha256).hexdigest()

    def _of(self, password: str) -> bytes:
        return hmac.new(self._key, password.encode("utf-8", "replace"), hashlib.sha256).digest()

    def matches(self, attempt: str) -> bool:
        return hmac.compare_digest(self._of(attempt), self._digest)


def new_csrf() -> str:
    return secrets.token_urlsafe(32)


def same_secret(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return False
    return hmac.compare_digest(a.encode("utf-8", "replace"), b.encode("utf-8", "replace"))


class RateLimit:
    """At most `limit` events per `window` seconds for each key (a link, a client address)."""

    def __init__(self, limit: int, window: float = 60.0) -> None:
        self.limit = limit
        self.window = window
        self._events: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        now = time.monotonic()
        with self._lock:
            events = self._events.setdefault(key, deque())
            while events and now - events[0] >= self.window:
                events.popleft()
            if len(events) >= self.limit:
                return False
            events.append(now)
            if len(self._events) > 10_000:  # forget idle keys, so memory stays bounded
                for k in [k for k, v in self._events.items() if not v or now - v[-1] >= self.window]:
                    del self._events[k]
            return True

    def retry_after(self, key: str) -> int:
        with self._lock:
            events = self._events.get(key)
            if not events:
                return 0
            return max(1, int(self.window - (time.monotonic() - events[0])) + 1)
