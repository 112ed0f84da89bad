"""A small simulated Lambda and template deploy for grading tests, and helpers to write exercises.

The grader is tested against these fakes so that its tests say something about
the grader alone; the end-to-end tests in test_grading_e2e.py use the real
simulator when it is there.
"""

from __future__ import annotations

import base64
import json
import textwrap
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import pytest

from course.grading.vocabulary import load_exercises
from course.content.problems import Problems
from course.content.yamlsrc import BROKEN, load_file
from course.sim.awslambda import steps as steps_module
from course.sim import registry
from course.sim.account import Account
from course.sim.errors import AwsError, TemplateError
from course.sim.service import Service, operation

DATA = Path(__file__).resolve().parent.parent / "data" / "exercises"
PACK = DATA / "pack"


class FakeLambda(Service):
    """Functions that 'run' by reading their event: ``work_ms`` of work, ``crash`` to raise."""

    name = "lambda"

    def __init__(self, account):
        super().__init__(account)
        self.functions: dict[str, dict] = {}
        self.reserved: dict[str, int] = {}
        self.warm: set[str] = set()
        self.queue: list[tuple[str, dict]] = []
        self.ran_async: list[dict] = []

    def _get(self, name: str) -> dict:
        name = name.split(":")[6] if name.startswith("arn:") else name
        if name not in self.functions:
            raise AwsError("ResourceNotFoundException", f"Function not found: {name}", 404, {"Type": "User"})
        return self.functions[name]

    @operation("CreateFunction")
    def create_function(self, params):
        if params.get("Runtime") == "python2.7":
            raise AwsError("InvalidParameterValueException",
                           "The runtime parameter of python2.7 is no longer supported for creating or updating "
                           "AWS Lambda functions.", 400)
        name = params["FunctionName"]
        self.functions[name] = {
            "FunctionName": name, "FunctionArn": self.account.arn("lambda", f"function:{name}"),
            "Runtime": params.get("Runtime"), "Handler": params.get("Handler"),
            "MemorySize": params.get("MemorySize", 128), "Timeout": params.get("Timeout", 3),
        }
        return dict(self.functions[name])

    @operation("GetFunctionConfiguration")
    def get_function_configuration(self, params):
        return dict(self._get(params["FunctionName"]))

    @operation("GetFunctionConcurrency")
    def get_function_concurrency(self, params):
        name = self._get(params["FunctionName"])["FunctionName"]
        return {"ReservedConcurrentExecutions": self.reserved[name]} if name in self.reserved else {}

    @operation("PutFunctionConcurrency")
    def put_function_concurrency(self, params):
        name = self._get(params["FunctionName"])["FunctionName"]
        self.reserved[name] = params["ReservedConcurrentExecutions"]
        return {"ReservedConcurrentExecutions": self.reserved[name]}

    @operation("Invoke")
    def invoke(self, params):
        fn = self._get(params["FunctionName"])
        if self.reserved.get(fn["FunctionName"]) == 0:
            raise AwsError("TooManyRequestsException", "Rate Exceeded.", 429,
                           {"Reason": "ReservedFunctionConcurrentInvocationLimitExceeded", "Type": "User"})
        event = json.loads(params.get("Payload") or b"{}")
        kind = params.get("InvocationType", "RequestResponse")
        if kind == "Event":
            self.queue.append((fn["FunctionName"], event))
            return {"StatusCode": 202, "Payload": b""}
        if kind == "DryRun":
            return {"StatusCode": 204, "Payload": b""}
        payload, error, logs = self._run(fn, event)
        out = {"StatusCode": 200, "Payload": json.dumps(payload).encode(), "ExecutedVersion": "$LATEST"}
        if error:
            out["FunctionError"] = error
        if params.get("LogType") == "Tail":
            out["LogResult"] = base64.b64encode("\n".join(logs).encode()).decode()
        return out

    def _run(self, fn: dict, event: dict):
        name = fn["FunctionName"]
        cold = name not in self.warm
        self.warm.add(name)
        work = float(event.get("work_ms", 100))
        logs = ["START RequestId: r-1 Version: $LATEST", f"working on {event.get('name')}"]
        error = None
        if work > fn["Timeout"] * 1000:
            work = fn["Timeout"] * 1000.0
            payload = {"errorMessage": f"2026-01-01T00:00:00.000Z r-1 Task timed out after {fn['Timeout']:.2f} seconds"}
            error = "Unhandled"
        elif event.get("crash"):
            payload = {"errorMessage": "boom", "errorType": "ValueError", "requestId": "r-1", "stackTrace": []}
            logs.append("[ERROR] ValueError: boom")
            error = "Unhandled"
        else:
            payload = {"greeting": f"hello {event.get('name')}"}
        init = "\tInit Duration: 150.25 ms" if cold else ""
        logs += ["END RequestId: r-1", f"REPORT RequestId: r-1\tDuration: {work:.2f} ms\tBilled Duration: "
                 f"{int(-(-work // 1))} ms\tMemory Size: {fn['MemorySize']} MB\tMax Memory Used: 40 MB{init}"]
        return payload, error, logs

    def drain(self):
        ran = 0
        while self.queue:
            name, event = self.queue.pop(0)
            self.ran_async.append({"function": name, "event": event})
            ran += 1
        return {"ran": ran}


