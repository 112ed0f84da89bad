"""A small, safe arithmetic evaluator for generated questions.

Formulas are parsed with :mod:`ast` (parsing never runs code) and then walked
by hand. Only numbers, declared names, arithmetic, comparisons, ``and``/``or``/
``not``, ``x if c else y`` and a few named functions are allowed: no attribute
access, no subscripts, no calls to anything else, and sizes and magnitudes are
bounded so a pack cannot make the app hang or eat memory.
"""

from __future__ import annotations

import ast
import math
import operator
from dataclasses import dataclass, field
from typing import Callable

MAX_LENGTH = 400
MAX_NODES = 120
MAX_EXPONENT = 64
MAX_MAGNITUDE = 1e18


class FormulaError(ValueError):
    """A formula that is not allowed or cannot be evaluated; ``col`` is 1-based when known."""

    def __init__(self, message: str, col: int | None = None):
        super().__init__(message)
        self.col = col


def _ceil(x):
    return math.ceil(x)


def _floor(x):
    return math.floor(x)


def _round(x, digits=0):
    digits = int(digits)
    if not 0 <= digits <= 12:
        raise FormulaError("round() takes 0 to 12 digits")
    value = round(x, digits)
    return int(value) if digits == 0 else value


FUNCTIONS = {
    "min": (min, 2, 8),
    "max": (max, 2, 8),
    "abs": (abs, 1, 1),
    "ceil": (_ceil, 1, 1),
    "floor": (_floor, 1, 1),
    "round": (_round, 1, 2),
    "sqrt": (math.sqrt, 1, 1),
}

_BINOPS = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
}
_CMPOPS = {
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
}
_SYMBOLS = {ast.Attribute: "attribute access", ast.Subscript: "subscripts", ast.Lambda: "lambda",
            ast.List: "lists", ast.Dict: "dicts", ast.Tuple: "tuples", ast.Set: "sets",
            ast.ListComp: "comprehensions", ast.GeneratorExp: "comprehensions",
            ast.DictComp: "comprehensions", ast.SetComp: "comprehensions",
            ast.Starred: "starred arguments", ast.JoinedStr: "f-strings", ast.NamedExpr: "':='"}


def _where(node) -> int | None:
    offset = getattr(node, "col_offset", None)
    return None if offset is None else offset + 1


@dataclass(frozen=True)
class Formula:
    text: str
    tree: ast.Expression
    names: frozenset[str]
    run: Callable = field(repr=False, compare=False, default=None)

    def evaluate(self, env: dict[str, float]) -> float | int:
        result = self.run(env)
        if isinstance(result, bool):
            return int(result)
        return result


def deferred_formula(text: str, declared: frozenset[str]) -> Formula:
    """A formula already checked (e.g. read back from the pack cache), compiled on first use:
    most families are never drawn in a session, and compiling all of them slows the start."""
    compiled: list[Formula] = []

    def run(env):
        if not compiled:
            compiled.append(compile_formula(text, declared))
        return compiled[0].run(env)

    return Formula(text, None, frozenset(), run)


def compile_formula(text: str, declared: set[str] | frozenset[str]) -> Formula:
    """Parse and check a formula; every name it uses must be in ``declared``."""
    if not isinstance(text, str) or not text.strip():
        raise FormulaError("formula is empty")
    if len(text) > MAX_LENGTH:
        raise FormulaError(f"formula is {len(text)} characters long; the limit is {MAX_LENGTH}")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        raise FormulaError(f"not a valid formula: {exc.msg}", exc.offset) from None
    names: set[str] = set()
    count = 0
    for node in ast.walk(tree):
        count += 1
        if count > MAX_NODES:
            raise FormulaError(f"formula is too complex (more than {MAX_NODES} parts)")
        _check_node(node, declared, names)
    return Formula(text, tree, frozenset(names), _compile(tree.body))


