"""Shared pieces of the Lambda service tests (no tests here).

``FakeFactory`` stands in for the worker-process runtime where a test is about
the service (pools, retries, throttles) rather than about running Python: its
environments answer instantly, with fixed durations, and record what they saw.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

import pytest


ROLE = "arn:aws:iam::123456789012:role/lambda-role"
ARN = "arn:aws:lambda:us-east-1:123456789012:function:"
ECHO = "def handler(event, context):\n    return event\n"


@dataclass
class FakeResult:
    payload: bytes
    function_error: str | None
    logs: list
    request_id: str
    duration_ms: float
    billed_ms: int
    init_ms: float | None
    max_memory_mb: int
    cold: bool
    timed_out: bool = False


class FakeEnvironment:
    def __init__(self, spec, rpc, factory):
        self.spec, self.rpc, self.factory = spec, rpc, factory
        self.alive = True
        self.calls = 0
        self.events: list = []

    def invoke(self, event: bytes, request_id: str | None = None) -> FakeResult:
        cold = self.calls == 0
        self.calls += 1
        parsed = json.loads(event)
        self.events.append(parsed)
        try:
            payload, error = json.dumps(self.factory.handler(parsed, self)).encode(), None
        except Exception as problem:  # the handler's failure is the function's error, as in Lambda
            payload = json.dumps({"errorMessage": str(problem), "errorType": type(problem).__name__,
                                  "requestId": request_id, "stackTrace": []}).encode()
            error = "Unhandled"
        duration, init = self.factory.duration_ms, self.factory.init_ms if cold else None
        report = (f"REPORT RequestId: {request_id}\tDuration: {duration:.2f} ms\tBilled Duration: "
                  f"{math.ceil(duration)} ms\tMemory Size: {self.spec.memory_mb} MB\tMax Memory Used: 40 MB")
        if init is not None:
            report += f"\tInit Duration: {init:.2f} ms"
        logs = [f"START RequestId: {request_id} Version: {self.spec.version}", *self.factory.lines,
                f"END RequestId: {request_id}", report]
        if self.factory.die_after and self.calls >= self.factory.die_after:
            self.alive = False
        return FakeResult(payload, error, logs, request_id, duration, math.ceil(duration), init, 40, cold)

    def close(self) -> None:
        self.alive = False
        self.factory.closed.append(self)


class FakeFactory:
    """``service.environment_factory``: builds FakeEnvironments and keeps every one it made."""

    def __init__(self, handler=lambda event, env: event, duration_ms=10.0, init_ms=100.0, lines=(),
                 die_after=None):
        self.handler, self.duration_ms, self.init_ms = handler, duration_ms, init_ms
        self.lines, self.die_after = list(lines), die_after
        self.made: list[FakeEnvironment] = []
        self.closed: list[FakeEnvironment] = []

    def __call__(self, spec, rpc) -> FakeEnvironment:
        env = FakeEnvironment(spec, rpc, self)
        self.made.append(env)
        return env


@pytest.fixture
def client(acct):
    return acct.client("lambda")


@pytest.fixture
def fake(acct) -> FakeFactory:
    factory = FakeFactory()
    acct.service("lambda").environment_factory = factory
    return factory


def make(client, name: str = "fn", **overrides) -> dict:
    params = {"FunctionName": name, "Runtime": "python3.12", "Role": ROLE, "Handler": "index.handler",
              "Code": {"ZipFile": ECHO}}
    params.update(overrides)
    return client.create_function(**params)


def error_of(caught) -> tuple[str, str, int]:
    response = caught.value.response
    return response["Error"]["Code"], response["Error"]["Message"], response["ResponseMetadata"]["HTTPStatusCode"]


def runtime_available() -> bool:
    try:
        from course.sim.awslambda.runtime import Environment  # noqa: F401
    except ImportError:
        return False
    return True


needs_runtime = pytest.mark.skipif(not runtime_available(), reason="course.sim.awslambda.runtime is not installed")
