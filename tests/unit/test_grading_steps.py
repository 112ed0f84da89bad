"""Each step kind against the fake simulated Lambda: the result it leaves, and how it fails."""

from __future__ import annotations

from course.sim.awslambda import steps as steps_module
from course.grading.runner import grade
from tests.unit.test_grading_support import fake_sim, one_exercise, template, workspace_with  # noqa: F401

DOCS = "https://docs.aws.amazon.com/lambda/latest/dg/welcome.html"


def check(body: str) -> str:
    return f"- id: c\n  title: A check\n  hint: Try again.\n  docs: {DOCS}\n" + body


def run(tmp_path, checks: str, workspace_template: str | None = None, **kwargs):
    ex = one_exercise(tmp_path, checks, **kwargs)
    ws = workspace_with(tmp_path, workspace_template or template())
    return grade(ex, ws)


def outcome(report, index: int = 0):
    c = report.checks[index]
    return c.status, [(e.passed, e.actual) for e in c.expectations], c.error


def test_deploy_describes_resources_outputs_and_functions(tmp_path, fake_sim):
    report = run(tmp_path, check("""\
  steps: [deploy]
  expect:
    - {query: steps.deploy.resources.Hello.type, equals: AWS::Lambda::Function}
    - {query: stack.resources.Hello.physical_id, equals: coldstart-Hello-SIM}
    - {query: stack.functions.Hello.MemorySize, equals: 256}
    - {query: stack.functions.Hello.ReservedConcurrentExecutions, equals: 5}
    - {query: stack.outputs.Greeting, equals: hi}
    - {query: "files.\\"template.yaml\\"", contains: "ReservedConcurrentExecutions: 5"}
"""), template(memory=256, extra="ReservedConcurrentExecutions: 5\n") + "Outputs:\n  Greeting: {Value: hi}\n")
    assert outcome(report) == ("passed", [(True, "AWS::Lambda::Function"), (True, "coldstart-Hello-SIM"), (True, 256),
                                          (True, 5), (True, "hi"), (True, report.checks[0].expectations[5].actual)],
                               "")


def test_deploy_failing_in_the_service_fails_the_check_and_says_why(tmp_path, fake_sim):
    report = run(tmp_path, check("  steps: [deploy]\n  expect: [{query: stack, exists: true}]\n"),
                 template().replace("python3.12", "python2.7"))
    status, expectations, error = outcome(report)
    assert status == "failed" and expectations == [(False, None)]
    assert report.checks[0].expectations[0].reason == "not evaluated: the check stopped before it"
    assert "    expected: stack exists" in report.text().splitlines()
    assert not any(line.startswith("    actual:") for line in report.text().splitlines())
    assert error == ("step 'deploy': the stack did not deploy: InvalidParameterValueException: The runtime parameter "
                     "of python2.7 is no longer supported for creating or updating AWS Lambda functions.")


def test_invoke_result_has_payload_logs_and_figures(tmp_path, fake_sim):
    report = run(tmp_path, check("""\
  steps:
    - deploy
    - invoke: {function: Hello, event: {name: Ada, work_ms: 40}}
    - invoke: {function: Hello, event: {name: Bo}}
  expect:
    - {query: steps.invoke.payload, equals: {greeting: hello Ada}}
    - {query: steps.invoke.payload_text, equals: '{"greeting": "hello Ada"}'}
    - {query: steps.invoke.function_error, equals: null}
    - {query: steps.invoke.status_code, equals: 200}
    - {query: steps.invoke.cold, is_true: true}
    - {query: steps.invoke.init_ms, equals: 150.25}
    - {query: steps.invoke.duration_ms, equals: 40}
    - {query: steps.invoke.billed_ms, equals: 40}
    - {query: steps.invoke.logs, contains: working on Ada}
    - {query: steps.invoke_2.cold, is_false: true}
    - {query: steps.invoke_2.init_ms, exists: false}
    - {query: last.payload.greeting, equals: hello Bo}
"""))
    assert report.checks[0].status == "passed", report.text()
    assert report.checks[0].logs["invoke"][1] == "working on Ada"


def test_a_throttled_invoke_is_a_result_with_the_aws_error(tmp_path, fake_sim):
    report = run(tmp_path, check("""\
  steps:
    - deploy
    - invoke: Hello
  expect:
    - {query: steps.invoke.error.code, equals: TooManyRequestsException}
    - {query: steps.invoke.error.reason, equals: ReservedFunctionConcurrentInvocationLimitExceeded}
    - {query: steps.invoke.status_code, equals: 429}
    - {query: steps.invoke.payload, equals: null}
    - {query: steps.invoke.logs, equals: []}
"""), template(extra="ReservedConcurrentExecutions: 0\n"))
    assert report.checks[0].status == "passed", report.text()


