"""Each screen's main path, driven with Textual's pilot."""

from __future__ import annotations

from course.app import CourseApp
from course.quiz.engine import correct_indexes
from course.screens.help import HelpScreen
from course.screens.home import HomeScreen
from course.screens.lesson import LessonScreen
from course.screens.module import ModuleScreen
from course.screens.quiz import QuizScreen
from course.screens.quiz_setup import QuizSetupScreen
from course.screens.summary import SummaryScreen
from course.store import MemoryStore, open_store
from course.widgets.choices import ChoiceList

SIZE = (100, 32)


def make_app(pack, store=None, **kwargs):
    return CourseApp(pack, store or MemoryStore(), seed=3, **kwargs)


async def ask_one(pilot, question_id: str, **run_kwargs) -> None:
    """Open a quiz of just this question on top of Home."""
    from course.quiz.engine import QuizRun

    app = pilot.app
    await pilot.pause()
    app.push_screen(QuizScreen(QuizRun([app.pack.question(question_id)], app.store, **run_kwargs)))
    await pilot.pause()


async def answer_current(pilot, right: bool = True):
    screen = pilot.app.screen
    question = screen.run.current
    if question.type == "numeric":
        value = question.answer if right else question.answer + 12345
        await pilot.press(*repr(value))
    else:
        picks = correct_indexes(question)
        if not right:
            picks = [i for i in range(len(screen.query_one(ChoiceList).labels)) if i not in picks][: len(picks)]
            if len(picks) < len(correct_indexes(question)):
                picks = picks + correct_indexes(question)[: len(correct_indexes(question)) - len(picks)]
        for index in picks:
            await pilot.press(str(index + 1))
    await pilot.press("enter")
    await pilot.pause()


async def test_home_lists_modules_and_opens_one(minimal_pack):
    app = make_app(minimal_pack)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert app.screen.highlighted.id == "demo"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ModuleScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_lesson_marks_sections_read_and_navigates(minimal_pack):
    store = MemoryStore()
    app = make_app(minimal_pack, store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("l")
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen)
        assert app.screen.section.id == "limits"
        assert {r.section_id for r in store.sections_read("demo")} == {"limits"}
        await pilot.press("n")
        await pilot.pause()
        assert app.screen.section.id == "pricing"
        assert {r.section_id for r in store.sections_read("demo")} == {"limits", "pricing"}
        await pilot.press("n")  # past the end: stays, says so
        await pilot.pause()
        assert app.screen.section.id == "pricing"
        await pilot.press("p")
        await pilot.pause()
        assert app.screen.section.id == "limits"
        position = store.position()
        assert (position.kind, position.lesson_id, position.section_id) == ("lesson", "demo-basics", "limits")
        await pilot.press("z")
        await pilot.pause()
        assert isinstance(app.screen, QuizScreen)
        assert app.screen.run.module_ids == ["demo"]


async def test_practice_quiz_end_to_end(minimal_pack):
    store = MemoryStore()
    app = make_app(minimal_pack, store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("z")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, QuizScreen)
        total = len(screen.run.questions)
        assert total == 6
        for n in range(total):
            await answer_current(pilot, right=(n % 2 == 0))
            assert screen.revealed
            await pilot.press("enter")
            await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        assert app.screen.run.score == 3
        assert len(store.answers("demo")) == 6
        (session,) = store.sessions()
        assert (session.asked, session.correct) == (6, 3)
        await pilot.press("r")  # retry the missed ones
        await pilot.pause()
        assert isinstance(app.screen, QuizScreen)
        assert len(app.screen.run.questions) == 3


async def test_multiple_response_must_pick_the_right_count(minimal_pack):
    store = MemoryStore()
    app = make_app(minimal_pack, store)
    async with app.run_test(size=SIZE) as pilot:
        await ask_one(pilot, "demo-multi", module_ids=["demo"])
        await pilot.press("1", "enter")
        await pilot.pause()
        assert not app.screen.revealed and store.answers() == []
        await pilot.press("down", "space", "enter")  # toggles option 2
        await pilot.pause()
        assert app.screen.revealed
        assert store.answers()[0].choice == [0, 1] and store.answers()[0].correct


async def test_mouse_click_chooses_an_option(minimal_pack):
    from course.widgets.choices import ChoiceRow

    store = MemoryStore()
    app = make_app(minimal_pack, store)
    async with app.run_test(size=SIZE) as pilot:
        await ask_one(pilot, "demo-timeout")
        rows = list(app.screen.query(ChoiceRow))
        await pilot.click(rows[1])
        await pilot.pause()
        assert app.screen.query_one(ChoiceList).chosen == [1]


