"""The grader against the real simulator: handler code really runs in worker processes.

Two levels, each skipped until the parts it needs exist: the real Lambda model
and runtime behind the plain-YAML test deploy, and the whole path from a SAM
template through ``course.sim.template`` (the bundled-style exercise in
tests/data/exercises/real, whose starter must fail and solution pass).
"""

from __future__ import annotations

import importlib.util
import textwrap

import pytest

from course.grading.vocabulary import load_exercises
from course.grading.devcheck import dev_check
from course.grading.runner import grade
from course.grading.workspace import copy_files
from course.sim.account import Account
from tests.unit.test_grading_support import DATA, fake_deploy, write_pack


def _real_lambda() -> bool:
    try:
        from course.sim.awslambda.models import LambdaService
        from course.sim.awslambda.runtime import Environment  # noqa: F401
    except ImportError:
        return False
    return any(getattr(getattr(LambdaService, attr, None), "aws_operation", None) == "CreateFunction"
               for attr in dir(LambdaService))


def _template_deploys_lambda() -> bool:
    return (importlib.util.find_spec("course.sim.template") is not None
            and importlib.util.find_spec("course.sim.awslambda.resources") is not None)


real_lambda = pytest.mark.skipif(not _real_lambda(), reason="the simulated Lambda model is not there yet")
real_template = pytest.mark.skipif(not (_real_lambda() and _template_deploys_lambda()),
                                   reason="templates cannot deploy Lambda functions yet")

APP = """\
import json

count = 0


def handler(event, context):
    global count
    count += 1
    if event.get("crash"):
        raise ValueError("boom: " + json.dumps(event))
    print("handling", event.get("name"))
    return {"greeting": f"hello {event.get('name')}", "count": count}
"""

TEMPLATE = """\
Resources:
  Hello:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      Code: src
      MemorySize: 256
      Timeout: 3
"""

CHECKS = """\
- id: cold-then-warm
  title: A cold start, then a warm one
  steps:
    - deploy
    - invoke: {function: Hello, event: {name: Ada}}
    - invoke: {function: Hello, event: {name: Bo}}
  expect:
    - {query: steps.invoke.payload, equals: {greeting: hello Ada, count: 1}}
    - {query: steps.invoke.cold, is_true: true}
    - {query: steps.invoke.init_ms, greater_than: 0}
    - {query: steps.invoke.logs, contains: handling Ada}
    - {query: steps.invoke.memory_mb, equals: 256}
    - {query: steps.invoke.billed_ms, at_least: 1}
    - {query: steps.invoke_2.cold, is_false: true}
    - {query: steps.invoke_2.payload.count, equals: 2}
    - {query: stack.functions.Hello.Runtime, equals: python3.12}
  hint: h
  docs: https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html
- id: crash
  title: A handler error comes back in Lambda's shape
  steps:
    - deploy
    - invoke: {function: Hello, event: {crash: true}}
  expect:
    - {query: steps.invoke.function_error, equals: Unhandled}
    - {query: steps.invoke.payload.errorType, equals: ValueError}
    - {query: steps.invoke.payload.errorMessage, matches: "^boom: "}
  hint: h
  docs: https://docs.aws.amazon.com/lambda/latest/dg/python-exceptions.html
- id: throttled
  title: One reserved environment cannot take fifty requests a second
  steps:
    - deploy
    - call: {service: lambda, operation: PutFunctionConcurrency,
             params: {FunctionName: "${stack.resources.Hello.physical_id}", ReservedConcurrentExecutions: 1}}
    - load: {function: Hello, rate_per_s: 50, duration_s: 5, handler_ms: 100}
  expect:
    - {query: steps.call.ReservedConcurrentExecutions, equals: 1}
    - {query: steps.load.requests, equals: 250}
    - {query: steps.load.throttled, greater_than: 0}
  hint: h
  docs: https://docs.aws.amazon.com/lambda/latest/dg/lambda-concurrency.html
- id: async
  title: An event invocation runs when the queue is drained
  steps:
    - deploy
    - invoke: {function: Hello, event: {name: Async}, invocation_type: Event}
    - drain: lambda
  expect:
    - {query: steps.invoke.status_code, equals: 202}
    - {query: steps.drain.lambda, equals: 1}
  hint: h
  docs: https://docs.aws.amazon.com/lambda/latest/dg/invocation-async.html
"""


@real_lambda
def test_the_real_lambda_model_runs_every_step_kind(tmp_path, monkeypatch):
    monkeypatch.setattr(Account, "deploy", fake_deploy)  # the plain-YAML deploy; Lambda itself is real
    text = ("id: real\ntitle: Real Lambda\nmodule: demo\ndifficulty: easy\nbrief: b\n"
            "files: [template.yaml, src/app.py]\nsolution: [template.yaml]\nhints: [h]\nchecks:\n"
            + textwrap.indent(CHECKS, "  "))
    root = write_pack(tmp_path / "pack", {"real": text}, {"real": {
        "starter/template.yaml": TEMPLATE, "starter/src/app.py": APP, "solution/template.yaml": TEMPLATE}})
    (exercise,), problems = load_exercises(root)
    assert not problems, problems
    ws = tmp_path / "ws"
    copy_files(exercise, ws)
    report = grade(exercise, ws)
    assert [c.status for c in report.checks] == ["passed"] * 4, report.text()


@real_template
def test_a_sam_exercise_end_to_end(tmp_path):
    (exercise,), problems = load_exercises(DATA / "real")
    assert not problems
    starter = tmp_path / "starter"
    copy_files(exercise, starter)
    report = grade(exercise, starter)
    answers = report.checks[0]
    assert answers.status == "failed", report.text()
    assert answers.expectations[0].actual == "Unhandled"
    assert "Runtime.HandlerNotFound" in answers.expectations[0].message
    solution = tmp_path / "solution"
    copy_files(exercise, solution, solution=True)
    assert grade(exercise, solution).status == "passed"


@real_template
def test_dev_check_on_the_sam_exercise():
    assert dev_check(DATA / "real") == []


@real_template
def test_a_template_error_from_the_real_loader_makes_the_report_invalid(tmp_path):
    (exercise,), _ = load_exercises(DATA / "real")
    ws = tmp_path / "ws"
    copy_files(exercise, ws)
    text = (ws / "template.yaml").read_text().replace("MemorySize: 128", "MemorySize: 20000")
    (ws / "template.yaml").write_text(text)
    report = grade(exercise, ws)
    assert report.status == "invalid" and report.exit_code == 2
    assert any(p.endswith("Resources.Greeter.Properties.MemorySize: must be at most 10240, got 20000")
               for p in report.problems), report.problems
