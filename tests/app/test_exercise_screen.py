"""The exercise screen: edit, save, run the checks in a worker, see results, hints; attempts are stored."""

from __future__ import annotations

import pytest

from course.app import CourseApp
from course.content import load_pack
from course.screens.exercise import ExerciseScreen
from course.store import MemoryStore
from tests.conftest import ROOT

SOLUTION = (ROOT / "exercises" / "lambda-reuse-init" / "solution" / "src" / "app.py").read_text()


async def wait_for_report(pilot, screen: ExerciseScreen, timeout: float = 30.0) -> None:
    waited = 0.0
    while screen.running and waited < timeout:
        await pilot.pause(0.1)
        waited += 0.1
    await pilot.pause()
    assert not screen.running, "grading did not finish"


@pytest.fixture
def app():
    return CourseApp(load_pack(ROOT).pack, MemoryStore(), seed=1)


async def test_run_checks_fail_then_pass_and_attempts_are_stored(app, private_home):
    async with app.run_test(size=(120, 40)) as pilot:
        app.open_exercise("lambda-reuse-init")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ExerciseScreen)
        workspace = private_home / "workspaces" / "lambda-reuse-init"
        assert (workspace / "src" / "app.py").is_file()

        await pilot.press("ctrl+r")
        await wait_for_report(pilot, screen)
        (first,) = app.store.attempts("lambda-reuse-init")
        assert not first.passed and first.checks_total == 2

        editor = screen.query_one("#editor-0")
        editor.load_text(SOLUTION)
        await pilot.press("ctrl+r")
        await wait_for_report(pilot, screen)
        assert (workspace / "src" / "app.py").read_text() == SOLUTION  # saved before the run
        assert app.store.attempts("lambda-reuse-init")[-1].passed


async def test_hints_come_one_at_a_time(app):
    async with app.run_test(size=(120, 40)) as pilot:
        app.open_exercise("lambda-reuse-init")
        await pilot.pause()
        screen = app.screen
        await pilot.press("ctrl+n")
        assert screen.hints_shown == 1
        await pilot.press("ctrl+n", "ctrl+n", "ctrl+n")
        assert screen.hints_shown == len(screen.exercise.hints)


async def test_an_outside_edit_is_noticed(app, private_home):
    async with app.run_test(size=(120, 40)) as pilot:
        app.open_exercise("lambda-reuse-init")
        await pilot.pause()
        screen = app.screen
        path = private_home / "workspaces" / "lambda-reuse-init" / "src" / "app.py"
        path.write_text("# edited elsewhere\n")
        import os

        os.utime(path, ns=(1, path.stat().st_mtime_ns + 10**9))
        screen._notice_outside_edits()
        await pilot.pause()
        assert screen.query_one("#editor-0").text == "# edited elsewhere\n"


async def test_a_module_page_shows_every_exercise_of_its_module(app):
    async with app.run_test(size=(100, 40)) as pilot:
        app.open_module("dynamodb")
        await pilot.pause()
        listed = app.screen.query_one("#exercises")
        ids = [item.id.removeprefix("exercise-") for item in listed.children]
        assert ids == [e.id for e in app.exercises_for("dynamodb")] and len(ids) == 5
        assert listed.size.height == len(ids)  # every line visible, none cut to one
