"""DynamoDB's exercise steps: ``interfere`` (another client's write at a chosen moment) and
``table_load`` (traffic against a table over simulated time).

``interfere`` arms a competing write (``interleave.py``) that happens before or after the calls it
names during later steps, so a race plays out at the same point on every run; ``table_load``
plays ``load.run_table_load``: throttles per partition key, burst capacity, auto scaling and cost.
"""

from __future__ import annotations

from typing import Any, Callable

from course.content.exercise_steps import StepKind, mapping, positive
from course.content.fields import MISSING, Fields
from course.content.problems import did_you_mean
from course.content.yamlsrc import plain
from course.sim.dynamodb.interleave import COMPETING_WRITES, TRIGGERS
from course.sim.dynamodb.load import DISTRIBUTIONS
from course.sim.errors import AwsError
from course.sim.steps import CheckBug, StepFailed, physical_id


def _default_table_load(account, table: str, **settings):
    from course.sim.dynamodb.load import run_table_load

    return run_table_load(account, table, **settings)


#: The table load scenario, replaceable like Lambda's ``LOAD_RUNNER``.
TABLE_LOAD_RUNNER: Callable[..., Any] = _default_table_load


def table_name(scenario, ref: str) -> str:
    """A table named by its logical id in the template, or by its name."""
    return physical_id(scenario, ref, "AWS::DynamoDB::Table", "table")


# -- interfere -------------------------------------------------------------------------------------

def _read_interfere(a: Fields, ex) -> dict:
    out: dict[str, Any] = {"table": a.text("table")}
    given = [when for when in ("before", "after") if a.ok and when in a.node]
    if len(given) == 2:
        a.error("after", "give before or after, not both: the competing write comes at one moment")
    elif not given and a.ok:
        a.problems.add(a.mark, a.path, "needs before or after: the calls the competing write comes before or after")
    for when in ("before", "after"):
        value = a.raw(when, False)
        if value is MISSING:
            out[when] = None
            continue
        names = [value] if isinstance(value, str) else value if isinstance(value, list) else None
        if not names or not all(isinstance(n, str) for n in names):
            a.error(when, "expected an operation name or a list of them")
        elif bad := [n for n in names if n not in TRIGGERS]:
            a.error(when, f"'{bad[0]}' is not one of: {', '.join(TRIGGERS)}{did_you_mean(bad[0], TRIGGERS)}")
        out[when] = list(names or [])
    out["key"] = mapping(a, "key", False, "the item's key as a mapping of attribute values")
    out["times"] = a.integer("times", required=False, default=1, low=1, high=1000)
    out["operation"] = a.choice("operation", COMPETING_WRITES)
    out["params"] = mapping(a, "params", True, "a mapping of the competing write's parameters") or {}
    return out


def _interfere(scenario, step, args: dict) -> dict:
    from botocore.exceptions import ParamValidationError
    from botocore.validate import validate_parameters

    table = table_name(scenario, args["table"])
    account = scenario.account
    model = account.client("dynamodb").meta.service_model.operation_model(args["operation"])
    try:
        validate_parameters({"TableName": table, **args["params"]}, model.input_shape)
    except ParamValidationError as exc:
        raise CheckBug(f"the competing {args['operation']} is not a valid request: {exc}") from None
    try:
        rule = account.service("dynamodb").interfere(
            table=table, operation=args["operation"], params=args["params"], before=args["before"],
            after=args["after"], times=args["times"], key=args["key"])
    except ValueError as exc:
        raise CheckBug(str(exc)) from None
    except AwsError as exc:
        raise StepFailed(f"the competing writer could not start: {exc.code}: {exc.message}") from None
    return rule.describe()


# -- table_load ------------------------------------------------------------------------------------

def _read_table_load(a: Fields, ex) -> dict:
    """Traffic against one DynamoDB table: a steady rate, or phases of different rates."""
    out: dict[str, Any] = {"table": a.text("table")}
    phases = a.raw("phases", False)
    if phases is not MISSING:
        if "rate_per_s" in a.node or "duration_s" in a.node:
            a.error("phases", "give phases, or rate_per_s and duration_s, not both")
        ok = isinstance(phases, list) and phases and all(
            isinstance(p, dict) and set(p) == {"duration_s", "rate_per_s"}
            and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in p.values()) for p in phases)
        if not ok:
            a.error("phases", "expected a list of {duration_s, rate_per_s}")
        elif not all(0 < p["duration_s"] and 0 <= p["rate_per_s"] <= 100_000 for p in phases) \
                or sum(p["duration_s"] for p in phases) > 21_600:
            a.error("phases", "each phase lasts more than 0 s (6 hours in all) at 0 to 100,000 requests a second")
        out["phases"] = plain(phases) if ok else None
        out["rate_per_s"] = out["duration_s"] = None
    else:
        out["phases"] = None
        out["rate_per_s"] = positive(a, "rate_per_s", 100_000)
        out["duration_s"] = positive(a, "duration_s", 21_600)
    out["key_distribution"] = a.choice("key_distribution", DISTRIBUTIONS, required=False, default="uniform")
    out["keys"] = a.integer("keys", required=False, default=100, low=1, high=10_000)
    out["hot_fraction"] = a.number("hot_fraction", required=False, default=0.4, low=0, high=1)
    out["shards"] = a.integer("shards", required=False, default=10, low=1, high=10_000)
    out["key_prefix"] = a.text("key_prefix", required=False, default="key")
    out["write_fraction"] = a.number("write_fraction", required=False, default=1.0, low=0, high=1)
    out["item_kb"] = positive(a, "item_kb", 400, required=False) or 1.0
    out["consistent"] = a.boolean("consistent", required=False, default=False)
    return out


def _table_load(scenario, step, args: dict) -> Any:
    resources = scenario.stack_resources()
    table = resources[args["table"]]["physical_id"] if args["table"] in resources else args["table"]
    settings = {k: v for k, v in args.items() if k != "table" and v is not None}
    try:
        report = TABLE_LOAD_RUNNER(scenario.account, table, **settings)
    except AwsError as exc:
        raise StepFailed(f"the table load could not run: {exc.code}: {exc.message}") from None
    return report.as_dict() if hasattr(report, "as_dict") else report


STEP_KINDS = [
    StepKind("interfere", ("table", "before", "after", "key", "times", "operation", "params"), _read_interfere,
             _interfere, needs="table, before or after, operation, params", origin="dynamodb"),
    StepKind("table_load", ("table", "rate_per_s", "duration_s", "phases", "key_distribution", "keys",
                            "hot_fraction", "shards", "key_prefix", "write_fraction", "item_kb", "consistent"),
             _read_table_load, _table_load, needs="table, rate_per_s and duration_s (or phases)", origin="dynamodb"),
]
