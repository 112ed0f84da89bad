"""SVG snapshots of the main screens, on the small pack so they do not churn with course edits.

Regenerate after a reviewed layout change with ``pytest tests/snapshots --snapshot-update``.
"""

from __future__ import annotations

from course.app import CourseApp
from course.content import load_pack
from course.store import AnswerRecord, MemoryStore
from tests.conftest import MINIMAL


def app_with_history() -> CourseApp:
    pack = load_pack(MINIMAL).pack
    store = MemoryStore()
    store.mark_read("demo", "demo-basics", "limits")
    store.record_answer(AnswerRecord("demo-timeout", "demo", [0], True, 4.0, 1.0))
    store.record_answer(AnswerRecord("demo-tf", "demo", False, False, 4.0, 2.0))
    return CourseApp(pack, store, seed=11)


def test_home(snap_compare):
    assert snap_compare(app_with_history(), terminal_size=(100, 24))


def test_lesson_section(snap_compare):
    assert snap_compare(app_with_history(), terminal_size=(100, 32), press=["l"])


def test_quiz_answer_revealed(snap_compare):
    async def answer(pilot):
        from course.quiz.engine import QuizRun
        from course.screens.quiz import QuizScreen

        app = pilot.app
        await app.push_screen(QuizScreen(QuizRun([app.pack.question("demo-timeout")], app.store)))
        await pilot.pause()
        await pilot.press("2", "enter")
        await pilot.pause()

    assert snap_compare(app_with_history(), terminal_size=(80, 24), run_before=answer)


def test_help(snap_compare):
    assert snap_compare(app_with_history(), terminal_size=(80, 24), press=["question_mark"])
