"""Reading the steps of an exercise's checks, with positions for messages.

Which step kinds exist is not decided here: the caller hands the exercise loader a vocabulary
(``course.grading.vocabulary``), whose kinds are ``StepKind`` values written once each, beside
the code that runs them: the kinds every exercise may use in ``course.grading.steps``, and each
simulated service's own in its ``steps`` room (``table_load`` in ``course/sim/dynamodb/steps.py``,
say). This module reads any of them the same way: ``- kind`` or ``- kind: settings`` with an
optional ``name:``, the shorthand ``- advance: 60``, unknown keys with "did you mean", and every
``${query}`` inside the settings checked.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

from course.content.exercise_queries import REFERENCE, query_problem
from course.content.fields import MISSING, Fields, type_name
from course.content.problems import Mark, did_you_mean
from course.content.yamlsrc import MMap, plain

if TYPE_CHECKING:
    from course.content.exercises import Exercise

STEP_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class StepKind:
    """One kind of step: what it accepts, how its settings are read, and how it runs.

    ``read(fields, ex) -> args`` reads and checks the settings (reporting through ``fields``);
    ``run(scenario, step, args) -> result`` plays it when a check runs (``course.grading.steps``
    says what a scenario offers). ``shorthand`` is the field a bare value stands for
    (``- advance: 60``). A kind written alone (``- deploy``) gets ``bare(mark, path, ex, ctx)``'s
    arguments; a kind without ``bare`` needs its settings, which ``needs`` names for the message.
    """

    name: str
    fields: tuple[str, ...]
    read: Callable[[Fields, "Exercise"], dict[str, Any]]
    run: Callable[..., Any]
    shorthand: str | None = None
    needs: str = ""
    bare: Callable[[Mark, str, "Exercise", Any], dict[str, Any] | None] | None = None
    #: Where the kind comes from (a service's package, or grading), for messages and docs.
    origin: str = field(default="", compare=False)


class Vocabulary:
    """The step kinds and document roots checks may use, as the exercise loader reads them."""

    def __init__(self, kinds: Mapping[str, StepKind], document_roots: tuple[str, ...]):
        self.kinds = dict(kinds)
        self.document_roots = tuple(document_roots)


@dataclass(slots=True)
class Step:
    kind: str
    name: str
    args: dict[str, Any]


def item_mark(item, key: str, default: Mark) -> Mark:
    return item.value_mark(key, default) if isinstance(item, MMap) else default


def read_step(item, mark: Mark, path: str, ex: Exercise, ctx) -> tuple[Step, bool] | None:
    """A step is ``- kind`` or ``- kind: settings`` with an optional ``name:`` beside the kind."""
    kinds: dict[str, StepKind] = ctx.vocabulary.kinds
    if isinstance(item, str) and item in kinds:
        step = _bare(kinds[item], mark, f"{path}.{item}", ex, ctx)
        return (step, False) if step else None
    if not isinstance(item, MMap):
        what = f"'{item}'" if isinstance(item, str) else type_name(item)
        hint = did_you_mean(item, kinds) if isinstance(item, str) else ""
        ctx.add(mark, path, f"a step is one of {', '.join(kinds)}, got {what}{hint}")
        return None
    unknown = [k for k in item if k not in kinds and k != "name"]
    for key in unknown:
        ctx.add(item.key_mark(key), f"{path}.{key}", f"unknown step '{key}'{did_you_mean(key, (*kinds, 'name'))}")
    given = [k for k in item if k in kinds]
    if len(given) != 1:
        if len(given) > 1:
            ctx.add(mark, path, f"a step does one thing; this one has {' and '.join(given)}")
        elif not unknown:
            ctx.add(mark, path, "a step needs one of: " + ", ".join(kinds))
        return None
    kind = kinds[given[0]]
    name, named = kind.name, "name" in item
    if named:
        if isinstance(item["name"], str) and STEP_NAME.match(item["name"]):
            name = item["name"]
        else:
            ctx.add(item.value_mark("name"), f"{path}.name",
                    "a step name is letters, digits and '_', starting with a letter (queries use it)")
    value = item[kind.name]
    if value is None:
        step = _bare(kind, item.value_mark(kind.name), f"{path}.{kind.name}", ex, ctx)
        return (Step(kind.name, name, step.args), named) if step else None
    if isinstance(value, MMap):
        settings = value
    elif kind.shorthand and not isinstance(value, list):
        settings = _shorthand(item, kind)
    else:
        ctx.add(item.value_mark(kind.name), f"{path}.{kind.name}",
                f"expected a mapping of {', '.join(kind.fields)}, got {type_name(value)}")
        return None
    return Step(kind.name, name, _read_args(kind, settings, f"{path}.{kind.name}", ex, ctx)), named


def _bare(kind: StepKind, mark: Mark, path: str, ex: Exercise, ctx) -> Step | None:
    """``- deploy`` or ``- drain``: a step whose settings all have defaults."""
    if kind.bare is None:
        ctx.add(mark, path, f"'{kind.name}' needs its settings: {kind.needs or ', '.join(kind.fields)}")
        return None
    args = kind.bare(mark, path, ex, ctx)
    return Step(kind.name, kind.name, args) if args is not None else None


def _shorthand(step: MMap, kind: StepKind) -> MMap:
    """``- advance: 60`` read as ``- advance: {seconds: 60}``, keeping the value's position."""
    from yaml.nodes import MappingNode, ScalarNode

    key_node, value_node = step._index()[kind.name]
    short = kind.shorthand
    out = MMap({short: step[kind.name]})
    out._file, out._pairs = step._file, None
    out._node = MappingNode("tag:yaml.org,2002:map",
                            [(ScalarNode("tag:yaml.org,2002:str", short, key_node.start_mark, key_node.end_mark),
                              value_node)], value_node.start_mark, value_node.end_mark)
    return out


