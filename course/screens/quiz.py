"""A practice quiz: one question at a time, the answer explained option by option."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Label, ProgressBar, Static

from course.content.generated import format_number
from course.quiz.engine import (
    AnswerError,
    QuizRun,
    answer_text,
    correct_indexes,
    describe_type,
    explanations,
    mistake_note,
    option_labels,
    parse_number,
)
from course.messages import QuizStarted
from course.widgets.choices import ChoiceList


class QuizScreen(Screen):
    BINDINGS = [
        Binding("escape", "leave", "End quiz"),
        Binding("enter", "continue", "Submit / next", show=True, priority=False),
    ]

    revealed: reactive[bool] = reactive(False)

    def __init__(self, run: QuizRun):
        super().__init__()
        self.run = run

    def compose(self) -> ComposeResult:
        yield Header()
        yield ProgressBar(total=len(self.run.questions), show_eta=False, id="quiz-progress")
        yield Label(id="quiz-meta")
        with VerticalScroll(id="quiz-body"):
            yield Static(id="stem")
            yield Vertical(id="answer-area")
            yield Static(id="feedback")
        yield Footer()

    async def on_mount(self) -> None:
        self.post_message(QuizStarted(list(self.run.module_ids)))
        await self._show_question()

    async def _show_question(self) -> None:
        q = self.run.current
        self.revealed = False
        self.query_one("#quiz-progress", ProgressBar).update(progress=self.run.index)
        module = self.app.pack.module(q.module_id)
        self.query_one("#quiz-meta", Label).update(
            f"Question {self.run.index + 1} of {len(self.run.questions)} · {module.title if module else q.module_id}"
            f" · {q.difficulty} · {describe_type(q)}"
        )
        self.query_one("#stem", Static).update(Text(q.stem.strip()))
        feedback = self.query_one("#feedback", Static)
        feedback.update("")
        feedback.remove_class("-right", "-wrong")
        area = self.query_one("#answer-area", Vertical)
        await area.remove_children()
        if q.type == "numeric":
            field = Input(placeholder=f"your answer{f' in {q.unit}' if q.unit else ''}, then enter", id="numeric")
            await area.mount(field)
            field.focus()
        else:
            hint = f"Choose {q.choose}: space or number keys to mark, enter to submit." if q.type == "multiple" \
                else "Number keys or arrows to choose, enter to submit."
            choices = ChoiceList(option_labels(q), choose=q.choose if q.type == "multiple" else 1, id="choices")
            await area.mount_all([Label(hint, classes="hint"), choices])
            choices.focus()
        self.query_one("#quiz-body", VerticalScroll).scroll_home(animate=False)

    async def on_choice_list_submitted(self, message: ChoiceList.Submitted) -> None:
        message.stop()
        if self.revealed:
            await self._advance()
            return
        q = self.run.current
        need = q.choose if q.type == "multiple" else 1
        if len(message.chosen) != need:
            self.notify(f"Choose {need} option{'s' if need > 1 else ''} first.", severity="warning")
            return
        given = (message.chosen[0] == 0) if q.type == "true_false" else message.chosen
        self._submit(given)

    async def on_input_submitted(self, message: Input.Submitted) -> None:
        message.stop()
        if self.revealed:
            await self._advance()
            return
        q = self.run.current
        try:
            given = parse_number(message.value, q.unit)
        except AnswerError as exc:
            self.notify(str(exc), severity="warning")
            return
        message.input.disabled = True
        self._submit(given)
        self.query_one("#quiz-body").focus()

    def _submit(self, given) -> None:
        q = self.run.current
        correct = self.run.answer(given)
        self.revealed = True
        feedback = self.query_one("#feedback", Static)
        text = Text()
        text.append("✔ Correct\n" if correct else "✘ Incorrect\n", style="bold")
        if not correct:
            text.append(f"Answer: {answer_text(q)}\n")
        if q.type == "numeric":
            note = mistake_note(q, given)
            if note and not correct:
                text.append(f"You answered {format_number(given)}: {note.strip()}\n", style="italic")
            text.append(q.explain.strip() + "\n")
        else:
            self.query_one("#choices", ChoiceList).reveal(correct_indexes(q), explanations(q))
        text.append(f"Source: {q.source}", style=f"dim link {q.source}")
        text.append("\nPress enter for the next question." if not self._last else "\nPress enter for your results.",
                    style="dim")
        feedback.update(text)
        feedback.set_class(correct, "-right")
        feedback.set_class(not correct, "-wrong")
        self.call_after_refresh(feedback.scroll_visible)
        self.query_one("#quiz-progress", ProgressBar).update(progress=self.run.index + 1)

    @property
    def _last(self) -> bool:
        return self.run.index + 1 >= len(self.run.questions)

    async def action_continue(self) -> None:
        """Enter when no answer widget has focus (e.g. after a numeric answer)."""
        if self.revealed:
            await self._advance()

    async def _advance(self) -> None:
        if self.run.next() is None:
            self.run.finish()
            self.app.nav.show_summary(self.run)
        else:
            await self._show_question()

    def action_leave(self) -> None:
        self.run.finish()
        if self.run.asked:
            self.app.nav.show_summary(self.run)
        else:
            self.app.pop_screen()
