"""What stops a run. Caught only at the CLI edge and mapped to exit status 2."""

from __future__ import annotations

import os


def debug() -> bool:
    """QREPORT_DEBUG=1: show tracebacks and the library's own words beside the Chinese messages."""
    return bool(os.environ.get("QREPORT_DEBUG"))


def original(exc: BaseException, where: str = "") -> str:
    """A library's own (English) description of a failure, for a Chinese message: only when debugging."""
    place = f"{where}: " if where else ""
    return f"；原始信息：{place}{type(exc).__name__}: {exc}" if debug() else ""


class QreportError(Exception):
    """A failure the user can fix; `message` is Chinese and says what to do."""

    code = "error"

    def __init__(self, message: str, *, path: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = path


class UnreadableWorkbook(QreportError):
    """The file is not an .xlsx workbook qreport can open (missing, legacy, encrypted, hostile)."""

    def __init__(
        self, message: str, *, path: str | None = None, code: str = "unreadable", sheet: str | None = None
    ) -> None:
        super().__init__(message, path=path)
        self.code = code
        self.sheet = sheet  # the sheet that made the file unreadable, when one did


class CatalogError(QreportError):
    code = "catalog"


class UnknownYear(QreportError):
    code = "unknown_year"


class ConfigError(QreportError):
    code = "config"


class InputError(QreportError):
    """Unusable input for a command: empty folder, duplicate schools, a bad dataset file."""

    code = "input"
