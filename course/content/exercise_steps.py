"""The steps of an exercise's checks: what each kind accepts, read with positions for messages.

Split from ``exercises.py``: a step kind's settings and their checks are the part of the format
that grows with each simulated service (``interfere`` and ``table_load`` for DynamoDB, say).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

from course.content.exercise_queries import REFERENCE, query_problem
from course.content.fields import MISSING, Fields, type_name
from course.content.problems import Mark, did_you_mean
from course.content.yamlsrc import MMap, plain

if TYPE_CHECKING:
    from course.content.exercises import Exercise

#: What each step kind accepts; the first field may be written on its own (``- advance: 60``).
STEP_FIELDS: dict[str, tuple[str, ...]] = {
    "deploy": ("template", "parameters"),
    "invoke": ("function", "qualifier", "event", "event_file", "invocation_type"),
    "load": ("function", "qualifier", "rate_per_s", "duration_s", "handler_ms", "cpu_ms"),
    "advance": ("seconds",),
    "call": ("service", "operation", "params"),
    "drain": ("service",),
    "interfere": ("table", "before", "after", "key", "times", "operation", "params"),
    "table_load": ("table", "rate_per_s", "duration_s", "phases", "key_distribution", "keys", "hot_fraction",
                   "shards", "key_prefix", "write_fraction", "item_kb", "consistent"),
}
SHORTHAND = {"deploy": "template", "invoke": "function", "advance": "seconds", "drain": "service"}
#: The DynamoDB calls an ``interfere`` step's competing write can come before or after, and the writes it may make.
INTERFERE_TRIGGERS = ("GetItem", "Query", "Scan", "PutItem", "UpdateItem", "DeleteItem")
INTERFERE_WRITES = ("PutItem", "UpdateItem", "DeleteItem")
INVOCATION_TYPES = ("RequestResponse", "Event", "DryRun")
KEY_DISTRIBUTIONS = ("uniform", "hot", "zipf", "sharded", "table")
STEP_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
DEFAULT_TEMPLATE = "template.yaml"


@dataclass(slots=True)
class Step:
    kind: str
    name: str
    args: dict[str, Any]


def item_mark(item, key: str, default: Mark) -> Mark:
    return item.value_mark(key, default) if isinstance(item, MMap) else default


def read_step(item, mark: Mark, path: str, ex: Exercise, ctx) -> tuple[Step, bool] | None:
    """A step is ``- kind`` or ``- kind: settings`` with an optional ``name:`` beside the kind."""
    if isinstance(item, str) and item in STEP_FIELDS:
        step = _bare(item, mark, f"{path}.{item}", ex, ctx)
        return (step, False) if step else None
    if not isinstance(item, MMap):
        what = f"'{item}'" if isinstance(item, str) else type_name(item)
        hint = did_you_mean(item, STEP_FIELDS) if isinstance(item, str) else ""
        ctx.add(mark, path, f"a step is one of {', '.join(STEP_FIELDS)}, got {what}{hint}")
        return None
    unknown = [k for k in item if k not in STEP_FIELDS and k != "name"]
    for key in unknown:
        ctx.add(item.key_mark(key), f"{path}.{key}", f"unknown step '{key}'{did_you_mean(key, (*STEP_FIELDS, 'name'))}")
    kinds = [k for k in item if k in STEP_FIELDS]
    if len(kinds) != 1:
        if len(kinds) > 1:
            ctx.add(mark, path, f"a step does one thing; this one has {' and '.join(kinds)}")
        elif not unknown:
            ctx.add(mark, path, "a step needs one of: " + ", ".join(STEP_FIELDS))
        return None
    kind = kinds[0]
    name, named = kind, "name" in item
    if named:
        if isinstance(item["name"], str) and STEP_NAME.match(item["name"]):
            name = item["name"]
        else:
            ctx.add(item.value_mark("name"), f"{path}.name",
                    "a step name is letters, digits and '_', starting with a letter (queries use it)")
    value = item[kind]
    if value is None:
        step = _bare(kind, item.value_mark(kind), f"{path}.{kind}", ex, ctx)
        return (Step(kind, name, step.args), named) if step else None
    if isinstance(value, MMap):
        settings = value
    elif kind in SHORTHAND and not isinstance(value, list):
        settings = _shorthand(item, kind)
    else:
        ctx.add(item.value_mark(kind), f"{path}.{kind}",
                f"expected a mapping of {', '.join(STEP_FIELDS[kind])}, got {type_name(value)}")
        return None
    return Step(kind, name, _read_args(kind, settings, f"{path}.{kind}", ex, ctx)), named


def _bare(kind: str, mark: Mark, path: str, ex: Exercise, ctx) -> Step | None:
    """``- deploy`` or ``- drain``: a step whose settings all have defaults."""
    if kind == "deploy" and ex.files and DEFAULT_TEMPLATE not in ex.files:
        ctx.add(mark, path, f"deploys {DEFAULT_TEMPLATE}, which is not one of the exercise's files; name the template")
    elif kind not in ("deploy", "drain"):
        needs = {"invoke": "function", "load": "function, rate_per_s, duration_s", "advance": "seconds",
                 "call": "service, operation", "interfere": "table, before or after, operation, params",
                 "table_load": "table, rate_per_s and duration_s (or phases)"}[kind]
        ctx.add(mark, path, f"'{kind}' needs its settings: {needs}")
        return None
    args = {"template": DEFAULT_TEMPLATE, "parameters": {}} if kind == "deploy" else {"service": None}
    return Step(kind, kind, args)


def _shorthand(step: MMap, kind: str) -> MMap:
    """``- advance: 60`` read as ``- advance: {seconds: 60}``, keeping the value's position."""
    from yaml.nodes import MappingNode, ScalarNode

    key_node, value_node = step._index()[kind]
    short = SHORTHAND[kind]
    out = MMap({short: step[kind]})
    out._file, out._pairs = step._file, None
    out._node = MappingNode("tag:yaml.org,2002:map",
                            [(ScalarNode("tag:yaml.org,2002:str", short, key_node.start_mark, key_node.end_mark),
                              value_node)], value_node.start_mark, value_node.end_mark)
    return out


