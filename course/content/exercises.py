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

from course.content.exercise_queries import query_problem
from course.content.exercise_steps import Step, Vocabulary, item_mark, read_step
from course.content.fields import Fields, type_name
from course.content.models import DIFFICULTIES
from course.content.problems import Mark, Problem, did_you_mean
from course.content.yamlsrc import BROKEN, load_file, plain

EXERCISE_FIELDS = ("id", "title", "module", "difficulty", "brief", "files", "solution", "hints", "checks")
CHECK_FIELDS = ("id", "title", "steps", "expect", "hint", "docs")
COMPARATORS = ("equals", "not_equals", "less_than", "at_most", "greater_than", "at_least", "between",
               "contains", "matches", "exists", "is_true", "is_false")
NUMERIC = ("less_than", "at_most", "greater_than", "at_least")
MESSAGE_NAMES = ("actual", "expected", "query")
IGNORED_FILES = ("__pycache__", ".DS_Store")


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


def load_exercises(pack_root: Path | str, modules=None, *, vocabulary: Vocabulary) -> tuple[list[Exercise], list[Problem]]:
    """Every exercise of a pack that loaded without a problem, and every problem found.

    ``modules`` is the pack's module ids; by default the ``content/`` folders that hold a
    module.yaml (the loader requires a module's id to equal its folder's name). ``vocabulary``
    holds the step kinds and document roots checks may use; ``course.grading.load_exercises``
    passes grading's own.
    """
    from course.content.loader import LoadContext

    root = Path(pack_root)
    if modules is None:
        content = root / "content"
        modules = sorted(p.name for p in content.iterdir() if (p / "module.yaml").is_file()) if content.is_dir() else []
    ctx = LoadContext()
    ctx.vocabulary = vocabulary
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
        where = item_mark(item, "id", mark)
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
        read = read_step(step_item, smark, spath, ex, ctx)
        if read is None:
            continue
        step, named = read
        if step.name in names and named:
            ctx.add(item_mark(step_item, "name", smark), f"{spath}.name",
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


def _read_expectation(item, mark: Mark, path: str, ctx) -> Expectation | None:
    e = Fields(ctx, item, path, ("query", "message") + COMPARATORS, mark)
    if not e.ok:
        return None
    query = e.text("query")
    roots = ctx.vocabulary.document_roots
    if query.strip() and (problem := query_problem(query, roots)):
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
    for problem in message_problems(message, roots) if message else ():
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


def message_problems(message: str, roots: tuple[str, ...]) -> list[str]:
    """Placeholders are ``{actual}``, ``{expected}``, ``{query}`` or a JMESPath query, with an optional format."""
    try:
        fields = [name for _, name, _, _ in string.Formatter().parse(message) if name is not None]
    except ValueError as exc:
        return [f"cannot read the message's placeholders: {exc} (write '{{{{' and '}}}}' for braces)"]
    out = []
    for name in fields:
        if not name.strip():
            out.append("empty placeholder '{}': name a value such as {actual} or {expected}")
        elif name not in MESSAGE_NAMES and (problem := query_problem(name, roots)):
            close = did_you_mean(name, MESSAGE_NAMES)
            if close:
                out.append(f"unknown placeholder '{{{name}}}'{close}")
            else:
                out.append(f"placeholder '{{{name}}}' is not {', '.join(MESSAGE_NAMES)} or a query: {problem[0]}")
    return out



