"""The Textual app: wiring only. Each screen lives in its own file under screens/."""

from __future__ import annotations

import gc
import random
from typing import TYPE_CHECKING

from textual.app import App
from textual.binding import Binding

from course.commands import CourseCommands
from course.content.models import Pack
from course.store.api import ProgressStore

if TYPE_CHECKING:
    from course.quiz.engine import QuizRun


class CourseApp(App):
    CSS_PATH = "app.tcss"
    TITLE = "Coldstart"
    SUB_TITLE = "AWS serverless, in your terminal"
    COMMANDS = App.COMMANDS | {CourseCommands}
    BINDINGS = [
        Binding("question_mark,f1", "help", "Help"),
        Binding("ctrl+t", "toggle_theme", "Theme", show=False),
    ]

    def __init__(self, pack: Pack, store: ProgressStore, start_quiz: dict | None = None, seed: int | None = None):
        super().__init__()
        self.pack = pack
        self.store = store
        self.rng = random.Random(seed)
        self._start_quiz = start_quiz
        self._exercises: list | None = None

    def get_default_screen(self):
        from course.screens.home import HomeScreen

        return HomeScreen()

    def on_mount(self) -> None:
        self.call_after_refresh(self._settle)
        for notice in self.store.notices:
            self.notify(notice, title="Progress", severity="warning", timeout=15)
        if self._start_quiz is not None:
            self.start_quiz(self._start_quiz["modules"], self._start_quiz["count"], self._start_quiz["only_wrong"])

    def _settle(self) -> None:
        """Once Home is up: read the rest of an outline pack, then move everything alive so far
        (Textual, the course) out of the garbage collector's way, so that no full collection
        over a hundred thousand long-lived objects stalls the first keypresses."""
        self.pack.ensure_loaded()
        gc.collect()
        gc.freeze()

    # Navigation, shared by screens and the command palette.
    def open_module(self, module_id: str) -> None:
        from course.screens.module import ModuleScreen

        self.push_screen(ModuleScreen(self.pack.module(module_id)))

    def open_lesson(self, lesson_id: str, section_id: str | None = None) -> None:
        from course.screens.lesson import LessonScreen

        self.pack.ensure_loaded()
        lesson = self.pack.lesson(lesson_id)
        ids = [s.id for s in lesson.sections]
        self.push_screen(LessonScreen(lesson, ids.index(section_id) if section_id in ids else 0))

    def open_next_lesson(self, module_id: str) -> None:
        """The first lesson with an unread section, at that section."""
        module = self.pack.module(module_id)
        read = {(r.lesson_id, r.section_id) for r in self.store.sections_read(module_id)}
        for lesson in module.lessons:
            for section in lesson.sections:
                if (lesson.id, section.id) not in read:
                    return self.open_lesson(lesson.id, section.id)
        if module.lessons:
            self.open_lesson(module.lessons[0].id)

    @property
    def exercises(self) -> list:
        """The pack's exercises, read when first needed (start-up never pays for them)."""
        if self._exercises is None:
            from course.content.exercises import load_exercises

            self._exercises, _problems = load_exercises(self.pack.root, [m.id for m in self.pack.modules])
        return self._exercises

    def exercises_for(self, module_id: str) -> list:
        return [e for e in self.exercises if e.module == module_id]

    def open_exercise(self, exercise_id: str) -> None:
        from course.grading.workspace import start_workspace
        from course.paths import data_dir
        from course.screens.exercise import ExerciseScreen

        exercise = next(e for e in self.exercises if e.id == exercise_id)
        workspace = data_dir() / "workspaces" / exercise.id
        if not workspace.is_dir() or not any(workspace.iterdir()):
            start_workspace(exercise, workspace)
        self.push_screen(ExerciseScreen(exercise, workspace))

    def start_quiz(self, module_ids: list[str], count: int = 10, only_wrong: bool = False) -> None:
        from course.quiz.engine import QuizRun, select_questions
        from course.screens.quiz import QuizScreen

        questions = select_questions(self.pack, self.store, module_ids, count, only_wrong, self.rng)
        if not questions:
            self.notify("No questions you got wrong here. Well done!" if only_wrong else "No questions here yet.")
            return
        self.push_screen(QuizScreen(QuizRun(questions, self.store, "practice", list(module_ids))))

    def retry(self, run: QuizRun) -> None:
        from course.quiz.engine import QuizRun
        from course.screens.quiz import QuizScreen

        self.switch_screen(QuizScreen(QuizRun(run.missed, self.store, "practice", run.module_ids)))

    def show_summary(self, run: QuizRun) -> None:
        from course.screens.summary import SummaryScreen

        self.switch_screen(SummaryScreen(run))

    def open_quiz_setup(self, module_ids: list[str]) -> None:
        from course.screens.quiz_setup import QuizSetupScreen

        def chosen(choice: dict | None) -> None:
            if choice:
                self.start_quiz(choice["modules"], choice["count"], choice["only_wrong"])

        self.push_screen(QuizSetupScreen(module_ids), chosen)

    def continue_label(self) -> str | None:
        position = self.store.position()
        if position is None or self.pack.module(position.module_id) is None:
            return None
        module = self.pack.module(position.module_id)
        lesson = self.pack.lesson(position.lesson_id) if position.lesson_id else None
        if position.kind == "lesson" and lesson is not None:
            section = lesson.section(position.section_id)
            return f"{module.title} › {lesson.title}" + (f" › {section.title}" if section else "")
        return f"quiz on {module.title}"

    def continue_learning(self) -> None:
        position = self.store.position()
        if position is None or self.pack.module(position.module_id) is None:
            self.notify("Nothing to continue yet: open a module to start.")
        elif position.kind == "lesson" and self.pack.lesson(position.lesson_id):
            self.open_lesson(position.lesson_id, position.section_id)
        else:
            self.start_quiz([position.module_id])

    def action_help(self) -> None:
        from course.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_toggle_theme(self) -> None:
        self.theme = "textual-light" if self.current_theme.dark else "textual-dark"