def _read_args(kind: StepKind, node: MMap, path: str, ex: Exercise, ctx) -> dict[str, Any]:
    a = Fields(ctx, node, path, kind.fields, node.mark)
    out = kind.read(a, ex)
    roots = ctx.vocabulary.document_roots
    for key, value in out.items():
        for text in _strings(value):
            for match in REFERENCE.finditer(text):
                if match.group(1) is not None and (problem := query_problem(match.group(1), roots)):
                    a.error(key, f"in '${{{match.group(1)}}}': {problem[0]}")
    return out


# -- readers step kinds share --------------------------------------------------------------------

def positive(a: Fields, key: str, high: float, required: bool = True):
    """A number above 0 and at most ``high``."""
    value = a.number(key, required=required, default=None)
    if value is not None and not 0 < value <= high:
        a.error(key, f"must be more than 0 and at most {high:,}, got {value}")
    return value


def mapping(a: Fields, key: str, required: bool, what: str) -> dict | None:
    """A mapping written as-is (an API call's parameters, say), or None when it is missing or wrong.
    ``what`` completes "expected ...", as in "a mapping of the operation's parameters"."""
    value = a.raw(key, required)
    if value is not MISSING and not isinstance(value, dict):
        a.error(key, f"expected {what}, got {type_name(value)}")
    return plain(value) if isinstance(value, dict) else None


def check_exercise_file(a: Fields, key: str, name: str, ex: Exercise) -> None:
    """``name`` (given at ``key``) must be a file inside the exercise's folder (an event to send, say)."""
    if name:
        pure = PurePosixPath(name)
        if pure.is_absolute() or ".." in pure.parts:
            a.error(key, f"'{name}' must be a path inside the exercise folder")
        elif not (ex.root / name).is_file():
            a.error(key, f"file {name} does not exist in the exercise folder")


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, (dict, list)):
        for v in value.values() if isinstance(value, dict) else value:
            yield from _strings(v)
