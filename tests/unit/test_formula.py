"""The arithmetic evaluator for generated questions: what it refuses and what it computes."""

from __future__ import annotations

import math

import pytest

from course.content.formula import MAX_LENGTH, MAX_NODES, FormulaError, compile_formula

NAMES = frozenset({"a", "b", "x"})


def refused(text: str, declared=NAMES) -> FormulaError:
    with pytest.raises(FormulaError) as info:
        compile_formula(text, declared)
    return info.value


def failed(text: str, env: dict, declared=NAMES) -> FormulaError:
    formula = compile_formula(text, declared)
    with pytest.raises(FormulaError) as info:
        formula.evaluate(env)
    return info.value


def value(text: str, **env):
    return compile_formula(text, frozenset(env) | NAMES).evaluate(env)


# --- refused when compiled -------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message", "col"),
    [
        ("a.__class__", "attribute access not allowed in a formula", 1),
        ("a + b.real", "attribute access not allowed in a formula", 5),
        ("a.__class__.__mro__", "attribute access not allowed in a formula", 1),
        ("a[0]", "subscripts not allowed in a formula", 1),
        ("lambda: 1", "lambda not allowed in a formula", 1),
        ("[i for i in a]", "comprehensions not allowed in a formula", 1),
        ("(i for i in a)", "comprehensions not allowed in a formula", 1),
        ("max((i for i in a), 1)", "comprehensions not allowed in a formula", 5),
        ("{i: 1 for i in a}", "comprehensions not allowed in a formula", 1),
        ("{i for i in a}", "comprehensions not allowed in a formula", 1),
        ("'text'", "only numbers are allowed, not 'text'", 1),
        ("a + 'x'", "only numbers are allowed, not 'x'", 5),
        ("b'x'", "only numbers are allowed, not b'x'", 1),
        ('f"{a}"', "f-strings not allowed in a formula", 1),
        ("True", "only numbers are allowed, not True", 1),
        ("None", "only numbers are allowed, not None", 1),
        ("[a, b]", "lists not allowed in a formula", 1),
        ("(a, b)", "tuples not allowed in a formula", 1),
        ("{a: b}", "dicts not allowed in a formula", 1),
        ("{a}", "sets not allowed in a formula", 1),
        ("(y := 1)", "':=' not allowed in a formula", 2),
        ("max(*a, 1)", "starred arguments not allowed in a formula", 5),
        ("1e19", "number is too large", 1),
        ("a + 10000000000000000001", "number is too large", 5),
    ],
)
def test_refused_constructs(text, message, col):
    error = refused(text)
    assert str(error) == message
    assert error.col == col


@pytest.mark.parametrize(
    "text",
    ["pow(a, 2)", "__import__('os')", "eval('1')", "open('x')", "a.b()", "(lambda: 1)()", "int(a)", "sum(a, b)"],
)
def test_only_whitelisted_functions_can_be_called(text):
    assert str(refused(text)) == "only these functions can be called: abs, ceil, floor, max, min, round, sqrt"


def test_keyword_arguments_are_refused():
    error = refused("round(a, ndigits=2)")
    assert str(error) == "keyword arguments are not allowed"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("max(a)", "max() takes 2 to 8 arguments"),
        ("min(a, a, a, a, a, a, a, a, a)", "min() takes 2 to 8 arguments"),
        ("sqrt()", "sqrt() takes 1 to 1 arguments"),
        ("round(a, 1, 2)", "round() takes 1 to 2 arguments"),
    ],
)
def test_argument_counts(text, message):
    assert str(refused(text)) == message


def test_undeclared_name_lists_declared_names():
    error = refused("a + rate")
    assert str(error) == "unknown name 'rate' (declared: a, b, x)"
    assert error.col == 5


def test_undeclared_name_with_nothing_declared():
    assert str(refused("rate", frozenset())) == "unknown name 'rate' (declared: none)"


