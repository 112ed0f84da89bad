"""The grader's report, its three kinds of fault, and the dev-check rules."""

from __future__ import annotations

import json
import shutil

from course.grading.vocabulary import load_exercises
from course.sim.awslambda import steps as steps_module
from course.grading.devcheck import Violation, dev_check
from course.grading.runner import grade
from course.grading.workspace import copy_files
from tests.unit.test_grading_support import (  # noqa: F401
    PACK,
    FakeLambda,
    fake_sim,
    one_exercise,
    template,
    workspace_with,
)


def hello():
    (exercise,), problems = load_exercises(PACK)
    assert not problems
    return exercise


def starter_workspace(tmp_path, exercise, solution=False):
    ws = tmp_path / ("solution" if solution else "starter")
    copy_files(exercise, ws, solution=solution)
    return ws


def test_a_failed_check_says_what_was_expected_what_happened_and_how_to_fix_it(tmp_path, fake_sim):
    exercise = hello()
    report = grade(exercise, starter_workspace(tmp_path, exercise))
    assert (report.status, report.exit_code, report.passed) == ("failed", 1, False)
    answers = report.checks[0]
    assert answers.status == "failed"
    first = answers.expectations[0]
    assert (first.description, first.actual, first.passed) == ("steps.invoke.function_error equals null", "Unhandled",
                                                              False)
    assert first.message == ("The invocation ended with Unhandled: 2026-01-01T00:00:00.000Z r-1 Task timed out after "
                             "3.00 seconds")
    text = report.text()
    assert text.splitlines()[0] == "Give a slow function enough time: 1 of 3 checks passed"
    for line in ("✗ The function answers instead of timing out [answers]",
                 "    expected: steps.invoke.function_error equals null",
                 '    actual:   "Unhandled"',
                 "    logs of step 'invoke':",
                 "      | working on Ada",
                 "    hint: A function that runs longer than its Timeout is stopped; raise Timeout above the handler's "
                 "running time.",
                 "    docs: https://docs.aws.amazon.com/lambda/latest/dg/configuration-timeout.html",
                 "✓ The memory size stays at 128 MB [memory-unchanged]"):
        assert line in text.splitlines(), line
    data = json.loads(json.dumps(report.as_dict()))
    assert data["status"] == "failed" and (data["passed"], data["total"]) == (1, 3)
    check = data["checks"][0]
    assert set(check) == {"id", "title", "status", "passed", "expectations", "logs", "error", "hint", "docs"}
    assert check["expectations"][1] == {
        "query": "steps.invoke.payload.greeting", "comparator": "equals", "expected": "hello Ada", "actual": None,
        "passed": False, "description": 'steps.invoke.payload.greeting equals "hello Ada"', "reason": "",
        "message": "", "diff": []}
    assert check["logs"]["invoke"][-1].startswith("REPORT RequestId: r-1\tDuration: 3000.00 ms")


def test_the_solution_passes_every_check(tmp_path, fake_sim):
    exercise = hello()
    report = grade(exercise, starter_workspace(tmp_path, exercise, solution=True))
    assert (report.status, report.exit_code) == ("passed", 0)
    assert report.text().splitlines()[-1] == "Every check passed. Well done."


def test_an_invalid_template_makes_the_whole_report_invalid(tmp_path, fake_sim):
    exercise = hello()
    ws = starter_workspace(tmp_path, exercise)
    (ws / "template.yaml").write_text(template(memory=20000))
    report = grade(exercise, ws)
    assert (report.status, report.exit_code, report.checks) == ("invalid", 2, [])
    assert report.problems == ["template.yaml:7:19: Resources.Hello.Properties.MemorySize: must be at most 10240, "
                               "got 20000"]
    assert report.text().splitlines() == [
        "Give a slow function enough time: your files cannot be checked yet; fix these first:",
        "template.yaml:7:19: Resources.Hello.Properties.MemorySize: must be at most 10240, got 20000"]


def test_a_yaml_error_in_the_template_is_reported_with_its_position(tmp_path, fake_sim):
    exercise = hello()
    ws = starter_workspace(tmp_path, exercise)
    (ws / "template.yaml").write_text("Resources:\n  Hello: [\n")
    report = grade(exercise, ws)
    assert report.status == "invalid"
    assert report.problems[0].startswith("template.yaml:3:1: YAML syntax error")


def test_a_missing_file_makes_the_report_invalid(tmp_path, fake_sim):
    exercise = hello()
    ws = starter_workspace(tmp_path, exercise)
    (ws / "src" / "app.py").unlink()
    report = grade(exercise, ws)
    assert report.status == "invalid"
    assert report.problems == [f"src/app.py:1:1: the file is missing from the workspace {ws}"]


