"""Every comparator passing and failing for the right reason, messages, diffs and the query document."""

from __future__ import annotations

import pytest

from course.content.exercise_queries import EXTRA_FUNCTIONS
from course.content.exercises import Expectation
from course.grading.document import plain, search, show, substitute
from course.sim.awslambda.steps import report_figures
from course.grading.expect import compare, describe, evaluate, render, same, short_diff

DOC = {
    "steps": {
        "invoke": {"payload": {"greeting": "hello Ada", "count": 3, "body": '{"ok": true}'}, "function_error": None,
                   "duration_ms": 120.5, "cold": True, "logs": ["START x", "working on Ada", "END x"]},
        "deploy": {"functions": {"Fn": {"MemorySize": 512, "Timeout": 3, "Runtime": "python3.12"}}},
    },
    "stack": {"outputs": {"Url": "https://abc.execute-api.us-east-1.amazonaws.com/prod"}},
    "last": None, "files": {"template.yaml": "Resources: {}\n"}, "time": {"elapsed": 60.0},
}

CASES = [
    # comparator, expected, query, passes
    ("equals", 512, "steps.deploy.functions.Fn.MemorySize", True),
    ("equals", 256, "steps.deploy.functions.Fn.MemorySize", False),
    ("equals", None, "steps.invoke.function_error", True),
    ("equals", {"greeting": "hello Ada", "count": 3, "body": '{"ok": true}'}, "steps.invoke.payload", True),
    ("not_equals", 128, "steps.deploy.functions.Fn.MemorySize", True),
    ("not_equals", 512, "steps.deploy.functions.Fn.MemorySize", False),
    ("less_than", 4, "steps.deploy.functions.Fn.Timeout", True),
    ("less_than", 3, "steps.deploy.functions.Fn.Timeout", False),
    ("at_most", 3, "steps.deploy.functions.Fn.Timeout", True),
    ("at_most", 2.5, "steps.deploy.functions.Fn.Timeout", False),
    ("greater_than", 100, "steps.invoke.duration_ms", True),
    ("greater_than", 120.5, "steps.invoke.duration_ms", False),
    ("at_least", 120.5, "steps.invoke.duration_ms", True),
    ("at_least", 121, "steps.invoke.duration_ms", False),
    ("between", [1, 3], "steps.deploy.functions.Fn.Timeout", True),
    ("between", [4, 10], "steps.deploy.functions.Fn.Timeout", False),
    ("contains", "Ada", "steps.invoke.payload.greeting", True),
    ("contains", "Grace", "steps.invoke.payload.greeting", False),
    ("contains", "END x", "steps.invoke.logs", True),
    ("contains", "END", "steps.invoke.logs", False),
    ("contains", "MemorySize", "steps.deploy.functions.Fn", True),
    ("contains", "Memory", "steps.deploy.functions.Fn", False),
    ("matches", r"^python3\.1[2-4]$", "steps.deploy.functions.Fn.Runtime", True),
    ("matches", r"^nodejs", "steps.deploy.functions.Fn.Runtime", False),
    ("matches", r"working on \w+", "steps.invoke.logs", True),
    ("matches", r"Task timed out", "steps.invoke.logs", False),
    ("exists", True, "stack.outputs.Url", True),
    ("exists", True, "stack.outputs.Missing", False),
    ("exists", False, "stack.outputs.Missing", True),
    ("exists", False, "stack.outputs.Url", False),
    ("is_true", True, "steps.invoke.cold", True),
    ("is_true", True, "steps.invoke.payload.count > `5`", False),
    ("is_false", True, "steps.invoke.payload.count > `5`", True),
    ("is_false", True, "steps.invoke.cold", False),
    ("equals", True, "from_json(steps.invoke.payload.body).ok", True),
    ("equals", 3, "length(steps.invoke.logs)", True),
]


@pytest.mark.parametrize("comparator,expected,query,passes", CASES)
def test_comparators(comparator, expected, query, passes):
    result = evaluate(Expectation(query, comparator, expected), DOC)
    assert result.passed is passes
    assert result.reason == ""


def test_every_comparator_has_a_passing_and_a_failing_case():
    from course.content.exercises import COMPARATORS

    for comparator in COMPARATORS:
        outcomes = {passes for c, _, _, passes in CASES if c == comparator}
        assert outcomes == {True, False}, comparator


@pytest.mark.parametrize("comparator,expected,actual,reason", [
    ("at_least", 512, "1024", 'expected a number, got text "1024"'),
    ("between", [1, 3], None, "expected a number, got nothing (null)"),
    ("less_than", 1, True, "expected a number, got true/false true"),
    ("matches", "x", 5, "expected text (or a list of lines), got a number 5"),
    ("contains", "x", 5, "expected text, a list or a mapping to look in, got a number 5"),
    ("is_true", True, "yes", 'expected true or false, got text "yes"'),
])
def test_a_comparison_that_cannot_apply_says_why(comparator, expected, actual, reason):
    assert compare(comparator, actual, expected) == (False, reason)


def test_equality_is_strict_about_types_like_json():
    assert same(1, 1.0) and same({"a": [1, 2.0]}, {"a": [1.0, 2]})
    assert not same(True, 1) and not same(1, True) and not same("1", 1) and not same(None, 0)
    assert not same({"a": 1}, {"a": 1, "b": 2}) and not same([1, 2], [2, 1])


