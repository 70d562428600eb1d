"""The command line speaks Chinese: help pages, usage lines and every usage error.

Typer (through Click) writes its own English ("Usage:", "Show this message and exit.", "Missing
argument", "No such option"). Commands of the qreport app use the classes below instead: help is
rendered here from each parameter's Chinese metavar and help text, and Click's usage errors are
turned into Chinese messages from their data (which option, which argument, what was typed), never
from their English text. The English original is shown only under QREPORT_DEBUG=1.
"""

from __future__ import annotations

import difflib
import re
import sys
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

import typer
from typer.core import TyperCommand, TyperGroup

from qreport.errors import debug

try:  # typer 0.2x carries its own copy of Click
    from typer._click import Context, Parameter
    from typer._click import exceptions as click_errors
except ImportError:  # pragma: no cover - older typer depends on click itself
    from click import Context, Parameter  # type: ignore[no-redef,assignment,unused-ignore]
    from click import exceptions as click_errors  # type: ignore[no-redef]

Function = TypeVar("Function", bound=Callable[..., Any])
HELP_TEXT = "显示本帮助并退出。"
WIDTH = 100  # help pages wrap long descriptions at this many terminal columns
_ASCII_TAIL = re.compile(r"[!-~]+$")  # a run of printable ASCII ending the line


class UsageProblem(click_errors.UsageError):
    """A usage error whose message is already Chinese."""


# --- help pages --------------------------------------------------------------------------------


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _wrap(text: str, width: int) -> list[str]:
    """Break `text` into lines of at most `width` columns (Chinese has no spaces to break at)."""
    lines, line = [], ""
    for ch in text:
        if _width(line + ch) > width:
            # an option name, number or address (0.0.0.0) moves to the next line whole
            run = _ASCII_TAIL.search(line)
            keep = run is not None and ch.isascii() and not ch.isspace() and run.start() > 0
            head, tail = (line[: run.start()], line[run.start() :]) if keep and run else (line, "")
            lines.append(head)
            line = (tail + ch).lstrip()
        else:
            line += ch
    return [*lines, line] if line or not lines else lines


def _metavar(param: Parameter) -> str:
    name = param.metavar or (param.name or "").upper()
    return f"{name}..." if param.nargs == -1 else name


def _option_name(param: Parameter) -> str:
    names = ", ".join(sorted([*param.opts, *param.secondary_opts], key=lambda o: (o.startswith("--"), o)))
    if getattr(param, "is_flag", False) or param.name == "help":
        return names
    return f"{names} {_metavar(param)}"


def _description(param: Parameter) -> str:
    if param.name == "help":
        return HELP_TEXT
    text = getattr(param, "help", None) or ""
    return f"{text.rstrip('。')}（必填）。" if param.required else text


def _rows(rows: Sequence[tuple[str, str]]) -> Iterator[str]:
    left = min(max((_width(name) for name, _ in rows), default=0), 28) + 4
    for name, text in rows:
        lines = _wrap(text, max(WIDTH - left, 30))
        if _width(name) + 4 > left:  # a long name gets its own line; the text goes under it
            yield f"  {name}"
            lines = lines if text else []
        else:
            first = lines.pop(0) if lines else ""
            yield f"  {name}{' ' * (left - 2 - _width(name))}{first}".rstrip()
        yield from (" " * left + line for line in lines)


def usage_line(command: Any, ctx: Context) -> str:
    parts = [ctx.command_path]
    if any(not p.hidden for p in command.get_params(ctx) if p.param_type_name == "option"):
        parts.append("[选项]")
    if isinstance(command, TyperGroup):
        parts.append("命令 [参数]...")
    for p in command.get_params(ctx):
        if p.param_type_name == "argument":
            parts.append(_metavar(p) if p.required else f"[{_metavar(p)}]")
    return "用法：" + " ".join(parts)


def help_page(command: Any, ctx: Context) -> str:
    out = [usage_line(command, ctx), ""]
    for line in (command.help or "").strip().splitlines():
        out.append(f"  {line.strip()}" if line.strip() else "")
    params = [p for p in command.get_params(ctx) if not getattr(p, "hidden", False)]
    arguments = [(_metavar(p), _description(p)) for p in params if p.param_type_name == "argument"]
    options = [(_option_name(p), _description(p)) for p in params if p.param_type_name == "option"]
    if arguments:
        out += ["", "参数：", *_rows(arguments)]
    if options:
        out += ["", "选项：", *_rows(options)]
    if isinstance(command, TyperGroup):
        commands = []
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is not None and not sub.hidden:
                commands.append((name, (sub.help or "").strip().splitlines()[0] if sub.help else ""))
        out += ["", "命令：", *_rows(commands), "", f"运行 {ctx.command_path} 命令 --help 查看该命令的用法。"]
    return "\n".join(out) + "\n"


# --- usage errors ------------------------------------------------------------------------------


def _param_label(param: Parameter | None) -> str:
    if param is None:
        return "参数"
    if param.param_type_name == "argument":
        return f"参数 {_metavar(param)}"
    return f"选项 {max(param.opts, key=len)}"


def _typed(args: Sequence[str], param: Parameter | None) -> str | None:
    """What the user typed for `param` (its last occurrence), found in the arguments as given."""
    if param is None or param.param_type_name != "option":
        return None
    found = None
    for i, token in enumerate(args):
        for opt in param.opts:
            if token == opt and i + 1 < len(args):
                found = args[i + 1]
            elif token.startswith(f"{opt}="):
                found = token.split("=", 1)[1]
    return found


