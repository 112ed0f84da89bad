"""The Textual app: wiring only. Screens live one per file under screens/, opening them is
course/navigation.py's job, and the app's own handlers are the only code that records progress."""

from __future__ import annotations

import gc
import random
import time

from textual.app import App
from textual.binding import Binding

from course.commands import CourseCommands
from course.content.models import Pack
from course.messages import ExerciseGraded, QuizStarted, SectionRead
from course.navigation import Navigator
from course.store.api import Position, ProgressStore


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
        self.nav = Navigator(self)
        self._start_quiz = start_quiz

    def get_default_screen(self):
        from course.screens.home import HomeScreen

        return HomeScreen()

    def on_mount(self) -> None:
        self.call_after_refresh(self._settle)
        for notice in self.store.notices:
            self.notify(notice, title="Progress", severity="warning", timeout=15)
        if self._start_quiz is not None:
            self.nav.start_quiz(self._start_quiz["modules"], self._start_quiz["count"], self._start_quiz["only_wrong"])

    def _settle(self) -> None:
        """Once Home is up: read the rest of an outline pack, then move everything alive so far
        (Textual, the course) out of the garbage collector's way, so that no full collection
        over a hundred thousand long-lived objects stalls the first keypresses."""
        self.pack.ensure_loaded()
        gc.collect()
        gc.freeze()

    # Progress: screens report what happened (course/messages.py); only these handlers write it down.
    def on_section_read(self, message: SectionRead) -> None:
        """A section shown counts as read, and becomes the place "continue" returns to."""
        self.store.mark_read(message.module_id, message.lesson_id, message.section_id)
        self.store.set_position(Position("lesson", message.module_id, message.lesson_id, message.section_id,
                                         time.time()))

    def on_quiz_started(self, message: QuizStarted) -> None:
        """Only a one-module quiz is somewhere to come back to; a mixed quiz has no single home."""
        if len(message.module_ids) == 1:
            self.store.set_position(Position("quiz", message.module_ids[0], updated=time.time()))

    def on_exercise_graded(self, message: ExerciseGraded) -> None:
        """The workspace keeps its last result (as `coldstart check` leaves it) and the store the attempt."""
        from course.attempts import record_attempt
        from course.grading.workspace import write_result

        write_result(message.report, message.workspace)
        record_attempt(self.store, message.exercise, message.report)

    def action_help(self) -> None:
        from course.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_toggle_theme(self) -> None:
        self.theme = "textual-light" if self.current_theme.dark else "textual-dark"