def test_descriptions_read_as_sentences():
    assert describe(Expectation("q", "at_least", 512)) == "q is at least 512"
    assert describe(Expectation("q", "equals", "512")) == 'q equals "512"'
    assert describe(Expectation("q", "between", [1, 3])) == "q is between 1 and 3"
    assert describe(Expectation("q", "exists", False)) == "q does not exist"
    assert describe(Expectation("q", "matches", "^a")) == "q matches /^a/"
    assert describe(Expectation("q", "is_false", True)) == "q is false"
    assert describe(Expectation("q", "not_equals", None)) == "q is not null"


def test_messages_fill_placeholders_from_the_result_and_the_document():
    text = render("Memory {actual} MB, wanted {expected}; it ran {steps.invoke.duration_ms:.0f} ms "
                  "on {steps.deploy.functions.Fn.Runtime}; {query}; missing {stack.nothing}",
                  128, 512, "stack.x", DOC)
    assert text == "Memory 128 MB, wanted 512; it ran 120 ms on python3.12; stack.x; missing null"


def test_a_failing_expectation_carries_its_message_and_actual_value():
    result = evaluate(Expectation("steps.deploy.functions.Fn.MemorySize", "at_least", 1024,
                                  "MemorySize is {actual}; give it {expected}"), DOC)
    assert not result.passed
    assert (result.actual, result.expected, result.message) == (512, 1024, "MemorySize is 512; give it 1024")
    assert result.description == "steps.deploy.functions.Fn.MemorySize is at least 1024"


def test_a_query_that_cannot_be_evaluated_fails_with_the_reason():
    result = evaluate(Expectation("length(steps.invoke.function_error)", "equals", 0), DOC)
    assert not result.passed and result.actual is None
    assert result.reason.startswith("the query could not be evaluated: ")


def test_short_diffs():
    assert short_diff({"a": 1, "b": 2, "c": 3}, {"a": 1, "b": 5, "d": 4}) == [
        "- b: 2", "+ b: 5", "- c: 3  (missing)", "+ d: 4  (not expected)"]
    assert short_diff("one\ntwo\nthree", "one\n2\nthree") == ["@@ -1,3 +1,3 @@", " one", "-two", "+2", " three"]
    assert short_diff([1, 2], [1, 3]) == ["@@ -1,2 +1,2 @@", " 1", "-2", "+3"]
    assert short_diff(1, 2) == []
    long = short_diff({f"k{i}": i for i in range(20)}, {})
    assert len(long) == 13 and long[-1] == "… 8 more lines"


def test_a_failed_equals_on_a_mapping_reports_a_diff():
    result = evaluate(Expectation("steps.invoke.payload", "equals", {"greeting": "hello Ada", "count": 4,
                                                                       "body": '{"ok": true}'}), DOC)
    assert result.diff == ["- count: 4", "+ count: 3"]


def test_references_in_step_settings_keep_their_type_when_alone():
    assert substitute({"a": "${steps.deploy.functions.Fn.Timeout}", "b": "t=${steps.deploy.functions.Fn.Timeout}s",
                       "c": ["${stack.outputs.Url}"], "d": "$${literal}"}, DOC) == {
        "a": 3, "b": "t=3s", "c": ["https://abc.execute-api.us-east-1.amazonaws.com/prod"], "d": "${literal}"}


def test_the_document_is_plain_json():
    import datetime
    import decimal
    import io

    from botocore.response import StreamingBody

    value = plain({"when": datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc), "blob": b"\xff\x00",
                   "text": b"hi", "n": decimal.Decimal("3"), "f": decimal.Decimal("1.5"), "t": (1, 2),
                   "body": StreamingBody(io.BytesIO(b"ok"), 2), 5: float("nan")})
    assert value == {"when": "2026-01-01T00:00:00+00:00", "blob": "/wA=", "text": "hi", "n": 3, "f": 1.5,
                     "t": [1, 2], "body": "ok", "5": "nan"}


def test_report_figures_come_from_the_report_line():
    logs = ["START RequestId: r Version: $LATEST", "END RequestId: r",
            "REPORT RequestId: r\tDuration: 12.34 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\t"
            "Max Memory Used: 40 MB\tInit Duration: 120.50 ms"]
    assert report_figures(logs) == {"duration_ms": 12.34, "billed_ms": 13, "memory_mb": 128, "max_memory_mb": 40,
                                    "init_ms": 120.5, "cold": True}
    warm = report_figures(logs[:2] + [logs[2].split("\tInit")[0]])
    assert warm["cold"] is False and warm["init_ms"] is None and warm["duration_ms"] == 12.34
    assert report_figures([])["cold"] is None


def test_show():
    assert [show(v) for v in ("a", None, True, 1, 2.50, 1 / 3, [1, "a"])] == [
        '"a"', "null", "true", "1", "2.5", "0.33", '[1, "a"]']
    assert show("x" * 300).endswith("…") and len(show("x" * 300)) == 200


def test_extra_functions_exist_in_the_grader():
    for name in EXTRA_FUNCTIONS:
        assert search(f"{name}(`null`)", {}) is None
