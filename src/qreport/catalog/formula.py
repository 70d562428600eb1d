"""Derived-indicator formulas: plain arithmetic over indicator ids, parsed once, evaluated safely.

The same expression is evaluated in Python (school and city values) and written into the template as
a live Excel formula, so a school sees the rate qreport will compute.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping
from fractions import Fraction
from functools import cache

from qreport.exact import Number, exact

_ALLOWED = (ast.Expression, ast.BinOp, ast.Name, ast.Load, ast.Constant, ast.Add, ast.Sub, ast.Mult, ast.Div)


@cache
def parse(expr: str) -> ast.Expression:
    tree = ast.parse(expr, mode="eval")
    for node in ast.walk(tree):
        if not isinstance(node, _ALLOWED):
            raise ValueError(f"公式只能包含指标代码、数字和 + - * /：{expr}")
    return tree


@cache
def operands(expr: str) -> tuple[str, ...]:
    """Indicator ids the formula reads, in order of appearance."""
    seen: list[str] = []
    for node in ast.walk(parse(expr)):
        if isinstance(node, ast.Name) and node.id not in seen:
            seen.append(node.id)
    return tuple(seen)


@cache
def divides(expr: str) -> bool:
    """Whether the formula is a ratio or rate: a city value of it takes only like-for-like schools."""
    return any(isinstance(n, ast.BinOp) and isinstance(n.op, ast.Div) for n in ast.walk(parse(expr)))


def evaluate(expr: str, values: Mapping[str, float | None]) -> float | None:
    """The value, stored as a float, or None when an operand is missing or a denominator is zero.

    The same as `stored(evaluate_exact(expr, values))`, several times faster (every school's rates are
    made with it): exact, on integer numerator and denominator pairs without reducing them."""
    found = _ratio(parse(expr).body, values)
    if found is None:
        return None
    num, den = found
    if num == 0:
        return 0.0  # as float(Fraction(0)): never -0.0
    try:
        return num / den  # int / int is correctly rounded, as float(Fraction(num, den)) is
    except OverflowError:
        return None


Ratio = tuple[int, int]  # numerator, denominator (not 0, of either sign)


def _ratio(node: ast.expr, values: Mapping[str, float | None]) -> Ratio | None:
    if isinstance(node, ast.Name):
        v = values.get(node.id)
        return None if v is None else _exact_ratio(v)
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        return _exact_ratio(node.value)
    if not isinstance(node, ast.BinOp):
        raise ValueError(f"公式只能包含指标代码、数字和 + - * /：{ast.unparse(node)}")
    a, b = _ratio(node.left, values), _ratio(node.right, values)
    if a is None or b is None:
        return None
    (an, ad), (bn, bd) = a, b
    if isinstance(node.op, ast.Add):
        return an * bd + bn * ad, ad * bd
    if isinstance(node.op, ast.Sub):
        return an * bd - bn * ad, ad * bd
    if isinstance(node.op, ast.Mult):
        return an * bn, ad * bd
    return None if bn == 0 else (an * bd, ad * bn)


def _exact_ratio(value: float | int) -> Ratio:
    """`exact(value)` as a pair: a whole number as itself, else its shortest decimal repr."""
    if isinstance(value, int) or value.is_integer():
        return int(value), 1
    return exact(value).as_integer_ratio()


def evaluate_exact(expr: str, values: Mapping[str, Number | None]) -> Fraction | None:
    """The exact value from the operands' exact values (qreport.exact), or None as `evaluate`."""

    def ev(node: ast.AST) -> Fraction | None:
        if isinstance(node, ast.Expression):
            return ev(node.body)
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
            return exact(node.value)
        if isinstance(node, ast.Name):
            v = values.get(node.id)
            return None if v is None else exact(v)
        if not isinstance(node, ast.BinOp):
            raise ValueError(f"公式只能包含指标代码、数字和 + - * /：{ast.unparse(node)}")
        a, b = ev(node.left), ev(node.right)
        if a is None or b is None:
            return None
        if isinstance(node.op, ast.Add):
            return a + b
        if isinstance(node.op, ast.Sub):
            return a - b
        if isinstance(node.op, ast.Mult):
            return a * b
        return None if b == 0 else a / b

    return ev(parse(expr))


def to_excel(expr: str, ref: Callable[[str], str]) -> str:
    """An Excel formula for `expr`, with each id replaced by `ref(id)`; blank when it cannot be made."""

    class Sub(ast.NodeTransformer):
        def visit_Name(self, node: ast.Name) -> ast.AST:
            return ast.copy_location(ast.Name(id=ref(node.id), ctx=ast.Load()), node)

    body = ast.unparse(Sub().visit(ast.parse(expr, mode="eval")))
    return f'=IFERROR({body},"")'
