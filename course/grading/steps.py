"""The steps a check plays against a fresh simulated account, each leaving a result document.

Results are shaped for the questions checks ask ("did it answer, how long did
it take, was it a cold start") rather than as raw API responses, and every
step reaches the simulator through the same public doors a learner would use:
``Account.deploy``, boto3 clients and the load scenario.
"""

from __future__ import annotations

import base64
import itertools
import json
from pathlib import Path
from typing import Any, Callable

from course.content.exercise_steps import Step
from course.content.exercises import Exercise
from course.content.problems import did_you_mean
from course.grading.document import QueryError, plain, report_figures, substitute
from course.sim.errors import AwsError


class StepFailed(Exception):
    """The learner's work stopped a step (the stack did not deploy, the function is missing)."""


class CheckBug(Exception):
    """The check itself asks for something impossible (an operation that does not exist, say)."""


def _default_load(account, function: str, qualifier: str | None, rate_per_s: float, duration_s: float,
                  handler_ms: float | None = None, cpu_ms: float | None = None):
    from course.sim.awslambda.scaling import run_load

    return run_load(account, function, qualifier, rate_per_s, duration_s, handler_ms=handler_ms, cpu_ms=cpu_ms)


#: The Lambda load scenario, behind one name so a different scaling model can stand in for it.
LOAD_RUNNER: Callable[..., Any] = _default_load


def _default_table_load(account, table: str, **settings):
    from course.sim.dynamodb.load import run_table_load

    return run_table_load(account, table, **settings)


#: The DynamoDB table load scenario (``course.sim.dynamodb.load``), replaceable like LOAD_RUNNER.
TABLE_LOAD_RUNNER: Callable[..., Any] = _default_table_load