def _options_of(ctx: Context | None) -> list[str]:
    if ctx is None:
        return []
    return [o for p in ctx.command.get_params(ctx) for o in p.opts if o.startswith("-")]


def chinese_message(exc: click_errors.ClickException, args: Sequence[str]) -> str:
    """The Chinese message for a usage error, from its data, never from Click's English."""
    ctx = getattr(exc, "ctx", None)
    if isinstance(exc, UsageProblem):
        return exc.message
    if isinstance(exc, click_errors.NoSuchOption):
        near = exc.possibilities or difflib.get_close_matches(exc.option_name, _options_of(ctx), n=3)
        hint = f"是否为 {'、'.join(sorted(near))}？" if near else "请运行 --help 查看可用的选项。"
        return f"没有选项 {exc.option_name}。{hint}"
    if isinstance(exc, click_errors.MissingParameter):
        param = exc.param
        what = (getattr(param, "help", "") or "").rstrip("。")
        name = _param_label(param).replace("...", "").strip()
        return f"缺少{name}：{what}。" if what else f"缺少{name}。"
    if isinstance(exc, click_errors.BadOptionUsage):
        option = _param_of(ctx, exc.option_name)
        if option is not None and getattr(option, "is_flag", False):
            return f"选项 {exc.option_name} 是开关，后面不用填写取值。"
        return f"选项 {exc.option_name} 后面需要填写{_metavar(option) if option else '一个值'}。"
    if isinstance(exc, click_errors.BadParameter):
        param = exc.param
        typed = _typed(args, param)
        shown = f"“{typed}”" if typed is not None else ""
        expected = f"，应为{_metavar(param)}" if param is not None and param.metavar else ""
        return f"{_param_label(param)} 的取值{shown}无效{expected}。"
    return "命令行有误。"


def _param_of(ctx: Context | None, option: str) -> Parameter | None:
    if ctx is None:
        return None
    return next((p for p in ctx.command.get_params(ctx) if option in p.opts), None)


def show_usage_error(exc: click_errors.ClickException, args: Sequence[str]) -> None:
    ctx = getattr(exc, "ctx", None)
    err = sys.stderr
    if ctx is not None:
        err.write(usage_line(ctx.command, ctx) + "\n")
    err.write(f"错误：{chinese_message(exc, args)}\n")
    if debug():
        err.write(f"（原始信息：{exc.format_message()}）\n")
    if ctx is not None:
        err.write(f"运行 {ctx.command_path} --help 查看用法。\n")


# --- the classes the app uses ------------------------------------------------------------------


class _ChineseHelp:
    def format_help(self, ctx: Context, formatter: Any) -> None:
        formatter.write(help_page(self, ctx))

    def get_help_option(self, ctx: Context) -> Any:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = HELP_TEXT
        return option


class Command(_ChineseHelp, TyperCommand):
    """A qreport command: Chinese help, Chinese complaint about extra arguments."""

    def parse_args(self, ctx: Context, args: list[str]) -> list[str]:
        ctx.allow_extra_args = True  # the leftovers are refused below, in Chinese
        rest = super().parse_args(ctx, args)
        if rest and not ctx.resilient_parsing:
            extra = "、".join(f"“{a}”" for a in rest)
            raise UsageProblem(f"多余的参数：{extra}。", ctx=ctx)
        return rest


class Group(_ChineseHelp, TyperGroup):
    """The `qreport` group: Chinese help, and the one place usage errors become Chinese messages."""

    def resolve_command(self, ctx: Context, args: list[str]) -> Any:
        name = args[0]
        if self.get_command(ctx, name) is None and not name.startswith("-"):
            near = difflib.get_close_matches(name, self.list_commands(ctx), n=1)
            hint = f"是否为 {near[0]}？" if near else f"可用的命令：{'、'.join(self.list_commands(ctx))}。"
            raise UsageProblem(f"没有命令“{name}”。{hint}", ctx=ctx)
        return super().resolve_command(ctx, args)

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True, windows_expand_args: bool = True,
             **extra: Any) -> Any:  # fmt: skip
        given = list(sys.argv[1:] if args is None else args)
        prog = prog_name or self.name or "qreport"
        try:
            rv = super().main(given, prog_name, complete_var, False, windows_expand_args, **extra)
            code = rv if isinstance(rv, int) else 0
        except click_errors.NoArgsIsHelpError as exc:
            sys.stdout.write(help_page(exc.ctx.command, exc.ctx) if exc.ctx else "")
            code = 2
        except click_errors.ClickException as exc:
            if getattr(exc, "ctx", None) is None:  # the option parser does not say whose option it was
                exc.ctx = self._context_for(given, prog)  # type: ignore[attr-defined]
            show_usage_error(exc, given)
            code = exc.exit_code
        except typer.Abort:
            sys.stderr.write("已中断。\n")
            code = 1
        if standalone_mode:
            sys.exit(code)
        return code

    def _context_for(self, args: Sequence[str], prog: str) -> Context:
        """The context of the command named in `args` (or of the group), for usage lines."""
        root = Context(self, info_name=prog)
        name = next((a for a in args if a in self.commands), None)
        return Context(self.commands[name], info_name=name, parent=root) if name else root


class Typer(typer.Typer):
    """typer.Typer whose commands are `Command`s: a command added anywhere speaks Chinese."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(cls=Group, rich_markup_mode=None, **kwargs)

    def command(
        self, *args: Any, cls: type[TyperCommand] | None = None, **kwargs: Any
    ) -> Callable[[Function], Function]:
        decorator: Callable[[Function], Function] = super().command(*args, cls=cls or Command, **kwargs)
        return decorator
