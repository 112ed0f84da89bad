"""The end of a quiz: the score and the questions missed, with a way to retry them."""

from __future__ import annotations

from textwrap import shorten

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Label, Static

from course.quiz.engine import QuizRun, answer_text


class SummaryScreen(Screen):
    BINDINGS = [
        Binding("escape,h", "app.pop_screen", "Done"),
        Binding("r", "retry", "Retry missed"),
    ]

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
            text = Text()
            for question, _, ok in run.results:
                text.append("✔ " if ok else "✘ ", style="bold green" if ok else "bold red")
                text.append(shorten(question.stem, 110, placeholder=" …") + "\n")
                if not ok:
                    text.append(f"    answer: {answer_text(question)}\n", style="dim")
            yield Static(text, id="results")
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
            self.app.retry(self.run)