def test_function_names_cannot_be_used_as_names_with_other_meanings():
    """A function name is known, but only as something to call with numbers."""
    assert str(refused("max.__call__(1, 2)")) == "only these functions can be called: abs, ceil, floor, max, min, round, sqrt"


@pytest.mark.parametrize("text", ["a in b", "a not in b", "a is b", "a is not b", "1 < a in b"])
def test_in_and_is_comparisons_are_refused(text):
    assert str(refused(text)) == "only <, <=, >, >=, == and != comparisons are allowed"


@pytest.mark.parametrize("text", ["a & b", "a | b", "a ^ b", "a << 2", "a >> 2", "~a", "a @ b"])
def test_bitwise_operators_are_refused(text):
    assert str(refused(text)) == "bitwise operators are not allowed"


def test_length_limit():
    at_limit = "1" + " " * (MAX_LENGTH - 1)
    assert compile_formula(at_limit, NAMES).evaluate({}) == 1
    error = refused(at_limit + " ")
    assert str(error) == f"formula is {MAX_LENGTH + 1} characters long; the limit is {MAX_LENGTH}"


def test_node_limit():
    # n ones joined by "+": n constants, n-1 additions, n-1 operators, and the expression itself.
    fits = "+".join(["1"] * 40)  # 3 * 40 - 1 = 119 parts + 1
    assert compile_formula(fits, NAMES).evaluate({}) == 40
    error = refused("+".join(["1"] * 41))
    assert str(error) == f"formula is too complex (more than {MAX_NODES} parts)"
    assert len("+".join(["1"] * 41)) < MAX_LENGTH  # refused for its size, not its length


@pytest.mark.parametrize("text", ["", "   ", None, 12])
def test_empty_or_not_text(text):
    assert str(refused(text)) == "formula is empty"


@pytest.mark.parametrize("text", ["a +", "(a", "a b", "1 +* 2", "import os"])
def test_syntax_errors(text):
    assert str(refused(text)).startswith("not a valid formula: ")


# --- refused when evaluated --------------------------------------------------------


@pytest.mark.parametrize("text", ["a / b", "a // b", "a % b", "b ** -1", "1 + a / (b * 3)"])
def test_division_by_zero(text):
    error = failed(text, {"a": 1, "b": 0})
    assert str(error) == "division by zero"


def test_division_by_zero_position():
    error = failed("a + 10 / b", {"a": 1, "b": 0})
    assert error.col == 5


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("10 ** 100", "exponent 100 is too large (limit 64)"),
        ("2 ** 65", "exponent 65 is too large (limit 64)"),
        ("2 ** -65", "exponent -65 is too large (limit 64)"),
        ("9 ** 9 ** 9", "exponent 387420489 is too large (limit 64)"),
        ("2 ** 63", "result is too large"),
        ("10 ** 19", "result is too large"),
        ("10 ** 18 * 10", "result is too large"),
        ("1000000000000000000 + 1", "result is too large"),
        ("-1000000000000000000 - 1", "result is too large"),
        ("sqrt(-1)", "sqrt(): math domain error"),
        ("round(a, 13)", "round() takes 0 to 12 digits"),
        ("(-8) ** 0.5", "result is not a real number"),
    ],
)
def test_evaluation_limits(text, message):
    assert str(failed(text, {"a": 1.5})) == message


def test_exponent_limit_uses_the_drawn_value():
    formula = compile_formula("2 ** x", NAMES)
    assert formula.evaluate({"x": 59}) == 2**59
    with pytest.raises(FormulaError, match=r"^exponent 65 is too large \(limit 64\)$"):
        formula.evaluate({"x": 65})


def test_largest_allowed_result():
    assert value("10 ** 18") == 10**18
    assert value("1000000000000000000") == 10**18


def test_missing_value_at_evaluation():
    error = failed("a + b", {"a": 1})
    assert str(error) == "no value for 'b'"
    assert error.col == 5


