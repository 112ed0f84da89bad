"""Comparing what happened with what a check expects, and saying so in words.

Comparisons are strict about types (``equals: 1`` is not met by ``true`` or by
``"1"``): a learner who wrote ``MemorySize: "512"`` deserves to be told that the
value is text, not that everything is fine.
"""

from __future__ import annotations

import difflib
import json
import re
import string
from typing import Any

from course.content.exercises import MESSAGE_NAMES, Expectation
from course.content.fields import type_name
from course.grading.document import QueryError, search, show
from course.grading.report import NOT_REACHED, ExpectationResult

_WORDS = {
    "equals": "equals", "not_equals": "is not", "less_than": "is less than", "at_most": "is at most",
    "greater_than": "is greater than", "at_least": "is at least", "contains": "contains", "matches": "matches",
}


def describe(exp: Expectation) -> str:
    """What the check expects, as one readable clause."""
    c, v = exp.comparator, exp.expected
    if c == "between":
        what = f"is between {show(v[0])} and {show(v[1])}"
    elif c == "exists":
        what = "exists" if v else "does not exist"
    elif c in ("is_true", "is_false"):
        what = "is true" if c == "is_true" else "is false"
    elif c == "matches":
        what = f"matches /{v}/"
    else:
        what = f"{_WORDS[c]} {show(v)}"
    return f"{exp.query} {what}"


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def same(a: Any, b: Any) -> bool:
    """Equality as JSON sees it: 1 and 1.0 are equal, true and 1 are not."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if _number(a) and _number(b):
        return a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b


def compare(comparator: str, actual: Any, expected: Any) -> tuple[bool, str]:
    """Whether ``actual`` meets the expectation, and when the comparison itself cannot apply, why."""
    if comparator == "equals":
        return same(actual, expected), ""
    if comparator == "not_equals":
        return not same(actual, expected), ""
    if comparator in ("less_than", "at_most", "greater_than", "at_least", "between"):
        if not _number(actual):
            return False, f"expected a number, got {_kind(actual)}"
        if comparator == "between":
            return expected[0] <= actual <= expected[1], ""
        return {"less_than": actual < expected, "at_most": actual <= expected,
                "greater_than": actual > expected, "at_least": actual >= expected}[comparator], ""
    if comparator == "contains":
        if isinstance(actual, str):
            if not isinstance(expected, str):
                return False, f"text can only contain text, not {_kind(expected)}"
            return expected in actual, ""
        if isinstance(actual, list):
            return any(same(item, expected) for item in actual), ""
        if isinstance(actual, dict):
            return isinstance(expected, str) and expected in actual, ""
        return False, f"expected text, a list or a mapping to look in, got {_kind(actual)}"
    if comparator == "matches":
        pattern = re.compile(expected)
        if isinstance(actual, str):
            return pattern.search(actual) is not None, ""
        if isinstance(actual, list) and all(isinstance(i, str) for i in actual):
            return any(pattern.search(i) for i in actual), ""
        return False, f"expected text (or a list of lines), got {_kind(actual)}"
    if comparator == "exists":
        return (actual is not None) == expected, ""
    if comparator in ("is_true", "is_false"):
        if not isinstance(actual, bool) and actual is not None:
            return False, f"expected true or false, got {_kind(actual)}"
        return actual is (comparator == "is_true"), ""
    raise ValueError(f"unknown comparator '{comparator}'")


def _kind(value) -> str:
    return "nothing (null)" if value is None else f"{type_name(value)} {show(value, limit=60)}"


def evaluate(exp: Expectation, document: dict) -> ExpectationResult:
    reason = ""
    try:
        actual = search(exp.query, document)
    except QueryError as exc:
        actual, reason = None, str(exc)
    passed, why = compare(exp.comparator, actual, exp.expected)
    reason = reason or ("" if passed else why)
    return ExpectationResult(
        query=exp.query, comparator=exp.comparator, expected=exp.expected, actual=actual, passed=passed,
        description=describe(exp), reason=reason,
        message=render(exp.message, actual, exp.expected, exp.query, document) if exp.message else "",
        diff=[] if passed or exp.comparator != "equals" else short_diff(exp.expected, actual),
    )


def not_reached(exp: Expectation) -> ExpectationResult:
    """An expectation a check never got to, listed so the learner still sees what was expected."""
    return ExpectationResult(query=exp.query, comparator=exp.comparator, expected=exp.expected, actual=None,
                             passed=False, description=describe(exp), reason=NOT_REACHED)


def render(template: str, actual: Any, expected: Any, query: str, document: dict) -> str:
    """Fill ``{actual}``, ``{expected}``, ``{query}`` and ``{any.jmespath}`` placeholders."""
    known = {"actual": actual, "expected": expected, "query": query}
    out = []
    for literal, name, spec, _ in string.Formatter().parse(template):
        out.append(literal)
        if name is None:
            continue
        if name in MESSAGE_NAMES:
            value = known[name]
        else:
            try:
                value = search(name, document)
            except QueryError:
                value = None
        if spec and _number(value):
            try:
                out.append(format(value, spec))
                continue
            except ValueError:
                pass
        out.append(show(value, quote=False) if name != "query" else str(value))
    return "".join(out)


def short_diff(expected: Any, actual: Any, limit: int = 12) -> list[str]:
    """A few lines showing where two values part, when that says more than printing both."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        lines = []
        for key in sorted(set(expected) | set(actual)):
            if key not in actual:
                lines.append(f"- {key}: {show(expected[key])}  (missing)")
            elif key not in expected:
                lines.append(f"+ {key}: {show(actual[key])}  (not expected)")
            elif not same(expected[key], actual[key]):
                lines.append(f"- {key}: {show(expected[key])}")
                lines.append(f"+ {key}: {show(actual[key])}")
        return _cut(lines, limit)
    if isinstance(expected, str) and isinstance(actual, str) and ("\n" in expected or "\n" in actual):
        a, b = expected.splitlines(), actual.splitlines()
    elif isinstance(expected, list) and isinstance(actual, list):
        a, b = [json.dumps(i, sort_keys=True) for i in expected], [json.dumps(i, sort_keys=True) for i in actual]
    else:
        return []
    lines = [ln for ln in difflib.unified_diff(a, b, "expected", "actual", n=1, lineterm="")][2:]
    return _cut(lines, limit)


def _cut(lines: list[str], limit: int) -> list[str]:
    return lines if len(lines) <= limit else lines[:limit] + [f"… {len(lines) - limit} more lines"]
