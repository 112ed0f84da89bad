"""The JMESPath queries checks run against a step's document, checked before any grading.

Used by expectations (``exercises.py``) and by ``${query}`` references inside steps
(``exercise_steps.py``), so both report a bad query the same way.
"""

from __future__ import annotations

import re

from course.content.problems import did_you_mean

#: JMESPath functions the grader adds to the standard ones.
EXTRA_FUNCTIONS = ("from_json",)
#: ``${query}`` inside a step's text is replaced by the query's result when the step runs.
REFERENCE = re.compile(r"\$\$\{|\$\{([^}]*)\}")


def query_problem(query: str, roots: tuple[str, ...]) -> tuple[str, int | None] | None:
    """Why ``query`` is not a JMESPath query the grader can run, and at which character, or None.
    ``roots`` are the top-level keys of the document checks query (the grader's vocabulary says)."""
    import jmespath
    from jmespath import exceptions

    try:
        parsed = jmespath.compile(query).parsed
    except exceptions.ParseError as exc:
        where = exc.lex_position if isinstance(exc.lex_position, int) else None
        if isinstance(exc, exceptions.IncompleteExpressionError):
            return "incomplete JMESPath query", where
        token = f" at '{exc.token_value}'" if exc.token_value not in (None, "") else ""
        reason = "" if exc.msg == "Invalid jmespath expression" else f": {exc.msg}"
        return f"invalid JMESPath query{token}{reason}", where
    from jmespath.functions import Functions

    known = (*Functions().FUNCTION_TABLE, *EXTRA_FUNCTIONS)
    for name in _functions(parsed):
        if name not in known:
            return f"unknown JMESPath function '{name}'{did_you_mean(name, known)}", None
    for root in _roots(parsed):
        if root not in roots:
            return (f"a query starts at one of {', '.join(roots)}, not '{root}'"
                    f"{did_you_mean(root, roots)}"), None
    return None


def _roots(node):
    """The names a query reads from the top of the document (``steps`` in ``steps.a.b``)."""
    kind = node.get("type")
    children = [c for c in node.get("children", ()) if isinstance(c, dict)]
    if kind == "field":
        yield node["value"]
    elif kind in ("subexpression", "index_expression", "projection", "value_projection", "filter_projection",
                  "flatten", "pipe") and children:
        yield from _roots(children[0])
    elif kind in ("comparator", "and_expression", "or_expression", "not_expression", "function_expression",
                  "multi_select_list", "multi_select_dict", "key_val_pair"):
        for child in children:
            yield from _roots(child)


def _functions(node):
    if node.get("type") == "function_expression":
        yield node["value"]
    for child in node.get("children", ()):
        if isinstance(child, dict):
            yield from _functions(child)
