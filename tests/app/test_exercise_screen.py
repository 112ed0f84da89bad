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
        app.nav.open_exercise("lambda-reuse-init")
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
        app.nav.open_exercise("lambda-reuse-init")
        await pilot.pause()
        screen = app.screen
        await pilot.press("ctrl+n")
        assert screen.hints_shown == 1
        await pilot.press("ctrl+n", "ctrl+n", "ctrl+n")
        assert screen.hints_shown == len(screen.exercise.hints)


async def test_an_outside_edit_is_noticed(app, private_home):
    async with app.run_test(size=(120, 40)) as pilot:
        app.nav.open_exercise("lambda-reuse-init")
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
        app.nav.open_module("dynamodb")
        await pilot.pause()
        listed = app.screen.query_one("#exercises")
        ids = [item.id.removeprefix("exercise-") for item in listed.children]
        assert ids == [e.id for e in app.nav.exercises_for("dynamodb")] and len(ids) == 5
        # every exercise visible in full: the list is as tall as its items, and no item is cut short
        assert listed.size.height == sum(item.size.height for item in listed.children) >= len(ids)
        assert all(item.query_one("Label").size.width <= listed.size.width for item in listed.children)


def first_span_colour(line):
    from rich.style import Style

    return Style.parse(str(line.spans[0].style)).color


def report_pane(screen: ExerciseScreen):
    from course.widgets.check_report import CheckReport

    return screen.query_one("#exercise-results").query_one(CheckReport)


async def test_a_grading_failure_shows_in_the_results_pane_and_the_app_keeps_running(app, private_home, monkeypatch):
    import course.grading.runner
    from course.widgets.check_report import FAILED, REPORT

    real_grade = course.grading.runner.grade

    def broken_grade(exercise, workspace):
        raise RuntimeError("the simulated account could not be created")

    monkeypatch.setattr(course.grading.runner, "grade", broken_grade)
    async with app.run_test(size=(120, 40)) as pilot:
        app.nav.open_exercise("lambda-reuse-init")
        await pilot.pause()
        screen = app.screen
        path = private_home / "workspaces" / "lambda-reuse-init" / "src" / "app.py"
        before = path.read_text()

        await pilot.press("ctrl+r")
        await wait_for_report(pilot, screen)
        assert app.is_running and app.return_code is None
        assert app.screen is screen
        pane = report_pane(screen)
        assert pane.kind == FAILED
        shown = pane.render().plain
        assert shown.startswith("Grading failed")
        assert "RuntimeError: the simulated account could not be created" in shown
        assert "files are untouched" in shown
        assert pane.region.height >= 3  # on screen, not just in the widget
        assert path.read_text() == before
        assert app.store.attempts("lambda-reuse-init") == []  # a run that never happened is not an attempt

        # The screen is still usable: with grading mended, the same key runs the checks.
        monkeypatch.setattr(course.grading.runner, "grade", real_grade)
        await pilot.press("ctrl+r")
        await wait_for_report(pilot, screen)
        assert pane.kind == REPORT
        assert len(app.store.attempts("lambda-reuse-init")) == 1


async def test_a_normal_grade_shows_its_report_in_theme_colours(app, private_home):
    from rich.color import Color

    from course.grading.workspace import RESULT_FILE
    from course.widgets.check_report import REPORT

    async with app.run_test(size=(120, 40)) as pilot:
        app.nav.open_exercise("lambda-reuse-init")
        await pilot.pause()
        screen = app.screen
        await pilot.press("ctrl+r")
        await wait_for_report(pilot, screen)
        pane = report_pane(screen)
        assert pane.kind == REPORT
        shown = pane.render()
        assert "0 of 2 checks passed" in shown.plain.splitlines()[0]
        failed_line = next(line for line in shown.split() if line.plain.startswith("✗"))
        assert first_span_colour(failed_line) == Color.parse(app.get_css_variables()["error"])
        assert (private_home / "workspaces" / "lambda-reuse-init" / RESULT_FILE).is_file()

        app.theme = "nord"  # a theme whose error colour differs: the report already shown follows it
        await pilot.pause()
        failed_line = next(line for line in pane.render().split() if line.plain.startswith("✗"))
        assert first_span_colour(failed_line) == Color.parse(app.get_css_variables()["error"])