def test_a_grader_fault_is_contained_and_names_the_check(tmp_path, fake_sim, monkeypatch):
    def broken(*args, **kwargs):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(steps_module, "LOAD_RUNNER", broken)
    exercise = one_exercise(tmp_path, """\
        - id: under-load
          title: Survives load
          steps: [deploy, {load: {function: Hello, rate_per_s: 10, duration_s: 5}}]
          expect: [{query: steps.load.throttles, equals: 0}]
          hint: h
          docs: https://docs.aws.amazon.com/lambda/
        - id: config
          title: Has memory
          steps: [deploy]
          expect: [{query: stack.functions.Hello.MemorySize, equals: 128}]
          hint: h
          docs: https://docs.aws.amazon.com/lambda/
        """)
    report = grade(exercise, workspace_with(tmp_path, template()))
    broken_check, fine = report.checks
    assert broken_check.status == "error" and fine.status == "passed"
    assert broken_check.error == ("internal error in check 'under-load' at step 2 (load 'load'): "
                                  "ZeroDivisionError: division by zero")
    assert "Traceback" in broken_check.detail and "ZeroDivisionError" in broken_check.detail
    assert "Traceback" not in report.text() and "Traceback" not in json.dumps(report.as_dict())
    assert "Traceback" in json.dumps(report.as_dict(debug=True))
    assert "! Survives load [under-load]" in report.text()
    assert "This is a fault in the exercise or the simulator, not in your work." in report.text()
    assert report.status == "failed" and report.internal_errors == [broken_check]


def test_a_fault_while_evaluating_names_the_expectation(tmp_path, fake_sim, monkeypatch):
    from course.grading import expect

    exercise = one_exercise(tmp_path, """\
        - id: c
          title: t
          expect: [{query: stack, exists: false}]
          hint: h
          docs: https://docs.aws.amazon.com/lambda/
        """)
    monkeypatch.setattr(expect, "compare", lambda *a: 1 / 0)
    report = grade(exercise, workspace_with(tmp_path, template()))
    assert report.checks[0].error == ("internal error in check 'c' in expectation 1 (stack): "
                                      "ZeroDivisionError: division by zero")


def test_every_check_gets_a_fresh_account_that_is_closed(tmp_path, fake_sim, monkeypatch):
    closed = []
    monkeypatch.setattr(FakeLambda, "close", lambda self: closed.append(self), raising=False)
    exercise = hello()
    grade(exercise, starter_workspace(tmp_path, exercise, solution=True))
    assert len(closed) == 3 and len({id(model) for model in closed}) == 3


def test_a_fault_while_closing_the_account_does_not_hide_the_result(tmp_path, fake_sim, monkeypatch):
    def explode(self):
        raise RuntimeError("cannot stop worker")

    monkeypatch.setattr(FakeLambda, "close", explode, raising=False)
    exercise = hello()
    assert grade(exercise, starter_workspace(tmp_path, exercise, solution=True)).status == "passed"


# -- dev check --------------------------------------------------------------------------------------

def copy_pack(tmp_path):
    root = tmp_path / "pack"
    shutil.copytree(PACK, root)
    return root, root / "exercises" / "hello-timeout"


def test_dev_check_accepts_a_good_pack(fake_sim):
    assert dev_check(PACK) == []


def test_dev_check_catches_a_starter_that_already_passes(tmp_path, fake_sim):
    root, folder = copy_pack(tmp_path)
    shutil.copyfile(folder / "solution" / "template.yaml", folder / "starter" / "template.yaml")
    assert [str(v) for v in dev_check(root)] == [
        "hello-timeout: the starter files pass every check; at least one check must fail"]


def test_dev_check_catches_a_solution_that_fails_and_names_the_check(tmp_path, fake_sim):
    root, folder = copy_pack(tmp_path)
    text = (folder / "solution" / "template.yaml").read_text().replace("MemorySize: 128", "MemorySize: 256")
    (folder / "solution" / "template.yaml").write_text(text)
    violations = dev_check(root)
    assert violations == [Violation("hello-timeout", "memory-unchanged",
                                    "the solution fails: expected stack.functions.Hello.MemorySize equals 128; got 256")]
    assert str(violations[0]) == ("hello-timeout: check 'memory-unchanged': the solution fails: expected "
                                  "stack.functions.Hello.MemorySize equals 128; got 256")


def test_dev_check_reports_internal_errors_with_the_traceback_for_authors(tmp_path, fake_sim):
    root, folder = copy_pack(tmp_path)
    text = (folder / "exercise.yaml").read_text().replace(
        "      - deploy\n    expect:\n      - query: stack.functions.Hello.MemorySize",
        "      - deploy\n      - call: {service: lambda, operation: ListLayers}\n    expect:\n"
        "      - query: stack.functions.Hello.MemorySize")
    (folder / "exercise.yaml").write_text(text)
    violations = dev_check(root)
    assert [(v.exercise, v.check) for v in violations] == [("hello-timeout", "memory-unchanged")] * 2
    assert violations[0].message.startswith("internal error in check 'memory-unchanged' at step 2 (call 'call'): ")
    assert violations[0].message.endswith("(grading the starter)") and violations[1].message.endswith("(grading the solution)")
    assert "Traceback" in violations[0].detail


def test_dev_check_reports_load_problems_naming_the_exercise_and_check(tmp_path, fake_sim):
    root, folder = copy_pack(tmp_path)
    text = (folder / "exercise.yaml").read_text().replace("matches: \"^hello Grace$\"", "matches: \"^hello (Grace$\"")
    (folder / "exercise.yaml").write_text(text)
    (folder / "starter" / "notes.txt").write_text("stray")
    violations = dev_check(root)
    assert [(v.exercise, v.check) for v in violations] == [("hello-timeout", None), ("hello-timeout", "checks[2]")]
    assert violations[0].message.endswith("files: starter/notes.txt is not listed here; every file must be named")
    assert "checks[2].expect[0].matches: not a valid regular expression" in violations[1].message