@dataclass
class FakeStack:
    resources: dict
    outputs: dict

    def physical_id(self, logical: str) -> str:
        return self.resources[logical].physical_id


def fake_deploy(self, template, *, parameters=None, stack_name="coldstart", base_dir=None):
    """Plain YAML templates (no short tags); MemorySize over 10240 is a template problem."""
    problems = Problems(root=Path(base_dir) if base_dir else None)
    data = load_file(Path(template), problems)
    if data is BROKEN:
        raise TemplateError(problems.sorted())
    resources = {}
    for logical, res in (data.get("Resources") or {}).items():
        props = res.get("Properties") or {}
        if props.get("MemorySize", 128) > 10240:
            problems.add(props.value_mark("MemorySize"), f"Resources.{logical}.Properties.MemorySize",
                         f"must be at most 10240, got {props['MemorySize']}")
            continue
        name = props.get("FunctionName") or f"{stack_name}-{logical}-SIM"
        if res.get("Type") == "AWS::Lambda::Function":
            create = {k: v for k, v in props.items() if k != "ReservedConcurrentExecutions"}
            if isinstance(create.get("Code"), str):  # a folder, as the template layer hands it to Lambda
                create["Code"] = str(Path(base_dir or Path(template).parent) / create["Code"])
            create.setdefault("Role", f"arn:aws:iam::{self.account_id}:role/fake")
            self.call("lambda", "CreateFunction", {**create, "FunctionName": name})
            if "ReservedConcurrentExecutions" in props:
                self.call("lambda", "PutFunctionConcurrency",
                          {"FunctionName": name, "ReservedConcurrentExecutions": props["ReservedConcurrentExecutions"]})
        resources[logical] = SimpleNamespace(type=res.get("Type"), physical_id=name, attributes={})
    if problems:
        raise TemplateError(problems.sorted())
    outputs = {k: (v.get("Value") if isinstance(v, dict) else v) for k, v in (data.get("Outputs") or {}).items()}
    return FakeStack(resources, outputs)


@dataclass
class FakeLoadReport:
    requests: int
    throttles: int
    cold_starts: int
    peak_concurrency: float

    def as_dict(self):
        return {"requests": self.requests, "throttles": self.throttles, "cold_starts": self.cold_starts,
                "peak_concurrency": self.peak_concurrency, "series": [{"second": 0, "throttles": 0}]}


