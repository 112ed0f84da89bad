"""The steps a check plays against a fresh simulated account, each leaving a result document.

Results are shaped for the questions checks ask ("did it answer, how long did it take, was it a
cold start") rather than as raw API responses, and every step reaches the simulator through the
same public doors a learner would use: ``Account.deploy``, boto3 clients and the load scenarios.

The kinds here are the ones every exercise may use whatever the services (``deploy``,
``advance``, ``call``, ``drain``); each service adds its own from its ``steps`` room, and
``course.grading.vocabulary`` puts them together.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any, Callable

from course.content.exercise_steps import Step, StepKind, mapping
from course.content.fields import MISSING, Fields
from course.content.problems import did_you_mean
from course.grading.document import QueryError, plain, substitute
from course.sim.errors import AwsError
from course.sim.steps import CheckBug, StepFailed, client_error

__all__ = ["CORE_KINDS", "DOCUMENT_ROOTS", "CheckBug", "Scenario", "StepFailed", "describe_stack"]

#: The top-level keys of the document a check's expectations query.
DOCUMENT_ROOTS = ("steps", "stack", "last", "files", "time", "calls")
DEFAULT_TEMPLATE = "template.yaml"


class Scenario:
    """One check's run: the account, the document its expectations read, and the logs to show."""

    def __init__(self, account, exercise, workspace: Path, files: dict[str, str | None]):
        self.account = account
        self.exercise = exercise
        self.workspace = workspace
        self.stack = None
        self.start = account.clock.now()
        self.logs: dict[str, list[str]] = {}
        self.document: dict[str, Any] = {root: None for root in DOCUMENT_ROOTS}
        self.document.update({"steps": {}, "files": files, "time": {}, "calls": {}})
        self._tick()

    def run(self, step: Step) -> Any:
        from course.grading.vocabulary import vocabulary

        kind = vocabulary().kinds.get(step.kind)
        if kind is None:
            raise CheckBug(f"no step kind '{step.kind}'{did_you_mean(step.kind, vocabulary().kinds)}")
        try:
            args = substitute(step.args, self.document)  # an event file is sent as written: it is not in args
        except QueryError as exc:
            raise StepFailed(str(exc)) from None
        before = self.account.call_count
        result = plain(kind.run(self, step, args))
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

    def stack_resources(self) -> dict[str, dict]:
        """The deployed stack's resources by logical id (empty before a ``deploy`` step)."""
        return (self.document["stack"] or {}).get("resources", {})

    def _tick(self) -> None:
        now = self.account.clock.now()
        self.document["time"] = {"start": self.start, "now": now, "elapsed": now - self.start}


# -- deploy ----------------------------------------------------------------------------------------

def _read_deploy(a: Fields, ex) -> dict:
    template = a.text("template", required=False, default=DEFAULT_TEMPLATE)
    if ex.files and template not in ex.files:
        a.error("template", f"'{template}' is not one of the exercise's files{did_you_mean(template, ex.files)}")
    return {"template": template, "parameters": _parameters(a)}


def _bare_deploy(mark, path: str, ex, ctx) -> dict | None:
    if ex.files and DEFAULT_TEMPLATE not in ex.files:
        ctx.add(mark, path, f"deploys {DEFAULT_TEMPLATE}, which is not one of the exercise's files; name the template")
        return None
    return {"template": DEFAULT_TEMPLATE, "parameters": {}}


def _parameters(a: Fields) -> dict[str, str]:
    """Template parameters are text, as CloudFormation passes them."""
    value = a.raw("parameters", False)
    if value is not MISSING and (not isinstance(value, dict)
                                 or any(isinstance(v, (dict, list)) for v in value.values())):
        a.error("parameters", "expected a mapping of template parameter names to values")
    if not isinstance(value, dict):
        return {}
    return {k: "" if v is None else str(v).lower() if isinstance(v, bool) else str(v) for k, v in value.items()}


