"""An exercise is checked like code: its starter must fail, its solution must pass.

A starter that already passes teaches nothing, and a solution that fails means
the checks (or the simulator) are wrong; either would otherwise be found by a
learner. Every exercise is graded twice, each time in a scratch copy.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from course.content.exercises import Exercise
from course.grading.vocabulary import load_exercises
from course.grading.report import ERROR, INVALID, PASSED
from course.grading.runner import grade
from course.grading.workspace import copy_files

_CHECK_PATH = re.compile(r"^checks\[(\d+)\]")


@dataclass(frozen=True)
class Violation:
    exercise: str
    check: str | None
    message: str
    detail: str = ""

    def __str__(self) -> str:
        where = f"{self.exercise}: check '{self.check}'" if self.check else self.exercise
        return f"{where}: {self.message}"


def dev_check(pack_root: Path | str, modules=None) -> list[Violation]:
    """Every rule an exercise breaks, naming the exercise and, where there is one, the check."""
    root = Path(pack_root)
    exercises, problems = load_exercises(root, modules)
    out = [_from_problem(p) for p in problems]
    for exercise in exercises:
        out.extend(check_exercise(exercise))
    return out


def _from_problem(problem) -> Violation:
    parts = Path(problem.mark.file).parts
    exercise = parts[-2] if len(parts) >= 2 else problem.mark.file
    match = _CHECK_PATH.match(problem.path)
    return Violation(exercise, f"checks[{match.group(1)}]" if match else None, str(problem))


def check_exercise(exercise: Exercise) -> list[Violation]:
    out = []
    with tempfile.TemporaryDirectory(prefix=f"coldstart-{exercise.id}-") as tmp:
        starter = Path(tmp) / "starter"
        copy_files(exercise, starter)
        report = grade(exercise, starter)
        out.extend(_internal(exercise, report, "starter"))
        if report.status == PASSED:
            out.append(Violation(exercise.id, None, "the starter files pass every check; at least one check must fail"))
        solution = Path(tmp) / "solution"
        copy_files(exercise, solution, solution=True)
        report = grade(exercise, solution)
        if report.status == INVALID:
            out.append(Violation(exercise.id, None, "the solution cannot be graded: " + "; ".join(report.problems)))
        out.extend(_internal(exercise, report, "solution"))
        for check in report.checks:
            if check.status not in (PASSED, ERROR):
                out.append(Violation(exercise.id, check.id, f"the solution fails: {check.summary()}"))
    return out


def _internal(exercise: Exercise, report, which: str) -> list[Violation]:
    return [Violation(exercise.id, c.id, f"{c.error} (grading the {which})", c.detail) for c in report.internal_errors]
