"""Where the portal keeps things: a SQLite log and immutable files under the bureau folder.

    DIR/报送/<学校名称>.xlsx           each school's submission, where `qreport build DIR` reads it
    DIR/.qreport-portal/portal.db      the log: schools, every uploaded version, draft builds
    DIR/.qreport-portal/secret         the folder secret (links, sessions), mode 0600
    DIR/.qreport-portal/versions/      every upload, named by a random id, never changed
    DIR/.qreport-portal/annotated/     marked copies, made on first download
    DIR/.qreport-portal/builds/<n>/    draft reports

The hidden folder is skipped by `build`. An upload is first written whole under versions/; then one
transaction records it and, when it has no error, replaces the school's submission (an atomic rename)
before committing. A crash between the rename and the commit is repaired on the next start
(`reconcile`): every submission file is made equal to the version the log says is current.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import sqlite3
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from qreport.serve.security import link_token, load_or_create_secret, token_hash

PORTAL_DIR = ".qreport-portal"
SUBMISSIONS_DIR = "报送"
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")

SCHEMA = """
CREATE TABLE IF NOT EXISTS schools (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    generation INTEGER NOT NULL DEFAULT 0,
    token_hash TEXT NOT NULL UNIQUE,
    active INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE IF NOT EXISTS versions (
    id INTEGER PRIMARY KEY,
    school_id INTEGER NOT NULL REFERENCES schools(id),
    seq INTEGER NOT NULL,
    uploaded_at TEXT NOT NULL,
    original_name TEXT NOT NULL,
    stored TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    readable INTEGER NOT NULL,
    errors INTEGER NOT NULL,
    warnings INTEGER NOT NULL,
    school_name TEXT NOT NULL DEFAULT '',
    school_code TEXT NOT NULL DEFAULT '',
    findings TEXT NOT NULL,
    UNIQUE (school_id, seq)
);
CREATE INDEX IF NOT EXISTS versions_by_code ON versions (school_code);
CREATE TABLE IF NOT EXISTS builds (
    id INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    state TEXT NOT NULL,
    phase TEXT NOT NULL DEFAULT '',
    done INTEGER NOT NULL DEFAULT 0,
    total INTEGER NOT NULL DEFAULT 0,
    message TEXT NOT NULL DEFAULT '',
    outputs TEXT NOT NULL DEFAULT '{}'
);
"""

_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')


def safe_file_name(name: str) -> str:
    """A name from the bureau's own config made safe as one file name (never an uploaded name)."""
    cleaned = _UNSAFE.sub("_", name).strip(" .") or "学校"
    return cleaned[:120]


def now_text() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


@dataclass(frozen=True)
class SchoolRow:
    id: int
    name: str
    generation: int
    token_hash: str
    active: bool


@dataclass(frozen=True)
class UploadFacts:
    """What validation learnt of an upload."""

    original_name: str  # as shown (qreport.serve.intake.display_name), never a path
    size: int
    sha256: str
    readable: bool
    errors: int
    warnings: int
    school_name: str
    school_code: str


@dataclass(frozen=True)
class VersionRow(UploadFacts):
    id: int
    school_id: int
    seq: int
    uploaded_at: str
    stored: str  # the file's name under versions/
    findings: str  # JSON list, as validate --json

    @property
    def accepted(self) -> bool:
        return self.readable and self.errors == 0

    def finding_dicts(self) -> list[dict[str, Any]]:
        data = json.loads(self.findings)
        return data if isinstance(data, list) else []


@dataclass(frozen=True)
class BuildRow:
    id: int
    started_at: str
    finished_at: str | None
    state: str  # running, done, failed
    phase: str
    done: int
    total: int
    message: str
    outputs: str  # JSON {kind: file name}

    def output_names(self) -> dict[str, str]:
        data = json.loads(self.outputs or "{}")
        return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


@dataclass(frozen=True)
class NewVersion(UploadFacts):
    """An upload to be recorded."""

    findings: list[dict[str, Any]]


class BuildRunning(Exception):
    """A draft build is already running: one at a time."""


class Store:
    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.root = self.folder / PORTAL_DIR
        self.versions_dir = self.root / "versions"
        self.annotated_dir = self.root / "annotated"
        self.builds_dir = self.root / "builds"
        self.submissions_dir = self.folder / SUBMISSIONS_DIR
        for d in (self.root, self.versions_dir, self.annotated_dir, self.builds_dir):
            d.mkdir(parents=True, exist_ok=True)
        self.db_path = self.root / "portal.db"
        self.secret = load_or_create_secret(self.root / "secret")
        self._write = threading.Lock()  # one writer at a time: no SQLITE_BUSY, submissions in log order
        self._local = threading.local()  # a connection per thread (the server's threads are pooled)
        with self._connect() as conn:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.executescript(SCHEMA)

    # -- connections -----------------------------------------------------------------------------

    @contextlib.contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """This thread's connection, kept open: opening costs little, but closing the last connection
        of a WAL database checkpoints it, which would cost every request a few disk syncs."""
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.db_path, timeout=30, isolation_level=None, check_same_thread=False)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA busy_timeout=30000")
            # WAL with NORMAL: a commit is atomic and survives a crash or kill of the server; after a
            # power cut the last commits may be lost, and `reconcile` makes the files agree again
            conn.execute("PRAGMA synchronous=NORMAL")
            self._local.conn = conn
        yield conn

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._write, self._connect() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    # -- schools ---------------------------------------------------------------------------------

    def sync_schools(self, names: list[str]) -> None:
        """The expected schools of qreport.toml: new ones get a link; ones no longer listed are kept
        (with their uploads) but inactive, and their links stop working."""
        with self._transaction() as conn:
            known = {r["name"] for r in conn.execute("SELECT name FROM schools")}
            for name in names:
                if name not in known:
                    conn.execute(
                        "INSERT INTO schools (name, generation, token_hash) VALUES (?, 0, ?)",
                        (name, token_hash(link_token(self.secret, name, 0))),
                    )
            conn.execute("UPDATE schools SET active = 0")
            conn.executemany("UPDATE schools SET active = 1 WHERE name = ?", [(n,) for n in names])

    def schools(self) -> list[SchoolRow]:
        with self._connect() as conn:
            rows = conn.execute("SELECT * FROM schools WHERE active = 1 ORDER BY id").fetchall()
        return [_school(r) for r in rows]

    def school(self, school_id: int) -> SchoolRow | None:
        with self._connect() as conn:
            row = conn.execute("SELECT * FROM schools WHERE id = ? AND active = 1", (school_id,)).fetchone()
        return _school(row) if row else None

    def school_by_token(self, token: str) -> SchoolRow | None:
        with self._connect() as conn:
            row = conn.execute(
                "SELECT * FROM schools WHERE token_hash = ? AND active = 1", (token_hash(token),)
            ).fetchone()
        return _school(row) if row else None

    def link_token(self, school: SchoolRow) -> str:
        return link_token(self.secret, school.name, school.generation)

    def renew(self, school_id: int) -> None:
        """A new link for a school; the old one stops working at once."""
        with self._transaction() as conn:
            row = conn.execute("SELECT name, generation FROM schools WHERE id = ?", (school_id,)).fetchone()
            if row is None:
                return
            generation = row["generation"] + 1
            conn.execute(
                "UPDATE schools SET generation = ?, token_hash = ? WHERE id = ?",
                (generation, token_hash(link_token(self.secret, row["name"], generation)), school_id),
            )

    def submission_path(self, school: SchoolRow | str) -> Path:
        name = school if isinstance(school, str) else school.name
        return self.submissions_dir / f"{safe_file_name(name)}.xlsx"

    # -- versions --------------------------------------------------------------------------------

    def staging_path(self) -> Path:
        """A fresh, unguessable file name under versions/ for an upload (its final name)."""
        return self.versions_dir / f"{uuid.uuid4().hex}.xlsx"

    def version_file(self, version: VersionRow) -> Path:
        return self.versions_dir / version.stored

    def versions(self, school_id: int) -> list[VersionRow]:
        with self._connect() as conn:
            rows = conn.execute(
                "SELECT * FROM versions WHERE school_id = ? ORDER BY seq DESC", (school_id,)
            ).fetchall()
        return [VersionRow(**dict(r)) for r in rows]

    def version(self, school_id: int, seq: int) -> VersionRow | None:
        with self._connect() as conn:
            row = conn.execute(
                "SELECT * FROM versions WHERE school_id = ? AND seq = ?", (school_id, seq)
            ).fetchone()
        return VersionRow(**dict(row)) if row else None

    def latest_versions(self) -> dict[int, tuple[VersionRow | None, VersionRow | None]]:
        """{school id: (latest upload, submission = latest upload without errors)}."""
        with self._connect() as conn:
            latest = conn.execute(
                "SELECT * FROM versions WHERE id IN (SELECT MAX(id) FROM versions GROUP BY school_id)"
            ).fetchall()
            accepted = conn.execute(
                "SELECT * FROM versions WHERE id IN (SELECT MAX(id) FROM versions"
                " WHERE readable = 1 AND errors = 0 GROUP BY school_id)"
            ).fetchall()
        out: dict[int, tuple[VersionRow | None, VersionRow | None]] = {}
        for r in latest:
            out[r["school_id"]] = (VersionRow(**dict(r)), None)
        for r in accepted:
            out[r["school_id"]] = (out.get(r["school_id"], (None, None))[0], VersionRow(**dict(r)))
        return out

    def codes_of_others(self, school_id: int) -> dict[str, str]:
        """{学校标识码: school} from the other schools' uploads: a code belongs to the school that used it."""
        with self._connect() as conn:
            rows = conn.execute(
                "SELECT DISTINCT s.name, v.school_code FROM versions v JOIN schools s ON s.id = v.school_id"
                " WHERE v.school_id != ? AND v.school_code != '' AND v.readable = 1",
                (school_id,),
            ).fetchall()
        return {r["school_code"]: r["name"] for r in rows}

    def record(self, school: SchoolRow, staged: Path, new: NewVersion) -> VersionRow:
        """Record an upload already written whole at `staged`; when it has no error, make it the
        school's submission. The copy is prepared first; the log entry and the rename onto the
        submission happen in one transaction, in log order (a crash between them is repaired by
        `reconcile`)."""
        target = self.submission_path(school)
        prepared = self._prepare(staged, target) if new.readable and new.errors == 0 else None
        try:
            with self._transaction() as conn:
                seq = conn.execute(
                    "SELECT COALESCE(MAX(seq), 0) + 1 FROM versions WHERE school_id = ?", (school.id,)
                ).fetchone()[0]
                cur = conn.execute(
                    "INSERT INTO versions (school_id, seq, uploaded_at, original_name, stored, sha256, size,"
                    " readable, errors, warnings, school_name, school_code, findings)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (school.id, seq, now_text(), new.original_name, staged.name, new.sha256, new.size,
                     int(new.readable), new.errors, new.warnings, new.school_name, new.school_code,
                     json.dumps(new.findings, ensure_ascii=False)),
                )  # fmt: skip
                row = conn.execute("SELECT * FROM versions WHERE id = ?", (cur.lastrowid,)).fetchone()
                if prepared is not None:
                    self._place(prepared, target)
        finally:
            if prepared is not None:
                prepared.unlink(missing_ok=True)
        return VersionRow(**dict(row))

    def _prepare(self, source: Path, target: Path) -> Path:
        """A copy of `source` under a hidden name beside `target` (build skips hidden files). Not
        synced to disk: the version file is, and after a power cut `reconcile` checks the
        submission's hash against the log and copies it again when it differs."""
        target.parent.mkdir(parents=True, exist_ok=True)
        prepared = target.with_name(f".{uuid.uuid4().hex}.part")
        try:
            shutil.copyfile(source, prepared)
        except BaseException:
            prepared.unlink(missing_ok=True)
            raise
        return prepared

    def _place(self, prepared: Path, target: Path) -> None:
        os.replace(prepared, target)

    def reconcile(self) -> list[str]:
        """After a crash or kill: submission files equal the log, stray files go. Returns what changed."""
        changes: list[str] = []
        known: set[str] = set()
        with self._write, self._connect() as conn:
            known = {r["stored"] for r in conn.execute("SELECT stored FROM versions")}
            conn.execute(
                "UPDATE builds SET state = 'failed', message = '服务已重启，本次生成未完成。'"
                " WHERE state = 'running'"
            )
        for path in self.versions_dir.iterdir():
            if path.name not in known:  # written, but its transaction never committed
                path.unlink(missing_ok=True)
                changes.append(f"removed {path.name}")
        if self.submissions_dir.is_dir():
            for path in self.submissions_dir.glob(".*.part"):  # a copy prepared, never moved into place
                path.unlink(missing_ok=True)
                changes.append(f"removed {path.name}")
        latest = self.latest_versions()
        for school in self.schools():
            target = self.submission_path(school)
            accepted = latest.get(school.id, (None, None))[1]
            if accepted is None:
                if target.exists():
                    target.unlink()
                    changes.append(f"removed {target.name}")
            elif not target.exists() or sha256_of(target) != accepted.sha256:
                self._place(self._prepare(self.version_file(accepted), target), target)
                changes.append(f"restored {target.name}")
        return changes

    def snapshot(self) -> list[tuple[SchoolRow, VersionRow]]:
        """Every school's submission as of one moment (version files never change afterwards)."""
        latest = self.latest_versions()
        out = []
        for school in self.schools():
            accepted = latest.get(school.id, (None, None))[1]
            if accepted is not None:
                out.append((school, accepted))
        return out

    # -- draft builds ----------------------------------------------------------------------------

    def start_build(self) -> BuildRow:
        with self._transaction() as conn:
            if conn.execute("SELECT 1 FROM builds WHERE state = 'running'").fetchone():
                raise BuildRunning
            cur = conn.execute(
                "INSERT INTO builds (started_at, state, phase) VALUES (?, 'running', '准备')", (now_text(),)
            )
            row = conn.execute("SELECT * FROM builds WHERE id = ?", (cur.lastrowid,)).fetchone()
        return BuildRow(**dict(row))

    def update_build(self, build_id: int, **fields: Any) -> None:
        if "outputs" in fields:
            fields["outputs"] = json.dumps(fields["outputs"], ensure_ascii=False)
        if fields.get("state") in ("done", "failed"):
            fields["finished_at"] = now_text()
        names = ", ".join(f"{k} = ?" for k in fields)
        with self._transaction() as conn:
            conn.execute(f"UPDATE builds SET {names} WHERE id = ?", (*fields.values(), build_id))

    def build(self, build_id: int) -> BuildRow | None:
        with self._connect() as conn:
            row = conn.execute("SELECT * FROM builds WHERE id = ?", (build_id,)).fetchone()
        return BuildRow(**dict(row)) if row else None

    def latest_build(self) -> BuildRow | None:
        with self._connect() as conn:
            row = conn.execute("SELECT * FROM builds ORDER BY id DESC LIMIT 1").fetchone()
        return BuildRow(**dict(row)) if row else None

    def build_dir(self, build_id: int) -> Path:
        return self.builds_dir / str(int(build_id))


def _school(row: sqlite3.Row) -> SchoolRow:
    return SchoolRow(row["id"], row["name"], row["generation"], row["token_hash"], bool(row["active"]))
