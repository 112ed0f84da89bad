"""A simulated AWS account: its id, Region, clock and the state of every service in it."""

from __future__ import annotations

import importlib
from collections import deque
from pathlib import Path
from typing import Any

from course.sim.clock import Clock

#: boto3 service name → "module:Class" of its model; loaded on first use.
SERVICES: dict[str, str] = {
    "lambda": "course.sim.awslambda.models:LambdaService",
    "dynamodb": "course.sim.dynamodb.models:DynamoDBService",
    "dynamodbstreams": "course.sim.dynamodbstreams.models:StreamsService",
    "kinesis": "course.sim.kinesis.models:KinesisService",
    "s3": "course.sim.s3.models:S3Service",
    "dax": "course.sim.dax.models:DaxService",
    "application-autoscaling": "course.sim.autoscaling.models:AutoScalingService",
}

#: The call log keeps this many recent calls, so a long load scenario cannot grow it without end.
CALL_LOG_SIZE = 100_000


class Account:
    def __init__(self, account_id: str = "123456789012", region: str = "us-east-1", clock: Clock | None = None):
        self.account_id = account_id
        self.region = region
        self.clock = clock or Clock()
        self._services: dict[str, Any] = {}
        self._clients: dict[str, Any] = {}
        self.stacks: dict[str, Any] = {}
        #: Every API call answered, in order, as ``{"service", "operation", "time", "table"?,
        #: "index"?, "error"?}``; a service may add figures to the entry of the call it is answering
        #: (DynamoDB adds the capacity a request consumed). Checks read it: "no Scan", say.
        self.calls: deque[dict[str, Any]] = deque(maxlen=CALL_LOG_SIZE)
        self.call_count = 0

    def service(self, name: str):
        """The model of service ``name`` in this account, created on first use."""
        model = self._services.get(name)
        if model is None:
            target = SERVICES.get(name)
            if target is None:
                raise KeyError(f"the simulator has no '{name}' service; it models: {', '.join(sorted(SERVICES))}")
            module_name, class_name = target.split(":")
            model = getattr(importlib.import_module(module_name), class_name)(self)
            self._services[name] = model
        return model

    def call(self, service: str, operation: str, params: dict[str, Any]) -> dict[str, Any]:
        """Answer one API call the way the bridge and scenarios use it: raises AwsError on failure."""
        entry: dict[str, Any] = {"service": service, "operation": operation, "time": self.clock.now()}
        for name, field in (("TableName", "table"), ("IndexName", "index"), ("FunctionName", "function")):
            if isinstance(params.get(name), str):
                entry[field] = params[name]
        self.calls.append(entry)
        self.call_count += 1
        try:
            return self.service(service).call(operation, params)
        except Exception as error:
            entry["error"] = getattr(error, "code", type(error).__name__)
            raise

    @property
    def current_call(self) -> dict[str, Any] | None:
        """The log entry of the call being answered (the last one begun)."""
        return self.calls[-1] if self.calls else None

    def client(self, service: str):
        """A real botocore client whose every call this account answers, in process."""
        client = self._clients.get(service)
        if client is None:
            from course.sim.bridge import make_client

            client = self._clients[service] = make_client(self, service)
        return client

    def deploy(self, template: str | Path, *, parameters: dict[str, str] | None = None,
               stack_name: str = "coldstart", base_dir: Path | None = None):
        """Create a stack's resources; raises TemplateError with every file:line:col problem."""
        from course.sim.template import deploy

        stack = deploy(self, template, parameters=parameters or {}, stack_name=stack_name, base_dir=base_dir)
        self.stacks[stack_name] = stack
        return stack

    def arn(self, service: str, resource: str) -> str:
        return f"arn:aws:{service}:{self.region}:{self.account_id}:{resource}"

    def reset(self) -> None:
        """Forget every resource (the clock keeps running)."""
        self.close()
        self._services.clear()
        self.stacks.clear()
        self.calls.clear()

    def close(self) -> None:
        for model in self._services.values():
            model.close()

    def __enter__(self) -> "Account":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