def _check_node(node, declared, names: set[str]) -> None:
    if isinstance(node, (ast.Expression, ast.Load, ast.operator, ast.unaryop, ast.cmpop, ast.boolop)):
        if isinstance(node, (ast.MatMult, ast.BitAnd, ast.BitOr, ast.BitXor, ast.LShift, ast.RShift, ast.Invert)):
            raise FormulaError("bitwise operators are not allowed")
        if isinstance(node, ast.cmpop) and type(node) not in _CMPOPS:
            raise FormulaError("only <, <=, >, >=, == and != comparisons are allowed")
        return
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
            raise FormulaError(f"only numbers are allowed, not {node.value!r}", _where(node))
        if abs(node.value) > MAX_MAGNITUDE:
            raise FormulaError("number is too large", _where(node))
        return
    if isinstance(node, ast.Name):
        if node.id not in declared and node.id not in FUNCTIONS:
            known = ", ".join(sorted(declared)) or "none"
            raise FormulaError(f"unknown name '{node.id}' (declared: {known})", _where(node))
        if node.id in declared:
            names.add(node.id)
        return
    if isinstance(node, ast.Call):
        if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
            raise FormulaError(
                "only these functions can be called: " + ", ".join(sorted(FUNCTIONS)), _where(node)
            )
        if node.keywords:
            raise FormulaError("keyword arguments are not allowed", _where(node))
        _, least, most = FUNCTIONS[node.func.id]
        if not least <= len(node.args) <= most:
            raise FormulaError(f"{node.func.id}() takes {least} to {most} arguments", _where(node))
        return
    if isinstance(node, (ast.BinOp, ast.UnaryOp, ast.BoolOp, ast.Compare, ast.IfExp)):
        return
    what = _SYMBOLS.get(type(node), type(node).__name__)
    raise FormulaError(f"{what} not allowed in a formula", _where(node))


def _bounded(value):
    kind = type(value)
    if kind is int:
        if -MAX_MAGNITUDE <= value <= MAX_MAGNITUDE:
            return value
        raise FormulaError("result is too large")
    if kind is float and -MAX_MAGNITUDE <= value <= MAX_MAGNITUDE:  # False for NaN
        return value
    if isinstance(value, complex):  # a negative number to a fractional power
        raise FormulaError("result is not a real number")
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        raise FormulaError("result is not a finite number")
    if abs(value) > MAX_MAGNITUDE:
        raise FormulaError("result is too large")
    return value


def _compile(node):
    """Turn a checked syntax tree into nested closures: several times faster than
    walking the tree on every evaluation, and generated families are drawn often."""
    kind = type(node)
    if kind is ast.Constant:
        constant = node.value
        return lambda env: constant
    col = _where(node)
    if kind is ast.Name:
        name = node.id

        def lookup(env):
            try:
                return env[name]
            except KeyError:
                raise FormulaError(f"no value for '{name}'", col) from None
        return lookup
    if kind is ast.BinOp:
        left_fn, right_fn = _compile(node.left), _compile(node.right)
        op, is_pow = _BINOPS[type(node.op)], isinstance(node.op, ast.Pow)

        def binop(env):
            left, right = left_fn(env), right_fn(env)
            if is_pow:
                if abs(right) > MAX_EXPONENT:
                    raise FormulaError(f"exponent {right} is too large (limit {MAX_EXPONENT})", col)
                if abs(left) > 1 and right > 0 and right * math.log10(abs(left)) > 18:
                    raise FormulaError("result is too large", col)
            try:
                return _bounded(op(left, right))
            except ZeroDivisionError:
                raise FormulaError("division by zero", col) from None
            except FormulaError as exc:
                raise FormulaError(str(exc), col) from None
            except (OverflowError, ValueError, TypeError) as exc:
                raise FormulaError(f"cannot compute: {exc}", col) from None
        return binop
    if kind is ast.UnaryOp:
        operand = _compile(node.operand)
        if isinstance(node.op, ast.USub):
            return lambda env: -operand(env)
        if isinstance(node.op, ast.Not):
            return lambda env: not operand(env)
        return lambda env: +operand(env)
    if kind is ast.BoolOp:
        parts = [_compile(sub) for sub in node.values]
        is_and = isinstance(node.op, ast.And)

        def boolop(env):
            result = is_and
            for part in parts:
                result = part(env)
                if bool(result) is not is_and:
                    return result
            return result
        return boolop
    if kind is ast.Compare:
        first = _compile(node.left)
        chain = [(_CMPOPS[type(op)], _compile(c)) for op, c in zip(node.ops, node.comparators)]

        def compare(env):
            left = first(env)
            for op, comparator in chain:
                right = comparator(env)
                if not op(left, right):
                    return False
                left = right
            return True
        return compare
    if kind is ast.IfExp:
        test, body, orelse = _compile(node.test), _compile(node.body), _compile(node.orelse)
        return lambda env: body(env) if test(env) else orelse(env)
    if kind is ast.Call:
        func, fname = FUNCTIONS[node.func.id][0], node.func.id
        args_fn = [_compile(a) for a in node.args]

        def call(env):
            args = [a(env) for a in args_fn]
            try:
                return _bounded(func(*args))
            except FormulaError as exc:
                raise FormulaError(str(exc), col) from None
            except (ValueError, OverflowError, TypeError) as exc:
                raise FormulaError(f"{fname}(): {exc}", col) from None
        return call
    raise FormulaError(f"{kind.__name__} not allowed in a formula")  # pragma: no cover