def test_invoke_errors_from_the_handler(tmp_path, fake_sim):
    report = run(tmp_path, check("""\
  steps:
    - deploy
    - name: crash
      invoke: {function: Hello, event: {crash: true}}
    - name: slow
      invoke: {function: Hello, event: {work_ms: 5000}}
  expect:
    - {query: steps.crash.function_error, equals: Unhandled}
    - {query: steps.crash.payload.errorType, equals: ValueError}
    - {query: steps.slow.payload.errorMessage, matches: "Task timed out after 3.00 seconds"}
    - {query: steps.slow.duration_ms, equals: 3000}
"""))
    assert report.checks[0].status == "passed", report.text()


def test_invoke_an_event_file_asynchronously_then_drain(tmp_path, fake_sim):
    report = run(tmp_path, check("""\
  steps:
    - deploy
    - invoke: {function: Hello, event_file: events/e.json, invocation_type: Event}
    - drain
  expect:
    - {query: steps.invoke.status_code, equals: 202}
    - {query: steps.invoke.cold, equals: null}
    - {query: steps.drain.lambda.ran, equals: 1}
"""), extra_files={"events/e.json": '{"name": "from a file"}'})
    assert report.checks[0].status == "passed", report.text()


def test_invoke_by_a_name_the_template_does_not_have_fails_with_a_suggestion(tmp_path, fake_sim):
    report = run(tmp_path, check("  steps: [deploy, {invoke: Helo}]\n  expect: [{query: last, exists: true}]\n"))
    assert outcome(report) == ("failed", [(False, None)], "step 'invoke': the template has no function 'Helo' (did you mean "
                                             "'Hello'?); its functions are: Hello")


def test_invoke_by_physical_name_also_works(tmp_path, fake_sim):
    report = run(tmp_path, check("""\
  steps: [deploy, {invoke: coldstart-Hello-SIM}]
  expect: [{query: last.payload.greeting, equals: hello None}]
"""))
    assert report.checks[0].status == "passed", report.text()


def test_load_calls_the_load_scenario_through_the_adapter(tmp_path, fake_sim, monkeypatch):
    calls = []
    real = steps_module.LOAD_RUNNER

    def spy(account, function, qualifier, rate_per_s, duration_s, handler_ms=None):
        calls.append((function, qualifier, rate_per_s, duration_s, handler_ms))
        return real(account, function, qualifier, rate_per_s, duration_s, handler_ms=handler_ms)

    monkeypatch.setattr(steps_module, "LOAD_RUNNER", spy)
    report = run(tmp_path, check("""\
  steps:
    - deploy
    - load: {function: Hello, qualifier: live, rate_per_s: 100, duration_s: 10, handler_ms: 200}
  expect:
    - {query: steps.load.requests, equals: 1000}
    - {query: steps.load.throttles, equals: 0}
    - {query: "steps.load.series[0].second", equals: 0}
"""), template(extra="ReservedConcurrentExecutions: 10\n"))
    assert calls == [("coldstart-Hello-SIM", "live", 100, 10, 200)]
    assert outcome(report) == ("failed", [(True, 1000), (False, 500), (True, 0)], "")


def test_advance_moves_simulated_time(tmp_path, fake_sim):
    report = run(tmp_path, check("""\
  steps: [{advance: 90}, {advance: {seconds: 30.5}}]
  expect:
    - {query: time.elapsed, equals: 120.5}
    - {query: steps.advance.seconds, equals: 90}
    - {query: steps.advance_2.now, equals: 1767225720.5}
"""))
    assert report.checks[0].status == "passed", report.text()


def test_call_any_operation_with_references_to_earlier_results(tmp_path, fake_sim):
    report = run(tmp_path, check("""\
  steps:
    - deploy
    - name: put
      call: {service: lambda, operation: PutFunctionConcurrency,
             params: {FunctionName: "${stack.resources.Hello.physical_id}", ReservedConcurrentExecutions: 7}}
    - name: get
      call: {service: lambda, operation: get_function_concurrency,
             params: {FunctionName: "${stack.resources.Hello.physical_id}"}}
    - name: missing
      call: {service: lambda, operation: GetFunctionConfiguration, params: {FunctionName: nope}}
  expect:
    - {query: steps.get.ReservedConcurrentExecutions, equals: 7}
    - {query: steps.get.ResponseMetadata, exists: false}
    - {query: steps.missing.error.code, equals: ResourceNotFoundException}
    - {query: steps.missing.error.message, equals: "Function not found: nope"}
"""))
    assert report.checks[0].status == "passed", report.text()