def _deploy(scenario: Scenario, step: Step, args: dict) -> dict:
    path = scenario.workspace / args["template"]
    try:
        scenario.stack = scenario.account.deploy(path, parameters=args["parameters"] or None,
                                                 base_dir=scenario.workspace)
    except AwsError as exc:
        raise StepFailed(f"the stack did not deploy: {exc.code}: {exc.message}") from None
    result = describe_stack(scenario.account, scenario.stack)
    scenario.document["stack"] = plain(result)
    return result


def describe_stack(account, stack) -> dict:
    """Keyed by logical id, the names the learner wrote, not the generated physical names.

    Each service may add a view of what it made, read back through the service, so a check sees
    what was deployed (defaults filled in, SAM expanded) rather than what the template says
    (``STACK_VIEWS`` in a service's steps room: Lambda adds ``functions`` and ``aliases``).
    """
    from course.grading.vocabulary import stack_views

    resources: dict[str, dict] = {}
    for logical, resource in stack.resources.items():
        resources[logical] = {
            "type": resource.type,
            "physical_id": stack.physical_id(logical),
            "attributes": plain(getattr(resource, "attributes", None) or {}),
            "properties": plain(getattr(resource, "properties", None) or {}),
        }
    from course.sim.template.inert import not_simulated

    out = {"resources": resources, "outputs": plain(dict(stack.outputs or {})),
           # what deployed as a placeholder: the report tells the learner nothing behind these acts
           "not_simulated": [f"{r['type']} {logical}" for logical, r in resources.items() if not_simulated(r["type"])]}
    for name, view in stack_views().items():
        out[name] = view(account, resources)
    return out


# -- advance, call, drain ---------------------------------------------------------------------------

def _read_advance(a: Fields, ex) -> dict:
    return {"seconds": a.number("seconds", low=0, high=366 * 86_400)}


def _advance(scenario: Scenario, step: Step, args: dict) -> dict:
    scenario.account.clock.advance(args["seconds"])
    return {"seconds": args["seconds"], "now": scenario.account.clock.now()}


def _read_call(a: Fields, ex) -> dict:
    return {"service": a.text("service"), "operation": a.text("operation"),
            "params": mapping(a, "params", False, "a mapping of the operation's parameters") or {}}


def _call(scenario: Scenario, step: Step, args: dict) -> dict:
    from botocore.exceptions import ClientError

    client = scenario.account.client(args["service"])
    method = _method(client, args["service"], args["operation"])
    try:
        response = method(**args["params"])
    except ClientError as exc:
        return {"error": client_error(exc)}
    response.pop("ResponseMetadata", None)
    return response


def _method(client, service: str, operation: str) -> Callable:
    """The client method for ``GetFunctionConfiguration`` or ``get_function_configuration``."""
    mapping_ = client.meta.method_to_api_mapping  # python name -> API name
    names = {api: python for python, api in mapping_.items()}
    python = names.get(operation) or (operation if operation in mapping_ else None)
    if python is None:
        raise CheckBug(f"{service} has no operation '{operation}'{did_you_mean(operation, list(names))}")
    return getattr(client, python)


def _read_drain(a: Fields, ex) -> dict:
    return {"service": a.text("service", required=False, default=None)}


def _drain(scenario: Scenario, step: Step, args: dict) -> dict:
    """Run work the services queued (asynchronous invocations, say)."""
    account = scenario.account
    if args.get("service"):
        model = account.service(args["service"])
        if not callable(getattr(model, "drain", None)):
            raise CheckBug(f"the simulated {args['service']} service keeps no queued work to drain")
        return {args["service"]: model.drain()}
    live = getattr(account, "_services", {})
    return {name: model.drain() for name, model in list(live.items()) if callable(getattr(model, "drain", None))}


CORE_KINDS = [
    StepKind("deploy", ("template", "parameters"), _read_deploy, _deploy, shorthand="template", bare=_bare_deploy,
             origin="grading"),
    StepKind("advance", ("seconds",), _read_advance, _advance, shorthand="seconds", needs="seconds",
             origin="grading"),
    StepKind("call", ("service", "operation", "params"), _read_call, _call, needs="service, operation",
             origin="grading"),
    StepKind("drain", ("service",), _read_drain, _drain, shorthand="service",
             bare=lambda mark, path, ex, ctx: {"service": None}, origin="grading"),
]
