"""Opening screens: the one place that knows how each screen is built from the pack and store.

Home, the module page, the lesson, the quiz screens and the command palette all open the
same things; routing them through here keeps the app file to wiring and keeps screens
from importing one another. Screen modules are imported inside each method so that
start-up, which only needs Home, does not pay for the rest.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.app import App

    from course.quiz.engine import QuizRun


class Navigator:
    def __init__(self, app: App):
        self.app = app
        self._exercises: list | None = None

    @property
    def pack(self):
        return self.app.pack

    @property
    def store(self):
        return self.app.store

    def open_module(self, module_id: str) -> None:
        from course.screens.module import ModuleScreen

        self.app.push_screen(ModuleScreen(self.pack.module(module_id)))

    def open_lesson(self, lesson_id: str, section_id: str | None = None) -> None:
        from course.screens.lesson import LessonScreen

        self.pack.ensure_loaded()
        lesson = self.pack.lesson(lesson_id)
        ids = [s.id for s in lesson.sections]
        self.app.push_screen(LessonScreen(lesson, ids.index(section_id) if section_id in ids else 0))

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
            from course.grading.vocabulary import load_exercises

            self._exercises, _problems = load_exercises(self.pack.root, [m.id for m in self.pack.modules])
        return self._exercises

    def exercises_for(self, module_id: str) -> list:
        return [e for e in self.exercises if e.module == module_id]

    def open_exercise(self, exercise_id: str) -> None:
        """Open an exercise, copying its starter files the first time so there is something to edit."""
        from course.grading.workspace import start_workspace
        from course.paths import data_dir
        from course.screens.exercise import ExerciseScreen

        exercise = next(e for e in self.exercises if e.id == exercise_id)
        workspace = data_dir() / "workspaces" / exercise.id
        if not workspace.is_dir() or not any(workspace.iterdir()):
            start_workspace(exercise, workspace)
        self.app.push_screen(ExerciseScreen(exercise, workspace))

    def start_quiz(self, module_ids: list[str], count: int = 10, only_wrong: bool = False) -> None:
        from course.quiz.engine import QuizRun, select_questions
        from course.screens.quiz import QuizScreen

        questions = select_questions(self.pack, self.store, module_ids, count, only_wrong, self.app.rng)
        if not questions:
            self.app.notify("No questions you got wrong here. Well done!" if only_wrong else "No questions here yet.")
            return
        self.app.push_screen(QuizScreen(QuizRun(questions, self.store, "practice", list(module_ids))))

    def retry(self, run: QuizRun) -> None:
        """Replace the summary with a quiz of the questions just missed."""
        from course.quiz.engine import QuizRun
        from course.screens.quiz import QuizScreen

        self.app.switch_screen(QuizScreen(QuizRun(run.missed, self.store, "practice", run.module_ids)))

    def show_summary(self, run: QuizRun) -> None:
        """Replace the finished quiz with its summary, so escape from there goes back past both."""
        from course.screens.summary import SummaryScreen

        self.app.switch_screen(SummaryScreen(run))

    def open_quiz_setup(self, module_ids: list[str]) -> None:
        from course.screens.quiz_setup import QuizSetupScreen

        def chosen(choice: dict | None) -> None:
            if choice:
                self.start_quiz(choice["modules"], choice["count"], choice["only_wrong"])

        self.app.push_screen(QuizSetupScreen(module_ids), chosen)

    def continue_label(self) -> str | None:
        """Where "continue" would go, in words; None when there is nowhere (or the module is gone)."""
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
            self.app.notify("Nothing to continue yet: open a module to start.")
        elif position.kind == "lesson" and self.pack.lesson(position.lesson_id):
            self.open_lesson(position.lesson_id, position.section_id)
        else:
            self.start_quiz([position.module_id])