def test_a_call_to_an_operation_that_does_not_exist_is_a_fault_in_the_check(tmp_path, fake_sim):
    report = run(tmp_path, check("""\
  steps: [{call: {service: lambda, operation: GetFunctionConfigration}}]
  expect: [{query: last, exists: true}]
"""))
    c = report.checks[0]
    assert c.status == "error"
    assert c.error == ("internal error in check 'c' at step 1 (call 'call'): lambda has no operation "
                       "'GetFunctionConfigration' (did you mean 'GetFunctionConfiguration'?)")


def test_a_call_the_simulator_does_not_model_is_a_fault_in_the_check(tmp_path, fake_sim):
    report = run(tmp_path, check("""\
  steps: [{call: {service: lambda, operation: ListLayers}}]
  expect: [{query: last, exists: true}]
"""))
    c = report.checks[0]
    assert c.status == "error" and "lambda:ListLayers" in c.error and c.error.startswith("internal error in check 'c'")


def test_draining_a_service_that_queues_nothing_is_a_fault_in_the_check(tmp_path, fake_sim, monkeypatch):
    monkeypatch.delattr(__import__("tests.unit.test_grading_support", fromlist=["FakeLambda"]).FakeLambda, "drain")
    report = run(tmp_path, check("  steps: [{drain: lambda}]\n  expect: [{query: last, exists: true}]\n"))
    assert report.checks[0].error == ("internal error in check 'c' at step 1 (drain 'drain'): the simulated lambda "
                                      "service keeps no queued work to drain")


def test_drain_without_a_service_only_touches_services_in_use(tmp_path, fake_sim):
    report = run(tmp_path, check("  steps: [drain]\n  expect: [{query: steps.drain, equals: {}}]\n"))
    assert report.checks[0].status == "passed", report.text()


def test_a_reference_with_no_value_fails_the_check_instead_of_sending_null(tmp_path, fake_sim):
    report = run(tmp_path, check("""\
  steps:
    - deploy
    - call: {service: lambda, operation: GetFunctionConcurrency,
             params: {FunctionName: "${stack.resources.Greeter.physical_id}"}}
  expect: [{query: last, exists: true}]
"""))
    assert outcome(report) == ("failed", [(False, None)],
                               "step 'call': ${stack.resources.Greeter.physical_id} has no value in this run")


def test_a_qualifier_may_be_a_version_number(tmp_path, fake_sim, monkeypatch):
    from tests.unit.test_grading_support import FakeLambda

    seen = []
    original = FakeLambda.invoke

    def spy(self, params):
        seen.append(params.get("Qualifier"))
        return original(self, params)

    monkeypatch.setattr(FakeLambda, "invoke", spy)
    monkeypatch.setattr(spy, "aws_operation", "Invoke", raising=False)
    report = run(tmp_path, check("""\
  steps: [deploy, {invoke: {function: Hello, qualifier: 1}}]
  expect: [{query: last.status_code, equals: 200}]
"""))
    assert report.checks[0].status == "passed", report.text()
    assert seen == ["1"]


def test_calls_hold_what_each_step_called(tmp_path, fake_sim):
    report = run(tmp_path, check("""\
  steps:
    - deploy
    - name: ask
      call: {service: lambda, operation: GetFunctionConfiguration, params: {FunctionName: Hello}}
    - name: missing
      call: {service: lambda, operation: GetFunctionConfiguration, params: {FunctionName: Nope}}
  expect:
    - {query: "calls.ask[].operation", equals: [GetFunctionConfiguration]}
    - {query: "calls.ask[0].function", equals: Hello}
    - {query: "calls.missing[0].error", equals: ResourceNotFoundException}
    - {query: "calls.ask[?operation=='Scan'] | length(@)", equals: 0}
"""))
    assert outcome(report)[0] == "passed", report.text()
    report = run(tmp_path, check("""\
  steps:
    - deploy
    - name: ask
      call: {service: lambda, operation: GetFunctionConfiguration, params: {FunctionName: Hello}}
  expect:
    - {query: "calls.ask[?operation=='GetFunctionConfiguration'] | length(@)", equals: 0}
"""))
    assert outcome(report)[0] == "failed"


def test_every_step_kind_is_written_once_and_documented():
    """A kind's reader and runner are one object, so they cannot disagree; each has its docs section."""
    from course.grading.vocabulary import vocabulary
    from tests.conftest import ROOT

    docs = (ROOT / "docs" / "exercises.md").read_text()
    kinds = vocabulary().kinds
    assert {"deploy", "advance", "call", "drain", "invoke", "load", "interfere", "table_load"} <= set(kinds)
    for name, kind in kinds.items():
        assert kind.name == name and callable(kind.read) and callable(kind.run)
        assert set(kind.fields) and (kind.shorthand is None or kind.shorthand in kind.fields)
        assert f"\n### {name}\n" in docs, f"docs/exercises.md has no section for the '{name}' step"
