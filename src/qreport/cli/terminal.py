"""Lines for people: styled by Rich on a terminal, plain text when piped or captured.

A line is a sequence of spans, each plain text or (text, style), never a markup string: file names
and typed values such as "[/]" or "[注]" print exactly as they are. Rich is imported only when a
terminal needs it, so `qreport validate` run by a script does not pay for loading it.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, TextIO

from qreport.textgate import gate

if TYPE_CHECKING:
    from rich.console import Console

Span = str | tuple[str, str]

ERROR = "bold red"
WARNING = "yellow"
STRONG = "bold"


class Terminal:
    """Standard output or standard error, as people read it."""

    def __init__(self, *, stderr: bool = False) -> None:
        self._stderr = stderr
        self._console: Console | None = None

    @property
    def stream(self) -> TextIO:
        # looked up on every use: test runners swap sys.stdout and sys.stderr
        return sys.stderr if self._stderr else sys.stdout

    @property
    def styled(self) -> bool:
        return bool(os.environ.get("FORCE_COLOR")) or self.stream.isatty()

    def console(self) -> Console:
        """The Rich console behind this stream, for progress bars and tables."""
        if self._console is None:
            from rich.console import Console

            self._console = Console(stderr=self._stderr, highlight=False)
        return self._console

    def line(self, *spans: Span) -> None:
        """One line of output; long lines are left to the terminal to wrap, never cut. Every span
        passes the text gate: a typed value or file name cannot move the cursor or retitle the window."""
        spans = tuple(
            gate(s, shown=True) if isinstance(s, str) else (gate(s[0], shown=True), s[1]) for s in spans
        )
        if self.styled:
            from rich.text import Text

            self.console().print(Text.assemble(*spans), soft_wrap=True)
        else:
            self.stream.write("".join(s if isinstance(s, str) else s[0] for s in spans) + "\n")