def _read_args(kind: str, node: MMap, path: str, ex: Exercise, ctx) -> dict[str, Any]:
    a = Fields(ctx, node, path, STEP_FIELDS[kind], node.mark)
    out: dict[str, Any] = {}
    if kind == "deploy":
        out["template"] = a.text("template", required=False, default=DEFAULT_TEMPLATE)
        if ex.files and out["template"] not in ex.files:
            a.error("template", f"'{out['template']}' is not one of the exercise's files"
                                f"{did_you_mean(out['template'], ex.files)}")
        out["parameters"] = _parameters(a)
    elif kind in ("invoke", "load"):
        out["function"] = a.text("function")
        number = a.node.get("qualifier")  # a version may be written as a number
        out["qualifier"] = str(number) if type(number) is int else a.text("qualifier", required=False, default=None)
        if kind == "invoke":
            _event(a, out, ex)
            out["invocation_type"] = a.choice("invocation_type", INVOCATION_TYPES, required=False,
                                              default="RequestResponse")
        else:
            out["rate_per_s"] = _positive(a, "rate_per_s", 100_000)
            out["duration_s"] = _positive(a, "duration_s", 3_600)
            out["handler_ms"] = _positive(a, "handler_ms", 900_000, required=False)
            out["cpu_ms"] = _positive(a, "cpu_ms", 900_000, required=False)
            if out["handler_ms"] is not None and out["cpu_ms"] is not None:
                a.error("cpu_ms", "give handler_ms (a fixed duration) or cpu_ms (CPU-bound work), not both")
    elif kind == "advance":
        out["seconds"] = a.number("seconds", low=0, high=366 * 86_400)
    elif kind == "call":
        out["service"] = a.text("service")
        out["operation"] = a.text("operation")
        params = a.raw("params", False)
        if params is not MISSING and not isinstance(params, dict):
            a.error("params", f"expected a mapping of the operation's parameters, got {type_name(params)}")
        out["params"] = plain(params) if isinstance(params, dict) else {}
    elif kind == "interfere":
        _interfere(a, out)
    elif kind == "table_load":
        _table_load(a, out)
    else:
        out["service"] = a.text("service", required=False, default=None)
    for key, value in out.items():
        for text in _strings(value):
            for match in REFERENCE.finditer(text):
                if match.group(1) is not None and (problem := query_problem(match.group(1))):
                    a.error(key, f"in '${{{match.group(1)}}}': {problem[0]}")
    return out