class Scenario:
    """One check's run: the account, the document its expectations read, and the logs to show."""

    def __init__(self, account, exercise: Exercise, workspace: Path, files: dict[str, str | None]):
        self.account = account
        self.exercise = exercise
        self.workspace = workspace
        self.stack = None
        self.start = account.clock.now()
        self.logs: dict[str, list[str]] = {}
        self.document: dict[str, Any] = {"steps": {}, "stack": None, "last": None, "files": files, "time": {},
                                         "calls": {}}
        self._tick()

    def run(self, step: Step) -> Any:
        try:
            args = substitute(step.args, self.document)  # an event file is sent as written: it is not in args
        except QueryError as exc:
            raise StepFailed(str(exc)) from None
        before = self.account.call_count
        result = plain(getattr(self, "_" + step.kind)(step, args))
        # The API calls the step caused (a handler's own boto3 calls included), for checks such as
        # "every access pattern is a Query or GetItem". The log is bounded; a step longer than it
        # sees its most recent calls.
        made = min(self.account.call_count - before, len(self.account.calls))
        recent = itertools.islice(reversed(self.account.calls), made)  # the step's calls, newest first
        self.document["calls"][step.name] = [dict(c) for c in recent][::-1]
        self.document["steps"][step.name] = result
        self.document["last"] = result
        self._tick()
        return result

    def _tick(self) -> None:
        now = self.account.clock.now()
        self.document["time"] = {"start": self.start, "now": now, "elapsed": now - self.start}

    # -- steps -------------------------------------------------------------------------------

    def _deploy(self, step: Step, args: dict) -> dict:
        path = self.workspace / args["template"]
        try:
            self.stack = self.account.deploy(path, parameters=args["parameters"] or None, base_dir=self.workspace)
        except AwsError as exc:
            raise StepFailed(f"the stack did not deploy: {exc.code}: {exc.message}") from None
        result = describe_stack(self.account, self.stack)
        self.document["stack"] = plain(result)
        return result

    def _invoke(self, step: Step, args: dict) -> dict:
        from botocore.exceptions import ClientError

        if args.get("event_file"):
            payload = (self.exercise.root / args["event_file"]).read_bytes()
        else:
            payload = json.dumps(args["event"]).encode()
        params = {"FunctionName": self.function(args["function"]), "InvocationType": args["invocation_type"],
                  "Payload": payload}
        if args.get("qualifier"):
            params["Qualifier"] = str(args["qualifier"])
        if args["invocation_type"] == "RequestResponse":
            params["LogType"] = "Tail"
        try:
            response = self.account.client("lambda").invoke(**params)
        except ClientError as exc:
            _not_modeled(exc)
            return {**_invoke_shape(), "status_code": exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode"),
                    "error": _error(exc)}
        text = response["Payload"].read().decode("utf-8", "replace") if "Payload" in response else ""
        try:
            parsed = json.loads(text) if text else None
        except ValueError:
            parsed = text
        logs = base64.b64decode(response["LogResult"]).decode("utf-8", "replace").splitlines() \
            if response.get("LogResult") else []
        self.logs[step.name] = logs
        return {**_invoke_shape(), "status_code": response.get("StatusCode"), "payload": parsed, "payload_text": text,
                "function_error": response.get("FunctionError"), "executed_version": response.get("ExecutedVersion"),
                "logs": logs, **report_figures(logs)}

    def _load(self, step: Step, args: dict) -> Any:
        function = self.function(args["function"])
        try:
            extra = {"cpu_ms": args["cpu_ms"]} if args.get("cpu_ms") is not None else {}
            report = LOAD_RUNNER(self.account, function, args.get("qualifier"), args["rate_per_s"],
                                 args["duration_s"], handler_ms=args.get("handler_ms"), **extra)
        except AwsError as exc:
            raise StepFailed(f"the load could not run: {exc.code}: {exc.message}") from None
        return report.as_dict() if hasattr(report, "as_dict") else report

    def _advance(self, step: Step, args: dict) -> dict:
        self.account.clock.advance(args["seconds"])
        return {"seconds": args["seconds"], "now": self.account.clock.now()}

    def _call(self, step: Step, args: dict) -> dict:
        from botocore.exceptions import ClientError

        client = self.account.client(args["service"])
        method = _method(client, args["service"], args["operation"])
        try:
            response = method(**args["params"])
        except ClientError as exc:
            _not_modeled(exc)
            return {"error": _error(exc)}
        response.pop("ResponseMetadata", None)
        return response

    def _drain(self, step: Step, args: dict) -> dict:
        """Run work the services queued (asynchronous invocations, say)."""
        if args.get("service"):
            model = self.account.service(args["service"])
            if not callable(getattr(model, "drain", None)):
                raise CheckBug(f"the simulated {args['service']} service keeps no queued work to drain")
            return {args["service"]: model.drain()}
        live = getattr(self.account, "_services", {})
        return {name: model.drain() for name, model in list(live.items()) if callable(getattr(model, "drain", None))}

    def _interfere(self, step: Step, args: dict) -> dict:
        """Another client's DynamoDB write, made before or after the calls the step names
        (``course.sim.dynamodb.interleave``), so a race happens at the same point every run."""
        from botocore.exceptions import ParamValidationError
        from botocore.validate import validate_parameters

        table = self.table(args["table"])
        model = self.account.client("dynamodb").meta.service_model.operation_model(args["operation"])
        try:
            validate_parameters({"TableName": table, **args["params"]}, model.input_shape)
        except ParamValidationError as exc:
            raise CheckBug(f"the competing {args['operation']} is not a valid request: {exc}") from None
        try:
            rule = self.account.service("dynamodb").interfere(
                table=table, operation=args["operation"], params=args["params"], before=args["before"],
                after=args["after"], times=args["times"], key=args["key"])
        except ValueError as exc:
            raise CheckBug(str(exc)) from None
        except AwsError as exc:
            raise StepFailed(f"the competing writer could not start: {exc.code}: {exc.message}") from None
        return rule.describe()

    def _table_load(self, step: Step, args: dict) -> Any:
        """Traffic against a DynamoDB table over simulated time: throttles per partition key, cost."""
        resources = (self.document["stack"] or {}).get("resources", {})
        table = resources[args["table"]]["physical_id"] if args["table"] in resources else args["table"]
        settings = {k: v for k, v in args.items() if k != "table" and v is not None}
        try:
            report = TABLE_LOAD_RUNNER(self.account, table, **settings)
        except AwsError as exc:
            raise StepFailed(f"the table load could not run: {exc.code}: {exc.message}") from None
        return report.as_dict() if hasattr(report, "as_dict") else report

    # -- helpers ------------------------------------------------------------------------------

    def table(self, ref: str) -> str:
        """A DynamoDB table named by its logical id in the template, or by its name."""
        resources = (self.document["stack"] or {}).get("resources", {})
        if ref in resources:
            return resources[ref]["physical_id"]
        tables = {k: v for k, v in resources.items() if v.get("type") == "AWS::DynamoDB::Table"}
        if tables and not any(v["physical_id"] == ref for v in tables.values()):
            raise StepFailed(f"the template has no table '{ref}'{did_you_mean(ref, tables)}; "
                             f"its tables are: {', '.join(tables)}")
        return ref

    def function(self, ref: str) -> str:
        """A function named by its logical id in the template, or by its name or ARN."""
        ref = str(ref)
        if self.stack is None or ":" in ref:
            return ref
        resources = (self.document["stack"] or {}).get("resources", {})
        if ref in resources:
            return resources[ref]["physical_id"]
        functions = {k: v for k, v in resources.items() if v.get("type") == "AWS::Lambda::Function"}
        if any(v["physical_id"] == ref for v in functions.values()):
            return ref
        raise StepFailed(f"the template has no function '{ref}'{did_you_mean(ref, functions)}"
                         + (f"; its functions are: {', '.join(functions)}" if functions else "; it defines no function"))


