"""Lambda's exercise steps: ``invoke`` a function once, and ``load`` it with a request rate over
simulated time; and the stack view that shows each function and alias as Lambda reports it.

``invoke`` goes through a real boto3 client, as a learner's own script would; ``load`` plays the
scaling scenario (``scaling.run_load``): concurrency, cold starts, throttles and cost.
"""

from __future__ import annotations

import base64
import json
import re
from typing import Any, Callable

from course.content.exercise_steps import StepKind, check_exercise_file, positive
from course.content.fields import MISSING, Fields
from course.content.yamlsrc import plain
from course.sim.errors import AwsError
from course.sim.steps import StepFailed, client_error, physical_id

INVOCATION_TYPES = ("RequestResponse", "Event", "DryRun")


def _default_load(account, function: str, qualifier: str | None, rate_per_s: float, duration_s: float,
                  handler_ms: float | None = None, cpu_ms: float | None = None):
    from course.sim.awslambda.scaling import run_load

    return run_load(account, function, qualifier, rate_per_s, duration_s, handler_ms=handler_ms, cpu_ms=cpu_ms)


#: The load scenario, behind one name so a different scaling model can stand in for it.
LOAD_RUNNER: Callable[..., Any] = _default_load


def function_name(scenario, ref) -> str:
    """A function named by its logical id in the template, or by its name or ARN."""
    ref = str(ref)
    if scenario.stack is None or ":" in ref:
        return ref
    return physical_id(scenario, ref, "AWS::Lambda::Function", "function", strict=True)


def _target(a: Fields) -> dict:
    out = {"function": a.text("function")}
    number = a.node.get("qualifier")  # a version may be written as a number
    out["qualifier"] = str(number) if type(number) is int else a.text("qualifier", required=False, default=None)
    return out


# -- invoke ----------------------------------------------------------------------------------------

def _read_invoke(a: Fields, ex) -> dict:
    out = _target(a)
    event = a.raw("event", False)
    event_file = a.text("event_file", required=False, default=None)
    if event is not MISSING and event_file:
        a.error("event_file", "give either event or event_file, not both")
    else:
        check_exercise_file(a, "event_file", event_file, ex)
    out["event"] = {} if event is MISSING else plain(event)
    out["event_file"] = event_file
    out["invocation_type"] = a.choice("invocation_type", INVOCATION_TYPES, required=False, default="RequestResponse")
    return out


_REPORT = {
    "duration_ms": re.compile(r"(?<!Billed )(?<!Init )Duration: ([\d.]+) ms"),
    "billed_ms": re.compile(r"Billed Duration: (\d+) ms"),
    "memory_mb": re.compile(r"Memory Size: (\d+) MB"),
    "max_memory_mb": re.compile(r"Max Memory Used: (\d+) MB"),
    "init_ms": re.compile(r"Init Duration: ([\d.]+) ms"),
}


def report_figures(logs: list[str]) -> dict[str, Any]:
    """Figures from the REPORT line Lambda writes after each invocation, as a learner reads them in CloudWatch."""
    line = next((ln for ln in reversed(logs) if ln.startswith("REPORT ")), None)
    out: dict[str, Any] = {name: None for name in _REPORT}
    out["cold"] = None
    if line is None:
        return out
    for name, pattern in _REPORT.items():
        match = pattern.search(line)
        if match:
            number = float(match.group(1))
            out[name] = int(number) if name in ("billed_ms", "memory_mb", "max_memory_mb") else number
    out["cold"] = out["init_ms"] is not None
    return out


def _invoke_shape() -> dict:
    """Every invoke result has every field, so a query never depends on which way the call went."""
    return {"status_code": None, "payload": None, "payload_text": "", "function_error": None, "error": None,
            "executed_version": None, "logs": [], **report_figures([])}


