"""Hands-on exercises as data: ``exercises/<id>/exercise.yaml`` beside ``starter/`` and ``solution/``.

An exercise is read with the same safe, position-keeping reader as lessons, so a
mistake in a check is reported as ``file:line:col: field.path: message`` when the
pack is validated rather than as a grader failure in front of a learner. Checks
are declarative (steps and JMESPath expectations): a pack never runs code of its
own, and everything a check can do is listed here and validated before grading.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from course.content.fields import MISSING, Fields, type_name
from course.content.models import DIFFICULTIES
from course.content.problems import Mark, Problem, did_you_mean
from course.content.yamlsrc import BROKEN, MMap, load_file, plain

EXERCISE_FIELDS = ("id", "title", "module", "difficulty", "brief", "files", "solution", "hints", "checks")
CHECK_FIELDS = ("id", "title", "steps", "expect", "hint", "docs")
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
COMPARATORS = ("equals", "not_equals", "less_than", "at_most", "greater_than", "at_least", "between",
               "contains", "matches", "exists", "is_true", "is_false")
NUMERIC = ("less_than", "at_most", "greater_than", "at_least")
INVOCATION_TYPES = ("RequestResponse", "Event", "DryRun")
#: JMESPath functions the grader adds to the standard ones.
EXTRA_FUNCTIONS = ("from_json",)
MESSAGE_NAMES = ("actual", "expected", "query")
#: The top-level keys of the document expectations query (built by course.grading.steps).
DOCUMENT_ROOTS = ("steps", "stack", "last", "files", "time", "calls")
STEP_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
#: ``${query}`` inside a step's text is replaced by the query's result when the step runs.
REFERENCE = re.compile(r"\$\$\{|\$\{([^}]*)\}")
DEFAULT_TEMPLATE = "template.yaml"
IGNORED_FILES = ("__pycache__", ".DS_Store")


@dataclass(slots=True)
class Step:
    kind: str
    name: str
    args: dict[str, Any]


@dataclass(slots=True)
class Expectation:
    query: str
    comparator: str
    expected: Any
    message: str = ""


@dataclass(slots=True)
class Check:
    id: str
    title: str
    steps: list[Step]
    expect: list[Expectation]
    hint: str
    docs: str


@dataclass(slots=True)
class Exercise:
    id: str
    title: str
    module: str
    difficulty: str
    brief: str
    files: list[str]
    solution: list[str]
    hints: list[str]
    checks: list[Check]
    root: Path = field(default_factory=Path)

    @property
    def starter_dir(self) -> Path:
        return self.root / "starter"

    @property
    def solution_dir(self) -> Path:
        return self.root / "solution"


def load_exercises(pack_root: Path | str, modules=None) -> tuple[list[Exercise], list[Problem]]:
    """Every exercise of a pack that loaded without a problem, and every problem found.

    ``modules`` is the pack's module ids; by default the ``content/`` folders that hold a
    module.yaml (the loader requires a module's id to equal its folder's name).
    """
    from course.content.loader import LoadContext

    root = Path(pack_root)
    if modules is None:
        content = root / "content"
        modules = sorted(p.name for p in content.iterdir() if (p / "module.yaml").is_file()) if content.is_dir() else []
    ctx = LoadContext()
    out = []
    folder = root / "exercises"
    if folder.is_dir():
        for sub in sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))):
            before = len(ctx.items)
            exercise = _load_exercise(sub, set(modules), ctx)
            if exercise is not None and len(ctx.items) == before:
                out.append(exercise)
    return out, ctx.sorted()


def _load_exercise(folder: Path, modules: set[str], ctx) -> Exercise | None:
    path = folder / "exercise.yaml"
    if not path.is_file():
        ctx.add(ctx.start(path), "", f"exercise folder '{folder.name}' has no exercise.yaml")
        return None
    data = load_file(path, ctx)
    if data is BROKEN:
        return None
    f = Fields(ctx, data, "", EXERCISE_FIELDS, ctx.start(path))
    ex = Exercise(id=f.slug("id"), title=f.text("title"), module=f.text("module"),
                  difficulty=f.choice("difficulty", DIFFICULTIES), brief=f.text("brief"),
                  files=[], solution=[], hints=[], checks=[], root=folder)
    ex.files = _file_list(f, "files", folder / "starter", ctx)
    ex.solution = _file_list(f, "solution", folder / "solution", ctx, within=ex.files)
    ex.hints = f.text_list("hints", min_items=1)
    if ex.id and ex.id != folder.name:
        f.error("id", f"exercise id '{ex.id}' must match its folder name '{folder.name}'")
    if ex.module and ex.module not in modules:
        f.error("module", f"no module '{ex.module}' in this pack{did_you_mean(ex.module, modules)}")
    seen: dict[str, Mark] = {}
    for item, mark, cpath in f.items("checks", min_items=1):
        check = _read_check(item, mark, cpath, ex, ctx)
        where = _item_mark(item, "id", mark)
        if check.id in seen:
            ctx.add(where, f"{cpath}.id", f"check id '{check.id}' is already used at line {seen[check.id].line}")
        elif check.id:
            seen[check.id] = where
        ex.checks.append(check)
    return ex


def _file_list(f: Fields, key: str, base: Path, ctx, within: list[str] | None = None) -> list[str]:
    """Files named relative to ``base``; each must exist, and every file there must be named.

    A solution is laid over the starter files, so it may only replace files the learner has.
    """
    out: list[str] = []
    for name, mark, path in f.items(key, min_items=1):
        if not isinstance(name, str) or not name.strip():
            ctx.add(mark, path, f"expected a file path, got {type_name(name)}")
            continue
        pure = PurePosixPath(name)
        if pure.is_absolute() or ".." in pure.parts or "\\" in name:
            ctx.add(mark, path, f"'{name}' must be a path inside {base.name}/ written with '/'")
        elif name in out:
            ctx.add(mark, path, f"'{name}' is listed twice")
        elif within is not None and name not in within:
            ctx.add(mark, path, f"'{name}' is not one of the exercise's files{did_you_mean(name, within)}")
            out.append(name)
        elif not (base / name).is_file():
            ctx.add(mark, path, f"file {base.name}/{name} does not exist")
            out.append(name)
        else:
            out.append(name)
    if base.is_dir() and f.ok and key in f.node:
        named = set(out)
        for extra in sorted(p.relative_to(base).as_posix() for p in base.rglob("*") if p.is_file()):
            if extra not in named and not any(part in IGNORED_FILES for part in extra.split("/")):
                f.error(key, f"{base.name}/{extra} is not listed here; every file must be named")
    return out


def _read_check(item, mark: Mark, path: str, ex: Exercise, ctx) -> Check:
    c = Fields(ctx, item, path, CHECK_FIELDS, mark)
    check = Check(id=c.slug("id"), title=c.text("title"), steps=[], expect=[], hint=c.text("hint"), docs=c.url("docs"))
    names: set[str] = set()
    for step_item, smark, spath in c.items("steps", required=False):
        read = _read_step(step_item, smark, spath, ex, ctx)
        if read is None:
            continue
        step, named = read
        if step.name in names and named:
            ctx.add(_item_mark(step_item, "name", smark), f"{spath}.name",
                    f"step name '{step.name}' is already used in this check")
        elif step.name in names:  # a second unnamed invoke is invoke_2, and so on
            step.name = next(f"{step.name}_{n}" for n in range(2, 10_000) if f"{step.name}_{n}" not in names)
        names.add(step.name)
        check.steps.append(step)
    for exp_item, emark, epath in c.items("expect", min_items=1):
        exp = _read_expectation(exp_item, emark, epath, ctx)
        if exp is not None:
            check.expect.append(exp)
    return check


def _item_mark(item, key: str, default: Mark) -> Mark:
    return item.value_mark(key, default) if isinstance(item, MMap) else default


def _read_step(item, mark: Mark, path: str, ex: Exercise, ctx) -> tuple[Step, bool] | None:
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
KEY_DISTRIBUTIONS = ("uniform", "hot", "zipf", "sharded", "table")


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


def _read_expectation(item, mark: Mark, path: str, ctx) -> Expectation | None:
    e = Fields(ctx, item, path, ("query", "message") + COMPARATORS, mark)
    if not e.ok:
        return None
    query = e.text("query")
    if query.strip() and (problem := query_problem(query)):
        message, offset = problem
        where = e.node.text_mark("query")
        if where is not None and offset is not None:
            ctx.add(Mark(where.file, where.line, where.col + offset), e.sub("query"), message)
        else:
            e.error("query", message)
    found = [k for k in COMPARATORS if k in e.node]
    if len(found) > 1:
        ctx.add(e.mark, path, f"an expectation makes one comparison; this one has {' and '.join(found)}")
    elif not found and all(k in ("query", "message") for k in e.node):  # else a misspelt one is reported
        ctx.add(e.mark, path, "an expectation needs one comparison: " + ", ".join(COMPARATORS))
    if len(found) != 1:
        return None
    comparator = found[0]
    expected = plain(e.node[comparator])
    problem = _expected_problem(comparator, expected)
    if problem:
        e.error(comparator, problem)
    message = e.text("message", required=False)
    for problem in message_problems(message) if message else ():
        e.error("message", problem)
    return Expectation(query, comparator, expected, message)


def _expected_problem(comparator: str, value) -> str | None:
    def is_number(v) -> bool:
        return isinstance(v, (int, float)) and not isinstance(v, bool)

    if comparator in NUMERIC and not is_number(value):
        return f"'{comparator}' compares numbers; got {type_name(value)}"
    if comparator == "between":
        if not (isinstance(value, list) and len(value) == 2 and all(map(is_number, value))):
            return "'between' takes two numbers, [low, high]"
        if value[0] > value[1]:
            return f"'between' needs low ≤ high, got [{value[0]}, {value[1]}]"
    if comparator == "matches":
        if not isinstance(value, str):
            return f"'matches' takes a regular expression, got {type_name(value)}"
        try:
            re.compile(value)
        except re.error as exc:
            return f"not a valid regular expression: {exc}"
    if comparator == "contains" and isinstance(value, (dict, list)):
        return "'contains' looks for text in text, an item in a list or a key in a mapping; give one value"
    if comparator == "exists" and not isinstance(value, bool):
        return "'exists' takes true (the value is there) or false (it is not)"
    if comparator in ("is_true", "is_false") and value is not True:
        return f"write '{comparator}: true'"
    return None


def query_problem(query: str) -> tuple[str, int | None] | None:
    """Why ``query`` is not a JMESPath query the grader can run, and at which character, or None."""
    import jmespath
    from jmespath import exceptions

    try:
        parsed = jmespath.compile(query).parsed
    except exceptions.ParseError as exc:
        where = exc.lex_position if isinstance(exc.lex_position, int) else None
        if isinstance(exc, exceptions.IncompleteExpressionError):
            return "incomplete JMESPath query", where
        token = f" at '{exc.token_value}'" if exc.token_value not in (None, "") else ""
        reason = "" if exc.msg == "Invalid jmespath expression" else f": {exc.msg}"
        return f"invalid JMESPath query{token}{reason}", where
    from jmespath.functions import Functions

    known = (*Functions().FUNCTION_TABLE, *EXTRA_FUNCTIONS)
    for name in _functions(parsed):
        if name not in known:
            return f"unknown JMESPath function '{name}'{did_you_mean(name, known)}", None
    for root in _roots(parsed):
        if root not in DOCUMENT_ROOTS:
            return (f"a query starts at one of {', '.join(DOCUMENT_ROOTS)}, not '{root}'"
                    f"{did_you_mean(root, DOCUMENT_ROOTS)}"), None
    return None


def _roots(node):
    """The names a query reads from the top of the document (``steps`` in ``steps.a.b``)."""
    kind = node.get("type")
    children = [c for c in node.get("children", ()) if isinstance(c, dict)]
    if kind == "field":
        yield node["value"]
    elif kind in ("subexpression", "index_expression", "projection", "value_projection", "filter_projection",
                  "flatten", "pipe") and children:
        yield from _roots(children[0])
    elif kind in ("comparator", "and_expression", "or_expression", "not_expression", "function_expression",
                  "multi_select_list", "multi_select_dict", "key_val_pair"):
        for child in children:
            yield from _roots(child)


def _functions(node):
    if node.get("type") == "function_expression":
        yield node["value"]
    for child in node.get("children", ()):
        if isinstance(child, dict):
            yield from _functions(child)


def message_problems(message: str) -> list[str]:
    """Placeholders are ``{actual}``, ``{expected}``, ``{query}`` or a JMESPath query, with an optional format."""
    try:
        fields = [name for _, name, _, _ in string.Formatter().parse(message) if name is not None]
    except ValueError as exc:
        return [f"cannot read the message's placeholders: {exc} (write '{{{{' and '}}}}' for braces)"]
    out = []
    for name in fields:
        if not name.strip():
            out.append("empty placeholder '{}': name a value such as {actual} or {expected}")
        elif name not in MESSAGE_NAMES and (problem := query_problem(name)):
            close = did_you_mean(name, MESSAGE_NAMES)
            if close:
                out.append(f"unknown placeholder '{{{name}}}'{close}")
            else:
                out.append(f"placeholder '{{{name}}}' is not {', '.join(MESSAGE_NAMES)} or a query: {problem[0]}")
    return out



