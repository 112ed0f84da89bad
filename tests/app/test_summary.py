"""The quiz summary at the smallest supported size: every question in it can be scrolled to."""

from __future__ import annotations

from textwrap import shorten

from rich.color import Color
from rich.style import Style
from textual.containers import VerticalScroll

from course.app import CourseApp
from course.screens.quiz import QuizScreen
from course.screens.summary import SummaryScreen
from course.store import MemoryStore
from course.widgets.quiz_results import QuizResults
from tests.app.test_screens import answer_current


def visible_text(app) -> str:
    """What the terminal shows right now, line by line."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def take_a_ten_question_quiz(pilot) -> SummaryScreen:
    """Answer ten questions on the module under the cursor (every other one wrong) and reach the summary."""
    app = pilot.app
    await pilot.press("z")
    await pilot.pause()
    assert isinstance(app.screen, QuizScreen) and len(app.screen.run.questions) == 10
    for n in range(10):
        await answer_current(pilot, right=(n % 2 == 0))
        await pilot.press("enter")
        await pilot.pause()
    assert isinstance(app.screen, SummaryScreen)
    return app.screen


async def test_a_ten_question_summary_scrolls_to_its_last_question_at_80x24(private_home):
    from course.content import load_pack
    from tests.conftest import ROOT

    app = CourseApp(load_pack(ROOT).pack, MemoryStore(), seed=5)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await take_a_ten_question_quiz(pilot)
        scroll = screen.query_one("#summary", VerticalScroll)
        last_question = screen.run.results[-1][0]
        last_line = shorten(last_question.stem, 110, placeholder=" …")[:40]

        assert app.focused is scroll  # the keys below scroll without a click first
        assert scroll.max_scroll_y > 0
        assert scroll.scroll_y == 0
        assert last_line not in visible_text(app)

        await pilot.press("down")
        await pilot.pause()
        assert scroll.scroll_y == 1

        for _ in range(10):
            await pilot.press("pagedown")
        await pilot.pause()
        assert scroll.scroll_y == scroll.max_scroll_y
        assert last_line in visible_text(app)
        assert "Done" in visible_text(app)  # the buttons below the list come into view too

        await pilot.press("home")
        await pilot.pause()
        assert scroll.scroll_y == 0


async def test_summary_marks_take_the_theme_colours(minimal_pack):
    app = CourseApp(minimal_pack, MemoryStore(), seed=3)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("z")
        await pilot.pause()
        await answer_current(pilot, right=True)
        await pilot.press("escape")  # end the quiz after one question: straight to the summary
        await pilot.pause()
        results = app.screen.query_one(QuizResults)

        for theme in ("textual-dark", "gruvbox"):
            app.theme = theme
            await pilot.pause()
            mark = Style.parse(str(results.render().spans[0].style))
            assert mark.color == Color.parse(app.get_css_variables()["success"]), theme