def _invoke(scenario, step, args: dict) -> dict:
    from botocore.exceptions import ClientError

    if args.get("event_file"):
        payload = (scenario.exercise.root / args["event_file"]).read_bytes()
    else:
        payload = json.dumps(args["event"]).encode()
    params = {"FunctionName": function_name(scenario, args["function"]), "InvocationType": args["invocation_type"],
              "Payload": payload}
    if args.get("qualifier"):
        params["Qualifier"] = str(args["qualifier"])
    if args["invocation_type"] == "RequestResponse":
        params["LogType"] = "Tail"
    try:
        response = scenario.account.client("lambda").invoke(**params)
    except ClientError as exc:
        error = client_error(exc)
        return {**_invoke_shape(), "status_code": exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode"),
                "error": error}
    text = response["Payload"].read().decode("utf-8", "replace") if "Payload" in response else ""
    try:
        parsed = json.loads(text) if text else None
    except ValueError:
        parsed = text
    logs = base64.b64decode(response["LogResult"]).decode("utf-8", "replace").splitlines() \
        if response.get("LogResult") else []
    scenario.logs[step.name] = logs
    return {**_invoke_shape(), "status_code": response.get("StatusCode"), "payload": parsed,
            "payload_text": text, "function_error": response.get("FunctionError"),
            "executed_version": response.get("ExecutedVersion"), "logs": logs, **report_figures(logs)}


# -- load ------------------------------------------------------------------------------------------

def _read_load(a: Fields, ex) -> dict:
    out = _target(a)
    out["rate_per_s"] = positive(a, "rate_per_s", 100_000)
    out["duration_s"] = positive(a, "duration_s", 3_600)
    out["handler_ms"] = positive(a, "handler_ms", 900_000, required=False)
    out["cpu_ms"] = positive(a, "cpu_ms", 900_000, required=False)
    if out["handler_ms"] is not None and out["cpu_ms"] is not None:
        a.error("cpu_ms", "give handler_ms (a fixed duration) or cpu_ms (CPU-bound work), not both")
    return out


def _load(scenario, step, args: dict) -> Any:
    function = function_name(scenario, args["function"])
    try:
        extra = {"cpu_ms": args["cpu_ms"]} if args.get("cpu_ms") is not None else {}
        report = LOAD_RUNNER(scenario.account, function, args.get("qualifier"), args["rate_per_s"],
                             args["duration_s"], handler_ms=args.get("handler_ms"), **extra)
    except AwsError as exc:
        raise StepFailed(f"the load could not run: {exc.code}: {exc.message}") from None
    return report.as_dict() if hasattr(report, "as_dict") else report


STEP_KINDS = [
    StepKind("invoke", ("function", "qualifier", "event", "event_file", "invocation_type"), _read_invoke, _invoke,
             shorthand="function", needs="function", origin="lambda"),
    StepKind("load", ("function", "qualifier", "rate_per_s", "duration_s", "handler_ms", "cpu_ms"), _read_load,
             _load, needs="function, rate_per_s, duration_s", origin="lambda"),
]


# -- the stack as Lambda reports it ----------------------------------------------------------------

def _quiet(account, operation: str, params: dict) -> dict:
    try:
        return account.call("lambda", operation, params)
    except AwsError:
        return {}


def _functions(account, resources: dict) -> dict:
    out = {}
    for logical, res in resources.items():
        if res["type"] == "AWS::Lambda::Function":
            name = res["physical_id"]
            config = dict(_quiet(account, "GetFunctionConfiguration", {"FunctionName": name}))
            config.pop("ResponseMetadata", None)
            config["ReservedConcurrentExecutions"] = _quiet(
                account, "GetFunctionConcurrency", {"FunctionName": name}).get("ReservedConcurrentExecutions")
            out[logical] = plain(config)
    return out


def _aliases(account, resources: dict) -> dict:
    """An alias's physical id is its ARN: arn:aws:lambda:REGION:ACCOUNT:function:NAME:ALIAS."""
    out = {}
    for logical, res in resources.items():
        if res["type"] != "AWS::Lambda::Alias":
            continue
        parts = str(res["physical_id"]).split(":")
        if len(parts) < 8:
            out[logical] = {}
            continue
        function, name = parts[6], parts[7]
        alias = dict(_quiet(account, "GetAlias", {"FunctionName": function, "Name": name}))
        alias.pop("ResponseMetadata", None)
        provisioned = _quiet(account, "GetProvisionedConcurrencyConfig", {"FunctionName": function, "Qualifier": name})
        provisioned.pop("ResponseMetadata", None)
        alias["ProvisionedConcurrency"] = provisioned or None
        out[logical] = plain(alias)
    return out


STACK_VIEWS = {"functions": _functions, "aliases": _aliases}
