"""A simulated AWS account: its id, Region, clock and the state of every service in it."""

from __future__ import annotations

from collections import deque
from pathlib import Path
from typing import Any

from course.sim.clock import Clock
from course.sim.registry import model_class

#: The call log keeps this many recent calls, so a long load scenario cannot grow it without end.
CALL_LOG_SIZE = 100_000


class Account:
    def __init__(self, account_id: str = "123456789012", region: str = "us-east-1", clock: Clock | None = None):
        self.account_id = account_id
        self.region = region
        self.clock = clock or Clock()
        self._services: dict[str, Any] = {}
        #: (service name, Region) → model, for Regions other than the account's own.
        self._regional: dict[tuple[str, str], Any] = {}
        self._clients: dict[str, Any] = {}
        self.stacks: dict[str, Any] = {}
        #: Export name → (the stack that exports it, its value), for other stacks' Fn::ImportValue.
        self.exports: dict[str, tuple[str, str]] = {}
        #: Every API call answered, in order, as ``{"service", "operation", "time", "table"?,
        #: "index"?, "error"?}``; a service may add figures to the entry of the call it is answering
        #: (DynamoDB adds the capacity a request consumed). Checks read it: "no Scan", say.
        self.calls: deque[dict[str, Any]] = deque(maxlen=CALL_LOG_SIZE)
        self.call_count = 0

    def service(self, name: str, region: str | None = None):
        """The model of service ``name`` in this account, created on first use. ``region`` names
        another Region than the account's own: each Region has its own models (its own DynamoDB
        tables, say), seen through a ``RegionView`` of this account, sharing its clock and call log."""
        home = region is None or region == self.region
        store = self._services if home else self._regional
        key = name if home else (name, region)
        model = store.get(key)
        if model is None:
            owner = self if home else RegionView(self, region)
            model = model_class(name)(owner)
            store[key] = model
        return model

    def call(self, service: str, operation: str, params: dict[str, Any], region: str | None = None) -> dict[str, Any]:
        """Answer one API call the way the bridge and scenarios use it: raises AwsError on failure."""
        entry: dict[str, Any] = {"service": service, "operation": operation, "time": self.clock.now()}
        if region is not None and region != self.region:
            entry["region"] = region
        for name, field in (("TableName", "table"), ("IndexName", "index"), ("FunctionName", "function")):
            if isinstance(params.get(name), str):
                entry[field] = params[name]
        self.calls.append(entry)
        self.call_count += 1
        try:
            return self.service(service, region).call(operation, params)
        except Exception as error:
            entry["error"] = getattr(error, "code", type(error).__name__)
            raise

    @property
    def current_call(self) -> dict[str, Any] | None:
        """The log entry of the call being answered (the last one begun)."""
        return self.calls[-1] if self.calls else None

    def client(self, service: str, region: str | None = None):
        """A real botocore client whose every call this account answers, in process (in ``region``
        when given: a global table's replica is read and written there)."""
        key = service if region is None or region == self.region else (service, region)
        client = self._clients.get(key)
        if client is None:
            from course.sim.bridge import make_client

            client = self._clients[key] = make_client(self, service, region)
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

    @property
    def home(self) -> "Account":
        """The account itself (a ``RegionView`` answers the account it views)."""
        return self

    def reset(self) -> None:
        """Forget every resource (the clock keeps running; the background work of the forgotten
        resources, such as TTL sweeps and stream pollers, is cancelled with them)."""
        self.close()
        self.clock.cancel_timers()
        self._services.clear()
        self._regional.clear()
        self.stacks.clear()
        self.exports.clear()
        self.calls.clear()

    def close(self) -> None:
        for model in [*self._services.values(), *self._regional.values()]:
            model.close()

    def __enter__(self) -> "Account":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class RegionView:
    """The account as a service model in another Region sees it: the same id, clock, call log and
    stacks, but that Region's name, ARNs and services. Models are written against ``account``, so
    handing them this view is all it takes to run a second Region without touching them."""

    def __init__(self, account: Account, region: str):
        self._account = account
        self.region = region

    def __getattr__(self, name: str):
        return getattr(self._account, name)

    def service(self, name: str, region: str | None = None):
        return self._account.service(name, region or self.region)

    def call(self, service: str, operation: str, params: dict[str, Any], region: str | None = None):
        return self._account.call(service, operation, params, region or self.region)

    def client(self, service: str, region: str | None = None):
        return self._account.client(service, region or self.region)

    def arn(self, service: str, resource: str) -> str:
        return f"arn:aws:{service}:{self.region}:{self.account_id}:{resource}"

    @property
    def home(self) -> Account:
        return self._account