# --- computed correctly --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 + 2", 3),
        ("7 - 10", -3),
        ("6 * 7", 42),
        ("7 / 2", 3.5),
        ("7 // 2", 3),
        ("-7 // 2", -4),
        ("7 % 3", 1),
        ("2 ** 10", 1024),
        ("2 ** -1", 0.5),
        ("2 + 3 * 4", 14),
        ("(2 + 3) * 4", 20),
        ("2 * 3 ** 2", 18),
        ("-2 ** 2", -4),
        ("(-2) ** 2", 4),
        ("2 ** 3 ** 2", 512),
        ("10 - 4 - 3", 3),
        ("100 / 10 / 5", 2),
        ("+5", 5),
        ("1.5e3", 1500),
        ("1_000", 1000),
    ],
)
def test_arithmetic_and_precedence(text, expected):
    assert value(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("min(3, 1, 2)", 1),
        ("max(3, 1, 2)", 3),
        ("min(1, 2, 3, 4, 5, 6, 7, 8)", 1),
        ("abs(-4.5)", 4.5),
        ("ceil(1.2)", 2),
        ("ceil(-1.2)", -1),
        ("floor(1.8)", 1),
        ("floor(-1.2)", -2),
        ("round(2.567)", 3),
        ("round(2.567, 2)", 2.57),
        ("round(1234.5678, 0)", 1235),
        ("sqrt(16)", 4.0),
        ("sqrt(2) * sqrt(2)", pytest.approx(2.0)),
    ],
)
def test_functions(text, expected):
    assert value(text) == expected


def test_round_without_digits_gives_a_whole_number():
    assert isinstance(value("round(2.4)"), int)
    assert isinstance(value("ceil(2.4)"), int)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 < 2", 1),
        ("2 < 1", 0),
        ("2 <= 2", 1),
        ("3 > 2", 1),
        ("2 >= 3", 0),
        ("2 == 2.0", 1),
        ("2 != 2", 0),
        ("1 < 2 < 3", 1),
        ("1 < 3 < 2", 0),
        ("not 0", 1),
        ("not 5", 0),
    ],
)
def test_comparisons_give_one_or_zero(text, expected):
    result = value(text)
    assert result == expected
    assert type(result) is int


@pytest.mark.parametrize(
    ("env", "expected"),
    [({"a": 5, "b": 3}, 5), ({"a": 2, "b": 3}, 3), ({"a": 3, "b": 3}, 3)],
)
def test_conditional_expression(env, expected):
    assert value("a if a > b else b", **env) == expected


def test_nested_conditional():
    text = "1 if x < 10 else 2 if x < 100 else 3"
    assert [value(text, x=v) for v in (5, 50, 500)] == [1, 2, 3]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2 and 3", 3),
        ("0 and 3", 0),
        ("0 or 4", 4),
        ("5 or 4", 5),
        ("0 or 0", 0),
        ("1 < 2 and 3 < 4", 1),
        ("1 < 2 and 4 < 3", 0),
        ("2 < 1 or 3 < 4", 1),
    ],
)
def test_and_or(text, expected):
    assert value(text) == expected


def test_and_or_short_circuit():
    """The right side is not evaluated when the left decides: no division by zero."""
    assert value("b != 0 and a / b > 1", a=1, b=0) == 0
    assert value("b == 0 or a / b > 1", a=1, b=0) == 1
    assert value("a / b if b else 0", a=1, b=0) == 0


def test_names_and_formula_reuse():
    formula = compile_formula("requests * 1000000 * duration / 1000", {"requests", "duration", "unused"})
    assert formula.names == frozenset({"requests", "duration"})
    assert formula.evaluate({"requests": 3, "duration": 200}) == 600000
    assert formula.evaluate({"requests": 1, "duration": 100}) == 100000
    assert formula.text == "requests * 1000000 * duration / 1000"


def test_float_results_stay_finite():
    assert math.isclose(value("a / 3", a=1), 1 / 3)
