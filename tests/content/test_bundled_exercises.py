"""The bundled exercises, checked the way `coldstart dev check` checks any pack."""

from __future__ import annotations

from course.content.exercises import load_exercises
from course.grading.devcheck import dev_check
from tests.conftest import ROOT


def test_bundled_exercises_load_cleanly():
    exercises, problems = load_exercises(ROOT)
    assert problems == []
    assert sum(1 for e in exercises if e.module == "lambda") >= 3


def test_every_starter_fails_and_every_solution_passes():
    assert [str(v) for v in dev_check(ROOT)] == []
