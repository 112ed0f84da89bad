"""The end of a quiz: the score and the questions missed, with a way to retry them."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Label

from course.quiz.engine import QuizRun
from course.widgets.quiz_results import QuizResults


class SummaryScreen(Screen):
    BINDINGS = [
        Binding("escape,h", "app.pop_screen", "Done"),
        Binding("r", "retry", "Retry missed"),
    ]

    AUTO_FOCUS = "#summary"  # arrows and page keys scroll a long list of results from the start

    def __init__(self, run: QuizRun):
        super().__init__()
        self.run = run

    def compose(self) -> ComposeResult:
        run = self.run
        yield Header()
        with VerticalScroll(id="summary"):
            percent = f" ({run.score / run.asked:.0%})" if run.asked else ""
            yield Label(f"You scored {run.score} of {run.asked}{percent}", id="score", classes="screen-title")
            left = len(run.questions) - run.asked
            if left:
                yield Label(f"{left} question{'s' if left != 1 else ''} left unanswered.")
            yield QuizResults(run.results, id="summary-results")
            with Horizontal(id="summary-actions"):
                if run.missed:
                    yield Button(f"Retry the {len(run.missed)} missed", id="retry", variant="primary")
                yield Button("Done", id="done")
        yield Footer()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "retry":
            self.action_retry()
        else:
            self.app.pop_screen()

    def action_retry(self) -> None:
        if self.run.missed:
            self.app.nav.retry(self.run)