def fake_load(account, function, qualifier, rate_per_s, duration_s, handler_ms=None):
    model = account.service("lambda")
    fn = model._get(function)
    concurrency = rate_per_s * (handler_ms or 100) / 1000
    limit = model.reserved.get(fn["FunctionName"], 1000)
    requests = int(rate_per_s * duration_s)
    throttled = int(requests * max(0.0, 1 - limit / concurrency)) if concurrency else 0
    return FakeLoadReport(requests, throttled, int(min(concurrency, limit)), concurrency)


@pytest.fixture
def fake_sim(monkeypatch):
    monkeypatch.setitem(registry.STAND_INS, "lambda", FakeLambda)
    monkeypatch.setattr(Account, "deploy", fake_deploy)
    monkeypatch.setattr(steps_module, "LOAD_RUNNER", fake_load)


MODULE_YAML = "id: demo\ntitle: Demo\nsummary: s\norder: 1\nobjectives: [o]\ndomains: [dva-development]\n"
TEMPLATE = """\
Resources:
  Hello:
    Type: AWS::Lambda::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
      MemorySize: {memory}
      Timeout: {timeout}
{extra}"""


def template(memory=128, timeout=3, extra: str = "") -> str:
    return TEMPLATE.format(memory=memory, timeout=timeout, extra=textwrap.indent(textwrap.dedent(extra), "      "))


def write_pack(root: Path, exercises: dict[str, str], files: dict[str, dict[str, str]] | None = None) -> Path:
    """A pack with a demo module and the given exercise.yaml texts; ``files`` maps exercise → {relative path: text}."""
    (root / "content" / "demo").mkdir(parents=True, exist_ok=True)
    (root / "content" / "demo" / "module.yaml").write_text(MODULE_YAML)
    for ident, text in exercises.items():
        folder = root / "exercises" / ident
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "exercise.yaml").write_text(textwrap.dedent(text))
        for rel, content in ((files or {}).get(ident) or {}).items():
            (folder / rel).parent.mkdir(parents=True, exist_ok=True)
            (folder / rel).write_text(content)
    return root


def one_exercise(tmp_path: Path, checks: str, starter: str | None = None, solution: str | None = None,
                 extra_files: dict[str, str] | None = None):
    """An exercise with a single template file and the given checks (YAML, indented under ``checks:``)."""
    text = (
        "id: ex\ntitle: An exercise\nmodule: demo\ndifficulty: easy\nbrief: Do it.\n"
        "files: [template.yaml]\nsolution: [template.yaml]\nhints: [Think.]\nchecks:\n"
        + textwrap.indent(textwrap.dedent(checks), "  ")
    )
    files = {"starter/template.yaml": starter or template(), "solution/template.yaml": solution or template(timeout=10)}
    files.update(extra_files or {})
    write_pack(tmp_path / "pack", {"ex": text}, {"ex": files})
    exercises, problems = load_exercises(tmp_path / "pack")
    assert not problems, "\n".join(map(str, problems))
    return exercises[0]


def workspace_with(tmp_path: Path, text: str, name: str = "template.yaml") -> Path:
    ws = tmp_path / "ws"
    ws.mkdir(exist_ok=True)
    (ws / name).write_text(text)
    return ws


def test_the_fake_deploy_reports_template_problems_with_positions(tmp_path, fake_sim):
    ws = workspace_with(tmp_path, template(memory=20000))
    with pytest.raises(TemplateError) as caught:
        Account().deploy(ws / "template.yaml", base_dir=ws)
    assert [str(p) for p in caught.value.problems] == [
        "template.yaml:7:19: Resources.Hello.Properties.MemorySize: must be at most 10240, got 20000"]


def test_the_fake_lambda_answers_through_boto3(tmp_path, fake_sim):
    ws = workspace_with(tmp_path, template())
    account = Account()
    stack = account.deploy(ws / "template.yaml", base_dir=ws)
    response = account.client("lambda").invoke(FunctionName=stack.physical_id("Hello"), Payload=b'{"name": "x"}')
    assert json.loads(response["Payload"].read()) == {"greeting": "hello x"}