def _interfere(a: Fields, out: dict) -> None:
    """A competing DynamoDB write made before or after the calls it follows (``interleave.py``)."""
    out["table"] = a.text("table")
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
        elif bad := [n for n in names if n not in INTERFERE_TRIGGERS]:
            a.error(when, f"'{bad[0]}' is not one of: {', '.join(INTERFERE_TRIGGERS)}{did_you_mean(bad[0], INTERFERE_TRIGGERS)}")
        out[when] = list(names or [])
    key = a.raw("key", False)
    if key is not MISSING and not isinstance(key, dict):
        a.error("key", f"expected the item's key as a mapping of attribute values, got {type_name(key)}")
    out["key"] = plain(key) if isinstance(key, dict) else None
    out["times"] = a.integer("times", required=False, default=1, low=1, high=1000)
    out["operation"] = a.choice("operation", INTERFERE_WRITES)
    params = a.raw("params", True)
    if params is not MISSING and not isinstance(params, dict):
        a.error("params", f"expected a mapping of the competing write's parameters, got {type_name(params)}")
    out["params"] = plain(params) if isinstance(params, dict) else {}


#: How a ``table_load`` step spreads traffic over partition key values (``course.sim.dynamodb.load``).


def _table_load(a: Fields, out: dict) -> None:
    """Traffic against one DynamoDB table: a steady rate, or phases of different rates."""
    out["table"] = a.text("table")
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
        out["rate_per_s"] = _positive(a, "rate_per_s", 100_000)
        out["duration_s"] = _positive(a, "duration_s", 21_600)
    out["key_distribution"] = a.choice("key_distribution", KEY_DISTRIBUTIONS, required=False, default="uniform")
    out["keys"] = a.integer("keys", required=False, default=100, low=1, high=10_000)
    out["hot_fraction"] = a.number("hot_fraction", required=False, default=0.4, low=0, high=1)
    out["shards"] = a.integer("shards", required=False, default=10, low=1, high=10_000)
    out["key_prefix"] = a.text("key_prefix", required=False, default="key")
    out["write_fraction"] = a.number("write_fraction", required=False, default=1.0, low=0, high=1)
    out["item_kb"] = _positive(a, "item_kb", 400, required=False) or 1.0
    out["consistent"] = a.boolean("consistent", required=False, default=False)


def _positive(a: Fields, key: str, high: float, required: bool = True):
    value = a.number(key, required=required, default=None)
    if value is not None and not 0 < value <= high:
        a.error(key, f"must be more than 0 and at most {high:,}, got {value}")
    return value


def _parameters(a: Fields) -> dict[str, str]:
    """Template parameters are text, as CloudFormation passes them."""
    value = a.raw("parameters", False)
    if value is not MISSING and (not isinstance(value, dict) or any(isinstance(v, (dict, list)) for v in value.values())):
        a.error("parameters", "expected a mapping of template parameter names to values")
    if not isinstance(value, dict):
        return {}
    return {k: "" if v is None else str(v).lower() if isinstance(v, bool) else str(v) for k, v in value.items()}


def _event(a: Fields, out: dict, ex: Exercise) -> None:
    event = a.raw("event", False)
    event_file = a.text("event_file", required=False, default=None)
    if event is not MISSING and event_file:
        a.error("event_file", "give either event or event_file, not both")
    elif event_file:
        pure = PurePosixPath(event_file)
        if pure.is_absolute() or ".." in pure.parts:
            a.error("event_file", f"'{event_file}' must be a path inside the exercise folder")
        elif not (ex.root / event_file).is_file():
            a.error("event_file", f"file {event_file} does not exist in the exercise folder")
    out["event"] = {} if event is MISSING else plain(event)
    out["event_file"] = event_file


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, (dict, list)):
        for v in value.values() if isinstance(value, dict) else value:
            yield from _strings(v)
