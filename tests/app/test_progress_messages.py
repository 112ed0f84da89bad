"""Screens report what happened with messages; the app alone writes progress.

Each kind of message gets two checks: the screen that should post it does (seen with
``run_test``'s message hook), and the message on its own is enough for the store to
record it, whoever posts it.
"""

from __future__ import annotations

import pytest

from course.app import CourseApp
from course.messages import ExerciseGraded, QuizStarted, SectionRead
from course.screens.lesson import LessonScreen
from course.screens.quiz import QuizScreen
from course.store import MemoryStore

SIZE = (100, 32)


def posted(kind):
    """A message hook that keeps the messages of one class, and the list it keeps them in.

    The hook sees a message at every node it bubbles through; each is kept once."""
    seen = []

    def hook(message) -> None:
        if isinstance(message, kind) and not any(message is m for m in seen):
            seen.append(message)

    return seen, hook


async def test_reading_a_section_posts_section_read_and_the_store_records_it(minimal_pack):
    store = MemoryStore()
    app = CourseApp(minimal_pack, store, seed=1)
    seen, hook = posted(SectionRead)
    async with app.run_test(size=SIZE, message_hook=hook) as pilot:
        app.nav.open_lesson("demo-basics", "pricing")
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen)
        assert ("demo", "demo-basics", "pricing") in {(m.module_id, m.lesson_id, m.section_id) for m in seen}
        assert [(r.lesson_id, r.section_id) for r in store.sections_read("demo")] == [("demo-basics", "pricing")]
        position = store.position()
        assert (position.kind, position.lesson_id, position.section_id) == ("lesson", "demo-basics", "pricing")


async def test_a_section_read_message_alone_reaches_the_store(minimal_pack):
    store = MemoryStore()
    app = CourseApp(minimal_pack, store, seed=1)
    async with app.run_test(size=SIZE) as pilot:
        app.screen.post_message(SectionRead("demo", "demo-basics", "limits"))  # from Home: bubbles to the app
        await pilot.pause()
        assert [r.section_id for r in store.sections_read("demo")] == ["limits"]
        assert store.position().section_id == "limits"


async def test_starting_a_module_quiz_posts_quiz_started_and_becomes_the_place_to_continue(minimal_pack):
    store = MemoryStore()
    app = CourseApp(minimal_pack, store, seed=1)
    seen, hook = posted(QuizStarted)
    async with app.run_test(size=SIZE, message_hook=hook) as pilot:
        await pilot.press("z")
        await pilot.pause()
        assert isinstance(app.screen, QuizScreen)
        assert [m.module_ids for m in seen] == [["demo"]]
        position = store.position()
        assert (position.kind, position.module_id) == ("quiz", "demo")


async def test_a_quiz_started_message_alone_reaches_the_store_and_a_mixed_quiz_is_not_a_position(minimal_pack):
    store = MemoryStore()
    app = CourseApp(minimal_pack, store, seed=1)
    async with app.run_test(size=SIZE) as pilot:
        app.screen.post_message(QuizStarted([]))  # the whole course: nowhere single to come back to
        await pilot.pause()
        assert store.position() is None
        app.screen.post_message(QuizStarted(["demo"]))
        await pilot.pause()
        assert store.position().kind == "quiz" and store.position().module_id == "demo"


@pytest.fixture
def full_pack():
    from course.content import load_pack
    from tests.conftest import ROOT

    return load_pack(ROOT).pack


async def test_an_exercise_graded_message_alone_records_the_attempt_and_the_workspace_result(full_pack, tmp_path):
    from course.grading.report import FAILED, PASSED, CheckResult, Report
    from course.grading.workspace import RESULT_FILE

    store = MemoryStore()
    app = CourseApp(full_pack, store, seed=1)
    async with app.run_test(size=SIZE) as pilot:
        exercise = next(e for e in app.nav.exercises if e.id == "lambda-reuse-init")
        report = Report(exercise.id, exercise.title, FAILED, [
            CheckResult("first", "First check", PASSED), CheckResult("second", "Second check", FAILED)])
        app.screen.post_message(ExerciseGraded(exercise, tmp_path, report, 0.5))
        await pilot.pause()
        (attempt,) = store.attempts("lambda-reuse-init")
        assert (attempt.passed, attempt.checks_passed, attempt.checks_total) == (False, 1, 2)
        assert (tmp_path / RESULT_FILE).is_file()


async def test_running_the_checks_posts_exercise_graded_and_the_store_records_it(full_pack):
    from course.screens.exercise import ExerciseScreen
    from tests.app.test_exercise_screen import wait_for_report

    store = MemoryStore()
    app = CourseApp(full_pack, store, seed=1)
    seen, hook = posted(ExerciseGraded)
    async with app.run_test(size=(120, 40), message_hook=hook) as pilot:
        app.nav.open_exercise("lambda-reuse-init")
        await pilot.pause()
        assert isinstance(app.screen, ExerciseScreen)
        await pilot.press("ctrl+r")
        await wait_for_report(pilot, app.screen)
        assert [m.exercise.id for m in seen] == ["lambda-reuse-init"]
        (attempt,) = store.attempts("lambda-reuse-init")
        assert attempt.checks_total == len(seen[0].report.checks)
