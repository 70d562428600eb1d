"""Jinja2's sandbox with budgets: a narrative template can read the figures, not the machine, and
cannot make qreport loop, allocate or wait without bound.

Jinja's own sandbox stops attribute tricks; what it lets through is cost: `range(100000)` nested
twice, `'A' * 10**9`, `'x'|center(10**9)`, `'%0999999999d'|format(1)`. Here every range() counts
against one loop budget per file, repetition and arithmetic that would build a huge value are
refused before they run, every number passed to a filter or method is bounded, output is counted
as it is produced, and a render that outlives its time budget is stopped.
"""

from __future__ import annotations

import functools
import operator
import re
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from jinja2.sandbox import SandboxedEnvironment

from qreport.budgets import (
    MAX_NARRATIVE_CHARS,
    MAX_NARRATIVE_LOOPS,
    MAX_NARRATIVE_NUMBER,
    MAX_NARRATIVE_SECONDS,
)

_WIDE_FORMAT = re.compile(r"%[-#0 +]*\d{6,}|%[-#0 +]*\d*\.\d{6,}|\{[^{}]*?:[^{}]*?\d{6,}[^{}]*\}")


class OverBudget(Exception):
    """A narrative template asked for more than its budget; the message is Chinese."""


class LimitedSandbox(SandboxedEnvironment):
    intercepted_binops = frozenset(["*", "**", "+", "//", "%"])

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.loops = 0
        self.deadline = float("inf")
        self.globals["range"] = self._range
        self.filters = {name: _bounded(f) for name, f in self.filters.items()}

    # -- budgets ----------------------------------------------------------------------------------
    def start(self) -> None:
        self.loops = 0
        self.deadline = time.monotonic() + MAX_NARRATIVE_SECONDS

    def tick(self, loops: int = 0) -> None:
        """Count `loops` range() steps against the loop budget and look at the clock."""
        self.loops += loops
        if self.loops > MAX_NARRATIVE_LOOPS:
            raise OverBudget(f"循环次数超过 {MAX_NARRATIVE_LOOPS} 次")
        if time.monotonic() > self.deadline:
            raise OverBudget(f"生成时间超过 {MAX_NARRATIVE_SECONDS:g} 秒")

    def _range(self, *args: int) -> Iterator[int]:
        for n in args:
            _check_number(n)
        for i in range(*args):
            self.tick(1)
            yield i

    # -- hooks of the sandbox -------------------------------------------------------------------
    def call_binop(self, context: Any, operator_name: str, left: Any, right: Any) -> Any:
        self.tick()
        if operator_name == "**":
            if isinstance(right, int | float) and abs(right) > 64:
                raise OverBudget(f"乘方的指数 {right} 过大")
            return _guard(operator.pow, left, right)
        if operator_name == "*":
            for seq, times in ((left, right), (right, left)):
                sized = isinstance(seq, str | list | tuple) and isinstance(times, int)
                if sized and len(seq) * times > MAX_NARRATIVE_CHARS:
                    raise OverBudget(f"重复生成的内容超过 {MAX_NARRATIVE_CHARS} 个字符")
            return _guard(operator.mul, left, right)
        joined = operator_name == "+" and isinstance(left, str | list) and isinstance(right, str | list)
        if joined and len(left) + len(right) > MAX_NARRATIVE_CHARS:
            raise OverBudget(f"拼接的内容超过 {MAX_NARRATIVE_CHARS} 个字符")
        if operator_name == "%" and isinstance(left, str) and _WIDE_FORMAT.search(left):
            raise OverBudget("格式中的宽度或精度过大")
        return super().call_binop(context, operator_name, left, right)

    def call(self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        self.tick()
        for value in (*args, *kwargs.values()):
            _check_number(value)
        # Jinja hands str.format out wrapped; the string it formats is the wrapped method's owner
        owner = getattr(getattr(__obj, "__wrapped__", __obj), "__self__", None)
        if isinstance(owner, str) and _WIDE_FORMAT.search(owner):
            raise OverBudget("格式中的宽度或精度过大")
        return super().call(__context, __obj, *args, **kwargs)

    def render(self, template: Any, context: dict[str, Any]) -> str:
        """The template's text, produced within the budgets."""
        self.start()
        out: list[str] = []
        size = 0
        with _alarm(MAX_NARRATIVE_SECONDS):
            for piece in template.generate(context):
                size += len(piece)
                if size > MAX_NARRATIVE_CHARS:
                    raise OverBudget(f"生成的文字超过 {MAX_NARRATIVE_CHARS} 个字符")
                out.append(piece)
                self.tick()
        return "".join(out)


def _check_number(value: object) -> None:
    if isinstance(value, int | float) and not isinstance(value, bool) and abs(value) > MAX_NARRATIVE_NUMBER:
        raise OverBudget(f"使用的数 {value:g} 超过上限 {MAX_NARRATIVE_NUMBER}")


def _guard(op: Callable[[Any, Any], Any], left: Any, right: Any) -> Any:
    for value in (left, right):
        if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 256:
            raise OverBudget("数值过大")
    return op(left, right)


def _bounded(f: Callable[..., Any]) -> Callable[..., Any]:
    """A filter whose numeric arguments and format strings are checked before it runs."""

    @functools.wraps(f)  # keeps Jinja's pass_context/pass_environment marks
    def limited(*args: Any, **kwargs: Any) -> Any:
        for value in (*args[1:], *kwargs.values()):
            _check_number(value)
            if isinstance(value, str) and _WIDE_FORMAT.search(value):
                raise OverBudget("格式中的宽度或精度过大")
        if args and isinstance(args[0], str) and f.__name__ == "do_format" and _WIDE_FORMAT.search(args[0]):
            raise OverBudget("格式中的宽度或精度过大")
        return f(*args, **kwargs)

    return limited


@contextmanager
def _alarm(seconds: float) -> Iterator[None]:
    """Stop a render that runs past `seconds`, even inside a loop that calls nothing (main thread
    only: elsewhere the loop and call counts still bound it)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def expire(_signum: int, _frame: object) -> None:
        raise OverBudget(f"生成时间超过 {seconds:g} 秒")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