async def test_numeric_rejects_text_then_accepts(minimal_pack):
    store = MemoryStore()
    app = make_app(minimal_pack, store)
    async with app.run_test(size=SIZE) as pilot:
        await ask_one(pilot, "demo-num")
        await pilot.press("a", "b", "enter")
        await pilot.pause()
        assert not app.screen.revealed
        await pilot.press("backspace", "backspace", "3", "0", "0", "enter")
        await pilot.pause()
        assert app.screen.revealed and store.answers()[0].correct is False
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)


async def test_only_wrong_mode_and_custom_setup(minimal_pack):
    from course.store import AnswerRecord

    store = MemoryStore()
    store.record_answer(AnswerRecord("demo-tf", "demo", False, False, 1.0, 1.0))
    app = make_app(minimal_pack, store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("w")
        await pilot.pause()
        assert [q.id for q in app.screen.run.questions] == ["demo-tf"]
        await pilot.press("escape")
        await pilot.pause()
        app.nav.open_quiz_setup(["demo"])
        await pilot.pause()
        assert isinstance(app.screen, QuizSetupScreen)
        await pilot.click("#start")
        await pilot.pause()
        assert isinstance(app.screen, QuizScreen)
        assert len(app.screen.run.questions) == 6  # 10 asked for, the module has 6


async def test_help_theme_and_palette(minimal_pack):
    app = make_app(minimal_pack)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        dark = app.current_theme.dark
        await pilot.press("ctrl+t")
        assert app.current_theme.dark is not dark
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Lesson: Demo")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen)


async def test_progress_survives_quit_and_restart(minimal_pack, private_home):
    """Read a section and answer a question, quit, start again: Home offers to continue."""
    store = open_store()
    app = make_app(minimal_pack, store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("l")
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        await pilot.press("z")
        await pilot.pause()
        await answer_current(pilot)
    store.close()

    store = open_store()
    app = make_app(minimal_pack, store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert len(store.sections_read("demo")) == 2
        assert len(store.answers("demo")) == 1
        label = app.nav.continue_label()
        assert label == "Demo service › Demo basics › Pricing" or label == "quiz on Demo service"
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, (LessonScreen, QuizScreen))
    store.close()


async def test_small_terminal_stays_usable(minimal_pack):
    app = make_app(minimal_pack)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("z")
        await pilot.pause()
        await answer_current(pilot)
        feedback = app.screen.query_one("#feedback")
        assert feedback.region.width > 40
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.run.index == 1


async def test_clicking_a_module_card_opens_it(minimal_pack):
    app = make_app(minimal_pack)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.click("#modules", offset=(5, 1))
        await pilot.pause()
        assert isinstance(app.screen, ModuleScreen)
        assert app.screen.module.id == "demo"


async def test_start_straight_into_a_quiz(minimal_pack):
    """What `coldstart quiz --module demo --count 3` opens."""
    app = make_app(minimal_pack, start_quiz={"modules": ["demo"], "count": 3, "only_wrong": False})
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, QuizScreen)
        assert len(app.screen.run.questions) == 3
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_arrows_then_enter_answers_a_single_choice(minimal_pack):
    store = MemoryStore()
    app = make_app(minimal_pack, store)
    async with app.run_test(size=SIZE) as pilot:
        await ask_one(pilot, "demo-timeout")
        await pilot.press("down", "down", "enter")
        await pilot.pause()
        assert app.screen.revealed
        assert store.answers()[0].choice == [2] and not store.answers()[0].correct


async def test_moving_through_the_course_map(private_home):
    from course.content import load_pack
    from tests.conftest import ROOT

    pack = load_pack(ROOT).pack
    app = make_app(pack)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "down", "j", "up")
        await pilot.pause()
        assert app.screen.highlighted.id == pack.modules[2].id
        await pilot.press("end", "down", "down", "down", "down", "down", "down", "down", "down", "down")
        await pilot.pause()
        assert app.screen.highlighted.id == pack.modules[-1].id
        assert app.screen.scroll_offset.y > 0  # the last module was scrolled into view
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ModuleScreen) and app.screen.module.id == pack.modules[-1].id


async def test_home_opens_at_the_top(private_home):
    from course.content import load_pack
    from tests.conftest import ROOT

    app = make_app(load_pack(ROOT).pack)
    async with app.run_test(size=(90, 30)) as pilot:
        await pilot.pause()
        assert app.screen.scroll_offset.y == 0
        await pilot.press("down", "down", "down", "down", "down", "down", "down", "down")
        await pilot.pause()
        assert app.screen.scroll_offset.y > 0
        await pilot.press("up", "up", "up", "up", "up", "up", "up", "up")
        await pilot.pause()
        assert app.screen.scroll_offset.y == 0