def _invoke_shape() -> dict:
    """Every invoke result has every field, so a query never depends on which way the call went."""
    return {"status_code": None, "payload": None, "payload_text": "", "function_error": None, "error": None,
            "executed_version": None, "logs": [], **report_figures([])}


def _error(exc) -> dict:
    err = exc.response.get("Error", {})
    return {"code": err.get("Code"), "message": err.get("Message"), "reason": exc.response.get("Reason")}


def _not_modeled(exc) -> None:
    if exc.response.get("Error", {}).get("Code") == "NotModeledBySimulator":
        raise CheckBug(exc.response["Error"].get("Message", "the simulator does not model this operation"))


def _method(client, service: str, operation: str) -> Callable:
    """The client method for ``GetFunctionConfiguration`` or ``get_function_configuration``."""
    mapping = client.meta.method_to_api_mapping  # python name -> API name
    names = {api: python for python, api in mapping.items()}
    python = names.get(operation) or (operation if operation in mapping else None)
    if python is None:
        raise CheckBug(f"{service} has no operation '{operation}'{did_you_mean(operation, list(names))}")
    return getattr(client, python)


def describe_stack(account, stack) -> dict:
    """Keyed by logical id, the names the learner wrote, not the generated physical names.

    Functions and aliases are read back through the service, so a check sees what was
    deployed (defaults filled in, SAM expanded) rather than what the template says.
    """
    resources = {}
    for logical, resource in _entries(stack.resources):
        resources[logical] = {
            "type": _field(resource, "type", "type_name", "Type", "resource_type"),
            "physical_id": stack.physical_id(logical),
            "attributes": plain(_field(resource, "attributes", "Attributes") or {}),
            "properties": plain(_field(resource, "properties", "Properties") or {}),
        }
    functions, aliases = {}, {}
    for logical, res in resources.items():
        if res["type"] == "AWS::Lambda::Function":
            functions[logical] = _function(account, res["physical_id"])
        elif res["type"] == "AWS::Lambda::Alias":
            aliases[logical] = _alias(account, res["physical_id"])
    return {"resources": resources, "outputs": plain(dict(_entries(getattr(stack, "outputs", {}) or {}))),
            "functions": functions, "aliases": aliases}


def _entries(mapping) -> list[tuple[str, Any]]:
    return list(mapping.items()) if hasattr(mapping, "items") else [(getattr(r, "logical_id"), r) for r in mapping]


def _field(obj, *names):
    for name in names:
        value = obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)
        if value is not None:
            return value
    return None


def _quiet(account, operation: str, params: dict) -> dict:
    try:
        return account.call("lambda", operation, params)
    except AwsError:
        return {}


def _function(account, name: str) -> dict:
    config = dict(_quiet(account, "GetFunctionConfiguration", {"FunctionName": name}))
    config.pop("ResponseMetadata", None)
    reserved = _quiet(account, "GetFunctionConcurrency", {"FunctionName": name}).get("ReservedConcurrentExecutions")
    config["ReservedConcurrentExecutions"] = reserved
    return plain(config)


def _alias(account, physical_id: str) -> dict:
    """An alias's physical id is its ARN: arn:aws:lambda:REGION:ACCOUNT:function:NAME:ALIAS."""
    parts = str(physical_id).split(":")
    if len(parts) < 8:
        return {}
    function, name = parts[6], parts[7]
    alias = dict(_quiet(account, "GetAlias", {"FunctionName": function, "Name": name}))
    alias.pop("ResponseMetadata", None)
    provisioned = _quiet(account, "GetProvisionedConcurrencyConfig", {"FunctionName": function, "Qualifier": name})
    provisioned.pop("ResponseMetadata", None)
    alias["ProvisionedConcurrency"] = provisioned or None
    return plain(alias)
