"""Grading a bundled exercise as a learner would leave it: starter or solution files, edited."""

from __future__ import annotations

from pathlib import Path

from course.grading.vocabulary import load_exercises
from course.grading.runner import grade
from course.grading.workspace import copy_files
from tests.conftest import ROOT


def bundled_exercise(exercise_id: str):
    return next(e for e in load_exercises(ROOT)[0] if e.id == exercise_id)


def graded(exercise, folder: Path, *, solution: bool = False, files: dict | None = None, edits=()):
    """Copy the starter (or solution), replace whole ``files`` ({path: text}) and apply ``edits``
    ((path, old, new), each ``old`` required to be there), grade; returns the report and its
    checks by id."""
    copy_files(exercise, folder, solution=solution)
    for path, text in (files or {}).items():
        (folder / path).write_text(text)
    for path, old, new in edits:
        target = folder / path
        text = target.read_text()
        assert old in text, f"{old!r} is not in {path}"
        target.write_text(text.replace(old, new))
    report = grade(exercise, folder)
    return report, {c.id: c for c in report.checks}


def failed(check) -> list:
    """The expectations of a check that did not pass."""
    return [e for e in check.expectations if not e.passed]
